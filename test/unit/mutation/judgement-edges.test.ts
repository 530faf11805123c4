/**
 * Edges of the judgement rules that never bend, found by mutation testing:
 * a carried-over dormant dropped by fresh evidence, nothing absence-based in
 * grace, grace only for accounts you follow, and evidence that says only what
 * is known.
 */
import { describe, expect, it } from 'vitest';
import { Audience } from '../../../shared/config/schema.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import { judgeContact } from '../../../shared/domain/contact-reasons.ts';
import { gracePeriod } from '../../../shared/domain/rules/grace-period.ts';
import { SEES_EVERYTHING } from '../../../shared/domain/observability.ts';
import type { ContactContext, ReasonRule } from '../../../shared/domain/rules/rule.ts';
import { computeStats } from '../../../shared/domain/stats.ts';
import { NOW, contact, daysAgo, follower, inbound, input, msAgo, policy, source, verdictOf } from '../domain/builders.ts';

const NOW_MS = Date.parse(NOW);
const partial = source({ interactions: 'partial', problems: ['rate limited'] });

describe('dormant on stale data', () => {
  it('a dormant reason carried over is dropped when the partial pull shows an inbound inside dormantDays', () => {
    const sleepy = contact('sleepy', { previousReasons: ['dormant'], lifetime: { inbound: 3, outbound: 0, lastInboundAt: daysAgo(300) } });
    const v = verdictOf(analyse(input({ sources: [partial], current: [sleepy], interactions: [inbound('sleepy', daysAgo(3))] })).verdicts, 'sleepy');
    expect(v.reasons).toEqual([]);
    expect(v.recommendation).toBe('keep');
  });

  it('a dormant reason carried over stays when what the partial pull saw is older than dormantDays', () => {
    const sleepy = contact('sleepy', { previousReasons: ['dormant'], lifetime: { inbound: 3, outbound: 0, lastInboundAt: daysAgo(300) } });
    const v = verdictOf(analyse(input({ sources: [partial], current: [sleepy], interactions: [inbound('sleepy', daysAgo(200))] })).verdicts, 'sleepy');
    expect(v.reasons).toEqual(['dormant']);
    expect(v.evidence.dormant).toMatchObject({ carriedOver: true });
  });
});

describe('grace period', () => {
  it('concludes nothing absence-based, dormant included, for an account followed days ago who engaged long before', () => {
    const c = contact('old-friend', { followedAt: daysAgo(5), lifetime: { inbound: 4, outbound: 0, lastInboundAt: daysAgo(400) } });
    const v = verdictOf(analyse(input({ current: [c] })).verdicts, 'old-friend');
    expect(v.reasons).toEqual(['grace_period']);
    expect(v.recommendation).toBe('keep');
  });

  it('is for accounts you follow: a follower first seen after tracking began gets no grace_period', () => {
    const f = follower('newcomer', { followerSince: undefined, firstSeenAt: daysAgo(3) });
    delete f.followerSince;
    const v = verdictOf(analyse(input({ sources: [source({ trackingSince: daysAgo(100) })], current: [f] })).verdicts, 'newcomer');
    expect(v.reasons).not.toContain('grace_period');
  });

  it('graceDays 0 gives no grace even to a follow the platform dates a little after our clock', () => {
    const c = contact('ahead', { followedAt: msAgo(-5_000) });
    const v = verdictOf(analyse(input({ policy: policy({ graceDays: 0 }), current: [c] })).verdicts, 'ahead');
    expect(v.reasons).not.toContain('grace_period');
  });

  it('names the contact and the field when a follow date or first sighting cannot be read', () => {
    const ctx = (overrides: Parameters<typeof contact>[1]) => ({ contact: contact('bad', overrides), nowMs: NOW_MS, policy: policy() }) as unknown as ContactContext;
    expect(() => gracePeriod(ctx({ followedAt: 'yesterday' }), NOW_MS - 1e10)).toThrow('contact masto:bad followedAt');
    const noFollowDate = ctx({ firstSeenAt: 'soon' });
    delete noFollowDate.contact.followedAt;
    expect(() => gracePeriod(noFollowDate, NOW_MS - 1e10)).toThrow('contact masto:bad firstSeenAt');
  });
});

