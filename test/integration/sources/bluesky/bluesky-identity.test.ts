import { afterEach, describe, expect, it } from 'vitest';
import { DidDocument, pdsEndpoint } from '../../../../shared/sources/bluesky/identity.ts';
import { didDoc, FakeBlueskyServer, FakeWebHost, hostsFetch } from '../../../helpers/bluesky-server.ts';
import { emptyWorld, OWNER, scaledWorld } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const PLC_PATH = `/${OWNER.did}`;
const SMALL = { followers: 30, follows: 20, mutual: 10, notifications: 40, likes: 20, reposts: 5, posts: 10 };

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
async function track<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const started = await server;
  running.push(started);
  return started;
}

describe('Bluesky source: where the account lives', () => {
  it('signs in and reads the own repo at the PDS the DID document names, not at the configured entryway', async () => {
    const pds = await track(FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime(), SMALL) }));
    // The entryway resolves the handle and plays the PLC directory, but does not host the account.
    const entryWorld = { ...emptyWorld(), hosted: false, didDocs: new Map([[OWNER.did, didDoc(OWNER.did, OWNER.handle, pds.url)]]) };
    const entryway = await track(FakeBlueskyServer.start({ world: entryWorld }));
    const sessions = new MemorySessions();
    const source = () => makeSource(pds, sessions, { serviceUrl: entryway.url, plcUrl: entryway.url }).source;

    const pull = await source().pull({ now: NOW });
    expect(pull.problems).toEqual([]);
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.contacts).toHaveLength(SMALL.followers + SMALL.follows - SMALL.mutual);
    expect(Object.fromEntries(entryway.counts)).toEqual({ 'com.atproto.identity.resolveHandle': 1, [PLC_PATH]: 1 });
    expect(pds.count('com.atproto.server.createSession')).toBe(1);
    expect(pds.count('com.atproto.repo.listRecords')).toBe(4);
    // The tokens never travel to the entryway.
    expect(entryway.seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(pull.requests).toBe(entryway.totalRequests + pds.totalRequests);

    // With a stored session the DID is known: only the DID document is read again (the PDS may have moved).
    entryway.resetCounts();
    pds.resetCounts();
    const second = await source().pull({ now: NOW, cursor: pull.cursor });
    expect(Object.fromEntries(entryway.counts)).toEqual({ [PLC_PATH]: 1 });
    expect(pds.count('com.atproto.server.createSession')).toBe(0);
    expect(second.problems).toEqual([]);
  });

  it('finds a did:web account from https://<domain>/.well-known/did.json, without the PLC directory', async () => {
    const did = 'did:web:owner.test';
    const world = emptyWorld();
    world.account = { ...OWNER, did };
    const server = await track(FakeBlueskyServer.start({ world }));
    const web = await track(FakeWebHost.start({ '/.well-known/did.json': { type: 'application/json', body: JSON.stringify(didDoc(did, OWNER.handle, server.url)) } }));
    const pull = await makeSource(server, new MemorySessions(), { http: { fetch: hostsFetch({ 'owner.test': web.url }) } }).source.pull({ now: NOW });
    expect(pull.owner.id).toBe(did);
    expect(pull.problems).toEqual([]);
    expect(web.counts.get('/.well-known/did.json')).toBe(1);
    expect([...server.counts.keys()].some((route) => route.startsWith('/did:'))).toBe(false);
    expect(pull.requests).toBe(server.totalRequests + 1);
  });

  it('falls back to https://<handle>/.well-known/atproto-did when the service cannot resolve the handle', async () => {
    const server = await track(FakeBlueskyServer.start({ world: emptyWorld() }));
    server.fail('com.atproto.identity.resolveHandle', { type: 'status', status: 400, body: { error: 'HandleNotFound', message: 'Unable to resolve handle' } });
    const web = await track(FakeWebHost.start({ '/.well-known/atproto-did': { type: 'text/plain', body: `${OWNER.did}\n` } }));
    const pull = await makeSource(server, new MemorySessions(), { http: { fetch: hostsFetch({ 'owner.test': web.url }) } }).source.pull({ now: NOW });
    expect(pull.problems).toEqual([]);
    expect(web.counts.get('/.well-known/atproto-did')).toBe(1);
    expect(server.count(PLC_PATH)).toBe(1);
    expect(pull.requests).toBe(server.totalRequests + 1);
  });

  it('signs in at the configured service and says why when the DID document cannot be read', async () => {
    const server = await track(FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime(), SMALL) }));
    server.fail(PLC_PATH, { type: 'status', status: 404, body: { message: `DID not registered: ${OWNER.did}` } });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW });
    expect(pull.problems).toHaveLength(1);
    expect(pull.problems[0]).toMatch(new RegExp(`could not read the DID document of ${OWNER.did}, signed in at ${server.url}.*HTTP 404`));
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.interactionsCompleteness).toBe('complete');
  });

  it('signs in at the configured service and says why when the handle resolves nowhere', async () => {
    const server = await track(FakeBlueskyServer.start({ world: emptyWorld() }));
    server.fail('com.atproto.identity.resolveHandle', { type: 'status', status: 400, body: { error: 'HandleNotFound', message: 'Unable to resolve handle' } });
    const pull = await makeSource(server, new MemorySessions(), { http: { fetch: hostsFetch({}) } }).source.pull({ now: NOW });
    expect(pull.problems.join('\n')).toMatch(/could not locate the account's PDS.*resolveHandle.*HandleNotFound.*atproto-did: fetch failed/);
    expect(pull.owner.id).toBe(OWNER.did);
  });
});

describe('reading a DID document', () => {
  const did = 'did:plc:abc234567abc234567abc234';
  it('takes the #atproto_pds service, in either id form, as an origin', () => {
    expect(pdsEndpoint(DidDocument.parse(didDoc(did, 'a.test', 'https://pds.example.com/')), did)).toEqual({ ok: true, url: 'https://pds.example.com' });
    const long = { id: did, service: [{ id: `${did}#atproto_pds`, type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://pds.example.com' }] };
    expect(pdsEndpoint(long, did)).toEqual({ ok: true, url: 'https://pds.example.com' });
  });

  it('refuses a document of another DID, one without a PDS, and endpoints that are not http(s) URLs', () => {
    expect(pdsEndpoint(DidDocument.parse(didDoc('did:plc:other', 'a.test', 'https://pds.example.com')), did)).toMatchObject({ ok: false, problem: expect.stringMatching(/not did:plc:abc/) });
    expect(pdsEndpoint({ id: did, service: [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: 'https://x' }] }, did)).toMatchObject({ ok: false });
    for (const endpoint of ['javascript:alert(1)', 'not a url', { uri: 'https://x' }, 'https://user:pw@pds.example.com']) {
      expect(pdsEndpoint({ id: did, service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: endpoint }] }, did).ok).toBe(false);
    }
  });
});
