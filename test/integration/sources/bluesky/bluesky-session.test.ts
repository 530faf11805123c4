import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../../shared/ports/source.ts';
import { sealSession } from '../../../../shared/sources/bluesky/session.ts';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { OWNER, sampleWorld } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions, SESSION_KEY as KEY, storedSession } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(createSessionLimit?: number): Promise<FakeBlueskyServer> {
  server = await FakeBlueskyServer.start({ world: sampleWorld(), ...(createSessionLimit !== undefined ? { createSessionLimit } : {}) });
  return server;
}

function stored(sessions: MemorySessions): { accessJwt: string; refreshJwt: string; did: string } {
  const session = storedSession(sessions);
  if (!session) throw new Error('no stored session');
  return session;
}

describe('Bluesky source: session', () => {
  it('signs in once and reuses the stored session on the next pull', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    await makeSource(srv, sessions).source.pull({ now: NOW });
    await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
    expect(stored(sessions).did).toBe(OWNER.did);
  });

  it('an expired access token is refreshed, not re-created, and the rotated pair is stored', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    await makeSource(srv, sessions).source.pull({ now: NOW });
    const before = stored(sessions);
    srv.expireAccessTokens();
    const pull = await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
    expect(srv.count('com.atproto.server.refreshSession')).toBe(1);
    expect(pull.interactionsCompleteness).toBe('complete');
    const after = stored(sessions);
    expect(after.accessJwt).not.toBe(before.accessJwt);
    expect(after.refreshJwt).not.toBe(before.refreshJwt);
    // refreshSession takes no input: a body would be refused by a real PDS.
    expect(srv.seen.filter((r) => r.route === 'com.atproto.server.refreshSession').map((r) => r.body)).toEqual(['']);
  });

  it('when the refresh token is dead too, signs in again exactly once', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    await makeSource(srv, sessions).source.pull({ now: NOW });
    srv.expireAccessTokens();
    srv.expireRefreshTokens();
    const pull = await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.refreshSession')).toBe(1);
    expect(srv.count('com.atproto.server.createSession')).toBe(2);
    expect(pull.contactsCompleteness).toBe('complete');
  });

  it('a corrupt stored session is replaced by a new sign-in and reported', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    sessions.values.set(KEY, '{"did": 42');
    const pull = await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
    expect(pull.problems.join('\n')).toMatch(/stored session was unreadable/);
    expect(stored(sessions).did).toBe(OWNER.did);
  });

  it('a wrong app password fails the pull with a SourceError that names what to check and not the password', async () => {
    const srv = await start();
    const wrong = 'zzzz-yyyy-xxxx-wwww';
    const { source } = makeSource(srv, new MemorySessions(), { appPassword: wrong });
    const error = await source.pull({ now: NOW }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SourceError);
    const message = (error as Error).message;
    expect(message).toMatch(/check the handle and the app password/);
    expect(message).toMatch(/com\.atproto\.server\.createSession/);
    expect(message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
  });

  it('a createSession rate limit fails the pull with a clear error instead of hammering sign-in', async () => {
    const srv = await start(1);
    await makeSource(srv, new MemorySessions()).source.pull({ now: NOW });
    // A fresh session store forces a second sign-in inside the same 5-minute window.
    const error = await makeSource(srv, new MemorySessions(), { http: { maxRateLimitWaitMs: 60_000 } })
      .source.pull({ now: NOW })
      .then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    expect(error).toBeInstanceOf(SourceError);
    expect(error?.message).toMatch(/HTTP 429/);
    expect(error?.message).not.toContain(OWNER.password);
    expect(srv.count('com.atproto.server.createSession')).toBe(2);
  });

  it('no token travels to a separately configured AppView, and the password goes only to createSession', async () => {
    const srv = await start();
    const appWorld = sampleWorld();
    appWorld.followers = [...appWorld.profiles.keys()].filter((did) => did !== OWNER.did);
    const appView = await FakeBlueskyServer.start({ world: appWorld });
    try {
      const sessions = new MemorySessions();
      const pull = await makeSource(srv, sessions, { appViewUrl: appView.url }).source.pull({ now: NOW });
      expect(pull.contactsCompleteness).toBe('complete');
      expect(appView.count('app.bsky.graph.getFollowers')).toBe(1);
      expect(appView.count('app.bsky.actor.getProfiles')).toBe(1);
      expect(pull.contacts).toHaveLength(appWorld.followers.length);
      expect(appView.seen.every((r) => r.authorization === undefined)).toBe(true);
      expect(srv.count('app.bsky.graph.getFollowers')).toBe(0);
      const withPassword = [...srv.seen, ...appView.seen].filter((r) => r.body.includes(OWNER.password) || (r.authorization ?? '').includes(OWNER.password));
      expect(withPassword.map((r) => r.route)).toEqual(['com.atproto.server.createSession']);
      expect(pull.requests).toBe(srv.totalRequests + appView.totalRequests);
    } finally {
      await appView.close();
    }
  });

  it('stores the session sealed: neither token is in the stored value, and it is still reused', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    await makeSource(srv, sessions).source.pull({ now: NOW });
    await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
    const raw = sessions.values.get(KEY) ?? '';
    expect(raw).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const session = stored(sessions);
    for (const secret of [session.accessJwt, session.refreshJwt, OWNER.password]) expect(raw).not.toContain(secret);
    // Every token the server issued, not just the last pair.
    for (const seen of srv.seen) {
      const token = /^Bearer (.+)$/.exec(seen.authorization ?? '')?.[1];
      if (token) expect(raw).not.toContain(token);
    }
    expect(raw).not.toContain(OWNER.did);
  });

  it('a session sealed with another app password is treated as missing: one new sign-in, reported', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    await makeSource(srv, sessions).source.pull({ now: NOW });
    sessions.values.set(KEY, sealSession(JSON.stringify(stored(sessions)), 'old-pass-word-1234', KEY));
    const pull = await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(2);
    expect(pull.problems.join('\n')).toMatch(/stored session could not be decrypted/);
    expect(pull.problems.join('\n')).not.toContain('old-pass-word-1234');
    expect(stored(sessions).did).toBe(OWNER.did);
  });

  it('a plaintext session left by an older version is not reused: one new sign-in stores it sealed', async () => {
    const srv = await start();
    const first = new MemorySessions();
    await makeSource(srv, first).source.pull({ now: NOW });
    const sessions = new MemorySessions();
    sessions.values.set(KEY, JSON.stringify(stored(first)));
    const pull = await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(2);
    expect(pull.problems).toEqual([]);
    expect(sessions.values.get(KEY)).toMatch(/^v1:/);
    await makeSource(srv, sessions).source.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(2);
  });

  it('two accounts under the same source id never share a session item; the handle is matched case-insensitively', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    const mine = makeSource(srv, sessions).source;
    const other = makeSource(srv, sessions, { handle: 'Someone.Else.test' }).source;
    expect(mine.sessionKey).toBe(`bluesky:bsky:${OWNER.handle}`);
    expect(other.sessionKey).toBe('bluesky:bsky:someone.else.test');
    expect(other.sessionKey).not.toBe(mine.sessionKey);
    await mine.pull({ now: NOW });
    expect([...sessions.values.keys()]).toEqual([mine.sessionKey]);
    const shouting = makeSource(srv, sessions, { handle: OWNER.handle.toUpperCase() }).source;
    expect(shouting.sessionKey).toBe(mine.sessionKey);
    await shouting.pull({ now: NOW });
    expect(srv.count('com.atproto.server.createSession')).toBe(1);
  });
});
