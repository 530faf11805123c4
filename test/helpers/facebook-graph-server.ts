/**
 * A local stand-in for the Pages part of Meta's Graph API (graph.facebook.com), reproducing what the
 * Facebook Page reader relies on, on 127.0.0.1 only. Where each behaviour comes from:
 *  - Paths carry a version (`/v26.0/...`; Graph API changelog). Objects return `id` plus the fields
 *    asked for in `fields` (Graph API overview: "fields" parameter; nested `from{id,name}` is kept
 *    whole here).
 *  - `/{page-id}/posts` and `/{page-id}/tagged`: PagePost lists, newest first, with time-based paging:
 *    `paging.previous` and `paging.next` carry `since`/`until` and a `__paging_token`, and there are
 *    no `paging.cursors`, as in a real answer kept by sns-sdks/python-facebook
 *    (testdata/facebook/apidata/posts/feed_fields_p1.json: next is
 *    `…/posts?access_token=…&fields=…&until=1624385168&since&__paging_token=…&__previous`). `since` and
 *    `until` are unix seconds ("A Unix timestamp or strtotime data value", Graph reference, and
 *    python-facebook's edges). That /tagged pages the same way as /posts is an assumption (both are
 *    feed edges returning PagePost: facebook-business-sdk-codegen api_specs/specs/Page.json).
 *  - `/{object-id}/comments` and `/{object-id}/reactions`: cursor paging (`paging.cursors.before/after`,
 *    `next` only while more remain; "Paginated Results", developers.facebook.com/docs/graph-api/results).
 *    Comments: `filter=toplevel` (the default) leaves replies out, `filter=stream` gives every level in
 *    chronological order (codegen enum pagepostcomments_filter_enum_param; python-facebook fixture
 *    comments_p1.json mixes replies, `reply_comment_id`, into a stream). `from` is left out unless the
 *    token is a Page token (NETWORK-EXPORTS.md §4.2, the Page reference) or when the world says the
 *    person hides it. Reactions: Profile nodes with `type` added (reactions reference, Fields).
 *  - Times are written `2021-08-10T18:45:03+0000`, as Graph writes them.
 *  - Field expansion on /posts: `comments.limit(0).summary(true)` and `reactions.limit(0).summary(true)`
 *    give each post `{data: [], summary: {total_count, …}}` (edge `summary` fields: object/comments
 *    and reactions references; python-facebook fixture comments_p1.json for the comments summary).
 *  - Page sizes: `limit` default 25, at most 100.
 *  - Errors are `{"error": {"message", "type", "code", "error_subcode"?, "fbtrace_id"}}` with HTTP 400
 *    (Graph API error-handling guide): a missing or wrong `access_token` is code 190 ("Invalid OAuth
 *    access token - Cannot parse access token"); an expired one 190/463 ("Error validating access
 *    token: Session has expired on …", the message the Facebook PHP SDK's tests keep); a revoked one
 *    190/460. Rate limits: code 32 "(#32) Page request limit reached" and code 80001 "(#80001) There
 *    have been too many calls to this Page account. Wait a bit and try again." (Graph reference pages'
 *    Error Codes tables), answered with `X-Business-Use-Case-Usage`:
 *    `{"<page-id>":[{"type":"pages","call_count":100,"total_cputime":…,"total_time":…,
 *    "estimated_time_to_regain_access":<minutes>}]}` (rate-limiting guide; python-facebook
 *    tests/test_ratelimit.py keeps a real one). Every answer carries that header with the call count
 *    used so far, in percent of `bucCallLimit` calls.
 *  - Programmable failures per route and per call: rate limits, transient errors (code 2,
 *    `is_transient`), 5xx, a payload of the wrong shape; and a request log without the token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GRAPH_TEST_VERSION = 'v26.0';

export interface GraphActor {
  id: string;
  name: string;
}

export interface WorldComment {
  id: string;
  /** Undefined: a person whose privacy hides them (Graph leaves `from` out). */
  from?: GraphActor;
  message: string;
  /** Meta's form, `2026-11-20T10:00:00+0000`. */
  created_time: string;
  /** The id of the comment this one answers (a reply). */
  parent?: string;
}

export interface WorldReaction {
  id: string;
  name: string;
  type: string;
  profile_type?: string;
}

export interface WorldPost {
  id: string;
  created_time: string;
  permalink_url?: string;
  message?: string;
  comments: WorldComment[];
  reactions: WorldReaction[];
}

