/**
 * Issue 20: sparing last-post requests must not change a verdict. A table of
 * accounts, each changing in its own way between runs (posting, reposting
 * without a new post, deleting, going away and coming back, leaving its grace,
 * crossing inactiveDays, unfollowed), pulled whole and in steps, with the
 * saving and without it: after every run the inactive_account rule gives each
 * contact the same verdict and evidence on every path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../shared/config/load-config.ts';
import type { TrackedContact } from '../../../../shared/domain/analysis-types.ts';
import { inactiveAccount } from '../../../../shared/domain/rules/inactive-account.ts';
import type { ContactContext } from '../../../../shared/domain/rules/rule.ts';
import { FakeBlueskyServer, type BlueskyWorld } from '../../../helpers/bluesky-server.ts';
import { actorDid, emptyWorld, OWNER, tid } from '../../../fixtures/bluesky/world.ts';
import { AUTHOR_FEED, newPath, runOnce, type RunPath, type RunResult } from './repeat-harness.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T09:00:00.000Z');
const RUNS = [T0, T0 + 7 * DAY, T0 + 14 * DAY, T0 + 21 * DAY].map((ms) => new Date(ms));
const ago = (days: number, from = T0): string => new Date(from - days * DAY).toISOString();

interface Row {
  name: string;
  /** Days before T0 the account last posted; undefined: an empty feed. */
  lastPost?: number;
  posts: number;
  followedDaysAgo?: number;
  follower?: boolean;
  /** What happens just before run 1, 2, 3 (index 0 is before run 1). */
  changes?: Partial<Record<0 | 1 | 2, (w: BlueskyWorld, did: string, at: number) => void>>;
}

const repost = (w: BlueskyWorld, did: string, at: number): void => void w.lastPosts?.set(did, { at: new Date(at - DAY).toISOString(), repost: true, createdAt: ago(400) });
const postNow = (w: BlueskyWorld, did: string, at: number): void => {
  const p = w.profiles.get(did);
  if (p) p.postsCount = (p.postsCount ?? 0) + 1;
  w.lastPosts?.set(did, { at: new Date(at - DAY).toISOString() });
};

const ROWS: Row[] = [
  { name: 'recent, nothing changes', lastPost: 30, posts: 40 },
  { name: 'inactive, nothing changes', lastPost: 200, posts: 40 },
  { name: 'inactive, then reposts (same post count)', lastPost: 200, posts: 40, changes: { 0: repost } },
  { name: 'recent, then reposts (same post count)', lastPost: 30, posts: 40, changes: { 1: repost } },
  { name: 'recent, then posts', lastPost: 30, posts: 40, changes: { 0: postNow } },
  { name: 'inactive, then posts', lastPost: 200, posts: 40, changes: { 1: postNow } },
  { name: 'empty feed, nothing changes', posts: 0 },
  { name: 'empty feed, then posts', posts: 0, changes: { 0: postNow } },
  { name: 'empty feed, then reposts only', posts: 0, changes: { 1: repost } },
  { name: 'in its grace at first, inactive', lastPost: 300, posts: 3, followedDaysAgo: 5 },
  { name: 'recent, crosses inactiveDays between runs', lastPost: 176, posts: 9 },
  {
    name: 'recent, deletes its newest post',
    lastPost: 30,
    posts: 40,
    changes: {
      0: (w, did) => {
        const p = w.profiles.get(did);
        if (p) p.postsCount = 39;
        w.lastPosts?.set(did, { at: ago(250) });
      },
    },
  },
  {
    name: 'recent, deactivated, then back',
    lastPost: 30,
    posts: 40,
    changes: {
      0: (w, did) => void (w.gone = new Map([...(w.gone ?? []), [did, 'deactivated']])),
      1: (w, did) => void w.gone?.delete(did),
    },
  },
  { name: 'taken down, inactive', lastPost: 200, posts: 40, changes: { 1: (w, did) => void (w.gone = new Map([...(w.gone ?? []), [did, 'takedown']])) } },
  {
    name: 'mutual, inactive, then unfollowed (a follower only)',
    lastPost: 200,
    posts: 40,
    follower: true,
    changes: {
      0: (w, did) => {
        w.follows = w.follows.filter((d) => d !== did);
        w.records.set('app.bsky.graph.follow', (w.records.get('app.bsky.graph.follow') ?? []).filter((r) => (r.value as { subject: string }).subject !== did));
      },
    },
  },
  { name: 'follower only, inactive', lastPost: 200, posts: 40, follower: true, followedDaysAgo: -1 },
];

