/**
 * A local stand-in for a Mastodon instance's REST API, reproducing what the
 * followback source relies on (docs.joinmastodon.org/api/guidelines#pagination):
 *  - Link-header pagination: rel="next" carries `max_id` (older), rel="prev"
 *    carries `min_id` (immediately newer); `since_id` bounds results from below
 *    but still returns the newest; `min_id` returns the page right after it.
 *  - `limit` defaults and caps: 40/80 for accounts and notifications, 20/40 for
 *    statuses and favourites. Accounts, statuses and favourites omit rel="next"
 *    on a short page; notifications send it whenever the page is not empty.
 *  - Follow and favourite pages are keyed by internal record ids that are not in
 *    the payload (only in the Link header), as on the real server.
 *  - `X-RateLimit-Limit/Remaining/Reset`, Bearer token check (401 JSON error).
 *  - Notifications filtered by the owner's notification policy are only served
 *    with `include_filtered=true` (Mastodon 4.3+), which the Link URLs keep.
 *  - Programmable failures per route and per call: 429 with Retry-After, 5xx,
 *    a dropped connection, truncated JSON, a payload of the wrong shape.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = Record<string, unknown>;

export interface MastodonWorld {
  /** The authenticated account (verify_credentials). */
  me: Json;
  /** Accounts following you, newest follow first. */
  followers: Json[];
  /** Accounts you follow, newest follow first. */
  following: Json[];
  /** Notification entities, any order (served by id, newest first). */
  notifications: Json[];
  /**
   * Notifications the owner's notification policy filters (Mastodon 4.3+): left
   * out unless the request says `include_filtered=true`.
   */
  filteredNotifications?: Json[];
  /** Your statuses, any order. */
  statuses: Json[];
  /** Statuses you favourited, newest favourite first; `favouriteId` is the internal record id. */
  favourites: { favouriteId: string; status: Json }[];
}

export type Route = 'verify_credentials' | 'followers' | 'following' | 'notifications' | 'statuses' | 'favourites';

export type Failure =
  | 'ok'
  | { status: 429; retryAfter?: string }
  | { status: 401 | 403 | 404 | 500 | 502 | 503 }
  | 'drop'
  | 'truncate'
  | 'malformed';

export interface MastodonServerOptions {
  token: string;
  world: MastodonWorld;
  /** Requests per rate-limit window (the real default is 300 per 5 minutes). */
  rateLimit?: number;
}

