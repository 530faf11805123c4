/**
 * A local stand-in for the X API v2 (api.x.com) on 127.0.0.1, reproducing what the X reader relies
 * on. Where each behaviour comes from (xdevplatform/docs, as of 2026-08-22):
 *  - the routes, their parameters and `max_results` ranges: openapi.json (`/2/users/me`;
 *    `/2/users/{id}/mentions` and `/tweets` 5–100, default 10, with since_id/until_id/start_time/
 *    pagination_token, `exclude` on /tweets; `/2/tweets/{id}/liking_users` and `/retweeted_by` 1–100,
 *    default 100; `/2/users/{id}/followers` and `/following` 1–1000, pagination tokens of at least 16
 *    characters);
 *  - list answers `{ data, includes, meta: { result_count, next_token, newest_id, oldest_id } }` with
 *    `data` left out when empty, newest first (x-api/posts/timelines/quickstart/user-mention-quickstart.mdx);
 *    `expansions=author_id` puts the authors in `includes.users`;
 *  - liking_users gives at most 100 users per post, ever (x-api/posts/likes/introduction.mdx);
 *  - rate limits per endpoint in 15-minute windows with `x-rate-limit-limit`, `-remaining` and
 *    `-reset` (epoch seconds) on every answer, and a 429 with `{"errors":[{"code":88,"message":"Rate
 *    limit exceeded"}]}` past the limit (x-api/fundamentals/rate-limits.mdx; per-user limits of that
 *    page: mentions 300, tweets 900, liking_users and retweeted_by 75, followers and following 300,
 *    users/me 75);
 *  - errors `{ title, detail, type, status }` (response-codes-and-errors.mdx): a bad token answers 401
 *    `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`; a token
 *    without a scope the route needs (openapi.json `security`: like.read for liking_users, follows.read
 *    for the lists) the generic 403 `Forbidden` (seen in public client code; the docs say only
 *    "User-context endpoints need appropriate OAuth scopes"); a bad parameter 400 `invalid-request`;
 *    a usage cap a 429 of type `usage-capped`.
 *  - every request is logged with its route, `max_results` and how many resources it returned, so
 *    tests can price what X would bill (pricing.mdx: per resource returned; failed requests are free).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = Record<string, unknown>;

export interface XWorld {
  /** The authenticated user (`/2/users/me`): id, username, name, created_at, public_metrics. */
  me: Json;
  /** Posts mentioning you (any order; served newest id first). */
  mentions: Json[];
  /** Your own posts (any order), with `public_metrics`. */
  posts: Json[];
  /** Post id → users who liked it, newest first. */
  likers: Record<string, Json[]>;
  /** Post id → users who reposted it, newest first. */
  reposters: Record<string, Json[]>;
  /** Users following you, newest first. */
  followers: Json[];
  /** Users you follow, newest first. */
  following: Json[];
}

export type XRoute = 'me' | 'mentions' | 'tweets' | 'liking_users' | 'retweeted_by' | 'followers' | 'following';

export type XFailure =
  | 'ok'
  /** 429; `reset` epoch seconds (default the window's end). */
  | { status: 429; reset?: number; usageCapped?: boolean }
  | { status: 400 | 401 | 403 | 404 | 500 | 503; body?: Json }
  | { status: 402; body?: Json }
  | 'drop'
  | 'truncate'
  | 'malformed';

export interface XServerOptions {
  token: string;
  world: XWorld;
  /** Scopes of the token; default the read-only set followback asks for. */
  scopes?: string[];
  /** Epoch ms; tests share a fake clock with the client. Default Date.now. */
  now?: () => number;
  /** Requests per 15-minute window per route (default X's per-user limits). */
  rateLimits?: Partial<Record<XRoute, number>>;
}

export interface XLogEntry {
  route: XRoute | 'unknown';
  url: string;
  maxResults?: number;
  status: number;
  /** Resources in `data` of a 2xx answer (what X bills). */
  returned: number;
  authorization: string | undefined;
}

export interface XServer {
  readonly url: string;
  readonly world: XWorld;
  readonly log: XLogEntry[];
  count(route: XRoute): number;
  /** Queue what the next calls of a route do. */
  fail(route: XRoute, ...failures: XFailure[]): void;
  reset(): void;
  close(): Promise<void>;
}

export const X_READ_SCOPES = ['tweet.read', 'users.read', 'follows.read', 'like.read', 'offline.access'];

const ROUTES: { route: XRoute; pattern: RegExp }[] = [
  { route: 'me', pattern: /^\/2\/users\/me$/ },
  { route: 'mentions', pattern: /^\/2\/users\/([^/]+)\/mentions$/ },
  { route: 'tweets', pattern: /^\/2\/users\/([^/]+)\/tweets$/ },
  { route: 'liking_users', pattern: /^\/2\/tweets\/([^/]+)\/liking_users$/ },
  { route: 'retweeted_by', pattern: /^\/2\/tweets\/([^/]+)\/retweeted_by$/ },
  { route: 'followers', pattern: /^\/2\/users\/([^/]+)\/followers$/ },
  { route: 'following', pattern: /^\/2\/users\/([^/]+)\/following$/ },
];

