import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import type { Completeness, Contact, Interaction, SourcePull } from '../../domain/model.ts';
import { SourceError, type PullContext, type PullStepResult, type Source } from '../../ports/source.ts';
import { HttpClient, HttpError, type HttpClientOptions, type Query } from '../http/http-client.ts';
import { STOPPED_PROBLEM } from '../stopped.ts';
import { handleOf, mergeRelations } from './map-account.ts';
import { favouriteToInteraction, NOTIFICATION_TYPES, notificationToInteraction, statusToInteractions } from './map-interactions.ts';
import { isNumericId, LIST_MARK_EVERY, LIST_WALKS_AT_ONCE, linkParam, nextBounds, usableBounds } from './list-bounds.ts';
import { MastodonCursor, readCursor, writeCursor } from './mastodon-cursor.ts';
import { compareIds, maxId } from './mastodon-ids.ts';
import {
  MastodonAccount,
  MastodonAccounts,
  MastodonInstanceV1,
  MastodonInstanceV2,
  MastodonNotifications,
  MastodonStatuses,
  type MastodonNotification,
  type MastodonStatus,
} from './mastodon-schemas.ts';
import { walkPages, type WalkEnd } from './page-walker.ts';

export interface MastodonSourceOptions {
  id: string;
  instanceUrl: string;
  /** Already resolved by the caller. Never logged, never in an error. */
  accessToken: string;
  backfillDays: number;
  /** Cap on pages per stream (notifications, statuses, favourites) per pull. */
  maxPages: number;
  /** Overrides for the HTTP client (tests inject fetch, sleep, clock). */
  http?: Partial<HttpClientOptions>;
  /** Overrides for the contact lists' walks (list-bounds.ts): a boundary every `markEvery` pages, `atOnce` walks at a time. */
  lists?: { markEvery?: number; atOnce?: number };
}

/** Mastodon's documented maxima (docs.joinmastodon.org/methods): asking for them means the fewest pages. */
export const PAGE_LIMITS = { accounts: 80, notifications: 80, statuses: 40, favourites: 40 } as const;

const DAY_MS = 86_400_000;
/** A rate-limit wait up to this long is slept inside a pull step; a longer one ends the step. */
const DEFAULT_IN_STEP_WAIT_MS = 10_000;

/**
 * Reads one Mastodon account through the REST API with plain `fetch` (through
 * HttpClient) rather than a client library: paging, request counting, rate
 * limits and zod validation of every payload stay under our control.
 *
 * A pull is five streams read concurrently: followers and following (always in
 * full), and notifications (inbound), your statuses and your favourites
 * (outbound), which are read incrementally from the cursor.
 */
export class MastodonSource implements Source {
  readonly platform = 'mastodon';
  readonly id: string;
  private readonly options: MastodonSourceOptions;
  /** The instance URL's origin: the account domain stored in the cursor belongs to it. */
  private readonly origin: string;

  constructor(options: MastodonSourceOptions) {
    this.id = options.id;
    this.options = options;
    let url: URL;
    try {
      url = new URL(options.instanceUrl);
    } catch {
      throw new SourceError(options.id, `instanceUrl is not a valid URL: ${JSON.stringify(options.instanceUrl)}`);
    }
    this.origin = url.origin;
  }

  /** The clock budget checks and rate-limit waits are read on: the HTTP client's (tests and simulations inject one). */
  private clockNow(): number {
    return (this.options.http?.now ?? Date.now)();
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    const { checkpoint: _checkpoint, budget: _budget, ...whole } = ctx;
    return (await this.pullStep(whole)).pull;
  }

