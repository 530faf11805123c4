/** The three judgement rules of DESIGN.md that must never bend, each tested against the reasons that would otherwise remove a contact. */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { ReasonCode } from '../../../shared/domain/analysis-types.ts';
import { contact, daysAgo, follower, inbound, input, outbound, policy, source, verdictOf } from './builders.ts';

const negative = () => 'negative' as const;

describe('rule 1: inbound engagement inside the lookback window is never unfollow', () => {
  it('a contact who replied last week is never recommended for unfollow, even when their account moved', () => {
    const v = verdictOf(analyse(input({ current: [contact('mover', { state: 'moved' })], interactions: [inbound('mover', daysAgo(7), 'reply')] })).verdicts, 'mover');
    expect(v.reasons).toContain('inactive_account');
    expect(v.recommendation).toBe('review');
  });

  it('a critic who replied inside the window goes to review, not unfollow', () => {
    const interactions = [inbound('critic', daysAgo(3), 'reply', { text: 'bad' }), inbound('critic', daysAgo(4), 'reply', { text: 'worse' })];
    const v = verdictOf(analyse(input({ current: [contact('critic')], interactions, classifiers: { tone: negative } })).verdicts, 'critic');
    expect(v.reasons).toContain('critic_only');
    expect(v.recommendation).toBe('review');
  });

  it('a critic whose replies are all older than the window is unfollow', () => {
    const interactions = [inbound('critic', daysAgo(93), 'reply', { text: 'bad' }), inbound('critic', daysAgo(94), 'reply', { text: 'worse' })];
    const v = verdictOf(analyse(input({ current: [contact('critic')], interactions, classifiers: { tone: negative } })).verdicts, 'critic');
    expect(v.recommendation).toBe('unfollow');
  });

  it('dormant by a short dormantDays but active inside a longer window is at most review', () => {
    const p = policy({ dormantDays: 30, lookbackDays: 90 });
    const v = verdictOf(analyse(input({ policy: p, current: [contact('c')], interactions: [inbound('c', daysAgo(60))] })).verdicts, 'c');
    expect(v.reasons).toContain('dormant');
    expect(v.recommendation).toBe('review');
  });

  it('over a large random community, nobody with window inbound is ever unfollow', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const states = ['active', 'moved', 'suspended', 'deleted'] as const;
    const current = Array.from({ length: 300 }, (_, k) =>
      contact(`c${k}`, { state: states[Math.floor(rand() * 4)] ?? 'active', lastPostAt: daysAgo(Math.floor(rand() * 400)), followedAt: daysAgo(Math.floor(rand() * 400)) }),
    );
    const interactions = current.flatMap((c) =>
      Array.from({ length: Math.floor(rand() * 4) }, () => (rand() < 0.5 ? inbound : outbound)(c.id, daysAgo(Math.floor(rand() * 300)), 'reply', { text: 'meh' })),
    );
    const { verdicts } = analyse(input({ policy: policy({ dormantDays: 10 }), current, interactions, classifiers: { tone: negative } }));
    const engaged = verdicts.filter((v) => v.stats.inboundInWindow > 0);
    expect(engaged.length).toBeGreaterThan(20);
    expect(engaged.filter((v) => v.recommendation === 'unfollow')).toEqual([]);
    expect(verdicts.some((v) => v.recommendation === 'unfollow')).toBe(true);
  });
});