export interface WorldTag {
  id: string;
  created_time: string;
  from?: GraphActor;
  message?: string;
  permalink_url?: string;
}

export interface FacebookWorld {
  page: { id: string; name: string };
  /** The Page's posts, any order. */
  posts: WorldPost[];
  /** Posts by others that tag the Page, any order. */
  tagged: WorldTag[];
}

export type GraphRoute = 'page' | 'posts' | 'tagged' | 'comments' | 'reactions';

export type GraphFailure =
  | 'ok'
  /** A rate-limit error (HTTP 400, Meta's body) with the BUC header saying when access comes back. */
  | { rateLimit: 4 | 17 | 32 | 613 | 80001; regainMinutes: number }
  /** A transient Graph error (code 2, is_transient) with this HTTP status. */
  | { transient: 500 | 503 }
  /** A permission error (code 10 or 200). */
  | { permission: 10 | 200 }
  /** Graph's "invalid parameter" (code 100), as for a cursor it no longer knows. */
  | 'invalid-parameter'
  /** The first item's `created_time` sent as a number. */
  | 'malformed';

export interface FacebookGraphServerOptions {
  token: string;
  world: FacebookWorld;
  /** `page` (default): a Page access token, comments carry `from`; `user`: they do not. */
  tokenKind?: 'page' | 'user';
  /** The token has expired (190/463) or was revoked (190/460). */
  tokenState?: 'valid' | 'expired' | 'revoked';
  /** Calls counted against the BUC header's 100 %. Default 4800. */
  bucCallLimit?: number;
}

export interface GraphLogEntry {
  route: GraphRoute | 'unknown';
  /** Path without the version. */
  path: string;
  /** The query without the token. */
  query: Record<string, string>;
  /** Whether `access_token` was the server's token. */
  tokenOk: boolean;
  status: number;
}