  /**
   * One bounded step of a pull: every stream reads until the step's budget is
   * spent (or the rate limit asks for a long wait), then hands back what it read
   * and a checkpoint naming, for each stream, the link it was about to follow.
   * The next step follows those links: no page is fetched twice, none skipped.
   * Without a budget the pull reads to the end in one step.
   */
  async pullStep(ctx: PullContext): Promise<PullStepResult> {
    const budget = ctx.budget;
    const inStepWaitMs = budget?.inStepWaitMs ?? DEFAULT_IN_STEP_WAIT_MS;
    const http = new HttpClient({
      ...this.options.http,
      // In a step, a long rate-limit wait ends the step (the next one starts after the reset) instead of sleeping.
      ...(budget ? { maxRateLimitWaitMs: inStepWaitMs } : {}),
      baseUrl: this.options.instanceUrl,
      sourceId: this.id,
    });
    const headers = { Authorization: `Bearer ${this.options.accessToken}` };
    // One auth failure ends the whole pull: stop the other streams instead of letting them fail one by one.
    const abort = new AbortController();
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, abort.signal]) : abort.signal;
    // Every request in flight listens on it: the lists' concurrent walks and the other streams are more than Node's default 10.
    setMaxListeners(64, signal);
    const stopOthers = <T>(work: Promise<T>): Promise<T> =>
      work.catch((err: unknown) => {
        abort.abort();
        throw err;
      });

    const resumed = readCheckpoint(ctx.checkpoint);
    let step: MastodonCheckpoint;
    if (resumed !== undefined) step = resumed;
    else {
      const problems: string[] = [];
      const read = readCursor(ctx.cursor);
      if (!read.ok) problems.push(read.problem);
      const cursor: MastodonCursor = (read.ok ? read.cursor : undefined) ?? { v: 1 };
      // Local accounts' `acct` has no domain; the instance's account domain completes it (stored after the first pull).
      const storedDomain = cursor.accountDomain?.instance === this.origin ? cursor.accountDomain.domain : undefined;
      const [me, domain] = await Promise.all([
        stopOthers(http.getJson('/api/v1/accounts/verify_credentials', MastodonAccount, { headers, signal }).then((r) => r.data)),
        storedDomain ?? stopOthers(this.readAccountDomain(http, headers, signal)),
      ]);
      step = {
        v: 1,
        owner: { id: me.id, handle: handleOf(me.acct, domain), ...(typeof me.followers_count === 'number' ? { followers: me.followers_count } : {}), ...(typeof me.following_count === 'number' ? { following: me.following_count } : {}) },
        domain,
        cursor,
        problems,
        walks: { followers: newWalk(), following: newWalk(), notifications: newWalk(), statuses: newWalk(), favourites: newWalk() },
        lists: { followers: newList(cursor.listBounds?.followers), following: newList(cursor.listBounds?.following) },
      };
      // With boundaries from the last pull, the walk from the top stops where the first walk below starts.
      for (const relation of ['followers', 'following'] as const) {
        const first = step.lists?.[relation].bounds[0];
        if (first !== undefined) step.walks[relation].until = first;
      }
    }
    const lists = step.lists ?? { followers: newList(undefined), following: newList(undefined) };

    const started = { requests: 0 };
    let waitUntil: number | undefined;
    const pause = (): boolean => {
      if (!budget) return false;
      if (signal.aborted) return false;
      const blocked = http.blockedUntil();
      if (blocked !== undefined && blocked - this.clockNow() > inStepWaitMs) {
        waitUntil = Math.max(waitUntil ?? 0, blocked);
        return true;
      }
      if (this.clockNow() >= budget.deadline) return true;
      if (budget.maxRequests !== undefined && started.requests >= budget.maxRequests) return true;
      started.requests++;
      return false;
    };
    const horizon = ctx.now.getTime() - this.options.backfillDays * DAY_MS;
    const markEvery = Math.max(1, this.options.lists?.markEvery ?? LIST_MARK_EVERY);
    const atOnce = Math.max(1, this.options.lists?.atOnce ?? LIST_WALKS_AT_ONCE);
    const env: StreamEnv = { http, headers, signal, ctx, ownerId: step.owner.id, horizon, maxPages: this.options.maxPages, sourceId: this.id, pause, markEvery, atOnce };
    const walks = step.walks;
    const settled = await Promise.allSettled([
      stopOthers(readContactList(env, 'followers', walks.followers, lists.followers, step.owner.followers)),
      stopOthers(readContactList(env, 'following', walks.following, lists.following, step.owner.following)),
      stopOthers(readNotifications(env, step.cursor.notificationsSinceId, walks.notifications)),
      stopOthers(readStatuses(env, step.cursor.statusesSinceId, walks.statuses)),
      stopOthers(readFavourites(env, step.cursor.favouritesSinceId, walks.favourites)),
    ]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    const [followers, following, notifications, statuses, favourites] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [MastodonAccount[], MastodonAccount[], Interaction[], Interaction[], Interaction[]];

    const listWalks = [...listWalksOf(walks.followers, lists.followers), ...listWalksOf(walks.following, lists.following)];
    const finished = Object.values(walks).every((w) => w.done) && listWalks.every((w) => w.done);
    const interactions = [...notifications, ...statuses, ...favourites];
    const contacts = withFollowerSince(mergeRelations(followers, following, step.domain), notifications);
    const listParts = [listCompleteness(walks.followers, lists.followers), listCompleteness(walks.following, lists.following)];
    const streamParts = [walks.notifications, walks.statuses, walks.favourites];
    const problems = [...step.problems, ...Object.values(walks).flatMap((w) => w.problems), ...listWalks.filter((w) => w !== walks.followers && w !== walks.following).flatMap((w) => w.problems)];

    const nextCursor: MastodonCursor = { v: 1, accountDomain: { instance: this.origin, domain: step.domain } };
    const listBounds: NonNullable<MastodonCursor['listBounds']> = {};
    for (const relation of ['followers', 'following'] as const) {
      const bounds = boundsAfter(walks[relation], lists[relation], step.cursor.listBounds?.[relation], markEvery);
      if (bounds.length > 0) listBounds[relation] = bounds;
    }
    if (listBounds.followers !== undefined || listBounds.following !== undefined) nextCursor.listBounds = listBounds;
    const notificationsSinceId = walks.notifications.newestId ?? step.cursor.notificationsSinceId;
    const statusesSinceId = walks.statuses.newestId ?? step.cursor.statusesSinceId;
    const favouritesSinceId = walks.favourites.newestId ?? step.cursor.favouritesSinceId;
    if (notificationsSinceId) nextCursor.notificationsSinceId = notificationsSinceId;
    if (statusesSinceId) nextCursor.statusesSinceId = statusesSinceId;
    if (favouritesSinceId) nextCursor.favouritesSinceId = favouritesSinceId;

    const pull: SourcePull = {
      sourceId: this.id,
      platform: this.platform,
      takenAt: ctx.now.toISOString(),
      owner: { id: step.owner.id, handle: step.owner.handle },
      contacts,
      interactions,
      contactsCompleteness: combine(listParts),
      interactionsCompleteness: combine(streamParts.map(walkCompleteness)),
      cursor: writeCursor(nextCursor),
      problems,
      requests: http.requests,
    };
    const historySince = historySinceOf(walks.notifications, step.cursor.notificationsSinceId, horizon, ctx.now);
    if (historySince !== undefined) pull.historySince = historySince;
    // Stopped by the caller (the run's time limit): what was read is handed back, the cursor resumes after it.
    if (ctx.signal?.aborted && (pull.contactsCompleteness !== 'complete' || pull.interactionsCompleteness !== 'complete')) problems.push(STOPPED_PROBLEM);
    if (finished || !budget || ctx.signal?.aborted) return { pull };
    // Not finished: what this step read, and where the next step goes on from (problems so far travel in the checkpoint).
    const next: MastodonCheckpoint = { ...step, walks, lists };
    return { pull, checkpoint: JSON.stringify(next), ...(waitUntil !== undefined ? { waitMs: Math.max(0, waitUntil - this.clockNow()) } : {}) };
  }

  /**
   * The account domain (LOCAL_DOMAIN) from the instance itself. Neither the API's
   * host nor the owner's profile URL will do: both are the web domain
   * (WEB_DOMAIN), which an instance may serve from a host other than the one in
   * its handles (`@user@social.example` served by `mastodon.social.example`).
   * Mastodon 3.x has no v2: its v1 `uri` is the domain.
   */
  private async readAccountDomain(http: HttpClient, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
    try {
      try {
        return (await http.getJson('/api/v2/instance', MastodonInstanceV2, { headers, signal })).data.domain;
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 404)) throw err;
        return (await http.getJson('/api/v1/instance', MastodonInstanceV1, { headers, signal })).data.uri;
      }
    } catch (err) {
      if (err instanceof HttpError && err.aborted) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new SourceError(this.id, `could not read the instance's account domain, which names its local accounts (${reason})`, { cause: err });
    }
  }
}

