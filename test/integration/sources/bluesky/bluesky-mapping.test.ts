import { afterEach, describe, expect, it } from 'vitest';
import { SourcePull } from '../../../../shared/domain/model.ts';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { OWNER, sampleWorld, tid } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const ALICE = 'did:plc:alice22222222222222222222';
const BOB = 'did:plc:bob2222222222222222222222';
const CAROL = 'did:plc:carol222222222222222222222';
const DAVE = 'did:plc:dave2222222222222222222222';
const ERIN = 'did:plc:erin2222222222222222222222';
const FRANK = 'did:plc:frank222222222222222222222';
const GINA = 'did:plc:gina2222222222222222222222';
const GONE = 'did:plc:gone2222222222222222222222';

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function pullSamples() {
  const world = sampleWorld();
  world.followers = [ALICE, BOB, CAROL];
  world.follows = [BOB, DAVE];
  // Dave is followed since a known date; Gone is followed but its account no longer exists.
  const daveAt = Date.parse('2026-03-01T12:00:00.000Z');
  const goneAt = Date.parse('2026-02-01T12:00:00.000Z');
  const bobAt = Date.parse('2025-12-01T12:00:00.000Z');
  world.records.set('app.bsky.graph.follow', [
    { uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(daveAt)}`, cid: 'c1', value: { $type: 'app.bsky.graph.follow', subject: DAVE, createdAt: new Date(daveAt).toISOString() } },
    { uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(goneAt)}`, cid: 'c2', value: { $type: 'app.bsky.graph.follow', subject: GONE, createdAt: new Date(goneAt).toISOString() } },
    { uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(bobAt)}`, cid: 'c3', value: { $type: 'app.bsky.graph.follow', subject: BOB, createdAt: new Date(bobAt).toISOString() } },
  ]);
  const bob = world.profiles.get(BOB);
  if (bob) bob.labels = [{ val: '!takedown' }, { val: 'spam' }, { val: 'spam', neg: true }];
  server = await FakeBlueskyServer.start({ world });
  const { source } = makeSource(server, new MemorySessions());
  return source.pull({ now: NOW });
}

describe('Bluesky source: mapping', () => {
  it('maps every notification reason to its inbound kind, with text and post links, and drops non-engagement reasons', async () => {
    const pull = await pullSamples();
    const inbound = pull.interactions.filter((i) => i.direction === 'inbound');
    const byContact = new Map(inbound.map((i) => [i.contactId, i]));
    expect(byContact.get(ALICE)).toMatchObject({ kind: 'like', at: '2026-11-20T10:00:01.000Z', postUrl: `https://bsky.app/profile/${OWNER.did}/post/3lbkpzzzzzz2a` });
    expect(byContact.get(BOB)).toMatchObject({ kind: 'repost', postUrl: `https://bsky.app/profile/${OWNER.did}/post/3lbkpzzzzzz2a` });
    expect(byContact.get(CAROL)).toMatchObject({ kind: 'follow' });
    expect(byContact.get(CAROL)?.postUrl).toBeUndefined();
    expect(byContact.get(DAVE)).toMatchObject({ kind: 'mention', text: 'hey @owner.test <b>look</b>', postUrl: `https://bsky.app/profile/${DAVE}/post/3lbkq2vd5od2a` });
    expect(byContact.get(ERIN)).toMatchObject({ kind: 'reply', text: 'great thread, thanks!', postUrl: `https://bsky.app/profile/${ERIN}/post/3lbkq2vd5oe2a` });
    expect(byContact.get(FRANK)).toMatchObject({ kind: 'quote', text: 'this is wrong' });
    expect(byContact.get(GINA)).toMatchObject({ kind: 'like' });
    expect(inbound).toHaveLength(7); // starterpack-joined is not engagement
    // The post's first language tag, lower-cased; an implausible one is left out, and likes carry none.
    expect(byContact.get(DAVE)?.lang).toBe('en');
    expect(byContact.get(ERIN)?.lang).toBe('pt-br');
    expect(byContact.get(FRANK)?.lang).toBeUndefined();
    expect(byContact.get(ALICE)?.lang).toBeUndefined();
    expect(new Set(inbound.map((i) => i.id)).size).toBe(inbound.length);
  });

  it('maps own likes, reposts, replies, quotes and mentions to outbound kinds and ignores what targets the owner', async () => {
    const pull = await pullSamples();
    const outbound = pull.interactions.filter((i) => i.direction === 'outbound').map((i) => `${i.kind}:${i.contactId}`);
    expect(outbound.sort()).toEqual(
      [
        `like:${ALICE}`,
        `repost:${BOB}`,
        `quote:${DAVE}`, // app.bsky.embed.recordWithMedia
        `mention:${ERIN}`,
        `mention:${CAROL}`,
        `quote:${CAROL}`,
        `reply:${BOB}`, // the mention of Bob in the same reply is not counted twice
      ].sort(),
    );
    const reply = pull.interactions.find((i) => i.kind === 'reply' && i.direction === 'outbound');
    expect(reply).toMatchObject({ at: '2026-11-21T03:00:00.000Z', text: '@bob.test agreed', postUrl: `https://bsky.app/profile/${OWNER.did}/post/3lbkr2222224a` });
  });

  it('merges followers and follows into relations, dates follows from the follow records and reads state from labels and profiles', async () => {
    const pull = await pullSamples();
    expect(() => SourcePull.parse(pull)).not.toThrow();
    const byId = new Map(pull.contacts.map((c) => [c.id, c]));
    expect(byId.get(ALICE)?.relation).toBe('follower');
    expect(byId.get(BOB)?.relation).toBe('mutual');
    expect(byId.get(DAVE)?.relation).toBe('following');
    expect(byId.get(DAVE)?.followedAt).toBe('2026-03-01T12:00:00.000Z');
    expect(byId.get(BOB)?.followedAt).toBe('2025-12-01T12:00:00.000Z');
    expect(byId.get(ALICE)?.followedAt).toBeUndefined();
    expect(byId.get(CAROL)?.followerSince).toBe('2026-11-20T08:00:01.000Z');
    expect(byId.get(BOB)).toMatchObject({ state: 'suspended', labels: ['!takedown'] });
    expect(byId.get(GONE)).toMatchObject({ relation: 'following', state: 'deleted', followedAt: '2026-02-01T12:00:00.000Z' });
    expect(byId.get(ALICE)).toMatchObject({
      handle: 'alice.test',
      displayName: 'Alice',
      profileUrl: 'https://bsky.app/profile/alice.test',
      state: 'active',
      postsCount: 10,
      followersCount: 5,
      followingCount: 7,
    });
    expect(byId.has(OWNER.did)).toBe(false);
    expect(pull).toMatchObject({ contactsCompleteness: 'complete', interactionsCompleteness: 'complete', owner: { id: OWNER.did, handle: OWNER.handle }, platform: 'bluesky' });
  });
});
