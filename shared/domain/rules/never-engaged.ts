import { DAY_MS, toIso } from '../time.ts';
import type { ReasonRule } from './rule.ts';

/**
 * Observed for at least minObservationDays (the boundary day counts) with zero
 * inbound interactions ever. Applies to followers too: a follower who never
 * engages gets no follow back for this reason.
 *
 * Without a follow date, a contact that was there at the first pull is judged
 * on the history that pull read (see observationOf): the evidence says so
 * (`followDateUnknown`, `trackedDays`), and recommend() asks for a review, not
 * an unfollow, until followback has tracked the contact itself for
 * minObservationDays (`provisional`).
 */
export const neverEngaged: ReasonRule<'never_engaged'> = {
  code: 'never_engaged',
  basis: 'absence',
  evaluate({ stats, observationStartMs, nowMs, policy }) {
    if (stats.inboundTotal > 0) return null;
    if (nowMs - observationStartMs < policy.minObservationDays * DAY_MS) return null;
    const tracked = stats.trackedDays;
    return {
      observedDays: stats.observedDays,
      observedSince: toIso(observationStartMs),
      ...(stats.followedForDays !== undefined ? { followedForDays: stats.followedForDays } : {}),
      ...(tracked !== undefined ? { followDateUnknown: true, trackedDays: tracked, provisional: tracked < policy.minObservationDays } : {}),
    };
  },
  contradicted: ({ stats }) => stats.inboundTotal > 0,
};
