import type { z } from 'zod';
import { SourceError } from '../../ports/source.ts';
import type { HttpClient, HttpResponse, Query } from '../http/http-client.ts';
import { HttpError } from '../http/http-error.ts';
import { parseLinkHeader } from '../http/link-header.ts';

export interface WalkOptions<T> {
  http: HttpClient;
  path: string;
  query: Query;
  schema: z.ZodType<T[]>;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /**
   * `next` pages backwards in time (max_id), `prev` forwards from a `min_id`
   * (oldest unseen first). Mastodon builds both links; the ids in them can be
   * internal (follows, favourites), so the links are followed, never rebuilt.
   */
  follow: 'next' | 'prev';
  /** The page size asked for: a shorter page is the last one, which saves the request that would return nothing. */
  limit: number;
  maxPages: number;
  /** Called for each page; return false when the caller has read far enough (e.g. the backfill horizon). */
  onPage: (items: T[], links: Record<string, string>) => boolean;
  /** Resume a walk a previous pull step paused: the link it was about to follow. */
  startUrl?: string;
  /**
   * Asked before each request (and after a request failed): true ends the walk as `paused`, with
   * the request it was about to make, for the next pull step (its time or page budget is spent, or
   * the rate limit asks for a long wait).
   */
  pause?: () => boolean;
}

export type WalkEnd =
  | { end: 'exhausted'; pages: number }
  | { end: 'stopped'; pages: number }
  | { end: 'max-pages'; pages: number }
  /** The caller's signal stopped the walk (cancel, or the run's time limit): what was read is kept. */
  | { end: 'aborted'; pages: number; next?: string }
  /** The step's budget ended the walk; `next` is the link to follow next (undefined: the first page). */
  | { end: 'paused'; pages: number; next?: string }
  | { end: 'error'; pages: number; error: SourceError };

/**
 * Reads a Link-paginated Mastodon collection page by page. Failures after the
 * client's retries, and an abort of the signal, end the walk with what was read so far; 401/403 are thrown,
 * since no other endpoint will do better with the same token.
 */
export async function walkPages<T>(options: WalkOptions<T>): Promise<WalkEnd> {
  const seen = new Set<string>();
  let pages = 0;
  let url: string | undefined = options.startUrl;
  const at = (): { next?: string } => (url !== undefined ? { next: url } : {});
  for (;;) {
    if (pages >= options.maxPages) return { end: 'max-pages', pages };
    if (options.pause?.()) return { end: 'paused', pages, ...at() };
    let res: HttpResponse<T[]>;
    try {
      res =
        url === undefined
          ? await options.http.getJson(options.path, options.schema, { query: options.query, headers: options.headers, ...(options.signal ? { signal: options.signal } : {}) })
          : await options.http.getAbsolute(url, options.schema, { headers: options.headers, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (err) {
      if ((err instanceof HttpError && err.aborted) || options.signal?.aborted) return { end: 'aborted', pages, ...at() };
      if (err instanceof HttpError && err.isAuthFailure) throw err;
      // A wait too long for this step (a 429 far from its reset): the next step asks again.
      if (options.pause?.()) return { end: 'paused', pages, ...at() };
      if (err instanceof SourceError) return { end: 'error', pages, error: err };
      throw err;
    }
    pages++;
    const links = parseLinkHeader(res.headers.get('link'));
    if (!options.onPage(res.data, links)) return { end: 'stopped', pages };
    const nextUrl = links[options.follow];
    if (res.data.length === 0 || res.data.length < options.limit || nextUrl === undefined) return { end: 'exhausted', pages };
    if (seen.has(nextUrl)) {
      return { end: 'error', pages, error: new SourceError(options.http.sourceId, `GET ${options.path}: the server sent the same ${options.follow} link twice; stopped to avoid a loop`) };
    }
    seen.add(nextUrl);
    url = nextUrl;
  }
}
