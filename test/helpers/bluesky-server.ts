/**
 * A local XRPC server that plays a Bluesky PDS + AppView for one account, with
 * the lexicons' shapes: session lifecycle (createSession with its rate limit,
 * access-token expiry answered with 400 ExpiredToken, refresh-token rotation),
 * cursor paging with the lexicons' limit caps, RateLimit-* headers on every
 * answer, and faults programmable per route and call.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLabel {
  val: string;
  neg?: boolean;
}

export interface FakeProfile {
  did: string;
  handle: string;
  displayName?: string;
  description?: string;
  labels?: FakeLabel[];
  postsCount?: number;
  followersCount?: number;
  followsCount?: number;
}

export interface FakeNotification {
  uri: string;
  cid: string;
  author: FakeProfile;
  reason: string;
  reasonSubject?: string;
  record: unknown;
  isRead: boolean;
  indexedAt: string;
}

export interface FakeRecord {
  uri: string;
  cid: string;
  value: unknown;
}

export interface BlueskyWorld {
  account: { did: string; handle: string; password: string };
  /** Every actor the AppView knows; one missing here is deleted/deactivated (getProfiles leaves it out). */
  profiles: Map<string, FakeProfile>;
  /** DIDs, newest first. */
  followers: string[];
  follows: string[];
  /** Newest first. */
  notifications: FakeNotification[];
  /** Records of the account's repo by collection, newest record key first. */
  records: Map<string, FakeRecord[]>;
  /**
   * Accounts the AppView hides (left out of lists and getProfiles), and what
   * app.bsky.actor.getProfile answers for each: 400 AccountTakedown, 400
   * AccountDeactivated, or 400 InvalidRequest "Profile not found" (deleted);
   * `broken` answers 500 every time.
   */
  gone?: Map<string, 'takedown' | 'deactivated' | 'deleted' | 'broken'>;
  /** When each actor last posted or reposted (app.bsky.feed.getAuthorFeed's newest item); absent, the feed is empty. */
  lastPosts?: Map<string, { at: string; repost?: boolean; createdAt?: string }>;
  /** Handles com.atproto.identity.resolveHandle knows besides the account's own. */
  handles?: Map<string, string>;
  /**
   * The PLC directory this server also plays (GET /<did:plc:...>): DID documents
   * by DID. The account's own defaults to one naming this server as its PDS.
   */
  didDocs?: Map<string, unknown>;
  /**
   * When given, getFollowers and getFollows page like the AppView, by a keyset cursor (the follow's
   * sort key, larger is newer) instead of an offset: a cursor names a point in the list, which stays
   * put when follows arrive or leave. Keys by DID; the lists must be in descending key order.
   */
  followKeys?: Map<string, number>;
  /** False for an entryway that does not host the account: createSession refuses it. Default true. */
  hosted?: boolean;
  /**
   * False for a session without write access to the repo (an OAuth grant without the
   * `repo:app.bsky.graph.follow` scope): createRecord and deleteRecord answer 403. Default true.
   */
  canWrite?: boolean;
}

export type Fault =
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'rate-limit'; retryAfter?: string; resetInSec?: number }
  /** A 500 whose error message repeats the request's Authorization header, as a careless proxy might. */
  | { type: 'echo-authorization' }
  | { type: 'drop' }
  | { type: 'truncate' }
  | { type: 'malformed'; mutate: (body: Record<string, unknown>) => unknown };

export interface BlueskyServerOptions {
  world: BlueskyWorld;
  /** createSession calls allowed per 5 minutes (Bluesky: 30). */
  createSessionLimit?: number;
  /** The server's clock (epoch ms) for rate-limit windows. */
  now?: () => number;
  /** Requests allowed per 5-minute window by IP (Bluesky's PDS: 3,000); past it every request is answered 429. */
  globalLimit?: number;
}

const PUBLIC_ROUTES = new Set([
  'app.bsky.graph.getFollowers',
  'app.bsky.graph.getFollows',
  'app.bsky.actor.getProfiles',
  'app.bsky.actor.getProfile',
  'app.bsky.feed.getAuthorFeed',
  'com.atproto.repo.listRecords',
  'com.atproto.identity.resolveHandle',
]);
/** Bluesky's hosted PDS limits (bsky-docs, docs/advanced-guides/rate-limits.md): 3,000 API requests per 5 minutes by IP, 429 past them. */
const WINDOW_SEC = 300;
const GLOBAL_LIMIT = 3000;

class XrpcFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class FakeBlueskyServer {
  readonly world: BlueskyWorld;
  /** Requests per route (NSID), faults and failures included. */
  readonly counts = new Map<string, number>();
  /** Every Authorization header and body received, to prove no secret went where it should not. */
  readonly seen: { route: string; authorization?: string; body: string }[] = [];
  /** Every request's route and query string, in order (to prove no page was fetched twice), and the status answered (absent for a dropped connection). */
  readonly log: { route: string; query: string; status?: number }[] = [];
  /** Called as each request arrives, before it is answered (a test changes the world at a precise moment). */
  onRequest?: (route: string) => void;
  private readonly faults = new Map<string, Fault[]>();
  private readonly access = new Map<string, { expired: boolean }>();
  private readonly refresh = new Map<string, { expired: boolean; revoked: boolean }>();
  private createTimes: number[] = [];
  private windowStart: number;
  private windowCount = 0;
  private readonly now: () => number;
  private readonly createLimit: number;
  private readonly globalLimit: number;
  private tokenSeq = 0;
  private writeSeq = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: BlueskyServerOptions,
  ) {
    this.world = options.world;
    this.now = options.now ?? Date.now;
    this.createLimit = options.createSessionLimit ?? 30;
    this.globalLimit = options.globalLimit ?? GLOBAL_LIMIT;
    this.windowStart = this.now();
  }

  static async start(options: BlueskyServerOptions): Promise<FakeBlueskyServer> {
    let instance: FakeBlueskyServer | undefined;
    const server = createServer((req, res) => {
      void instance?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new FakeBlueskyServer(server, `http://127.0.0.1:${port}`, options);
    return instance;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  get totalRequests(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  resetCounts(): void {
    this.counts.clear();
  }

  /** Queues faults for the next calls of a route, one fault per call. */
  fail(route: string, ...faults: Fault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  /** Every access token issued so far now answers 400 ExpiredToken. */
  expireAccessTokens(): void {
    for (const state of this.access.values()) state.expired = true;
  }

  expireRefreshTokens(): void {
    for (const state of this.refresh.values()) state.expired = true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = url.pathname.startsWith('/xrpc/') ? url.pathname.slice('/xrpc/'.length) : url.pathname;
    this.counts.set(route, this.count(route) + 1);
    const entry: { route: string; query: string; status?: number } = { route, query: url.search };
    this.log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    this.onRequest?.(route);
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    this.seen.push({ route, body, ...(authorization !== undefined ? { authorization } : {}) });
    const limitHeaders = this.windowHeaders();
    if (this.windowCount > this.globalLimit) {
      send(res, 429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, limitHeaders);
      return;
    }

    const fault = this.faults.get(route)?.shift();
    if (fault?.type === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'status') {
      send(res, fault.status, fault.body ?? { error: 'InternalServerError', message: 'Internal Server Error' }, { ...limitHeaders, ...fault.headers });
      return;
    }
    if (fault?.type === 'echo-authorization') {
      send(res, 500, { error: 'InternalServerError', message: `upstream refused ${authorization ?? '(none)'}` }, limitHeaders);
      return;
    }
    if (fault?.type === 'rate-limit') {
      const headers: Record<string, string> = { ...limitHeaders, 'ratelimit-remaining': '0' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      if (fault.resetInSec !== undefined) headers['ratelimit-reset'] = String(Math.floor(this.now() / 1000) + fault.resetInSec);
      send(res, 429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, headers);
      return;
    }

    let status = 200;
    let payload: Record<string, unknown>;
    let extraHeaders: Record<string, string> = {};
    try {
      payload = this.route(route, req.method ?? 'GET', url.searchParams, body, authorization);
    } catch (err) {
      if (!(err instanceof XrpcFailure)) throw err;
      status = err.status;
      payload = { error: err.error, message: err.message };
      extraHeaders = err.headers;
    }
    if (status === 200 && fault?.type === 'malformed') payload = fault.mutate(payload) as Record<string, unknown>;
    if (status === 200 && fault?.type === 'truncate') {
      const text = JSON.stringify(payload);
      res.writeHead(200, { 'content-type': 'application/json', ...limitHeaders });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    send(res, status, payload, { ...limitHeaders, ...extraHeaders });
  }

  private route(route: string, method: string, q: URLSearchParams, body: string, authorization: string | undefined): Record<string, unknown> {
    if (route === 'com.atproto.server.createSession') {
      expectMethod(method, 'POST');
      return this.createSession(body);
    }
    if (route === 'com.atproto.server.refreshSession') {
      expectMethod(method, 'POST');
      return this.refreshSession(body, authorization);
    }
    if (route === 'com.atproto.repo.createRecord' || route === 'com.atproto.repo.deleteRecord') {
      expectMethod(method, 'POST');
      if (authorization === undefined) throw new XrpcFailure(401, 'AuthenticationRequired', 'Authentication Required');
      this.checkAccess(authorization);
      if (this.world.canWrite === false) throw new XrpcFailure(403, 'InsufficientScope', 'Missing required scope "repo:app.bsky.graph.follow"');
      return route === 'com.atproto.repo.createRecord' ? this.createRecord(body) : this.deleteRecord(body);
    }
    expectMethod(method, 'GET');
    if (route.startsWith('/did:')) return this.didDocument(decodeURIComponent(route.slice(1)));
    if (authorization !== undefined) this.checkAccess(authorization);
    else if (!PUBLIC_ROUTES.has(route)) throw new XrpcFailure(401, 'AuthenticationRequired', 'Authentication Required');

    const w = this.world;
    switch (route) {
      case 'app.bsky.graph.getFollowers':
      case 'app.bsky.graph.getFollows': {
        this.expectSelf(required(q, 'actor'));
        const list = route === 'app.bsky.graph.getFollowers' ? w.followers : w.follows;
        // The accounts the AppView shows, paged; then the page's views alone (a list of a million stays a list of DIDs).
        const shown = list.filter((did) => this.visible(did) !== undefined);
        const page = w.followKeys ? keysetPage(shown, w.followKeys, q, 50) : offsetPage(shown, q, 50);
        const views = page.items.map((did) => profileView(this.visible(did) as FakeProfile));
        // Read with the account's session, the AppView tells which listed accounts it follows (viewer.following: the record's URI).
        if (authorization !== undefined) for (const view of views) withViewerFollowing(view, w);
        const key = route === 'app.bsky.graph.getFollowers' ? 'followers' : 'follows';
        return { subject: profileView(this.selfProfile()), [key]: views, ...(page.cursor ? { cursor: page.cursor } : {}) };
      }
      case 'app.bsky.actor.getProfiles': {
        const actors = q.getAll('actors');
        if (actors.length === 0) throw new XrpcFailure(400, 'InvalidRequest', 'Error: Params must have the property "actors"');
        if (actors.length > 25) throw new XrpcFailure(400, 'InvalidRequest', 'Error: actors must not have more than 25 elements');
        const profiles = actors.map((a) => this.visible(a)).filter((p): p is FakeProfile => p !== undefined);
        return { profiles: profiles.map(profileViewDetailed) };
      }
      case 'app.bsky.actor.getProfile': {
        const actor = required(q, 'actor');
        // The AppView's own answers (packages/bsky/src/api/app/bsky/actor/getProfile.ts).
        const gone = w.gone?.get(actor);
        if (gone === 'takedown') throw new XrpcFailure(400, 'AccountTakedown', 'Account has been suspended');
        if (gone === 'deactivated') throw new XrpcFailure(400, 'AccountDeactivated', 'Account is deactivated');
        if (gone === 'broken') throw new XrpcFailure(500, 'InternalServerError', 'Internal Server Error');
        const profile = this.visible(actor);
        if (!profile) throw new XrpcFailure(400, 'InvalidRequest', 'Profile not found');
        return profileViewDetailed(profile);
      }
      case 'app.bsky.feed.getAuthorFeed': {
        const actor = required(q, 'actor');
        limitOf(q, 50);
        const profile = this.visible(actor);
        if (!profile) throw new XrpcFailure(400, 'InvalidRequest', 'Profile not found');
        const last = w.lastPosts?.get(actor);
        if (!last) return { feed: [] };
        const createdAt = last.createdAt ?? last.at;
        const post = { uri: `at://${actor}/app.bsky.feed.post/3lbkfeedpost2a`, cid: 'bafyfeed', author: profileView(profile), record: { $type: 'app.bsky.feed.post', text: 'hello', createdAt }, indexedAt: last.repost ? createdAt : last.at };
        const reason = last.repost ? { $type: 'app.bsky.feed.defs#reasonRepost', by: profileView(profile), indexedAt: last.at } : undefined;
        return { feed: [{ post, ...(reason ? { reason } : {}) }], cursor: 'next' };
      }
      case 'com.atproto.identity.resolveHandle': {
        const handle = required(q, 'handle').toLowerCase();
        const did = handle === w.account.handle ? w.account.did : w.handles?.get(handle);
        if (did === undefined) throw new XrpcFailure(400, 'HandleNotFound', 'Unable to resolve handle');
        return { did };
      }
      case 'app.bsky.notification.listNotifications': {
        const page = offsetPage(w.notifications, q, 50);
        return { notifications: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
      }
      case 'com.atproto.repo.listRecords': {
        this.expectSelf(required(q, 'repo'));
        const records = w.records.get(required(q, 'collection')) ?? [];
        const limit = limitOf(q, 50);
        const after = q.get('cursor');
        // Newest record key first, like the PDS; the cursor is the last record key returned.
        const rest = after ? records.filter((r) => rkey(r.uri) < after) : records;
        const items = rest.slice(0, limit);
        // Like the reference PDS (packages/pds/src/api/com/atproto/repo/listRecords.ts): a cursor whenever the page has records.
        const last = items.at(-1);
        return { records: items, ...(last ? { cursor: rkey(last.uri) } : {}) };
      }
      default:
        throw new XrpcFailure(501, 'MethodNotImplemented', 'Method Not Implemented');
    }
  }

  /** com.atproto.repo.createRecord of a follow: a new record key (sorting after every other), the follow listed. */
  private createRecord(body: string): Record<string, unknown> {
    const input = parseJson(body) as { repo?: unknown; collection?: unknown; record?: { $type?: unknown; subject?: unknown; createdAt?: unknown } } | undefined;
    if (typeof input?.repo !== 'string' || typeof input.collection !== 'string' || typeof input.record !== 'object') throw new XrpcFailure(400, 'InvalidRequest', 'Input must have the properties "repo", "collection", "record"');
    this.expectSelf(input.repo);
    if (input.collection !== 'app.bsky.graph.follow' || input.record.$type !== input.collection || typeof input.record.subject !== 'string' || !input.record.subject.startsWith('did:')) {
      throw new XrpcFailure(400, 'InvalidRecord', 'Record/subject must be a valid did');
    }
    this.writeSeq++;
    const key = `3zzzz${String(this.writeSeq).padStart(8, '2')}`;
    const uri = `at://${this.world.account.did}/${input.collection}/${key}`;
    const cid = `bafywrite${this.writeSeq}`;
    this.world.records.set(input.collection, [{ uri, cid, value: input.record }, ...(this.world.records.get(input.collection) ?? [])]);
    this.world.follows = [input.record.subject, ...this.world.follows.filter((d) => d !== input.record?.subject)];
    return { uri, cid, commit: { cid: `bafycommit${this.writeSeq}`, rev: key }, validationStatus: 'valid' };
  }

  /** com.atproto.repo.deleteRecord: a missing record is not an error (the reference PDS answers 200). */
  private deleteRecord(body: string): Record<string, unknown> {
    const input = parseJson(body) as { repo?: unknown; collection?: unknown; rkey?: unknown } | undefined;
    if (typeof input?.repo !== 'string' || typeof input.collection !== 'string' || typeof input.rkey !== 'string') throw new XrpcFailure(400, 'InvalidRequest', 'Input must have the properties "repo", "collection", "rkey"');
    this.expectSelf(input.repo);
    const records = this.world.records.get(input.collection) ?? [];
    const found = records.find((r) => rkey(r.uri) === input.rkey);
    if (found === undefined) return {};
    this.world.records.set(input.collection, records.filter((r) => r !== found));
    const subject = (found.value as { subject?: unknown }).subject;
    if (input.collection === 'app.bsky.graph.follow' && typeof subject === 'string') this.world.follows = this.world.follows.filter((d) => d !== subject);
    this.writeSeq++;
    return { commit: { cid: `bafycommit${this.writeSeq}`, rev: `rev${this.writeSeq}` } };
  }

  /** An actor the AppView shows: known, and not taken down, deactivated or deleted. */
  private visible(actor: string): FakeProfile | undefined {
    return this.world.gone?.has(actor) ? undefined : this.world.profiles.get(actor);
  }

  /** The PLC directory's answer: GET /<did> is the DID document, 404 "DID not registered" otherwise. */
  private didDocument(did: string): Record<string, unknown> {
    const doc = this.world.didDocs?.get(did);
    if (doc !== undefined) return doc as Record<string, unknown>;
    const { did: own, handle } = this.world.account;
    if (did !== own) throw new XrpcFailure(404, 'NotFound', `DID not registered: ${did}`);
    return didDoc(own, handle, this.url);
  }

  private createSession(body: string): Record<string, unknown> {
    const now = this.now();
    this.createTimes = this.createTimes.filter((t) => t > now - WINDOW_SEC * 1000);
    if (this.createTimes.length >= this.createLimit) {
      const reset = Math.ceil(((this.createTimes[0] ?? now) + WINDOW_SEC * 1000) / 1000);
      throw new XrpcFailure(429, 'RateLimitExceeded', 'Rate Limit Exceeded', {
        'ratelimit-limit': String(this.createLimit),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
        'ratelimit-policy': `${this.createLimit};w=${WINDOW_SEC}`,
      });
    }
    this.createTimes.push(now);
    const input = parseJson(body) as { identifier?: unknown; password?: unknown } | undefined;
    const account = this.world.account;
    const id = typeof input?.identifier === 'string' ? input.identifier.toLowerCase() : '';
    if (this.world.hosted === false || (id !== account.handle && id !== account.did) || input?.password !== account.password) {
      throw new XrpcFailure(401, 'AuthenticationRequired', 'Invalid identifier or password');
    }
    return this.issue();
  }

  private refreshSession(body: string, authorization: string | undefined): Record<string, unknown> {
    if (body.length > 0) throw new XrpcFailure(400, 'InvalidRequest', 'A request body was provided when none was expected');
    const token = bearerToken(authorization);
    const state = token === undefined ? undefined : this.refresh.get(token);
    if (!state || state.revoked) throw new XrpcFailure(400, 'InvalidToken', 'Token has been revoked');
    if (state.expired) throw new XrpcFailure(400, 'ExpiredToken', 'Token has expired');
    state.revoked = true; // rotation: a refresh token works once
    return this.issue();
  }

  private issue(): Record<string, unknown> {
    this.tokenSeq++;
    const accessJwt = `acc.${this.tokenSeq}.${randomBytes(12).toString('hex')}`;
    const refreshJwt = `ref.${this.tokenSeq}.${randomBytes(12).toString('hex')}`;
    this.access.set(accessJwt, { expired: false });
    this.refresh.set(refreshJwt, { expired: false, revoked: false });
    const { did, handle } = this.world.account;
    return { did, handle, accessJwt, refreshJwt, active: true };
  }

  private checkAccess(authorization: string): void {
    const token = bearerToken(authorization);
    const state = token === undefined ? undefined : this.access.get(token);
    if (!state) throw new XrpcFailure(400, 'InvalidToken', 'Token could not be verified');
    if (state.expired) throw new XrpcFailure(400, 'ExpiredToken', 'Token has expired');
  }

  private expectSelf(actor: string): void {
    const { did, handle } = this.world.account;
    if (actor !== did && actor !== handle) throw new XrpcFailure(400, 'InvalidRequest', `this fake only knows ${did}`);
  }

  private selfProfile(): FakeProfile {
    const { did, handle } = this.world.account;
    return this.world.profiles.get(did) ?? { did, handle };
  }

  /** RateLimit-* headers of the global per-IP window (3000 per 5 minutes unless `globalLimit` says otherwise). */
  private windowHeaders(): Record<string, string> {
    const now = this.now();
    if (now >= this.windowStart + WINDOW_SEC * 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount++;
    return {
      'ratelimit-limit': String(this.globalLimit),
      'ratelimit-remaining': String(Math.max(0, this.globalLimit - this.windowCount)),
      'ratelimit-reset': String(Math.ceil((this.windowStart + WINDOW_SEC * 1000) / 1000)),
      'ratelimit-policy': `${this.globalLimit};w=${WINDOW_SEC}`,
    };
  }
}

/** A DID document as the PLC directory serves it, naming `pds` as the account's #atproto_pds service. */
export function didDoc(did: string, handle: string, pds: string): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    alsoKnownAs: [`at://${handle}`],
    verificationMethod: [{ id: `${did}#atproto`, type: 'Multikey', controller: did, publicKeyMultibase: 'zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF' }],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: pds }],
  };
}

function profileView(p: FakeProfile): Record<string, unknown> {
  return {
    did: p.did,
    handle: p.handle,
    ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    avatar: `https://cdn.bsky.app/img/avatar/plain/${p.did}/bafkreiavatar@jpeg`,
    indexedAt: '2024-01-01T00:00:00.000Z',
    createdAt: '2023-06-01T00:00:00.000Z',
    viewer: { muted: false, blockedBy: false },
    labels: (p.labels ?? []).map((l) => ({ src: p.did, uri: `at://${p.did}`, val: l.val, ...(l.neg ? { neg: true } : {}), cts: '2024-01-01T00:00:00.000Z' })),
  };
}

function withViewerFollowing(view: Record<string, unknown>, w: BlueskyWorld): void {
  const record = w.records.get('app.bsky.graph.follow')?.find((r) => (r.value as { subject?: unknown } | null)?.subject === view['did']);
  if (record !== undefined) view['viewer'] = { ...(view['viewer'] as Record<string, unknown>), following: record.uri };
}

function profileViewDetailed(p: FakeProfile): Record<string, unknown> {
  return {
    ...profileView(p),
    followersCount: p.followersCount ?? 0,
    followsCount: p.followsCount ?? 0,
    postsCount: p.postsCount ?? 0,
    associated: { lists: 0, feedgens: 0, starterPacks: 0, labeler: false },
  };
}

function offsetPage<T>(items: readonly T[], q: URLSearchParams, defaultLimit: number): { items: T[]; cursor?: string } {
  const limit = limitOf(q, defaultLimit);
  const cursor = q.get('cursor');
  const start = cursor ? Number.parseInt(cursor, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new XrpcFailure(400, 'InvalidRequest', 'malformed cursor');
  const page = items.slice(start, start + limit);
  return start + limit < items.length ? { items: page, cursor: String(start + limit) } : { items: page };
}

function keysetPage(items: readonly string[], keys: Map<string, number>, q: URLSearchParams, defaultLimit: number): { items: string[]; cursor?: string } {
  const limit = limitOf(q, defaultLimit);
  const keyOf = (did: string): number => keys.get(did) ?? 0;
  const cursor = q.get('cursor');
  const after = cursor ? Number(cursor) : Number.POSITIVE_INFINITY;
  if (Number.isNaN(after)) throw new XrpcFailure(400, 'InvalidRequest', 'malformed cursor');
  const rest = items.filter((item) => keyOf(item) < after);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return rest.length > limit && last !== undefined ? { items: page, cursor: String(keyOf(last)) } : { items: page };
}

function limitOf(q: URLSearchParams, defaultLimit: number): number {
  const raw = q.get('limit');
  if (raw === null) return defaultLimit;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new XrpcFailure(400, 'InvalidRequest', 'Error: limit must be an integer between 1 and 100');
  return limit;
}

function required(q: URLSearchParams, name: string): string {
  const value = q.get(name);
  if (value === null || value === '') throw new XrpcFailure(400, 'InvalidRequest', `Error: Params must have the property "${name}"`);
  return value;
}

function expectMethod(actual: string, expected: string): void {
  if (actual !== expected) throw new XrpcFailure(400, 'InvalidRequest', `Incorrect HTTP method (${actual}) expected ${expected}`);
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  return match?.[1];
}

function rkey(uri: string): string {
  return uri.split('/').pop() ?? '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/**
 * A web host serving fixed files (a handle's `/.well-known/atproto-did`, a
 * did:web `/.well-known/did.json`), counting what it was asked.
 */
export class FakeWebHost {
  readonly counts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly files: Map<string, { status?: number; type: string; body: string }>,
  ) {}

  static async start(files: Record<string, { status?: number; type: string; body: string }>): Promise<FakeWebHost> {
    let instance: FakeWebHost | undefined;
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      instance?.counts.set(path, (instance.counts.get(path) ?? 0) + 1);
      const file = instance?.files.get(path);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(file.status ?? 200, { 'content-type': file.type });
      res.end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new FakeWebHost(server, `http://127.0.0.1:${port}`, new Map(Object.entries(files)));
    return instance;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The test's DNS: `https://<host>/...` for a listed host goes to its local
 * server; 127.0.0.1 passes; anything else fails as an unreachable host would,
 * so no test ever leaves the machine.
 */
export function hostsFetch(hosts: Record<string, string>): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const local = hosts[url.host];
    if (local !== undefined) return fetch(`${local}${url.pathname}${url.search}`, init);
    if (url.hostname === '127.0.0.1') return fetch(url, init);
    throw new TypeError(`fetch failed (no route to ${url.host} in this test)`);
  };
}
