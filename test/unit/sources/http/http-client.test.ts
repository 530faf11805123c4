import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient, HttpError, type HttpClientOptions } from '../../../../shared/sources/http/http-client.ts';
import { RateLimitWindows } from '../../../../shared/sources/http/rate-limit.ts';

const TOKEN = 'sekret-token-0123456789';
const Ok = z.object({ ok: z.boolean() });

interface Call {
  url: string;
  init: RequestInit | undefined;
}

type Reply = Response | Error | ((call: Call) => Response | Promise<Response>);

/** A fetch that answers from a script and records every call. */
function scriptedFetch(replies: Reply[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(input), init };
    calls.push(call);
    const reply = replies.shift();
    if (reply === undefined) throw new Error(`unexpected request ${call.url}`);
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(call);
    return reply;
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function client(replies: Reply[], overrides: Partial<HttpClientOptions> = {}, startAt = '2026-11-25T08:00:00Z') {
  const scripted = scriptedFetch(replies);
  const waits: number[] = [];
  let clock = Date.parse(startAt);
  const http = new HttpClient({
    baseUrl: 'https://mastodon.example',
    sourceId: 'mastodon',
    fetch: scripted.fetch,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    ...overrides,
  });
  return { http, waits, calls: scripted.calls, now: () => clock };
}

async function caught(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };

describe('HttpClient requests', () => {
  it('sends Mastodon-style arrays for keys ending in [] and repeated keys otherwise', async () => {
    const { http, calls } = client([json({ ok: true }), json({ ok: true })]);
    await http.getJson('/api/v1/notifications', Ok, { query: { limit: 80, 'types[]': ['favourite', 'reblog'], max_id: undefined } });
    await http.getJson('/xrpc/app.bsky.actor.getProfiles', Ok, { query: { actors: ['a', 'b'], flag: true } });
    const first = new URL(calls[0]!.url);
    expect(first.pathname).toBe('/api/v1/notifications');
    expect(first.searchParams.getAll('types[]')).toEqual(['favourite', 'reblog']);
    expect(first.searchParams.has('max_id')).toBe(false);
    expect(first.searchParams.get('limit')).toBe('80');
    const second = new URL(calls[1]!.url);
    expect(second.searchParams.getAll('actors')).toEqual(['a', 'b']);
    expect(second.searchParams.get('flag')).toBe('true');
  });

  it('keeps a path prefix of the base URL and sends a user agent and the caller headers', async () => {
    const { http, calls } = client([json({ ok: true })], { baseUrl: 'https://host.example/social/' });
    await http.getJson('/api/v1/x', Ok, auth);
    expect(calls[0]!.url).toBe('https://host.example/social/api/v1/x');
    const headers = calls[0]!.init!.headers as Record<string, string>;
    expect(headers['user-agent']).toMatch(/^followback\//);
    expect(headers['Authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('posts a JSON body', async () => {
    const { http, calls } = client([json({ ok: true })]);
    const res = await http.postJson('/xrpc/com.atproto.server.createSession', { identifier: 'me' }, Ok);
    expect(res.data.ok).toBe(true);
    expect(calls[0]!.init!.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init!.body))).toEqual({ identifier: 'me' });
    expect((calls[0]!.init!.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('posts no body at all for a procedure without input', async () => {
    const { http, calls } = client([json({ ok: true })]);
    await http.postJson('/xrpc/com.atproto.server.refreshSession', undefined, Ok);
    expect(calls[0]!.init!.body).toBeUndefined();
    expect((calls[0]!.init!.headers as Record<string, string>)['content-type']).toBeUndefined();
  });

  it("keeps the API's error name on the error, for callers that act on it", async () => {
    const { http } = client([json({ error: 'ExpiredToken', message: 'Token has expired' }, 400)]);
    const err = await http.getJson('/xrpc/app.bsky.graph.getFollows', Ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).apiError).toBe('ExpiredToken');
    expect((err as HttpError).message).toBe('GET /xrpc/app.bsky.graph.getFollows: HTTP 400 (ExpiredToken: Token has expired)');
  });

  it('follows a next link on the same origin and refuses one to another origin without sending it', async () => {
    const { http, calls } = client([json({ ok: true })]);
    await http.getAbsolute('https://mastodon.example/api/v1/favourites?max_id=9', Ok, auth);
    expect(calls).toHaveLength(1);
    const err = await caught(http.getAbsolute('https://evil.example/api/v1/favourites?max_id=9', Ok, auth));
    expect(err.message).toContain('another origin');
    expect(err.retryable).toBe(false);
    expect(calls).toHaveLength(1);
    expect(http.requests).toBe(1);
  });
});

describe('HttpClient rate limits', () => {
  it('waits the Retry-After seconds of a 429 and then succeeds', async () => {
    const { http, waits, calls } = client([json({ error: 'Too many requests' }, 429, { 'retry-after': '7' }), json({ ok: true })]);
    const res = await http.getJson('/api/v1/notifications', Ok);
    expect(res.data.ok).toBe(true);
    expect(waits).toEqual([7000]);
    expect(calls).toHaveLength(2);
    expect(http.requests).toBe(2);
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const { http, waits, now } = client([]);
    const at = new Date(now() + 42_000).toUTCString();
    const { http: h2, waits: w2 } = client([json({}, 429, { 'retry-after': at }), json({ ok: true })], { now });
    await h2.getJson('/x', Ok);
    expect(w2).toEqual([42_000]);
    expect(waits).toEqual([]);
    expect(http.requests).toBe(0);
  });

  it('falls back to the Mastodon X-RateLimit-Reset date when there is no Retry-After', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    const { http, waits } = client([json({}, 429, { 'x-ratelimit-reset': new Date(start + 90_000).toISOString() }), json({ ok: true })]);
    await http.getJson('/x', Ok);
    expect(waits).toEqual([90_000]);
  });

  it('falls back to the Bluesky RateLimit-Reset epoch seconds', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    const { http, waits } = client([json({}, 429, { 'ratelimit-reset': String(start / 1000 + 30) }), json({ ok: true })]);
    await http.getJson('/x', Ok);
    expect(waits).toEqual([30_000]);
  });

  it('uses backoff for a 429 that says nothing about when to come back', async () => {
    const { http, waits } = client([json({}, 429), json({ ok: true })], { random: () => 0.99 });
    await http.getJson('/x', Ok);
    expect(waits).toEqual([Math.floor(0.99 * 500)]);
  });

  it('fails at once, retryable, when the server asks for a wait longer than a pull may wait', async () => {
    const { http, waits, calls } = client([json({}, 429, { 'retry-after': String(3600) })]);
    const err = await caught(http.getJson('/api/v1/notifications', Ok));
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/^GET \/api\/v1\/notifications: HTTP 429.*60 min.*15 min/);
    expect(waits).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('waits for the window reset before the next request when a response says none are left', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    const reset = new Date(start + 120_000).toISOString();
    const { http, waits, calls } = client([json({ ok: true }, 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), json({ ok: true })]);
    await http.getJson('/a', Ok);
    expect(waits).toEqual([]);
    await http.getJson('/b', Ok);
    expect(waits).toEqual([120_000]);
    expect(calls).toHaveLength(2);
  });

  it('does not wait when requests remain in the window', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    const reset = new Date(start + 120_000).toISOString();
    const { http, waits } = client([json({ ok: true }, 200, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': reset }), json({ ok: true })]);
    await http.getJson('/a', Ok);
    await http.getJson('/b', Ok);
    expect(waits).toEqual([]);
  });

  it('fails the next request instead of waiting when the window resets too far away', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    const { http, calls } = client([json({ ok: true }, 200, { 'ratelimit-remaining': '0', 'ratelimit-reset': String(start / 1000 + 7200) })]);
    await http.getJson('/a', Ok);
    const err = await caught(http.getJson('/b', Ok));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('rate limit used up');
    expect(calls).toHaveLength(1);
  });
});

describe('HttpClient rate limits: the freshest response wins (issue 8)', () => {
  const start = Date.parse('2026-11-25T08:00:00Z');
  const fiveMinutesOn = new Date(start + 300_000).toISOString();

  it('a 429 with Retry-After: 1 costs one second, not the five minutes to the reset it also names', async () => {
    const { http, waits, calls, now } = client([
      json({ error: 'Too many requests' }, 429, { 'retry-after': '1', 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': fiveMinutesOn }),
      ...Array.from({ length: 20 }, (_, i) => json({ ok: true }, 200, { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': String(297 - i), 'x-ratelimit-reset': fiveMinutesOn })),
    ]);
    await http.getJson('/api/v1/accounts/1/following', Ok);
    for (let i = 0; i < 19; i++) await http.getJson(`/api/v1/page/${i}`, Ok);
    expect(calls).toHaveLength(21);
    expect(waits).toEqual([1000]);
    expect(now() - start).toBe(1000);
  });

  it("Mastodon's own 429 (no Retry-After, reset at the end of the period) waits until that reset, then not again", async () => {
    // What rack-attack's throttled responder sends: no Retry-After, the end of the 5-minute period, in microseconds.
    const throttled = new Response(JSON.stringify({ error: 'Too many requests' }), {
      status: 429,
      headers: { 'content-type': 'application/json', 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-25T08:05:00.000000Z' },
    });
    const next = { 'x-ratelimit-limit': '300', 'x-ratelimit-reset': '2026-11-25T08:10:00.000000Z' };
    const { http, waits, calls, now } = client([throttled, json({ ok: true }, 200, { ...next, 'x-ratelimit-remaining': '299' }), json({ ok: true }, 200, { ...next, 'x-ratelimit-remaining': '298' })], {}, '2026-11-25T08:02:30Z');
    await http.getJson('/a', Ok);
    await http.getJson('/b', Ok);
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([150_000]);
    expect(new Date(now()).toISOString()).toBe('2026-11-25T08:05:00.000Z');
  });

  it('a response saying requests remain clears a pause an earlier response asked for', async () => {
    // Two requests in flight: the one answered first says the window is used up, the one answered last says 5 remain.
    let answerSecond: (r: Response) => void = () => undefined;
    const second = new Promise<Response>((resolve) => {
      answerSecond = resolve;
    });
    const { http, waits, calls } = client([
      () => second,
      json({ ok: true }, 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(start + 120_000).toISOString() }),
      json({ ok: true }),
    ]);
    const slow = http.getJson('/slow', Ok);
    await http.getJson('/quick', Ok);
    answerSecond(json({ ok: true }, 200, { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': new Date(start + 120_000).toISOString() }));
    await slow;
    await http.getJson('/after', Ok);
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/slow', '/quick', '/after']);
    expect(waits).toEqual([]);
  });

  it('a request already waiting for an old reset goes as soon as a fresher response says requests remain', async () => {
    let answerSlow: (r: Response) => void = () => undefined;
    const slowReply = new Promise<Response>((resolve) => {
      answerSlow = resolve;
    });
    const sleeps: { ms: number; ended: boolean }[] = [];
    const { http, calls } = client(
      [() => slowReply, json({ ok: true }, 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': fiveMinutesOn }), json({ ok: true })],
      {
        // A real wait: it ends only when the client cuts it short.
        sleep: (ms, signal) =>
          new Promise<void>((resolve) => {
            const entry = { ms, ended: false };
            sleeps.push(entry);
            signal?.addEventListener('abort', () => {
              entry.ended = true;
              resolve();
            });
          }),
      },
    );
    const slow = http.getJson('/slow', Ok);
    await http.getJson('/used-up', Ok);
    const waiting = http.getJson('/waiting', Ok);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([{ ms: 300_000, ended: false }]);
    answerSlow(json({ ok: true }, 200, { 'x-ratelimit-remaining': '250', 'x-ratelimit-reset': fiveMinutesOn }));
    await expect(within(Promise.all([slow, waiting]), 2_000)).resolves.not.toBe('hung');
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/slow', '/used-up', '/waiting']);
    expect(sleeps).toEqual([{ ms: 300_000, ended: true }]);
  });

  it('keeps the window per host: one host used up does not hold back another', () => {
    const windows = new RateLimitWindows();
    const headers = new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': fiveMinutesOn });
    windows.note('mastodon.example', 200, headers, start);
    expect(windows.until('mastodon.example')).toBe(start + 300_000);
    expect(windows.until('other.example')).toBeUndefined();
    windows.note('other.example', 200, new Headers({ 'x-ratelimit-remaining': '12' }), start);
    expect(windows.until('mastodon.example')).toBe(start + 300_000);
    windows.note('mastodon.example', 200, new Headers({ 'x-ratelimit-remaining': '12' }), start);
    expect(windows.until('mastodon.example')).toBeUndefined();
  });
});

describe('HttpClient retries', () => {
  it('retries 5xx with capped full-jitter exponential backoff', async () => {
    const { http, waits } = client([json({}, 500), json({}, 502), json({}, 503), json({ ok: true })], { random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 3000 });
    await http.getJson('/x', Ok);
    // random * min(max, base * 2^attempt): 0.5*1000, 0.5*2000, 0.5*min(3000, 4000)
    expect(waits).toEqual([500, 1000, 1500]);
    expect(http.requests).toBe(4);
  });

  it('gives up after maxRetries with a retryable error naming the endpoint and status', async () => {
    const { http, calls } = client([json({}, 500), json({}, 500), json({}, 503)], { maxRetries: 2 });
    const err = await caught(http.getJson('/api/v1/accounts/1/followers', Ok, { query: { limit: 80 } }));
    expect(calls).toHaveLength(3);
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(503);
    expect(err.endpoint).toBe('/api/v1/accounts/1/followers');
    expect(err.message).toBe('GET /api/v1/accounts/1/followers: HTTP 503 (gave up after 3 attempts)');
  });

  it('retries network errors', async () => {
    const { http, calls } = client([new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }), json({ ok: true })]);
    await expect(http.getJson('/x', Ok)).resolves.toMatchObject({ data: { ok: true } });
    expect(calls).toHaveLength(2);
  });

  it('retries a request that timed out', async () => {
    const hang = (call: Call) =>
      new Promise<Response>((_, reject) => {
        const signal = call.init!.signal!;
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    const { http, calls } = client([hang, json({ ok: true })], { timeoutMs: 10 });
    await expect(http.getJson('/x', Ok)).resolves.toMatchObject({ data: { ok: true } });
    expect(calls).toHaveLength(2);
  });

  it('says timed out when every attempt times out', async () => {
    const hang = (call: Call) =>
      new Promise<Response>((_, reject) => {
        const signal = call.init!.signal!;
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    const { http } = client([hang], { timeoutMs: 10, maxRetries: 0 });
    const err = await caught(http.getJson('/x', Ok));
    expect(err.message).toBe('GET /x: timed out (gave up after 1 attempts)');
  });

  it('retries a truncated JSON body', async () => {
    const { http, calls } = client([new Response('[{"id":"1","acct":"al', { status: 200 }), json({ ok: true })]);
    await expect(http.getJson('/x', Ok)).resolves.toMatchObject({ data: { ok: true } });
    expect(calls).toHaveLength(2);
  });
});

describe('HttpClient errors', () => {
  it('fails a 401 at once with the API error text', async () => {
    const { http, calls, waits } = client([json({ error: 'The access token is invalid' }, 401)]);
    const err = await caught(http.getJson('/api/v1/notifications', Ok, { ...auth, query: { limit: 80 } }));
    expect(err.message).toBe('GET /api/v1/notifications: HTTP 401 (The access token is invalid)');
    expect(err.retryable).toBe(false);
    expect(err.isAuthFailure).toBe(true);
    expect(err.sourceId).toBe('mastodon');
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('takes the error text of an XRPC error and of an OAuth error description', async () => {
    const { http } = client([json({ error: 'InvalidToken', message: 'Token has expired' }, 400), json({ error: 'invalid_token', error_description: 'The token was revoked' }, 403)]);
    expect((await caught(http.getJson('/xrpc/app.bsky.feed.getLikes', Ok))).message).toBe('GET /xrpc/app.bsky.feed.getLikes: HTTP 400 (InvalidToken: Token has expired)');
    expect((await caught(http.getJson('/api/v1/x', Ok))).message).toBe('GET /api/v1/x: HTTP 403 (invalid_token: The token was revoked)');
  });

  it('names method, endpoint without query, and field path when the body fails the schema', async () => {
    const Accounts = z.array(z.object({ id: z.string(), acct: z.string() }));
    const body = [{ id: '1', acct: 'a' }, { id: '2', acct: 'b' }, { id: '3', acct: 'c' }, { id: '4', acct: 4 }];
    const { http, calls } = client([json(body)]);
    const err = await caught(http.getJson('/api/v1/accounts/1/followers', Accounts, { query: { limit: 80, access_token: TOKEN } }));
    expect(err.message).toBe('GET /api/v1/accounts/1/followers: [3].acct: expected string, received number');
    expect(err.retryable).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('never puts the token in an error, even when the server echoes it', async () => {
    const replies: Reply[] = [
      json({ error: `token ${TOKEN} is not valid here` }, 401),
      json({ error: `Bearer ${TOKEN}` }, 500),
      new TypeError(`fetch failed for ${TOKEN}`),
    ];
    const { http } = client(replies, { maxRetries: 1 });
    const errors = [await caught(http.getJson('/a', Ok, auth)), await caught(http.getJson('/b', Ok, auth))];
    for (const err of errors) {
      expect(err.message).not.toContain(TOKEN);
      expect(String(err.stack)).not.toContain(TOKEN);
      const cause = err.cause instanceof Error ? `${err.cause.message} ${err.cause.stack}` : String(err.cause);
      expect(cause).not.toContain(TOKEN);
    }
    expect(errors[0]!.message).toContain('[redacted]');
  });
});

/** The promise's outcome, or 'hung' when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), hung]);
  } finally {
    clearTimeout(timer);
  }
}

function abortedError(outcome: Awaited<ReturnType<typeof within>>): HttpError {
  expect(outcome).not.toBe('hung');
  expect(outcome).toHaveProperty('error');
  const err = (outcome as { error: unknown }).error;
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).aborted).toBe(true);
  expect((err as HttpError).message).toMatch(/: aborted$/);
  return err as HttpError;
}

describe('HttpClient waits end when the request is aborted', () => {
  const forever = (): Promise<void> => new Promise<void>(() => undefined);

  it('a 429 Retry-After wait', async () => {
    const { http, calls } = client([json({}, 429, { 'retry-after': '600' }), json({ ok: true })], { sleep: forever });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    abortedError(await within(http.getJson('/x', Ok, { signal: stop.signal }), 2_000));
    expect(calls).toHaveLength(1);
  });

  it('a backoff wait after a 5xx', async () => {
    const { http, calls } = client([json({}, 503), json({ ok: true })], { sleep: forever });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    abortedError(await within(http.getJson('/x', Ok, { signal: stop.signal }), 2_000));
    expect(calls).toHaveLength(1);
  });

  it('the pacing wait for an exhausted rate-limit window', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    const reset = new Date(start + 120_000).toISOString();
    const { http, calls } = client([json({ ok: true }, 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), json({ ok: true })], { sleep: forever });
    await http.getJson('/a', Ok);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    abortedError(await within(http.getJson('/b', Ok, { signal: stop.signal }), 2_000));
    expect(calls).toHaveLength(1);
  });

  it('the real timer too, without an injected sleep', async () => {
    const { http, calls } = client([json({}, 429, { 'retry-after': '60' }), json({ ok: true })], { sleep: undefined, now: Date.now });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    const started = Date.now();
    abortedError(await within(http.getJson('/x', Ok, { signal: stop.signal }), 5_000));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls).toHaveLength(1);
  });

  it('an already aborted signal fails before any wait or request', async () => {
    const { http, calls, waits } = client([json({ ok: true })]);
    abortedError(await within(http.getJson('/x', Ok, { signal: AbortSignal.abort() }), 2_000));
    expect(calls).toHaveLength(0);
    expect(waits).toEqual([]);
  });
});

describe('HttpClient request timeout', () => {
  it('still fires after a garbage collection while the request hangs (nodejs/node#57736)', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const hang = (call: Call) =>
      new Promise<Response>((_, reject) => {
        const signal = call.init!.signal!;
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    const { http } = client([hang], { timeoutMs: 200, maxRetries: 0 });
    const caller = new AbortController();
    // Observed from the start: on a busy machine the timeout can fire before the GC loop ends.
    const settled = within(http.getJson('/x', Ok, { signal: caller.signal }), 3_000);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    const outcome = await settled;
    expect(outcome).not.toBe('hung');
    expect((outcome as { error: Error }).error.message).toBe('GET /x: timed out (gave up after 1 attempts)');
  });
});
