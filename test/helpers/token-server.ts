/**
 * Local stand-ins, on 127.0.0.1, for the endpoints that refresh and keep API tokens:
 *
 * 1. Meta's long-lived token refresh (`startMetaTokenServer`), one server for Instagram and Threads:
 *    - `GET /refresh_access_token?grant_type=ig_refresh_token&access_token=…` (Instagram API with
 *      Instagram Login, developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token)
 *      and `grant_type=th_refresh_token` (Threads, developers.facebook.com/docs/threads/get-started/long-lived-tokens);
 *    - answer `{"access_token", "token_type": "bearer", "expires_in": <seconds>}`, a refreshed token
 *      valid 60 days from the refresh; a token must be at least 24 hours old and not expired;
 *    - errors in Graph's shape (developers.facebook.com/docs/graph-api/guides/error-handling):
 *      HTTP 400 `{"error": {"message", "type": "OAuthException", "code": 190, "error_subcode": 463}}`
 *      for an expired token, code 190 without subcode for an unknown one.
 *    Not documented, so chosen here and named as such: a token younger than 24 hours is refused with
 *    code 100 (a parameter error); a refresh returns a new token string and the old one stays valid.
 *
 * 2. X's OAuth 2.0 token endpoint (`startXTokenServer`): `POST /2/oauth2/token`, form
 *    `refresh_token`, `grant_type=refresh_token`, `client_id` (public client; github.com/xdevplatform/docs
 *    fundamentals/authentication/oauth-2-0/user-access-token.mdx, Step 5); answer
 *    `{token_type: "bearer", expires_in: 7200, access_token, scope, refresh_token}`; refresh tokens
 *    rotate ("always save the newest one", x-ads-api/mcp.mdx): a spent one is refused with 400
 *    `{"error": "invalid_request", "error_description": "Value passed for the token was invalid."}`
 *    (the body public X clients' tests reproduce); an unknown client id `unauthorized_client`.
 *
 * 3. AWS Secrets Manager (`startSecretsManagerServer`), the wire protocol `@aws-sdk/client-secrets-manager`
 *    speaks (awsJson1_1): `POST /`, `X-Amz-Target: secretsmanager.GetSecretValue` / `.PutSecretValue`,
 *    a SigV4 `Authorization` header scoped to `<region>/secretsmanager/aws4_request`; answers as the
 *    API reference shows (`{ARN, Name, VersionId, SecretString, VersionStages}` /
 *    `{ARN, Name, VersionId, VersionStages}`), errors `{"__type": "ResourceNotFoundException", "message"}`.
 *
 * Every server records what it was asked and can fail the next request (a 500, a dropped connection).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const DAY_S = 86_400;
/** 60 days, what Meta's refresh answers (the Threads example shows 5183944, a little less). */
export const META_TOKEN_LIFETIME_S = 60 * DAY_S;
export const X_ACCESS_LIFETIME_S = 7_200;

export type Failure = 'server-error' | 'drop';

interface Running {
  url: string;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function newToken(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url')}`;
}

// ---------------------------------------------------------------------------------------------
// Meta (Instagram, Threads)

export interface MetaTokenServer extends Running {
  /** Issues a long-lived token the server knows, `ageDays` old (its 60 days counted from its issue). */
  issue(network: 'instagram' | 'threads', options?: { ageDays?: number; token?: string }): string;
  /** The tokens the server has issued, with their expiry (epoch ms). */
  tokens: Map<string, { network: 'instagram' | 'threads'; issuedAt: number; expiresAt: number }>;
  calls: { grantType: string | null; token: string | null; outcome: 'refreshed' | 'refused' | Failure }[];
  failNext(...failures: Failure[]): void;
}

export async function startMetaTokenServer(options: { now: () => number }): Promise<MetaTokenServer> {
  const tokens: MetaTokenServer['tokens'] = new Map();
  const calls: MetaTokenServer['calls'] = [];
  const failures: Failure[] = [];
  const graphError = (res: ServerResponse, code: number, message: string, subcode?: number): void =>
    json(res, 400, { error: { message, type: 'OAuthException', code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: 'Alocal' } });

  const { server, url } = await listen(async (req, res) => {
    const at = new URL(req.url ?? '/', 'http://127.0.0.1');
    const grantType = at.searchParams.get('grant_type');
    const token = at.searchParams.get('access_token');
    if (req.method !== 'GET' || at.pathname !== '/refresh_access_token') return graphError(res, 100, 'Unsupported request');
    const failure = failures.shift();
    if (failure !== undefined) {
      calls.push({ grantType, token, outcome: failure });
      if (failure === 'drop') return void req.socket.destroy();
      return json(res, 500, { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true } });
    }
    const known = token === null ? undefined : tokens.get(token);
    const now = options.now();
    const refuse = (code: number, message: string, subcode?: number): void => {
      calls.push({ grantType, token, outcome: 'refused' });
      graphError(res, code, message, subcode);
    };
    if (known === undefined) return refuse(190, 'Invalid OAuth access token - Cannot parse access token');
    const expected = known.network === 'instagram' ? 'ig_refresh_token' : 'th_refresh_token';
    if (grantType !== expected) return refuse(100, `Unsupported grant_type ${grantType ?? ''}`);
    if (now >= known.expiresAt) return refuse(190, 'Error validating access token: Session has expired.', 463);
    if (now - known.issuedAt < DAY_S * 1000) return refuse(100, 'The access token must be at least 24 hours old to be refreshed (local assumption)');
    const fresh = newToken(known.network === 'instagram' ? 'IGQ' : 'THQ');
    tokens.set(fresh, { network: known.network, issuedAt: now, expiresAt: now + META_TOKEN_LIFETIME_S * 1000 });
    calls.push({ grantType, token, outcome: 'refreshed' });
    json(res, 200, { access_token: fresh, token_type: 'bearer', expires_in: META_TOKEN_LIFETIME_S });
  });
  return {
    url,
    tokens,
    calls,
    issue: (network, o = {}) => {
      const token = o.token ?? newToken(network === 'instagram' ? 'IGQ' : 'THQ');
      const issuedAt = options.now() - (o.ageDays ?? 0) * DAY_S * 1000;
      tokens.set(token, { network, issuedAt, expiresAt: issuedAt + META_TOKEN_LIFETIME_S * 1000 });
      return token;
    },
    failNext: (...f) => void failures.push(...f),
    close: () => stop(server),
  };
}

