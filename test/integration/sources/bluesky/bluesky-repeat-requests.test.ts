/**
 * Issue 20, point 1: a repeat run asks the author feed (getAuthorFeed, the
 * last-post check) only of accounts whose last post is unknown or whose post
 * count moved, and each profile once whatever lists the account is in. The
 * same world is pulled whole and in steps, with the saving and without (the
 * behaviour before it), run after run a week apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackedContact } from '../../../../shared/domain/analysis-types.ts';
import { FakeBlueskyServer, type BlueskyWorld } from '../../../helpers/bluesky-server.ts';
import { actorDid, OWNER, tid } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from './setup.ts';
import { AUTHOR_FEED, newPath, PROFILE, PROFILES, repeatWorld, REPEAT_SIZE as SIZE, REPEAT_T0 as W1, runOnce, type RunPath, type RunResult } from './repeat-harness.ts';

const DAY = 86_400_000;
const week = (n: number): Date => new Date(W1.getTime() + n * 7 * DAY);
const ACCOUNTS = SIZE.followers + SIZE.follows - SIZE.mutual;

/** The account posts: one more post, its date the newest in its feed. */
function post(w: BlueskyWorld, did: string, at: Date): void {
  const profile = w.profiles.get(did);
  if (profile === undefined) throw new Error(`no ${did}`);
  profile.postsCount = (profile.postsCount ?? 0) + 1;
  w.lastPosts?.set(did, { at: at.toISOString() });
}

