import type { Observability } from '../../domain/model.ts';

/** The demo community is generated whole: every kind both ways, and both follow dates. */
export const DEMO_OBSERVES: Observability = {
  inbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  outbound: ['like', 'repost', 'reply', 'quote', 'mention'],
  inboundHidden: [],
  followDates: 'both',
};
