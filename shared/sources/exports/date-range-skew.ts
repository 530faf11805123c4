/**
 * The date-range trap (NETWORK-EXPORTS.md §1.3), in every Meta export
 * (Instagram, Threads, Facebook). Meta's export dialog has a
 * date range; choosing one filters the followers lists by follow time but
 * leaves following whole. Nothing in the archive says so: the followers list
 * is well formed and simply too short, and every follower cut from it would
 * look like a non-follower (or, against the previous export, a lost one).
 *
 * Detected as safe-unfollow does (`src/core/parsers/relationship-skew.ts`):
 * compare the OLDEST follow time of each list. When the followers list starts
 * more than 180 days after the following list, the followers list is taken as
 * date-limited. A genuinely new account has both lists starting together; an
 * account that followed people for years before anyone followed it back is a
 * false positive this accepts (it costs a re-export, a missed cut costs
 * hundreds of wrong answers). Only the followers side is checked: following is
 * never filtered by the dialog.
 *
 * Guards: each list needs at least 20 dated entries, since a list of three says
 * nothing about when the account began.
 */
import type { ExportList, ExportTie } from './export-types.ts';

export const SKEW_THRESHOLD_DAYS = 180;
export const MIN_DATED_ENTRIES = 20;

const DAY_MS = 86_400_000;

function oldest(ties: readonly ExportTie[]): number | null {
  let dated = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const tie of ties) {
    if (tie.since === undefined) continue;
    const ms = Date.parse(tie.since);
    if (Number.isNaN(ms)) continue;
    dated += 1;
    if (ms < min) min = ms;
  }
  return dated >= MIN_DATED_ENTRIES ? min : null;
}

export interface DateRangeSkew {
  /** The followers list's oldest follow, ISO. */
  followersFrom: string;
  /** The following list's oldest follow, ISO. */
  followingFrom: string;
  days: number;
}

/** The skew when the followers list looks cut by a date range, else null. */
export function followersDateRangeSkew(followers: readonly ExportTie[], following: readonly ExportTie[]): DateRangeSkew | null {
  const followersFrom = oldest(followers);
  const followingFrom = oldest(following);
  if (followersFrom === null || followingFrom === null) return null;
  const days = Math.floor((followersFrom - followingFrom) / DAY_MS);
  if (days <= SKEW_THRESHOLD_DAYS) return null;
  return { followersFrom: new Date(followersFrom).toISOString(), followingFrom: new Date(followingFrom).toISOString(), days };
}

/**
 * The followers list as it should be read: marked incomplete, with `problem(skew)` as the reason, when the
 * date-range trap cut it; as it is otherwise (absent, already incomplete, or no following list to compare).
 */
export function checkDateRange(followers: ExportList | null, following: ExportList | null, problem: (skew: DateRangeSkew) => string): ExportList | null {
  if (followers === null || following === null || !followers.complete) return followers;
  const skew = followersDateRangeSkew(followers.ties, following.ties);
  return skew === null ? followers : { ...followers, complete: false, problem: problem(skew) };
}

/** The owner's sentence for a date-limited Instagram or Threads followers list. */
export function dateRangeProblem(network: 'Instagram' | 'Threads', skew: DateRangeSkew): string {
  return (
    `The ${network} export looks date-limited: its followers start on ${skew.followersFrom.slice(0, 10)}, ` +
    `${skew.days} days after the people you follow (${skew.followingFrom.slice(0, 10)}), as when the export's date range ` +
    `is not "All time" (it cuts followers but not following). Nothing is concluded from this followers list: ` +
    `download the export again with Date range: All time.`
  );
}
