/**
 * A pull its signal stops (the run's time limit) hands back what it read as a
 * partial pull instead of throwing it away, with a cursor that skips nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SourcePull } from '../../../../shared/domain/model.ts';
import type { ProgressEvent } from '../../../../shared/ports/source.ts';
import { STOPPED_PROBLEM } from '../../../../shared/sources/stopped.ts';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { DEFAULT_SIZE, generatedNotification, scaledWorld } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions, pages } from './setup.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const HOUR = 3_600_000;

let server: FakeBlueskyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Aborts the signal at the first progress event of `phase`. */
function stopAt(phase: string): { signal: AbortSignal; onProgress: (e: ProgressEvent) => void } {
  const stop = new AbortController();
  return { signal: stop.signal, onProgress: (e) => (e.phase === phase ? stop.abort() : undefined) };
}

interface Cursor {
  notificationsSeenAt?: string;
  likesSince?: string;
  historySince?: string;
}

const cursorOf = (pull: SourcePull): Cursor => JSON.parse(pull.cursor ?? '{}') as Cursor;

describe('Bluesky source: stopped by its signal', () => {
  it('a first pull stopped in its notifications keeps them, and the next pull goes on from there', async () => {
    const world = scaledWorld(NOW.getTime());
    server = await FakeBlueskyServer.start({ world });
    const sessions = new MemorySessions();
    const pull = await makeSource(server, sessions).source.pull({ now: NOW, ...stopAt('notifications') });

    expect(SourcePull.safeParse(pull).success).toBe(true);
    expect(pull.problems).toEqual([STOPPED_PROBLEM]);
    expect(pull.interactionsCompleteness).toBe('partial');
    expect(pull.contactsCompleteness).toBe('failed');
    expect(pull.contacts).toEqual([]);
    const inbound = pull.interactions.filter((i) => i.direction === 'inbound');
    expect(inbound).toHaveLength(100);
    expect(server.count('app.bsky.notification.listNotifications')).toBe(1);
    expect(server.count('com.atproto.repo.listRecords')).toBe(0);
    expect(pull.requests).toBe(server.totalRequests);
    // Newest first: everything newer than the oldest notification read is there, so coverage starts there.
    const cursor = cursorOf(pull);
    expect(cursor.notificationsSeenAt).toBe(world.notifications[0]!.indexedAt);
    expect(cursor.historySince).toBe(world.notifications[99]!.indexedAt);
    expect(pull.historySince).toBe(cursor.historySince);
    // Own records were not read: their stop points stay unset, so the next pull reads them from the newest.
    expect(cursor.likesSince).toBeUndefined();

    server.resetCounts();
    const next = await makeSource(server, sessions).source.pull({ now: NOW, cursor: pull.cursor });
    expect(next.problems).toEqual([]);
    expect(next.contactsCompleteness).toBe('complete');
    expect(next.interactions.filter((i) => i.direction === 'outbound')).toHaveLength(DEFAULT_SIZE.likes + DEFAULT_SIZE.reposts + DEFAULT_SIZE.posts);
    expect(server.count('app.bsky.notification.listNotifications')).toBe(1);
    expect(server.count('com.atproto.server.createSession')).toBe(0);
  });

  it('a later pull stopped in its notifications keeps the old stop point, so the next one fills the gap', async () => {
    const world = scaledWorld(NOW.getTime());
    server = await FakeBlueskyServer.start({ world });
    const sessions = new MemorySessions();
    const first = await makeSource(server, sessions).source.pull({ now: NOW });
    const later = NOW.getTime() + 200 * HOUR;
    const fresh = Array.from({ length: 150 }, (_, k) => generatedNotification(later - (k + 1) * HOUR, 2000 + k, world));
    world.notifications.unshift(...fresh);

    const second = await makeSource(server, sessions).source.pull({ now: new Date(later), cursor: first.cursor, ...stopAt('notifications') });
    expect(second.interactionsCompleteness).toBe('partial');
    expect(second.problems).toContain(STOPPED_PROBLEM);
    expect(second.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(100);
    expect(cursorOf(second).notificationsSeenAt).toBe(cursorOf(first).notificationsSeenAt);
    expect(cursorOf(second).historySince).toBe(cursorOf(first).historySince);

    const third = await makeSource(server, sessions).source.pull({ now: new Date(later), cursor: second.cursor });
    const ids = new Set(third.interactions.filter((i) => i.direction === 'inbound').map((i) => i.id));
    for (const n of fresh) expect(ids).toContain(`${n.uri}#${n.reason}`);
    expect(third.interactionsCompleteness).toBe('complete');
  });

  it('a pull stopped in the contact lists keeps its interactions and the contacts read, marked partial', async () => {
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime()) });
    const pull = await makeSource(server, new MemorySessions()).source.pull({ now: NOW, ...stopAt('followers') });
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.contacts.length).toBe(100);
    expect(pull.problems).toEqual([STOPPED_PROBLEM]);
    expect(server.count('app.bsky.graph.getFollowers')).toBe(1);
    expect(server.count('app.bsky.notification.listNotifications')).toBe(pages(DEFAULT_SIZE.notifications));
    expect(cursorOf(pull).notificationsSeenAt).toBeDefined();
    expect(cursorOf(pull).likesSince).toBeDefined();
  });

  it('a pull stopped before it could sign in fails without blaming the credentials', async () => {
    server = await FakeBlueskyServer.start({ world: scaledWorld(NOW.getTime()) });
    const error = await makeSource(server, new MemorySessions())
      .source.pull({ now: NOW, signal: AbortSignal.abort() })
      .then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    expect(error?.message).toMatch(/aborted/);
    expect(error?.message).not.toMatch(/app password/);
  });
});
