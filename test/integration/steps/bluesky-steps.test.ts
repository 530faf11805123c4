/**
 * Issue 10 for Bluesky: a follower list too long for one step is read over
 * several pull steps as one snapshot, through the local Bluesky server paging
 * followers like the AppView (a keyset cursor: the follow's sort key, newest
 * first). Every page and every batch of profiles is fetched once, the stored
 * session serves every step (one sign-in), one report. A follower who arrives
 * mid-read sorts before the cursor: reported new by the next firing; one who
 * leaves from a page already read is reported lost next time, one who leaves
 * from a page not read yet is lost now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBlueskyServer, type BlueskyWorld } from '../../helpers/bluesky-server.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { actorDid, scaledWorld } from '../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from '../sources/bluesky/setup.ts';
import { CountingMailer, fire, profileOf } from './steps-fixture.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-11-01T08:00:00Z');
const FOLLOWS = 120;
const MUTUAL = 40;

/** A generated account whose follower and follow lists page by keyset cursor. */
function keysetWorld(followers: number): BlueskyWorld {
  const world = scaledWorld(T0.getTime(), { followers, follows: FOLLOWS, mutual: MUTUAL, notifications: 60, likes: 30, reposts: 10, posts: 20 });
  const keys = new Map<string, number>();
  world.followers.forEach((did, i) => keys.set(did, 1_000_000 + followers - i));
  // Follows: the mutuals first (already keyed, in descending order), then keys below every follower's.
  world.follows.forEach((did, i) => {
    if (!keys.has(did)) keys.set(did, 1_000_000 - i);
  });
  world.followKeys = keys;
  return world;
}

function arrive(world: BlueskyWorld, did: string): void {
  world.profiles.set(did, { did, handle: 'newcomer.test', displayName: 'Newcomer' });
  const top = Math.max(...world.followKeys!.values());
  world.followKeys!.set(did, top + 1);
  world.followers.unshift(did);
}

function leave(world: BlueskyWorld, did: string): void {
  const i = world.followers.indexOf(did);
  if (i < 0) throw new Error(`no follower ${did}`);
  world.followers.splice(i, 1);
}

const queriesOf = (srv: FakeBlueskyServer, route: string): string[] => srv.log.filter((r) => r.route === `app.bsky.${route}`).map((r) => r.query);

describe('a Bluesky account with 3,000 followers read over many pull steps', () => {
  const FOLLOWERS = 3_000;
  let srv: FakeBlueskyServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
    srv = await FakeBlueskyServer.start({ world: keysetWorld(FOLLOWERS) });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  it('takes several steps, fetches every follower page and every batch of profiles once, signs in once, and sends one complete report', async () => {
    const mailer = new CountingMailer();
    const sessions = new MemorySessions();
    const { result, steps } = await fire(profileOf('bsky'), T0, { store: table.store, mailer, sourcesFor: () => [makeSource(srv, sessions).source], maxRequestsPerStep: 25 });

    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps.slice(0, -1).every((s) => !s.done && s.sources[0]?.state === 'in_progress')).toBe(true);
    expect(steps.at(-1)).toMatchObject({ done: true, sources: [{ state: 'complete' }] });

    const followerPages = queriesOf(srv, 'graph.getFollowers');
    expect(followerPages).toHaveLength(FOLLOWERS / 100);
    expect(new Set(followerPages).size).toBe(followerPages.length);
    const profileBatches = queriesOf(srv, 'actor.getProfiles');
    // Follow records in 5 batches of 25; followers in batches of 25 but the mutuals (the last 40), asked once with the records.
    expect(profileBatches).toHaveLength((FOLLOWERS - 100) / 25 + Math.ceil((100 - MUTUAL) / 25) + Math.ceil(FOLLOWS / 25));
    expect(new Set(profileBatches).size).toBe(profileBatches.length);
    const lastPosts = queriesOf(srv, 'feed.getAuthorFeed');
    expect(new Set(lastPosts).size).toBe(lastPosts.length);
    expect(lastPosts.length).toBeGreaterThan(0);
    expect(srv.count('com.atproto.server.createSession')).toBe(1);

    expect(result.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    expect(result.figures?.followers).toBe(FOLLOWERS);
    expect(result.pulls?.[0]).toMatchObject({ contactsCompleteness: 'complete', interactionsCompleteness: 'complete', contacts: FOLLOWERS + FOLLOWS - MUTUAL });
    expect(result.pulls?.[0]?.requests).toBe(srv.totalRequests);

    const state = await table.store.loadProfileState('bsky');
    expect(state.contacts.filter((c) => c.relation === 'mutual')).toHaveLength(MUTUAL);
    // Counts come from the profile batches, follow dates from the records, last posts from the checks.
    const followed = state.contacts.filter((c) => c.relation !== 'follower');
    expect(followed.every((c) => c.followedAt !== undefined && c.postsCount !== undefined)).toBe(true);
    // The firing's state is gone; its staged parts are left for TTL to delete (free), each with its expiry.
    const staged = (await scanAll(table.doc, table.tableName)).filter((i) => String(i['pk']).includes('#F#'));
    expect(staged.filter((i) => i['sk'] === 'state')).toHaveLength(0);
    expect(staged.every((i) => typeof i['expiresAt'] === 'number')).toBe(true);
  }, 60_000);
});

