/**
 * A local stand-in for the Threads API (graph.threads.net/v1.0), reproducing what the followback
 * reader relies on. Where each behaviour comes from:
 *  - Routes and parameters: developers.facebook.com/documentation/threads/reference/user
 *    (`GET /{threads-user-id}/threads`: `fields`, `since`/`until` Unix timestamps with `since` ≥
 *    1688540400 and < `until`, `until` ≤ now, `limit`, `before`/`after`), …/reference/reply-management
 *    (`GET /{media-id}/conversation`: the flattened tree, `reverse` default true = newest first,
 *    `before`/`after`), …/threads-mentions (`GET /{threads-user-id}/mentions`, needs
 *    `threads_manage_mentions`, same `since` floor). `/me` stands for the token's user, as in every
 *    example of Meta's sample app (github.com/fbsamples/threads_api, src/index.js).
 *  - Bodies: Meta's Postman collection (fbsamples/threads_api postman/threads-api.postman_collection.json):
 *    `{"data": [...], "paging": {"cursors": {"before", "after"}}}`, `timestamp` as
 *    `2024-09-17T20:54:47+0000`, replies with `root_post`/`replied_to` as `{"id"}`, `is_reply_owned_by_me`.
 *    `paging.next` (a full URL carrying the access token, as Graph API pages do) is present only while
 *    more items follow (developers.facebook.com/docs/graph-api/results). Cursors are opaque strings.
 *  - Only the fields asked for in `fields` are answered (plus `id`), as the Graph API does.
 *  - Errors: developers.facebook.com/docs/graph-api/guides/error-handling:
 *    `{"error": {"message", "type": "OAuthException", "code", "error_subcode", "fbtrace_id"}}` with HTTP
 *    400; a bad token 190, an expired one 190/463; a missing permission code 10; rate limits codes 4
 *    (app) / 17 (user) with `is_transient`. The `X-App-Usage` header (`call_count`, `total_cputime`,
 *    `total_time` in percent) is Graph API's (…/overview/rate-limiting); the Threads overview names the
 *    same three budgets ("4800 × impressions" calls per 24 h) but does not show the header: that
 *    graph.threads.net sends it is inferred, not verified.
 *  - NOT verified, chosen here: the default page size (25) and its maximum (100); `since`/`until`
 *    bounds inclusive; the exact code Threads gives for a missing `threads_manage_mentions` (10 here).
 *  - Token: the `access_token` query parameter (Meta's examples); a wrong or missing one is a 190.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = Record<string, unknown>;

export interface ThreadsWorld {
  me: { id: string; username: string };
  /** Your posts: `id`, `timestamp` (Meta's format), `permalink`, `media_type`, `has_replies`, … any order. */
  posts: Json[];
  /** The flattened replies of each post, by post id, any order (served by `timestamp`). */
  conversations: Record<string, Json[]>;
  /** Public posts that tag you, any order (served newest first). */
  mentions: Json[];
}

export type Route = 'me' | 'threads' | 'conversation' | 'mentions';

export type Failure =
  | 'ok'
  /** A rate-limit error (code 4 by default) with the usage headers given (`x-app-usage`, `x-business-use-case-usage`). */
  | { rateLimit: true; code?: 4 | 17 | 32 | 613; headers?: Record<string, string> }
  | { token: 'expired' | 'invalid' }
  | { permission: true }
  | { status: 500 | 503 }
  /** A 200 whose body breaks the documented shape (a list item's timestamp, or `/me`'s id, a number). */
  | 'malformed'
  | 'drop';

export interface ThreadsServerOptions {
  token: string;
  world: ThreadsWorld;
  /** The token lacks threads_manage_mentions: every mentions call fails with code 10. */
  noMentionsPermission?: boolean;
  /** The token has expired: every call fails with 190/463. */
  expired?: boolean;
  /** Epoch ms (the `until` ≤ now check). Default Date.now. */
  now?: () => number;
  /** Default page size. Default 25. */
  pageSize?: number;
}

