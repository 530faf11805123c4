/** Edges of the time rules: exactly at a boundary, and one millisecond either side. */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { contact, daysAgo, inbound, input, msAgo, policy, source, verdictOf } from './builders.ts';

const DAY = 86_400_000;
const judge = (...args: Parameters<typeof input>) => analyse(input(...args)).verdicts;

describe('observation period (minObservationDays 30)', () => {
  it('observed exactly 30 days is long enough for never_engaged', () => {
    expect(verdictOf(judge({ current: [contact('c', { followedAt: daysAgo(30) })] }), 'c').reasons).toEqual(['never_engaged']);
  });

  it('observed one millisecond less than 30 days is not', () => {
    expect(verdictOf(judge({ current: [contact('c', { followedAt: msAgo(30 * DAY - 1) })] }), 'c').reasons).toEqual([]);
  });

  it('the source history horizon bounds observation at the same edge', () => {
    const c = contact('c', { followedAt: daysAgo(300) });
    expect(verdictOf(judge({ sources: [source({ historySince: daysAgo(30) })], current: [c] }), 'c').reasons).toEqual(['never_engaged']);
    expect(verdictOf(judge({ sources: [source({ historySince: msAgo(30 * DAY - 1) })], current: [c] }), 'c').reasons).toEqual([]);
  });
});

describe('grace period (graceDays 14)', () => {
  const p = policy({ minObservationDays: 1 });

  it('followed one millisecond less than 14 days ago is in grace and kept', () => {
    const v = verdictOf(judge({ policy: p, current: [contact('c', { followedAt: msAgo(14 * DAY - 1) })] }), 'c');
    expect(v.reasons).toEqual(['grace_period']);
    expect(v.recommendation).toBe('keep');
  });

  it('followed exactly 14 days ago is judged', () => {
    const v = verdictOf(judge({ policy: p, current: [contact('c', { followedAt: daysAgo(14) })] }), 'c');
    expect(v.reasons).toEqual(['never_engaged']);
    expect(v.recommendation).toBe('unfollow');
  });

  it('graceDays 0 gives no grace at all', () => {
    const v = verdictOf(judge({ policy: policy({ graceDays: 0, minObservationDays: 1 }), current: [contact('c', { followedAt: daysAgo(1) })] }), 'c');
    expect(v.reasons).toEqual(['never_engaged']);
  });

  it('a grace contact that has a gone account is still kept, and the fact is reported', () => {
    const v = verdictOf(judge({ current: [contact('c', { followedAt: daysAgo(2), state: 'suspended' })] }), 'c');
    expect(v.reasons).toEqual(['inactive_account', 'grace_period']);
    expect(v.recommendation).toBe('keep');
  });
});

describe('lookback window (90 days)', () => {
  it('an inbound exactly at the window start counts in the window, one millisecond earlier does not', () => {
    const { verdicts, windowStart } = analyse(input({ current: [contact('in'), contact('out')], interactions: [inbound('in', daysAgo(90)), inbound('out', msAgo(90 * DAY + 1))] }));
    expect(windowStart).toBe(daysAgo(90));
    expect(verdictOf(verdicts, 'in').stats.inboundInWindow).toBe(1);
    expect(verdictOf(verdicts, 'out').stats.inboundInWindow).toBe(0);
    expect(verdictOf(verdicts, 'out').stats.inboundTotal).toBe(1);
  });

  it('interactions after now (a backfill with a fixed clock) are not seen yet', () => {
    const v = verdictOf(judge({ current: [contact('c')], interactions: [inbound('c', daysAgo(-1))] }), 'c');
    expect(v.stats.inboundTotal).toBe(0);
    expect(v.reasons).toEqual(['never_engaged']);
  });

  it('the same interaction given twice (stored and pulled again) counts once', () => {
    const i = inbound('c', daysAgo(3), 'reply');
    const v = verdictOf(judge({ current: [contact('c')], interactions: [i, { ...i }] }), 'c');
    expect(v.stats).toMatchObject({ inboundInWindow: 1, inboundByKind: { reply: 1 }, score: 3 });
  });

  it('an interaction of another source with the same contact id is not mixed in', () => {
    const v = verdictOf(judge({ current: [contact('c')], interactions: [inbound('c', daysAgo(3), 'like', { sourceId: 'sky' })] }), 'c');
    expect(v.stats.inboundTotal).toBe(0);
  });
});

describe('bad input', () => {
  it('names the interaction whose date cannot be read', () => {
    expect(() => judge({ current: [contact('c')], interactions: [inbound('c', daysAgo(1)), inbound('c', 'yesterday')] })).toThrow(/interactions\[1\]\.at: "yesterday"/);
  });

  it('names the snooze whose until cannot be read', () => {
    expect(() => judge({ decisions: { allowlist: [], snoozed: [{ contact: 'x', until: 'soon' }] } })).toThrow(/decisions\.snoozed\[0\]\.until/);
  });
});
