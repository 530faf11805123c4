import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { ENGAGEMENT_KINDS } from '../../../shared/domain/observability.ts';
import { contact, daysAgo, follower, inbound, input, outbound, policy, source, verdictOf } from './builders.ts';

describe('never_engaged', () => {
  it('an account followed for a year that never gave anything back is never_engaged and recommended for unfollow', () => {
    const { verdicts } = analyse(input({ current: [contact('ghost', { followedAt: daysAgo(100) })] }));
    const v = verdictOf(verdicts, 'ghost');
    expect(v.reasons).toContain('never_engaged');
    expect(v.evidence.never_engaged).toMatchObject({ observedDays: 100, followedForDays: 100 });
    expect(v.recommendation).toBe('unfollow');
  });

  it('an inbound interaction known only from the lifetime totals (older ones expired) counts as engagement', () => {
    const ghost = contact('old-friend', { lifetime: { inbound: 3, outbound: 0, lastInboundAt: daysAgo(60) } });
    const v = verdictOf(analyse(input({ current: [ghost] })).verdicts, 'old-friend');
    expect(v.reasons).not.toContain('never_engaged');
    expect(v.stats.inboundTotal).toBe(3);
  });

  it('observation starts at the source history horizon when the follow is older than the history we have', () => {
    const { verdicts } = analyse(input({ sources: [source({ historySince: daysAgo(20) })], current: [contact('c')] }));
    const v = verdictOf(verdicts, 'c');
    expect(v.stats.observedDays).toBe(20);
    expect(v.reasons).not.toContain('never_engaged');
  });

  it('a follower who never engages is never_engaged and gets no follow back', () => {
    const v = verdictOf(analyse(input({ current: [follower('lurker')] })).verdicts, 'lurker');
    expect(v.reasons).toContain('never_engaged');
    expect(v.recommendation).toBe('no_follow_back');
  });

  it("a follower's observation starts when they followed you, not at an unknown followedAt", () => {
    const v = verdictOf(analyse(input({ current: [follower('newish', { followerSince: daysAgo(10), firstSeenAt: daysAgo(10) })] })).verdicts, 'newish');
    expect(v.stats.observedDays).toBe(10);
    expect(v.reasons).not.toContain('never_engaged');
  });
});

describe('dormant', () => {
  it('a contact who last engaged 200 days ago is dormant, with the date and the days since', () => {
    const at = daysAgo(200);
    const v = verdictOf(analyse(input({ current: [contact('sleepy')], interactions: [inbound('sleepy', at, 'reply')] })).verdicts, 'sleepy');
    expect(v.reasons).toEqual(['dormant']);
    expect(v.evidence.dormant).toEqual({ lastInboundAt: at, daysSinceInbound: 200, kindsSeen: ENGAGEMENT_KINDS });
    expect(v.recommendation).toBe('unfollow');
  });

  it('a contact who engaged exactly dormantDays ago is not dormant yet', () => {
    const v = verdictOf(analyse(input({ current: [contact('edge')], interactions: [inbound('edge', daysAgo(120))] })).verdicts, 'edge');
    expect(v.reasons).not.toContain('dormant');
  });

  it('dormancy can rest on the lifetime last inbound date alone', () => {
    const c = contact('archived', { lifetime: { inbound: 2, outbound: 0, lastInboundAt: daysAgo(300) } });
    const v = verdictOf(analyse(input({ current: [c] })).verdicts, 'archived');
    expect(v.evidence.dormant).toMatchObject({ daysSinceInbound: 300 });
  });
});

