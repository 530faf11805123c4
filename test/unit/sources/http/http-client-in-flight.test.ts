/**
 * Concurrent requests (the Mastodon list walks) never outnumber what the rate-limit window has left: with 3
 * left, a fourth request in flight would only meet a 429.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient } from '../../../../shared/sources/http/http-client.ts';

const Ok = z.object({ ok: z.boolean() });
const RESET = '2026-11-25T08:05:00.000000Z';

/** A server answering after a turn of the event loop, counting down a window of `limit` requests. */
function windowServer(limit: number, sendHeaders = true) {
  let left = limit;
  let inFlight = 0;
  let most = 0;
  let throttled = 0;
  const fetchFn = (async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight--;
    if (left === 0) {
      throttled++;
      return new Response(JSON.stringify({ error: 'Too many requests' }), { status: 429, headers: { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': RESET } });
    }
    left--;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sendHeaders) Object.assign(headers, { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(left), 'x-ratelimit-reset': RESET });
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers });
  }) as typeof fetch;
  return { fetchFn, stats: () => ({ most, throttled, left }) };
}

function client(fetchFn: typeof fetch) {
  const now = Date.parse('2026-11-25T08:00:00Z');
  // A step's client: a wait longer than 10 s ends the request (the step pauses) instead of sleeping.
  return new HttpClient({ baseUrl: 'https://mastodon.example', sourceId: 'm', fetch: fetchFn, now: () => now, sleep: async () => undefined, maxRateLimitWaitMs: 10_000, random: () => 0 });
}

describe('HttpClient requests in flight', () => {
  it('keeps no more requests in flight than the window has left, so none meets a 429', async () => {
    const server = windowServer(10);
    const http = client(server.fetchFn);
    // One request first (the window becomes known), then 12 at once: only 9 are left.
    await http.getJson('/a', Ok);
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, k) => http.getJson(`/b${k}`, Ok)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    // The other three wait for the window, longer than a step may: they fail without being sent.
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual(Array(3).fill(expect.stringContaining('rate limit used up')));
    expect(server.stats()).toEqual({ most: 9, throttled: 0, left: 0 });
    expect(http.requests).toBe(10);
  });

  it('does not limit concurrency when the server sends no rate-limit headers', async () => {
    const server = windowServer(100, false);
    const http = client(server.fetchFn);
    await http.getJson('/a', Ok);
    await Promise.all(Array.from({ length: 8 }, (_, k) => http.getJson(`/b${k}`, Ok)));
    expect(server.stats().most).toBe(8);
  });

  it('lets as many go at once as are left', async () => {
    const server = windowServer(300);
    const http = client(server.fetchFn);
    await http.getJson('/a', Ok);
    await Promise.all(Array.from({ length: 8 }, (_, k) => http.getJson(`/b${k}`, Ok)));
    expect(server.stats()).toMatchObject({ most: 8, throttled: 0 });
  });
});
