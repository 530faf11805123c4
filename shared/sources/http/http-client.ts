import type { z } from 'zod';
import { HttpError } from './http-error.ts';
import { encodeQuery, type Query } from './query.ts';
import { RateLimitWindows } from './rate-limit.ts';
import { describeZodError } from './zod-issue.ts';

export type { Query } from './query.ts';
export { HttpError } from './http-error.ts';

export interface HttpClientOptions {
  /** e.g. https://mastodon.example or https://bsky.social (a path prefix is kept). */
  baseUrl: string;
  /** For error messages. */
  sourceId: string;
  fetch?: typeof fetch;
  /**
   * Tests pass a fake that records the waits instead of sleeping. A wait ends
   * early when the request's signal aborts whatever this does (the client races
   * it with the signal); the signal is passed along so a real timer can be cleared.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Epoch ms. */
  now?: () => number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Default 500. */
  baseDelayMs?: number;
  /** Cap of one backoff wait. Default 30 000. */
  maxDelayMs?: number;
  /** A rate-limit wait longer than this fails the request (the pull becomes partial). Default 15 min. */
  maxRateLimitWaitMs?: number;
  /** Per request. Default 30 000. */
  timeoutMs?: number;
  userAgent?: string;
}

export interface HttpResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  /** The URL that answered (for resolving `Link` next URLs). */
  url: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export const DEFAULT_USER_AGENT = 'followback/0.1 (+https://github.com/followback)';

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
const ERROR_TEXT_MAX = 300;
const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

type Fail = (details: { status?: number; retryable: boolean; reason: string; apiError?: string; aborted?: boolean }, cause?: unknown) => HttpError;

/** Why one attempt failed in a way worth retrying. */
interface RetryableFailure {
  reason: string;
  status?: number;
  /** Server-requested wait (429), overriding the backoff. */
  waitMs?: number;
  cause?: unknown;
}

/**
 * The JSON-over-HTTP client both network sources use. It owns everything a pull
 * must get right whatever the network: counting requests (the "fewest requests"
 * checks), retrying transient failures with capped full-jitter backoff, honouring
 * and anticipating rate limits, validating every body with zod, and keeping the
 * Authorization header out of every error.
 */
export class HttpClient {
  private readonly base: URL;
  private readonly baseText: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  readonly sourceId: string;
  private sent = 0;
  /** Per host: a request waits only while the freshest response says the window is used up. */
  private readonly windows = new RateLimitWindows();
  /** Per host: requests sent and not answered yet, and who waits for one of them to end. */
  private readonly inFlight = new Map<string, number>();
  private readonly slotWaiters = new Map<string, Set<() => void>>();

