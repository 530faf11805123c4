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
 *    the payload (only in the Link header), as on the real server. Followers and
 *    following page by the follow record (app/controllers/api/v1/accounts/
 *    follower_accounts_controller.rb: `Follow.where(target_account:)
 *    .paginate_by_max_id(limit, max_id, since_id)`, i.e. Paginable's `id < max_id`,
 *    newest first); rel="next" carries `max_id` = the page's last follow id, and
 *    only on a full page; rel="prev" `since_id` = its first. A `max_id` that is
 *    no follow's id bounds the page all the same.
 *  - Rate limits as rack-attack applies them (config/initializers/rack_attack.rb):
 *    fixed periods aligned to the epoch (300 requests per 5 minutes per token),
 *    `X-RateLimit-Limit/Remaining/Reset` on every answer (the reset is the
 *    request time plus what is left of the period, ISO 8601 with microseconds),
 *    throttled requests counted too, and the throttled answer itself: 429,
 *    `{"error":"Too many requests"}`, Remaining 0, the reset at the period's end
 *    and no `Retry-After`.
 *  - `GET /api/v2/instance` whose `domain` is the instance's account domain
 *    (LOCAL_DOMAIN), which may differ from the host the API answers on
 *    (WEB_DOMAIN); `GET /api/v1/instance` with it as `uri`.
 *  - Bearer token check (401 JSON error).
 *  - Notifications filtered by the owner's notification policy are only served
 *    with `include_filtered=true` (Mastodon 4.3+), which the Link URLs keep.
 *  - Programmable failures per route and per call: 429 with Retry-After and any headers, 5xx,
 *    a dropped connection, truncated JSON, a payload of the wrong shape.
 *  - OAuth as an app obtains a token (docs.joinmastodon.org/methods/apps, methods/oauth,
 *    spec/oauth; Doorkeeper underneath): `POST /api/v1/apps` (form or JSON; `client_name` and
 *    `redirect_uris` required, else 422 `{"error":"Validation failed: …"}`; `scopes` default
 *    `read`) answers a CredentialApplication; `GET /oauth/authorize` checks client, redirect URI
 *    and scope, then plays the owner pressing Authorize at once: the code in the page for
 *    `urn:ietf:wg:oauth:2.0:oob`, else a 302 to `redirect_uri?code=…&state=…`; `POST /oauth/token`
 *    (`grant_type=authorization_code`) takes a code once, within 10 minutes, for the client and
 *    `redirect_uri` it was issued to (else 400 `invalid_grant`; bad client credentials 401
 *    `invalid_client`), and the token it issues works like `token`. `approve()` issues a code
 *    without the page; `refuseApps` plays an instance closed to new applications.
 */
import { randomBytes } from 'node:crypto';
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
  /**
   * Follow record ids of accounts in `followers`/`following`, when a test changes the lists mid-read:
   * the real ids never move, while the default (position from the oldest) shifts when one leaves.
   */
  followKeys?: Map<Json, string>;
  /** Statuses you favourited, newest favourite first; `favouriteId` is the internal record id. */
  favourites: { favouriteId: string; status: Json }[];
  /** Other accounts the instance knows (followable); followers and following are known too. */
  accounts?: Json[];
}

export type Route = 'verify_credentials' | 'instance' | 'instance_v1' | 'followers' | 'following' | 'notifications' | 'statuses' | 'favourites' | 'relationships' | 'follow' | 'unfollow';

export type Failure =
  | 'ok'
  /** `headers` replace the server's own rate-limit headers (a proxy's or another throttle's numbers). */
  | { status: 429; retryAfter?: string; headers?: Record<string, string> }
  | { status: 401 | 403 | 404 | 500 | 502 | 503 }
  | 'drop'
  | 'truncate'
  | 'malformed';

export interface MastodonServerOptions {
  token: string;
  world: MastodonWorld;
  /** Requests per rate-limit period (the real default is 300 per 5 minutes). */
  rateLimit?: number;
  /** The period in seconds. Default 300. */
  ratePeriodSeconds?: number;
  /** The account domain (LOCAL_DOMAIN) `/api/v2/instance` reports. Default `mastodon.social`, where the docs' example accounts live. */
  domain?: string;
  /** Mastodon before 4.0: no `/api/v2/instance` (404), only `/api/v1/instance`. */
  onlyV1Instance?: boolean;
  /** Epoch ms; tests share a fake clock with the client. Default Date.now. */
  now?: () => number;
  /**
   * OAuth scopes of the token. Default `read write:follows`. Follow and unfollow need `write`
   * or `write:follows`; without it they answer 403 like Doorkeeper does.
   */
  scopes?: string[];
  /** `POST /api/v1/apps` answers this status and body instead of registering (an instance closed to new apps, or throttling). */
  refuseApps?: { status: number; body: Json };
}