function tableWorld(): BlueskyWorld {
  const w = emptyWorld();
  w.lastPosts = new Map();
  const records: { uri: string; cid: string; value: unknown }[] = [];
  ROWS.forEach((row, i) => {
    const did = actorDid(i);
    w.profiles.set(did, { did, handle: `row${i}.test`, displayName: row.name, postsCount: row.posts });
    if (row.lastPost !== undefined) w.lastPosts?.set(did, { at: ago(row.lastPost) });
    if (row.follower === true) w.followers.push(did);
    if (row.followedDaysAgo === -1) return;
    w.follows.push(did);
    const at = T0 - (row.followedDaysAgo ?? 60 + i) * DAY;
    records.push({ uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(at, i)}`, cid: `bafyfollow${i}`, value: { $type: 'app.bsky.graph.follow', subject: did, createdAt: new Date(at).toISOString() } });
  });
  // Newest record first, like the PDS.
  w.records.set('app.bsky.graph.follow', records.sort((a, b) => (a.uri < b.uri ? 1 : -1)));
  return w;
}

const policy = parseConfig({ profiles: [{ id: 'p', sources: [{ type: 'file', id: 'f', path: 'x.json' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' } }] }, 'verdicts test').profiles[0]!.policy;

function verdicts(run: RunResult, nowMs: number): Record<string, unknown> {
  // The rows are named by their display names (a gone account keeps its last known one).
  const byName = (c: TrackedContact): string => (c.displayName === '' ? c.id : c.displayName);
  return Object.fromEntries(run.current.map((contact) => [byName(contact), inactiveAccount.evaluate({ contact, nowMs, policy } as unknown as ContactContext)]));
}

describe('inactive_account with and without the saving of last-post requests', () => {
  const servers: FakeBlueskyServer[] = [];
  const paths: Record<string, RunPath> = {};
  const runs: Record<string, RunResult[]> = {};

  beforeAll(async () => {
    for (const [name, mode, saving] of [
      ['whole, before', 'whole', false],
      ['whole, saving', 'whole', true],
      ['stepped, before', 'stepped', false],
      ['stepped, saving', 'stepped', true],
    ] as const) {
      const server = await FakeBlueskyServer.start({ world: tableWorld() });
      servers.push(server);
      paths[name] = newPath(server, mode, saving);
      runs[name] = [];
    }
    for (const [r, now] of RUNS.entries()) {
      for (const [name, path] of Object.entries(paths)) {
        if (r > 0) ROWS.forEach((row, i) => row.changes?.[(r - 1) as 0 | 1 | 2]?.(path.server.world, actorDid(i), now.getTime()));
        runs[name]?.push(await runOnce(path, now));
      }
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('the table judges something: inactive accounts are found, by their last post and by their state', () => {
    const first = verdicts(runs['whole, before']?.[0] as RunResult, RUNS[0]!.getTime());
    expect(first['inactive, nothing changes']).toMatchObject({ lastPostAt: ago(200) });
    expect(first['recent, nothing changes']).toBeNull();
    const later = verdicts(runs['whole, before']?.[2] as RunResult, RUNS[2]!.getTime());
    expect(later['taken down, inactive']).toMatchObject({ state: 'suspended' });
    expect(later['inactive, then reposts (same post count)']).toBeNull();
    expect(later['recent, crosses inactiveDays between runs']).toMatchObject({ lastPostAt: ago(176) });
    expect(later['in its grace at first, inactive']).toMatchObject({ lastPostAt: ago(300) });
  });

  it('every run, every path: the same verdict and evidence for every contact', () => {
    for (const [r, now] of RUNS.entries()) {
      const reference = verdicts(runs['whole, before']?.[r] as RunResult, now.getTime());
      expect(Object.keys(reference)).toHaveLength(ROWS.length);
      for (const name of ['whole, saving', 'stepped, before', 'stepped, saving']) {
        expect(verdicts(runs[name]?.[r] as RunResult, now.getTime()), `${name}, run ${r}`).toEqual(reference);
      }
    }
  });

  it('with the saving, fewer last posts are asked on repeat runs', () => {
    const feeds = (name: string): number[] => (runs[name] ?? []).map((r) => r.counts[AUTHOR_FEED] ?? 0);
    const before = feeds('whole, before');
    const saving = feeds('whole, saving');
    expect(saving[0]).toBe(before[0]);
    for (let r = 1; r < RUNS.length; r++) expect(saving[r]).toBeLessThan(before[r] ?? 0);
    expect(feeds('stepped, saving')).toEqual(saving);
    expect(feeds('stepped, before')).toEqual(before);
  });
});
