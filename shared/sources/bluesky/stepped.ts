/**
 * A Bluesky pull read over several bounded pull steps (issue 10).
 *
 * The lists are read one after the other, each from the cursor it stopped at:
 * notifications, your likes, reposts and posts, the AppView's follows, your
 * follow records, then followers. A page of follow records or followers is a
 * unit of work with its per-account calls: its profiles in batches of 25
 * (app.bsky.actor.getProfiles), app.bsky.actor.getProfile for each account a
 * batch left out, and, for accounts you follow, the last post
 * (app.bsky.feed.getAuthorFeed?limit=1) where the analysis would judge on it
 * and the store does not still answer for it (PullContext.known, asked for the
 * batch's judged accounts alone). A follower you follow was profiled with the
 * follow records: its profile is not asked twice (see followersPage).
 * A follower page's batches and the next page are asked together (workRound),
 * within what the rate limit has left (request-slots.ts): one after the other
 * at a request's latency, a pull would never reach the limit.
 * The checkpoint keeps the cursor of every list, the page being worked through
 * (its accounts, and how many of its batches are done), and who was seen
 * posting (it spares last-post requests; see MAX_SEEN_POSTING).
 *
 * Contacts are handed back batch by batch, so a step's read holds whole
 * contacts; the firing's assembler merges them (a follower met in one step and
 * followed in another is a mutual). The checkpoint never holds a list. When a
 * follower started following is not carried either: their follow notification
 * is in the step's interactions, and the assembler dates every follower from
 * the notifications of all the steps (assemble-pull.ts), as a whole pull does
 * from its own, whatever the number of followers.
 *
 * Cursor positions. The AppView pages followers and follows by a keyset cursor
 * (the follow's sort time and cid), newest follow first, and listRecords by
 * record key: a cursor names a point in the list, not an offset. So across
 * steps no page is fetched twice and none is skipped, and a follower who
 * arrives mid-read sorts before everything already read (this read does not
 * see them; the next reports them new), one who leaves from a page not read
 * yet is absent (reported lost now), one who leaves from a page already read
 * is in this read (reported lost next time).
 */
import { z } from 'zod';
import type { Completeness, Contact, Interaction } from '../../domain/model.ts';
import { DAY_MS } from '../../domain/time.ts';
import type { ProgressListener } from '../../ports/source.ts';
import { HttpError } from '../http/http-error.ts';
import { forEachDid, knownFailureProblem, lastPostOf, lastPostsToRead, whyMissing, type KnownLookup, type MissingVerdict } from './account-checks.ts';
import { profileWebUrl, rkeyOf } from './at-uri.ts';
import { activeLabels, clip, missingState, PAGE_LIMIT, PROFILES_PER_CALL, SUSPENDED_LABELS } from './contacts.ts';
import { runInOrder } from './in-order.ts';
import { notificationToInteraction } from './inbound.ts';
import { FollowRecord, GetFollowersOutput, GetFollowsOutput, GetProfilesOutput, ListNotificationsOutput, ListRecordsOutput, type ProfileView, type ProfileViewDetailed } from './lexicon.ts';
import { OWN_COLLECTIONS, recordToInteractions, type OwnCollection } from './outbound.ts';
import { problemOf } from './problems.ts';
import { BlueskyAuthError } from './session.ts';
import type { BlueskyXrpc } from './xrpc.ts';

/**
 * Accounts seen posting (a reply, mention or quote) within inactiveDays, kept
 * for the last-post checks of the follow records' units: such an account is
 * active, so its last post is not asked. Only the DID is kept (the date only
 * said whether it was within inactiveDays), for the 400 newest: the room the
 * follow dates and 100 dated entries took before. One beyond the cap loses
 * nothing the analysis uses: its last post is read instead (one request
 * more), and the author feed holds that reply too, so lastPostAt is at least
 * as recent and inactive_account does not fire on it.
 */
const MAX_SEEN_POSTING = 400;
export const MAX_CHECKPOINT_CHARS = 32_000;