  constructor(options: HttpClientOptions) {
    this.sourceId = options.sourceId;
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch (cause) {
      throw new HttpError(options.sourceId, { method: 'CONFIG', endpoint: 'baseUrl', retryable: false, reason: `not a valid URL: ${JSON.stringify(options.baseUrl)}` }, { cause });
    }
    this.base = base;
    this.baseText = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.maxRetries = options.maxRetries ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 15 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  /** Every HTTP request sent, retries included. */
  get requests(): number {
    return this.sent;
  }

  /**
   * Epoch ms until which the base host's rate-limit window is used up, as the
   * freshest response said; undefined when nothing stops a request now. A pull
   * step ends with this instead of sleeping through a long wait in the Lambda.
   */
  blockedUntil(): number | undefined {
    return this.windows.until(this.base.host);
  }

  async getJson<T>(path: string, schema: z.ZodType<T>, opts: RequestOptions & { query?: Query } = {}): Promise<HttpResponse<T>> {
    return this.send('GET', this.urlFor(path) + encodeQuery(opts.query), undefined, schema, opts);
  }

  async postJson<T>(path: string, body: unknown, schema: z.ZodType<T>, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    // No input, no body: XRPC procedures without input (refreshSession) reject an empty JSON object.
    return this.send('POST', this.urlFor(path), body === undefined ? undefined : JSON.stringify(body), schema, opts);
  }

  /** Follows a server-given URL (a `Link` rel="next"); refuses any other origin so the token never leaves the instance. */
  async getAbsolute<T>(url: string, schema: z.ZodType<T>, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    let target: URL;
    try {
      target = new URL(url, this.base);
    } catch (cause) {
      throw new HttpError(this.sourceId, { method: 'GET', endpoint: '(next link)', retryable: false, reason: 'the server sent a link that is not a URL' }, { cause });
    }
    if (target.origin !== this.base.origin) {
      throw new HttpError(this.sourceId, {
        method: 'GET',
        endpoint: target.pathname,
        retryable: false,
        reason: `refusing to follow a link to another origin (${target.origin}, expected ${this.base.origin})`,
      });
    }
    return this.send('GET', target.toString(), undefined, schema, opts);
  }

  private urlFor(path: string): string {
    return `${this.baseText}${path.startsWith('/') ? path : `/${path}`}`;
  }

  private async send<T>(method: string, url: string, body: string | undefined, schema: z.ZodType<T>, opts: RequestOptions): Promise<HttpResponse<T>> {
    const target = new URL(url);
    const endpoint = target.pathname;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...opts.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const secrets = secretsOf(opts.headers);
    const fail: Fail = (details, cause) =>
      new HttpError(this.sourceId, { method, endpoint, ...details, reason: redact(details.reason, secrets) }, cause === undefined ? undefined : { cause: scrubCause(cause, secrets) });

    // The pause this request already sat out (a 429's Retry-After): not waited for twice.
    let waitedUntil: number | undefined;
    for (let attempt = 0; ; attempt++) {
      for (;;) {
        await this.waitForWindow(target.host, waitedUntil, fail, opts.signal);
        if (this.takeSlot(target.host, opts.signal)) break;
        await this.slotFreed(target.host);
      }
      if (opts.signal?.aborted) {
        this.releaseSlot(target.host);
        throw aborted(fail, opts.signal);
      }

      let outcome: Awaited<ReturnType<typeof this.attempt<T>>>;
      try {
        outcome = await this.attempt(method, url, body, headers, schema, opts.signal, fail);
      } finally {
        this.releaseSlot(target.host);
      }
      if (outcome.ok) return outcome.response;
      const failure = outcome.failure;
      if (opts.signal?.aborted) throw aborted(fail, opts.signal);
      if (attempt >= this.maxRetries) {
        throw fail({ ...(failure.status !== undefined ? { status: failure.status } : {}), retryable: true, reason: `${failure.reason} (gave up after ${attempt + 1} attempts)` }, failure.cause);
      }
      const wait = failure.waitMs ?? this.backoff(attempt);
      if (wait > this.maxRateLimitWaitMs) {
        throw fail({ ...(failure.status !== undefined ? { status: failure.status } : {}), retryable: true, reason: `${failure.reason}; the server asks to wait ${formatDuration(wait)}, longer than the ${formatDuration(this.maxRateLimitWaitMs)} a pull may wait` });
      }
      if (failure.waitMs !== undefined) waitedUntil = this.now() + wait;
      await this.pause(wait, opts.signal, fail);
    }
  }

  /**
   * Sleeps, unless the request's signal aborts first (then it fails at once with
   * an aborted HttpError) or `wake` resolves (then it returns early, saying so).
   */
  private async pause(ms: number, signal: AbortSignal | undefined, fail: Fail, wake?: Promise<void>): Promise<'slept' | 'woken'> {
    if (signal?.aborted) throw aborted(fail, signal);
    // One signal for the sleep, so a real timer is cleared whichever way the wait ends.
    const cut = new AbortController();
    const onAbort = (): void => cut.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let woken = false;
    void wake?.then(() => {
      woken = !cut.signal.aborted;
      cut.abort();
    });
    const cutShort = new Promise<void>((resolve) => cut.signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      await Promise.race([this.sleep(ms, cut.signal), cutShort]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      cut.abort();
    }
    if (signal?.aborted) throw aborted(fail, signal);
    return woken ? 'woken' : 'slept';
  }

  private async attempt<T>(
    method: string,
    url: string,
    body: string | undefined,
    headers: Record<string, string>,
    schema: z.ZodType<T>,
    signal: AbortSignal | undefined,
    fail: Fail,
  ): Promise<{ ok: true; response: HttpResponse<T> } | { ok: false; failure: RetryableFailure }> {
    // A controller held for the request's life plus a plain timer, not AbortSignal.any([signal,
    // AbortSignal.timeout()]): on Node 20 the composite holds the timeout signal only weakly, and
    // after a garbage collection the timeout may never fire (nodejs/node#57736).
    const controller = new AbortController();
    const timeout = { fired: false };
    const timer = setTimeout(() => {
      timeout.fired = true;
      controller.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, 'TimeoutError'));
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.exchange(method, url, body, headers, schema, controller.signal, timeout, fail);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async exchange<T>(
    method: string,
    url: string,
    body: string | undefined,
    headers: Record<string, string>,
    schema: z.ZodType<T>,
    signal: AbortSignal,
    timeout: { fired: boolean },
    fail: Fail,
  ): Promise<{ ok: true; response: HttpResponse<T> } | { ok: false; failure: RetryableFailure }> {
    const init: RequestInit = { method, headers, signal };
    if (body !== undefined) init.body = body;

    this.sent++;
    let res: Response;
    try {
      res = await this.fetchFn(url, init);
    } catch (cause) {
      return { ok: false, failure: { reason: networkReason(cause, timeout), cause } };
    }
    const serverWaitMs = this.windows.note(new URL(url).host, res.status, res.headers, this.now());

    let text: string;
    try {
      text = await res.text();
    } catch (cause) {
      return { ok: false, failure: { status: res.status, reason: `HTTP ${res.status}, body cut off (${networkReason(cause, timeout)})`, cause } };
    }

    if (res.status === 429) {
      return { ok: false, failure: { status: 429, reason: `HTTP 429${describeApiError(text)}`, ...(serverWaitMs !== undefined ? { waitMs: serverWaitMs } : {}) } };
    }
    if (res.status >= 500 || res.status === 408) {
      return { ok: false, failure: { status: res.status, reason: `HTTP ${res.status}${describeApiError(text)}` } };
    }
    if (res.status < 200 || res.status >= 300) {
      const apiError = apiErrorName(text);
      throw fail({ status: res.status, retryable: false, reason: `HTTP ${res.status}${describeApiError(text)}`, ...(apiError !== undefined ? { apiError } : {}) });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      // A 2xx with a body that is not JSON is almost always a connection cut mid-body.
      return { ok: false, failure: { status: res.status, reason: `HTTP ${res.status} with a truncated or invalid JSON body (${text.length} bytes)`, cause } };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw fail({ status: res.status, retryable: false, reason: describeZodError(parsed.error) });
    }
    return { ok: true, response: { data: parsed.data, status: res.status, headers: res.headers, url: res.url || url } };
  }

  /**
   * Waits while the host's window is used up, instead of earning a 429. A
   * fresher response noted meanwhile (another request's, say "297 left") ends
   * the wait early: the waiter looks again at what is known now.
   */
  private async waitForWindow(host: string, waitedUntil: number | undefined, fail: Fail, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const until = this.windows.until(host);
      if (until === undefined || (waitedUntil !== undefined && until <= waitedUntil)) return;
      const wait = until - this.now();
      if (wait <= 0) return;
      if (wait > this.maxRateLimitWaitMs) {
        throw fail({ retryable: true, reason: `rate limit used up for ${formatDuration(wait)}, longer than the ${formatDuration(this.maxRateLimitWaitMs)} a pull may wait` });
      }
      const changed = this.windows.changed(host);
      try {
        // A full wait is enough: looking again could spin on a clock that did not move (an injected sleep).
        if ((await this.pause(wait, signal, fail, changed.promise)) === 'slept') return;
      } finally {
        changed.cancel();
      }
    }
  }

  /**
   * Requests sent together (a source's concurrent walks) are no more than the window has left: with 2 left,
   * an eighth request in flight would only meet a 429. True: the request may go (counted in flight at once,
   * so requests checking in the same turn see each other); false: wait for `slotFreed`, then look at the
   * window again. Without a count (none answered yet, or the server sends none), no limit.
   */
  private takeSlot(host: string, signal: AbortSignal | undefined): boolean {
    const busy = this.inFlight.get(host) ?? 0;
    const remaining = this.windows.remaining(host, this.now());
    const free = busy === 0 || signal?.aborted === true || remaining === undefined || busy < remaining;
    if (free) this.inFlight.set(host, busy + 1);
    return free;
  }

  private releaseSlot(host: string): void {
    this.inFlight.set(host, Math.max(0, (this.inFlight.get(host) ?? 1) - 1));
    const waiting = this.slotWaiters.get(host);
    this.slotWaiters.delete(host);
    for (const wake of waiting ?? []) wake();
  }

  /** Resolves when a request in flight to the host is answered. */
  private slotFreed(host: string): Promise<void> {
    const set = this.slotWaiters.get(host) ?? new Set<() => void>();
    this.slotWaiters.set(host, set);
    return new Promise<void>((resolve) => set.add(resolve));
  }

  /** Full jitter (AWS architecture blog): spreads retries of many clients instead of synchronising them. */
  private backoff(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt));
  }
}

