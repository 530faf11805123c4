import { afterEach, describe, expect, it } from 'vitest';
import { BlueskyActor } from '../../../shared/sources/bluesky/bluesky-actor.ts';
import { FakeBlueskyServer, type FakeNotification } from '../../helpers/bluesky-server.ts';
import { actorDid, emptyWorld, OWNER, tid } from '../../fixtures/bluesky/world.ts';
import { MemorySessions } from '../sources/bluesky/setup.ts';

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ALICE = actorDid(1);
const BOB = actorDid(2);
const GONE = actorDid(3);

async function start(canWrite = true): Promise<{ actor: BlueskyActor; server: FakeBlueskyServer }> {
  const world = emptyWorld();
  world.canWrite = canWrite;
  for (const [did, handle] of [[ALICE, 'alice.test'], [BOB, 'bob.test'], [GONE, 'gone.test']] as const) world.profiles.set(did, { did, handle });
  world.gone = new Map([[GONE, 'deleted']]);
  const at = Date.parse('2026-10-01T00:00:00Z');
  world.records.set('app.bsky.graph.follow', [{ uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(at)}`, cid: 'bafyf1', value: { $type: 'app.bsky.graph.follow', subject: ALICE, createdAt: new Date(at).toISOString() } }]);
  world.follows = [ALICE];
  world.followers = [BOB];
  server = await FakeBlueskyServer.start({ world });
  const actor = new BlueskyActor({ sourceId: 'bsky', serviceUrl: server.url, handle: OWNER.handle, appPassword: OWNER.password, sessions: new MemorySessions(), http: { sleep: async () => {}, random: () => 0.5 } });
  return { actor, server };
}

function note(author: string, reason: string, indexedAt: string): FakeNotification {
  return { uri: `at://${author}/app.bsky.feed.like/${tid(Date.parse(indexedAt))}`, cid: 'bafyn', author: { did: author, handle: 'x.test' }, reason, record: {}, isRead: false, indexedAt };
}

describe('BlueskyActor against the local PDS', () => {
  it('unfollow deletes your follow record of that DID, found with listRecords; the answer names the record', async () => {
    const { actor, server } = await start();
    const result = await actor.unfollow({ id: ALICE, handle: 'alice.test' });
    expect(result.outcome).toBe('done');
    expect(result.answer).toMatchObject({ status: 200 });
    expect(result.answer.summary).toMatch(/^deleted at:\/\/did:plc:owner.*\/app\.bsky\.graph\.follow\//);
    expect(server.world.follows).toEqual([]);
    expect(server.world.records.get('app.bsky.graph.follow')).toEqual([]);
    const again = await actor.unfollow({ id: ALICE, handle: 'alice.test' });
    expect(again.outcome).toBe('already');
  });

  it('follow creates an app.bsky.graph.follow record once; a second follow sends nothing', async () => {
    const { actor, server } = await start();
    const result = await actor.follow({ id: BOB, handle: 'bob.test' });
    expect(result.outcome).toBe('done');
    expect(result.answer.summary).toMatch(/^created at:\/\//);
    expect(server.world.follows).toContain(BOB);
    const created = server.seen.filter((s) => s.route === 'com.atproto.repo.createRecord');
    expect(JSON.parse(created[0]!.body)).toMatchObject({ repo: OWNER.did, collection: 'app.bsky.graph.follow', record: { $type: 'app.bsky.graph.follow', subject: BOB } });
    expect((await actor.follow({ id: BOB, handle: 'bob.test' })).outcome).toBe('already');
    expect(server.count('com.atproto.repo.createRecord')).toBe(1);
  });

  it('a session without write access gets 403: refused, the follow stays, no secret in the answer', async () => {
    const { actor, server } = await start(false);
    const result = await actor.unfollow({ id: ALICE, handle: 'alice.test' });
    expect(result.outcome).toBe('refused');
    expect(result.answer.status).toBe(403);
    expect(result.answer.summary).not.toContain(OWNER.password);
    expect(result.answer.summary).not.toMatch(/acc\.\d+\./);
    expect(server.world.follows).toEqual([ALICE]);
  });

  it('the fresh look sees a gone account, the follow, and engagement after the report only', async () => {
    const { actor, server } = await start();
    expect((await actor.look({ id: GONE, handle: 'gone.test' }, '2026-11-23T08:00:00Z')).gone).toBe(true);
    server.world.notifications = [note(BOB, 'like', '2026-11-24T10:00:00.000Z'), note(ALICE, 'like', '2026-11-20T10:00:00.000Z')];
    const quiet = await actor.look({ id: ALICE, handle: 'alice.test' }, '2026-11-23T08:00:00Z');
    expect(quiet).toMatchObject({ following: true, gone: false });
    expect(quiet.inboundSince).toBeUndefined();
    server.world.notifications.unshift(note(ALICE, 'reply', '2026-11-24T12:00:00.000Z'));
    expect((await actor.look({ id: ALICE, handle: 'alice.test' }, '2026-11-23T08:00:00Z')).inboundSince).toBe('2026-11-24T12:00:00.000Z');
    expect((await actor.look({ id: BOB, handle: 'bob.test' }, '2026-11-23T08:00:00Z')).following).toBe(false);
  });
});
