/**
 * Getting a read-only Mastodon token the way an app does (docs.joinmastodon.org: methods/apps,
 * methods/oauth, spec/oauth), so nobody has to create an application by hand:
 *  1. the instance is checked (`GET /api/v2/instance`, `/api/v1/instance` before Mastodon 4);
 *  2. followback registers itself (`POST /api/v1/apps`, `scopes=read`; `redirect_uris` is
 *     `urn:ietf:wg:oauth:2.0:oob`, where the instance shows the code to copy, or a loopback
 *     `http://127.0.0.1:<port>/callback` that init serves and the browser is sent back to);
 *  3. the owner opens `/oauth/authorize?response_type=code&client_id&redirect_uri&scope=read&state`
 *     and approves; the code comes back pasted, or through the loopback redirect;
 *  4. the code becomes the token (`POST /oauth/token`, `grant_type=authorization_code`, the same
 *     `redirect_uri` and `scope`); Mastodon's tokens do not expire;
 *  5. `GET /api/v1/accounts/verify_credentials` proves the token reads the owner's account.
 * Messages name what failed and what to do; they never carry the token or the client secret.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { isLoopbackHostname } from '../../../shared/config/schema.ts';
import { terminalLine } from '../../../shared/logging/terminal-line.ts';
import { readSecretFile, writeSecretFile } from '../../../shared/secrets/file-secrets.ts';
import { AnswerError } from './prompter.ts';

export const OOB_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';
/** Read scopes only: followback never posts, follows or unfollows with this token. */
export const MASTODON_SCOPES = 'read';
export const CLIENT_NAME = 'followback';
const WEBSITE = 'https://github.com/followback';
const TIMEOUT_MS = 20_000;

/** The instance answered, but not in a way followback can go on with (5xx, a broken answer). */
export class InstanceError extends Error {
  override readonly name = 'InstanceError';
}

export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface MastodonAccount {
  id: string;
  acct: string;
  username: string;
}

/** `mastodon.social`, `https://mastodon.social/`, `@ada@mastodon.social` → the instance's origin. */
export function parseInstanceUrl(text: string): URL {
  let t = text.trim();
  if (t === '') throw new AnswerError('type the address of your Mastodon instance, such as https://mastodon.social');
  const handle = /^@?[^@\s/]+@([^@\s/]+)$/.exec(t);
  if (handle?.[1] !== undefined) t = handle[1];
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) t = `https://${t}`;
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    throw new AnswerError(`"${terminalLine(text.trim(), 100)}" is not a web address such as https://mastodon.social`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHostname(url.hostname))) {
    throw new AnswerError(`"${terminalLine(text.trim(), 100)}" must start with https:// (http:// only for 127.0.0.1 or localhost)`);
  }
  if (!url.hostname.includes('.') && !isLoopbackHostname(url.hostname)) {
    throw new AnswerError(`"${terminalLine(text.trim(), 100)}" is not a web address such as https://mastodon.social`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new AnswerError(`"${terminalLine(text.trim(), 100)}" should be just the instance's address, such as https://mastodon.social`);
  }
  return new URL(url.origin);
}

async function call(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<{ status: number; body: unknown; text: string; location?: string }> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const code = timeout.aborted
      ? 'no answer in 20 s'
      : cause !== null && typeof cause === 'object' && 'code' in cause
        ? String(cause.code)
        : cause instanceof Error && cause.message !== ''
          ? terminalLine(cause.message, 100)
          : 'unreachable';
    throw new AnswerError(`could not reach ${new URL(url).origin} (${code}): check the address`);
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
  return { status: res.status, body, text, ...(location !== null && URL.canParse(location, url) ? { location: new URL(location, url).origin } : {}) };
}

/** The `error` (and `error_description`) of a Mastodon/Doorkeeper error body, cut to one safe line. */
function errorOf(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const parts = [b['error'], b['error_description']].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length > 0 ? `: ${terminalLine(parts.join(': '), 300)}` : '';
}

