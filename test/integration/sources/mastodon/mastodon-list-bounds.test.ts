/**
 * Follower and following lists read as concurrent walks from the last pull's page boundaries
 * (shared/sources/mastodon/list-bounds.ts), against the local Mastodon server: across weeks of churn the
 * lists read must be exactly the server's (what a sequential walk reads), never missing a contact, with
 * about as many requests as a sequential walk.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourcePull } from '../../../../shared/domain/model.ts';
import type { PullStepResult } from '../../../../shared/ports/source.ts';
import { MastodonSource } from '../../../../shared/sources/mastodon/mastodon-source.ts';
import { startMastodonServer, type MastodonServer, type MastodonServerOptions } from '../../../helpers/mastodon-server.ts';
import { ListWorld } from './list-world.ts';
import { NOW } from './world.ts';

const TOKEN = 'mastodon-list-token-SECRET-19c2';
const PAGE = 80;
/** A boundary every 2 pages: a list of a few hundred accounts has several walks (the default is every 50). */
const MARK_EVERY = 2;
const WEEK = 7 * 86_400_000;
let servers: MastodonServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(lw: ListWorld, options: Partial<MastodonServerOptions> = {}): Promise<MastodonServer> {
  // Rate limits are tested on their own below: here, as many requests as the tests make.
  const srv = await startMastodonServer({ token: TOKEN, world: lw.world, rateLimit: 1_000_000, ...options });
  servers.push(srv);
  return srv;
}

function source(url: string, options: { atOnce?: number; fetch?: typeof fetch; now?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
  return new MastodonSource({
    id: 'mastodon',
    instanceUrl: url,
    accessToken: TOKEN,
    backfillDays: 365,
    maxPages: 50,
    lists: { markEvery: MARK_EVERY, atOnce: options.atOnce ?? 4 },
    http: { sleep: options.sleep ?? (async () => undefined), random: () => 0, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.now ? { now: options.now } : {}) },
  });
}

/** Follower and following ids of one or more pulls (steps) together: a mutual counts in both. */
function listsOf(pulls: readonly SourcePull[]): { followers: string[]; following: string[] } {
  const followers = new Set<string>();
  const following = new Set<string>();
  for (const p of pulls) {
    for (const c of p.contacts) {
      if (c.relation === 'follower' || c.relation === 'mutual') followers.add(c.id);
      if (c.relation === 'following' || c.relation === 'mutual') following.add(c.id);
    }
  }
  return { followers: [...followers].sort(), following: [...following].sort() };
}

function boundsOf(pull: SourcePull, relation: 'followers' | 'following' = 'followers'): string[] | undefined {
  const cursor = JSON.parse(pull.cursor ?? '{}') as { listBounds?: Record<string, string[]> };
  return cursor.listBounds?.[relation];
}

/** The pages a sequential walk of `n` follows reads: a short last page ends it, a full one needs one more look. */
const pages = (n: number): number => Math.floor(n / PAGE) + 1;

/** Followers requests the last pull sent, and how many of them the walks started at a stored boundary. */
function followerRequests(srv: MastodonServer, since: number): { total: number; fromBounds: string[] } {
  const entries = srv.log.slice(since).filter((e) => e.route === 'followers');
  return { total: entries.length, fromBounds: entries.filter((e) => !e.url.includes('since_id') && e.url.includes('max_id')).map((e) => new URL(e.url, 'http://x').searchParams.get('max_id')!) };
}

