/** The per-client token bucket in front of the decision page, on an injected clock. */
import { describe, expect, it } from 'vitest';
import { ClientRateLimit, RATE_LIMIT_DEFAULTS } from '../../../shared/decide/client-rate-limit.ts';

function limiter(options: { perMinute?: number; burst?: number; maxClients?: number } = {}) {
  let clock = 1_000_000;
  const limit = new ClientRateLimit({ ...options, now: () => clock });
  return { limit, advance: (ms: number) => void (clock += ms) };
}

describe('the decision page rate limit', () => {
  it('lets a client make its burst at once, then answers with the seconds until its next request', () => {
    const { limit } = limiter({ perMinute: 30, burst: 30 });
    for (let i = 0; i < 30; i++) expect(limit.take('203.0.113.9')).toEqual({ ok: true });
    // 30 a minute: one token every 2 s.
    expect(limit.take('203.0.113.9')).toEqual({ ok: false, retryAfterSeconds: 2 });
  });

  it('refills at the rate: a client that waits the Retry-After gets one more request, not a new burst', () => {
    const { limit, advance } = limiter({ perMinute: 30, burst: 30 });
    for (let i = 0; i < 30; i++) limit.take('a');
    const refused = limit.take('a');
    expect(refused.ok).toBe(false);
    advance(2_000);
    expect(limit.take('a')).toEqual({ ok: true });
    expect(limit.take('a').ok).toBe(false);
    // A full minute of quiet refills 30, never more than the burst.
    advance(10 * 60_000);
    for (let i = 0; i < 30; i++) expect(limit.take('a').ok).toBe(true);
    expect(limit.take('a').ok).toBe(false);
  });

  it('a refused request does not push the next one further away', () => {
    const { limit, advance } = limiter({ perMinute: 60, burst: 1 });
    expect(limit.take('a').ok).toBe(true);
    for (let i = 0; i < 20; i++) expect(limit.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    advance(1_000);
    expect(limit.take('a').ok).toBe(true);
  });

  it('counts each client on its own: one client over its rate does not slow another', () => {
    const { limit } = limiter({ perMinute: 30, burst: 3 });
    for (let i = 0; i < 3; i++) limit.take('flooder');
    expect(limit.take('flooder').ok).toBe(false);
    expect(limit.take('owner').ok).toBe(true);
  });

  it('defaults to 30 a minute with a burst of 30', () => {
    expect(RATE_LIMIT_DEFAULTS).toMatchObject({ perMinute: 30, burst: 30 });
    const { limit } = limiter();
    for (let i = 0; i < 30; i++) expect(limit.take('x').ok).toBe(true);
    expect(limit.take('x').ok).toBe(false);
  });

  it('keeps memory bounded: clients idle long enough to be full again are forgotten', () => {
    const { limit, advance } = limiter({ perMinute: 30, burst: 30 });
    for (let i = 0; i < 500; i++) limit.take(`198.51.100.${i}`);
    expect(limit.size).toBe(500);
    // One token spent each: refilled after 2 s.
    advance(2_000);
    limit.take('newcomer');
    expect(limit.size).toBe(1);
  });

  it('never tracks more than maxClients: the least recently seen is dropped first', () => {
    const { limit } = limiter({ perMinute: 30, burst: 2, maxClients: 100 });
    limit.take('owner');
    limit.take('owner');
    expect(limit.take('owner').ok).toBe(false);
    for (let i = 0; i < 10_000; i++) limit.take(`spoofed-${i}`);
    expect(limit.size).toBe(100);
    // 'owner' was the least recently seen: dropped, so it starts again with a full bucket (lenient, never stricter).
    expect(limit.take('owner').ok).toBe(true);
  });

  it('a recently seen client is kept over older ones when the cap is reached', () => {
    const { limit } = limiter({ perMinute: 30, burst: 1, maxClients: 3 });
    limit.take('a');
    limit.take('b');
    limit.take('c');
    expect(limit.take('a').ok).toBe(false); // 'a' is now the most recently seen
    limit.take('d'); // drops 'b', the least recently seen
    expect(limit.take('a').ok).toBe(false);
    expect(limit.take('b').ok).toBe(true);
  });

  it('refuses a meaningless configuration', () => {
    expect(() => new ClientRateLimit({ perMinute: 0 })).toThrow(/perMinute/);
    expect(() => new ClientRateLimit({ burst: 0 })).toThrow(/burst/);
  });
});