const ListState = z.object({
  cursor: z.string().max(2048).optional(),
  pages: z.number().int().min(0),
  items: z.number().int().min(0),
  done: z.boolean(),
  complete: z.boolean(),
  hitPageCap: z.boolean(),
  error: z.string().max(2000).optional(),
  stopped: z.boolean(),
});
type ListState = z.infer<typeof ListState>;

/** The accounts of one page of followers or follow records still being worked through. */
const Pending = z.object({
  items: z.array(z.object({ did: z.string().max(2048), handle: z.string().max(512).optional(), at: z.string().max(64).optional() })).max(PAGE_LIMIT),
  /** Batches of 25 done. */
  batches: z.number().int().min(0),
});
type Pending = z.infer<typeof Pending>;

export const SteppedState = z.object({
  v: z.literal(1),
  owner: z.object({ did: z.string(), handle: z.string(), pdsUrl: z.string() }),
  notifications: ListState.extend({ newestAt: z.string().optional(), oldestAt: z.string().optional() }),
  records: z.object({
    likes: ListState.extend({ newestRkey: z.string().optional(), invalid: z.number().int().min(0) }),
    reposts: ListState.extend({ newestRkey: z.string().optional(), invalid: z.number().int().min(0) }),
    posts: ListState.extend({ newestRkey: z.string().optional(), invalid: z.number().int().min(0) }),
  }),
  follows: ListState,
  followRecords: ListState.extend({ invalid: z.number().int().min(0), pending: Pending.optional() }),
  followers: ListState.extend({ pending: Pending.optional() }),
  /** DIDs; a checkpoint written before kept [did, at] pairs, read as their DID. */
  seenPosting: z.array(z.union([z.string().max(2048), z.tuple([z.string().max(2048), z.string()]).transform(([did]) => did)])),
  /** Counters of the per-account calls, turned into problems when the read ends. */
  checks: z.object({
    failedBatches: z.number().int().min(0),
    firstBatchFailure: z.string().optional(),
    unexplained: z.number().int().min(0),
    firstUnexplained: z.string().optional(),
    lastPostFailures: z.number().int().min(0),
    lastPostJudged: z.number().int().min(0),
    firstLastPostFailure: z.string().optional(),
    /** Why the store could not say what it remembers of the judged accounts (PullContext.known), the first time. */
    firstKnownFailure: z.string().max(2000).optional(),
  }),
  problems: z.array(z.string().max(2000)).max(50),
});
export type SteppedState = z.infer<typeof SteppedState>;

const newList = (): ListState => ({ pages: 0, items: 0, done: false, complete: false, hitPageCap: false, stopped: false });

export function newSteppedState(owner: SteppedState['owner'], problems: string[]): SteppedState {
  return {
    v: 1,
    owner,
    notifications: newList(),
    records: { likes: { ...newList(), invalid: 0 }, reposts: { ...newList(), invalid: 0 }, posts: { ...newList(), invalid: 0 } },
    follows: newList(),
    followRecords: { ...newList(), invalid: 0 },
    followers: newList(),
    seenPosting: [],
    checks: { failedBatches: 0, unexplained: 0, lastPostFailures: 0, lastPostJudged: 0 },
    problems: problems.slice(0, 50),
  };
}

export function readSteppedState(text: string | undefined): SteppedState | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = SteppedState.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The step's budget, asked before each request (a list page) and each unit of per-account calls. */
export interface StepGate {
  /** True: stop here, the next step goes on. */
  pause(): boolean;
  /** Requests a unit made, counted against the budget after the fact. */
  spent(requests: number): void;
  /** A rate-limit wait longer than the step may sleep is pending. */
  blockedLong(): boolean;
  signal?: AbortSignal;
}

export interface SteppedRequest {
  state: SteppedState;
  gate: StepGate;
  /** Stored stop points of the previous firing. */
  since: { notificationsSeenAt?: string; likesSince?: string; repostsSince?: string; postsSince?: string };
  horizonMs: number;
  maxPages: number;
  nowMs: number;
  judging: { graceDays: number; inactiveDays: number };
  sourceId: string;
  /** What the store remembers of the judged accounts (PullContext.known): spares the last posts it still answers for. */
  known?: KnownLookup;
  onProgress?: ProgressListener;
}