describe('one_sided', () => {
  const gifts = (id: string, n: number) => Array.from({ length: n }, (_, k) => outbound(id, daysAgo(k + 1)));

  it('five likes given in the window and nothing back is one_sided, for review', () => {
    const interactions = [...gifts('star', 5), inbound('star', daysAgo(100))];
    const v = verdictOf(analyse(input({ current: [contact('star')], interactions })).verdicts, 'star');
    expect(v.reasons).toEqual(['one_sided']);
    expect(v.evidence.one_sided).toEqual({ outboundInWindow: 5, lookbackDays: 90, kindsSeen: ENGAGEMENT_KINDS });
    expect(v.recommendation).toBe('review');
  });

  it('four gifts (below the threshold) are not one_sided', () => {
    const interactions = [...gifts('star', 4), inbound('star', daysAgo(100))];
    expect(verdictOf(analyse(input({ current: [contact('star')], interactions })).verdicts, 'star').reasons).not.toContain('one_sided');
  });

  it('one like back in the window is enough to not be one_sided', () => {
    const interactions = [...gifts('star', 9), inbound('star', daysAgo(3))];
    expect(verdictOf(analyse(input({ current: [contact('star')], interactions })).verdicts, 'star').reasons).toEqual([]);
  });

  it('only applies to accounts you follow', () => {
    const interactions = gifts('fan', 6);
    expect(verdictOf(analyse(input({ current: [follower('fan')], interactions })).verdicts, 'fan').reasons).not.toContain('one_sided');
  });
});

describe('inactive_account', () => {
  it.each(['moved', 'suspended', 'deleted'] as const)('a %s account is inactive and recommended for unfollow even if it engaged long ago', (state) => {
    const c = contact('gone', { state, movedTo: state === 'moved' ? 'gone@new.social' : undefined });
    const v = verdictOf(analyse(input({ current: [c], interactions: [inbound('gone', daysAgo(100))] })).verdicts, 'gone');
    expect(v.evidence.inactive_account).toMatchObject({ state });
    expect(v.recommendation).toBe('unfollow');
  });

  it('an account that has not posted for 200 days is inactive (by posts) and only goes to review', () => {
    const c = contact('quiet', { lastPostAt: daysAgo(200) });
    const v = verdictOf(analyse(input({ current: [c], interactions: [inbound('quiet', daysAgo(100))] })).verdicts, 'quiet');
    expect(v.reasons).toEqual(['inactive_account']);
    expect(v.evidence.inactive_account).toEqual({ lastPostAt: daysAgo(200), daysSincePost: 200 });
    expect(v.recommendation).toBe('review');
  });

  it('an account that posted exactly inactiveDays ago is not inactive', () => {
    const c = contact('quiet', { lastPostAt: daysAgo(180) });
    const v = verdictOf(analyse(input({ current: [c], interactions: [inbound('quiet', daysAgo(10))] })).verdicts, 'quiet');
    expect(v.reasons).toEqual([]);
  });

  it('a moved follower who engaged is not followed back', () => {
    const v = verdictOf(analyse(input({ current: [follower('f', { state: 'moved' })], interactions: [inbound('f', daysAgo(2))] })).verdicts, 'f');
    expect(v.recommendation).toBe('no_follow_back');
  });
});

describe('new_follower and lost_follower', () => {
  it('a follower absent from a complete previous list is a new follower', () => {
    const v = verdictOf(analyse(input({ current: [follower('hello')], previous: [] })).verdicts, 'hello');
    expect(v.reasons).toContain('new_follower');
    expect(v.evidence.new_follower).toMatchObject({ previousRelation: 'absent' });
  });

  it('an account you followed that now follows you back is a new follower even after a partial previous list', () => {
    const before = contact('back');
    const now = contact('back', { relation: 'mutual' });
    const { verdicts } = analyse(input({ sources: [source({ previousContactsComplete: false })], current: [now], previous: [before] }));
    expect(verdictOf(verdicts, 'back').reasons).toContain('new_follower');
  });

  it('a follower absent from an incomplete previous list is not called new (it may just not have been read)', () => {
    const { verdicts } = analyse(input({ sources: [source({ previousContactsComplete: false })], current: [follower('hello')], previous: [] }));
    expect(verdictOf(verdicts, 'hello').reasons).not.toContain('new_follower');
  });

  it('on the first run nobody is a new follower', () => {
    const { verdicts } = analyse(input({ current: [follower('hello')], previous: null }));
    expect(verdictOf(verdicts, 'hello').reasons).not.toContain('new_follower');
  });

  it('a follower who left entirely appears as a former follower with no recommendation', () => {
    const { verdicts, figures } = analyse(input({ current: [], previous: [follower('bye')], interactions: [inbound('bye', daysAgo(5))] }));
    const v = verdictOf(verdicts, 'bye');
    expect(v).toMatchObject({ relation: 'former_follower', recommendation: null, reasons: ['lost_follower'], stale: false });
    expect(v.stats.inboundInWindow).toBe(1);
    expect(figures.lostFollowers).toBe(1);
    expect(figures.followers).toBe(0);
  });

  it('a mutual who unfollowed you keeps a following verdict with the extra lost_follower reason', () => {
    const { verdicts } = analyse(input({ current: [contact('half')], previous: [contact('half', { relation: 'mutual' })], interactions: [inbound('half', daysAgo(3))] }));
    const v = verdictOf(verdicts, 'half');
    expect(v.relation).toBe('following');
    expect(v.reasons).toEqual(['lost_follower']);
    expect(v.recommendation).toBe('keep');
  });
});

