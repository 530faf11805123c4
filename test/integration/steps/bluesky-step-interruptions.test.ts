/**
 * Issue 10 for Bluesky: what stops a firing between two pull steps, and how
 * the next step goes on. The local Bluesky server answers a list page or a
 * batch of profiles with 429 and a wait longer than a step may sleep (the
 * step ends and says how long; the firing's Wait state waits that long; the
 * next step asks that request again from the checkpoint), or lets the access
 * token expire between two steps (the next step refreshes the stored session
 * and goes on). Either way every page is answered once and the report is whole.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adHocFiringKey, runFiring } from '../../../shared/app/steps.ts';
import type { PullStepOutput } from '../../../shared/app/step-contract.ts';
import type { RunReportResult } from '../../../shared/app/types.ts';
import type { ProfileConfig } from '../../../shared/config/schema.ts';
import { FakeBlueskyServer, type BlueskyWorld, type Fault } from '../../helpers/bluesky-server.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { scaledWorld } from '../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from '../sources/bluesky/setup.ts';
import { CountingMailer, profileOf } from './steps-fixture.ts';

const T0 = new Date('2026-11-01T08:00:00Z');
const FOLLOWERS = 1_000;
const FOLLOWS = 120;
const MUTUAL = 40;
const LISTS = ['app.bsky.graph.getFollowers', 'app.bsky.graph.getFollows', 'com.atproto.repo.listRecords', 'app.bsky.notification.listNotifications', 'app.bsky.actor.getProfiles'];

function world(): BlueskyWorld {
  const w = scaledWorld(T0.getTime(), { followers: FOLLOWERS, follows: FOLLOWS, mutual: MUTUAL, notifications: 300, likes: 30, reposts: 10, posts: 20 });
  const keys = new Map<string, number>();
  w.followers.forEach((did, i) => keys.set(did, 1_000_000 + FOLLOWERS - i));
  w.follows.forEach((did, i) => {
    if (!keys.has(did)) keys.set(did, 1_000_000 - i);
  });
  w.followKeys = keys;
  return w;
}

interface Fired {
  result: RunReportResult;
  steps: PullStepOutput[];
  /** Every wait of the firing's Wait state, in ms. */
  slept: number[];
}

/** One firing through the in-process loop with a page budget per step, its waits recorded instead of slept. */
async function fire(profile: ProfileConfig, deps: { table: FreshTable; srv: FakeBlueskyServer; sessions: MemorySessions }, onStep: (output: PullStepOutput) => void): Promise<Fired> {
  const steps: PullStepOutput[] = [];
  const slept: number[] = [];
  const result = await runFiring(
    { profile, now: T0, dryRun: false, firingKey: adHocFiringKey(profile.id, T0), claimFiring: false, holder: `test:${profile.id}` },
    { store: deps.table.store, mailer: new CountingMailer(), sourcesFor: () => [makeSource(deps.srv, deps.sessions).source], maxRequestsPerStep: 25 },
    {
      budgetMs: 10 * 60_000,
      sleep: async (ms) => {
        slept.push(ms);
      },
      onStep: (o) => {
        steps.push(o);
        onStep(o);
      },
    },
  );
  return { result, steps, slept };
}

/** Requests to the lists and profile batches answered 200 more than once: pages fetched twice. */
function answeredTwice(srv: FakeBlueskyServer): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const r of srv.log) {
    if (!LISTS.includes(r.route) || r.status !== 200) continue;
    const key = `${r.route}${r.query}`;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  return twice;
}

const refused = (srv: FakeBlueskyServer, status: number): { route: string; query: string }[] => srv.log.filter((r) => r.status === status);
const answered = (srv: FakeBlueskyServer, route: string): number => srv.log.filter((r) => r.route === route && r.status === 200).length;

function expectWholeReport(fired: Fired): void {
  expect(fired.steps.at(-1)).toMatchObject({ done: true, sources: [{ state: 'complete' }] });
  expect(fired.result.status).toBe('completed');
  expect(fired.result.figures?.followers).toBe(FOLLOWERS);
  expect(fired.result.pulls?.[0]).toMatchObject({ contactsCompleteness: 'complete', interactionsCompleteness: 'complete', contacts: FOLLOWERS + FOLLOWS - MUTUAL, problems: [] });
}