interface StreamEnv {
  http: HttpClient;
  headers: Record<string, string>;
  signal: AbortSignal;
  ctx: PullContext;
  ownerId: string;
  horizon: number;
  maxPages: number;
  sourceId: string;
  /** The step's budget: asked before each request. */
  pause: () => boolean;
  /** Contact lists: a boundary every this many pages, this many walks at once. */
  markEvery: number;
  atOnce: number;
}

/** Where one stream's read stands, across the steps of a pull. */
const Walk = z
  .object({
    done: z.boolean(),
    /** The link to follow next; undefined: the first page. */
    next: z.string().max(4096).optional(),
    pages: z.number().int().min(0),
    read: z.number().int().min(0),
    newestId: z.string().optional(),
    oldestAt: z.number().optional(),
    end: z.enum(['exhausted', 'stopped', 'max-pages', 'error', 'aborted']).optional(),
    completeness: z.enum(['complete', 'partial', 'failed']).optional(),
    problems: z.array(z.string()),
    // A walk of a contact list (list-bounds.ts):
    /** It stops at the first page that ends at or below this follow id (where the walk below started); none: at the list's end. */
    until: z.string().optional(),
    /** Where it stopped at `until`: the link to go on from if it must take over the range below. */
    resume: z.string().max(4096).optional(),
    /** Its pages so far, across steps. */
    listPages: z.number().int().min(0).optional(),
    /** The `max_id` of every LIST_MARK_EVERY-th page, for the next pull's boundaries. */
    marks: z.array(z.string()).optional(),
    /** Why its pages could not be shown to join up: the walk above took over its range (what it read is kept). */
    superseded: z.string().optional(),
    /** It went on past its first boundary to cover the range of a walk below that did not join up. */
    tookOver: z.boolean().optional(),
  })
  .strict();
