/**
 * Refreshing an X OAuth 2.0 user token (Authorization Code Flow with PKCE, scope `offline.access`).
 *
 * Checked against X's documentation (github.com/xdevplatform/docs, fundamentals/authentication/
 * oauth-2-0/user-access-token.mdx "Step 5" and authorization-code.mdx):
 *  - `POST https://api.x.com/2/oauth2/token`, `Content-Type: application/x-www-form-urlencoded`,
 *    form `refresh_token`, `grant_type=refresh_token`, `client_id` (a public client: Native App or
 *    Single page App; a confidential client authenticates with Basic auth instead, which followback
 *    does not hold the secret for);
 *  - access tokens last two hours; refresh tokens are issued only with `offline.access`;
 *  - "Refresh tokens rotate — always save the newest one" (x-ads-api/mcp.mdx).
 * The answer's shape (`token_type`, `expires_in` 7200, `access_token`, `scope`, `refresh_token`)
 * is the standard one (RFC 6749 §5.1) X's clients read. A spent or revoked refresh token is a 400
 * whose `error` is `invalid_request` with "Value passed for the token was invalid." in public
 * clients' tests, `invalid_grant` in RFC 6749 §5.2: both mean the owner must authorise again.
 *
 * One attempt, no retry: if X rotated the token and the answer was lost, sending the old refresh
 * token again could only be refused (and may revoke the whole grant).
 */
import { z } from 'zod';
import { HttpError } from '../../http/http-client.ts';
import type { RefreshOutcome } from './meta-refresh.ts';

export const X_TOKEN_PATH = '/2/oauth2/token';

export const XTokenAnswer = z
  .object({
    token_type: z.string().optional(),
    expires_in: z.number().int().positive(),
    access_token: z.string().min(1),
    scope: z.string().optional(),
    refresh_token: z.string().min(1).optional(),
  })
  .loose();

const XErrorBody = z.object({ error: z.string().optional(), error_description: z.string().optional() }).loose();

/** Throws an aborted HttpError when `signal` ends the refresh (the run is cancelled). */
export interface XRefreshOptions {
  baseUrl: string;
  /** For the aborted error. */
  sourceId?: string;
  clientId: string;
  refreshToken: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function refreshXToken(options: XRefreshOptions): Promise<RefreshOutcome> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${X_TOKEN_PATH}`;
  const where = `POST ${X_TOKEN_PATH}`;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 20_000);
  const onAbort = (): void => controller.abort();
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let status: number;
  let text: string;
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ refresh_token: options.refreshToken, grant_type: 'refresh_token', client_id: options.clientId }).toString(),
      signal: controller.signal,
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    // The run is being cancelled: not a failed refresh, the caller stops.
    if (options.signal?.aborted) throw new HttpError(options.sourceId ?? 'x', { method: 'POST', endpoint: X_TOKEN_PATH, retryable: false, reason: 'aborted', aborted: true });
    const why = controller.signal.aborted ? 'timed out' : `network error${networkCode(err)}`;
    return { ok: false, problem: 'refresh_failed', reason: `${where}: ${why}` };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }

  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    const parsed = XTokenAnswer.safeParse(json);
    if (!parsed.success) return { ok: false, problem: 'refresh_failed', reason: `${where}: HTTP ${status} with an answer that is not a token` };
    const answer = parsed.data;
    return { ok: true, accessToken: answer.access_token, expiresInSeconds: answer.expires_in, ...(answer.refresh_token !== undefined ? { refreshToken: answer.refresh_token } : {}) };
  }
  const body = XErrorBody.safeParse(json);
  const error = body.success ? safeName(body.data.error) : undefined;
  const description = body.success ? body.data.error_description ?? '' : '';
  const named = `${where}: HTTP ${status}${error !== undefined ? ` (${error})` : ''}`;
  if (status === 400 && (error === 'invalid_grant' || (error === 'invalid_request' && /token was invalid/i.test(description)))) {
    return { ok: false, problem: 'expired', reason: `${named}: X no longer accepts the refresh token` };
  }
  return { ok: false, problem: 'refresh_failed', reason: named };
}

/** An OAuth error name (`invalid_grant`), nothing else from the body. */
function safeName(value: string | undefined): string | undefined {
  return value !== undefined && /^[a-z][a-z_]{0,63}$/.test(value) ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkCode(err: unknown): string {
  const inner = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const code = inner && 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
  return code !== undefined && /^[A-Z_]{2,32}$/.test(code) ? ` (${code})` : '';
}
