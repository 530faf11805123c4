import type { Observability } from '../../domain/model.ts';

/**
 * A snapshot file can carry every kind both ways and both follow dates
 * (../SNAPSHOT_FORMAT.md), so it is judged as seeing everything it could hold.
 */
export const FILE_OBSERVES: Observability = {
  inbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  outbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  inboundHidden: [],
  followDates: 'both',
};
