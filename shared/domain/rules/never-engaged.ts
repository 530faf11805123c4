import { DAY_MS, toIso } from '../time.ts';
import type { ReasonRule } from './rule.ts';

/**
 * Observed for at least minObservationDays (the boundary day counts) with zero
 * inbound interactions ever. Applies to followers too: a follower who never
 * engages gets no follow back for this reason.
 */
export const neverEngaged: ReasonRule = {
  code: 'never_engaged',
  basis: 'absence',
  evaluate({ stats, observationStartMs, nowMs, policy }) {
    if (stats.inboundTotal > 0) return null;
    if (nowMs - observationStartMs < policy.minObservationDays * DAY_MS) return null;
    return {
      observedDays: stats.observedDays,
      observedSince: toIso(observationStartMs),
      ...(stats.followedForDays !== undefined ? { followedForDays: stats.followedForDays } : {}),
    };
  },
  contradicted: ({ stats }) => stats.inboundTotal > 0,
};