describe('rule 2: missing data is not absence of engagement', () => {
  const partial = source({ interactions: 'partial', problems: ['rate limited after page 3'] });

  it.each(['partial', 'failed'] as const)('with %s interactions, a silent contact is not newly never_engaged and is marked stale', (interactions) => {
    const { verdicts, staleSources } = analyse(input({ sources: [source({ interactions })], current: [contact('silent')] }));
    const v = verdictOf(verdicts, 'silent');
    expect(v.reasons).not.toContain('never_engaged');
    expect(v.recommendation).toBe('keep');
    expect(v.stale).toBe(true);
    expect(staleSources).toEqual([expect.objectContaining({ sourceId: 'masto', interactions })]);
  });

  it('with partial interactions, absence reasons from the previous run are carried over, marked as such', () => {
    const gifts = Array.from({ length: 2 }, (_, k) => outbound('a', daysAgo(k)));
    const current = [
      contact('ghost', { previousReasons: ['never_engaged'] }),
      contact('sleepy', { previousReasons: ['dormant'], lifetime: { inbound: 1, outbound: 0, lastInboundAt: daysAgo(300) } }),
      contact('a', { previousReasons: ['one_sided'], lifetime: { inbound: 1, outbound: 9, lastInboundAt: daysAgo(300) } }),
    ];
    const { verdicts } = analyse(input({ sources: [partial], current, interactions: gifts }));
    expect(verdictOf(verdicts, 'ghost').evidence.never_engaged).toMatchObject({ carriedOver: true, observedDays: 365 });
    expect(verdictOf(verdicts, 'ghost').recommendation).toBe('unfollow');
    expect(verdictOf(verdicts, 'sleepy').evidence.dormant).toMatchObject({ carriedOver: true, daysSinceInbound: 300 });
    // Only 2 gifts seen (below the threshold): the partial pull cannot confirm, but does not refute either.
    expect(verdictOf(verdicts, 'a').evidence.one_sided).toEqual({ carriedOver: true });
  });

  it('with partial interactions, a carried-over reason is dropped when what we did see contradicts it', () => {
    const current = [contact('ghost', { previousReasons: ['never_engaged', 'one_sided'] })];
    const { verdicts } = analyse(input({ sources: [partial], current, interactions: [inbound('ghost', daysAgo(2))] }));
    expect(verdictOf(verdicts, 'ghost').reasons).toEqual([]);
  });

  it('with partial interactions, critic_only is not newly concluded either', () => {
    const interactions = [inbound('c', daysAgo(200), 'reply', { text: 'no' }), inbound('c', daysAgo(201), 'reply', { text: 'no' })];
    const { verdicts } = analyse(input({ sources: [partial], current: [contact('c')], interactions, classifiers: { tone: negative } }));
    expect(verdictOf(verdicts, 'c').reasons).not.toContain('critic_only');
  });

  it('facts about the account itself are still reported from stale data', () => {
    const { verdicts } = analyse(input({ sources: [partial], current: [contact('gone', { state: 'deleted' })] }));
    expect(verdictOf(verdicts, 'gone').reasons).toEqual(['inactive_account']);
  });

  it('a failed contacts pull (last known list) never produces lost or new followers', () => {
    const failed = source({ contacts: 'failed', interactions: 'failed' });
    const previous = [follower('stays'), follower('missing')];
    const current = [follower('stays'), follower('fresh')];
    const { verdicts, figures } = analyse(input({ sources: [failed], current, previous }));
    expect(verdicts.map((v) => v.id).sort()).toEqual(['fresh', 'stays']);
    expect(verdicts.flatMap((v) => v.reasons)).not.toContain('lost_follower');
    expect(verdicts.flatMap((v) => v.reasons)).not.toContain('new_follower');
    expect([figures.newFollowers, figures.lostFollowers]).toEqual([0, 0]);
  });

  it('a complete pull after a partial previous one reports no lost followers', () => {
    const { verdicts } = analyse(input({ sources: [source({ previousContactsComplete: false })], current: [], previous: [follower('maybe')] }));
    expect(verdicts).toEqual([]);
  });

  it('one stale source does not stop conclusions on another, complete, source', () => {
    const sources = [source(), source({ sourceId: 'sky', platform: 'bluesky', interactions: 'failed' })];
    const current = [contact('m'), contact('b', { sourceId: 'sky', platform: 'bluesky' })];
    const { verdicts, staleSources } = analyse(input({ sources, current }));
    expect(verdictOf(verdicts, 'm').reasons).toEqual(['never_engaged']);
    expect(verdictOf(verdicts, 'b', 'sky').reasons).toEqual([]);
    expect(staleSources.map((s) => s.sourceId)).toEqual(['sky']);
  });

  it('a contact of a source this run knows nothing about is judged as stale', () => {
    const v = verdictOf(analyse(input({ current: [contact('orphan', { sourceId: 'old' })] })).verdicts, 'orphan', 'old');
    expect(v.stale).toBe(true);
    expect(v.reasons).toEqual([]);
  });
});

