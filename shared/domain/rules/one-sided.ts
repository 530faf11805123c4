import { isFollowing } from '../stats.ts';
import { kindsEvidence, seesOutbound } from '../observability.ts';
import type { ReasonRule } from './rule.ts';

/**
 * You gave at least oneSidedThreshold interactions in the window and got none
 * back (accounts you follow only). Counted from the outbound kinds the source
 * sees; "none back" is over the inbound kinds it sees (`kindsSeen`, possibly
 * none: an export that holds only your own likes and comments), which the
 * evidence names. It is only ever a review.
 */
export const oneSided: ReasonRule<'one_sided'> = {
  code: 'one_sided',
  basis: 'absence',
  observable: ({ observes }) => seesOutbound(observes),
  evaluate({ contact, stats, policy, observes }) {
    if (!isFollowing(contact.relation)) return null;
    if (stats.inboundInWindow > 0 || stats.outboundInWindow < policy.oneSidedThreshold) return null;
    return { outboundInWindow: stats.outboundInWindow, lookbackDays: policy.lookbackDays, ...kindsEvidence(observes) };
  },
  contradicted: ({ stats }) => stats.inboundInWindow > 0,
};