describe('Mastodon lists read from the last pull\'s page boundaries', () => {
  it('a first pull walks the list page after page and keeps a boundary every few pages; the repeat reads the same pages at once', async () => {
    const lw = new ListWorld(1000, 30);
    const srv = await start(lw);
    const first = await source(srv.url).pull({ now: NOW });
    // Sequential: each request follows the link of the one before (the first has no max_id).
    const firstLog = srv.log.filter((e) => e.route === 'followers');
    expect(firstLog).toHaveLength(pages(1000));
    expect(firstLog[0]!.url).not.toContain('max_id');
    expect(listsOf([first])).toEqual({ followers: lw.ids('followers'), following: lw.ids('following') });
    const bounds = boundsOf(first)!;
    // 13 pages, a boundary after every 2nd: pages 2, 4, ..., 12.
    expect(bounds).toHaveLength(6);
    expect(bounds).toEqual(firstLog.slice(2, 14, ).filter((_, i) => i % 2 === 0).map((e) => new URL(e.url, 'http://x').searchParams.get('max_id')));
    // The following list (one page) has none.
    expect(boundsOf(first, 'following')).toBeUndefined();

    const mark = srv.log.length;
    const second = await source(srv.url, { atOnce: 4 }).pull({ now: new Date(NOW.getTime() + WEEK), cursor: first.cursor! });
    expect(listsOf([second])).toEqual({ followers: lw.ids('followers'), following: lw.ids('following') });
    expect(second.contactsCompleteness).toBe('complete');
    const asked = followerRequests(srv, mark);
    // Nothing changed: exactly the sequential walk's pages, each walk ending where the next began.
    expect(asked.total).toBe(pages(1000));
    for (const b of bounds) expect(asked.fromBounds).toContain(b);
    // The walks ran at once: the first four requests were the walk from the top and those from the first three boundaries.
    const secondLog = srv.log.slice(mark).filter((e) => e.route === 'followers');
    expect(secondLog.slice(0, 4).map((e) => new URL(e.url, 'http://x').searchParams.get('max_id'))).toEqual([null, ...bounds.slice(0, 3)]);
    expect(boundsOf(second)).toEqual(bounds);
    // The cursor stays small: about 20 bytes per boundary.
    expect(second.cursor!.length).toBeLessThan(400);
  });

  it('across weeks of churn (new follows on top, unfollows inside walks, a whole walk\'s range gone, a boundary account leaving) reads exactly the server\'s lists', async () => {
    const lw = new ListWorld(1500, 500);
    const srv = await start(lw);
    let pull = await source(srv.url).pull({ now: NOW });
    for (let week = 1; week <= 6; week++) {
      const bounds = boundsOf(pull)!;
      let changedWalks = 0;
      // New followers arrive on top.
      lw.follow('followers', 37 * week);
      if (week % 2 === 1) changedWalks++;
      // A few leave from the middle of the third walk's range and the last one's.
      const third = lw.positionOf('followers', bounds[2]!);
      lw.unfollowAt('followers', [third + 3, third + 50, third + 51, lw.world.followers.length - 5]);
      changedWalks += 2;
      if (week === 2) {
        // A whole walk's range vanishes: everyone between the 4th and 5th boundaries leaves.
        const from = lw.positionOf('followers', bounds[3]!);
        const to = lw.positionOf('followers', bounds[4]!);
        lw.unfollowAt('followers', Array.from({ length: to - from - 1 }, (_, k) => from + 1 + k));
        changedWalks++;
      }
      if (week === 3 || week === 5) {
        // The accounts whose follows are boundaries leave.
        expect(lw.unfollowKey('followers', bounds[0]!)).toBe(true);
        expect(lw.unfollowKey('followers', bounds[1]!)).toBe(true);
        changedWalks += 2;
      }
      lw.follow('following', 5);
      lw.unfollowAt('following', [week * 20, week * 20 + 1, 400]);
      const mark = srv.log.length;
      pull = await source(srv.url, { atOnce: 3 }).pull({ now: new Date(NOW.getTime() + week * WEEK), cursor: pull.cursor! });
      expect(listsOf([pull]), `week ${week}`).toEqual({ followers: lw.ids('followers'), following: lw.ids('following') });
      expect(pull.contactsCompleteness).toBe('complete');
      expect(pull.problems).toEqual([]);
      // No contact twice in one pull.
      expect(new Set(pull.contacts.map((c) => c.id)).size).toBe(pull.contacts.length);
      // At most one page more than a sequential walk per walk whose range changed (and one for the top).
      const asked = followerRequests(srv, mark).total;
      expect(asked, `week ${week}`).toBeLessThanOrEqual(pages(lw.world.followers.length) + changedWalks + 1);
      expect(boundsOf(pull)!.length).toBeGreaterThan(3);
    }
  });

  it('over random churn, the lists read always equal the server\'s, with at most one extra page per walk', async () => {
    const lw = new ListWorld(600, 200);
    const srv = await start(lw);
    let pull = await source(srv.url).pull({ now: NOW });
    let week = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          arrive: fc.nat(200),
          leave: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 120 }),
          block: fc.option(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(250) })),
          atOnce: fc.integer({ min: 1, max: 6 }),
        }),
        async ({ arrive, leave, block, atOnce }) => {
          week++;
          lw.follow('followers', arrive);
          const n = lw.world.followers.length;
          const gone = new Set(leave.map((x) => Math.min(n - 1, Math.floor(x * n))));
          if (block) {
            const at = Math.floor(block.at * n);
            for (let k = at; k < Math.min(n, at + block.length); k++) gone.add(k);
          }
          lw.unfollowAt('followers', gone);
          if (lw.world.followers.length < 100) lw.follow('followers', 300);
          const walks = (boundsOf(pull)?.length ?? 0) + 1;
          const mark = srv.log.length;
          pull = await source(srv.url, { atOnce }).pull({ now: new Date(NOW.getTime() + week * WEEK), cursor: pull.cursor! });
          expect(listsOf([pull]).followers).toEqual(lw.ids('followers'));
          expect(pull.contactsCompleteness).toBe('complete');
          expect(followerRequests(srv, mark).total).toBeLessThanOrEqual(pages(lw.world.followers.length) + walks);
        },
      ),
      { numRuns: 40, seed: 20_2611 },
    );
  });

  it('a cursor written before boundaries were kept still works: that pull walks page after page and keeps them', async () => {
    const lw = new ListWorld(500, 10);
    const srv = await start(lw);
    const pull = await source(srv.url).pull({ now: NOW, cursor: JSON.stringify({ v: 1, notificationsSinceId: '1', accountDomain: { instance: srv.url, domain: 'mastodon.social' } }) });
    expect(pull.problems).toEqual([]);
    expect(listsOf([pull]).followers).toEqual(lw.ids('followers'));
    expect(srv.log.filter((e) => e.route === 'followers').map((e) => e.url.includes('max_id'))).toEqual([false, true, true, true, true, true, true]);
    expect(boundsOf(pull)).toHaveLength(3);
  });

  it('stored boundaries that are not numbers, or not falling, are not used: the list is walked in one go', async () => {
    const lw = new ListWorld(500, 10);
    const srv = await start(lw);
    for (const followers of [['abc', '12'], ['5', '9']]) {
      const mark = srv.log.length;
      const pull = await source(srv.url).pull({ now: NOW, cursor: JSON.stringify({ v: 1, listBounds: { followers } }) });
      expect(pull.problems).toEqual([]);
      expect(listsOf([pull]).followers).toEqual(lw.ids('followers'));
      expect(followerRequests(srv, mark).total).toBe(pages(500));
    }
  });
});

