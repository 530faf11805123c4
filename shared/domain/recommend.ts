/**
 * From reasons to a recommendation. The order of the checks carries the
 * judgement rules that never bend (DESIGN.md):
 *  - owner decisions first: allowlisted/snoozed accounts you follow are kept;
 *  - grace next: too recent to judge, kept;
 *  - a contact with inbound engagement in the window is never `unfollow`: at
 *    worst `review` (e.g. a critic who replies, or a dormantDays shorter than
 *    the lookback window);
 *  - a contact of a source that cannot confirm silence (it sees no inbound
 *    engagement, or the network has a kind it cannot see) is never
 *    `unfollow`: at worst `review`.
 */
import type { ContactStats, Recommendation } from './analysis-types.ts';
import type { ReadonlyReasonMap } from './reason-map.ts';
import type { Policy } from '../config/schema.ts';
import type { Observability, Relation } from './model.ts';
import { silenceUnconfirmed } from './observability.ts';
import { isFollowing } from './stats.ts';

export interface RecommendInput {
  relation: Relation;
  reasons: ReadonlyReasonMap;
  stats: ContactStats;
  inGrace: boolean;
  policy: Policy;
  /** What the contact's source can see. */
  observes: Observability;
}

/**
 * inactive_account because the account is gone for good (moved, suspended,
 * deleted), not merely quiet; a deactivated account can come back, so it is
 * judged like a quiet one.
 */
function accountGone(reasons: ReadonlyReasonMap): boolean {
  const evidence = reasons.get('inactive_account');
  const state = evidence !== undefined && 'state' in evidence ? evidence.state : undefined;
  return state === 'moved' || state === 'suspended' || state === 'deleted';
}

/**
 * never_engaged concluded from history read before tracking began (no follow
 * date), while followback has tracked the contact for less than
 * minObservationDays: strong enough to ask the owner, not to advise an unfollow.
 */
function provisionalSilence(reasons: ReadonlyReasonMap): boolean {
  const evidence = reasons.get('never_engaged');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, recommend() calls this only once never_engaged is present, so `evidence` is defined and the `in` check only narrows the type (a `return true` or `return false` here would be caught by the provisional-silence tests)
  return evidence !== undefined && 'provisional' in evidence && evidence.provisional === true;
}

export function recommend({ relation, reasons, stats, inGrace, policy, observes }: RecommendInput): Recommendation {
  const protectedByOwner = reasons.has('allowlisted') || reasons.has('snoozed');
  if (isFollowing(relation)) {
    if (protectedByOwner || inGrace) return 'keep';
    const removal = (reasons.has('never_engaged') && !provisionalSilence(reasons)) || reasons.has('dormant') || reasons.has('critic_only') || accountGone(reasons);
    if (removal) return stats.inboundInWindow > 0 || silenceUnconfirmed(observes) ? 'review' : 'unfollow';
    if (reasons.has('never_engaged') || reasons.has('one_sided') || reasons.has('out_of_audience') || reasons.has('inactive_account')) return 'review';
    return 'keep';
  }

  // A follower you don't follow. `no_follow_back` is not a removal, so the
  // owner's protection only lifts the tone/audience objections: an allowlisted
  // or snoozed follower who engaged in the window (at least once) is followed
  // back, one who did not is still `no_follow_back`.
  if (accountGone(reasons)) return 'no_follow_back';
  if (protectedByOwner) return stats.inboundInWindow > 0 ? 'follow_back' : 'no_follow_back';
  if (reasons.has('critic_only') || reasons.has('out_of_audience')) return 'no_follow_back';
  return stats.inboundInWindow >= policy.followBackMinInteractions ? 'follow_back' : 'no_follow_back';
}
