import { afterEach, describe, expect, it } from 'vitest';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { DEFAULT_SIZE, generatedNotification, OWNER, scaledWorld, tid } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions, pages } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const HOUR = 3_600_000;

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Bluesky source: requests', () => {
  it('a first pull makes exactly the minimum requests for 230 followers, 120 follows and 250 notifications', async () => {
    const size = DEFAULT_SIZE;
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime(), size) });
    const { source } = makeSource(server, new MemorySessions());
    const pull = await source.pull({ now: NOW });

    const contacts = size.followers + size.follows - size.mutual;
    expect(pull.contacts).toHaveLength(contacts);
    expect(pull.contacts.filter((c) => c.relation === 'mutual')).toHaveLength(size.mutual);
    expect(pull.contacts.every((c) => c.relation === 'follower' || c.followedAt !== undefined)).toBe(true);
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(size.notifications);
    expect(pull.interactions.filter((i) => i.direction === 'outbound')).toHaveLength(size.likes + size.reposts + size.posts);

    expect(server.count('com.atproto.server.createSession')).toBe(1);
    expect(server.count('app.bsky.graph.getFollowers')).toBe(pages(size.followers));
    expect(server.count('app.bsky.graph.getFollows')).toBe(pages(size.follows));
    expect(server.count('app.bsky.actor.getProfiles')).toBe(pages(contacts, 25));
    expect(server.count('app.bsky.notification.listNotifications')).toBe(pages(size.notifications));
    const listRecords = pages(size.follows) + pages(size.likes) + pages(size.reposts) + pages(size.posts);
    expect(server.count('com.atproto.repo.listRecords')).toBe(listRecords);
    expect(pull.requests).toBe(server.totalRequests);
    expect(pull.problems).toEqual([]);
    expect(pull.historySince).toBe(new Date(NOW.getTime() - 365 * 86_400_000).toISOString());
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