/** Checks the address is a Mastodon instance; the account domain it names its local accounts with. */
export async function checkInstance(instance: URL, signal?: AbortSignal): Promise<{ domain: string }> {
  const v2 = await call(new URL('/api/v2/instance', instance).href, { headers: { accept: 'application/json' } }, signal);
  const domainOf = (body: unknown, field: 'domain' | 'uri'): string | undefined => {
    const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (v2.status === 200 && domainOf(v2.body, 'domain') !== undefined) return { domain: domainOf(v2.body, 'domain') ?? '' };
  if (v2.status >= 500) throw new InstanceError(`${instance.origin} is not answering properly right now (GET /api/v2/instance: HTTP ${v2.status}); try again later`);
  const v1 = await call(new URL('/api/v1/instance', instance).href, { headers: { accept: 'application/json' } }, signal);
  if (v1.status === 200 && domainOf(v1.body, 'uri') !== undefined) return { domain: domainOf(v1.body, 'uri') ?? '' };
  const moved = v2.location ?? v1.location;
  if (moved !== undefined && moved !== instance.origin) {
    throw new AnswerError(`${instance.origin} sends its visitors to ${terminalLine(moved, 200)}: type that address instead`);
  }
  throw new AnswerError(`${instance.origin} does not answer like a Mastodon instance (GET /api/v2/instance: HTTP ${v2.status}): check the address`);
}

const CredentialApplication = z.object({ client_id: z.string().min(1), client_secret: z.string().min(1) });

/** `POST /api/v1/apps`: followback as an application of the instance, read scopes only. */
export async function registerApp(instance: URL, redirectUri: string, signal?: AbortSignal): Promise<RegisteredApp> {
  const res = await call(
    new URL('/api/v1/apps', instance).href,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_name: CLIENT_NAME, redirect_uris: redirectUri, scopes: MASTODON_SCOPES, website: WEBSITE }),
    },
    signal,
  );
  if (res.status === 200) {
    const app = CredentialApplication.safeParse(res.body);
    if (!app.success) throw new InstanceError(`${instance.origin} registered followback but its answer has no client_id/client_secret`);
    return { clientId: app.data.client_id, clientSecret: app.data.client_secret, redirectUri };
  }
  if (res.status >= 500) throw new InstanceError(`${instance.origin} could not register followback right now (HTTP ${res.status}); try again later`);
  const why = res.status === 429 ? ' (too many registrations from here: wait a few minutes)' : errorOf(res.body);
  throw new AnswerError(
    `${instance.origin} refused to register followback as an application (HTTP ${res.status}${why}). ` +
      'Some instances close this to apps; you can create one by hand instead (Preferences → Development → New application, scope "read") ' +
      'and put its access token in secrets/mastodon-token (docs/getting-started.md)',
  );
}

/** The page where the owner approves followback (`GET /oauth/authorize`). */
export function authorizeUrl(instance: URL, app: RegisteredApp, state: string): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUri, scope: MASTODON_SCOPES, state });
  return `${new URL('/oauth/authorize', instance).href}?${q.toString()}`;
}

const TokenAnswer = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), scope: z.string().optional() });

/** `POST /oauth/token`: the authorization code becomes the access token. */
export async function exchangeCode(instance: URL, app: RegisteredApp, code: string, signal?: AbortSignal): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: app.redirectUri,
    scope: MASTODON_SCOPES,
  });
  const res = await call(
    new URL('/oauth/token', instance).href,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() },
    signal,
  );
  if (res.status === 200) {
    const token = TokenAnswer.safeParse(res.body);
    if (!token.success) throw new InstanceError(`${instance.origin} accepted the code but sent no access_token`);
    return token.data.access_token;
  }
  const error = res.body !== null && typeof res.body === 'object' ? (res.body as Record<string, unknown>)['error'] : undefined;
  if (error === 'invalid_grant') {
    throw new AnswerError(
      `${instance.origin} did not accept that code (invalid_grant): copy it again from the page, whole; a code works once and expires after 10 minutes, so open the link again for a new one if needed`,
    );
  }
  if (res.status >= 500) throw new InstanceError(`${instance.origin} could not issue the token right now (HTTP ${res.status}); try again later`);
  throw new InstanceError(`${instance.origin} refused the token request (HTTP ${res.status}${errorOf(res.body)})`);
}

const Account = z.object({ id: z.string().min(1), acct: z.string().min(1), username: z.string().min(1) });

