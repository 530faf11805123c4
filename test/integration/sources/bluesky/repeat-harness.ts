/**
 * Repeat runs of a Bluesky source against the local server, the way a run
 * chains them: pull (whole, or in steps assembled as the report step does),
 * then the merge with what the previous runs stored. The "store" is the
 * merge's own output kept in memory; with the saving on, the source asks it
 * for the judged accounts (PullContext.known), as the run asks DynamoDB.
 */
import { assemblePull } from '../../../../shared/app/assemble-pull.ts';
import { mergePulls } from '../../../../shared/app/merge-pulls.ts';
import type { TrackedContact } from '../../../../shared/domain/analysis-types.ts';
import { SourcePull } from '../../../../shared/domain/model.ts';
import type { PullContext } from '../../../../shared/ports/source.ts';
import type { SourceState } from '../../../../shared/ports/store.ts';
import type { BlueskySourceOptions } from '../../../../shared/sources/bluesky/bluesky-source.ts';
import type { BlueskyWorld, FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { OWNER, scaledWorld, tid, type WorldSize } from '../../../fixtures/bluesky/world.ts';
import { makeSource, MemorySessions } from './setup.ts';

const DAY = 86_400_000;
export const REPEAT_T0 = new Date('2026-11-25T09:00:00.000Z');
/** 230 followers, 120 follows, 40 mutuals: 310 accounts. The 150 notifications come from followers you do not follow. */
export const REPEAT_SIZE = { followers: 230, follows: 120, mutual: 40, notifications: 150, likes: 30, reposts: 10, posts: 20 };

/** Every follow is 30 days old or more (past its grace) and every account posted within 60 days: nothing inactive. */
export function repeatWorld(size: WorldSize = REPEAT_SIZE, t0: Date = REPEAT_T0): BlueskyWorld {
  const W1 = t0;
  const w = scaledWorld(W1.getTime(), size);
  w.records.set(
    'app.bsky.graph.follow',
    w.follows.map((did, i) => {
      const at = W1.getTime() - (30 + i) * DAY;
      return { uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(at, i)}`, cid: `bafyfollow${i}`, value: { $type: 'app.bsky.graph.follow', subject: did, createdAt: new Date(at).toISOString() } };
    }),
  );
  w.lastPosts = new Map([...w.profiles.keys()].filter((did) => did !== OWNER.did).map((did, i) => [did, { at: new Date(W1.getTime() - ((i % 60) + 1) * DAY).toISOString() }]));
  return w;
}

export const AUTHOR_FEED = 'app.bsky.feed.getAuthorFeed';
export const PROFILES = 'app.bsky.actor.getProfiles';
export const PROFILE = 'app.bsky.actor.getProfile';

export interface RunPath {
  server: FakeBlueskyServer;
  mode: 'whole' | 'stepped';
  /** With the saving: the source is told what the store remembers. */
  saving: boolean;
  options?: Partial<BlueskySourceOptions>;
  sessions: MemorySessions;
  stored: Map<string, TrackedContact>;
  source?: SourceState;
  cursor?: string;
  /** How many times the source asked the store, and for how many accounts in all. */
  lookups: { calls: number; ids: number };
}

export function newPath(server: FakeBlueskyServer, mode: RunPath['mode'], saving: boolean, options: Partial<BlueskySourceOptions> = {}): RunPath {
  return { server, mode, saving, options, sessions: new MemorySessions(), stored: new Map(), lookups: { calls: 0, ids: 0 } };
}

export interface RunResult {
  pull: SourcePull;
  /** The contacts the run analyses (the merge's output). */
  current: TrackedContact[];
  /** Requests by route in this run. */
  counts: Record<string, number>;
  /** Every account getProfiles was asked for in this run, once per time asked. */
  profiled: string[];
  /** Every account whose author feed was asked in this run. */
  feeds: string[];
  /** The per-account requests besides the lists: last posts and single profiles of missing accounts. */
  extra: number;
}

export async function runOnce(path: RunPath, now: Date): Promise<RunResult> {
  const { server } = path;
  server.resetCounts();
  const from = server.log.length;
  const { source } = makeSource(server, path.sessions, path.options);
  const known: PullContext['known'] = async (ids) => {
    path.lookups.calls++;
    path.lookups.ids += ids.length;
    const out = new Map<string, { postsCount?: number; lastPostAt?: string }>();
    for (const id of ids) {
      const c = path.stored.get(id);
      if (c !== undefined) out.set(id, { ...(c.postsCount !== undefined ? { postsCount: c.postsCount } : {}), ...(c.lastPostAt !== undefined ? { lastPostAt: c.lastPostAt } : {}) });
    }
    return out;
  };
  const ctx: PullContext = { now, ...(path.cursor !== undefined ? { cursor: path.cursor } : {}), ...(path.saving ? { known } : {}) };
  let pull: SourcePull;
  if (path.mode === 'whole') pull = SourcePull.parse(await source.pull(ctx));
  else {
    const parts: SourcePull[] = [];
    let checkpoint: string | undefined;
    do {
      const step = await source.pullStep({ ...ctx, ...(checkpoint !== undefined ? { checkpoint } : {}), budget: { deadline: Date.now() + 600_000, maxRequests: 20 } });
      parts.push(SourcePull.parse(step.pull));
      checkpoint = step.checkpoint;
    } while (checkpoint !== undefined && parts.length < 500);
    if (checkpoint !== undefined) throw new Error('the stepped pull did not finish');
    const assembled = assemblePull({ sourceId: 'bsky', platform: 'bluesky', phase: 'complete', parts: [], requests: 0, items: 0 }, parts, now, 6);
    if (!assembled.ok) throw new Error(assembled.problem);
    pull = assembled.pull;
  }
  const merged = mergePulls({
    now: now.toISOString(),
    retentionDays: 730,
    outcomes: [{ sourceId: 'bsky', platform: 'bluesky', ok: true, pull }],
    storedContacts: [...path.stored.values()],
    storedSources: path.source ? [path.source] : [],
    storedInteractions: [],
  });
  const unstored = new Set(merged.unstoredContactKeys);
  path.stored = new Map(merged.current.filter((c) => !unstored.has(`bsky:${c.id}`)).map((c) => [c.id, c]));
  path.source = merged.sourceStates[0];
  if (pull.cursor !== undefined) path.cursor = pull.cursor;
  const profiled = server.log.slice(from).filter((r) => r.route === PROFILES).flatMap((r) => new URLSearchParams(r.query).getAll('actors'));
  const feeds = server.log.slice(from).filter((r) => r.route === AUTHOR_FEED).map((r) => new URLSearchParams(r.query).get('actor') ?? '');
  const counts = Object.fromEntries(server.counts);
  return { pull, current: merged.current, counts, profiled, feeds, extra: (counts[AUTHOR_FEED] ?? 0) + (counts[PROFILE] ?? 0) };
}
