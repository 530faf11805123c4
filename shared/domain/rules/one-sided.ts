import { isFollowing } from '../stats.ts';
import type { ReasonRule } from './rule.ts';

/** You gave at least oneSidedThreshold interactions in the window and got none back (accounts you follow only). */
export const oneSided: ReasonRule<'one_sided'> = {
  code: 'one_sided',
  basis: 'absence',
  evaluate({ contact, stats, policy }) {
    if (!isFollowing(contact.relation)) return null;
    if (stats.inboundInWindow > 0 || stats.outboundInWindow < policy.oneSidedThreshold) return null;
    return { outboundInWindow: stats.outboundInWindow, lookbackDays: policy.lookbackDays };
  },
  contradicted: ({ stats }) => stats.inboundInWindow > 0,
};