export interface SteppedRead {
  contacts: Contact[];
  interactions: Interaction[];
  /** Every list and every unit is done. */
  finished: boolean;
}

type Outcome = 'done' | 'paused';

/** Reads from where the state stands until every list is done or the gate stops it. */
export async function readSteps(xrpc: BlueskyXrpc, req: SteppedRequest): Promise<SteppedRead> {
  const out: SteppedRead = { contacts: [], interactions: [], finished: false };
  const s = req.state;
  const steps: (() => Promise<Outcome>)[] = [
    () => readNotifications(xrpc, req, out),
    () => readOwn(xrpc, req, out, 'likes'),
    () => readOwn(xrpc, req, out, 'reposts'),
    () => readOwn(xrpc, req, out, 'posts'),
    () => readFollows(xrpc, req, out),
    () => readUnits(xrpc, req, out, 'followRecords'),
    () => readUnits(xrpc, req, out, 'followers'),
  ];
  for (const step of steps) if ((await step()) === 'paused') return out;
  out.finished = s.followers.done && s.followRecords.done && s.followers.pending === undefined && s.followRecords.pending === undefined;
  return out;
}

interface WalkOptions<T> {
  maxPages?: number;
  shortPageEnds?: number;
  fetchPage: (cursor: string | undefined) => Promise<{ items: readonly T[]; cursor?: string | undefined }>;
  onItems: (items: readonly T[]) => 'more' | 'past';
  stopAfterPage?: () => boolean;
}

/**
 * One list page after another from the saved cursor. A failure that is a
 * long rate-limit wait pauses (the next step asks again); any other ends the
 * list with what was read, as a whole pull does.
 */
async function walk<T>(list: ListState, gate: StepGate, opts: WalkOptions<T>): Promise<Outcome> {
  const maxPages = opts.maxPages ?? Number.POSITIVE_INFINITY;
  while (!list.done) {
    if (list.pages >= maxPages) {
      list.done = true;
      list.hitPageCap = true;
      return 'done';
    }
    if (gate.signal?.aborted) return stop(list);
    if (gate.pause()) return 'paused';
    let page: { items: readonly T[]; cursor?: string | undefined };
    try {
      page = await opts.fetchPage(list.cursor);
    } catch (error) {
      return pageFailed(list, gate, error);
    }
    takePage(list, page, opts);
    // A page whose accounts still need their calls: work through them before the next page.
    if (opts.stopAfterPage?.()) return 'done';
  }
  return 'done';
}

/** A page request failed: stopped by the signal, paused by a long rate-limit wait, or the list ends on it. */
function pageFailed(list: ListState, gate: StepGate, error: unknown): Outcome {
  if (gate.signal?.aborted || (error instanceof HttpError && error.aborted)) return stop(list);
  if (error instanceof BlueskyAuthError) throw error;
  if (gate.blockedLong()) return 'paused';
  list.done = true;
  list.error = problemOf(error);
  return 'done';
}

/** A page read: its items handed on, the cursor moved (or the list ended). */
function takePage<T>(list: ListState, page: { items: readonly T[]; cursor?: string | undefined }, opts: Pick<WalkOptions<T>, 'shortPageEnds' | 'onItems'>): void {
  list.pages++;
  list.items += page.items.length;
  const verdict = opts.onItems(page.items);
  const short = opts.shortPageEnds !== undefined && page.items.length < opts.shortPageEnds;
  if (verdict === 'past' || page.cursor === undefined || page.cursor === '' || page.items.length === 0 || short) {
    list.done = true;
    list.complete = true;
    delete list.cursor;
  } else if (page.cursor === list.cursor) {
    list.done = true;
    list.error = 'the server sent the same cursor twice; stopped to avoid a loop';
  } else list.cursor = page.cursor;
}

function stop(list: ListState): Outcome {
  list.done = true;
  list.stopped = true;
  return 'done';
}