describe('never_engaged evidence says only what is known', () => {
  it('with a follow date: how long followed, and nothing about an unknown follow date', () => {
    const v = verdictOf(analyse(input({ current: [contact('c', { followedAt: daysAgo(60) })] })).verdicts, 'c');
    expect(v.evidence.never_engaged).toStrictEqual({ observedDays: 60, observedSince: daysAgo(60), followedForDays: 60, kindsSeen: [...SEES_EVERYTHING.inbound] });
  });

  it('a follower has no followedForDays at all', () => {
    const v = verdictOf(analyse(input({ current: [follower('f', { followerSince: daysAgo(60) })] })).verdicts, 'f');
    expect(Object.keys(v.evidence.never_engaged ?? {})).not.toContain('followedForDays');
  });
});

describe('owner decisions in the evidence', () => {
  it('an allowlisted contact carries the allowlist entry that matched, as the owner wrote it', () => {
    const v = verdictOf(analyse(input({ decisions: { allowlist: ['@Ghost@Example.social'], snoozed: [] }, current: [contact('ghost')] })).verdicts, 'ghost');
    expect(v.evidence.allowlisted).toEqual({ entry: '@Ghost@Example.social' });
  });
});

describe('a rule that needs complete history but has no contradiction check', () => {
  it('is carried over on stale data from the previous run, as it was', () => {
    const c = contact('x', { previousReasons: ['one_sided'] });
    const stats = computeStats(c, [], { nowMs: NOW_MS, windowStartMs: NOW_MS - 90 * 86_400_000, historySinceMs: Date.parse(daysAgo(365)) });
    const rule: ReasonRule<'one_sided'> = { code: 'one_sided', basis: 'complete-history', evaluate: () => null };
    const ctx: ContactContext = { contact: c, stats, interactions: [], observationStartMs: Date.parse(daysAgo(365)), nowMs: NOW_MS, policy: policy(), audience: Audience.parse({}), classifiers: {}, observes: SEES_EVERYTHING };
    const { reasons } = judgeContact(ctx, { interactionsStale: true, trackingSinceMs: Date.parse(daysAgo(365)), decision: {}, rules: [rule] });
    expect(reasons.codes()).toEqual(['one_sided']);
    expect(reasons.get('one_sided')).toEqual({ carriedOver: true });
  });
});

describe('what the owner protected is not even judged for its audience', () => {
  const outsider = () => ({ excludedKeyword: 'crypto', field: 'bio' as const });
  const judge = (decisions: { allowlist: string[]; snoozed: { contact: string; until: string }[] }) =>
    verdictOf(analyse(input({ decisions, current: [follower('fan', { bio: 'crypto' })], interactions: [inbound('fan', daysAgo(3))], classifiers: { audience: outsider } })).verdicts, 'fan');

  it('an unprotected follower outside the audience gets out_of_audience and no follow back', () => {
    const v = judge({ allowlist: [], snoozed: [] });
    expect(v.reasons).toContain('out_of_audience');
    expect(v.recommendation).toBe('no_follow_back');
  });

  it('an allowlisted follower outside the audience has no out_of_audience and is followed back', () => {
    const v = judge({ allowlist: ['masto:fan'], snoozed: [] });
    expect(v.reasons).not.toContain('out_of_audience');
    expect(v.recommendation).toBe('follow_back');
  });

  it('a snoozed follower outside the audience has no out_of_audience either', () => {
    const v = judge({ allowlist: [], snoozed: [{ contact: 'masto:fan', until: daysAgo(-30) }] });
    expect(v.reasons).not.toContain('out_of_audience');
  });

  it('protection does not hide the facts: an allowlisted silent account still shows never_engaged, and is kept', () => {
    const v = verdictOf(analyse(input({ decisions: { allowlist: ['masto:quiet'], snoozed: [] }, current: [contact('quiet')] })).verdicts, 'quiet');
    expect(v.reasons).toEqual(['never_engaged', 'allowlisted']);
    expect(v.recommendation).toBe('keep');
  });
});
