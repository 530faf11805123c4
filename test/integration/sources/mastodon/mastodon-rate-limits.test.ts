/**
 * Rate limits through a whole pull against the local Mastodon server (issue 8):
 * one 429 must cost what the server asked for, not the time to an old reset.
 * The server and the client share a fake clock, so minutes of waiting take
 * milliseconds, and the clock says exactly how long a real run would have waited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MastodonSource } from '../../../../shared/sources/mastodon/mastodon-source.ts';
import { startMastodonServer, type MastodonServer, type MastodonServerOptions } from '../../../helpers/mastodon-server.ts';
import { buildWorld, NOW } from './world.ts';

const TOKEN = 'mastodon-rate-token-SECRET-77aa';
const size = { followers: 170, following: 95, mutual: 30, notifications: 200, statuses: 90, favourites: 50 };
let server: MastodonServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A clock that moves only when the client sleeps: a sleep of `ms` ends `ms` after it began, however many sleep at once. */
function fakeClock(startIso: string) {
  const clock = { t: Date.parse(startIso), waits: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      const from = clock.t;
      // Sleeps begun in the same instant end together: concurrent waits overlap, as they would in real time.
      await new Promise((resolve) => setImmediate(resolve));
      clock.t = Math.max(clock.t, from + ms);
    },
  };
}

async function pullWith(options: Partial<MastodonServerOptions>, startIso: string, setUp: (srv: MastodonServer) => void = () => undefined) {
  const time = fakeClock(startIso);
  server = await startMastodonServer({ token: TOKEN, world: buildWorld(size), now: time.now, ...options });
  setUp(server);
  const src = new MastodonSource({
    id: 'mastodon',
    instanceUrl: server.url,
    accessToken: TOKEN,
    backfillDays: 365,
    maxPages: 200,
    http: { sleep: time.sleep, now: time.now, random: () => 0 },
  });
  const started = time.clock.t;
  const pull = await src.pull({ now: NOW });
  return { pull, srv: server, waited: time.clock.t - started, waits: time.clock.waits, started };
}

describe('Mastodon rate limits through a pull', () => {
  it('a 429 with Retry-After: 1 and a reset five minutes ahead costs one second, not five minutes', async () => {
    const start = '2026-11-25T08:00:00.000Z';
    const { pull, srv, waited, started } = await pullWith({}, start, (s) =>
      // The headers of the report: Remaining 0 and a reset five minutes ahead, but come back in one second.
      s.fail('following', { status: 429, retryAfter: '1', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(Date.parse(start) + 300_000).toISOString() } }),
    );
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.contacts).toHaveLength(size.followers + size.following - size.mutual);
    const throttled = srv.log.filter((e) => e.status === 429);
    expect(throttled).toHaveLength(1);
    // The retry of `following` went one second after the 429, the later responses said 297 and fewer remain...
    const following = srv.log.filter((e) => e.route === 'following');
    expect(following[1]!.at - following[0]!.at).toBe(1000);
    // ...and nothing waited for the old reset: the whole pull spent one second waiting.
    expect(waited).toBe(1000);
    expect(Math.max(...srv.log.map((e) => e.at)) - started).toBe(1000);
  });

  it("Mastodon's own 429 (no Retry-After, reset at the end of the period) waits until that reset once, then the pull completes", async () => {
    // 10 requests per 5-minute period; the pull needs 15. The period ends at 08:05:00, 150 s after the start.
    const { pull, srv, waited } = await pullWith({ rateLimit: 10 }, '2026-11-25T08:02:30.250Z');
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.problems).toEqual([]);
    const reset = Date.parse('2026-11-25T08:05:00.000Z');
    // A wait of the time to the reset (the reset header keeps the request's fraction of a second, as Mastodon's does), not more.
    expect(waited).toBeGreaterThanOrEqual(150_000 - 250);
    expect(waited).toBeLessThanOrEqual(150_000 + 250);
    // Nothing was sent between the last allowed request and the reset except what was already in flight (the 429s);
    // everything after is in the next period.
    const inPeriod = srv.log.filter((e) => e.at < reset);
    expect(inPeriod.filter((e) => e.status === 200)).toHaveLength(10);
    expect(inPeriod.filter((e) => e.status === 429).length).toBeLessThanOrEqual(4);
    const afterReset = srv.log.filter((e) => e.at >= reset);
    expect(afterReset.every((e) => e.status === 200)).toBe(true);
    expect(pull.requests).toBe(srv.log.length);
  });

  it('the real timers too: the issue headers cost about one second of wall time', async () => {
    server = await startMastodonServer({ token: TOKEN, world: buildWorld(size) });
    server.fail('following', { status: 429, retryAfter: '1', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString() } });
    const src = new MastodonSource({ id: 'mastodon', instanceUrl: server.url, accessToken: TOKEN, backfillDays: 365, maxPages: 200 });
    const began = performance.now();
    const pull = await src.pull({ now: NOW });
    const seconds = (performance.now() - began) / 1000;
    expect(pull.contactsCompleteness).toBe('complete');
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(4);
  }, 10_000);
});