async function readNotifications(xrpc: BlueskyXrpc, req: SteppedRequest, out: SteppedRead): Promise<Outcome> {
  const n = req.state.notifications;
  const seenMs = req.since.notificationsSeenAt === undefined ? undefined : Date.parse(req.since.notificationsSeenAt);
  const seenPosting = new Set(req.state.seenPosting);
  // Older than this, being seen posting spares no last-post request: not worth the checkpoint's room.
  const activeSince = new Date(req.nowMs - req.judging.inactiveDays * DAY_MS).toISOString();
  const outcome = await walk(n, req.gate, {
    maxPages: req.maxPages,
    fetchPage: async (cursor) => {
      const page = await xrpc.query('app.bsky.notification.listNotifications', { limit: 100, cursor }, ListNotificationsOutput);
      return { items: page.notifications, cursor: page.cursor };
    },
    onItems: (items) => {
      for (const item of items) {
        const at = Date.parse(item.indexedAt);
        // Equal to the stop point is kept: a duplicate (same id) is harmless, a miss is not.
        if (at < req.horizonMs || (seenMs !== undefined && at < seenMs)) return 'past';
        if (!Number.isNaN(at)) {
          const iso = new Date(at).toISOString();
          if (n.newestAt === undefined || iso > n.newestAt) n.newestAt = iso;
          if (n.oldestAt === undefined || iso < n.oldestAt) n.oldestAt = iso;
        }
        const interaction = notificationToInteraction(item, req.state.owner.did);
        if (!interaction) continue;
        out.interactions.push(interaction);
        if ((interaction.kind === 'reply' || interaction.kind === 'mention' || interaction.kind === 'quote') && interaction.at >= activeSince && seenPosting.size < MAX_SEEN_POSTING) seenPosting.add(interaction.contactId);
      }
      req.onProgress?.({ sourceId: req.sourceId, phase: 'notifications', done: n.items });
      return 'more';
    },
  });
  req.state.seenPosting = [...seenPosting];
  return outcome;
}

const sinceOf = { likes: 'likesSince', reposts: 'repostsSince', posts: 'postsSince' } as const;

async function readOwn(xrpc: BlueskyXrpc, req: SteppedRequest, out: SteppedRead, name: OwnCollection): Promise<Outcome> {
  const list = req.state.records[name];
  const sinceRkey = req.since[sinceOf[name]];
  return walk(list, req.gate, {
    maxPages: req.maxPages,
    shortPageEnds: 100,
    fetchPage: async (cursor) => {
      const page = await xrpc.query('com.atproto.repo.listRecords', { repo: req.state.owner.did, collection: OWN_COLLECTIONS[name], limit: 100, cursor }, ListRecordsOutput);
      return { items: page.records, cursor: page.cursor };
    },
    onItems: (records) => {
      for (const record of records) {
        const rkey = rkeyOf(record.uri);
        if (sinceRkey !== undefined && rkey !== undefined && rkey.length === sinceRkey.length && rkey <= sinceRkey) return 'past';
        const createdAt = createdAtOf(record.value);
        if (createdAt !== undefined && createdAt < req.horizonMs) return 'past';
        if (rkey !== undefined && (list.newestRkey === undefined || (rkey.length === list.newestRkey.length && rkey > list.newestRkey))) list.newestRkey = rkey;
        const mapped = recordToInteractions(name, record, req.state.owner.did);
        if (mapped === 'invalid') list.invalid++;
        else out.interactions.push(...mapped);
      }
      req.onProgress?.({ sourceId: req.sourceId, phase: name, done: list.items });
      return 'more';
    },
  });
}

/** The AppView's follows: contacts as listed; the follow records' units add dates, counts and checks. */
async function readFollows(xrpc: BlueskyXrpc, req: SteppedRequest, out: SteppedRead): Promise<Outcome> {
  const list = req.state.follows;
  return walk(list, req.gate, {
    fetchPage: async (cursor) => {
      const page = await xrpc.publicQuery('app.bsky.graph.getFollows', { actor: req.state.owner.did, limit: PAGE_LIMIT, cursor }, GetFollowsOutput);
      return { items: page.follows, cursor: page.cursor };
    },
    onItems: (views) => {
      for (const view of views) if (view.did !== req.state.owner.did) out.contacts.push(contactOf(view.did, view, undefined, 'following', 'active'));
      req.onProgress?.({ sourceId: req.sourceId, phase: 'following', done: list.items });
      return 'more';
    },
  });
}

