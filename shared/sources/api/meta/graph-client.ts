/**
 * Meta's Graph APIs (Instagram API with Instagram Login on graph.instagram.com, Threads on
 * graph.threads.net, Pages on graph.facebook.com) speak one dialect; this client speaks it over the
 * shared HttpClient (retries, waits, zod, counting requests).
 *
 * What is Meta's own, checked against developers.facebook.com/docs/graph-api (overview/rate-limiting,
 * guides/error-handling, results/pagination) and the Instagram Platform error-codes page:
 *  - errors are `{"error": {"message", "type", "code", "error_subcode", "is_transient", "fbtrace_id"}}`,
 *    mostly with HTTP 400 whatever the cause;
 *  - code 190 is a token that cannot be used (subcode 463: expired; 460 password changed, 467 logged
 *    out, 458 app removed: invalid); codes 10 and 200–299 a missing permission;
 *  - codes 4 (app), 17 (user), 32 (Page), 613 and 80001–80014 (Business Use Case) are rate limits: the
 *    calls fail until the rolling window has room again;
 *  - `X-App-Usage` and `X-Business-Use-Case-Usage` carry the percentages used (`call_count`,
 *    `total_time`, `total_cputime`) and, for BUC, `estimated_time_to_regain_access` in minutes;
 *  - lists page with `paging.cursors.after` while `paging.next` is present.
 *
 * A rate-limit error becomes a 429 with `Retry-After` for the HttpClient (so it waits, or gives up
 * past its longest wait and the reader keeps what it read); usage at 95% or more pauses the host
 * before Meta starts failing calls. The token goes in the `access_token` query parameter, as every
 * Meta example does; it never reaches a message (HttpError names the path only, and this client cuts
 * it from anything else).
 */
import { z } from 'zod';
import { HttpClient, HttpError, type HttpClientOptions, type Query } from '../../http/http-client.ts';
import { ApiAuthError } from '../api-reader.ts';
import type { TokenProblem } from '../../../domain/model.ts';

export const MetaErrorBody = z.object({
  error: z
    .object({
      message: z.string().optional(),
      type: z.string().optional(),
      code: z.number().int().optional(),
      error_subcode: z.number().int().optional(),
      is_transient: z.boolean().optional(),
      fbtrace_id: z.string().optional(),
    })
    .loose(),
});

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isRateLimitCode = (code: number): boolean => RATE_LIMIT_CODES.has(code) || (code >= 80001 && code <= 80014);
/** Usage (percent of the window) from which no request is sent until the window has room. */
export const USAGE_PAUSE_PERCENT = 95;
/** How long a rate-limited host is left alone when Meta does not say (its windows roll over an hour). */
const DEFAULT_THROTTLE_MINUTES = 10;

export interface GraphPage<T> {
  data: T[];
  /** The cursor of the next page; undefined on the last page. */
  after?: string;
}

const Paging = z
  .object({
    cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).loose().optional(),
    next: z.string().optional(),
  })
  .loose();

export function graphPageSchema<T>(item: z.ZodType<T>) {
  return z.object({ data: z.array(item), paging: Paging.optional() }).loose();
}

export interface GraphClientOptions extends Omit<HttpClientOptions, 'baseUrl' | 'sourceId'> {
  baseUrl: string;
  sourceId: string;
  /** For messages: "Instagram", "Threads", "Facebook". */
  networkName: string;
  accessToken: string;
}

export class GraphClient {
  readonly http: HttpClient;
  private readonly token: string;
  private readonly sourceId: string;
  private readonly networkName: string;

  constructor(options: GraphClientOptions) {
    const { accessToken, networkName, fetch: inner, ...http } = options;
    this.token = accessToken;
    this.sourceId = options.sourceId;
    this.networkName = networkName;
    const base = inner ?? globalThis.fetch.bind(globalThis);
    // The same clock as the HttpClient's: a pause is written as a reset instant the client then waits for.
    const now = http.now ?? Date.now;
    this.http = new HttpClient({ ...http, fetch: metaFetch(base, now) });
  }

  get requests(): number {
    return this.http.requests;
  }

