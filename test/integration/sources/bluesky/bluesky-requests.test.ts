import { afterEach, describe, expect, it } from 'vitest';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import type { BlueskyWorld } from '../../../helpers/bluesky-server.ts';
import { DEFAULT_SIZE, generatedNotification, OWNER, scaledWorld, tid, type WorldSize } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions, pages } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PLC_PATH = `/${OWNER.did}`;

/**
 * The accounts whose last post a pull reads (one getAuthorFeed each): followed,
 * followed at least graceDays (14) ago, and not seen replying, mentioning or
 * quoting within inactiveDays (180) in this pull's notifications.
 */
function judgedOn(world: BlueskyWorld): number {
  const seen = new Set(world.notifications.filter((n) => ['reply', 'mention', 'quote'].includes(n.reason) && Date.parse(n.indexedAt) >= NOW.getTime() - 180 * DAY).map((n) => n.author.did));
  const followedAt = new Map(world.records.get('app.bsky.graph.follow')?.map((r) => {
    const value = r.value as { subject: string; createdAt: string };
    return [value.subject, Date.parse(value.createdAt)] as const;
  }));
  return world.follows.filter((did) => (followedAt.get(did) ?? 0) <= NOW.getTime() - 14 * DAY && !seen.has(did)).length;
}

/** Every request of a first pull, by route, for a generated world of this size. */
function firstPullRequests(world: BlueskyWorld, size: WorldSize): Record<string, number> {
  const contacts = size.followers + size.follows - size.mutual;
  return {
    'com.atproto.identity.resolveHandle': 1,
    [PLC_PATH]: 1,
    'com.atproto.server.createSession': 1,
    'app.bsky.notification.listNotifications': pages(size.notifications),
    // A short page ends a record list: no empty last page.
    'com.atproto.repo.listRecords': pages(size.follows) + pages(size.likes) + pages(size.reposts) + pages(size.posts),
    'app.bsky.graph.getFollowers': pages(size.followers),
    'app.bsky.graph.getFollows': pages(size.follows),
    'app.bsky.actor.getProfiles': pages(contacts, 25),
    'app.bsky.feed.getAuthorFeed': judgedOn(world),
  };
}

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Bluesky source: requests', () => {
  it('a first pull makes exactly the minimum requests for 230 followers, 120 follows and 250 notifications', async () => {
    const size = DEFAULT_SIZE;
    const world = scaledWorld(NOW.getTime(), size);
    server = await FakeBlueskyServer.start({ world });
    const { source } = makeSource(server, new MemorySessions());
    const pull = await source.pull({ now: NOW });

    const contacts = size.followers + size.follows - size.mutual;
    expect(pull.contacts).toHaveLength(contacts);
    expect(pull.contacts.filter((c) => c.relation === 'mutual')).toHaveLength(size.mutual);
    expect(pull.contacts.every((c) => c.relation === 'follower' || c.followedAt !== undefined)).toBe(true);
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(size.notifications);
    expect(pull.interactions.filter((i) => i.direction === 'outbound')).toHaveLength(size.likes + size.reposts + size.posts);

    expect(Object.fromEntries(server.counts)).toEqual(firstPullRequests(world, size));
    // Not everyone's last post: of 120 follows, 13 are in their grace period and 13 more replied, mentioned or quoted.
    expect(server.count('app.bsky.feed.getAuthorFeed')).toBe(94);
    expect(pull.requests).toBe(server.totalRequests);
    expect(pull.problems).toEqual([]);
    expect(pull.historySince).toBe(new Date(NOW.getTime() - 365 * 86_400_000).toISOString());
  });

  it('a first pull of a small account makes 12 requests, besides one getAuthorFeed per judged follow', async () => {
    const size = { followers: 30, follows: 20, mutual: 10, notifications: 40, likes: 20, reposts: 5, posts: 10 };
    const world = scaledWorld(NOW.getTime(), size);
    server = await FakeBlueskyServer.start({ world });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW });
    const counts = firstPullRequests(world, size);
    expect(Object.fromEntries(server.counts)).toEqual(counts);
    // 14 before (four empty last pages of listRecords), 10 now, plus the handle and the DID document.
    expect(server.totalRequests - (counts['app.bsky.feed.getAuthorFeed'] ?? 0)).toBe(12);
    expect(pull.requests).toBe(server.totalRequests);
  });

  it('a record list of exactly 100 costs one more (empty) page; an AppView page shortened by filtering does not end its list', async () => {
    const size = { followers: 100, follows: 100, mutual: 0, notifications: 0, likes: 99, reposts: 0, posts: 0 };
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime(), size) });
    // The AppView drops blocked and taken-down accounts after applying the limit: a short page with a cursor.
    server.fail('app.bsky.graph.getFollowers', { type: 'malformed', mutate: (body) => ({ ...body, followers: (body.followers as unknown[]).slice(0, 90), cursor: '90' }) });
    server.fail('app.bsky.graph.getFollowers', { type: 'malformed', mutate: (body) => ({ ...body, followers: (body.followers as unknown[]).slice(0, 10) }) });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW });
    expect(server.count('app.bsky.graph.getFollowers')).toBe(2);
    expect(pull.contacts.filter((c) => c.relation === 'follower')).toHaveLength(100);
    // follows: 100 records, then an empty page; likes: 99, one page; reposts and posts: one empty page each.
    expect(server.count('com.atproto.repo.listRecords')).toBe(2 + 1 + 1 + 1);
  });

  it('a second pull reuses the stored session and fetches only the new notifications and records', async () => {
    const world = scaledWorld(NOW.getTime());
    server = await FakeBlueskyServer.start({ world });
    const sessions = new MemorySessions();
    const first = await makeSource(server, sessions).source.pull({ now: NOW });

    const later = NOW.getTime() + 6 * HOUR;
    const fresh = [1, 2, 3].map((k) => generatedNotification(later - k * HOUR, 1000 + k, world));
    world.notifications.unshift(...fresh);
    const likes = world.records.get('app.bsky.feed.like') ?? [];
    const target = world.follows[0] ?? '';
    likes.unshift({
      uri: `at://${OWNER.did}/app.bsky.feed.like/${tid(later - HOUR, 7)}`,
      cid: 'bafynewlike',
      value: { $type: 'app.bsky.feed.like', subject: { uri: `at://${target}/app.bsky.feed.post/3lbknewpost2a`, cid: 'x' }, createdAt: new Date(later - HOUR).toISOString() },
    });
    server.resetCounts();

    const second = await makeSource(server, sessions).source.pull({ now: new Date(later), cursor: first.cursor });
    expect(server.count('com.atproto.server.createSession')).toBe(0);
    // The stored session names the DID: no handle resolution, only the DID document (the PDS may have moved).
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(0);
    expect(server.count(PLC_PATH)).toBe(1);
    // Follow records in full (100 + a short page of 20), then one page of each own collection up to the stop point.
    expect(server.count('com.atproto.repo.listRecords')).toBe(2 + 3);
    expect(server.count('app.bsky.notification.listNotifications')).toBe(1);
    const newInbound = second.interactions.filter((i) => i.direction === 'inbound');
    for (const n of fresh) expect(newInbound.map((i) => i.id)).toContain(`${n.uri}#${n.reason}`);
    // At most the boundary notification is repeated (same id, harmless); nothing older.
    expect(newInbound.length).toBeLessThanOrEqual(fresh.length + 1);
    const outbound = second.interactions.filter((i) => i.direction === 'outbound');
    expect(outbound.map((i) => i.contactId)).toEqual([target]);
    expect(second.historySince).toBe(first.historySince);
    expect(second.requests).toBe(server.totalRequests);
  });

  it('a third pull with nothing new still costs one request per list and returns no interactions', async () => {
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime()) });
    const sessions = new MemorySessions();
    const first = await makeSource(server, sessions).source.pull({ now: NOW });
    const second = await makeSource(server, sessions).source.pull({ now: NOW, cursor: first.cursor });
    server.resetCounts();
    const third = await makeSource(server, sessions).source.pull({ now: NOW, cursor: second.cursor });
    expect(server.count('app.bsky.notification.listNotifications')).toBe(1);
    expect(third.interactions.filter((i) => i.direction === 'outbound')).toEqual([]);
    expect(third.interactions.filter((i) => i.direction === 'inbound').length).toBeLessThanOrEqual(1);
  });

  it('stops at the backfill horizon instead of reading all history', async () => {
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime()) });
    const { source } = makeSource(server, new MemorySessions(), { backfillDays: 2 });
    const pull = await source.pull({ now: NOW });
    const horizon = NOW.getTime() - 2 * 86_400_000;
    const inbound = pull.interactions.filter((i) => i.direction === 'inbound');
    expect(inbound.length).toBe(48);
    expect(inbound.every((i) => Date.parse(i.at) >= horizon)).toBe(true);
    expect(server.count('app.bsky.notification.listNotifications')).toBe(1);
  });

  it('a page cap applies to notifications and own records, never to the contact lists', async () => {
    const size = DEFAULT_SIZE;
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime(), size) });
    const { source } = makeSource(server, new MemorySessions(), { maxPages: 1 });
    const pull = await source.pull({ now: NOW });
    // A cut contact list would look like unfollows: followers and follows are read in full, like Mastodon's.
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.contacts).toHaveLength(size.followers + size.follows - size.mutual);
    expect(server.count('app.bsky.graph.getFollowers')).toBe(pages(size.followers));
    expect(server.count('app.bsky.graph.getFollows')).toBe(pages(size.follows));
    expect(server.count('app.bsky.notification.listNotifications')).toBe(1);
    expect(pull.problems.join('\n')).toMatch(/app\.bsky\.notification\.listNotifications.*maxPages=1/);
    expect(pull.problems.join('\n')).not.toMatch(/getFollowers|getFollows/);
  });
});