/**
 * Follow records or followers: a page, then its accounts' calls batch by
 * batch, then the next page. The batches of a page and the next page are
 * asked together (a round, see workRound): one after the other, at a
 * request's latency, a pull would never reach the rate limit.
 */
async function readUnits(xrpc: BlueskyXrpc, req: SteppedRequest, out: SteppedRead, which: 'followRecords' | 'followers'): Promise<Outcome> {
  const list = req.state[which];
  const opts: WalkOptions<ListedItem | undefined> = {
    ...(which === 'followRecords' ? { shortPageEnds: PAGE_LIMIT } : {}),
    fetchPage: which === 'followRecords' ? (cursor) => followRecordsPage(xrpc, req, cursor) : (cursor) => followersPage(xrpc, req, cursor),
    onItems: (items) => {
      const owner = req.state.owner.did;
      const entries: PendingItem[] = [];
      for (const e of items) {
        if (e === undefined) {
          // Counted here, not when the page came: a page asked beside a round that did not finish is asked again.
          if (which === 'followRecords') req.state.followRecords.invalid++;
          continue;
        }
        if (e.did === owner) continue;
        // A follower whose profile the follow records' units already asked: its contact as listed.
        if (e.mutual !== undefined) out.contacts.push(e.mutual);
        else entries.push(e.at !== undefined ? { did: e.did, at: e.at } : e.handle !== undefined ? { did: e.did, handle: e.handle } : { did: e.did });
      }
      if (entries.length > 0) list.pending = { items: dedupe(entries), batches: 0 };
      req.onProgress?.({ sourceId: req.sourceId, phase: which === 'followRecords' ? 'follow-records' : 'followers', done: list.items });
      return 'more';
    },
    stopAfterPage: () => list.pending !== undefined,
  };
  for (;;) {
    if (list.pending !== undefined) {
      if ((await workRound(xrpc, req, out, which, list.pending, opts)) === 'paused') return 'paused';
      continue;
    }
    if (list.done) return 'done';
    // The first page, or one after a page without accounts to ask about: alone.
    if ((await walk(list, req.gate, opts)) === 'paused') return 'paused';
  }
}

type PendingItem = Pending['items'][number];
/** A listed account; `mutual` for a follower you follow whose profile was asked with the follow records (never in a checkpoint). */
type ListedItem = PendingItem & { mutual?: Contact };

/** One entry per account; for records, the oldest follow wins (a duplicate follow does not restart the observation period). */
function dedupe(items: PendingItem[]): PendingItem[] {
  const byDid = new Map<string, PendingItem>();
  for (const item of items) {
    const known = byDid.get(item.did);
    if (known === undefined || (item.at !== undefined && (known.at === undefined || item.at < known.at))) byDid.set(item.did, item);
  }
  return [...byDid.values()];
}

/**
 * A page of followers. A follower you follow (a mutual) was met in the follow
 * records' units, its profile asked there: when the AppView says so
 * (`viewer.following`, the URI of your follow record, present when the list is
 * read with your session) and those units read every record, the follower's
 * contact is the one listed, with no second getProfiles. Its fields are the
 * profile's; the counts, follow date and last post stay the follow record's
 * (the assembler merges the two into one mutual). Without a viewer state (an
 * unauthenticated AppView) the profile is asked again, as before.
 */
async function followersPage(xrpc: BlueskyXrpc, req: SteppedRequest, cursor: string | undefined): Promise<{ items: ListedItem[]; cursor?: string | undefined }> {
  const page = await xrpc.publicQuery('app.bsky.graph.getFollowers', { actor: req.state.owner.did, limit: PAGE_LIMIT, cursor }, GetFollowersOutput);
  const profiled = req.state.followRecords.complete;
  const items = page.followers.map((v): ListedItem => {
    const handle = clip(v.handle, 512);
    if (!profiled || v.viewer?.following === undefined) return { did: v.did, handle };
    return { did: v.did, handle, mutual: contactOf(v.did, v, undefined, 'follower', 'active') };
  });
  return { items, cursor: page.cursor };
}