type Walk = z.infer<typeof Walk>;

/**
 * The walks of a contact list below the top one: walk i starts at `max_id=bounds[i]` (the top one,
 * `walks.followers` or `walks.following`, starts at the first page). `unbounded`: ids were met that are not
 * numbers, so the top walk reads the whole list and no boundaries are kept.
 */
const ListWalks = z
  .object({
    bounds: z.array(z.string()),
    walks: z.array(Walk),
    unbounded: z.boolean().optional(),
  })
  .strict();
type ListWalks = z.infer<typeof ListWalks>;

const MastodonCheckpoint = z
  .object({
    v: z.literal(1),
    owner: z.object({ id: z.string().min(1), handle: z.string().min(1), followers: z.number().optional(), following: z.number().optional() }).strict(),
    domain: z.string().min(1),
    /** The cursor the pull started from (each stream's `min_id`). */
    cursor: MastodonCursor,
    problems: z.array(z.string()),
    walks: z.object({ followers: Walk, following: Walk, notifications: Walk, statuses: Walk, favourites: Walk }).strict(),
    /** The contact lists' walks below the top one (absent in a checkpoint written before there were any). */
    lists: z.object({ followers: ListWalks, following: ListWalks }).strict().optional(),
  })
  .strict();
type MastodonCheckpoint = z.infer<typeof MastodonCheckpoint>;

/** A checkpoint this source wrote; anything else starts the pull over (it is ours, so that means a bug or a new version). */
function readCheckpoint(text: string | undefined): MastodonCheckpoint | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = MastodonCheckpoint.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const newWalk = (): Walk => ({ done: false, pages: 0, read: 0, problems: [] });

/** A walk stopped where the walk below began goes on from there (it takes over that walk's range). */
function reopen(walk: Walk): void {
  if (walk.resume === undefined) return;
  walk.done = false;
  walk.next = walk.resume;
  delete walk.resume;
  delete walk.end;
  delete walk.completeness;
}

/** The walks below the top are made when they start (a checkpoint keeps only those): walk i + 1 starts at bounds[i]. */
function newList(stored: readonly string[] | undefined): ListWalks {
  return { bounds: usableBounds(stored), walks: [] };
}

function newSegment(list: ListWalks, i: number): Walk {
  const until = list.bounds[i + 1];
  return { ...newWalk(), ...(until !== undefined ? { until } : {}) };
}

/** Every walk of a list, the top one first, in the list's order; those not started yet as they would start. */
function listWalksOf(top: Walk, list: ListWalks): Walk[] {
  return [top, ...list.bounds.map((_, i) => list.walks[i] ?? newSegment(list, i))];
}

/**
 * What a checkpoint needs of a list's walks: those started (the rest are made again when they start), and of
 * a finished walk whose range the walk below it joined (that one done too) no more than its marks and pages
 * (the link to take over from, and where it stopped, can no longer be needed). A million followers' 250 walks
 * take about 17 KB.
 */
function compactList(list: ListWalks): void {
  while (list.walks.length > 0) {
    const last = list.walks[list.walks.length - 1]!;
    if (last.done || last.pages > 0 || last.next !== undefined || last.listPages !== undefined) break;
    list.walks.pop();
  }
  for (let i = 0; i < list.walks.length; i++) {
    const walk = list.walks[i]!;
    if (!walk.done) continue;
    const below = list.walks.slice(i + 1).find((w) => !w.superseded);
    const joined = walk.superseded !== undefined || (below !== undefined ? below.done : list.walks.length === list.bounds.length);
    if (!joined) continue;
    delete walk.resume;
    delete walk.until;
    if (walk.end !== 'aborted') delete walk.next;
    if (walk.end === 'stopped' || walk.end === 'exhausted') delete walk.end;
    if (walk.completeness === 'complete') delete walk.completeness;
  }
}

