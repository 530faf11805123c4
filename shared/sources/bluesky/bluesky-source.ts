/**
 * Bluesky (AT Protocol) as a followback source.
 *
 * Plain XRPC over the shared HttpClient rather than @atproto/api: a pull needs
 * a handful of documented endpoints, every response is validated with zod
 * against the lexicon, and the HttpClient already counts requests, retries,
 * paces on `RateLimit-*` headers and keeps tokens out of errors — which a
 * second HTTP stack would bypass.
 */
import type { Completeness, Interaction, SourcePull } from '../../domain/model.ts';
import { DAY_MS } from '../../domain/time.ts';
import type { PullContext, PullStepResult, SessionStore, Source } from '../../ports/source.ts';
import { HttpClient, type HttpClientOptions } from '../http/http-client.ts';
import { STOPPED_PROBLEM } from '../stopped.ts';
import { pullContacts } from './contacts.ts';
import { readCursor, writeCursor, type BlueskyCursor } from './cursor.ts';
import { pullNotifications } from './inbound.ts';
import { OWN_COLLECTIONS, pullOwnRecords, type OwnCollection, type OwnRecordsResult } from './outbound.ts';
import { problemOf } from './problems.ts';
import { IdentityResolver, isDid } from './identity.ts';
import { BlueskySession } from './session.ts';
import { BlueskyXrpc } from './xrpc.ts';
import { contactProblems, contactsCompleteness, MAX_CHECKPOINT_CHARS, newSteppedState, readSteps, readSteppedState, type SteppedState } from './stepped.ts';

/** A rate-limit wait up to this long is slept inside a pull step; a longer one ends the step. */
const DEFAULT_IN_STEP_WAIT_MS = 10_000;

export interface BlueskySourceOptions {
  id: string;
  /** The account's PDS or the bsky.social entryway. */
  serviceUrl: string;
  /** Optional public AppView (e.g. https://public.api.bsky.app) for follower lists and profiles. */
  appViewUrl?: string;
  /** The PLC directory that resolves did:plc to DID documents. Default https://plc.directory. */
  plcUrl?: string;
  /**
   * The policy figures that decide whose last post is worth a request (one
   * app.bsky.feed.getAuthorFeed each): followed accounts past `graceDays`, not
   * seen posting within `inactiveDays`. Default: the policy defaults (14, 180).
   */
  judging?: { graceDays: number; inactiveDays: number };
  handle: string;
  appPassword: string;
  /** Where the session (token pair) lives between runs. */
  sessions: SessionStore;
  backfillDays: number;
  /** Cap on pages of notifications and of each own-records collection (100 items a page); contact lists are read in full. */
  maxPages: number;
  /** Client settings (tests inject fetch, sleep, clock). */
  http?: Partial<HttpClientOptions>;
  /** Requests in flight at once to one host, at most (request-slots.ts; default 8). 1 asks them one after the other. */
  maxInFlight?: number;
}

export class BlueskySource implements Source {
  readonly platform = 'bluesky';
  readonly id: string;

  constructor(private readonly options: BlueskySourceOptions) {
    this.id = options.id;
  }

  /** The clock budget checks and rate-limit waits are read on: the HTTP client's (tests and simulations inject one). */
  private clockNow(): number {
    return (this.options.http?.now ?? Date.now)();
  }