async function followRecordsPage(xrpc: BlueskyXrpc, req: SteppedRequest, cursor: string | undefined): Promise<{ items: (PendingItem | undefined)[]; cursor?: string | undefined }> {
  const page = await xrpc.query('com.atproto.repo.listRecords', { repo: req.state.owner.did, collection: 'app.bsky.graph.follow', limit: PAGE_LIMIT, cursor }, ListRecordsOutput);
  const items = page.records.map((record) => {
    const value = FollowRecord.safeParse(record.value);
    const at = value.success ? Date.parse(value.data.createdAt) : Number.NaN;
    if (!value.success || Number.isNaN(at)) return undefined;
    return { did: value.data.subject, at: new Date(at).toISOString() };
  });
  return { items, cursor: page.cursor };
}

/**
 * Requests of a round started at once: a follower page's four profile batches
 * and the next page. The follow records' batches go one by one, as they
 * always did: each may ask up to 25 last posts (four at a time already), and
 * a step's budget is counted batch by batch; the follows are a small list
 * beside the followers.
 */
const ROUND_CONCURRENCY = { followers: 5, followRecords: 1 } as const;

/**
 * The batches of a page not done yet, and the list's next page, asked
 * together, started in that order, each when the gate allows it. What is kept
 * is what one-after-the-other would have kept: the batches done in order up
 * to the first that was not (one cut by a long rate-limit wait, or not
 * started: the next step asks it again), and the next page only when every
 * batch of this one is done (the checkpoint holds one page's accounts, never
 * two). Contacts come out in the page's order, and the counters add up as if
 * the batches had run one by one.
 */
async function workRound(
  xrpc: BlueskyXrpc,
  req: SteppedRequest,
  out: SteppedRead,
  which: 'followRecords' | 'followers',
  pending: Pending,
  opts: WalkOptions<ListedItem | undefined>,
): Promise<Outcome> {
  const list = req.state[which];
  const gate = req.gate;
  const first = pending.batches;
  const batches = Math.ceil(pending.items.length / PROFILES_PER_CALL) - first;
  const withPage = !list.done;
  const cursor = list.cursor;
  let started = 0;
  let paused = false;
  const before = xrpc.requests;
  // The requests beyond the one the gate counts for each task (the account checks, retries), told to the gate as they are made.
  let extraTold = 0;
  const tellExtra = (): void => {
    const extra = xrpc.requests - before - started;
    if (extra <= extraTold) return;
    gate.spent(extra - extraTold);
    extraTold = extra;
  };
  const outcomes = await runInOrder<BatchDone | 'retry' | 'stopped' | Page>(
    batches + (withPage ? 1 : 0),
    ROUND_CONCURRENCY[which],
    () => {
      tellExtra();
      if (gate.signal?.aborted) return false;
      if (gate.pause()) {
        paused = true;
        return false;
      }
      started++;
      return true;
    },
    (i) => (i < batches ? workBatch(xrpc, req, which, pending.items.slice((first + i) * PROFILES_PER_CALL, (first + i + 1) * PROFILES_PER_CALL)) : opts.fetchPage(cursor)),
  );
  tellExtra();

  let stopped = gate.signal?.aborted === true;
  for (let i = 0; i < batches; i++) {
    const outcome = outcomes[i];
    if (outcome === undefined) break;
    if (outcome.status === 'rejected') throw outcome.reason;
    const done = outcome.value;
    if (done === 'retry') {
      paused = true;
      break;
    }
    if (done === 'stopped') {
      stopped = true;
      break;
    }
    if (!('contacts' in done)) break;
    out.contacts.push(...done.contacts);
    addChecks(req.state.checks, done.checks);
    pending.batches++;
  }
  if (stopped) {
    delete list.pending;
    stop(list);
    return 'done';
  }
  if (pending.batches * PROFILES_PER_CALL < pending.items.length) return 'paused';
  delete list.pending;

  const page = withPage ? outcomes[batches] : undefined;
  if (page === undefined) return paused ? 'paused' : 'done';
  if (page.status === 'rejected') return pageFailed(list, gate, page.reason);
  if (typeof page.value === 'string' || !('items' in page.value)) return 'done';
  takePage(list, page.value, opts);
  return 'done';
}

