/**
 * Issue 20, point 3: a Bluesky pull asks a follower page's profile batches and
 * the next page together (stepped.ts workRound; contacts.ts fetchProfiles for a
 * pull in one go), so it reaches the PDS's rate limit instead of waiting on
 * each answer. Against the local server, on a virtual clock with 300 ms an
 * answer: the same contacts in the same order and the same requests as one
 * after the other (`maxInFlight: 1`), a few in flight at once, never a request
 * past a window the server says is used up, and a 429 waited out before the
 * host is asked again.
 */
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../../shared/domain/model.ts';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { scaledWorld, type WorldSize } from '../../../fixtures/bluesky/world.ts';
import { VirtualClock } from '../../../bench/virtual-clock.ts';
import { makeSource, MemorySessions } from './setup.ts';

const T0 = new Date('2026-11-01T08:00:00Z');
const SIZE: WorldSize = { followers: 1000, follows: 120, mutual: 40, notifications: 60, likes: 30, reposts: 10, posts: 20 };
const LATENCY_MS = 300;
const WINDOW_MS = 300_000;

interface Run {
  srv: FakeBlueskyServer;
  contacts: Contact[];
  /** Virtual ms from the first request to the last answer. */
  ms: number;
  /** The most requests the client had in flight at once. */
  peak: number;
  steps: number;
  /** The server's clock when each request arrived, in the order of its log. */
  arrivals: number[];
}

/** A server and a source on one virtual clock, the answers 300 ms after the asking. */
async function setUp(options: { globalLimit?: number; maxInFlight?: number }): Promise<{ srv: FakeBlueskyServer; clock: VirtualClock; source: ReturnType<typeof makeSource>['source']; peak: () => number; arrivals: number[] }> {
  const clock = new VirtualClock(T0.getTime());
  const srv = await FakeBlueskyServer.start({ world: scaledWorld(T0.getTime(), SIZE), now: clock.now, ...(options.globalLimit !== undefined ? { globalLimit: options.globalLimit } : {}) });
  const arrivals: number[] = [];
  srv.onRequest = () => arrivals.push(clock.now());
  const latency = clock.fetchWithLatency(LATENCY_MS);
  let inFlight = 0;
  let peak = 0;
  const counted: typeof fetch = async (input, init) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      return await latency(input, init);
    } finally {
      inFlight--;
    }
  };
  const { source } = makeSource(srv, new MemorySessions(), {
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    http: { fetch: counted, now: clock.now, sleep: clock.sleep },
  });
  return { srv, clock, source, peak: () => peak, arrivals };
}

/** A firing's pull steps: each with the pull function's 540 s, the rate limit's wait slept between them. */
async function stepped(options: { globalLimit?: number; maxInFlight?: number }): Promise<Run> {
  const { srv, clock, source, peak, arrivals } = await setUp(options);
  const started = clock.now();
  const contacts: Contact[] = [];
  let checkpoint: string | undefined;
  let steps = 0;
  do {
    const step = await source.pullStep({ now: T0, ...(checkpoint !== undefined ? { checkpoint } : {}), budget: { deadline: clock.now() + 540_000 } });
    steps++;
    expect(step.pull.problems).toEqual([]);
    contacts.push(...step.pull.contacts);
    checkpoint = step.checkpoint;
    if (step.waitMs !== undefined) await clock.sleep(step.waitMs);
  } while (checkpoint !== undefined && steps < 50);
  expect(checkpoint).toBeUndefined();
  return { srv, contacts, ms: clock.now() - started, peak: peak(), steps, arrivals };
}

/** A pull in one go (no budget): rate-limit waits are slept in place. */
async function whole(options: { globalLimit?: number; maxInFlight?: number }, arm?: (srv: FakeBlueskyServer) => void): Promise<Run> {
  const { srv, clock, source, peak, arrivals } = await setUp(options);
  arm?.(srv);
  const started = clock.now();
  const pull = await source.pull({ now: T0 });
  expect(pull.contactsCompleteness).toBe('complete');
  expect(pull.problems).toEqual([]);
  return { srv, contacts: pull.contacts, ms: clock.now() - started, peak: peak(), steps: 1, arrivals };
}

/** Every request, route and query, sorted: the same multiset means the same requests, none twice more. */
const requestsOf = (srv: FakeBlueskyServer): string[] => srv.log.map((r) => `${r.route}${r.query}`).sort();
const refused = (srv: FakeBlueskyServer): number => srv.log.filter((r) => r.status === 429).length;

