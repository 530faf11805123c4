/**
 * What an export lets followback see: declared per network, and narrowed for one export
 * downloaded without its activity or notifications files.
 */
import { describe, expect, it } from 'vitest';
import { Observability } from '../../../../shared/domain/model.ts';
import { canonicalSight, silenceUnconfirmed } from '../../../../shared/domain/observability.ts';
import { EXPORT_NETWORKS } from '../../../../shared/sources/exports/export-types.ts';
import { EXPORT_OBSERVES, narrowedObserves } from '../../../../shared/sources/exports/observes.ts';
import { declaredObservability } from '../../../../shared/sources/observes.ts';

describe('what each export sees', () => {
  it.each(EXPORT_NETWORKS)('%s: a valid declaration, registered for its source type, whose removals stop at review', (network) => {
    expect(Observability.safeParse(EXPORT_OBSERVES[network]).success).toBe(true);
    expect(declaredObservability({ type: network })).toBe(EXPORT_OBSERVES[network]);
    expect(silenceUnconfirmed(canonicalSight(EXPORT_OBSERVES[network]))).toBe(true);
  });

  it('only Facebook sees any inbound engagement (its notifications); X has no follow dates', () => {
    expect(EXPORT_NETWORKS.filter((n) => EXPORT_OBSERVES[n].inbound.length > 0)).toEqual(['facebook']);
    expect(EXPORT_OBSERVES.x.followDates).toBe('none');
    expect(EXPORT_OBSERVES.instagram).toEqual({ inbound: [], outbound: ['like', 'reply'], inboundHidden: ['like', 'reply', 'mention'], followDates: 'both' });
  });
});

describe('an export without its activity or notifications sees less', () => {
  it('a full export is not narrowed', () => {
    expect(narrowedObserves('instagram', ['connections/followers_and_following/followers_1.json', 'your_instagram_activity/likes/liked_posts.json'])).toBeUndefined();
    expect(narrowedObserves('facebook', ['connections/friends/your_friends.json', 'logged_information/notifications/notifications.json', 'your_facebook_activity/comments_and_reactions/comments.json'])).toBeUndefined();
    expect(narrowedObserves('tiktok', [])).toBeUndefined();
  });

  it('Instagram without activity files sees no outbound engagement', () => {
    expect(narrowedObserves('instagram', ['connections/followers_and_following/followers_1.json'])).toMatchObject({ inbound: [], outbound: [] });
  });

  it('Facebook without notifications sees no inbound engagement, and every kind it had is hidden', () => {
    const o = narrowedObserves('facebook', ['connections/friends/your_friends.json', 'your_facebook_activity/comments_and_reactions/comments.json']);
    expect(o?.inbound).toEqual([]);
    expect(o?.outbound).toEqual(['like', 'reply']);
    expect(new Set(o?.inboundHidden)).toEqual(new Set(['like', 'repost', 'reply', 'quote', 'mention']));
  });
});
