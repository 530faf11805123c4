/**
 * A local stand-in for the Instagram API with Instagram Login (graph.instagram.com), reproducing
 * what followback's Instagram reader relies on. Where each behaviour comes from:
 *  - Paths under a version prefix (`/v25.0/me`), the token in the `access_token` query parameter:
 *    developers.facebook.com/documentation/instagram-platform/reference/me ("GET
 *    https://graph.instagram.com/v25.0/me?fields={fields}&access_token={access-token}").
 *  - `/me?fields=user_id,username` answers `{user_id, username, id}` (instagram-api-with-instagram-login/
 *    get-started); `id` is always returned by the Graph API whatever `fields` says.
 *  - `/<IG_ID>/media`: the account's media, newest first, `timestamp` as `2017-08-31T18:10:30+0000`
 *    (reference/instagram-media: "ISO 8601 formatted creation date in UTC"; the `+0000` form is every
 *    sample response's), `comments_count` counting replies too.
 *  - `/<IG_MEDIA_ID>/comments`: top-level comments, newest first, `from{id,username}` (Graph API
 *    changelog oct-20-2021), replies nested as `{data, paging}` (reference/ig-media/comments: "returns
 *    only top-level comments … use the replies field"), `/<IG_COMMENT_ID>/replies` for the rest
 *    (reference/ig-comment/replies).
 *  - Cursor paging (docs/graph-api/results): `paging.cursors.{before,after}` on every non-empty page,
 *    `paging.next` only when another page exists; `/<IG_ID>/tags` sends cursors but never `next`
 *    (reference/ig-user/tags: "the response will not include previous or next fields").
 *  - Errors as Meta sends them, `{"error":{"message","type","code","error_subcode","is_transient",
 *    "fbtrace_id"}}` (docs/graph-api/guides/error-handling; Instagram Platform error codes): 190 for a bad
 *    token (subcode 463 expired), 10 for a missing permission, 100/33 for an unsupported request, 4/17/32
 *    and 80002 (Instagram Business Use Case) for rate limits, 1/2 transient.
 *  - Usage headers (docs/graph-api/overview/rate-limiting): `X-Business-Use-Case-Usage` on every answer,
 *    `{"<IG_ID>":[{"type":"instagram","call_count","total_cputime","total_time",
 *    "estimated_time_to_regain_access"}]}` in percent of the window and minutes; `X-App-Usage`
 *    `{"call_count","total_cputime","total_time"}` when a test asks for it.
 * Not reproduced: Meta's real windows (Instagram's BUC formula depends on impressions and is not
 * published in a form a test can use): `callLimit` calls per window stand in for it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = Record<string, unknown>;

export interface IgServerComment {
  id: string;
  text?: string;
  /** Meta's form, `2026-11-20T10:00:00+0000`. */
  timestamp: string;
  username: string;
  /** The commenter's Instagram-scoped id (`from.id`). */
  fromId: string;
  /** Replies, oldest first as Instagram threads them (served newest first like comments). */
  replies?: IgServerComment[];
}

export interface IgServerMedia {
  id: string;
  timestamp: string;
  permalink: string;
  comments: IgServerComment[];
  /** What `comments_count` says, when a test needs it to differ from the comments served. */
  commentsCount?: number;
}

export interface IgServerTag {
  id: string;
  timestamp: string;
  permalink: string;
  /** The owner of the media that tags you. */
  username: string;
  caption?: string;
}

export interface IgWorld {
  me: { user_id: string; id: string; username: string };
  /** Your media, any order (served newest first). */
  media: IgServerMedia[];
  /** Media you are tagged in, any order (served newest first). */
  tags: IgServerTag[];
}

export type IgRoute = 'me' | 'media' | 'comments' | 'replies' | 'tags' | 'unknown';

export type IgFailure =
  | 'ok'
  /** A Meta rate-limit error (HTTP 400 as Meta sends it), with BUC's minutes until access comes back when given. */
  | { rateLimit: 4 | 17 | 32 | 613 | 80002; regainMinutes?: number }
  /** A normal answer carrying these usage headers (e.g. `X-App-Usage` at 96%). */
  | { headers: Record<string, string> }
  | { error: 'expired' | 'invalid' | 'permission' | 'unsupported' | 'transient' }
  | 'drop'
  | { malformed: (body: Json) => Json };

export interface IgServerOptions {
  token: string;
  world: IgWorld;
  /** Page sizes (Meta's default is 25 for most edges). */
  mediaPageSize?: number;
  commentsPageSize?: number;
  /** Replies nested in a comment's first page. */
  nestedRepliesSize?: number;
  repliesPageSize?: number;
  tagsPageSize?: number;
  /** Calls per window before Meta's BUC throttle (code 80002) answers; default 4800. */
  callLimit?: number;
  /** Tags refused as a Facebook-Login-only edge would be (code 100/33), or for a missing permission (code 10). */
  tagsUnavailable?: 'unsupported' | 'permission';
}