describe('top_supporter', () => {
  it('ranks by window score (reply 3, quote 3, mention 2, repost 2, like 1), then inbound count, then handle', () => {
    const interactions = [
      inbound('a', daysAgo(1), 'reply'), // 3
      inbound('b', daysAgo(1), 'like'),
      inbound('b', daysAgo(2), 'like'),
      inbound('b', daysAgo(3), 'like'), // 3 with 3 interactions
      inbound('c', daysAgo(1), 'mention'), // 2
      inbound('d', daysAgo(1), 'quote'),
      inbound('d', daysAgo(1), 'repost'), // 5
      inbound('e', daysAgo(1), 'follow'), // 0: never a supporter
      inbound('f', daysAgo(100), 'reply'), // outside the window
      inbound('g', daysAgo(1), 'reply'), // 3, one interaction, handle after a
    ];
    const current = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => contact(id));
    const { verdicts } = analyse(input({ policy: policy({ topSupporters: 4 }), current, interactions }));
    const ranked = verdicts.filter((v) => v.reasons.includes('top_supporter')).sort((x, y) => Number(x.evidence.top_supporter?.rank) - Number(y.evidence.top_supporter?.rank));
    expect(ranked.map((v) => [v.id, v.evidence.top_supporter?.score])).toEqual([['d', 5], ['b', 3], ['a', 3], ['g', 3]]);
  });

  it('lists nobody when policy.topSupporters is 0', () => {
    const { verdicts } = analyse(input({ policy: policy({ topSupporters: 0 }), current: [contact('a')], interactions: [inbound('a', daysAgo(1))] }));
    expect(verdicts[0]?.reasons).not.toContain('top_supporter');
  });
});

describe('grace_period', () => {
  it('an account followed 5 days ago is kept in grace, and nothing absence-based is concluded', () => {
    const gifts = Array.from({ length: 6 }, (_, k) => outbound('fresh', daysAgo(k)));
    const v = verdictOf(analyse(input({ policy: policy({ minObservationDays: 1 }), current: [contact('fresh', { followedAt: daysAgo(5) })], interactions: gifts })).verdicts, 'fresh');
    expect(v.reasons).toEqual(['grace_period']);
    expect(v.evidence.grace_period).toMatchObject({ basis: 'followedAt', daysSince: 5, graceDays: 14 });
    expect(v.recommendation).toBe('keep');
  });

  it('without followedAt, a contact first seen after tracking began is in grace from that sighting', () => {
    const c = contact('new', { followedAt: undefined, firstSeenAt: daysAgo(3) });
    const v = verdictOf(analyse(input({ current: [c] })).verdicts, 'new');
    expect(v.evidence.grace_period).toMatchObject({ basis: 'firstSeenAt', daysSince: 3 });
  });

  it('without followedAt, a contact already there when tracking began is not given grace', () => {
    const c = contact('old', { followedAt: undefined, firstSeenAt: daysAgo(3) });
    const { verdicts } = analyse(input({ sources: [source({ historySince: daysAgo(3) })], current: [c] }));
    expect(verdictOf(verdicts, 'old').reasons).not.toContain('grace_period');
  });
});

