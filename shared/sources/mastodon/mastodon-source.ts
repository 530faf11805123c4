import type { z } from 'zod';
import type { Completeness, Contact, Interaction, SourcePull } from '../../domain/model.ts';
import { SourceError, type PullContext, type Source } from '../../ports/source.ts';
import { HttpClient, HttpError, type HttpClientOptions } from '../http/http-client.ts';
import { STOPPED_PROBLEM } from '../stopped.ts';
import { handleOf, mergeRelations } from './map-account.ts';
import { favouriteToInteraction, NOTIFICATION_TYPES, notificationToInteraction, statusToInteractions } from './map-interactions.ts';
import { readCursor, writeCursor, type MastodonCursor } from './mastodon-cursor.ts';
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

interface StreamResult {
  interactions: Interaction[];
  /** Newest id seen (the next pull's `min_id`); undefined keeps the stored one. */
  newestId: string | undefined;
  completeness: Completeness;
  problems: string[];
  /** Notifications only, first pull only: from when inbound interactions are covered. */
  historySince?: string;
}

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

  async pull(ctx: PullContext): Promise<SourcePull> {
    const http = new HttpClient({ ...this.options.http, baseUrl: this.options.instanceUrl, sourceId: this.id });
    const headers = { Authorization: `Bearer ${this.options.accessToken}` };
    // One auth failure ends the whole pull: stop the other streams instead of letting them fail one by one.
    const abort = new AbortController();
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, abort.signal]) : abort.signal;
    const problems: string[] = [];

    const read = readCursor(ctx.cursor);
    if (!read.ok) problems.push(read.problem);
    const cursor: MastodonCursor = (read.ok ? read.cursor : undefined) ?? { v: 1 };
    const horizon = ctx.now.getTime() - this.options.backfillDays * DAY_MS;

    const stopOthers = <T>(work: Promise<T>): Promise<T> =>
      work.catch((err: unknown) => {
        abort.abort();
        throw err;
      });
    // Local accounts' `acct` has no domain; the instance's account domain completes it (stored after the first pull).
    const storedDomain = cursor.accountDomain?.instance === this.origin ? cursor.accountDomain.domain : undefined;
    const [me, domain] = await Promise.all([
      stopOthers(http.getJson('/api/v1/accounts/verify_credentials', MastodonAccount, { headers, signal }).then((r) => r.data)),
      storedDomain ?? stopOthers(this.readAccountDomain(http, headers, signal)),
    ]);
    const owner = { id: me.id, handle: handleOf(me.acct, domain) };
    const env: StreamEnv = { http, headers, signal, ctx, ownerId: me.id, horizon, maxPages: this.options.maxPages, sourceId: this.id };
    const settled = await Promise.allSettled([
      stopOthers(this.readContacts(env, me, domain)),
      stopOthers(readNotifications(env, cursor.notificationsSinceId)),
      stopOthers(readStatuses(env, cursor.statusesSinceId)),
      stopOthers(readFavourites(env, cursor.favouritesSinceId)),
    ]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    const [contactsPart, notifications, statuses, favourites] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [ContactsResult, StreamResult, StreamResult, StreamResult];

    const contacts = withFollowerSince(contactsPart.contacts, notifications.interactions);
    const streams = [notifications, statuses, favourites];
    problems.push(...contactsPart.problems, ...streams.flatMap((s) => s.problems));

    const nextCursor: MastodonCursor = { v: 1, accountDomain: { instance: this.origin, domain } };
    const notificationsSinceId = notifications.newestId ?? cursor.notificationsSinceId;
    const statusesSinceId = statuses.newestId ?? cursor.statusesSinceId;
    const favouritesSinceId = favourites.newestId ?? cursor.favouritesSinceId;
    if (notificationsSinceId) nextCursor.notificationsSinceId = notificationsSinceId;
    if (statusesSinceId) nextCursor.statusesSinceId = statusesSinceId;
    if (favouritesSinceId) nextCursor.favouritesSinceId = favouritesSinceId;

    const pull: SourcePull = {
      sourceId: this.id,
      platform: this.platform,
      takenAt: ctx.now.toISOString(),
      owner,
      contacts,
      interactions: streams.flatMap((s) => s.interactions),
      contactsCompleteness: contactsPart.completeness,
      interactionsCompleteness: combine(streams.map((s) => s.completeness)),
      cursor: writeCursor(nextCursor),
      problems,
      requests: http.requests,
    };
    if (notifications.historySince) pull.historySince = notifications.historySince;
    // Stopped by the caller (the run's time limit): what was read is handed back, the cursor resumes after it.
    if (ctx.signal?.aborted && (pull.contactsCompleteness !== 'complete' || pull.interactionsCompleteness !== 'complete')) problems.push(STOPPED_PROBLEM);
    return pull;
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

  private async readContacts(env: StreamEnv, me: MastodonAccount, domain: string): Promise<ContactsResult> {
    const read = async (relation: 'followers' | 'following', total: number | null | undefined) => {
      const accounts: MastodonAccount[] = [];
      const end = await walkPages({
        ...walkBase(env),
        path: `/api/v1/accounts/${encodeURIComponent(me.id)}/${relation}`,
        query: { limit: PAGE_LIMITS.accounts },
        schema: MastodonAccounts,
        follow: 'next',
        limit: PAGE_LIMITS.accounts,
        // Contacts are read in full whatever maxPages says: a partial list would be mistaken for unfollows.
        maxPages: Number.POSITIVE_INFINITY,
        onPage: (items) => {
          accounts.push(...items);
          env.ctx.onProgress?.({ sourceId: env.sourceId, phase: relation, done: accounts.length, ...(typeof total === 'number' && total >= 0 ? { total } : {}) });
          return true;
        },
      });
      return { accounts, end };
    };
    const [followers, following] = await Promise.all([read('followers', me.followers_count), read('following', me.following_count)]);
    const problems: string[] = [];
    const parts: Completeness[] = [];
    for (const [name, part] of [['followers', followers], ['following', following]] as const) {
      if (part.end.end === 'aborted') parts.push(part.accounts.length === 0 ? 'failed' : 'partial');
      else if (part.end.end === 'error') {
        problems.push(`${name} incomplete: ${part.end.error.message}`);
        parts.push(part.accounts.length === 0 ? 'failed' : 'partial');
      } else parts.push('complete');
    }
    return { contacts: mergeRelations(followers.accounts, following.accounts, domain), completeness: combine(parts), problems };
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
}

interface ContactsResult {
  contacts: Contact[];
  completeness: Completeness;
  problems: string[];
}

function walkBase(env: StreamEnv) {
  return { http: env.http, headers: env.headers, signal: env.signal };
}

/**
 * First pull: newest first (Link rel="next", i.e. max_id) back to the backfill
 * horizon. Later pulls: forwards from the stored id (`min_id`, Link rel="prev"),
 * oldest unseen first, so a pull cut short by maxPages or an error leaves no gap:
 * the next one continues where this one stopped.
 */
async function readIdStream<T>(
  env: StreamEnv,
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
): Promise<StreamResult & { oldestAt?: number; end: WalkEnd }> {
  const interactions: Interaction[] = [];
  const ids: string[] = [];
  let oldestAt: number | undefined;
  let read = 0;
  const first = spec.sinceId === undefined;
  const end = await walkPages({
    ...walkBase(env),
    path: spec.path,
    query: first ? spec.query : { ...spec.query, min_id: spec.sinceId },
    schema: spec.schema,
    follow: first ? 'next' : 'prev',
    limit: spec.limit,
    maxPages: env.maxPages,
    onPage: (items) => {
      let beyondHorizon = false;
      for (const item of items) {
        const id = spec.idOf(item);
        if (spec.sinceId !== undefined && compareIds(id, spec.sinceId) <= 0) continue;
        ids.push(id);
        const at = Date.parse(spec.atOf(item));
        if (first && at < env.horizon) {
          beyondHorizon = true;
          continue;
        }
        oldestAt = oldestAt === undefined ? at : Math.min(oldestAt, at);
        interactions.push(...spec.map(item));
      }
      read += items.length;
      env.ctx.onProgress?.({ sourceId: env.sourceId, phase: spec.name, done: read });
      return !beyondHorizon;
    },
  });
  const { completeness, problems } = judge(spec.name, spec.path, end, first);
  return { interactions, newestId: maxId(ids), completeness, problems, end, ...(oldestAt !== undefined ? { oldestAt } : {}) };
}

async function readNotifications(env: StreamEnv, sinceId: string | undefined): Promise<StreamResult> {
  const result = await readIdStream<MastodonNotification>(env, {
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
  if (sinceId !== undefined) return result;
  // The backfill horizon: how far back "never engaged" may look on this source.
  let historySince: number | undefined;
  if (result.end.end === 'stopped') historySince = env.horizon;
  else if (result.end.end === 'exhausted') historySince = result.oldestAt ?? env.ctx.now.getTime();
  else historySince = result.oldestAt;
  return historySince === undefined ? result : { ...result, historySince: new Date(historySince).toISOString() };
}

function readStatuses(env: StreamEnv, sinceId: string | undefined): Promise<StreamResult> {
  return readIdStream<MastodonStatus>(env, {
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
async function readFavourites(env: StreamEnv, sinceId: string | undefined): Promise<StreamResult> {
  const interactions: Interaction[] = [];
  let newestId: string | undefined;
  let read = 0;
  const first = sinceId === undefined;
  const end = await walkPages({
    ...walkBase(env),
    path: '/api/v1/favourites',
    query: first ? { limit: PAGE_LIMITS.favourites } : { limit: PAGE_LIMITS.favourites, min_id: sinceId },
    schema: MastodonStatuses,
    follow: first ? 'next' : 'prev',
    limit: PAGE_LIMITS.favourites,
    maxPages: env.maxPages,
    onPage: (items, links) => {
      newestId = maxId([newestId, minIdOf(links['prev'])].filter((id): id is string => id !== undefined));
      let recent = 0;
      for (const status of items) {
        if (first && Date.parse(status.created_at) < env.horizon) continue;
        recent++;
        const interaction = favouriteToInteraction(status, env.ownerId);
        if (interaction) interactions.push(interaction);
      }
      read += items.length;
      env.ctx.onProgress?.({ sourceId: env.sourceId, phase: 'favourites', done: read });
      return !(first && items.length > 0 && recent === 0);
    },
  });
  const { completeness, problems } = judge('favourites', '/api/v1/favourites', end, first);
  return { interactions, newestId, completeness, problems };
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

