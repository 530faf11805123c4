/**
 * Refreshing a long-lived Instagram or Threads user token: one GET, the token in the query as
 * every Meta example sends it, over the GraphClient (retries, Meta's error codes, the token cut
 * from every message).
 *
 * Checked against Meta's documentation (December 2026):
 *  - Instagram API with Instagram Login, "Refresh Access Token"
 *    (developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token):
 *    `GET https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=…`
 *    → `{"access_token", "token_type": "bearer", "expires_in": <seconds>}`; the token must be
 *    at least 24 hours old and not expired; refreshed tokens are valid for 60 days from the refresh.
 *  - Threads, "Long-Lived Access Tokens" (developers.facebook.com/docs/threads/get-started/long-lived-tokens):
 *    `GET https://graph.threads.net/refresh_access_token?grant_type=th_refresh_token&access_token=…`,
 *    the same answer (`expires_in` 5183944 in the example) and the same 24-hour and 60-day rules.
 * Not documented: the error for a token younger than 24 hours (the keeper never sends one it has
 * known for less than a day); an expired or revoked token is Meta's usual code 190.
 */
import { z } from 'zod';
import type { TokenProblem } from '../../../domain/model.ts';
import { ApiAuthError } from '../api-reader.ts';
import { GraphClient } from '../meta/graph-client.ts';
import { HttpError } from '../../http/http-client.ts';

export const META_REFRESH_GRANT = { instagram: 'ig_refresh_token', threads: 'th_refresh_token' } as const;
export const META_REFRESH_PATH = '/refresh_access_token';

const Seconds = z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,9}$/).transform(Number)]);
export const MetaRefreshAnswer = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: Seconds }).loose();

export type RefreshOutcome =
  | { ok: true; accessToken: string; expiresInSeconds: number; refreshToken?: string }
  | { ok: false; problem: TokenProblem; reason: string };

/** Throws an aborted HttpError when `signal` ends the refresh (the run is cancelled). */
export interface MetaRefreshOptions {
  network: 'instagram' | 'threads';
  baseUrl: string;
  sourceId: string;
  accessToken: string;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export async function refreshMetaToken(options: MetaRefreshOptions): Promise<RefreshOutcome> {
  const client = new GraphClient({
    baseUrl: options.baseUrl,
    sourceId: options.sourceId,
    networkName: options.network === 'instagram' ? 'Instagram' : 'Threads',
    accessToken: options.accessToken,
    // A refresh is worth a short retry, not a long wait: the old token still works meanwhile.
    maxRetries: 2,
    maxRateLimitWaitMs: 60_000,
    timeoutMs: 20_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  try {
    const answer = await client.get(META_REFRESH_PATH, MetaRefreshAnswer, { grant_type: META_REFRESH_GRANT[options.network] }, options.signal);
    return { ok: true, accessToken: answer.access_token, expiresInSeconds: answer.expires_in };
  } catch (err) {
    // The run is being cancelled: not a failed refresh, the caller stops.
    if (err instanceof HttpError && err.aborted) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof ApiAuthError) return { ok: false, problem: err.problem === 'missing_permission' ? 'invalid' : err.problem, reason };
    return { ok: false, problem: 'refresh_failed', reason };
  }
}