/** A list is as complete as its walks that still count (a superseded walk's range was read by the walk above it). */
function listCompleteness(top: Walk, list: ListWalks): Completeness {
  const parts = listWalksOf(top, list).filter((w) => !w.superseded);
  // Walks not started yet (paused before their first page) make the list partial, not failed, once any page was read.
  const states = parts.map(walkCompleteness);
  if (states.every((s) => s === 'complete')) return 'complete';
  if (parts.every((w) => w.pages === 0)) return 'failed';
  return 'partial';
}

/**
 * The boundaries this pull leaves for the next: from its walks when the list was read completely; else those
 * it started from (still valid: follow ids only grow); none once ids turned out not to be numbers.
 */
function boundsAfter(top: Walk, list: ListWalks, previous: readonly string[] | undefined, markEvery: number): string[] {
  if (list.unbounded) return [];
  if (listCompleteness(top, list) !== 'complete') return usableBounds(previous);
  const walks = listWalksOf(top, list);
  return nextBounds(walks.filter((w) => !w.superseded).map((w) => ({ from: w === top ? undefined : list.bounds[walks.indexOf(w) - 1], pages: w.listPages ?? w.pages, marks: w.marks ?? [] })), markEvery);
}

function walkCompleteness(walk: Walk): Completeness {
  if (!walk.done) return walk.pages === 0 ? 'failed' : 'partial';
  return walk.completeness ?? 'complete';
}

/**
 * Walks one stream from where it stood, and records where it stands now.
 * Paused: the link to follow next is kept; ended in any other way: done, with
 * its completeness and problems judged once.
 */
async function walkStream<T>(
  env: StreamEnv,
  walk: Walk,
  spec: { path: string; query: Query; schema: z.ZodType<T[]>; follow: 'next' | 'prev'; limit: number; maxPages: number; onPage: (items: T[], links: Record<string, string>) => boolean },
  judgeEnd: (end: WalkEnd) => { completeness: Completeness; problems: string[] },
): Promise<void> {
  if (walk.done) return;
  const end = await walkPages({
    ...walkBase(env),
    path: spec.path,
    query: spec.query,
    schema: spec.schema,
    follow: spec.follow,
    limit: spec.limit,
    maxPages: Math.max(0, spec.maxPages - walk.pages),
    ...(walk.next !== undefined ? { startUrl: walk.next } : {}),
    pause: env.pause,
    onPage: (items, links) => {
      walk.read += items.length;
      return spec.onPage(items, links);
    },
  });
  walk.pages += end.pages;
  if (end.end === 'paused') {
    if (end.next !== undefined) walk.next = end.next;
    return;
  }
  if (end.end === 'aborted' && end.next !== undefined) walk.next = end.next;
  walk.done = true;
  walk.end = end.end;
  const judged = judgeEnd(end.end === 'max-pages' ? { ...end, pages: walk.pages } : end);
  walk.completeness = end.end === 'aborted' || end.end === 'error' ? (walk.pages === 0 ? 'failed' : 'partial') : judged.completeness;
  walk.problems.push(...judged.problems);
}

function walkBase(env: StreamEnv) {
  return { http: env.http, headers: env.headers, signal: env.signal };
}

/**
 * Followers or following: always read in full (whatever maxPages says), newest follow first.
 *
 * Without boundaries from the last pull (a first pull, or a cursor written before they were kept), one walk
 * reads the list page after page. With them (list-bounds.ts), the walk from the top stops at the first page
 * that ends at or below the first boundary, and a walk starts at each boundary (`max_id`) and stops at or below
 * the next; LIST_WALKS_AT_ONCE of them run at once, sharing the step's budget. A walk whose pages cannot be
 * shown to join up with the next (an id that is not a number, a page above where it was asked to start, an
 * empty or failed first page) hands its range to the walk above it, which reads on page after page through
 * the server's own links: a contact is never missed for the sake of speed. Accounts read twice where pages
 * overlap (followers left) are read once.
 */