/** The `error` name of an API error body (`ExpiredToken`), if it looks like a name rather than prose. */
function apiErrorName(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (body === null || typeof body !== 'object') return undefined;
    const name = (body as Record<string, unknown>)['error'];
    return typeof name === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** ` (The access token is invalid)` from Mastodon `{error, error_description}` or XRPC `{error, message}`. */
function describeApiError(text: string): string {
  let detail = '';
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object') {
      const record = body as Record<string, unknown>;
      const parts = [record['error'], record['error_description'] ?? record['message']].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
      detail = [...new Set(parts)].join(': ');
    }
  } catch {
    // Not JSON (an HTML error page from a proxy): the status says enough.
  }
  // eslint-disable-next-line no-control-regex
  detail = detail.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (detail.length > ERROR_TEXT_MAX) detail = `${detail.slice(0, ERROR_TEXT_MAX)}…`;
  return detail === '' ? '' : ` (${detail})`;
}

/** The failure of a request its caller's signal ended. */
function aborted(fail: Fail, signal: AbortSignal): HttpError {
  return fail({ retryable: false, reason: 'aborted', aborted: true }, signal.reason);
}

function networkReason(cause: unknown, timeout: { fired: boolean }): string {
  if (timeout.fired) return 'timed out';
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? cause.cause : undefined;
    const code = inner && 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
    return `network error: ${cause.message}${code ? ` (${code})` : inner ? ` (${inner.message})` : ''}`;
  }
  return 'network error';
}

/** The values (and bare tokens) of credential headers, to be cut from any text. */
function secretsOf(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!SENSITIVE_HEADERS.has(name.toLowerCase()) || value === '') continue;
    out.push(value);
    const token = value.replace(/^\s*(Bearer|Basic|DPoP)\s+/i, '');
    if (token !== value && token.length >= 4) out.push(token);
  }
  return out.sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** Keeps the cause for debugging, unless its text carries a credential. */
function scrubCause(cause: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return cause;
  const text = cause instanceof Error ? `${cause.message} ${String(cause.stack)}` : String(cause);
  return secrets.some((s) => text.includes(s)) ? new Error(redact(cause instanceof Error ? cause.message : String(cause), secrets)) : cause;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