describe('critic_only and out_of_audience', () => {
  const tone = (text: string) => (text.includes('wrong') ? 'negative' as const : 'neutral' as const);
  const replies = (id: string, texts: string[]) => texts.map((text, k) => inbound(id, daysAgo(200 + k), 'reply', { text }));

  it('without classifiers neither reason ever appears', () => {
    const interactions = replies('troll', ['wrong', 'so wrong', 'wrong again']);
    const v = verdictOf(analyse(input({ current: [contact('troll')], interactions, classifiers: { audience: undefined } })).verdicts, 'troll');
    expect(v.reasons).not.toContain('critic_only');
    expect(v.reasons).not.toContain('out_of_audience');
  });

  it('a contact whose only inbound are mostly negative replies is critic_only, with counts and an example', () => {
    const interactions = replies('troll', ['you are wrong', 'wrong again', 'fine']);
    const v = verdictOf(analyse(input({ current: [contact('troll')], interactions, classifiers: { tone } })).verdicts, 'troll');
    expect(v.evidence.critic_only).toMatchObject({ count: 3, negative: 2, example: 'you are wrong' });
    expect(v.recommendation).toBe('unfollow');
  });

  it('half negative is not "most"', () => {
    const interactions = replies('fair', ['wrong', 'fine']);
    expect(verdictOf(analyse(input({ current: [contact('fair')], interactions, classifiers: { tone } })).verdicts, 'fair').reasons).not.toContain('critic_only');
  });

  it('one like among the replies means they are not only a critic', () => {
    const interactions = [...replies('mixed', ['wrong', 'wrong', 'wrong']), inbound('mixed', daysAgo(300), 'like')];
    expect(verdictOf(analyse(input({ current: [contact('mixed')], interactions, classifiers: { tone } })).verdicts, 'mixed').reasons).not.toContain('critic_only');
  });

  it('a single negative reply is not enough evidence', () => {
    const interactions = replies('once', ['wrong']);
    expect(verdictOf(analyse(input({ current: [contact('once')], interactions, classifiers: { tone } })).verdicts, 'once').reasons).not.toContain('critic_only');
  });

  it('the example is cut to 280 characters', () => {
    const long = `wrong ${'x'.repeat(400)}`;
    const v = verdictOf(analyse(input({ current: [contact('long')], interactions: replies('long', [long, long]), classifiers: { tone } })).verdicts, 'long');
    expect(v.evidence.critic_only).toMatchObject({ example: expect.any(String) });
    expect(String((v.evidence.critic_only as { example: string }).example)).toHaveLength(280);
  });

  it('critics are never top supporters, however much they reply', () => {
    const interactions = [inbound('troll', daysAgo(1), 'reply', { text: 'wrong' }), inbound('troll', daysAgo(2), 'reply', { text: 'wrong' }), inbound('fan', daysAgo(1))];
    const { verdicts } = analyse(input({ policy: policy({ topSupporters: 5 }), current: [contact('troll'), contact('fan')], interactions, classifiers: { tone } }));
    expect(verdictOf(verdicts, 'troll').reasons).not.toContain('top_supporter');
    expect(verdictOf(verdicts, 'fan').evidence.top_supporter).toEqual({ rank: 1, score: 1 });
  });

  it('the audience classifier puts its evidence on out_of_audience and sends a followed account to review', () => {
    const audience = (c: { bio: string }) => (c.bio.includes('crypto') ? { excludedKeyword: 'crypto', field: 'bio' as const } : null);
    const current = [contact('shill', { bio: 'crypto' }), contact('peer', { bio: 'cats' })];
    const interactions = [inbound('shill', daysAgo(100)), inbound('peer', daysAgo(100))];
    const { verdicts } = analyse(input({ current, interactions, classifiers: { audience } }));
    expect(verdictOf(verdicts, 'shill').evidence.out_of_audience).toEqual({ excludedKeyword: 'crypto', field: 'bio' });
    expect(verdictOf(verdicts, 'shill').recommendation).toBe('review');
    expect(verdictOf(verdicts, 'peer').reasons).toEqual([]);
  });
});
