/**
 * The app asks the tone classifier before the analysis, only for texts that can
 * decide critic_only, and a failing classifier concludes nothing.
 */
import { describe, expect, it } from 'vitest';
import { classifyTexts, criticCandidateTexts } from '../../../shared/app/classify-texts.ts';
import { ProfileConfig } from '../../../shared/config/schema.ts';
import type { ToneClassifier, ToneText } from '../../../shared/ports/classifiers.ts';
import { daysAgo, inbound, NOW } from '../domain/builders.ts';

const profile = ProfileConfig.parse({ id: 'p', sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' } });
const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe('texts sent to the tone classifier', () => {
  it('are the replies, mentions and quotes of contacts who never liked or reposted, each text once', () => {
    const interactions = [
      inbound('critic', daysAgo(1), 'reply', { text: 'wrong' }),
      inbound('critic', daysAgo(2), 'quote', { text: 'wrong' }),
      inbound('critic', daysAgo(3), 'mention', { text: 'so wrong', lang: 'en' }),
      inbound('friend', daysAgo(1), 'reply', { text: 'great' }),
      inbound('friend', daysAgo(2), 'like'),
      inbound('future', daysAgo(-2), 'reply', { text: 'from the future' }),
    ];
    const texts = criticCandidateTexts(interactions, Date.parse(NOW)).map((t) => ({ text: t.text, lang: t.lang }));
    expect(texts).toEqual([{ text: 'wrong', lang: undefined }, { text: 'so wrong', lang: 'en' }]);
  });
});

describe('classifyTexts', () => {
  const interactions = [inbound('critic', daysAgo(1), 'reply', { text: 'wrong' }), inbound('critic', daysAgo(2), 'reply', { text: 'fine' })];

  it('turns the answers into a tone lookup by text', async () => {
    const seen: ToneText[][] = [];
    const tone: ToneClassifier = {
      name: 'stub',
      classify: async (texts) => {
        seen.push([...texts]);
        return new Map(texts.map((t) => [t.id, t.text === 'wrong' ? 'negative' : 'neutral'] as const));
      },
    };
    const { classifiers, problems } = await classifyTexts(profile, interactions, new Date(NOW), { toneClassifierFor: () => tone }, silent);
    expect(seen).toHaveLength(1);
    expect(classifiers.tone?.('wrong')).toBe('negative');
    expect(classifiers.tone?.('fine')).toBe('neutral');
    expect(classifiers.tone?.('never sent')).toBeUndefined();
    expect(classifiers.toneClassifier).toBe('stub');
    expect(problems).toEqual([]);
  });

  it('a failing classifier leaves tone unjudged and says why', async () => {
    const tone: ToneClassifier = { name: 'comprehend', classify: async () => Promise.reject(new Error('ThrottlingException')) };
    const { classifiers, problems } = await classifyTexts(profile, interactions, new Date(NOW), { toneClassifierFor: () => tone }, silent);
    expect(classifiers.tone).toBeUndefined();
    expect(classifiers.toneFailed).toBe(true);
    expect(problems).toEqual(['tone classifier "comprehend" failed, critics were not judged this run: ThrottlingException']);
  });

  it("logs a paid classifier's cost for this run only, not the process's running total", async () => {
    let units = 900;
    const tone: ToneClassifier = {
      name: 'comprehend',
      classify: async (texts) => {
        units += texts.length * 3;
        return new Map(texts.map((t) => [t.id, 'neutral'] as const));
      },
      meter: () => ({ calls: units / 3, textsSent: units / 3, units, costUsd: units * 0.0001 }),
    };
    const logged: Record<string, unknown>[] = [];
    const log = { ...silent, info: (_m: string, extra?: Record<string, unknown>) => void logged.push(extra ?? {}) };
    await classifyTexts(profile, interactions, new Date(NOW), { toneClassifierFor: () => tone }, log);
    expect(logged[0]?.['cost']).toEqual({ calls: 2, textsSent: 2, units: 6, costUsd: 0.0006 });
  });
});
