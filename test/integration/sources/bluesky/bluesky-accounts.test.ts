import { afterEach, describe, expect, it } from 'vitest';
import { feedItemAt } from '../../../../shared/sources/bluesky/account-checks.ts';
import { languageTag } from '../../../../shared/sources/bluesky/inbound.ts';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { emptyWorld, OWNER, tid } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const DAY = 86_400_000;
const TAKEN = 'did:plc:taken22222222222222222222';
const OFF = 'did:plc:off222222222222222222222';
const DELETED = 'did:plc:deleted2222222222222222222';
const FLAKY = 'did:plc:flaky22222222222222222222';
const LIVE = 'did:plc:live2222222222222222222222';
const QUIET = 'did:plc:quiet22222222222222222222';
const NEW = 'did:plc:new22222222222222222222';
const FAN = 'did:plc:fan22222222222222222222';
const REPLIER = 'did:plc:replier2222222222222222222';
const REPOSTER = 'did:plc:reposter222222222222222222';

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function follow(did: string, daysAgo: number) {
  const at = NOW.getTime() - daysAgo * DAY;
  return { uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(at)}`, cid: `c-${did}`, value: { $type: 'app.bsky.graph.follow', subject: did, createdAt: new Date(at).toISOString() } };
}

/** Follows of every kind, newest follow record first; FAN only follows the owner. */
function accountsWorld() {
  const world = emptyWorld();
  const followed: [string, number][] = [
    [NEW, 3],
    [LIVE, 40],
    [QUIET, 50],
    [REPLIER, 60],
    [REPOSTER, 70],
    [TAKEN, 100],
    [OFF, 110],
    [DELETED, 120],
    [FLAKY, 130],
  ];
  for (const [did] of followed) world.profiles.set(did, { did, handle: `${did.slice(8, 13)}.test`, displayName: did.slice(8, 13) });
  world.profiles.set(FAN, { did: FAN, handle: 'fan.test' });
  world.gone = new Map([
    [TAKEN, 'takedown'],
    [OFF, 'deactivated'],
    [DELETED, 'deleted'],
    [FLAKY, 'broken'],
  ]);
  world.follows = followed.map(([did]) => did);
  world.followers = [FAN, LIVE];
  world.records.set('app.bsky.graph.follow', followed.map(([did, days]) => follow(did, days)));
  world.lastPosts = new Map([
    [LIVE, { at: '2026-11-20T10:00:00.000Z' }],
    [QUIET, { at: '2026-01-02T10:00:00.000Z', createdAt: '2025-03-01T10:00:00.000Z' }],
    [REPOSTER, { at: '2026-11-01T09:00:00.000Z', repost: true, createdAt: '2024-01-01T00:00:00.000Z' }],
    [FAN, { at: '2026-11-24T10:00:00.000Z' }],
  ]);
  // REPLIER replied yesterday: this pull has seen them post.
  const at = NOW.getTime() - DAY;
  world.notifications = [
    {
      uri: `at://${REPLIER}/app.bsky.feed.post/${tid(at)}`,
      cid: 'bafyreply',
      author: { did: REPLIER, handle: 'replier.test' },
      reason: 'reply',
      reasonSubject: `at://${OWNER.did}/app.bsky.feed.post/${tid(at - DAY)}`,
      record: { $type: 'app.bsky.feed.post', text: 'yes!', langs: ['it'], createdAt: new Date(at).toISOString() },
      isRead: false,
      indexedAt: new Date(at + 500).toISOString(),
    },
  ];
  return world;
}