export interface IgLogEntry {
  route: IgRoute;
  /** Path and query without the access token. */
  url: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface InstagramGraphServer {
  readonly url: string;
  readonly world: IgWorld;
  readonly log: IgLogEntry[];
  count(route: IgRoute): number;
  total(): number;
  /** Queue what the next calls of a route do: `fail('comments', 'ok', 'drop')` drops the second call. */
  fail(route: IgRoute, ...failures: IgFailure[]): void;
  /** Every text the server received that carried the token (to check it never leaves the query). */
  readonly tokenSightings: string[];
  reset(): void;
  close(): Promise<void>;
}

const VERSION = /^\/v\d+\.\d+(\/.*)$/;

function cursorOf(index: number): string {
  return Buffer.from(`ig-cursor:${index}`).toString('base64url');
}
function indexOf(cursor: string | null): number {
  if (cursor === null) return 0;
  const m = /^ig-cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : -1;
}

const newestFirst = <T extends { timestamp: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => toMs(b.timestamp) - toMs(a.timestamp));
const toMs = (t: string): number => Date.parse(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

function metaError(code: number, message: string, extra: Json = {}): Json {
  return { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: 'AbCdEf123' } };
}

export async function startInstagramGraphServer(options: IgServerOptions): Promise<InstagramGraphServer> {
  const world = options.world;
  const log: IgLogEntry[] = [];
  const plans = new Map<IgRoute, IgFailure[]>();
  const tokenSightings: string[] = [];
  const callLimit = options.callLimit ?? 4800;
  let calls = 0;
  let baseUrl = '';
  /** The version prefix of the request being answered (`/v25.0`), for `next` links. */
  let version = '/v25.0';

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(metaError(1, `test server bug: ${String(err)}`)));
    }
  });

  function comments(): Map<string, { comment: IgServerComment; media: IgServerMedia }> {
    const out = new Map<string, { comment: IgServerComment; media: IgServerMedia }>();
    for (const media of world.media) for (const comment of media.comments) out.set(comment.id, { comment, media });
    return out;
  }

  function route(path: string): { route: IgRoute; id?: string } {
    if (path === '/me') return { route: 'me' };
    const m = /^\/([^/]+)\/(media|comments|replies|tags)$/.exec(path);
    if (!m) return { route: 'unknown' };
    const [, id, edge] = m as unknown as [string, string, 'media' | 'comments' | 'replies' | 'tags'];
    return { route: edge, id };
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const versioned = VERSION.exec(url.pathname);
    const path = versioned?.[1] ?? url.pathname;
    if (versioned) version = url.pathname.slice(0, url.pathname.length - path.length);
    const { route: r, id } = versioned ? route(path) : { route: 'unknown' as const };
    const token = url.searchParams.get('access_token');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (k !== 'access_token') query[k] = v;
    const shown = new URLSearchParams(query).toString();
    const entry: IgLogEntry = { route: r, url: `${url.pathname}${shown ? `?${shown}` : ''}`, path, query, status: 0 };
    log.push(entry);
    for (const [name, value] of Object.entries(req.headers)) if (String(value).includes(options.token)) tokenSightings.push(`header ${name}`);

    calls++;
    const percent = Math.min(100, Math.floor((calls * 100) / callLimit));
    const throttled = calls > callLimit;
    const usage = (regain: number): Record<string, string> => ({
      'x-business-use-case-usage': JSON.stringify({
        [world.me.user_id]: [{ type: 'instagram', call_count: percent, total_cputime: Math.floor(percent / 2), total_time: Math.floor(percent / 2), estimated_time_to_regain_access: regain }],
      }),
    });
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...usage(0), ...headers });
      res.end(JSON.stringify(body));
    };

    if (req.method !== 'GET' || r === 'unknown') {
      return reply(400, metaError(100, `Unsupported get request. Object with ID '${path.split('/')[1] ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33 }));
    }
    if (token !== options.token) return reply(400, metaError(190, 'Invalid OAuth access token - Cannot parse access token'));
    if (throttled) {
      return reply(400, metaError(80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.', { is_transient: true }), usage(60));
    }

    const failure = plans.get(r)?.shift() ?? 'ok';
    if (failure === 'drop') {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    let extraHeaders: Record<string, string> = {};
    let malform: ((body: Json) => Json) | undefined;
    if (typeof failure === 'object') {
      if ('rateLimit' in failure) {
        const messages: Record<number, string> = {
          4: '(#4) Application request limit reached',
          17: '(#17) User request limit reached',
          32: '(#32) Page request limit reached',
          613: '(#613) Calls to this api have exceeded the rate limit.',
          80002: 'There have been too many calls to this Instagram account. Wait a bit and try again.',
        };
        return reply(400, metaError(failure.rateLimit, messages[failure.rateLimit] ?? 'rate limited', { is_transient: true }), usage(failure.regainMinutes ?? 0));
      }
      if ('headers' in failure) extraHeaders = failure.headers;
      if ('malformed' in failure) malform = failure.malformed;
      if ('error' in failure) {
        switch (failure.error) {
          case 'expired':
            return reply(400, metaError(190, 'Error validating access token: Session has expired on Friday, 20-Nov-26 10:00:00 PST. The current time is Monday, 07-Dec-26 08:00:00 PST.', { error_subcode: 463 }));
          case 'invalid':
            return reply(400, metaError(190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', { error_subcode: 460 }));
          case 'permission':
            return reply(403, metaError(10, 'Application does not have permission for this action'));
          case 'unsupported':
            return reply(400, metaError(100, 'Unsupported get request.', { error_subcode: 33 }));
          case 'transient':
            return reply(500, metaError(2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }));
        }
      }
    }

    const body = answer(r, id ?? '', url.searchParams);
    if (body.status !== 200) return reply(body.status, body.json, extraHeaders);
    reply(200, malform ? malform(body.json) : body.json, extraHeaders);
  }

  function page<T>(items: T[], size: number, query: URLSearchParams, path: string, withNext: boolean, map: (item: T) => Json): Json {
    const start = indexOf(query.get('after'));
    if (start < 0) return metaError(100, 'Invalid cursor');
    const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? size) || size));
    const slice = items.slice(start, start + limit);
    const body: Json = { data: slice.map(map) };
    if (slice.length > 0) {
      const end = start + slice.length;
      const paging: Json = { cursors: { before: cursorOf(start), after: cursorOf(end) } };
      if (withNext && end < items.length) {
        const q = new URLSearchParams(query);
        q.set('after', cursorOf(end));
        paging['next'] = `${baseUrl}${version}${path}?${q.toString()}`;
      }
      body['paging'] = paging;
    }
    return body;
  }

  function commentJson(c: IgServerComment, nested: boolean, path: string): Json {
    const out: Json = { id: c.id, timestamp: c.timestamp, username: c.username, from: { id: c.fromId, username: c.username } };
    if (c.text !== undefined) out['text'] = c.text;
    if (nested && (c.replies?.length ?? 0) > 0) {
      const replies = page(c.replies ?? [], options.nestedRepliesSize ?? 25, new URLSearchParams(), `/${c.id}/replies`, true, (x) => commentJson(x, false, path));
      out['replies'] = replies;
    }
    return out;
  }

  function answer(r: IgRoute, id: string, query: URLSearchParams): { status: number; json: Json } {
    // The token's own query string goes nowhere near the answer (a next link keeps the caller's query).
    const q = new URLSearchParams(query);
    q.delete('access_token');
    switch (r) {
      case 'me':
        return { status: 200, json: { user_id: world.me.user_id, username: world.me.username, id: world.me.id } };
      case 'media': {
        if (id !== world.me.user_id && id !== world.me.id) return { status: 400, json: metaError(100, 'Unsupported get request.', { error_subcode: 33 }) };
        const json = page(newestFirst(world.media), options.mediaPageSize ?? 25, q, `/${id}/media`, true, (m) => ({
          id: m.id,
          timestamp: m.timestamp,
          permalink: m.permalink,
          comments_count: m.commentsCount ?? m.comments.reduce((n, c) => n + 1 + (c.replies?.length ?? 0), 0),
        }));
        return { status: 200, json };
      }
      case 'comments': {
        const media = world.media.find((m) => m.id === id);
        if (!media) return { status: 400, json: metaError(100, 'Unsupported get request.', { error_subcode: 33 }) };
        return { status: 200, json: page(newestFirst(media.comments), options.commentsPageSize ?? 25, q, `/${id}/comments`, true, (c) => commentJson(c, true, `/${id}/comments`)) };
      }
      case 'replies': {
        const found = comments().get(id);
        if (!found) return { status: 400, json: metaError(100, 'Unsupported get request.', { error_subcode: 33 }) };
        return { status: 200, json: page(found.comment.replies ?? [], options.repliesPageSize ?? 25, q, `/${id}/replies`, true, (c) => commentJson(c, false, `/${id}/replies`)) };
      }
      case 'tags': {
        if (options.tagsUnavailable === 'unsupported') return { status: 400, json: metaError(100, 'Tried accessing nonexisting field (tags) on node type (User)') };
        if (options.tagsUnavailable === 'permission') return { status: 403, json: metaError(10, 'Application does not have permission for this action') };
        return {
          status: 200,
          json: page(newestFirst(world.tags), options.tagsPageSize ?? 25, q, `/${id}/tags`, false, (t) => ({
            id: t.id,
            timestamp: t.timestamp,
            permalink: t.permalink,
            username: t.username,
            ...(t.caption !== undefined ? { caption: t.caption } : {}),
          })),
        };
      }
      case 'unknown':
        return { status: 400, json: metaError(100, 'Unsupported get request.', { error_subcode: 33 }) };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    world,
    log,
    tokenSightings,
    count: (r) => log.filter((e) => e.route === r).length,
    total: () => log.length,
    fail: (r, ...failures) => plans.set(r, [...(plans.get(r) ?? []), ...failures]),
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

/** Meta's timestamp form for a Date: `2026-11-20T10:00:00+0000`. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
