import { afterEach, describe, expect, it } from 'vitest';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { scaledWorld } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions, storedSession } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const SIZE = { followers: 150, follows: 50, mutual: 10, notifications: 120, likes: 20, reposts: 5, posts: 10 };

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<FakeBlueskyServer> {
  server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime(), SIZE) });
  return server;
}

describe('Bluesky source: failures', () => {
  it('retries 429 (Retry-After and RateLimit-Reset), 500, a dropped connection and a truncated body, and completes', async () => {
    const srv = await start();
    srv.fail('app.bsky.graph.getFollowers', { type: 'rate-limit', retryAfter: '7' }, { type: 'status', status: 500 });
    srv.fail('app.bsky.notification.listNotifications', { type: 'drop' }, { type: 'truncate' }, { type: 'rate-limit', resetInSec: 30 });
    const { source, waits } = makeSource(srv, new MemorySessions());
    const pull = await source.pull({ now: NOW });

    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.problems).toEqual([]);
    expect(pull.contacts).toHaveLength(SIZE.followers + SIZE.follows - SIZE.mutual);
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(SIZE.notifications);
    expect(srv.count('app.bsky.graph.getFollowers')).toBe(2 + 2);
    expect(srv.count('app.bsky.notification.listNotifications')).toBe(3 + 2);
    expect(waits).toContain(7_000);
    expect(waits.some((w) => w > 25_000 && w <= 31_000)).toBe(true);
    expect(pull.requests).toBe(srv.totalRequests);
  });

  it('a malformed payload makes that part partial with a problem naming the endpoint and the field, and keeps the rest', async () => {
    const srv = await start();
    srv.fail('app.bsky.graph.getFollows', {
      type: 'malformed',
      mutate: (body) => ({ ...body, follows: (body['follows'] as Record<string, unknown>[]).map((f, i) => (i === 3 ? { ...f, handle: 42 } : f)) }),
    });
    const pull = await makeSource(srv, new MemorySessions()).source.pull({ now: NOW });
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.interactionsCompleteness).toBe('complete');
    const problem = pull.problems.find((p) => p.includes('getFollows'));
    expect(problem).toMatch(/GET \/xrpc\/app\.bsky\.graph\.getFollows: follows\[3\]\.handle/);
    expect(pull.contacts.filter((c) => c.relation === 'follower').length).toBeGreaterThan(0);
  });

  it('a failing notifications endpoint leaves inbound partial and keeps the old stop point so nothing is skipped next time', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    const first = await makeSource(srv, sessions).source.pull({ now: NOW });
    const firstCursor = JSON.parse(first.cursor ?? '{}') as { notificationsSeenAt?: string };
    srv.fail('app.bsky.notification.listNotifications', { type: 'status', status: 400, body: { error: 'InvalidRequest', message: 'nope' } });
    const second = await makeSource(srv, sessions).source.pull({ now: NOW, cursor: first.cursor });
    expect(second.interactionsCompleteness).toBe('partial');
    expect(second.problems.join('\n')).toMatch(/GET \/xrpc\/app\.bsky\.notification\.listNotifications: HTTP 400 \(InvalidRequest: nope\)/);
    const secondCursor = JSON.parse(second.cursor ?? '{}') as { notificationsSeenAt?: string };
    expect(secondCursor.notificationsSeenAt).toBe(firstCursor.notificationsSeenAt);
  });

  it('errors and problems never contain the app password or a token', async () => {
    const srv = await start();
    const sessions = new MemorySessions();
    // Exhaust retries with 500s that echo the Authorization header back.
    const echo = { type: 'echo-authorization' as const };
    srv.fail('app.bsky.notification.listNotifications', echo, echo, echo, echo, echo, echo);
    const { source } = makeSource(srv, sessions);
    const pull = await source.pull({ now: NOW });
    const text = JSON.stringify(pull.problems);
    expect(pull.problems.join('\n')).toMatch(/listNotifications: HTTP 500 \(InternalServerError: upstream refused \[redacted\]\) \(gave up after 6 attempts\)/);
    expect(pull.interactionsCompleteness).toBe('partial');
    const session = storedSession(sessions)!;
    for (const secret of [srv.world.account.password, session.accessJwt, session.refreshJwt]) expect(text).not.toContain(secret);
    expect(JSON.stringify(pull)).not.toContain(session.accessJwt);
  });

  it('a corrupt cursor is reported and the pull backfills like a first pull', async () => {
    const srv = await start();
    const pull = await makeSource(srv, new MemorySessions()).source.pull({ now: NOW, cursor: '{"v":2}' });
    expect(pull.problems.join('\n')).toMatch(/stored cursor is invalid \(v: /);
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(SIZE.notifications);
    expect(JSON.parse(pull.cursor ?? '{}')).toMatchObject({ v: 1 });
  });
});