type Page = { items: readonly (ListedItem | undefined)[]; cursor?: string | undefined };

/** What a batch found wrong, added to the read's counters in the batches' order. */
function addChecks(into: SteppedState['checks'], delta: SteppedState['checks']): void {
  into.failedBatches += delta.failedBatches;
  into.unexplained += delta.unexplained;
  into.lastPostFailures += delta.lastPostFailures;
  into.lastPostJudged += delta.lastPostJudged;
  if (delta.firstBatchFailure !== undefined) into.firstBatchFailure ??= delta.firstBatchFailure;
  if (delta.firstUnexplained !== undefined) into.firstUnexplained ??= delta.firstUnexplained;
  if (delta.firstLastPostFailure !== undefined) into.firstLastPostFailure ??= delta.firstLastPostFailure;
  if (delta.firstKnownFailure !== undefined) into.firstKnownFailure ??= delta.firstKnownFailure;
}

interface BatchDone {
  contacts: Contact[];
  checks: SteppedState['checks'];
}

async function workBatch(xrpc: BlueskyXrpc, req: SteppedRequest, which: 'followRecords' | 'followers', batch: PendingItem[]): Promise<BatchDone | 'retry' | 'stopped'> {
  const signal = req.gate.signal;
  // This batch's own counts: batches run together, and addChecks adds them up in order.
  const checks: SteppedState['checks'] = { failedBatches: 0, unexplained: 0, lastPostFailures: 0, lastPostJudged: 0 };
  const dids = batch.map((b) => b.did);
  const found = new Map<string, ProfileViewDetailed>();
  const missing = new Set<string>();
  try {
    const page = await xrpc.publicQuery('app.bsky.actor.getProfiles', { actors: dids }, GetProfilesOutput);
    for (const profile of page.profiles) found.set(profile.did, profile);
    for (const did of dids) if (!found.has(did)) missing.add(did);
  } catch (err) {
    if (signal?.aborted || (err instanceof HttpError && err.aborted)) return 'stopped';
    if (err instanceof BlueskyAuthError) throw err;
    if (req.gate.blockedLong()) return 'retry';
    checks.failedBatches++;
    checks.firstBatchFailure ??= problemOf(err);
  }

  const asked = await forEachDid([...missing], (did) => whyMissing(xrpc, did), signal);
  if (asked.stopped) return 'stopped';
  if (asked.failures > 0 && req.gate.blockedLong()) return 'retry';
  const verdicts = new Map<string, MissingVerdict>(asked.results);
  const unknown = [...verdicts.values()].filter((v) => v.kind === 'unknown');
  if (unknown.length + asked.failures > 0) {
    checks.unexplained += unknown.length + asked.failures;
    const first = unknown[0];
    checks.firstUnexplained ??= problemOf(first?.kind === 'unknown' ? first.error : asked.firstFailure);
  }

  const relation = which === 'followers' ? 'follower' : 'following';
  const contacts = batch.map((item) => {
    const verdict = verdicts.get(item.did);
    const detailed = found.get(item.did) ?? (verdict?.kind === 'found' ? verdict.profile : undefined);
    const contact = contactOf(item.did, detailed, item.handle, relation, missingState(missing.has(item.did), verdict));
    if (which === 'followRecords' && item.at !== undefined) contact.followedAt = item.at;
    return contact;
  });

  if (which === 'followRecords') {
    const graceStart = req.nowMs - req.judging.graceDays * DAY_MS;
    // Seen posting within inactiveDays: active, nothing to read (the set holds no one older).
    const seen = new Set(req.state.seenPosting);
    const judged = contacts.filter((c) => {
      if (c.state !== 'active') return false;
      if (c.followedAt !== undefined && Date.parse(c.followedAt) > graceStart) return false;
      return !seen.has(c.id);
    });
    // The store's memory of this batch alone (one read by key): the run never loads every contact in a step.
    const { toRead, failure } = await lastPostsToRead(judged, req.known, req.nowMs - req.judging.inactiveDays * DAY_MS, signal);
    if (failure !== undefined) checks.firstKnownFailure ??= problemOf(failure);
    if (signal?.aborted) return 'stopped';
    const read = await forEachDid(toRead.map((c) => c.id), (did) => lastPostOf(xrpc, did), signal);
    if (read.stopped) return 'stopped';
    if (read.failures > 0 && req.gate.blockedLong()) return 'retry';
    const byId = new Map(contacts.map((c) => [c.id, c]));
    for (const [did, at] of read.results) {
      const contact = byId.get(did);
      if (contact && at !== undefined && at !== 'none') contact.lastPostAt = at;
    }
    checks.lastPostJudged += toRead.length;
    if (read.failures > 0) {
      checks.lastPostFailures += read.failures;
      checks.firstLastPostFailure ??= problemOf(read.firstFailure);
    }
  }
  return { contacts, checks };
}