/** An application registered through `POST /api/v1/apps`. */
export interface MastodonApp {
  id: string;
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  scopes: string[];
}

export type OAuthRoute = 'apps' | 'authorize' | 'token';

/** Doorkeeper's answer for a code that is unknown, used, expired, or another client's or redirect URI's. */
export const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
};

export interface MastodonServer {
  readonly url: string;
  readonly world: MastodonWorld;
  /** Requests received per route (failed ones included). */
  readonly requests: Record<Route, number>;
  /** Every request URL (path + query) received, in order. */
  readonly log: { route: Route | 'unknown'; url: string; authorization: string | undefined; at: number; status: number }[];
  total(): number;
  /** Queue what the next calls of a route do: `fail('notifications', 'ok', 'drop')` drops the second call. */
  fail(route: Route, ...failures: Failure[]): void;
  reset(): void;
  close(): Promise<void>;
  /** Applications registered through `POST /api/v1/apps`, in order. */
  readonly apps: MastodonApp[];
  /** OAuth requests received per route (kept apart from `requests`, whose shape tests compare whole). */
  readonly oauthRequests: Record<OAuthRoute, number>;
  /** Access tokens `POST /oauth/token` issued; each is accepted like `token`. */
  readonly issuedTokens: string[];
  /** The owner signs in and presses Authorize: a fresh code for the app (single use, 10 minutes). */
  approve(clientId: string, options?: { redirectUri?: string; scope?: string }): string;
}

const ROUTES: { route: Route; pattern: RegExp }[] = [
  { route: 'verify_credentials', pattern: /^\/api\/v1\/accounts\/verify_credentials$/ },
  { route: 'instance', pattern: /^\/api\/v2\/instance$/ },
  { route: 'instance_v1', pattern: /^\/api\/v1\/instance$/ },
  { route: 'followers', pattern: /^\/api\/v1\/accounts\/([^/]+)\/followers$/ },
  { route: 'following', pattern: /^\/api\/v1\/accounts\/([^/]+)\/following$/ },
  { route: 'statuses', pattern: /^\/api\/v1\/accounts\/([^/]+)\/statuses$/ },
  { route: 'notifications', pattern: /^\/api\/v1\/notifications$/ },
  { route: 'favourites', pattern: /^\/api\/v1\/favourites$/ },
  { route: 'relationships', pattern: /^\/api\/v1\/accounts\/relationships$/ },
  { route: 'follow', pattern: /^\/api\/v1\/accounts\/([^/]+)\/follow$/ },
  { route: 'unfollow', pattern: /^\/api\/v1\/accounts\/([^/]+)\/unfollow$/ },
];
const WRITE_ROUTES = new Set<Route>(['follow', 'unfollow']);

