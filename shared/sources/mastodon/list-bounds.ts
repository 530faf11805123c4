import { compareIds } from './mastodon-ids.ts';

/**
 * Page boundaries of the follower and following lists, kept from one pull to the next.
 *
 * Mastodon pages both lists by the FOLLOW, not the account
 * (app/controllers/api/v1/accounts/follower_accounts_controller.rb and
 * following_accounts_controller.rb): `Follow.where(target_account: @account)` (or
 * `where(account: @account)`) `.paginate_by_max_id(limit, params[:max_id],
 * params[:since_id])`, and Paginable's `paginate_by_max_id`
 * (app/models/concerns/paginable.rb) is `order(id desc).limit(limit)` with
 * `where(id < max_id)` and `where(id > since_id)`. The Link rel="next" carries
 * `max_id: @accounts.last.active_relationships.first.id` (passive_relationships
 * for following): the id of the page's last follow record; rel="prev" carries
 * `since_id` of its first. A next link is sent only when the page is full
 * (`records_continue?`: `@accounts.size == limit`).
 *
 * Follow ids only grow, so the `max_id` values a walk met still bound the list
 * later: a new follow only appears above the first of them, an unfollow only
 * makes a page reach further down, and no follow can appear between two older
 * ones. A walk started at `max_id=b` reads exactly the follows below `b`, whether
 * or not the follow `b` still exists. A repeat pull therefore starts a walk at
 * each recorded boundary and runs them at once; each stops at the first page that
 * ends at or below the next boundary, where the next walk began.
 */

/** A boundary every this many pages: 12,500 pages of a million followers keep 250 (about 5 KB in the cursor). */
export const LIST_MARK_EVERY = 50;
/** The most boundaries kept per list; beyond it every other one is dropped. */
export const MAX_LIST_BOUNDS = 400;
/** How many walks of one list run at once (they share the step's request budget and the rate limit). */
export const LIST_WALKS_AT_ONCE = 8;

const NUMERIC = /^\d{1,30}$/;

export function isNumericId(id: string): boolean {
  return NUMERIC.test(id);
}

/** The value of `param` in a Link URL, if it has one. */
export function linkParam(link: string | undefined, param: string): string | undefined {
  if (link === undefined) return undefined;
  try {
    return new URL(link).searchParams.get(param) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stored boundaries a pull can start walks at: numeric and strictly falling; anything else is not used (the list is walked in one go). */
export function usableBounds(bounds: readonly string[] | undefined): string[] {
  if (bounds === undefined || bounds.length === 0) return [];
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i]!;
    if (!isNumericId(b)) return [];
    if (i > 0 && compareIds(b, bounds[i - 1]!) >= 0) return [];
  }
  return [...bounds];
}

/** What one walk of a list left for the next pull's boundaries. */
export interface WalkMarks {
  /** Where the walk started (undefined: the top of the list). */
  from: string | undefined;
  /** Pages it read in all. */
  pages: number;
  /** The `max_id` of every LIST_MARK_EVERY-th page it read above where it stopped. */
  marks: readonly string[];
}

/**
 * The boundaries for the next pull, from the walks of a complete list: where each walk started and what it
 * marked, newest first. A walk that read fewer than half LIST_MARK_EVERY pages (its followers left) loses its
 * start, so its range joins the walk above; the list stays within MAX_LIST_BOUNDS.
 */
export function nextBounds(walks: readonly WalkMarks[], markEvery: number = LIST_MARK_EVERY): string[] {
  const all: string[] = [];
  for (const w of walks) {
    if (w.from !== undefined && w.pages >= markEvery / 2) all.push(w.from);
    for (const m of w.marks) if (isNumericId(m)) all.push(m);
  }
  all.sort((a, b) => compareIds(b, a));
  let bounds = all.filter((b, i) => i === 0 || compareIds(b, all[i - 1]!) !== 0);
  while (bounds.length > MAX_LIST_BOUNDS) bounds = bounds.filter((_, i) => i % 2 === 0);
  return bounds;
}
