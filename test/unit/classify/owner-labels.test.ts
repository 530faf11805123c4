/**
 * The owner's labels correct the tone verdicts: exactly on the labelled reply,
 * by similarity on unseen ones, and never beyond the negative line.
 */
import { describe, expect, it } from 'vitest';
import { applyLabel, ownerTeaching, quotedPrefix, textHash, textRef, textSimilarity } from '../../../shared/classify/tone/owner-labels.ts';
import type { ToneLabel } from '../../../shared/ports/tone-labels.ts';

const at = '2026-12-01T10:00:00.000Z';
const label = (text: string, kind: ToneLabel['label'], extra: Partial<ToneLabel> = {}): ToneLabel => ({ ref: textRef(text), textHash: textHash(text), text, label: kind, at, by: 'cli', ...extra });

describe('owner labels', () => {
  it('hash the normalised text: case and spacing do not matter', () => {
    expect(textHash('Questo  post SPACCA ')).toBe(textHash('questo post spacca'));
    expect(textHash('questo post spacca')).not.toBe(textHash('questo post spacca!'));
  });

  it('move a verdict only across the negative line', () => {
    expect(applyLabel('negative', 'not_criticism')).toBe('neutral');
    expect(applyLabel('positive', 'not_criticism')).toBe('positive');
    expect(applyLabel(undefined, 'not_criticism')).toBeUndefined();
    expect(applyLabel('positive', 'criticism')).toBe('negative');
  });

  it('override the labelled reply exactly, whatever the similarity threshold', () => {
    const t = ownerTeaching([label('mi hai steso 😂', 'not_criticism')], { similarAt: 1.1 });
    expect(t.adjust('Mi hai steso 😂', 'negative')).toBe('neutral');
    expect(t.adjust('contenuto banale', 'negative')).toBe('negative');
  });

  it('override by interaction, and learn its text from the history', () => {
    const l: ToneLabel = { ref: 'i:masto:42', sourceId: 'masto', interactionId: '42', label: 'not_criticism', at, by: 'page' };
    const t = ownerTeaching([l], { textsOfInteractions: new Map([['masto:42', 'this slaps so hard, the haters cannot stand it']]) });
    expect(t.adjust('anything', 'negative', { sourceId: 'masto', interactionId: '42' })).toBe('neutral');
    expect(t.adjust('this slaps so hard, the haters cannot stand it', 'negative')).toBe('neutral');
    expect(t.reason('this slaps so hard, the haters cant stand it!')?.kind).toBe('similar');
  });

  it('match the report\'s shortened quote as a prefix of the full reply', () => {
    expect(quotedPrefix('abc def…')).toBe('abc def');
    const t = ownerTeaching([label('this is a long reply that the report cut…', 'not_criticism', { truncated: true })]);
    expect(t.reason('This is a long reply that the report cut short, and more')?.kind).toBe('exact');
  });

  it('judge a similar unseen reply the owner\'s way, and leave a different one alone', () => {
    const t = ownerTeaching([label('questo post spacca, mi hai steso', 'not_criticism'), label('ma davvero pensi che qualcuno ti legga?', 'criticism')]);
    expect(textSimilarity('questo post spacca, mi hai steso!!', 'questo post spacca, mi hai steso')).toBeGreaterThan(0.8);
    expect(t.adjust('questo post spacca!! mi hai steso', 'negative')).toBe('neutral');
    expect(t.adjust('ma davvero pensi che qualcuno ti legga??', 'positive')).toBe('negative');
    expect(t.adjust('contenuto banale, come sempre', 'negative')).toBe('negative');
    expect(t.adjust('grazie, bellissimo thread', 'positive')).toBe('positive');
  });

  it('let the newest label win on the same reply', () => {
    const t = ownerTeaching([label('boh', 'criticism', { at: '2026-12-02T00:00:00.000Z' }), label('boh', 'not_criticism')]);
    expect(t.adjust('boh', 'positive')).toBe('negative');
  });

  it('stay fast: 300 labels against 5,000 replies well under a second', () => {
    const labels = Array.from({ length: 300 }, (_, i) => label(`reply number ${i} about the post and its ideas ${i * 7}`, i % 2 === 0 ? 'not_criticism' : 'criticism'));
    const t = ownerTeaching(labels);
    const start = performance.now();
    for (let i = 0; i < 5_000; i++) t.adjust(`another reply ${i}: I have thoughts on this post ${i % 13}`, 'negative');
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
