/**
 * Cursor paging shared by every list endpoint. Pages come newest first; a pull
 * stops at the first item it already has (incremental) or that is older than
 * the backfill horizon, so an incremental pull costs one request per page of
 * news, and a failure keeps what was fetched before it.
 */
import { BlueskyAuthError } from './session.ts';

export interface Page<T> {
  items: readonly T[];
  cursor?: string | undefined;
}

export interface CollectOptions<T> {
  fetchPage(cursor: string | undefined): Promise<Page<T>>;
  maxPages: number;
  /** Newest-first lists: true for the first item not wanted; it and everything after it are left out. */
  isPast?(item: T): boolean;
  onPage?(itemsSoFar: number): void;
  signal?: AbortSignal;
}

export interface Collected<T> {
  items: T[];
  /** Every wanted item was fetched: the list ended or the stop point was reached. */
  complete: boolean;
  /** Why not complete: the failure, or the page cap. */
  error?: unknown;
  hitPageCap: boolean;
}

export async function collectPages<T>(options: CollectOptions<T>): Promise<Collected<T>> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < options.maxPages; page++) {
    let result: Page<T>;
    try {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      result = await options.fetchPage(cursor);
    } catch (error) {
      // A session that cannot be renewed, or a cancelled run, ends the whole pull, not one part of it.
      if (error instanceof BlueskyAuthError || options.signal?.aborted) throw error;
      return { items, complete: false, error, hitPageCap: false };
    }
    for (const item of result.items) {
      if (options.isPast?.(item)) {
        options.onPage?.(items.length);
        return { items, complete: true, hitPageCap: false };
      }
      items.push(item);
    }
    options.onPage?.(items.length);
    // Some servers answer a last, empty page with a cursor: an empty page ends the list too.
    if (result.cursor === undefined || result.cursor === '' || result.items.length === 0) {
      return { items, complete: true, hitPageCap: false };
    }
    cursor = result.cursor;
  }
  return { items, complete: false, hitPageCap: true };
}