describe('Mastodon list walks that do not join up fall back to reading on', () => {
  /** A fetch that rewrites the server's answers for followers requests the test picks. */
  function rewriting(answer: (url: URL, init: RequestInit | undefined) => Promise<Response> | Response | undefined): typeof fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith('/followers')) {
        const replaced = await answer(url, init);
        if (replaced !== undefined) return replaced;
      }
      return fetch(input, init);
    };
  }

  async function firstThenRepeat(lw: ListWorld, change: (bounds: string[]) => void, repeatFetch: (srv: MastodonServer, bounds: string[]) => typeof fetch) {
    const srv = await start(lw);
    const first = await source(srv.url).pull({ now: NOW });
    const bounds = boundsOf(first)!;
    change(bounds);
    const mark = srv.log.length;
    const repeat = await source(srv.url, { fetch: repeatFetch(srv, bounds) }).pull({ now: new Date(NOW.getTime() + WEEK), cursor: first.cursor! });
    return { srv, first, bounds, repeat, asked: followerRequests(srv, mark).total };
  }

  it('a server that answers an empty page for a max_id that is no longer a follow (a boundary account left): the walk above reads on', async () => {
    const lw = new ListWorld(1000, 10);
    const { repeat, asked } = await firstThenRepeat(
      lw,
      (bounds) => {
        lw.unfollowKey('followers', bounds[2]!);
        lw.unfollowKey('followers', bounds[4]!);
      },
      (_srv, bounds) => rewriting((url) => ([bounds[2], bounds[4]].includes(url.searchParams.get('max_id') ?? '') && !url.searchParams.has('since_id') ? Response.json([]) : undefined)),
    );
    expect(listsOf([repeat]).followers).toEqual(lw.ids('followers'));
    expect(repeat.contactsCompleteness).toBe('complete');
    // The two empty answers, and the walks above them reading on through two more walks' ranges' worth of overlap at most.
    expect(asked).toBeLessThanOrEqual(pages(lw.world.followers.length) + 2 + 4);
  });

  it('a server that ignores max_id (answers the top of the list): every walk hands its range up, and the list is read in full', async () => {
    const lw = new ListWorld(1000, 10);
    const { repeat, asked, bounds } = await firstThenRepeat(
      lw,
      () => lw.follow('followers', 10),
      (_srv, bounds) =>
        rewriting((url, init) => {
          const maxId = url.searchParams.get('max_id');
          if (maxId === null || !bounds.includes(maxId)) return undefined;
          // As if max_id were not there: the first page of the list, with its links.
          url.searchParams.delete('max_id');
          return fetch(url, init);
        }),
    );
    expect(bounds.length).toBeGreaterThan(0);
    expect(listsOf([repeat]).followers).toEqual(lw.ids('followers'));
    expect(repeat.contactsCompleteness).toBe('complete');
    // The sequential walk's pages, and one wasted page per boundary.
    expect(asked).toBeLessThanOrEqual(pages(lw.world.followers.length) + bounds.length + 1);
  });

  it('a first page that fails (404 for a max_id the server does not know): the walk above reads on, no problem is reported', async () => {
    const lw = new ListWorld(1000, 10);
    const { repeat } = await firstThenRepeat(
      lw,
      (bounds) => lw.unfollowKey('followers', bounds[1]!),
      (_srv, bounds) => rewriting((url) => (url.searchParams.get('max_id') === bounds[1] && !url.searchParams.has('since_id') ? Response.json({ error: 'Record not found' }, { status: 404 }) : undefined)),
    );
    expect(listsOf([repeat]).followers).toEqual(lw.ids('followers'));
    expect(repeat.contactsCompleteness).toBe('complete');
    expect(repeat.problems).toEqual([]);
  });

  it('ids that are not numbers: boundaries mean nothing, the walk from the top reads the whole list and none are kept', async () => {
    const lw = new ListWorld(500, 10);
    // ULID-like follow ids (GoToSocial), all the same length so the server orders them as text.
    let n = 0;
    for (const a of [...lw.world.followers].reverse()) lw.world.followKeys!.set(a, `01HZ${String(++n).padStart(8, '0')}X`);
    const srv = await start(lw);
    const pull = await source(srv.url).pull({ now: NOW, cursor: JSON.stringify({ v: 1, listBounds: { followers: ['900', '500', '100'] } }) });
    expect(listsOf([pull]).followers).toEqual(lw.ids('followers'));
    expect(pull.contactsCompleteness).toBe('complete');
    expect(boundsOf(pull)).toBeUndefined();
  });
});