export interface MastodonServer {
  readonly url: string;
  readonly world: MastodonWorld;
  /** Requests received per route (failed ones included). */
  readonly requests: Record<Route, number>;
  /** Every request URL (path + query) received, in order. */
  readonly log: { route: Route | 'unknown'; url: string; authorization: string | undefined }[];
  total(): number;
  /** Queue what the next calls of a route do: `fail('notifications', 'ok', 'drop')` drops the second call. */
  fail(route: Route, ...failures: Failure[]): void;
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: { route: Route; pattern: RegExp }[] = [
  { route: 'verify_credentials', pattern: /^\/api\/v1\/accounts\/verify_credentials$/ },
  { route: 'followers', pattern: /^\/api\/v1\/accounts\/([^/]+)\/followers$/ },
  { route: 'following', pattern: /^\/api\/v1\/accounts\/([^/]+)\/following$/ },
  { route: 'statuses', pattern: /^\/api\/v1\/accounts\/([^/]+)\/statuses$/ },
  { route: 'notifications', pattern: /^\/api\/v1\/notifications$/ },
  { route: 'favourites', pattern: /^\/api\/v1\/favourites$/ },
];

const LIMITS: Record<Exclude<Route, 'verify_credentials'>, { default: number; max: number; nextOnlyWhenFull: boolean }> = {
  followers: { default: 40, max: 80, nextOnlyWhenFull: true },
  following: { default: 40, max: 80, nextOnlyWhenFull: true },
  notifications: { default: 40, max: 80, nextOnlyWhenFull: false },
  statuses: { default: 20, max: 40, nextOnlyWhenFull: true },
  favourites: { default: 20, max: 40, nextOnlyWhenFull: true },
};

/** Decimal ids beyond 2^53 compare by length, then text. */
export function compareIdStrings(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Keyed {
  key: string;
  body: Json;
}

/** Mastodon's Paginable: max_id/since_id bound the range; min_id pages forward from an id. */
function paginate(items: Keyed[], query: URLSearchParams, limit: number): Keyed[] {
  const maxId = query.get('max_id');
  const sinceId = query.get('since_id');
  const minId = query.get('min_id');
  const inRange = items
    .filter((i) => (maxId ? compareIdStrings(i.key, maxId) < 0 : true))
    .filter((i) => (sinceId ? compareIdStrings(i.key, sinceId) > 0 : true))
    .filter((i) => (minId ? compareIdStrings(i.key, minId) > 0 : true))
    .sort((a, b) => compareIdStrings(b.key, a.key));
  if (minId) return inRange.slice(-limit);
  return inRange.slice(0, limit);
}

export async function startMastodonServer(options: MastodonServerOptions): Promise<MastodonServer> {
  const requests = emptyCounts();
  const log: MastodonServer['log'] = [];
  const plans = new Map<Route, Failure[]>();
  const rateLimit = options.rateLimit ?? 300;
  let windowStart = Date.now();
  let windowCount = 0;
  let baseUrl = '';

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `test server bug: ${String(err)}` }));
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const match = ROUTES.find((r) => r.pattern.test(url.pathname));
    log.push({ route: match?.route ?? 'unknown', url: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    if (!match || req.method !== 'GET') return send(res, 404, { error: 'Record not found' });
    const route = match.route;
    requests[route]++;

    const now = Date.now();
    if (now - windowStart >= 300_000) {
      windowStart = now;
      windowCount = 0;
    }
    windowCount++;
    const rateHeaders = {
      'x-ratelimit-limit': String(rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, rateLimit - windowCount)),
      'x-ratelimit-reset': new Date(windowStart + 300_000).toISOString(),
    };
    if (windowCount > rateLimit) return send(res, 429, { error: 'Too many requests' }, rateHeaders);

    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: 'The access token is invalid' }, rateHeaders);

    const failure = plans.get(route)?.shift() ?? 'ok';
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    if (typeof failure === 'object') {
      if (failure.status === 429) return send(res, 429, { error: 'Too many requests' }, { ...rateHeaders, ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}) });
      return send(res, failure.status, { error: failure.status >= 500 ? 'We are sorry, but something went wrong on our end.' : 'Forbidden' }, rateHeaders);
    }

    const { body, link } = answer(route, match.pattern.exec(url.pathname)?.[1], url);
    const headers: Record<string, string> = { ...rateHeaders, ...(link ? { link } : {}) };
    if (failure === 'truncate') {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    send(res, 200, failure === 'malformed' ? malform(body) : body, headers);
  }

  function answer(route: Route, accountId: string | undefined, url: URL): { body: unknown; link?: string } {
    const world = options.world;
    if (route === 'verify_credentials') return { body: world.me };
    if ((route === 'followers' || route === 'following' || route === 'statuses') && accountId !== world.me['id']) return { body: [] };
    const spec = LIMITS[route];
    const asked = Number(url.searchParams.get('limit') ?? spec.default);
    const limit = Math.max(1, Math.min(spec.max, Number.isFinite(asked) ? asked : spec.default));
    let items: Keyed[];
    switch (route) {
      case 'followers':
      case 'following': {
        const list = world[route];
        // Follow record ids: the newest follow has the largest id.
        items = list.map((account, i) => ({ key: String(list.length - i), body: account }));
        break;
      }
      case 'notifications': {
        const types = url.searchParams.getAll('types[]');
        const withFiltered = url.searchParams.get('include_filtered') === 'true' ? [...world.notifications, ...(world.filteredNotifications ?? [])] : world.notifications;
        items = withFiltered.filter((n) => types.length === 0 || types.includes(String(n['type']))).map((n) => ({ key: String(n['id']), body: n }));
        break;
      }
      case 'statuses':
        items = world.statuses.map((s) => ({ key: String(s['id']), body: s }));
        break;
      case 'favourites':
        items = world.favourites.map((f) => ({ key: f.favouriteId, body: f.status }));
        break;
    }
    const page = paginate(items, url.searchParams, limit);
    const links: string[] = [];
    const kept = new URLSearchParams();
    for (const key of ['limit', 'types[]', 'include_filtered']) for (const v of url.searchParams.getAll(key)) kept.append(key, v);
    const linkTo = (param: string, value: string) => {
      const q = new URLSearchParams(kept);
      q.set(param, value);
      return `${baseUrl}${url.pathname}?${q.toString()}`;
    };
    const last = page.at(-1);
    const first = page[0];
    if (last && (!spec.nextOnlyWhenFull || page.length === limit)) links.push(`<${linkTo('max_id', last.key)}>; rel="next"`);
    if (first) links.push(`<${linkTo(route === 'followers' || route === 'following' ? 'since_id' : 'min_id', first.key)}>; rel="prev"`);
    return { body: page.map((i) => i.body), ...(links.length > 0 ? { link: links.join(', ') } : {}) };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    world: options.world,
    requests,
    log,
    total: () => Object.values(requests).reduce((a, b) => a + b, 0),
    fail: (route, ...failures) => plans.set(route, [...(plans.get(route) ?? []), ...failures]),
    reset: () => {
      Object.assign(requests, emptyCounts());
      log.length = 0;
      plans.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function emptyCounts(): Record<Route, number> {
  return { verify_credentials: 0, followers: 0, following: 0, notifications: 0, statuses: 0, favourites: 0 };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The shape a buggy or hostile server might send: an id that is a number (item [3] of a list, or the object itself). */
function malform(body: unknown): unknown {
  if (Array.isArray(body)) {
    if (body.length === 0) return [{ id: 12345 }];
    const copy = [...body] as Json[];
    const index = Math.min(3, copy.length - 1);
    copy[index] = { ...copy[index], id: 12345 };
    return copy;
  }
  return { ...(body as Json), id: 12345 };
}