  /**
   * The session store key of this source. The store is shared by every profile,
   * and two profiles may give their sources the same id: the handle keeps two
   * accounts from ever sharing (and overwriting) one session.
   */
  get sessionKey(): string {
    return `bluesky:${this.options.id}:${normaliseHandle(this.options.handle)}`;
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    const { options } = this;
    const signal = ctx.signal;
    const clients = new Set<HttpClient>();
    const client = (url: string): HttpClient => {
      const made = this.client(url);
      clients.add(made);
      return made;
    };
    const service = client(options.serviceUrl);
    const session = new BlueskySession({
      sourceId: options.id,
      key: this.sessionKey,
      store: options.sessions,
      pds: service,
      identifier: options.handle,
      appPassword: options.appPassword,
    });
    const identity = new IdentityResolver({
      service,
      plc: client(options.plcUrl ?? DEFAULT_PLC_URL),
      clientFor: (url) => this.client(url),
      fetch: options.http?.fetch ?? globalThis.fetch,
      timeoutMs: options.http?.timeoutMs ?? 30_000,
      ...(signal ? { signal } : {}),
    });
    const problems: string[] = [];
    const located = await this.locate(identity, session, problems, signal);
    // Signing in, refreshing and the owner's records go to the account's own PDS when it is not the configured service.
    const pdsUrl = located.pdsUrl !== undefined && !sameUrl(located.pdsUrl, options.serviceUrl) ? located.pdsUrl : options.serviceUrl;
    const pds = pdsUrl === options.serviceUrl ? service : client(pdsUrl);
    session.usePds(pds);
    const appView = options.appViewUrl !== undefined && !sameUrl(options.appViewUrl, pdsUrl) ? client(options.appViewUrl) : undefined;
    const owner = await session.start(signal);
    if (located.did !== undefined && located.did !== owner.did) {
      problems.push(`the handle ${options.handle} resolves to ${located.did}, but the PDS signed in ${owner.did}; check the configured handle`);
    }
    const xrpc = new BlueskyXrpc(pds, appView, session, signal, options.maxInFlight);
    const requests = (): number => [...clients].reduce((n, c) => n + c.requests, 0) + identity.requests;

    const reading = readCursor(ctx.cursor);
    if (!reading.ok) problems.push(reading.problem);
    const previous = reading.ok ? reading.cursor : undefined;
    const horizonMs = ctx.now.getTime() - options.backfillDays * DAY_MS;
    const progress = (phase: string) => (done: number) => ctx.onProgress?.({ sourceId: options.id, phase, done });
    const common = { ownerDid: owner.did, horizonMs, maxPages: options.maxPages, ...(signal ? { signal } : {}) };

    // Inbound first: its follow notifications date when followers started following.
    const notifications = await pullNotifications(xrpc, { ...common, seenAt: previous?.notificationsSeenAt, onPage: progress('notifications') });
    const own: Record<OwnCollection, OwnRecordsResult> = {
      likes: await pullOwnRecords(xrpc, { ...common, collection: 'likes', sinceRkey: previous?.likesSince, onPage: progress('likes') }),
      reposts: await pullOwnRecords(xrpc, { ...common, collection: 'reposts', sinceRkey: previous?.repostsSince, onPage: progress('reposts') }),
      posts: await pullOwnRecords(xrpc, { ...common, collection: 'posts', sinceRkey: previous?.postsSince, onPage: progress('posts') }),
    };
    const judging = options.judging ?? DEFAULT_JUDGING;
    const contacts = await pullContacts(xrpc, {
      ownerDid: owner.did,
      followerSince: notifications.followerSince,
      sourceId: options.id,
      nowMs: ctx.now.getTime(),
      lastPosts: { ...judging, seenPosting: seenPosting(notifications.interactions) },
      ...(ctx.known ? { known: ctx.known } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      ...(signal ? { signal } : {}),
    });

    const firstPull = previous?.notificationsSeenAt === undefined;
    const inbound = judgeNotifications(notifications, firstPull, options.maxPages, problems);
    const parts: Completeness[] = [inbound.completeness];
    const next: BlueskyCursor = { v: 1 };
    for (const name of ['likes', 'reposts', 'posts'] as const) {
      const part = own[name];
      parts.push(judgeRecords(name, part, options.maxPages, problems));
      const since = part.complete ? (part.newestRkey ?? previous?.[sinceKey[name]]) : previous?.[sinceKey[name]];
      if (since !== undefined) next[sinceKey[name]] = since;
    }
    const seenAt = inbound.advance ? (notifications.newestAt ?? previous?.notificationsSeenAt) : previous?.notificationsSeenAt;
    if (seenAt !== undefined) next.notificationsSeenAt = seenAt;
    const historySince = previous?.historySince ?? inbound.historySince ?? new Date(horizonMs).toISOString();
    next.historySince = historySince;
    problems.push(...contacts.problems, ...session.problems);
    // Stopped by the signal (the run's time limit): what was read is handed back; the cursor moves only past what was read.
    if (notifications.stopped || own.likes.stopped || own.reposts.stopped || own.posts.stopped || contacts.stopped) problems.push(STOPPED_PROBLEM);

    const interactions: Interaction[] = [...notifications.interactions, ...own.likes.interactions, ...own.reposts.interactions, ...own.posts.interactions];
    return {
      sourceId: options.id,
      platform: this.platform,
      takenAt: ctx.now.toISOString(),
      owner: { id: owner.did, handle: owner.handle },
      contacts: contacts.contacts,
      interactions,
      contactsCompleteness: contacts.completeness,
      interactionsCompleteness: combine(parts),
      historySince,
      cursor: writeCursor(next),
      problems,
      requests: requests(),
    };
  }

  /**
   * One bounded step of a pull (see stepped.ts): every list reads from the
   * cursor it stopped at until the step's budget is spent or the rate limit
   * asks for a long wait, then hands back what it read and a checkpoint. The
   * session is the stored one (sealed, refreshed as usual) in every step; only
   * the first step locates the account. Without a budget or a checkpoint this
   * is `pull`.
   */
  async pullStep(ctx: PullContext): Promise<PullStepResult> {
    const budget = ctx.budget;
    const resumed = readSteppedState(ctx.checkpoint);
    if (budget === undefined && resumed === undefined) return { pull: await this.pull(ctx) };
    const { options } = this;
    const signal = ctx.signal;
    const inStepWaitMs = budget?.inStepWaitMs ?? DEFAULT_IN_STEP_WAIT_MS;
    const clients = new Set<HttpClient>();
    const client = (url: string): HttpClient => {
      const made = this.client(url, budget ? inStepWaitMs : undefined);
      clients.add(made);
      return made;
    };
    const service = client(options.serviceUrl);
    const session = new BlueskySession({ sourceId: options.id, key: this.sessionKey, store: options.sessions, pds: service, identifier: options.handle, appPassword: options.appPassword });
    let identityRequests = 0;
    let pds = service;
    let state: SteppedState;
    if (resumed !== undefined) {
      state = resumed;
      if (!sameUrl(state.owner.pdsUrl, options.serviceUrl)) pds = client(state.owner.pdsUrl);
    } else {
      const identity = new IdentityResolver({
        service,
        plc: client(options.plcUrl ?? DEFAULT_PLC_URL),
        clientFor: (url) => this.client(url),
        fetch: options.http?.fetch ?? globalThis.fetch,
        timeoutMs: options.http?.timeoutMs ?? 30_000,
        ...(signal ? { signal } : {}),
      });
      const problems: string[] = [];
      const located = await this.locate(identity, session, problems, signal);
      const pdsUrl = located.pdsUrl !== undefined && !sameUrl(located.pdsUrl, options.serviceUrl) ? located.pdsUrl : options.serviceUrl;
      if (pdsUrl !== options.serviceUrl) pds = client(pdsUrl);
      session.usePds(pds);
      const owner = await session.start(signal);
      identityRequests = identity.requests;
      if (located.did !== undefined && located.did !== owner.did) problems.push(`the handle ${options.handle} resolves to ${located.did}, but the PDS signed in ${owner.did}; check the configured handle`);
      const reading = readCursor(ctx.cursor);
      if (!reading.ok) problems.push(reading.problem);
      state = newSteppedState({ did: owner.did, handle: owner.handle, pdsUrl }, problems);
    }
    session.usePds(pds);
    const appView = options.appViewUrl !== undefined && !sameUrl(options.appViewUrl, state.owner.pdsUrl) ? client(options.appViewUrl) : undefined;
    const xrpc = new BlueskyXrpc(pds, appView, session, signal, options.maxInFlight);

    let started = 0;
    let waitUntil: number | undefined;
    const blocked = (): number | undefined => {
      const until = [pds, ...(appView ? [appView] : [])].map((c) => c.blockedUntil()).filter((t): t is number => t !== undefined);
      return until.length === 0 ? undefined : Math.max(...until);
    };
    const blockedLong = (): boolean => {
      if (!budget) return false;
      const until = blocked();
      if (until !== undefined && until - this.clockNow() > inStepWaitMs) {
        waitUntil = Math.max(waitUntil ?? 0, until);
        return true;
      }
      return false;
    };
    const gate = {
      pause: (): boolean => {
        if (!budget || signal?.aborted) return false;
        if (blockedLong()) return true;
        if (this.clockNow() >= budget.deadline) return true;
        if (budget.maxRequests !== undefined && started >= budget.maxRequests) return true;
        started++;
        return false;
      },
      spent: (n: number): void => {
        started += n;
      },
      blockedLong,
      ...(signal ? { signal } : {}),
    };

    const reading = readCursor(ctx.cursor);
    const previous = reading.ok ? reading.cursor : undefined;
    const horizonMs = ctx.now.getTime() - options.backfillDays * DAY_MS;
    const read = await readSteps(xrpc, {
      state,
      gate,
      since: {
        ...(previous?.notificationsSeenAt !== undefined ? { notificationsSeenAt: previous.notificationsSeenAt } : {}),
        ...(previous?.likesSince !== undefined ? { likesSince: previous.likesSince } : {}),
        ...(previous?.repostsSince !== undefined ? { repostsSince: previous.repostsSince } : {}),
        ...(previous?.postsSince !== undefined ? { postsSince: previous.postsSince } : {}),
      },
      horizonMs,
      maxPages: options.maxPages,
      nowMs: ctx.now.getTime(),
      judging: options.judging ?? DEFAULT_JUDGING,
      sourceId: options.id,
      ...(ctx.known ? { known: ctx.known } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });

    // The verdicts of a whole pull, on what the steps so far read.
    const problems = [...state.problems];
    const firstPull = previous?.notificationsSeenAt === undefined;
    const n = state.notifications;
    const inbound = judgeNotifications({ ...n, items: { length: n.items }, ...(n.error !== undefined ? { error: new Error(n.error) } : {}) }, firstPull, options.maxPages, problems);
    const parts: Completeness[] = [n.done ? inbound.completeness : n.items === 0 ? 'failed' : 'partial'];
    const next: BlueskyCursor = { v: 1 };
    for (const name of ['likes', 'reposts', 'posts'] as const) {
      const part = state.records[name];
      parts.push(part.done ? judgeRecords(name, { ...part, items: { length: part.items }, ...(part.error !== undefined ? { error: new Error(part.error) } : {}) }, options.maxPages, problems) : part.items === 0 ? 'failed' : 'partial');
      const since = part.complete ? (part.newestRkey ?? previous?.[sinceKey[name]]) : previous?.[sinceKey[name]];
      if (since !== undefined) next[sinceKey[name]] = since;
    }
    const seenAt = n.done && inbound.advance ? (n.newestAt ?? previous?.notificationsSeenAt) : previous?.notificationsSeenAt;
    if (seenAt !== undefined) next.notificationsSeenAt = seenAt;
    const historySince = previous?.historySince ?? (n.done ? inbound.historySince : undefined) ?? new Date(horizonMs).toISOString();
    next.historySince = historySince;
    if (read.finished) problems.push(...contactProblems(state));
    problems.push(...session.problems);
    const lists = [n, state.records.likes, state.records.reposts, state.records.posts, state.follows, state.followRecords, state.followers];
    if (lists.some((l) => l.stopped)) problems.push(STOPPED_PROBLEM);

    const pull: SourcePull = {
      sourceId: options.id,
      platform: this.platform,
      takenAt: ctx.now.toISOString(),
      owner: { id: state.owner.did, handle: state.owner.handle },
      contacts: read.contacts,
      interactions: read.interactions,
      contactsCompleteness: read.finished ? contactsCompleteness(state) : state.followers.items + state.follows.items === 0 ? 'failed' : 'partial',
      interactionsCompleteness: combine(parts),
      historySince,
      cursor: writeCursor(next),
      problems: [...new Set(problems)],
      requests: [...clients].reduce((total, c) => total + c.requests, 0) + identityRequests,
    };
    if (read.finished || !budget || signal?.aborted) return { pull };
    const checkpoint = JSON.stringify(state);
    if (checkpoint.length > MAX_CHECKPOINT_CHARS) throw new Error(`the Bluesky checkpoint grew to ${checkpoint.length} characters, over ${MAX_CHECKPOINT_CHARS}`);
    return { pull, checkpoint, ...(waitUntil !== undefined ? { waitMs: Math.max(0, waitUntil - this.clockNow()) } : {}) };
  }

  /**
   * The account's DID and PDS: the stored session's DID (no request) or the
   * handle resolved, then its DID document. When either step fails the pull
   * goes on at `serviceUrl`, as it would for an account hosted there, and says so.
   */
  private async locate(identity: IdentityResolver, session: BlueskySession, problems: string[], signal: AbortSignal | undefined): Promise<{ did?: string; pdsUrl?: string }> {
    const handle = this.options.handle.trim();
    let did: string;
    try {
      did = isDid(handle) ? handle : ((await session.storedDid()) ?? (await identity.resolveHandle(handle)));
    } catch (err) {
      if (!signal?.aborted) problems.push(`could not locate the account's PDS, signed in at ${this.options.serviceUrl}: ${problemOf(err)}`);
      return {};
    }
    try {
      return { did, pdsUrl: await identity.resolvePds(did) };
    } catch (err) {
      if (!signal?.aborted) problems.push(`could not read the DID document of ${did}, signed in at ${this.options.serviceUrl}: ${problemOf(err)}`);
      return { did };
    }
  }

  private client(baseUrl: string, maxRateLimitWaitMs?: number): HttpClient {
    // In a step, a long rate-limit wait ends the step (the next one starts after the reset) instead of sleeping.
    return new HttpClient({ ...this.options.http, ...(maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs } : {}), baseUrl, sourceId: this.options.id });
  }
}

const sinceKey = { likes: 'likesSince', reposts: 'repostsSince', posts: 'postsSince' } as const;
export const DEFAULT_PLC_URL = 'https://plc.directory';
const DEFAULT_JUDGING = { graceDays: 14, inactiveDays: 180 };

/** Accounts this pull saw posting (a reply, mention or quote to the owner), with the newest date. */
export function seenPosting(interactions: readonly Interaction[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const i of interactions) {
    if (i.direction !== 'inbound' || (i.kind !== 'reply' && i.kind !== 'mention' && i.kind !== 'quote')) continue;
    const known = seen.get(i.contactId);
    if (known === undefined || i.at > known) seen.set(i.contactId, i.at);
  }
  return seen;
}

/** What the verdicts read of a list: a whole pull's collected list, or a stepped pull's counts. */
export interface ListPart {
  complete: boolean;
  stopped: boolean;
  hitPageCap: boolean;
  error?: unknown;
  items: { length: number };
}
export interface NotificationsPart extends ListPart {
  oldestAt?: string;
}
export interface RecordsPart extends ListPart {
  invalid: number;
}

export interface InboundVerdict {
  completeness: Completeness;
  /** Whether the stop point may move to the newest notification fetched. */
  advance: boolean;
  /** Set when a first pull could not reach the horizon: coverage starts at the oldest notification read. */
  historySince?: string;
}

export function judgeNotifications(part: NotificationsPart, firstPull: boolean, maxPages: number, problems: string[]): InboundVerdict {
  const what = 'notifications (app.bsky.notification.listNotifications)';
  if (part.complete) return { completeness: 'complete', advance: true };
  if (part.stopped) {
    // A first pull keeps what it read, newest first: coverage starts at the oldest notification read, as at the page cap.
    // A later pull leaves a gap behind the previous stop point: that stays put, so the next pull fills the gap.
    if (firstPull && part.items.length > 0) return { completeness: 'partial', advance: true, ...(part.oldestAt !== undefined ? { historySince: part.oldestAt } : {}) };
    return { completeness: part.items.length === 0 ? 'failed' : 'partial', advance: false };
  }
  if (part.hitPageCap && firstPull) {
    // Everything newer than the oldest notification read is there: history simply starts later.
    problems.push(`${what}: stopped after maxPages=${maxPages} pages; history starts at ${part.oldestAt ?? 'the oldest notification read'}`);
    return { completeness: 'complete', advance: true, ...(part.oldestAt !== undefined ? { historySince: part.oldestAt } : {}) };
  }
  // A gap between the previous stop point and what was read: keep the stop point so the next pull fills it.
  problems.push(part.hitPageCap ? `${what}: stopped after maxPages=${maxPages} pages; the rest is read next time` : `${what}: ${problemOf(part.error)}`);
  return { completeness: part.items.length === 0 && !part.hitPageCap ? 'failed' : 'partial', advance: false };
}

export function judgeRecords(name: OwnCollection, part: RecordsPart, maxPages: number, problems: string[]): Completeness {
  const what = `${name} (com.atproto.repo.listRecords ${OWN_COLLECTIONS[name]})`;
  if (part.invalid > 0) problems.push(`${what}: ${part.invalid} record(s) not matching the lexicon were skipped`);
  if (part.complete) return 'complete';
  if (part.stopped) return part.items.length === 0 ? 'failed' : 'partial';
  problems.push(part.hitPageCap ? `${what}: stopped after maxPages=${maxPages} pages; the rest is read next time` : `${what}: ${problemOf(part.error)}`);
  return part.items.length === 0 && !part.hitPageCap ? 'failed' : 'partial';
}

export function combine(parts: readonly Completeness[]): Completeness {
  if (parts.every((p) => p === 'complete')) return 'complete';
  if (parts.every((p) => p === 'failed')) return 'failed';
  return 'partial';
}

/** Handles (and DIDs, emails) are case-insensitive. */
function normaliseHandle(handle: string): string {
  return handle.trim().toLowerCase();
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}