describe('a Bluesky rate limit met between pull steps', () => {
  let srv: FakeBlueskyServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
  }, 60_000);
  beforeEach(async () => {
    srv = await FakeBlueskyServer.start({ world: world() });
  });
  afterEach(async () => {
    await srv?.close();
  });
  afterAll(async () => {
    await table?.drop();
  });

  // A follower page's profile batches and the next page are asked together (stepped.ts, workRound): when one batch
  // is refused, those of its round answered after it are asked again with it (at most the other 3 batches and the page).
  const cases: { what: string; route: string; fault: Fault; seconds: number; startsAfter: string; askedAgainAtMost: number }[] = [
    { what: 'a follower page answered with Retry-After', route: 'app.bsky.graph.getFollowers', fault: { type: 'rate-limit', retryAfter: '120' }, seconds: 120, startsAfter: 'app.bsky.graph.getFollowers', askedAgainAtMost: 0 },
    { what: 'a follower page answered with RateLimit-Reset only (the PDS way)', route: 'app.bsky.graph.getFollowers', fault: { type: 'rate-limit', resetInSec: 300 }, seconds: 300, startsAfter: 'app.bsky.graph.getFollowers', askedAgainAtMost: 0 },
    { what: "a batch of followers' profiles", route: 'app.bsky.actor.getProfiles', fault: { type: 'rate-limit', retryAfter: '90' }, seconds: 90, startsAfter: 'app.bsky.graph.getFollowers', askedAgainAtMost: 4 },
  ];

  it.each(cases)('$what: the step ends asking for the wait, the firing waits it, the next step asks again from the checkpoint, and the report is whole', async ({ route, fault, seconds, startsAfter, askedAgainAtMost }) => {
    let armed = false;
    const fired = await fire(profileOf(`brl-${seconds}`), { table, srv, sessions: new MemorySessions() }, () => {
      // Mid-list: once a step has read a page of followers, the next request of the route is refused.
      if (!armed && answered(srv, startsAfter) >= 2) {
        armed = true;
        srv.fail(route, fault);
      }
    });
    expect(armed).toBe(true);

    // The one 429, and the step that met it ended asking for the server's wait, which the firing waited (in seconds).
    const limited = refused(srv, 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.route).toBe(route);
    const waiting = fired.steps.filter((s) => s.waitSeconds > 0);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ done: false, waitSeconds: seconds });
    expect(fired.slept.map((ms) => ms / 1000)).toEqual([seconds]);

    // The refused request was asked again after the wait and answered; nothing answered was fetched again.
    const again = srv.log.filter((r) => r.route === limited[0]?.route && r.query === limited[0]?.query).map((r) => r.status);
    expect(again).toEqual([429, 200]);
    const twice = answeredTwice(srv);
    expect(twice.length).toBeLessThanOrEqual(askedAgainAtMost);
    const twiceOf = (r: string): number => twice.filter((key) => key.startsWith(`${r}?`)).length;
    expect(answered(srv, 'app.bsky.graph.getFollowers') - twiceOf('app.bsky.graph.getFollowers')).toBe(FOLLOWERS / 100);
    // The mutuals (the last 40 followers) are asked once, with the follow records.
    expect(answered(srv, 'app.bsky.actor.getProfiles') - twiceOf('app.bsky.actor.getProfiles')).toBe((FOLLOWERS - 100) / 25 + Math.ceil((100 - MUTUAL) / 25) + Math.ceil(FOLLOWS / 25));
    expectWholeReport(fired);
  }, 60_000);
});

describe('a Bluesky access token that expires between pull steps', () => {
  let srv: FakeBlueskyServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
    srv = await FakeBlueskyServer.start({ world: world() });
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  it('the next step refreshes the stored session (no new sign-in) and goes on: one sign-in, one refresh, every page once, a whole report', async () => {
    const sessions = new MemorySessions();
    let expiredAfter: number | undefined;
    const fired = await fire(profileOf('bexp'), { table, srv, sessions }, (step) => {
      // Halfway through the follower list: the token the stored session holds is now refused.
      if (expiredAfter === undefined && answered(srv, 'app.bsky.graph.getFollowers') >= 3) {
        expiredAfter = step.iteration;
        srv.expireAccessTokens();
      }
    });
    expect(expiredAfter).toBeDefined();
    expect(fired.steps.length).toBeGreaterThan(expiredAfter ?? Number.POSITIVE_INFINITY);

    expect(srv.count('com.atproto.server.createSession')).toBe(1);
    expect(srv.count('com.atproto.server.refreshSession')).toBe(1);
    // The requests refused with the old token (those in flight together: a follower page's batches and the next
    // page, stepped.ts workRound) were each asked again with the new one, after the one refresh.
    const expired = refused(srv, 400);
    expect(expired.length).toBeGreaterThanOrEqual(1);
    expect(expired.length).toBeLessThanOrEqual(5);
    for (const one of expired) expect(srv.log.filter((r) => r.route === one.route && r.query === one.query).map((r) => r.status)).toEqual([400, 200]);
    expect(answeredTwice(srv)).toEqual([]);
    expect(answered(srv, 'app.bsky.graph.getFollowers')).toBe(FOLLOWERS / 100);
    expect(fired.slept).toEqual([]);
    expectWholeReport(fired);
  }, 60_000);
});

describe('a Bluesky access token that expires while a step checks accounts a few at a time', () => {
  let srv: FakeBlueskyServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
    // 60 follows, none seen posting: each past its grace period gets its last post read, four at a time.
    srv = await FakeBlueskyServer.start({ world: scaledWorld(T0.getTime(), { followers: 10, follows: 60, mutual: 0, notifications: 0, likes: 0, reposts: 0, posts: 0 }) });
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  it('one refresh serves every call the old token failed: no new sign-in, every last post due is read', async () => {
    let expired = false;
    srv.onRequest = (route) => {
      // The first last-post check arrives with three more on their way, all with the token that now expires.
      if (!expired && route === 'app.bsky.feed.getAuthorFeed') {
        expired = true;
        srv.expireAccessTokens();
      }
    };
    const fired = await fire(profileOf('bconc'), { table, srv, sessions: new MemorySessions() }, () => undefined);
    expect(expired).toBe(true);
    expect(srv.count('com.atproto.server.refreshSession')).toBe(1);
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
    expect(refused(srv, 400).length).toBeGreaterThan(1);
    // Followed a day apart: the 13 followed less than 14 days ago are in their grace period, not checked.
    expect(answered(srv, 'app.bsky.feed.getAuthorFeed')).toBe(60 - 13);
    expect(fired.result.status).toBe('completed');
    expect(fired.result.pulls?.[0]).toMatchObject({ contactsCompleteness: 'complete', contacts: 70, problems: [] });
  }, 60_000);
});
