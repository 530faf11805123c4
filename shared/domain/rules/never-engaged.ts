import { DAY_MS, toIso } from '../time.ts';
import { kindsEvidence, seesInbound } from '../observability.ts';
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
 *
 * Silence is judged over the inbound kinds the source sees (`kindsSeen`); a
 * source that sees none never concludes it, and one that cannot see a kind the
 * network has says which (`kindsHidden`): recommend() stops at review.
 */
export const neverEngaged: ReasonRule<'never_engaged'> = {
  code: 'never_engaged',
  basis: 'absence',
  observable: ({ observes }) => seesInbound(observes),
  evaluate({ stats, observationStartMs, nowMs, policy, observes }) {
    if (stats.inboundTotal > 0) return null;
    if (nowMs - observationStartMs < policy.minObservationDays * DAY_MS) return null;
    const tracked = stats.trackedDays;
    return {
      observedDays: stats.observedDays,
      observedSince: toIso(observationStartMs),
      ...(stats.followedForDays !== undefined ? { followedForDays: stats.followedForDays } : {}),
      ...(tracked !== undefined ? { followDateUnknown: true, trackedDays: tracked, provisional: tracked < policy.minObservationDays } : {}),
      ...kindsEvidence(observes),
    };
  },
  contradicted: ({ stats }) => stats.inboundTotal > 0,
};
