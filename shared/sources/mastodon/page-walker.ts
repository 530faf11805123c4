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
}

export type WalkEnd =
  | { end: 'exhausted'; pages: number }
  | { end: 'stopped'; pages: number }
  | { end: 'max-pages'; pages: number }
  /** The caller's signal stopped the walk (cancel, or the run's time limit): what was read is kept. */
  | { end: 'aborted'; pages: number }
  | { end: 'error'; pages: number; error: SourceError };

/**
 * Reads a Link-paginated Mastodon collection page by page. Failures after the
 * client's retries, and an abort of the signal, end the walk with what was read so far; 401/403 are thrown,
 * since no other endpoint will do better with the same token.
 */
export async function walkPages<T>(options: WalkOptions<T>): Promise<WalkEnd> {
  const seen = new Set<string>();
  let pages = 0;
  let url: string | undefined;
  for (;;) {
    if (pages >= options.maxPages) return { end: 'max-pages', pages };
    let res: HttpResponse<T[]>;
    try {
      res =
        url === undefined
          ? await options.http.getJson(options.path, options.schema, { query: options.query, headers: options.headers, ...(options.signal ? { signal: options.signal } : {}) })
          : await options.http.getAbsolute(url, options.schema, { headers: options.headers, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (err) {
      if ((err instanceof HttpError && err.aborted) || options.signal?.aborted) return { end: 'aborted', pages };
      if (err instanceof HttpError && err.isAuthFailure) throw err;
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