export interface FacebookGraphServer {
  readonly url: string;
  readonly world: FacebookWorld;
  readonly log: GraphLogEntry[];
  count(route: GraphRoute): number;
  /** What the next calls of a route do: `fail('comments', 'ok', { transient: 503 })`. */
  fail(route: GraphRoute, ...failures: GraphFailure[]): void;
  setTokenState(state: 'valid' | 'expired' | 'revoked'): void;
  reset(): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

/** Meta's written form of an instant: `2026-11-20T10:00:00+0000`. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

const unix = (metaText: string): number => Math.floor(Date.parse(metaText.replace(/\+0000$/, 'Z')) / 1000);
const encodeCursor = (n: number): string => Buffer.from(`pos:${n}`).toString('base64');
const decodeCursor = (text: string | null): number | undefined => {
  if (text === null) return undefined;
  const m = /^pos:(\d+)$/.exec(Buffer.from(text, 'base64').toString('utf8'));
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
};
const trace = (): string => `A${Math.random().toString(36).slice(2, 12)}`;

export async function startFacebookGraphServer(options: FacebookGraphServerOptions): Promise<FacebookGraphServer> {
  const log: GraphLogEntry[] = [];
  const plans = new Map<GraphRoute, GraphFailure[]>();
  let tokenState = options.tokenState ?? 'valid';
  const bucLimit = options.bucCallLimit ?? 4800;
  let calls = 0;
  let baseUrl = '';
  const world = options.world;

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      send(res, 500, { error: { message: `test server bug: ${String(err)}`, type: 'TestServer', code: 1 } });
    }
  });

  function buc(regainMinutes: number, callCount?: number): Record<string, string> {
    const percent = callCount ?? Math.min(100, Math.round((100 * calls) / bucLimit));
    return {
      'x-business-use-case-usage': JSON.stringify({
        [world.page.id]: [{ type: 'pages', call_count: percent, total_cputime: Math.min(percent, 25), total_time: Math.min(percent, 25), estimated_time_to_regain_access: regainMinutes }],
      }),
    };
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (k !== 'access_token') query[k] = v;
    const version = /^\/(v\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const path = version?.[2] ?? url.pathname;
    const route = routeOf(path);
    const entry: GraphLogEntry = { route: route?.route ?? 'unknown', path, query, tokenOk: url.searchParams.get('access_token') === options.token, status: 0 };
    log.push(entry);
    calls++;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      send(res, status, body, headers);
    };
    const graphError = (status: number, error: Json, headers: Record<string, string> = {}): void => reply(status, { error: { ...error, fbtrace_id: trace() } }, headers);

    if (req.method !== 'GET' || version === null || route === undefined) {
      return graphError(400, { message: 'Unsupported get request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api', type: 'GraphMethodException', code: 100, error_subcode: 33 });
    }
    if (!entry.tokenOk) return graphError(400, { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 });
    if (tokenState === 'expired') {
      return graphError(400, { message: 'Error validating access token: Session has expired on Friday, 20-Nov-26 10:00:00 PST.', type: 'OAuthException', code: 190, error_subcode: 463 });
    }
    if (tokenState === 'revoked') {
      return graphError(400, { message: 'Error validating access token: The session has been invalidated because the user changed their password.', type: 'OAuthException', code: 190, error_subcode: 460 });
    }

    const failure = plans.get(route.route)?.shift() ?? 'ok';
    if (typeof failure === 'object' && 'rateLimit' in failure) {
      const message =
        failure.rateLimit === 32
          ? '(#32) Page request limit reached'
          : failure.rateLimit === 80001
            ? '(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.'
            : failure.rateLimit === 4
              ? '(#4) Application request limit reached'
              : failure.rateLimit === 17
                ? '(#17) User request limit reached'
                : '(#613) Calls to this api have exceeded the rate limit.';
      return graphError(400, { message, type: 'OAuthException', code: failure.rateLimit }, buc(failure.regainMinutes, 100));
    }
    if (typeof failure === 'object' && 'transient' in failure) {
      return graphError(failure.transient, { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, is_transient: true }, buc(0));
    }
    if (typeof failure === 'object' && 'permission' in failure) {
      return graphError(400, { message: `(#${failure.permission}) This endpoint requires the 'pages_read_user_content' permission.`, type: 'OAuthException', code: failure.permission }, buc(0));
    }
    if (failure === 'invalid-parameter') {
      return graphError(400, { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 }, buc(0));
    }

    const after = url.searchParams.get('after');
    if (after !== null && decodeCursor(after) === undefined) {
      // A cursor Graph does not know (expired, or from elsewhere).
      return graphError(400, { message: '(#100) Invalid cursor', type: 'OAuthException', code: 100 }, buc(0));
    }
    const body = answer(route, url);
    if (body === undefined) {
      return graphError(400, { message: `Unsupported get request. Object with ID '${route.id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, type: 'GraphMethodException', code: 100, error_subcode: 33 });
    }
    if (failure === 'malformed') {
      const data = (body as { data?: Json[] }).data;
      if (data?.[0] !== undefined) data[0] = { ...data[0], created_time: 1763632800 };
      else (body as Json)['id'] = 12345;
    }
    reply(200, body, buc(0));
  }

  function answer(route: { route: GraphRoute; id: string }, url: URL): unknown {
    // `from{id,name}` and `comments.limit(0).summary(true)` are asked for by their edge's name.
    const fields = (url.searchParams.get('fields') ?? '')
      .split(/,(?![^{(]*[})])/)
      .map((f) => f.replace(/[{.].*$/, '').trim())
      .filter((f) => f !== '');
    const pick = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([k]) => k === 'id' || fields.includes(k)));
    const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? 25) || 25));
    switch (route.route) {
      case 'page':
        return route.id === world.page.id ? pick({ ...world.page }) : undefined;
      case 'posts':
      case 'tagged': {
        if (route.id !== world.page.id) return undefined;
        const items: Json[] =
          route.route === 'posts'
            ? world.posts.map(({ comments, reactions, ...post }) => ({
                ...post,
                // Field expansion `comments.limit(0).summary(true)`: no items, the count (top level, Graph's default filter).
                comments: { data: [], summary: { order: 'ranked', total_count: comments.filter((c) => c.parent === undefined).length, can_comment: true } },
                reactions: { data: [], summary: { total_count: reactions.length, viewer_reaction: 'NONE' } },
              }))
            : world.tagged.map((t) => ({ ...t }));
        return timePaged(url, route.route, items, limit, pick);
      }
      case 'comments': {
        const post = world.posts.find((p) => p.id === route.id);
        if (post === undefined) return undefined;
        const stream = url.searchParams.get('filter') === 'stream';
        const comments = post.comments
          .filter((c) => stream || c.parent === undefined)
          .sort((a, b) => unix(a.created_time) - unix(b.created_time))
          .map(({ parent: _parent, from, ...c }) => ({ ...c, ...(from !== undefined && (options.tokenKind ?? 'page') === 'page' ? { from } : {}) }));
        return cursorPaged(url, `/${route.id}/comments`, comments, limit, pick);
      }
      case 'reactions': {
        const post = world.posts.find((p) => p.id === route.id);
        if (post === undefined) return undefined;
        return cursorPaged(url, `/${route.id}/reactions`, post.reactions.map((r) => ({ ...r })), limit, pick);
      }
    }
  }

  /** Newest first; `since`/`until` bound the creation time; `__paging_token` is the last item's place. */
  function timePaged(url: URL, edge: string, items: Json[], limit: number, pick: (o: Json) => Json): Json {
    const q = url.searchParams;
    const since = q.get('since') ? Number(q.get('since')) : undefined;
    const until = q.get('until') ? Number(q.get('until')) : undefined;
    const token = decodeCursor(q.get('__paging_token'));
    const sorted = items
      .map((item) => ({ item, t: unix(String(item['created_time'])) }))
      .sort((a, b) => b.t - a.t || String(b.item['id']).localeCompare(String(a.item['id'])));
    const inRange = sorted.map((x, i) => ({ ...x, i })).filter((x) => (since === undefined || x.t >= since) && (until === undefined || x.t <= until) && (token === undefined || x.i > token));
    const page = inRange.slice(0, limit);
    const last = page.at(-1);
    const first = page[0];
    const out: Json = { data: page.map((x) => pick(x.item)) };
    if (first !== undefined && last !== undefined) {
      const keep = `access_token=${encodeURIComponent(options.token)}&fields=${encodeURIComponent(q.get('fields') ?? '')}&limit=${limit}`;
      const paging: Json = { previous: `${baseUrl}/${GRAPH_TEST_VERSION}/${world.page.id}/${edge}?${keep}&since=${first.t}&until&__paging_token=${encodeURIComponent(encodeCursor(first.i))}&__previous=1` };
      if (inRange.length > page.length) {
        paging['next'] = `${baseUrl}/${GRAPH_TEST_VERSION}/${world.page.id}/${edge}?${keep}&until=${last.t}&since=${since ?? ''}&__paging_token=${encodeURIComponent(encodeCursor(last.i))}&__previous`;
      }
      out['paging'] = paging;
    }
    return out;
  }