// ---------------------------------------------------------------------------------------------
// X (OAuth 2.0)

export interface XTokenServer extends Running {
  clientId: string;
  /** Starts a grant: an access token and its refresh token, as the authorisation would give them. */
  authorise(): { accessToken: string; refreshToken: string };
  /** Access tokens issued, with their expiry (epoch ms). */
  accessTokens: Map<string, number>;
  /** Refresh tokens X would accept now. */
  liveRefreshTokens: Set<string>;
  calls: { contentType: string; form: Record<string, string>; outcome: 'refreshed' | 'refused' | Failure }[];
  failNext(...failures: Failure[]): void;
}

export async function startXTokenServer(options: { now: () => number; clientId?: string }): Promise<XTokenServer> {
  const clientId = options.clientId ?? 'local-client-id';
  const accessTokens = new Map<string, number>();
  const liveRefreshTokens = new Set<string>();
  const calls: XTokenServer['calls'] = [];
  const failures: Failure[] = [];
  const authorise = (): { accessToken: string; refreshToken: string } => {
    const accessToken = newToken('xat-');
    const refreshToken = newToken('xrt-');
    accessTokens.set(accessToken, options.now() + X_ACCESS_LIFETIME_S * 1000);
    liveRefreshTokens.add(refreshToken);
    return { accessToken, refreshToken };
  };

  const { server, url } = await listen(async (req, res) => {
    const body = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const form = Object.fromEntries(new URLSearchParams(body));
    const at = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'POST' || at.pathname !== '/2/oauth2/token') return json(res, 404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });
    const failure = failures.shift();
    if (failure !== undefined) {
      calls.push({ contentType, form, outcome: failure });
      if (failure === 'drop') return void req.socket.destroy();
      return json(res, 503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 });
    }
    const refuse = (status: number, error: string, description: string): void => {
      calls.push({ contentType, form, outcome: 'refused' });
      json(res, status, { error, error_description: description });
    };
    if (!contentType.startsWith('application/x-www-form-urlencoded')) return refuse(400, 'invalid_request', 'Missing required parameter [grant_type].');
    if (form['grant_type'] !== 'refresh_token') return refuse(400, 'invalid_request', 'Missing required parameter [grant_type].');
    if (form['client_id'] !== clientId) return refuse(401, 'unauthorized_client', 'Missing valid authorization header');
    const spent = form['refresh_token'] ?? '';
    if (!liveRefreshTokens.delete(spent)) return refuse(400, 'invalid_request', 'Value passed for the token was invalid.');
    const fresh = authorise();
    calls.push({ contentType, form, outcome: 'refreshed' });
    json(res, 200, { token_type: 'bearer', expires_in: X_ACCESS_LIFETIME_S, access_token: fresh.accessToken, scope: 'tweet.read users.read follows.read like.read offline.access', refresh_token: fresh.refreshToken });
  });
  return { url, clientId, authorise, accessTokens, liveRefreshTokens, calls, failNext: (...f) => void failures.push(...f), close: () => stop(server) };
}

// ---------------------------------------------------------------------------------------------
// AWS Secrets Manager

export interface SecretsManagerServer extends Running {
  /** Secret name → current value (AWSCURRENT). */
  secrets: Map<string, string>;
  calls: { operation: string; secretId: string | undefined; region: string | undefined }[];
}

export async function startSecretsManagerServer(initial: Record<string, string> = {}): Promise<SecretsManagerServer> {
  const secrets = new Map(Object.entries(initial));
  const calls: SecretsManagerServer['calls'] = [];
  let version = 0;
  const arnOf = (name: string): string => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
  const { server, url } = await listen(async (req, res) => {
    const body = await readBody(req);
    const send = (status: number, payload: unknown): void => json(res, status, payload, 'application/x-amz-json-1.1');
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/secretsmanager\/aws4_request/.exec(req.headers.authorization ?? '')?.[1];
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return send(400, { __type: 'SerializationException', message: 'Request body is not JSON' });
    }
    const secretId = typeof input['SecretId'] === 'string' ? input['SecretId'] : undefined;
    calls.push({ operation, secretId, region });
    if (req.method !== 'POST' || region === undefined) return send(400, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    if (secretId === undefined || !secrets.has(secretId)) return send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    if (operation === 'GetSecretValue') {
      return send(200, { ARN: arnOf(secretId), Name: secretId, VersionId: `v${version}`, SecretString: secrets.get(secretId), VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
    }
    if (operation === 'PutSecretValue') {
      if (typeof input['SecretString'] !== 'string') return send(400, { __type: 'InvalidParameterException', message: 'You must provide either SecretString or SecretBinary.' });
      secrets.set(secretId, input['SecretString']);
      version++;
      return send(200, { ARN: arnOf(secretId), Name: secretId, VersionId: `v${version}`, VersionStages: ['AWSCURRENT'] });
    }
    return send(400, { __type: 'UnknownOperationException', message: `Unknown operation ${target}` });
  });
  return { url, secrets, calls, close: () => stop(server) };
}
