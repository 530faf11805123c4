import type { Observability } from '../../domain/model.ts';

/**
 * What the Mastodon source sees. Inbound: notifications (favourite, reblog,
 * mention — a reply when it answers the owner — and quote). Outbound: the
 * owner's own statuses (reblogs, replies, quotes, mentions) and favourites.
 * Follow dates: only followers', from follow notifications; the API gives no
 * date for whom the owner follows.
 */
export const MASTODON_OBSERVES: Observability = {
  inbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  outbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  inboundHidden: [],
  followDates: 'followers',
};
