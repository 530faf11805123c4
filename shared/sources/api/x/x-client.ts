/**
 * The X API v2 over the shared HttpClient (retries, waits, zod, request counting), with what is X's
 * own (xdevplatform/docs x-api/fundamentals/rate-limits.mdx and response-codes-and-errors.mdx):
 *  - `Authorization: Bearer <OAuth 2.0 user token>`;
 *  - rate limits are per endpoint (15-minute windows), told by `x-rate-limit-limit`,
 *    `x-rate-limit-remaining` and `x-rate-limit-reset` (epoch seconds) on every answer, and a 429
 *    when used up. The HttpClient keeps one window per host, so this client keeps one HttpClient per
 *    endpoint: the mentions window running out does not stop the follower list;
 *  - errors are `{ title, detail, type, status }` (`type` `about:blank` or
 *    `https://api.x.com/2/problems/<name>`): 401 a token X does not accept, 403 a token or app
 *    without access (a missing scope answers the generic `Forbidden`), 429 with the type
 *    `usage-capped` when the app's usage cap is reached. A 402 `CreditsDepleted` when the app has
 *    no credits left is seen in public client code, not in the docs (UNVERIFIED).
 *
 * Errors are put in the words the HttpClient reads (`{ error: "x_<name>", message }`), so an
 * HttpError carries X's error name (`apiError`), and a usage cap becomes a 402 (not waited for).
 * It also tells, per request, whether an answer may have been billed without being read (a broken
 * connection, a 2xx that could not be read): the budget then charges the request in full.
 */
import type { z } from 'zod';
import { HttpClient, type Query } from '../../http/http-client.ts';
import { XErrorBody } from './x-schemas.ts';

export type XRoute = 'me' | 'mentions' | 'tweets' | 'liking_users' | 'retweeted_by' | 'followers' | 'following';

export interface XClientOptions {
  baseUrl: string;
  sourceId: string;
  accessToken: string;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** A rate-limit wait longer than this ends the request (the read goes on with other endpoints, or ends partial). */
  maxRateLimitWaitMs: number;
  maxRetries?: number;
}

/** What happened to the attempts of one request. */
interface Attempts {
  /** Attempts that may have been billed without their answer being read (a broken connection, an unreadable 2xx). */
  uncertain: number;
  /** The last attempt answered a readable 2xx (billed, whether or not its shape was right). */
  answered: boolean;
  /** Whether one more attempt may be sent after `uncertain` such attempts (each may cost the request's full price). */
  mayRetry: (uncertain: number) => boolean;
}

/**
 * `uncertain`: how many attempts may have been billed without being read; `billed` (on failure):
 * whether the last attempt answered 2xx.
 */
export type XAnswer<T> = { ok: true; data: T; uncertain: number } | { ok: false; error: unknown; uncertain: number; answered: boolean };

export class XClient {
  private readonly clients = new Map<XRoute, HttpClient>();
  private readonly options: XClientOptions;
  private attempts: Attempts = { uncertain: 0, answered: false, mayRetry: () => false };

  constructor(options: XClientOptions) {
    this.options = options;
  }

  /** Every HTTP request sent, retries included, all endpoints together. */
  get requests(): number {
    let n = 0;
    for (const c of this.clients.values()) n += c.requests;
    return n;
  }

  /**
   * One GET. Never throws: the answer, or the error, with what X may have billed. The HttpClient
   * retries; a retry after an attempt that may have been billed is sent only when `mayRetry` says the
   * budget covers one more full price.
   */
  async get<T>(route: XRoute, path: string, schema: z.ZodType<T>, query: Query, mayRetry: (uncertain: number) => boolean, signal?: AbortSignal): Promise<XAnswer<T>> {
    this.attempts = { uncertain: 0, answered: false, mayRetry };
    try {
      const res = await this.client(route).getJson(path, schema, {
        query,
        headers: { authorization: `Bearer ${this.options.accessToken}` },
        ...(signal !== undefined ? { signal } : {}),
      });
      return { ok: true, data: res.data, uncertain: this.attempts.uncertain };
    } catch (error) {
      return { ok: false, error, uncertain: this.attempts.uncertain, answered: this.attempts.answered };
    }
  }

  private client(route: XRoute): HttpClient {
    let c = this.clients.get(route);
    if (c === undefined) {
      const inner = this.options.fetch ?? globalThis.fetch.bind(globalThis);
      c = new HttpClient({
        baseUrl: this.options.baseUrl,
        sourceId: this.options.sourceId,
        fetch: xFetch(inner, () => this.attempts),
        ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
        ...(this.options.now !== undefined ? { now: this.options.now } : {}),
        ...(this.options.maxRetries !== undefined ? { maxRetries: this.options.maxRetries } : {}),
        maxRateLimitWaitMs: this.options.maxRateLimitWaitMs,
      });
      this.clients.set(route, c);
    }
    return c;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `client-forbidden` from `https://api.x.com/2/problems/client-forbidden`; the title for `about:blank`. */
function errorName(body: z.infer<typeof XErrorBody>, status: number): string {
  const fromType = body.type !== undefined && body.type !== 'about:blank' ? body.type.split('/').filter((p) => p !== '').at(-1) : undefined;
  const raw = fromType ?? body.title ?? (body.errors?.[0]?.code !== undefined ? `code_${body.errors[0].code}` : `http_${status}`);
  const name = raw
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return `x_${name === '' ? `http_${status}` : name}`;
}

/** X's answers in the HttpClient's words (see the header); records what each attempt did. */
export function xFetch(inner: typeof fetch, attempts: () => Attempts): typeof fetch {
  return async (input, init) => {
    const a = attempts();
    a.answered = false;
    if (a.uncertain > 0 && !a.mayRetry(a.uncertain)) {
      // Not sent: the budget does not cover another full price.
      return new Response(JSON.stringify({ error: 'x_budget_exhausted', message: 'not retried: the budget does not cover another attempt' }), { status: 402 });
    }
    let res: Response;
    try {
      res = await inner(input, init);
    } catch (err) {
      a.uncertain++;
      throw err;
    }
    const ok = res.status >= 200 && res.status < 300;
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (ok) a.uncertain++;
      throw err;
    }
    const headers = new Headers(res.headers);
    if (ok) {
      if (parseJson(text) === undefined) a.uncertain++;
      else a.answered = true;
      return new Response(text, { status: res.status, statusText: res.statusText, headers });
    }
    const parsed = XErrorBody.safeParse(parseJson(text));
    if (!parsed.success) return new Response(text, { status: res.status, statusText: res.statusText, headers });
    const body = parsed.data;
    const error = errorName(body, res.status);
    const parts = [body.title, body.detail ?? body.errors?.[0]?.message].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    const message = [...new Set(parts)].join(': ') || `HTTP ${res.status}`;
    const capped = error === 'x_usage_capped' || /credits?_?depleted/.test(error);
    // A usage cap or no credits: waiting does not help, so it is not a 429 the client would wait out.
    const status = capped ? 402 : res.status;
    return new Response(JSON.stringify({ error, message }), { status, headers });
  };
}
