import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { Figures } from '../../../shared/domain/analysis-types.ts';
import { contact, daysAgo, follower, inbound, input, outbound, source } from './builders.ts';

describe('figures', () => {
  const community = () =>
    input({
      current: [
        contact('f1', { relation: 'following' }),
        contact('f2', { relation: 'following' }),
        contact('m1', { relation: 'mutual' }),
        follower('r1'),
        follower('r2'),
        follower('r3'),
      ],
      previous: [contact('f1'), contact('f2'), contact('m1', { relation: 'mutual' }), follower('r1'), follower('r2'), follower('gone')],
      interactions: [
        inbound('m1', daysAgo(1)),
        inbound('m1', daysAgo(2)),
        inbound('r1', daysAgo(3), 'reply'),
        inbound('f2', daysAgo(200)),
        outbound('f1', daysAgo(4)),
        inbound('stranger', daysAgo(5)),
      ],
    });

  it('counts the community, its engagement and the suggestions', () => {
    const { figures } = analyse(community());
    expect(figures).toEqual<Figures>({
      following: 3,
      followers: 4,
      mutuals: 1,
      engagedFollowing: 1,
      engagedFollowers: 2,
      engagedFollowingShare: 1 / 3,
      engagedFollowerShare: 2 / 4,
      suggestedUnfollows: 2, // f1 never engaged, f2 dormant
      suggestedReviews: 0,
      suggestedFollowBacks: 1, // r1
      newFollowers: 1, // r3
      lostFollowers: 1, // gone
      inboundInWindow: 4, // strangers included
      outboundInWindow: 1,
    });
  });

  it('shares are 0, not NaN, for an empty community', () => {
    const { figures, deltas, verdicts } = analyse(input());
    expect(verdicts).toEqual([]);
    expect(figures.engagedFollowingShare).toBe(0);
    expect(figures.engagedFollowerShare).toBe(0);
    expect(deltas).toBeNull();
  });

  it('deltas are current minus previous figures, per field', () => {
    const { figures: base } = analyse(community());
    const previousFigures: Figures = { ...base, following: 10, followers: 1, newFollowers: 0, engagedFollowerShare: 0.25 };
    const { deltas } = analyse({ ...community(), previousFigures });
    expect(deltas).toMatchObject({ following: -7, followers: 3, newFollowers: 1, engagedFollowerShare: 0.25, mutuals: 0 });
    expect(Object.keys(deltas ?? {}).sort()).toEqual(Object.keys(base).sort());
  });

  it('a figure the previous run did not record counts from zero', () => {
    const { figures: base } = analyse(community());
    const { following: _dropped, ...older } = base;
    const { deltas } = analyse({ ...community(), previousFigures: older as Figures });
    expect(deltas?.following).toBe(3);
  });

  it('lists each source whose contacts or interactions were not complete, with its problems', () => {
    const sources = [
      source({ sourceId: 'ok' }),
      source({ sourceId: 'half', contacts: 'partial', lastCompleteAt: daysAgo(7), problems: ['429 from /api/v1/accounts/1/followers'] }),
      source({ sourceId: 'down', interactions: 'failed', problems: ['timeout'] }),
    ];
    const { staleSources } = analyse(input({ sources }));
    expect(staleSources).toEqual([
      { sourceId: 'half', platform: 'mastodon', contacts: 'partial', interactions: 'complete', lastCompleteAt: daysAgo(7), problems: ['429 from /api/v1/accounts/1/followers'] },
      { sourceId: 'down', platform: 'mastodon', contacts: 'complete', interactions: 'failed', problems: ['timeout'] },
    ]);
  });
});