  /** GET one object or list page; Meta's errors become ApiAuthError (token) or a waited-for 429 (rate limit). */
  async get<T>(path: string, schema: z.ZodType<T>, query: Query = {}, signal?: AbortSignal): Promise<T> {
    try {
      const res = await this.http.getJson(path, schema, { query: { ...query, access_token: this.token }, ...(signal ? { signal } : {}) });
      return res.data;
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** One page of a list; `after` is the cursor of the page to read (undefined: the first). */
  async page<T>(path: string, item: z.ZodType<T>, query: Query, after: string | undefined, signal?: AbortSignal): Promise<GraphPage<T>> {
    const body = await this.get(path, graphPageSchema(item), { ...query, ...(after !== undefined ? { after } : {}) }, signal);
    const next = body.paging?.next !== undefined && body.data.length > 0 ? body.paging.cursors?.after : undefined;
    return { data: body.data, ...(next !== undefined ? { after: next } : {}) };
  }

  private translate(err: unknown): unknown {
    if (err instanceof HttpError && err.apiError !== undefined && err.apiError.startsWith('meta_')) {
      const [, codeText, subText] = err.apiError.split('_');
      const code = Number(codeText);
      const subcode = subText === undefined || subText === '' ? undefined : Number(subText);
      const problem = tokenProblemOf(code, subcode);
      if (problem !== undefined) {
        return new ApiAuthError(this.sourceId, problem, `${this.networkName} refused the access token (${describeProblem(problem)}; ${err.message})`, { cause: err });
      }
    }
    if (err instanceof Error && err.message.includes(this.token)) {
      return new HttpError(this.sourceId, { method: 'GET', endpoint: '(request)', retryable: false, reason: err.message.split(this.token).join('[redacted]') });
    }
    return err;
  }
}

export function tokenProblemOf(code: number, subcode: number | undefined): TokenProblem | undefined {
  if (code === 190 || code === 102) return subcode === 463 ? 'expired' : 'invalid';
  if (code === 10 || (code >= 200 && code <= 299)) return 'missing_permission';
  return undefined;
}

function describeProblem(problem: TokenProblem): string {
  switch (problem) {
    case 'expired':
      return 'it has expired';
    case 'invalid':
      return 'it was revoked or is no longer valid';
    case 'missing_permission':
      return 'it lacks a permission this read needs';
    case 'refresh_failed':
      return 'it could not be refreshed';
  }
}

/** The highest usage percentage any of Meta's usage headers reports, and the minutes until access comes back (BUC). */
export function usageOf(headers: Headers): { percent: number; regainMinutes: number } | undefined {
  const values: number[] = [];
  let regain = 0;
  const take = (o: unknown): void => {
    if (o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    for (const key of ['call_count', 'total_time', 'total_cputime', 'acc_id_util_pct']) {
      const v = r[key];
      if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
    }
    const e = r['estimated_time_to_regain_access'];
    if (typeof e === 'number' && Number.isFinite(e) && e > regain) regain = e;
  };
  for (const name of ['x-app-usage', 'x-page-usage', 'x-ad-account-usage']) {
    const text = headers.get(name);
    if (text) take(parseJson(text));
  }
  const buc = headers.get('x-business-use-case-usage');
  if (buc) {
    const body = parseJson(buc);
    if (body !== null && typeof body === 'object') {
      for (const entries of Object.values(body as Record<string, unknown>)) if (Array.isArray(entries)) entries.forEach(take);
    }
  }
  if (values.length === 0 && regain === 0) return undefined;
  return { percent: Math.max(0, ...values), regainMinutes: regain };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Puts Meta's signals in the words the HttpClient reads: a rate-limit error body becomes a 429 with
 * Retry-After; a transient error a 503; usage near the limit `X-RateLimit-Remaining: 0` with the
 * reset; any other Meta error keeps its status with `error` set to `meta_<code>_<subcode>`.
 */
export function metaFetch(inner: typeof fetch, now: () => number): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const headers = new Headers(res.headers);
    const usage = usageOf(res.headers);
    const pausedFor = usage !== undefined && (usage.percent >= USAGE_PAUSE_PERCENT || usage.regainMinutes > 0) ? Math.max(usage.regainMinutes, 1) : undefined;
    if (res.status >= 200 && res.status < 300) {
      if (pausedFor === undefined) return res;
      headers.set('x-ratelimit-remaining', '0');
      headers.set('x-ratelimit-reset', new Date(now() + pausedFor * 60_000).toISOString());
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }
    const text = await res.text();
    const parsed = MetaErrorBody.safeParse(parseJson(text));
    if (!parsed.success) return new Response(text, { status: res.status, statusText: res.statusText, headers });
    const { code, error_subcode: subcode, message, is_transient: transient } = parsed.data.error;
    const summary = { error: `meta_${code ?? ''}_${subcode ?? ''}`, message: message ?? `code ${code ?? '?'}` };
    if (code !== undefined && isRateLimitCode(code)) {
      headers.set('retry-after', String((pausedFor ?? DEFAULT_THROTTLE_MINUTES) * 60));
      return new Response(JSON.stringify({ ...summary, message: `rate limited (code ${code}): ${summary.message}` }), { status: 429, headers });
    }
    if (transient === true || code === 1 || code === 2) return new Response(JSON.stringify(summary), { status: 503, headers });
    return new Response(JSON.stringify(summary), { status: res.status >= 400 ? res.status : 400, headers });
  };
}
