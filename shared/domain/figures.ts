/** The community's headline numbers, and how they moved since the previous run. */
import type { ContactVerdict, FigureDeltas, Figures } from './analysis-types.ts';
import type { InteractionIndex } from './interaction-index.ts';

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/**
 * `inboundInWindow`/`outboundInWindow` count every interaction of the window,
 * including those with accounts that are no contact (a stranger's reply is
 * engagement with your community too).
 */
export function computeFigures(verdicts: readonly ContactVerdict[], index: InteractionIndex, windowStartMs: number): Figures {
  let following = 0;
  let followers = 0;
  let mutuals = 0;
  let engagedFollowing = 0;
  let engagedFollowers = 0;
  let suggestedUnfollows = 0;
  let suggestedReviews = 0;
  let suggestedFollowBacks = 0;
  let newFollowers = 0;
  let lostFollowers = 0;
  for (const v of verdicts) {
    const engaged = v.stats.inboundInWindow > 0;
    if (v.relation === 'following' || v.relation === 'mutual') {
      following += 1;
      if (engaged) engagedFollowing += 1;
    }
    if (v.relation === 'follower' || v.relation === 'mutual') {
      followers += 1;
      if (engaged) engagedFollowers += 1;
    }
    if (v.relation === 'mutual') mutuals += 1;
    if (v.recommendation === 'unfollow') suggestedUnfollows += 1;
    if (v.recommendation === 'review') suggestedReviews += 1;
    if (v.recommendation === 'follow_back') suggestedFollowBacks += 1;
    if (v.reasons.includes('new_follower')) newFollowers += 1;
    if (v.reasons.includes('lost_follower')) lostFollowers += 1;
  }

  const window = index.countSince(windowStartMs);
  const inboundInWindow = window.inbound;
  const outboundInWindow = window.outbound;

  return {
    following,
    followers,
    mutuals,
    engagedFollowingShare: share(engagedFollowing, following),
    engagedFollowerShare: share(engagedFollowers, followers),
    engagedFollowing,
    engagedFollowers,
    suggestedUnfollows,
    suggestedReviews,
    suggestedFollowBacks,
    newFollowers,
    lostFollowers,
    inboundInWindow,
    outboundInWindow,
  };
}

/** Current minus previous, field by field; a field the previous run did not record counts as 0. */
export function figureDeltas(current: Figures, previous: Figures | null | undefined): FigureDeltas | null {
  if (previous === null || previous === undefined) return null;
  const deltas = {} as FigureDeltas;
  for (const field of Object.keys(current) as (keyof Figures)[]) {
    const before = previous[field];
    deltas[field] = current[field] - (typeof before === 'number' && Number.isFinite(before) ? before : 0);
  }
  return deltas;
}
