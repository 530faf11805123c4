/**
 * The simulated owner of `npm run eval:labels`, on the training corpora split
 * by the fixed seed: labelling run 1's false positives must not raise run 2's,
 * must lower them, and must cost little criticism. Real assertions on the
 * real corpora (the held-out files are never opened).
 */
import { describe, expect, it } from 'vitest';
import { evaluateOwnerLabels, splitRuns, SPLIT_SEED, trainingReplies } from '../../eval/eval-owner-labels.ts';
import { textHash } from '../../../shared/classify/tone/owner-labels.ts';

describe('eval:labels figures (seed 19, training corpora only)', () => {
  const replies = trainingReplies();

  it('splits into three disjoint parts, run 2 unseen', () => {
    const { model, run1, run2 } = splitRuns(replies, SPLIT_SEED);
    const earlier = new Set([...model, ...run1].map((r) => textHash(r.text)));
    expect(run2.some((r) => earlier.has(textHash(r.text)))).toBe(false);
    expect(Math.min(model.length, run1.length, run2.length)).toBeGreaterThan(replies.length / 4);
  });

  it('the owner\'s labels never raise run 2\'s false positives, lower them, and keep nearly all criticism', () => {
    const f = evaluateOwnerLabels(replies);
    expect(f.run1.labelled).toBeGreaterThan(0);
    expect(f.run2.falsePositivesAfter).toBeLessThanOrEqual(f.run2.falsePositivesBefore);
    expect(f.run2.falsePositivesAfter).toBeLessThan(f.run2.falsePositivesBefore);
    expect(f.run2.criticismFoundBefore - f.run2.criticismFoundAfter).toBeLessThanOrEqual(Math.ceil(f.run2.criticism * 0.01));
    expect(f.adaptMs).toBeLessThan(1_000);
  }, 60_000);
});