const LIMITS: Record<Exclude<Route, 'verify_credentials' | 'instance' | 'instance_v1' | 'relationships' | 'follow' | 'unfollow'>, { default: number; max: number; nextOnlyWhenFull: boolean }> = {
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
  const period = options.ratePeriodSeconds ?? 300;
  const clock = options.now ?? Date.now;
  const domain = options.domain ?? 'mastodon.social';
  // rack-attack's cache key: the period number, so every period starts on a multiple of its length since the epoch.
  let periodKey = -1;
  let periodCount = 0;
  let baseUrl = '';
  const apps: MastodonApp[] = [];
  const oauthRequests: Record<OAuthRoute, number> = { apps: 0, authorize: 0, token: 0 };
  const issuedTokens: string[] = [];
  const codes = new Map<string, { clientId: string; redirectUri: string; scope: string; at: number; used: boolean }>();
  let seq = 0;
  const secret = (prefix: string): string => `${prefix}${++seq}-${randomBytes(12).toString('base64url')}`;

  function approve(clientId: string, opts: { redirectUri?: string; scope?: string } = {}): string {
    const app = apps.find((a) => a.clientId === clientId);
    if (app === undefined) throw new Error(`no application with client_id ${clientId}`);
    const code = secret('code-');
    codes.set(code, { clientId, redirectUri: opts.redirectUri ?? app.redirectUris[0] ?? '', scope: opts.scope ?? app.scopes.join(' '), at: clock(), used: false });
    return code;
  }

  const server: Server = createServer((req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/api/v1/apps' || path === '/oauth/authorize' || path === '/oauth/token') {
        void handleOAuth(req, res, path).catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `test server bug: ${String(err)}` }));
        });
        return;
      }
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `test server bug: ${String(err)}` }));
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const match = ROUTES.find((r) => r.pattern.test(url.pathname));
    const now = clock();
    const entry: MastodonServer['log'][number] = { route: match?.route ?? 'unknown', url: `${url.pathname}${url.search}`, authorization: req.headers.authorization, at: now, status: 0 };
    log.push(entry);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      send(res, status, body, headers);
    };
    if (!match || req.method !== (WRITE_ROUTES.has(match.route) ? 'POST' : 'GET')) return reply(404, { error: 'Record not found' });
    const route = match.route;
    requests[route]++;

    const nowSeconds = Math.floor(now / 1000);
    const key = Math.floor(nowSeconds / period);
    if (key !== periodKey) {
      periodKey = key;
      periodCount = 0;
    }
    periodCount++;
    // rate_limit_headers.rb: request time + what is left of the period, iso8601(6) (so the request's fraction of a second stays).
    const reset = isoMicros(now + (period - (nowSeconds % period)) * 1000);
    if (periodCount > rateLimit) {
      // rack_attack.rb's throttled_responder, header for header.
      entry.status = 429;
      res.writeHead(429, { 'Content-Type': 'application/json', 'X-RateLimit-Limit': String(rateLimit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset });
      res.end(JSON.stringify({ error: 'Too many requests' }));
      return;
    }
    const rateHeaders = {
      'x-ratelimit-limit': String(rateLimit),
      'x-ratelimit-remaining': String(rateLimit - periodCount),
      'x-ratelimit-reset': reset,
    };

    if (route === 'instance' || route === 'instance_v1') {
      if (route === 'instance' && options.onlyV1Instance) return reply(404, { error: 'Record not found' }, rateHeaders);
      const failure = plans.get(route)?.shift() ?? 'ok';
      if (typeof failure === 'object') return reply(failure.status, { error: 'We are sorry, but something went wrong on our end.' }, rateHeaders);
      return reply(200, route === 'instance' ? instanceV2(domain, baseUrl) : instanceV1(domain), rateHeaders);
    }

    const bearer = req.headers.authorization;
    if (bearer !== `Bearer ${options.token}` && !issuedTokens.some((t) => bearer === `Bearer ${t}`)) return reply(401, { error: 'The access token is invalid' }, rateHeaders);

    const failure = plans.get(route)?.shift() ?? 'ok';
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    if (typeof failure === 'object') {
      if (failure.status === 429) {
        return reply(429, { error: 'Too many requests' }, { ...rateHeaders, ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}), ...failure.headers });
      }
      return reply(failure.status, { error: failure.status >= 500 ? 'We are sorry, but something went wrong on our end.' : 'Forbidden' }, rateHeaders);
    }

    if (route === 'relationships' || route === 'follow' || route === 'unfollow') {
      const scopes = options.scopes ?? ['read', 'write:follows'];
      if (WRITE_ROUTES.has(route) && !scopes.includes('write') && !scopes.includes('write:follows')) {
        return reply(403, { error: 'This action is outside the authorized scopes' }, rateHeaders);
      }
      const result = relate(route, route === 'relationships' ? url.searchParams.getAll('id[]') : [match.pattern.exec(url.pathname)?.[1] ?? '']);
      return reply(result.status, result.body, rateHeaders);
    }
    const { body, link } = answer(route, match.pattern.exec(url.pathname)?.[1], url);
    const headers: Record<string, string> = { ...rateHeaders, ...(link ? { link } : {}) };
    if (failure === 'truncate') {
      const text = JSON.stringify(body);
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    reply(200, failure === 'malformed' ? malform(body) : body, headers);
  }

  /** The three OAuth routes; each request is logged like the others (route `unknown` in `log`, counted in `oauthRequests`). */
  async function handleOAuth(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const entry: MastodonServer['log'][number] = { route: 'unknown', url: `${url.pathname}${url.search}`, authorization: req.headers.authorization, at: clock(), status: 0 };
    log.push(entry);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      send(res, status, body, headers);
    };
    const route: OAuthRoute = path === '/api/v1/apps' ? 'apps' : path === '/oauth/authorize' ? 'authorize' : 'token';
    oauthRequests[route]++;
    if (req.method !== (route === 'authorize' ? 'GET' : 'POST')) return reply(404, { error: 'Record not found' });
    const params = route === 'authorize' ? url.searchParams : formOrJson(req.headers['content-type'], await readBody(req));

    if (route === 'apps') {
      if (options.refuseApps) return reply(options.refuseApps.status, options.refuseApps.body);
      const name = params.get('client_name') ?? '';
      const redirectUris = params.getAll('redirect_uris').flatMap((u) => u.split(/\n/)).map((u) => u.trim()).filter((u) => u !== '');
      if (name.trim() === '') return reply(422, { error: "Validation failed: Application name can't be blank" });
      if (redirectUris.length === 0) return reply(422, { error: "Validation failed: Redirect URI can't be blank" });
      if (redirectUris.some((u) => u !== OOB && !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(u))) return reply(422, { error: 'Validation failed: Redirect URI must be an absolute URI.' });
      const scopes = (params.get('scopes') ?? 'read').split(/[\s+]+/).filter((x) => x !== '');
      const app: MastodonApp = { id: String(563419 + apps.length), name, clientId: secret('client-'), clientSecret: secret('secret-'), redirectUris, scopes };
      apps.push(app);
      return reply(200, {
        id: app.id,
        name,
        website: params.get('website'),
        scopes,
        redirect_uri: redirectUris.join('\n'),
        redirect_uris: redirectUris,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        client_secret_expires_at: 0,
        vapid_key: 'BMAIjoaMYTDbJtfrfocuzO8pzDHI47dzmw0rha6Y=',
      });
    }

    const app = apps.find((a) => a.clientId === params.get('client_id'));
    if (route === 'authorize') {
      // Doorkeeper renders its error page for these; the status and error name are what a client can rely on.
      if (app === undefined) return reply(401, { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' });
      const redirectUri = params.get('redirect_uri') ?? '';
      if (!app.redirectUris.includes(redirectUri)) return reply(400, { error: 'invalid_redirect_uri', error_description: 'The requested redirect uri is malformed or doesn\'t match client redirect URI.' });
      if (params.get('response_type') !== 'code') return reply(400, { error: 'unsupported_response_type', error_description: 'The authorization server does not support this response type.' });
      const scope = (params.get('scope') ?? 'read').split(/[\s+]+/).filter((x) => x !== '');
      if (scope.some((x) => !app.scopes.includes(x))) return reply(400, { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' });
      const code = approve(app.clientId, { redirectUri, scope: scope.join(' ') });
      if (redirectUri === OOB) {
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!DOCTYPE html><html><body><div class="form-container"><p>Copy this authorization code and paste it to the application.</p><input class="oauth-code" readonly type="text" value="${code}"></div></body></html>`);
        return;
      }
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      const state = params.get('state');
      if (state !== null) target.searchParams.set('state', state);
      entry.status = 302;
      res.writeHead(302, { location: target.href });
      res.end();
      return;
    }

    // POST /oauth/token
    const grant = params.get('grant_type');
    if (grant !== 'authorization_code' && grant !== 'client_credentials') {
      return reply(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
    }
    if (app === undefined || params.get('client_secret') !== app.clientSecret) {
      return reply(401, { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' });
    }
    if (grant === 'client_credentials') return reply(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
    const code = codes.get(params.get('code') ?? '');
    // Doorkeeper's authorization codes live 10 minutes and work once.
    if (code === undefined || code.used || code.clientId !== app.clientId || code.redirectUri !== params.get('redirect_uri') || clock() - code.at > 600_000) {
      return reply(400, INVALID_GRANT);
    }
    code.used = true;
    const token = secret('token-');
    issuedTokens.push(token);
    return reply(200, { access_token: token, token_type: 'Bearer', scope: code.scope, created_at: Math.floor(clock() / 1000) });
  }

  /** Relationship entities (docs.joinmastodon.org/entities/Relationship); follow and unfollow change `world.following`. */
  function relate(route: 'relationships' | 'follow' | 'unfollow', ids: string[]): { status: number; body: unknown } {
    const world = options.world;
    const known = (id: string): Json | undefined => [...world.following, ...world.followers, ...(world.accounts ?? [])].find((a) => a['id'] === id);
    const relationship = (id: string): Json => ({
      id,
      following: world.following.some((a) => a['id'] === id),
      followed_by: world.followers.some((a) => a['id'] === id),
      requested: false,
      blocking: false,
      muting: false,
      showing_reblogs: true,
      notifying: false,
      languages: null,
      endorsed: false,
      note: '',
    });
    // Unknown ids are left out of relationships, as on the real server.
    if (route === 'relationships') return { status: 200, body: ids.filter((id) => known(id) !== undefined).map(relationship) };
    const id = ids[0] ?? '';
    const account = known(id);
    if (account === undefined) return { status: 404, body: { error: 'Record not found' } };
    const index = world.following.findIndex((a) => a['id'] === id);
    if (route === 'unfollow' && index >= 0) {
      world.following.splice(index, 1);
      // The instance still knows the account: it can be followed again.
      if (!(world.accounts ?? []).some((a) => a['id'] === id)) world.accounts = [...(world.accounts ?? []), account];
    }
    if (route === 'follow' && index < 0) world.following.unshift(account);
    return { status: 200, body: relationship(id) };
  }

  function answer(route: Route, accountId: string | undefined, url: URL): { body: unknown; link?: string } {
    const world = options.world;
    if (route === 'verify_credentials' || route === 'instance' || route === 'instance_v1' || route === 'relationships' || route === 'follow' || route === 'unfollow') return { body: world.me };
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
        items = list.map((account, i) => ({ key: world.followKeys?.get(account) ?? String(list.length - i), body: account }));
        break;
      }
      case 'notifications': {
        const types = url.searchParams.getAll('types[]');
        const withFiltered = url.searchParams.get('include_filtered') === 'true' ? [...world.notifications, ...(world.filteredNotifications ?? [])] : world.notifications;
        const from = url.searchParams.get('account_id');
        items = withFiltered
          .filter((n) => types.length === 0 || types.includes(String(n['type'])))
          .filter((n) => from === null || (n['account'] as Json | undefined)?.['id'] === from)
          .map((n) => ({ key: String(n['id']), body: n }));
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
    apps,
    oauthRequests,
    issuedTokens,
    approve,
  };
}

const OOB = 'urn:ietf:wg:oauth:2.0:oob';

/** Form data (`application/x-www-form-urlencoded`) or a JSON object, as Rails takes either; arrays become repeated keys. */
function formOrJson(contentType: string | undefined, body: string): URLSearchParams {
  if (contentType?.includes('application/json')) {
    const out = new URLSearchParams();
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return out;
    }
    if (value === null || typeof value !== 'object') return out;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) if (item !== null && item !== undefined) out.append(k, String(item));
    }
    return out;
  }
  return new URLSearchParams(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Ruby's `Time#iso8601(6)`: `2026-11-25T08:05:00.123000Z`. */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The Instance entity (docs.joinmastodon.org/entities/Instance), the fields a client meets; `domain` is LOCAL_DOMAIN. */
function instanceV2(domain: string, baseUrl: string): Json {
  return {
    domain,
    title: 'Mastodon',
    version: '4.5.0',
    source_url: 'https://github.com/mastodon/mastodon',
    description: 'A test instance.',
    usage: { users: { active_month: 1 } },
    thumbnail: { url: `${baseUrl}/packs/media/images/preview.png` },
    languages: ['en'],
    configuration: { urls: { streaming: baseUrl.replace(/^http/, 'ws') }, accounts: { max_featured_tags: 10 }, statuses: { max_characters: 500 } },
    registrations: { enabled: false, approval_required: false, message: null },
    api_versions: { mastodon: 6 },
    contact: { email: 'admin@example.com', account: null },
    rules: [],
  };
}

/** The V1::Instance entity of Mastodon 3.x, where `uri` is the domain. */
function instanceV1(domain: string): Json {
  return { uri: domain, title: 'Mastodon', short_description: '', description: '', email: 'admin@example.com', version: '3.5.3', languages: ['en'], registrations: false };
}

function emptyCounts(): Record<Route, number> {
  return { verify_credentials: 0, instance: 0, instance_v1: 0, followers: 0, following: 0, notifications: 0, statuses: 0, favourites: 0, relationships: 0, follow: 0, unfollow: 0 };
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