describe('rule 3: allowlisted and snoozed contacts are never recommended for removal', () => {
  const removalCases: { name: string; id: string; reason: ReasonCode; extra?: Parameters<typeof contact>[1] }[] = [
    { name: 'never engaged', id: 'ghost', reason: 'never_engaged' },
    { name: 'deleted', id: 'gone', reason: 'inactive_account', extra: { state: 'deleted' } },
    { name: 'quiet for a year', id: 'quiet', reason: 'inactive_account', extra: { lastPostAt: daysAgo(365) } },
  ];
  it.each(removalCases)('an allowlisted account you follow that is $name is kept', ({ id, reason, extra }) => {
    const v = verdictOf(analyse(input({ decisions: { allowlist: [`@${id}@example.social`], snoozed: [] }, current: [contact(id, extra)] })).verdicts, id);
    expect(v.reasons).toContain(reason);
    expect(v.reasons).toContain('allowlisted');
    expect(v.recommendation).toBe('keep');
  });

  it('a snoozed account you follow, with every removal reason, is kept until the snooze ends', () => {
    const interactions = [inbound('c', daysAgo(200), 'reply', { text: 'x' }), inbound('c', daysAgo(201), 'reply', { text: 'x' })];
    const c = contact('c', { lastPostAt: daysAgo(300) });
    const snoozed = [{ contact: 'masto:c', until: '2026-07-01' }];
    const v = verdictOf(analyse(input({ decisions: { allowlist: [], snoozed }, current: [c], interactions, classifiers: { tone: negative } })).verdicts, 'c');
    expect(v.reasons).toEqual(expect.arrayContaining(['dormant', 'critic_only', 'inactive_account', 'snoozed']));
    expect(v.evidence.snoozed).toEqual({ until: '2026-07-01' });
    expect(v.recommendation).toBe('keep');
  });

  it('an allowlisted critic you follow stays kept', () => {
    const interactions = [inbound('c', daysAgo(200), 'reply', { text: 'x' }), inbound('c', daysAgo(201), 'reply', { text: 'y' })];
    const v = verdictOf(analyse(input({ decisions: { allowlist: ['@c@example.social'], snoozed: [] }, current: [contact('c')], interactions, classifiers: { tone: negative } })).verdicts, 'c');
    expect(v.reasons).toEqual(expect.arrayContaining(['critic_only', 'allowlisted']));
    expect(v.recommendation).toBe('keep');
  });

  it('an allowlisted follower who engaged in the window is followed back, even when a critic', () => {
    const interactions = [inbound('f', daysAgo(1), 'reply', { text: 'no' }), inbound('f', daysAgo(2), 'reply', { text: 'no' })];
    const decisions = { allowlist: ['F@Example.Social'], snoozed: [] };
    const v = verdictOf(analyse(input({ decisions, current: [follower('f')], interactions, classifiers: { tone: negative } })).verdicts, 'f');
    expect(v.recommendation).toBe('follow_back');
  });

  it('an allowlisted follower who did not engage in the window gets no_follow_back (not a removal)', () => {
    const v = verdictOf(analyse(input({ decisions: { allowlist: ['masto:f'], snoozed: [] }, current: [follower('f')] })).verdicts, 'f');
    expect(v.recommendation).toBe('no_follow_back');
  });
});

describe('a tone classifier that failed is missing data too', () => {
  it('carries critic_only over from the previous run instead of dropping or concluding it', async () => {
    const { analyse } = await import('../../../shared/domain/analyse.ts');
    const b = await import('./builders.ts');
    const replies = [b.inbound('critic', b.daysAgo(200), 'reply', { text: 'x' }), b.inbound('critic', b.daysAgo(201), 'reply', { text: 'y' })];
    const carried = b.verdictOf(
      analyse(b.input({ current: [b.contact('critic', { previousReasons: ['critic_only'] }), b.contact('other')], interactions: replies, classifiers: { toneFailed: true } })).verdicts,
      'critic',
    );
    expect(carried.reasons).toContain('critic_only');
    expect(carried.evidence.critic_only).toMatchObject({ carriedOver: true });
    const fresh = b.verdictOf(analyse(b.input({ current: [b.contact('critic')], interactions: replies, classifiers: { toneFailed: true } })).verdicts, 'critic');
    expect(fresh.reasons).not.toContain('critic_only');
  });
});