describe('Mastodon list walks across pull steps', () => {
  async function stepThrough(src: MastodonSource, cursor: string | undefined, maxRequests: number, now: Date, onStep: (r: PullStepResult) => void = () => undefined): Promise<SourcePull[]> {
    const parts: SourcePull[] = [];
    let checkpoint: string | undefined;
    for (let step = 0; step < 200; step++) {
      const result = await src.pullStep({ now, ...(cursor !== undefined ? { cursor } : {}), ...(checkpoint !== undefined ? { checkpoint } : {}), budget: { deadline: Number.MAX_SAFE_INTEGER, maxRequests } });
      onStep(result);
      parts.push(result.pull);
      if (result.checkpoint === undefined) return parts;
      checkpoint = result.checkpoint;
    }
    throw new Error('the pull never finished');
  }

  it('pauses every walk at the budget and resumes each where it stood: the steps together read exactly the lists', async () => {
    const lw = new ListWorld(2000, 300);
    const srv = await start(lw);
    const first = await source(srv.url).pull({ now: NOW });
    lw.follow('followers', 90);
    lw.unfollowAt('followers', [500, 501, 502, 1200, 1900]);
    const mark = srv.log.length;
    const requestsPerStep: number[] = [];
    const parts = await stepThrough(source(srv.url, { atOnce: 5 }), first.cursor, 7, new Date(NOW.getTime() + WEEK), (r) => requestsPerStep.push(r.pull.requests));
    expect(parts.length).toBeGreaterThan(3);
    // Each step keeps to its budget (the first also asks verify_credentials).
    for (const [k, n] of requestsPerStep.entries()) expect(n).toBeLessThanOrEqual(k === 0 ? 8 : 7);
    expect(listsOf(parts)).toEqual({ followers: lw.ids('followers'), following: lw.ids('following') });
    expect(parts.at(-1)!.contactsCompleteness).toBe('complete');
    const walks = boundsOf(first)!.length + 1;
    expect(followerRequests(srv, mark).total).toBeLessThanOrEqual(pages(lw.world.followers.length) + walks);
    // The last step's cursor keeps boundaries for the next pull.
    expect(boundsOf(parts.at(-1)!)!.length).toBeGreaterThan(5);
    // A step that is not the last says the list is partial (the rest comes in later steps).
    expect(parts[0]!.contactsCompleteness).toBe('partial');
  });

  it('a walk that must take over a range after it paused resumes and reads on in a later step', async () => {
    const lw = new ListWorld(1500, 10);
    const srv = await start(lw);
    const first = await source(srv.url).pull({ now: NOW });
    const bounds = boundsOf(first)!;
    lw.unfollowKey('followers', bounds[5]!);
    const empty = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith('/followers') && url.searchParams.get('max_id') === bounds[5] && !url.searchParams.has('since_id')) return Response.json([]);
      return fetch(input, init);
    };
    const parts = await stepThrough(source(srv.url, { atOnce: 8, fetch: empty }), first.cursor, 3, new Date(NOW.getTime() + WEEK));
    expect(listsOf(parts).followers).toEqual(lw.ids('followers'));
    expect(parts.at(-1)!.contactsCompleteness).toBe('complete');
  });

  it('a 429 with Retry-After in the middle of concurrent walks is waited out by that walk alone, and the lists stay exact', async () => {
    const lw = new ListWorld(1500, 10);
    const srv = await start(lw);
    const first = await source(srv.url).pull({ now: NOW });
    lw.follow('followers', 30);
    const waits: number[] = [];
    srv.fail('followers', 'ok', 'ok', 'ok', { status: 429, retryAfter: '2' }, 'ok', { status: 503 });
    const mark = srv.log.length;
    const repeat = await source(srv.url, { atOnce: 6, sleep: async (ms) => void waits.push(ms) }).pull({ now: new Date(NOW.getTime() + WEEK), cursor: first.cursor! });
    expect(listsOf([repeat]).followers).toEqual(lw.ids('followers'));
    expect(repeat.contactsCompleteness).toBe('complete');
    expect(repeat.problems).toEqual([]);
    expect(waits).toContain(2000);
    // The two failed requests were asked again, nothing else.
    const walks = boundsOf(first)!.length + 1;
    expect(followerRequests(srv, mark).total).toBeLessThanOrEqual(pages(lw.world.followers.length) + walks + 2);
  });

  it('concurrent walks under the rate limit: a step ends when the window is used up and the next step goes on after the reset', async () => {
    const lw = new ListWorld(3000, 100);
    let t = Date.parse('2026-11-25T08:00:00.000Z');
    const now = () => t;
    const sleep = async (ms: number) => {
      t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    };
    const srv = await start(lw, { now, rateLimit: 12, ratePeriodSeconds: 300 });
    const first = await source(srv.url, { now, sleep }).pull({ now: NOW });
    expect(listsOf([first]).followers).toEqual(lw.ids('followers'));
    lw.follow('followers', 100);
    lw.unfollowAt('followers', [700, 701, 2500]);
    // A week later: a fresh window.
    t = Math.ceil((t + 1) / 300_000) * 300_000;
    const mark = srv.log.length;
    const src = new MastodonSource({ id: 'mastodon', instanceUrl: srv.url, accessToken: TOKEN, backfillDays: 365, maxPages: 50, lists: { markEvery: MARK_EVERY, atOnce: 6 }, http: { now, sleep, random: () => 0 } });
    const parts: SourcePull[] = [];
    let checkpoint: string | undefined;
    let steps = 0;
    for (;;) {
      steps++;
      const r = await src.pullStep({ now: new Date(NOW.getTime() + WEEK), cursor: first.cursor!, ...(checkpoint !== undefined ? { checkpoint } : {}), budget: { deadline: Number.MAX_SAFE_INTEGER, inStepWaitMs: 1000 } });
      parts.push(r.pull);
      if (r.checkpoint === undefined) break;
      checkpoint = r.checkpoint;
      // The state machine's Wait: until the reset.
      expect(r.waitMs).toBeGreaterThan(0);
      t += r.waitMs ?? 0;
      expect(steps).toBeLessThan(100);
    }
    expect(listsOf(parts).followers).toEqual(lw.ids('followers'));
    expect(parts.at(-1)!.contactsCompleteness).toBe('complete');
    const log = srv.log.slice(mark);
    const throttled = log.filter((e) => e.status === 429).length;
    // No more requests go out at once than the window has left: none meets a 429.
    expect(throttled).toBe(0);
    // Each step but the last used its window whole (12 requests), then waited for the reset.
    expect(steps).toBe(Math.ceil(log.length / 12));
    expect(log.filter((e) => e.route === 'followers' && e.status === 200).length).toBeLessThanOrEqual(pages(lw.world.followers.length) + boundsOf(first)!.length + 1);
  });
});
