import type { Observability } from '../../domain/model.ts';

/**
 * What the Bluesky source sees. Inbound: notifications (like, repost, reply,
 * quote, mention, also via reposts). Outbound: the owner's like, repost and
 * post records (replies, quotes, mentions). Follow dates: the owner's follow
 * records date whom they follow; follow notifications date followers.
 */
export const BLUESKY_OBSERVES: Observability = {
  inbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  outbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  inboundHidden: [],
  followDates: 'both',
};