  /** `after` is the position of the last item sent; `next` only while more remain. */
  function cursorPaged(url: URL, path: string, items: Json[], limit: number, pick: (o: Json) => Json): Json {
    const q = url.searchParams;
    const after = decodeCursor(q.get('after'));
    const start = after === undefined ? 0 : after + 1;
    const page = items.slice(start, start + limit);
    const out: Json = { data: page.map(pick) };
    if (page.length > 0) {
      const lastIndex = start + page.length - 1;
      const paging: Json = { cursors: { before: encodeCursor(start), after: encodeCursor(lastIndex) } };
      if (lastIndex < items.length - 1) {
        const next = new URLSearchParams();
        next.set('access_token', options.token);
        for (const [k, v] of q) if (k !== 'access_token' && k !== 'after') next.set(k, v);
        next.set('limit', String(limit));
        next.set('after', encodeCursor(lastIndex));
        paging['next'] = `${baseUrl}/${GRAPH_TEST_VERSION}${path}?${next.toString()}`;
      }
      out['paging'] = paging;
    }
    return out;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    world,
    log,
    count: (route) => log.filter((e) => e.route === route).length,
    fail: (route, ...failures) => plans.set(route, [...(plans.get(route) ?? []), ...failures]),
    setTokenState: (state) => {
      tokenState = state;
    },
    reset: () => {
      log.length = 0;
      plans.clear();
      calls = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function routeOf(path: string): { route: GraphRoute; id: string } | undefined {
  const m = /^\/([0-9_]+)(?:\/(posts|tagged|comments|reactions))?\/?$/.exec(path);
  if (!m || m[1] === undefined) return undefined;
  const id = m[1];
  const edge = m[2];
  if (edge === undefined) return { route: 'page', id };
  return { route: edge as GraphRoute, id };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'facebook-api-version': GRAPH_TEST_VERSION, ...headers });
  res.end(JSON.stringify(body));
}