export interface LoggedRequest {
  route: Route | 'unknown';
  /** Path and query with the access token cut out. */
  url: string;
  query: URLSearchParams;
  /** Whether the request carried the server's token. */
  authorised: boolean;
  status: number;
}

export interface ThreadsServer {
  readonly url: string;
  readonly world: ThreadsWorld;
  readonly log: LoggedRequest[];
  count(route: Route): number;
  /** Queue what the next calls of a route do: `fail('conversation', 'ok', { rateLimit: true })`. */
  fail(route: Route, ...failures: Failure[]): void;
  reset(): void;
  close(): Promise<void>;
}

const MIN_SINCE = 1688540400;
const MAX_LIMIT = 100;
const PREFIX = '/v1.0';

const unix = (metaTime: unknown): number => Math.floor(Date.parse(String(metaTime).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) / 1000);
const encodeCursor = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');
const decodeCursor = (cursor: string): number | undefined => {
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
};

function metaError(code: number, message: string, extra: Json = {}): Json {
  return { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: 'AbCdEfGhIjK' } };
}

export async function startThreadsServer(options: ThreadsServerOptions): Promise<ThreadsServer> {
  const log: LoggedRequest[] = [];
  const plans = new Map<Route, Failure[]>();
  const clock = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 25;
  let baseUrl = '';
  let calls = 0;

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(metaError(1, `test server bug: ${String(err)}`)));
    }
  });

  function routeOf(path: string): { route: Route; id?: string } | undefined {
    if (!path.startsWith(`${PREFIX}/`)) return undefined;
    const parts = path.slice(PREFIX.length + 1).split('/');
    if (parts.length === 1 && parts[0] === 'me') return { route: 'me' };
    if (parts.length === 2 && parts[1] === 'threads') return { route: 'threads', id: parts[0] };
    if (parts.length === 2 && parts[1] === 'mentions') return { route: 'mentions', id: parts[0] };
    if (parts.length === 2 && parts[1] === 'conversation') return { route: 'conversation', id: parts[0] };
    return undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const query = new URLSearchParams(url.searchParams);
    const token = query.get('access_token');
    query.delete('access_token');
    const match = routeOf(url.pathname);
    const entry: LoggedRequest = { route: match?.route ?? 'unknown', url: `${url.pathname}?${query.toString()}`, query, authorised: token === options.token, status: 0 };
    log.push(entry);
    calls++;
    // Graph API reports the app's use of its window on answers once enough calls were made; small numbers here.
    const usage = { 'x-app-usage': JSON.stringify({ call_count: Math.min(calls, 50), total_cputime: 1, total_time: 1 }) };
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...usage, ...headers });
      res.end(JSON.stringify(body));
    };

    if (!match || req.method !== 'GET') return reply(400, metaError(100, 'Unsupported get request.', { error_subcode: 33 }));
    if (token === null || token === '') return reply(400, metaError(190, 'An active access token must be used to query information about the current user.'));
    if (token !== options.token) return reply(400, metaError(190, 'Invalid OAuth access token - Cannot parse access token'));
    if (options.expired) return reply(400, metaError(190, 'Error validating access token: Session has expired on Friday, 04-Dec-26 10:00:00 PST.', { error_subcode: 463 }));

    const failure = plans.get(match.route)?.shift() ?? 'ok';
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    if (typeof failure === 'object') {
      if ('rateLimit' in failure) {
        const code = failure.code ?? 4;
        const message = code === 17 ? '(#17) User request limit reached' : '(#4) Application request limit reached';
        return reply(400, metaError(code, message, { is_transient: true }), failure.headers ?? {});
      }
      if ('token' in failure) {
        return failure.token === 'expired'
          ? reply(400, metaError(190, 'Error validating access token: Session has expired on Friday, 04-Dec-26 10:00:00 PST.', { error_subcode: 463 }))
          : reply(400, metaError(190, 'Error validating access token: The session has been invalidated because the user changed their password.', { error_subcode: 460 }));
      }
      if ('permission' in failure) return reply(400, metaError(10, 'Application does not have permission for this action'));
      return reply(failure.status, metaError(2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }));
    }

    const world = options.world;
    const fields = new Set((query.get('fields') ?? 'id').split(',').map((f) => f.trim()));
    fields.add('id');
    const pick = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([k]) => fields.has(k)));

    if (match.route === 'me') return reply(200, failure === 'malformed' ? { ...pick(world.me), id: Number(world.me.id) } : pick(world.me));
    if (match.id !== world.me.id && match.id !== 'me' && match.route !== 'conversation') {
      return reply(400, metaError(100, `Unsupported get request. Object with ID '${match.id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33 }));
    }
    if (match.route === 'mentions' && options.noMentionsPermission) return reply(400, metaError(10, 'Application does not have permission for this action'));

    let items: Json[];
    if (match.route === 'conversation') {
      const list = world.conversations[match.id ?? ''];
      if (list === undefined) return reply(400, metaError(100, `Unsupported get request. Object with ID '${match.id}' does not exist.`, { error_subcode: 33 }));
      const reverse = query.get('reverse') !== 'false';
      items = [...list].sort((a, b) => (reverse ? unix(b['timestamp']) - unix(a['timestamp']) : unix(a['timestamp']) - unix(b['timestamp'])));
    } else {
      const since = query.get('since');
      const until = query.get('until');
      const s = since === null ? undefined : Number(since);
      const u = until === null ? undefined : Number(until);
      if (s !== undefined && (!Number.isInteger(s) || s < MIN_SINCE)) return reply(400, metaError(100, 'Invalid parameter: since must be greater than or equal to 1688540400'));
      if (u !== undefined && (!Number.isInteger(u) || u > Math.floor(clock() / 1000))) return reply(400, metaError(100, 'Invalid parameter: until must be less than or equal to the current time'));
      if (s !== undefined && u !== undefined && s >= u) return reply(400, metaError(100, 'Invalid parameter: since must be less than until'));
      items = (match.route === 'threads' ? world.posts : world.mentions)
        .filter((p) => (s === undefined || unix(p['timestamp']) >= s) && (u === undefined || unix(p['timestamp']) <= u))
        .sort((a, b) => unix(b['timestamp']) - unix(a['timestamp']));
    }

    const asked = Number(query.get('limit') ?? pageSize);
    const limit = Math.max(1, Math.min(MAX_LIMIT, Number.isFinite(asked) ? asked : pageSize));
    if (query.has('before') && query.has('after')) return reply(400, metaError(100, 'Invalid parameter: before and after cannot both be set'));
    const afterText = query.get('after');
    const start = afterText === null ? 0 : decodeCursor(afterText);
    if (start === undefined) return reply(400, metaError(100, 'Invalid parameter: after is not a valid cursor'));
    const slice = items.slice(start, start + limit);
    const body: Json = { data: slice.map(pick) };
    if (slice.length > 0) {
      const paging: Json = { cursors: { before: encodeCursor(start), after: encodeCursor(start + slice.length) } };
      if (start + slice.length < items.length) {
        const next = new URL(`${baseUrl}${url.pathname}`);
        for (const [k, v] of query) if (k !== 'after') next.searchParams.set(k, v);
        next.searchParams.set('access_token', options.token);
        next.searchParams.set('after', encodeCursor(start + slice.length));
        paging['next'] = next.toString();
      }
      body['paging'] = paging;
    }
    if (failure === 'malformed') {
      const data = body['data'] as Json[];
      if (data.length === 0) data.push({ id: '1', timestamp: 1733000000 });
      else data[data.length - 1] = { ...data[data.length - 1], timestamp: 1733000000 };
    }
    reply(200, body);
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
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Meta's timestamp format: `2026-11-25T08:00:00+0000`. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