/** `GET /api/v1/accounts/verify_credentials`: the token reads the owner's own account. */
export async function verifyCredentials(instance: URL, token: string, signal?: AbortSignal): Promise<MastodonAccount> {
  const res = await call(new URL('/api/v1/accounts/verify_credentials', instance).href, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, signal);
  if (res.status === 200) {
    const account = Account.safeParse(res.body);
    if (!account.success) throw new InstanceError(`${instance.origin} answered verify_credentials without an account`);
    return account.data;
  }
  if (res.status === 401 || res.status === 403) throw new AnswerError(`${instance.origin} does not accept the new token (HTTP ${res.status}${errorOf(res.body)}): run init again`);
  throw new InstanceError(`${instance.origin} could not check the token right now (HTTP ${res.status}); try again later`);
}

export function newState(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The loopback redirect: a server on 127.0.0.1 (a free port) whose `/callback` takes the code the
 * instance sends the browser back with. Only a request carrying this setup's `state` counts.
 */
export interface Loopback {
  redirectUri: string;
  /** The next code that arrives (a wrong `state` or a denial is answered and waited past / rejected). */
  code(cancel?: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

export async function startLoopback(state: string): Promise<Loopback> {
  const codes: string[] = [];
  const failures: string[] = [];
  let wake: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end(`<!doctype html><meta charset="utf-8"><title>followback</title><p style="font:16px sans-serif;margin:2em">${text}</p>`);
    };
    if (req.method !== 'GET' || url.pathname !== '/callback') return page(404, 'Not found.');
    if (url.searchParams.get('state') !== state) return page(400, 'This link does not belong to the followback init running now.');
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error !== null) {
      failures.push(error === 'access_denied' ? 'you did not authorize followback on the instance (access_denied)' : `the instance sent back an error (${terminalLine(error, 100)})`);
      page(200, 'followback was not authorized. Go back to the terminal.');
    } else if (code === null || code === '') {
      return page(400, 'No code in this link.');
    } else {
      codes.push(code);
      page(200, 'followback has the code. You can close this tab and go back to the terminal.');
    }
    const w = wake;
    wake = undefined;
    w?.();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    async code(cancel?: AbortSignal): Promise<string> {
      for (;;) {
        const failure = failures.shift();
        if (failure !== undefined) throw new AnswerError(failure);
        const code = codes.shift();
        if (code !== undefined) return code;
        if (cancel?.aborted) throw cancel.reason instanceof Error ? cancel.reason : new Error('cancelled');
        await new Promise<void>((resolve) => {
          const done = (): void => {
            cancel?.removeEventListener('abort', done);
            resolve();
          };
          wake = done;
          cancel?.addEventListener('abort', done, { once: true });
        });
      }
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Unattended, the code comes from a second run (`--mastodon-code`), and it belongs to the application
 * the first run registered: that application waits in `.followback/mastodon-app.json` beside the
 * config (owner-only, like a secret file) until a run with the code uses it, then it is removed.
 */
export const PENDING_APP_FILE = '.followback/mastodon-app.json';

const PendingApp = z.object({ instance: z.string(), clientId: z.string().min(1), clientSecret: z.string().min(1), redirectUri: z.string().min(1) });

export async function loadPendingApp(configDir: string, instance: URL): Promise<RegisteredApp | undefined> {
  let text: string;
  try {
    text = await readSecretFile(join(configDir, PENDING_APP_FILE));
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = PendingApp.safeParse(value);
  if (!parsed.success || parsed.data.instance !== instance.origin || parsed.data.redirectUri !== OOB_REDIRECT) return undefined;
  return { clientId: parsed.data.clientId, clientSecret: parsed.data.clientSecret, redirectUri: parsed.data.redirectUri };
}

export async function savePendingApp(configDir: string, instance: URL, app: RegisteredApp): Promise<void> {
  const path = join(configDir, PENDING_APP_FILE);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await chmod(dirname(path), 0o700);
  await writeSecretFile(path, JSON.stringify({ instance: instance.origin, ...app }));
}

export async function clearPendingApp(configDir: string): Promise<void> {
  await unlink(join(configDir, PENDING_APP_FILE)).catch(() => undefined);
}