function contactOf(did: string, view: ProfileView | ProfileViewDetailed | undefined, fallbackHandle: string | undefined, relation: Contact['relation'], state: Contact['state']): Contact {
  const labels = activeLabels(view);
  const handle = view?.handle ?? fallbackHandle ?? did;
  const contact: Contact = {
    id: did,
    handle: clip(handle, 512),
    displayName: clip(view?.displayName ?? '', 2048),
    bio: clip(view?.description ?? '', 20000),
    profileUrl: profileWebUrl(did, handle),
    relation,
    state: labels.some((l) => SUSPENDED_LABELS.has(l)) ? 'suspended' : state,
  };
  if (labels.length > 0) contact.labels = labels;
  if (view !== undefined && 'postsCount' in view) {
    if (view.postsCount !== undefined) contact.postsCount = view.postsCount;
    if (view.followersCount !== undefined) contact.followersCount = view.followersCount;
    if (view.followsCount !== undefined) contact.followingCount = view.followsCount;
  }
  return contact;
}

/** Problems of the contact lists and the per-account calls, said once the read is over. */
export function contactProblems(state: SteppedState): string[] {
  const problems: string[] = [];
  const note = (what: string, list: ListState): void => {
    if (list.complete || list.stopped || list.error === undefined) return;
    problems.push(`${what}: ${list.error}`);
  };
  note('followers (app.bsky.graph.getFollowers)', state.followers);
  note('follows (app.bsky.graph.getFollows)', state.follows);
  note('follow records (com.atproto.repo.listRecords app.bsky.graph.follow)', state.followRecords);
  if (state.followRecords.invalid > 0) problems.push(`${state.followRecords.invalid} follow record(s) without a valid subject/createdAt were skipped`);
  const c = state.checks;
  if (c.failedBatches > 0) problems.push(`profiles (app.bsky.actor.getProfiles): ${c.failedBatches} batch(es) failed, counts and account state unknown for those contacts: ${c.firstBatchFailure ?? 'unknown error'}`);
  if (c.unexplained > 0) problems.push(`missing accounts (app.bsky.actor.getProfile): ${c.unexplained} not told apart, reported as deactivated (it can come back): ${c.firstUnexplained ?? 'unknown error'}`);
  if (c.firstKnownFailure !== undefined) problems.push(knownFailureProblem(c.firstKnownFailure));
  if (c.lastPostFailures > 0) problems.push(`last posts (app.bsky.feed.getAuthorFeed): ${c.lastPostFailures} of ${c.lastPostJudged} not read; judged on the stored last post where the post count did not change, inactivity unknown for the others: ${c.firstLastPostFailure ?? 'unknown error'}`);
  return problems;
}

export function contactsCompleteness(state: SteppedState): Completeness {
  const { followers, follows } = state;
  if (followers.complete && follows.complete) return 'complete';
  return !followers.complete && !follows.complete && followers.items === 0 && follows.items === 0 ? 'failed' : 'partial';
}

function createdAtOf(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object' || !('createdAt' in value) || typeof value.createdAt !== 'string') return undefined;
  const ms = Date.parse(value.createdAt);
  return Number.isNaN(ms) ? undefined : ms;
}