describe('Bluesky source: gone accounts and last posts', () => {
  it('tells a taken-down, a deactivated and a deleted account apart with one getProfile each, named by their DID', async () => {
    server = await FakeBlueskyServer.start({ world: accountsWorld() });
    const pull = await makeSource(server, new MemorySessions(), { http: { maxRetries: 0 } }).source.pull({ now: NOW });
    const byId = new Map(pull.contacts.map((c) => [c.id, c]));

    expect(byId.get(TAKEN)).toMatchObject({ state: 'suspended', handle: TAKEN, relation: 'following' });
    expect(byId.get(OFF)).toMatchObject({ state: 'deactivated', handle: OFF });
    expect(byId.get(DELETED)).toMatchObject({ state: 'deleted', handle: DELETED });
    // FLAKY's getProfile fails every time: not told apart, judged gently, as an account that can come back, and said so.
    expect(byId.get(FLAKY)).toMatchObject({ state: 'deactivated' });
    expect(pull.problems.join('\n')).toMatch(/app\.bsky\.actor\.getProfile.*1 not told apart/);
    expect(byId.get(LIVE)?.state).toBe('active');
    // One getProfile per missing account (FLAKY's 500 is not retried here), none for the others.
    expect(server.count('app.bsky.actor.getProfile')).toBe(4);
  });

  it('an account getProfiles missed but getProfile shows is active', async () => {
    const world = accountsWorld();
    server = await FakeBlueskyServer.start({ world });
    server.fail('app.bsky.actor.getProfiles', { type: 'malformed', mutate: () => ({ profiles: [] }) });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW });
    expect(pull.contacts.find((c) => c.id === LIVE)).toMatchObject({ state: 'active', handle: world.profiles.get(LIVE)?.handle });
  });

  it('reads the last post only of followed, active accounts out of their grace period and not seen posting', async () => {
    const world = accountsWorld();
    world.gone?.set(FLAKY, 'deleted');
    server = await FakeBlueskyServer.start({ world });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW });
    const byId = new Map(pull.contacts.map((c) => [c.id, c]));

    expect(byId.get(LIVE)?.lastPostAt).toBe('2026-11-20T10:00:00.000Z');
    // A backdated post counts from when it was written, a repost from when it was reposted.
    expect(byId.get(QUIET)?.lastPostAt).toBe('2025-03-01T10:00:00.000Z');
    expect(byId.get(REPOSTER)?.lastPostAt).toBe('2026-11-01T09:00:00.000Z');
    // Not asked: a follower you don't follow, an account followed 3 days ago, one that replied yesterday, gone ones.
    for (const did of [FAN, NEW, REPLIER, TAKEN, OFF, DELETED, FLAKY]) expect(byId.get(did)?.lastPostAt).toBeUndefined();
    expect(server.count('app.bsky.feed.getAuthorFeed')).toBe(3);
    expect(pull.problems).toEqual([]);
    expect(pull.requests).toBe(server.totalRequests);
  });

  it('a failing author feed leaves the last post unknown and says so; the pull stays complete', async () => {
    server = await FakeBlueskyServer.start({ world: accountsWorld() });
    server.fail('app.bsky.feed.getAuthorFeed', { type: 'status', status: 400, body: { error: 'InvalidRequest', message: 'nope' } });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW });
    expect(pull.contacts.filter((c) => c.lastPostAt !== undefined)).toHaveLength(2);
    expect(pull.problems.join('\n')).toMatch(/app\.bsky\.feed\.getAuthorFeed.*1 of 3 not read/);
    expect(pull.contactsCompleteness).toBe('complete');
  });
});

describe('Bluesky source: small readers', () => {
  it('keeps a plausible language tag, lower-cased, and drops junk and tags that name no language', () => {
    expect(languageTag('EN')).toBe('en');
    expect(languageTag(' pt-BR ')).toBe('pt-br');
    expect(languageTag('zh-Hant-TW')).toBe('zh-hant-tw');
    for (const junk of ['', 'e', 'english', '<b>', 'en_US', 'und', 'mul', 'x-klingon', 'en--us', 42, null, 'a'.repeat(40)]) expect(languageTag(junk)).toBeUndefined();
  });

  it('dates a feed item by the repost, or by the earlier of a post\'s two dates', () => {
    const post = (createdAt: string, indexedAt: string) => ({ post: { uri: 'at://did:plc:x/app.bsky.feed.post/1', indexedAt, record: { createdAt } } });
    expect(feedItemAt(post('2026-01-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'))).toBe('2026-01-01T00:00:00.000Z');
    // A createdAt in the future does not make the account look fresher than the server saw it.
    expect(feedItemAt(post('2099-01-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'))).toBe('2026-05-01T00:00:00.000Z');
    expect(feedItemAt(post('garbage', '2026-05-01T00:00:00.000Z'))).toBe('2026-05-01T00:00:00.000Z');
    expect(feedItemAt({ ...post('2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z'), reason: { $type: 'app.bsky.feed.defs#reasonRepost', indexedAt: '2026-06-01T00:00:00.000Z' } })).toBe('2026-06-01T00:00:00.000Z');
  });
});