async function readContactList(env: StreamEnv, relation: 'followers' | 'following', top: Walk, list: ListWalks, total: number | undefined): Promise<MastodonAccount[]> {
  const walks = listWalksOf(top, list);
  // The walks' state lives in the list (the checkpoint): those not started yet join it here, and leave again if they do not start.
  list.walks = walks.slice(1);
  const read = walks.map((): MastodonAccount[] => []);
  const progress = (): void => {
    const done = walks.reduce((sum, w) => sum + w.read, 0);
    env.ctx.onProgress?.({ sourceId: env.sourceId, phase: relation, done, ...(typeof total === 'number' && total >= 0 ? { total } : {}) });
  };

  /** Walk i's range goes to the nearest walk above it still counting, which reads on through it. */
  const takeOver = (i: number, why: string): void => {
    const failed = walks[i]!;
    failed.superseded = why;
    failed.done = true;
    delete failed.marks;
    let j = i - 1;
    while (j > 0 && walks[j]!.superseded) j--;
    const above = walks[j]!;
    if (failed.until === undefined) delete above.until;
    else above.until = failed.until;
    above.tookOver = true;
    failed.problems.length = 0;
    if (above.done && above.end === 'stopped' && above.resume !== undefined) reopen(above);
  };
  /** Ids that are not numbers: boundaries mean nothing, the top walk reads the whole list. */
  const unbounded = (): void => {
    list.unbounded = true;
    for (let i = walks.length - 1; i > 0; i--) if (!walks[i]!.superseded) takeOver(i, 'ids are not numbers');
    delete top.until;
    for (const w of walks) delete w.marks;
    if (top.done && top.end === 'stopped' && top.resume !== undefined) reopen(top);
  };

  const walkOne = async (i: number): Promise<void> => {
    const walk = walks[i]!;
    const from = i === 0 ? undefined : list.bounds[i - 1];
    // The last id of the page it stopped on to join the walk below (a take-over may lower `until` meanwhile).
    let stoppedAt: string | undefined;
    const walkOnce = async (): Promise<void> => {
      await walkStream(
        env,
        walk,
        {
          path: `/api/v1/accounts/${encodeURIComponent(env.ownerId)}/${relation}`,
          query: from === undefined ? { limit: PAGE_LIMITS.accounts } : { limit: PAGE_LIMITS.accounts, max_id: from },
          schema: MastodonAccounts,
          follow: 'next',
          limit: PAGE_LIMITS.accounts,
          // Contacts are read in full whatever maxPages says: a partial list would be mistaken for unfollows.
          maxPages: Number.POSITIVE_INFINITY,
          onPage: (items, links) => {
            read[i]!.push(...items);
            walk.listPages = (walk.listPages ?? 0) + 1;
            progress();
            if (walk.superseded) return false;
            const last = linkParam(links['next'], 'max_id');
            const first = linkParam(links['prev'], 'since_id');
            const ids = [last, first].filter((id): id is string => id !== undefined);
            if (ids.some((id) => !isNumericId(id))) {
              if (!list.unbounded) unbounded();
              return i === 0;
            }
            if (list.unbounded) return i === 0;
            // A page at or above where the walk was asked to start: the server did not honour max_id.
            if (from !== undefined && ids.some((id) => compareIds(id, from) >= 0)) {
              takeOver(i, `the page asked below ${from} began at ${first ?? last}`);
              return false;
            }
            if (last !== undefined && walk.until !== undefined && compareIds(last, walk.until) <= 0) {
              // Joined: the walk below started at `until`, and this page reached it.
              const next = links['next'];
              if (next !== undefined) walk.resume = next;
              stoppedAt = last;
              return false;
            }
            if (last !== undefined && walk.listPages % env.markEvery === 0) (walk.marks ??= []).push(last);
            return true;
          },
        },
        (end) => (end.end === 'error' ? { completeness: 'partial', problems: [`${relation} incomplete: ${end.error.message}`] } : { completeness: 'complete', problems: [] }),
      );
    };
    for (;;) {
      stoppedAt = undefined;
      await walkOnce();
      // Told to take over the range below while it was stopping: it reads on from where it stopped.
      if (!(walk.done && !walk.superseded && stoppedAt !== undefined && walk.resume !== undefined)) break;
      if (walk.until !== undefined && compareIds(stoppedAt, walk.until) <= 0) break;
      reopen(walk);
    }
    // A walk below the top that ended above where the next one starts on the page we asked for (not a link the
    // server gave): empty, short or failed, it may be a server that does not page by follow id; the walk above
    // reads on through the server's own links. A walk that already took over follows those links: its end is the list's.
    if (i > 0 && walk.done && !walk.superseded && !walk.tookOver && walk.until !== undefined && ((walk.end === 'exhausted' && (walk.listPages ?? 0) <= 1) || (walk.end === 'error' && (walk.listPages ?? 0) === 0))) {
      takeOver(i, walk.end === 'error' ? 'its first page failed' : `its first page ended the list above ${walk.until}`);
    }
  };

  // A pool of walks: the first unfinished ones, in the list's order (a walk paused in this step waits for the next).
  const running = new Map<number, Promise<void>>();
  const paused = new Set<number>();
  const nextToRun = (): number | undefined => {
    for (let i = 0; i < walks.length; i++) if (!walks[i]!.done && !running.has(i) && !paused.has(i)) return i;
    return undefined;
  };
  for (;;) {
    while (running.size < env.atOnce) {
      const i = nextToRun();
      if (i === undefined) break;
      running.set(
        i,
        walkOne(i).then(() => {
          running.delete(i);
          if (!walks[i]!.done) paused.add(i);
        }),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  compactList(list);
  const seen = new Set<string>();
  const accounts: MastodonAccount[] = [];
  for (const page of read) {
    for (const account of page) {
      if (seen.has(account.id)) continue;
      seen.add(account.id);
      accounts.push(account);
    }
  }
  return accounts;
}

/**
 * First pull: newest first (Link rel="next", i.e. max_id) back to the backfill
 * horizon. Later pulls: forwards from the stored id (`min_id`, Link rel="prev"),
 * oldest unseen first, so a pull cut short by maxPages or an error leaves no gap:
 * the next one continues where this one stopped.
 */
async function readIdStream<T>(
  env: StreamEnv,
  walk: Walk,
  spec: {
    name: string;
    path: string;
    query: Record<string, string | number | boolean | readonly string[]>;
    schema: z.ZodType<T[]>;
    limit: number;
    sinceId: string | undefined;
    idOf: (item: T) => string;
    atOf: (item: T) => string;
    map: (item: T) => Interaction[];
  },
): Promise<Interaction[]> {
  const interactions: Interaction[] = [];
  const first = spec.sinceId === undefined;
  await walkStream(
    env,
    walk,
    {
      path: spec.path,
      query: first ? spec.query : { ...spec.query, min_id: spec.sinceId },
      schema: spec.schema,
      follow: first ? 'next' : 'prev',
      limit: spec.limit,
      maxPages: env.maxPages,
      onPage: (items) => {
        let beyondHorizon = false;
        const ids: string[] = walk.newestId !== undefined ? [walk.newestId] : [];
        for (const item of items) {
          const id = spec.idOf(item);
          if (spec.sinceId !== undefined && compareIds(id, spec.sinceId) <= 0) continue;
          ids.push(id);
          const at = Date.parse(spec.atOf(item));
          if (first && at < env.horizon) {
            beyondHorizon = true;
            continue;
          }
          walk.oldestAt = walk.oldestAt === undefined ? at : Math.min(walk.oldestAt, at);
          interactions.push(...spec.map(item));
        }
        const newest = maxId(ids);
        if (newest !== undefined) walk.newestId = newest;
        env.ctx.onProgress?.({ sourceId: env.sourceId, phase: spec.name, done: walk.read });
        return !beyondHorizon;
      },
    },
    (end) => judge(spec.name, spec.path, end, first),
  );
  return interactions;
}

function readNotifications(env: StreamEnv, sinceId: string | undefined, walk: Walk): Promise<Interaction[]> {
  return readIdStream<MastodonNotification>(env, walk, {
    name: 'notifications',
    path: '/api/v1/notifications',
    // Since Mastodon 4.3, notifications the owner's notification policy filters are left out unless asked for;
    // they are engagement all the same. Older servers ignore the parameter.
    query: { limit: PAGE_LIMITS.notifications, 'types[]': NOTIFICATION_TYPES, include_filtered: true },
    schema: MastodonNotifications,
    limit: PAGE_LIMITS.notifications,
    sinceId,
    idOf: (n) => n.id,
    atOf: (n) => n.created_at,
    map: (n) => {
      const interaction = notificationToInteraction(n, env.ownerId);
      return interaction ? [interaction] : [];
    },
  });
}

/** The backfill horizon of a first pull: how far back "never engaged" may look on this source. */
function historySinceOf(walk: Walk, sinceId: string | undefined, horizon: number, now: Date): string | undefined {
  if (sinceId !== undefined) return undefined;
  let since: number | undefined;
  if (walk.done && walk.end === 'stopped') since = horizon;
  else if (walk.done && walk.end === 'exhausted') since = walk.oldestAt ?? now.getTime();
  else since = walk.oldestAt;
  return since === undefined ? undefined : new Date(since).toISOString();
}

function readStatuses(env: StreamEnv, sinceId: string | undefined, walk: Walk): Promise<Interaction[]> {
  return readIdStream<MastodonStatus>(env, walk, {
    name: 'statuses',
    path: `/api/v1/accounts/${encodeURIComponent(env.ownerId)}/statuses`,
    query: { limit: PAGE_LIMITS.statuses },
    schema: MastodonStatuses,
    limit: PAGE_LIMITS.statuses,
    sinceId,
    idOf: (s) => s.id,
    atOf: (s) => s.created_at,
    map: (s) => statusToInteractions(s, env.ownerId),
  });
}

/**
 * Favourites are paged by the favourite's internal id, which only appears in the
 * Link header (`min_id` of rel="prev" is the newest favourite of a page), so that
 * is what the cursor keeps. On the first pull, the walk ends at the first page
 * whose posts are all older than the horizon (posts liked long after they were
 * written may be older than the horizon, so one old post does not end it).
 */
async function readFavourites(env: StreamEnv, sinceId: string | undefined, walk: Walk): Promise<Interaction[]> {
  const interactions: Interaction[] = [];
  const first = sinceId === undefined;
  await walkStream(
    env,
    walk,
    {
      path: '/api/v1/favourites',
      query: first ? { limit: PAGE_LIMITS.favourites } : { limit: PAGE_LIMITS.favourites, min_id: sinceId },
      schema: MastodonStatuses,
      follow: first ? 'next' : 'prev',
      limit: PAGE_LIMITS.favourites,
      maxPages: env.maxPages,
      onPage: (items, links) => {
        const newest = maxId([walk.newestId, minIdOf(links['prev'])].filter((id): id is string => id !== undefined));
        if (newest !== undefined) walk.newestId = newest;
        let recent = 0;
        for (const status of items) {
          if (first && Date.parse(status.created_at) < env.horizon) continue;
          recent++;
          const interaction = favouriteToInteraction(status, env.ownerId);
          if (interaction) interactions.push(interaction);
        }
        env.ctx.onProgress?.({ sourceId: env.sourceId, phase: 'favourites', done: walk.read });
        return !(first && items.length > 0 && recent === 0);
      },
    },
    (end) => judge('favourites', '/api/v1/favourites', end, first),
  );
  return interactions;
}

function minIdOf(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    return new URL(link).searchParams.get('min_id') ?? undefined;
  } catch {
    return undefined;
  }
}

function judge(name: string, path: string, end: WalkEnd, first: boolean): { completeness: Completeness; problems: string[] } {
  switch (end.end) {
    case 'exhausted':
    case 'stopped':
      return { completeness: 'complete', problems: [] };
    case 'max-pages':
      return {
        completeness: 'partial',
        problems: [
          first
            ? `${name}: stopped after ${end.pages} pages (maxPages) before reaching the backfill horizon; older ${name} were not read (GET ${path})`
            : `${name}: stopped after ${end.pages} pages (maxPages); the newer ${name} not read yet will be read by the next pull (GET ${path})`,
        ],
      };
    case 'error':
      return { completeness: end.pages === 0 ? 'failed' : 'partial', problems: [`${name} incomplete: ${end.error.message}`] };
    case 'aborted':
    case 'paused':
      // One line for the whole pull says why (STOPPED_PROBLEM).
      return { completeness: end.pages === 0 ? 'failed' : 'partial', problems: [] };
  }
}

function combine(parts: readonly Completeness[]): Completeness {
  if (parts.every((p) => p === 'complete')) return 'complete';
  if (parts.every((p) => p === 'failed')) return 'failed';
  return 'partial';
}

/** A follow notification says when a follower started following: the one fact about a follow the API gives. */
function withFollowerSince(contacts: Contact[], inbound: readonly Interaction[]): Contact[] {
  const since = new Map<string, string>();
  for (const i of inbound) {
    if (i.kind !== 'follow') continue;
    const prev = since.get(i.contactId);
    if (prev === undefined || i.at > prev) since.set(i.contactId, i.at);
  }
  if (since.size === 0) return contacts;
  return contacts.map((c) => {
    const at = since.get(c.id);
    return at !== undefined && c.relation !== 'following' ? { ...c, followerSince: at } : c;
  });
}

