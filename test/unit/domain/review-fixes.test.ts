import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { contact, daysAgo, follower, inbound, input, outbound, policy, source, verdictOf } from './builders.ts';

describe('following you is a relation, not engagement', () => {
  it('a follower whose only inbound interaction is the follow itself has never engaged, and is not followed back', () => {
    const result = analyse(input({ current: [follower('lurker')], interactions: [inbound('lurker', daysAgo(10), 'follow')] }));
    const v = verdictOf(result.verdicts, 'lurker');
    expect(v.recommendation).toBe('no_follow_back');
    expect(v.reasons).toContain('never_engaged');
    expect(v.stats.inboundInWindow).toBe(0);
    expect(result.figures.engagedFollowers).toBe(0);
  });

  it('a mutual who only ever followed you is never_engaged, not dormant', () => {
    const result = analyse(input({ current: [contact('silent', { relation: 'mutual', followerSince: daysAgo(200) })], interactions: [inbound('silent', daysAgo(200), 'follow')] }));
    const v = verdictOf(result.verdicts, 'silent');
    expect(v.reasons).toContain('never_engaged');
    expect(v.reasons).not.toContain('dormant');
    expect(v.recommendation).toBe('unfollow');
  });
});

describe('the grace period on a first pull', () => {
  it('does not shelter an account that was already followed when tracking began, though the platform gives no follow date', () => {
    const firstPull = daysAgo(2);
    const result = analyse(
      input({
        policy: policy({ oneSidedThreshold: 5 }),
        sources: [source({ historySince: daysAgo(90), trackingSince: firstPull })],
        current: [contact('taker', { followedAt: undefined, firstSeenAt: firstPull })],
        interactions: Array.from({ length: 8 }, (_, i) => outbound('taker', daysAgo(3 + i))),
      }),
    );
    const v = verdictOf(result.verdicts, 'taker');
    expect(v.reasons).not.toContain('grace_period');
    expect(v.reasons).toContain('one_sided');
    expect(v.recommendation).toBe('review');
  });

  it('shelters an account first seen after tracking began, dating the follow by that sighting', () => {
    const result = analyse(
      input({
        sources: [source({ historySince: daysAgo(90), trackingSince: daysAgo(30) })],
        current: [contact('newcomer', { followedAt: undefined, firstSeenAt: daysAgo(3) })],
      }),
    );
    const v = verdictOf(result.verdicts, 'newcomer');
    expect(v.reasons).toContain('grace_period');
    expect(v.recommendation).toBe('keep');
  });
});
