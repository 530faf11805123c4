import { z } from 'zod';
import type { Completeness, Contact, Interaction, SourcePull } from '../../domain/model.ts';
import { SourceError, type PullContext, type PullStepResult, type Source } from '../../ports/source.ts';
import { HttpClient, HttpError, type HttpClientOptions, type Query } from '../http/http-client.ts';
import { STOPPED_PROBLEM } from '../stopped.ts';
import { handleOf, mergeRelations } from './map-account.ts';
import { favouriteToInteraction, NOTIFICATION_TYPES, notificationToInteraction, statusToInteractions } from './map-interactions.ts';
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
      };
    }

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
    const env: StreamEnv = { http, headers, signal, ctx, ownerId: step.owner.id, horizon, maxPages: this.options.maxPages, sourceId: this.id, pause };
    const walks = step.walks;
    const settled = await Promise.allSettled([
      stopOthers(readContactList(env, 'followers', walks.followers, step.owner.followers)),
      stopOthers(readContactList(env, 'following', walks.following, step.owner.following)),
      stopOthers(readNotifications(env, step.cursor.notificationsSinceId, walks.notifications)),
      stopOthers(readStatuses(env, step.cursor.statusesSinceId, walks.statuses)),
      stopOthers(readFavourites(env, step.cursor.favouritesSinceId, walks.favourites)),
    ]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    const [followers, following, notifications, statuses, favourites] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [MastodonAccount[], MastodonAccount[], Interaction[], Interaction[], Interaction[]];

    const finished = Object.values(walks).every((w) => w.done);
    const interactions = [...notifications, ...statuses, ...favourites];
    const contacts = withFollowerSince(mergeRelations(followers, following, step.domain), notifications);
    const listParts = [walks.followers, walks.following];
    const streamParts = [walks.notifications, walks.statuses, walks.favourites];
    const problems = [...step.problems, ...Object.values(walks).flatMap((w) => w.problems)];

    const nextCursor: MastodonCursor = { v: 1, accountDomain: { instance: this.origin, domain: step.domain } };
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
      contactsCompleteness: combine(listParts.map(walkCompleteness)),
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
    const next: MastodonCheckpoint = { ...step, walks };
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
  })
  .strict();
type Walk = z.infer<typeof Walk>;

const MastodonCheckpoint = z
  .object({
    v: z.literal(1),
    owner: z.object({ id: z.string().min(1), handle: z.string().min(1), followers: z.number().optional(), following: z.number().optional() }).strict(),
    domain: z.string().min(1),
    /** The cursor the pull started from (each stream's `min_id`). */
    cursor: MastodonCursor,
    problems: z.array(z.string()),
    walks: z.object({ followers: Walk, following: Walk, notifications: Walk, statuses: Walk, favourites: Walk }).strict(),
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

/** Followers or following: always read in full (whatever maxPages says), newest follow first. */
async function readContactList(env: StreamEnv, relation: 'followers' | 'following', walk: Walk, total: number | undefined): Promise<MastodonAccount[]> {
  const accounts: MastodonAccount[] = [];
  await walkStream(
    env,
    walk,
    {
      path: `/api/v1/accounts/${encodeURIComponent(env.ownerId)}/${relation}`,
      query: { limit: PAGE_LIMITS.accounts },
      schema: MastodonAccounts,
      follow: 'next',
      limit: PAGE_LIMITS.accounts,
      // Contacts are read in full whatever maxPages says: a partial list would be mistaken for unfollows.
      maxPages: Number.POSITIVE_INFINITY,
      onPage: (items) => {
        accounts.push(...items);
        env.ctx.onProgress?.({ sourceId: env.sourceId, phase: relation, done: walk.read, ...(typeof total === 'number' && total >= 0 ? { total } : {}) });
        return true;
      },
    },
    (end) => (end.end === 'error' ? { completeness: 'partial', problems: [`${relation} incomplete: ${end.error.message}`] } : { completeness: 'complete', problems: [] }),
  );
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