describe('Bluesky followers who arrive or leave while the list is read', () => {
  const FOLLOWERS = 1_500;
  let srv: FakeBlueskyServer;
  let table: FreshTable;
  const mailer = new CountingMailer();
  const sessions = new MemorySessions();
  const profile = profileOf('bmid');
  const deps = () => ({ store: table.store, mailer, sourcesFor: () => [makeSource(srv, sessions).source], maxRequestsPerStep: 25 });
  const followerIds = async () => new Set((await table.store.loadProfileState('bmid')).contacts.filter((c) => c.relation !== 'following').map((c) => c.id));
  // Newest first: the first page holds the newest follows, the last page the oldest.
  let onReadPage: string;
  let onUnreadPage: string;
  const arriving = actorDid(999_999);

  beforeAll(async () => {
    table = await freshTable();
    srv = await FakeBlueskyServer.start({ world: keysetWorld(FOLLOWERS) });
    // Not a mutual, so its leaving is a lost follower and nothing else.
    onReadPage = srv.world.followers[5]!;
    onUnreadPage = srv.world.followers[FOLLOWERS - MUTUAL - 5]!;
    await fire(profile, T0, deps());
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  it('the firing during which they move counts the leaver from an unread page as lost, and nobody else changes', async () => {
    srv.log.length = 0;
    let arrivedAt: number | undefined;
    let moved = false;
    const { result } = await fire(profile, new Date(T0.getTime() + 7 * DAY), deps(), () => {
      // Once the follower list is being read the newcomer arrives; a few pages later two leave. With an offset
      // cursor these would shift the list under the reader (a page read twice, then a follower skipped).
      const read = queriesOf(srv, 'graph.getFollowers').length;
      if (arrivedAt === undefined && read >= 2) {
        arrivedAt = read;
        arrive(srv.world, arriving);
      } else if (!moved && arrivedAt !== undefined && read >= arrivedAt + 2) {
        moved = true;
        leave(srv.world, onReadPage);
        leave(srv.world, onUnreadPage);
      }
    });
    expect(moved).toBe(true);
    expect(queriesOf(srv, 'graph.getFollowers').length).toBeLessThan(FOLLOWERS / 100 + 1);
    expect(result.figures).toMatchObject({ followers: FOLLOWERS - 1, newFollowers: 0, lostFollowers: 1 });
    const ids = await followerIds();
    expect(ids.has(onReadPage)).toBe(true);
    expect(ids.has(onUnreadPage)).toBe(false);
    expect(ids.has(arriving)).toBe(false);
    const pages = queriesOf(srv, 'graph.getFollowers');
    expect(new Set(pages).size).toBe(pages.length);
  }, 60_000);

  it('the next firing reports the arrival as new and the leaver from a page already read as lost, once each', async () => {
    const { result } = await fire(profile, new Date(T0.getTime() + 14 * DAY), deps());
    expect(result.figures).toMatchObject({ followers: FOLLOWERS - 1, newFollowers: 1, lostFollowers: 1 });
    const ids = await followerIds();
    expect(ids.has(arriving)).toBe(true);
    expect(ids.has(onReadPage)).toBe(false);
    expect(ids.size).toBe(FOLLOWERS - 1);
    expect(mailer.sent).toBe(3);
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
  }, 60_000);
});