describe('a Bluesky pull with requests in flight together', () => {
  it('over pull steps: the same contacts in the same order and the same requests as one after the other, in less than half the time', async () => {
    const serial = await stepped({ maxInFlight: 1 });
    const together = await stepped({});
    try {
      expect(serial.peak).toBe(1);
      expect(together.peak).toBeGreaterThanOrEqual(4);
      expect(together.peak).toBeLessThanOrEqual(8);
      expect(together.contacts).toEqual(serial.contacts);
      expect(together.contacts.filter((c) => c.relation === 'follower')).toHaveLength(SIZE.followers);
      expect(requestsOf(together.srv)).toEqual(requestsOf(serial.srv));
      expect(refused(together.srv)).toBe(0);
      expect(together.ms).toBeLessThan(serial.ms / 2);
    } finally {
      await serial.srv.close();
      await together.srv.close();
    }
  }, 60_000);

  it('in one go: the same contacts and the same requests as one after the other', async () => {
    const serial = await whole({ maxInFlight: 1 });
    const together = await whole({});
    try {
      expect(together.peak).toBeGreaterThanOrEqual(4);
      expect(together.contacts).toEqual(serial.contacts);
      expect(requestsOf(together.srv)).toEqual(requestsOf(serial.srv));
      expect(together.ms).toBeLessThan(serial.ms);
    } finally {
      await serial.srv.close();
      await together.srv.close();
    }
  }, 60_000);

  it('a server allowing few requests per 5 minutes (a 429 past them) never refuses one: the pull waits each window out, over pull steps and in one go', async () => {
    // 50 a window over steps: a follow records' batch (its profiles and up to 25 last posts) fits in one window.
    const unlimited = await stepped({});
    const limited = await stepped({ globalLimit: 50 });
    const wholeUnlimited = await whole({});
    const wholeLimited = await whole({ globalLimit: 20 });
    try {
      const requests = limited.srv.log.length;
      expect(requests).toBeGreaterThan(3 * 50);
      expect(refused(limited.srv)).toBe(0);
      expect(limited.contacts).toEqual(unlimited.contacts);
      // Every request of the unlimited pull; a batch the end of a window cut is asked again whole in the next step.
      const asked = requestsOf(limited.srv);
      for (const request of new Set(requestsOf(unlimited.srv))) expect(asked).toContain(request);
      // Each step ends when its window is used up; the firing waits for the reset.
      expect(limited.steps).toBeGreaterThanOrEqual(Math.ceil(requests / 50));
      expect(limited.ms).toBeGreaterThanOrEqual((Math.ceil(requests / 50) - 1) * WINDOW_MS - 1000);
      expect(limited.peak).toBeGreaterThan(1);

      // In one go the client sleeps through each reset: exactly the requests of the unlimited pull.
      expect(refused(wholeLimited.srv)).toBe(0);
      expect(wholeLimited.contacts).toEqual(wholeUnlimited.contacts);
      expect(requestsOf(wholeLimited.srv)).toEqual(requestsOf(wholeUnlimited.srv));
      expect(wholeLimited.ms).toBeGreaterThanOrEqual((Math.ceil(wholeLimited.srv.log.length / 20) - 1) * WINDOW_MS - 1000);
    } finally {
      for (const run of [unlimited, limited, wholeUnlimited, wholeLimited]) await run.srv.close();
    }
  }, 60_000);

  it('a 429 on one of the profile batches in flight is waited out: no request reaches the host during its Retry-After, the refused batch is asked again after it', async () => {
    const baseline = await whole({});
    let seen = 0;
    const run = await whole({}, (srv) => {
      // The 6th profile batch: others of its group are in flight beside it.
      srv.onRequest = ((previous) => (route: string) => {
        previous?.(route);
        if (route === 'app.bsky.actor.getProfiles' && ++seen === 5) srv.fail('app.bsky.actor.getProfiles', { type: 'rate-limit', retryAfter: '30' });
      })(srv.onRequest);
    });
    try {
      const at = run.srv.log.findIndex((r) => r.status === 429);
      expect(at).toBeGreaterThan(0);
      expect(refused(run.srv)).toBe(1);
      const t429 = run.arrivals[at] ?? Number.NaN;
      // Requests already on their way arrived with it; every later one waited the 30 s.
      for (const t of run.arrivals.slice(at + 1)) expect(t <= t429 + LATENCY_MS || t >= t429 + 30_000).toBe(true);
      const refusedQuery = run.srv.log[at];
      const again = run.srv.log.map((r, i) => ({ ...r, t: run.arrivals[i] ?? Number.NaN })).filter((r) => r.route === refusedQuery?.route && r.query === refusedQuery.query);
      expect(again.map((r) => r.status)).toEqual([429, 200]);
      expect(again[1]?.t).toBeGreaterThanOrEqual(t429 + 30_000);
      expect(run.contacts).toEqual(baseline.contacts);
    } finally {
      await baseline.srv.close();
      await run.srv.close();
    }
  }, 60_000);
});
