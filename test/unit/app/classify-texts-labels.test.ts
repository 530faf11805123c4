/**
 * Where a run classifies its texts, the owner's labels override the
 * classifier's verdict on the labelled replies and adapt it on similar ones.
 */
import { describe, expect, it } from 'vitest';
import { classifyTexts } from '../../../shared/app/classify-texts.ts';
import { textHash, textRef } from '../../../shared/classify/tone/owner-labels.ts';
import { ProfileConfig } from '../../../shared/config/schema.ts';
import type { ToneClassifier } from '../../../shared/ports/classifiers.ts';
import type { ToneLabel } from '../../../shared/ports/tone-labels.ts';
import { daysAgo, inbound, NOW } from '../domain/builders.ts';

const profile = ProfileConfig.parse({ id: 'p', sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' } });
const silent = { info: () => {}, warn: () => {}, error: () => {} };
const allNegative: ToneClassifier = { name: 'stub', classify: async (texts) => new Map(texts.map((t) => [t.id, 'negative'] as const)) };
const at = '2026-12-01T10:00:00.000Z';

describe('classifyTexts with the owner\'s labels', () => {
  const interactions = [
    inbound('fan', daysAgo(1), 'reply', { text: 'questo post spacca, mi hai steso' }),
    inbound('fan', daysAgo(2), 'reply', { text: 'questo post spacca!! mi hai steso 😂' }),
    inbound('critic', daysAgo(1), 'reply', { text: 'contenuto banale, come sempre' }),
  ];
  const label: ToneLabel = { ref: textRef('questo post spacca, mi hai steso'), textHash: textHash('questo post spacca, mi hai steso'), text: 'questo post spacca, mi hai steso', label: 'not_criticism', at, by: 'cli' };

  it('count the labelled reply and a similar unseen one as not negative, and nothing else', async () => {
    const out = await classifyTexts(profile, interactions, new Date(NOW), { toneClassifierFor: () => allNegative, toneLabels: { listLabels: async () => [label] } }, silent);
    const tone = out.classifiers.tone;
    expect(tone?.('questo post spacca, mi hai steso')).toBe('neutral');
    expect(tone?.('questo post spacca!! mi hai steso 😂')).toBe('neutral');
    expect(tone?.('contenuto banale, come sempre')).toBe('negative');
  });

  it('override a reply named by its interaction id', async () => {
    const [first] = interactions;
    const byId: ToneLabel = { ref: `i:${first?.sourceId}:${first?.id}`, sourceId: String(first?.sourceId), interactionId: String(first?.id), label: 'not_criticism', at, by: 'page' };
    const out = await classifyTexts(profile, interactions, new Date(NOW), { toneClassifierFor: () => allNegative, toneLabels: { listLabels: async () => [byId] } }, silent);
    expect(out.classifiers.tone?.('questo post spacca, mi hai steso')).toBe('neutral');
    expect(out.classifiers.tone?.('contenuto banale, come sempre')).toBe('negative');
  });

  it('judge alone, and say so, when the labels cannot be read', async () => {
    const out = await classifyTexts(profile, interactions, new Date(NOW), { toneClassifierFor: () => allNegative, toneLabels: { listLabels: async () => Promise.reject(new Error('throttled')) } }, silent);
    expect(out.classifiers.tone?.('questo post spacca, mi hai steso')).toBe('negative');
    expect(out.notices.join(' ')).toMatch(/labels could not be read.*throttled/);
    expect(out.problems).toEqual([]);
  });
});
