/**
 * Issue 10 for Bluesky: a pull read over many steps gives the contacts a pull
 * read in one go gives, for the same world. The case that used to differ: the
 * follow notifications (which date when a follower started following) are
 * read in the first steps, the followers steps later, and only 150 dates were
 * carried in the checkpoint. Here 400 followers, 200 of them dated (each by
 * two follow notifications: the first one counts), and follows whose last post
 * is read unless the account was seen posting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemblePull } from '../../../shared/app/assemble-pull.ts';
import { SourcePull, type Contact } from '../../../shared/domain/model.ts';
import { FakeBlueskyServer, type BlueskyWorld } from '../../helpers/bluesky-server.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { scaledWorld } from '../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from '../sources/bluesky/setup.ts';
import { CountingMailer, fire, profileOf } from './steps-fixture.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-11-01T08:00:00Z');
const FOLLOWERS = 400;
const FOLLOWS = 120;
const MUTUAL = 40;

/**
 * Notifications cycle like, repost, follow, mention, reply, quote over the followers in order: 2,400 of them
 * give 400 follow notifications, two for each of 200 followers; the replies, mentions and quotes are seen posting.
 * Every follow last posted 200 days ago: past inactiveDays, so a last post read shows in the contact.
 */
function world(): BlueskyWorld {
  const w = scaledWorld(T0.getTime(), { followers: FOLLOWERS, follows: FOLLOWS, mutual: MUTUAL, notifications: 2_400, likes: 30, reposts: 10, posts: 20 });
  const keys = new Map<string, number>();
  w.followers.forEach((did, i) => keys.set(did, 1_000_000 + FOLLOWERS - i));
  w.follows.forEach((did, i) => {
    if (!keys.has(did)) keys.set(did, 1_000_000 - i);
  });
  w.followKeys = keys;
  w.lastPosts = new Map(w.follows.map((did) => [did, { at: new Date(T0.getTime() - 200 * DAY).toISOString() }]));
  return w;
}

/** The earliest follow notification of each follower, as the world holds them. */
function followDates(w: BlueskyWorld): Map<string, string> {
  const dates = new Map<string, string>();
  for (const n of w.notifications) {
    if (n.reason !== 'follow') continue;
    const at = new Date(n.indexedAt).toISOString();
    const known = dates.get(n.author.did);
    if (known === undefined || at < known) dates.set(n.author.did, at);
  }
  return dates;
}

const byId = (contacts: readonly Contact[]): Map<string, Contact> => new Map(contacts.map((c) => [c.id, c]));
const followerSinceOf = (contacts: readonly { id: string; relation: string; followerSince?: string }[]): Map<string, string | undefined> =>
  new Map(contacts.filter((c) => c.relation !== 'following').map((c) => [c.id, c.followerSince]));

describe('a Bluesky pull read in many steps and the same pull read in one go', () => {
  let whole: FakeBlueskyServer;
  let stepped: FakeBlueskyServer;
  let oneGo: SourcePull;

  beforeAll(async () => {
    whole = await FakeBlueskyServer.start({ world: world() });
    stepped = await FakeBlueskyServer.start({ world: world() });
    oneGo = await makeSource(whole, new MemorySessions()).source.pull({ now: T0 });
  }, 60_000);

  afterAll(async () => {
    await whole?.close();
    await stepped?.close();
  });

  it('the world dates more followers than a checkpoint could carry, and the pull in one go dates each by its first follow notification', () => {
    const dates = followDates(whole.world);
    expect(dates.size).toBe(200);
    const since = followerSinceOf(oneGo.contacts);
    expect(since.size).toBe(FOLLOWERS);
    for (const [did, at] of dates) expect(since.get(did)).toBe(at);
    expect([...since.values()].filter((at) => at !== undefined)).toHaveLength(200);
  });

  it('assembled from its steps, the stepped pull has the same contacts: every follower dated, same last posts, counts and relations', async () => {
    const { source } = makeSource(stepped, new MemorySessions());
    const parts: SourcePull[] = [];
    let checkpoint: string | undefined;
    do {
      const step = await source.pullStep({ now: T0, ...(checkpoint !== undefined ? { checkpoint } : {}), budget: { deadline: Date.now() + 600_000, maxRequests: 20 } });
      // What steps.ts stages: the part as the SourcePull schema reads it.
      parts.push(SourcePull.parse(step.pull));
      checkpoint = step.checkpoint;
      if (checkpoint !== undefined) expect(checkpoint.length).toBeLessThan(32_000);
    } while (checkpoint !== undefined && parts.length < 500);
    expect(checkpoint).toBeUndefined();
    // The dates and the followers they date are read steps apart.
    expect(parts.length).toBeGreaterThanOrEqual(5);
    const lastDating = parts.findLastIndex((p) => p.interactions.some((i) => i.kind === 'follow'));
    const firstFollower = parts.findIndex((p) => p.contacts.some((c) => c.relation === 'follower'));
    expect(firstFollower).toBeGreaterThan(lastDating);
    const assembled = assemblePull({ sourceId: 'bsky', platform: 'bluesky', phase: 'complete', parts: [], requests: 0, items: 0 }, parts, T0, 6);
    if (!assembled.ok) throw new Error(assembled.problem);

    const a = byId(oneGo.contacts);
    const b = byId(assembled.pull.contacts);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [id, contact] of a) expect(b.get(id), id).toEqual(contact);
    expect(assembled.pull).toMatchObject({ contactsCompleteness: 'complete', interactionsCompleteness: 'complete' });
    expect(assembled.pull.interactions.map((i) => i.id).sort()).toEqual(oneGo.interactions.map((i) => i.id).sort());
    // Same last-post checks: the accounts seen posting are spared in both.
    expect(stepped.count('app.bsky.feed.getAuthorFeed')).toBe(whole.count('app.bsky.feed.getAuthorFeed'));
    expect([...a.values()].filter((c) => c.lastPostAt !== undefined).length).toBeGreaterThan(0);
  }, 60_000);
});

describe('a Bluesky firing of many steps stores what a pull in one go reads', () => {
  let srv: FakeBlueskyServer;
  let whole: FakeBlueskyServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
    srv = await FakeBlueskyServer.start({ world: world() });
    whole = await FakeBlueskyServer.start({ world: world() });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await whole?.close();
    await table?.drop();
  });

  it('every follower keeps the follower-since date of the pull in one go', async () => {
    const oneGo = await makeSource(whole, new MemorySessions()).source.pull({ now: T0 });
    const sessions = new MemorySessions();
    const { result, steps } = await fire(profileOf('bpar'), T0, { store: table.store, mailer: new CountingMailer(), sourcesFor: () => [makeSource(srv, sessions).source], maxRequestsPerStep: 20 });
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(result.status).toBe('completed');
    expect(result.pulls?.[0]).toMatchObject({ contactsCompleteness: 'complete', interactionsCompleteness: 'complete' });

    const stored = followerSinceOf((await table.store.loadProfileState('bpar')).contacts);
    const expected = followerSinceOf(oneGo.contacts);
    expect(stored.size).toBe(FOLLOWERS);
    expect(stored).toEqual(expected);
    expect([...stored.values()].filter((at) => at !== undefined)).toHaveLength(200);
  }, 90_000);
});
