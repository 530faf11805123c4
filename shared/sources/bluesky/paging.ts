/**
 * Cursor paging shared by every list endpoint. Pages come newest first; a pull
 * stops at the first item it already has (incremental) or that is older than
 * the backfill horizon, so an incremental pull costs one request per page of
 * news, and a failure keeps what was fetched before it. So does a stop of the
 * signal (cancel, or the run's time limit): the caller hands back what it has.
 */
import { HttpError } from '../http/http-error.ts';
import { BlueskyAuthError } from './session.ts';

export interface Page<T> {
  items: readonly T[];
  cursor?: string | undefined;
}

export interface CollectOptions<T> {
  fetchPage(cursor: string | undefined): Promise<Page<T>>;
  /** Cap on pages; absent, the whole list is read (contact lists, where a cut would look like unfollows). */
  maxPages?: number;
  /**
   * The page size asked for, when a page shorter than it ends the list. True of
   * com.atproto.repo.listRecords: the PDS filters in the query, before the limit,
   * and sends a cursor whenever a page has records, so following it after a short
   * page only fetches an empty one. Not of AppView lists, which drop items
   * (blocks, takedowns) after the limit: a short page there proves nothing.
   */
  shortPageEnds?: number;
  /** Newest-first lists: true for the first item not wanted; it and everything after it are left out. */
  isPast?(item: T): boolean;
  onPage?(itemsSoFar: number): void;
  signal?: AbortSignal;
}

export interface Collected<T> {
  items: T[];
  /** Every wanted item was fetched: the list ended or the stop point was reached. */
  complete: boolean;
  /** Why not complete: the failure, or the page cap, or the signal. */
  error?: unknown;
  hitPageCap: boolean;
  /** The signal stopped the reading (cancel, or the run's time limit). */
  stopped: boolean;
}

export async function collectPages<T>(options: CollectOptions<T>): Promise<Collected<T>> {
  const items: T[] = [];
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  const cursors = new Set<string>();
  const stopped = (): Collected<T> => ({ items, complete: false, hitPageCap: false, stopped: true });
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    if (options.signal?.aborted) return stopped();
    let result: Page<T>;
    try {
      result = await options.fetchPage(cursor);
    } catch (error) {
      if (options.signal?.aborted || (error instanceof HttpError && error.aborted)) return stopped();
      // A session that cannot be renewed ends the whole pull, not one part of it.
      if (error instanceof BlueskyAuthError) throw error;
      return { items, complete: false, error, hitPageCap: false, stopped: false };
    }
    for (const item of result.items) {
      if (options.isPast?.(item)) {
        options.onPage?.(items.length);
        return { items, complete: true, hitPageCap: false, stopped: false };
      }
      items.push(item);
    }
    options.onPage?.(items.length);
    // Some servers answer a last, empty page with a cursor: an empty page ends the list too.
    const short = options.shortPageEnds !== undefined && result.items.length < options.shortPageEnds;
    if (result.cursor === undefined || result.cursor === '' || result.items.length === 0 || short) {
      return { items, complete: true, hitPageCap: false, stopped: false };
    }
    if (cursors.has(result.cursor)) {
      return { items, complete: false, error: new Error('the server sent the same cursor twice; stopped to avoid a loop'), hitPageCap: false, stopped: false };
    }
    cursors.add(result.cursor);
    cursor = result.cursor;
  }
  return { items, complete: false, hitPageCap: true, stopped: false };
}