const LIMITS: Record<Exclude<XRoute, 'me'>, { min: number; max: number; default: number }> = {
  mentions: { min: 5, max: 100, default: 10 },
  tweets: { min: 5, max: 100, default: 10 },
  liking_users: { min: 1, max: 100, default: 100 },
  retweeted_by: { min: 1, max: 100, default: 100 },
  followers: { min: 1, max: 1000, default: 100 },
  following: { min: 1, max: 1000, default: 100 },
};

const RATE_LIMITS: Record<XRoute, number> = { me: 75, mentions: 300, tweets: 900, liking_users: 75, retweeted_by: 75, followers: 300, following: 300 };
const WINDOW_S = 15 * 60;

const SCOPES_NEEDED: Record<XRoute, string[]> = {
  me: ['tweet.read', 'users.read'],
  mentions: ['tweet.read', 'users.read'],
  tweets: ['tweet.read', 'users.read'],
  liking_users: ['tweet.read', 'users.read', 'like.read'],
  retweeted_by: ['tweet.read', 'users.read'],
  followers: ['tweet.read', 'users.read', 'follows.read'],
  following: ['tweet.read', 'users.read', 'follows.read'],
};

export const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
export const FORBIDDEN = { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' };

/** Decimal ids beyond 2^53 compare by length, then text. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An opaque token for an offset (base32hex-looking, at least 16 characters as the openapi asks). */
function tokenFor(offset: number): string {
  return `7140dibdnow9c7bt${offset.toString(32).padStart(6, '0')}`;
}
function offsetOf(token: string | null): number | undefined {
  if (token === null) return 0;
  const m = /^7140dibdnow9c7bt([0-9a-v]{6})$/.exec(token);
  return m?.[1] !== undefined ? parseInt(m[1], 32) : undefined;
}

function invalid(parameter: string, value: string, message: string): Json {
  return {
    errors: [{ parameters: { [parameter]: [value] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.x.com/2/problems/invalid-request',
  };
}

export async function startXServer(options: XServerOptions): Promise<XServer> {
  const log: XLogEntry[] = [];
  const plans = new Map<XRoute, XFailure[]>();
  const clock = options.now ?? Date.now;
  const windows = new Map<XRoute, { key: number; count: number }>();
  let baseUrl = '';

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      send(res, 500, { title: 'Internal Server Error', detail: `test server bug: ${String(err)}`, type: 'about:blank', status: 500 });
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const match = ROUTES.find((r) => r.pattern.test(url.pathname));
    const maxText = url.searchParams.get('max_results');
    const entry: XLogEntry = {
      route: match?.route ?? 'unknown',
      url: `${url.pathname}${url.search}`,
      ...(maxText !== null ? { maxResults: Number(maxText) } : {}),
      status: 0,
      returned: 0,
      authorization: req.headers.authorization,
    };
    log.push(entry);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      send(res, status, body, headers);
    };
    if (!match || req.method !== 'GET') return reply(404, { title: 'Not Found Error', detail: 'Sorry, that page does not exist', type: 'about:blank', status: 404 });
    const route = match.route;
    const id = match.pattern.exec(url.pathname)?.[1];

    // Rate limit: fixed 15-minute windows per route (a stand-in for X's per-endpoint windows).
    const nowS = Math.floor(clock() / 1000);
    const key = Math.floor(nowS / WINDOW_S);
    const w = windows.get(route);
    const win = w !== undefined && w.key === key ? w : { key, count: 0 };
    win.count++;
    windows.set(route, win);
    const limit = options.rateLimits?.[route] ?? RATE_LIMITS[route];
    const reset = (key + 1) * WINDOW_S;
    const rateHeaders = { 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': String(Math.max(0, limit - win.count)), 'x-rate-limit-reset': String(reset) };
    if (win.count > limit) return reply(429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, { ...rateHeaders, 'x-rate-limit-remaining': '0' });

    if (req.headers.authorization !== `Bearer ${options.token}`) return reply(401, UNAUTHORIZED, rateHeaders);
    const scopes = options.scopes ?? X_READ_SCOPES;
    if (!SCOPES_NEEDED[route].every((s) => scopes.includes(s))) return reply(403, FORBIDDEN, rateHeaders);

    const failure = plans.get(route)?.shift() ?? 'ok';
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    if (typeof failure === 'object') {
      if (failure.status === 429) {
        const body = failure.usageCapped
          ? { title: 'UsageCapExceeded', detail: 'Usage cap exceeded: Monthly product cap', type: 'https://api.x.com/2/problems/usage-capped' }
          : { errors: [{ code: 88, message: 'Rate limit exceeded' }] };
        return reply(429, body, { ...rateHeaders, 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(failure.reset ?? reset) });
      }
      const body = failure.body ?? (failure.status === 403 ? FORBIDDEN : failure.status === 401 ? UNAUTHORIZED : { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: failure.status });
      return reply(failure.status, body, rateHeaders);
    }

    const answer = answerFor(route, id, url);
    if ('error' in answer) return reply(400, answer.error, rateHeaders);
    entry.returned = answer.returned;
    if (failure === 'truncate') {
      const text = JSON.stringify(answer.body);
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders });
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    reply(200, failure === 'malformed' ? malform(answer.body) : answer.body, rateHeaders);
  }

  function answerFor(route: XRoute, id: string | undefined, url: URL): { body: Json; returned: number } | { error: Json } {
    const world = options.world;
    if (route === 'me') return { body: { data: pick(world.me, url.searchParams.get('user.fields')) }, returned: 1 };
    const spec = LIMITS[route];
    const maxText = url.searchParams.get('max_results');
    const max = maxText === null ? spec.default : Number(maxText);
    if (!Number.isInteger(max) || max < spec.min || max > spec.max) {
      return { error: invalid('max_results', String(maxText), `The \`max_results\` query parameter value [${String(maxText)}] is not between ${spec.min} and ${spec.max}`) };
    }
    const tokenText = url.searchParams.get('pagination_token');
    const offset = offsetOf(tokenText);
    if (offset === undefined) return { error: invalid('pagination_token', String(tokenText), 'The `pagination_token` query parameter value is not valid') };

    let items: Json[];
    let timeline = false;
    switch (route) {
      case 'mentions':
      case 'tweets': {
        if (id !== world.me['id']) return { body: { meta: { result_count: 0 } }, returned: 0 };
        timeline = true;
        const since = url.searchParams.get('since_id');
        const until = url.searchParams.get('until_id');
        const start = url.searchParams.get('start_time');
        if (since !== null && until !== null && compareIds(since, until) >= 0) return { error: invalid('since_id', since, 'since_id must be less than until_id') };
        items = (route === 'mentions' ? world.mentions : world.posts)
          .filter((p) => since === null || compareIds(String(p['id']), since) > 0)
          .filter((p) => until === null || compareIds(String(p['id']), until) < 0)
          .filter((p) => start === null || Date.parse(String(p['created_at'])) >= Date.parse(start))
          .sort((a, b) => compareIds(String(b['id']), String(a['id'])));
        // The mentions timeline holds the 800 most recent; the user timeline 3,200.
        items = items.slice(0, route === 'mentions' ? 800 : 3200);
        break;
      }
      case 'liking_users':
        items = (world.likers[id ?? ''] ?? []).slice(0, 100);
        break;
      case 'retweeted_by':
        items = world.reposters[id ?? ''] ?? [];
        break;
      case 'followers':
      case 'following':
        if (id !== world.me['id']) return { body: { meta: { result_count: 0 } }, returned: 0 };
        items = world[route];
        break;
    }
    const fields = url.searchParams.get(timeline ? 'tweet.fields' : 'user.fields');
    const page = items.slice(offset, offset + max).map((item) => pick(item, fields));
    const more = offset + max < items.length;
    const meta: Json = { result_count: page.length };
    if (timeline && page.length > 0) {
      meta['newest_id'] = page[0]?.['id'];
      meta['oldest_id'] = page.at(-1)?.['id'];
    }
    if (more) meta['next_token'] = tokenFor(offset + max);
    const body: Json = { ...(page.length > 0 ? { data: page } : {}), meta };
    if (timeline && url.searchParams.get('expansions')?.split(',').includes('author_id')) {
      const authors = new Map<string, Json>();
      for (const p of page) {
        const author = [...world.followers, ...world.following, ...Object.values(world.likers).flat()].find((u) => u['id'] === p['author_id']);
        if (author) authors.set(String(author['id']), { id: author['id'], username: author['username'], name: author['name'] });
      }
      if (authors.size > 0) body['includes'] = { users: [...authors.values()] };
    }
    return { body, returned: page.length };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    world: options.world,
    log,
    count: (route) => log.filter((e) => e.route === route).length,
    fail: (route, ...failures) => plans.set(route, [...(plans.get(route) ?? []), ...failures]),
    reset: () => {
      log.length = 0;
      plans.clear();
      windows.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** The default fields (id, text / id, name, username) plus those asked for. */
function pick(item: Json, fields: string | null): Json {
  const keep = new Set(['id', 'text', 'name', 'username', 'edit_history_tweet_ids', ...(fields ?? '').split(',').filter((f) => f !== '')]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** A buggy or hostile answer: an id that is a number. */
function malform(body: Json): Json {
  const data = body['data'];
  if (Array.isArray(data) && data.length > 0) return { ...body, data: [{ ...(data[0] as Json), id: 12345 }, ...data.slice(1)] };
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) return { ...body, data: { ...(data as Json), id: 12345 } };
  return { ...body, data: [{ id: 12345 }] };
}