/** You follow a new account now: its profile, its place at the head of the follows, your follow record. */
function followNew(w: BlueskyWorld, did: string, at: Date): void {
  w.profiles.set(did, { did, handle: 'newcomer.test', displayName: 'Newcomer', postsCount: 5 });
  w.lastPosts?.set(did, { at: new Date(at.getTime() - 2 * DAY).toISOString() });
  w.follows.unshift(did);
  w.records.get('app.bsky.graph.follow')?.unshift({ uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(at.getTime(), 999)}`, cid: 'bafynewfollow', value: { $type: 'app.bsky.graph.follow', subject: did, createdAt: at.toISOString() } });
}

/** Each change, applied to the world before the run of that week (the same on every path). */
const CHANGES: ((w: BlueskyWorld) => void)[] = [
  () => undefined,
  () => undefined,
  (w) => {
    post(w, actorDid(200), new Date(week(2).getTime() - DAY));
    post(w, actorDid(250), new Date(week(2).getTime() - 2 * DAY));
  },
  (w) => {
    followNew(w, actorDid(900), new Date(week(3).getTime() - DAY));
    w.gone = new Map([[actorDid(260), 'deactivated']]);
  },
  (w) => {
    w.gone?.delete(actorDid(260));
  },
  () => undefined,
];
const WEEKS = CHANGES.length;

const judgedIds = (r: RunResult): string[] => r.current.filter((c) => c.relation !== 'follower').map((c) => c.id);
const lastPosts = (current: TrackedContact[]): Record<string, string | undefined> => Object.fromEntries(current.map((c) => [c.id, c.lastPostAt]).sort());

describe('Bluesky repeat runs: last posts and profiles asked only where something changed', () => {
  const servers: FakeBlueskyServer[] = [];
  const paths: Record<'whole' | 'stepped' | 'before' | 'steppedBefore', RunPath | undefined> = { whole: undefined, stepped: undefined, before: undefined, steppedBefore: undefined };
  const runs: Record<keyof typeof paths, RunResult[]> = { whole: [], stepped: [], before: [], steppedBefore: [] };

  beforeAll(async () => {
    for (const [name, mode, saving] of [
      ['whole', 'whole', true],
      ['stepped', 'stepped', true],
      ['before', 'whole', false],
      ['steppedBefore', 'stepped', false],
    ] as const) {
      const server = await FakeBlueskyServer.start({ world: repeatWorld() });
      servers.push(server);
      paths[name] = newPath(server, mode, saving);
    }
    for (let i = 0; i < WEEKS; i++) {
      for (const name of Object.keys(paths) as (keyof typeof paths)[]) {
        const path = paths[name];
        if (path === undefined) throw new Error('no path');
        CHANGES[i]?.(path.server.world);
        runs[name].push(await runOnce(path, week(i)));
      }
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('the first run asks what it asked before: every judged follow once, every profile once', () => {
    const [whole, stepped, before] = [runs.whole[0], runs.stepped[0], runs.before[0]];
    // All 120 follows are past their grace and none was seen posting in the notifications.
    expect(before?.counts[AUTHOR_FEED]).toBe(SIZE.follows);
    expect(whole?.counts).toEqual(before?.counts);
    expect(stepped?.counts[AUTHOR_FEED]).toBe(SIZE.follows);
    expect(whole?.counts[PROFILES]).toBe(Math.ceil(ACCOUNTS / 25));
  });

  it('a repeat run with nothing changed asks no last post at all (before: every judged follow again)', () => {
    for (const name of ['whole', 'stepped'] as const) {
      const run = runs[name][1];
      expect(run?.counts[AUTHOR_FEED] ?? 0, name).toBe(0);
      expect(run?.extra, name).toBe(0);
    }
    expect(runs.before[1]?.counts[AUTHOR_FEED]).toBe(SIZE.follows);
    expect(runs.steppedBefore[1]?.counts[AUTHOR_FEED]).toBe(SIZE.follows);
    // The lists are read as before: the saving only drops per-account requests.
    const { [AUTHOR_FEED]: _feeds, ...lists } = runs.before[1]?.counts ?? {};
    expect(runs.whole[1]?.counts).toEqual(lists);
  });

  it('a repeat run after 2 accounts posted asks exactly those 2, and their new dates replace the stored ones', () => {
    for (const name of ['whole', 'stepped'] as const) {
      const run = runs[name][2];
      expect(run?.counts[AUTHOR_FEED], name).toBe(2);
      expect([...(run?.feeds ?? [])].sort(), name).toEqual([actorDid(200), actorDid(250)].sort());
      const posted = run?.current.find((c) => c.id === actorDid(200));
      expect(posted?.lastPostAt, name).toBe(new Date(week(2).getTime() - DAY).toISOString());
    }
  });

  it('a new follow costs its last post once its grace is over, a gone account its one getProfile: never more than the accounts that changed', () => {
    for (const name of ['whole', 'stepped'] as const) {
      // Week 3: the new follow is in its grace (not judged yet), the deactivated account is told apart by one getProfile.
      expect(runs[name][3]?.counts[AUTHOR_FEED] ?? 0, name).toBe(0);
      expect(runs[name][3]?.counts[PROFILE], name).toBe(1);
      expect(runs[name][3]?.current.find((c) => c.id === actorDid(260))?.state, name).toBe('deactivated');
      // Week 4: the account is back; its last post was not kept while it was away, so it is read: 1.
      expect(runs[name][4]?.counts[AUTHOR_FEED], name).toBe(1);
      expect(runs[name][4]?.counts[PROFILE] ?? 0, name).toBe(0);
      // Week 5: the new follow's grace is over, its last post is read: 1.
      expect(runs[name][5]?.counts[AUTHOR_FEED], name).toBe(1);
      // Every repeat run: requests besides the lists ≤ the accounts that changed (2 posted; 1 new + 1 gone; 1 back; 1 past its grace).
      expect(runs[name].slice(1).map((r) => r.extra), name).toEqual([0, 2, 1, 1, 1]);
    }
  });

  it('asks each profile once per run, whatever lists the account is in (a mutual is not asked twice)', () => {
    for (const name of ['whole', 'stepped'] as const) {
      for (const [i, run] of runs[name].entries()) {
        const asked = new Map<string, number>();
        for (const did of run.profiled) asked.set(did, (asked.get(did) ?? 0) + 1);
        expect([...asked.values()].every((n) => n === 1), `${name} week ${i}`).toBe(true);
        expect(asked.size, `${name} week ${i}`).toBe(run.current.length);
      }
      // The mutuals are there, and counted once.
      expect(runs[name][0]?.current.filter((c) => c.relation === 'mutual')).toHaveLength(SIZE.mutual);
    }
    expect(runs.whole[0]?.counts[PROFILES]).toBe(Math.ceil(ACCOUNTS / 25));
  });

  it('the run reads only the judged accounts from the store, a batch at a time in steps', () => {
    const whole = paths.whole;
    const stepped = paths.stepped;
    // Week 0 to 4: the whole pull asks once per run, for its judged follows only (never the 230 followers).
    expect(whole?.lookups.calls).toBe(WEEKS);
    expect(stepped?.lookups.calls).toBeGreaterThan(WEEKS);
    expect(stepped?.lookups.ids).toBe(whole?.lookups.ids);
    for (const run of runs.whole) expect(run.current.filter((c) => c.relation !== 'follower').length).toBeLessThanOrEqual(SIZE.follows + 1);
    expect(judgedIds(runs.whole[5] as RunResult).length).toBe(SIZE.follows + 1);
  });

  it('every path ends each week with the same contacts and the same last posts as the run without the saving', () => {
    for (let i = 0; i < WEEKS; i++) {
      const reference = lastPosts(runs.before[i]?.current ?? []);
      for (const name of ['whole', 'stepped', 'steppedBefore'] as const) expect(lastPosts(runs[name][i]?.current ?? []), `${name} week ${i}`).toEqual(reference);
      const strip = (cs: TrackedContact[]) => cs.map(({ lastSeenAt: _l, ...c }) => c).sort((a, b) => a.id.localeCompare(b.id));
      expect(strip(runs.whole[i]?.current ?? []), `week ${i}`).toEqual(strip(runs.before[i]?.current ?? []));
      expect(strip(runs.stepped[i]?.current ?? []), `week ${i}`).toEqual(strip(runs.steppedBefore[i]?.current ?? []));
    }
  });
});

describe('Bluesky: a store that cannot say what it remembers', () => {
  let server: FakeBlueskyServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('costs the saving, not the pull: every judged last post is read, and a problem line says why (whole and in steps)', async () => {
    server = await FakeBlueskyServer.start({ world: repeatWorld() });
    const known = async (): Promise<never> => {
      throw new Error('AccessDeniedException: not authorized to perform dynamodb:BatchGetItem');
    };
    const whole = await makeSource(server, new MemorySessions()).source.pull({ now: W1, known });
    expect(server.count(AUTHOR_FEED)).toBe(SIZE.follows);
    expect(whole.contactsCompleteness).toBe('complete');
    expect(whole.problems).toEqual([expect.stringMatching(/^stored last posts could not be read, so every judged account's last post was read: .*BatchGetItem/)]);

    server.resetCounts();
    const { source } = makeSource(server, new MemorySessions());
    const problems: string[] = [];
    let checkpoint: string | undefined;
    do {
      const step = await source.pullStep({ now: W1, known, ...(checkpoint !== undefined ? { checkpoint } : {}), budget: { deadline: Date.now() + 600_000, maxRequests: 20 } });
      problems.push(...step.pull.problems);
      checkpoint = step.checkpoint;
    } while (checkpoint !== undefined);
    expect(server.count(AUTHOR_FEED)).toBe(SIZE.follows);
    expect([...new Set(problems)]).toEqual(whole.problems);
  }, 60_000);
});
