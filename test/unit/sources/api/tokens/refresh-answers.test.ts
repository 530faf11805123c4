/** How the refresh clients read X's and Meta's answers, and what the keeper remembers (never a token). */
import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../../../../shared/ports/source.ts';
import { refreshMetaToken } from '../../../../../shared/sources/api/tokens/meta-refresh.ts';
import { fingerprintOf, loadTokenRecord } from '../../../../../shared/sources/api/tokens/token-record.ts';
import { refreshXToken } from '../../../../../shared/sources/api/tokens/x-refresh.ts';

const answering =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const x = (answer: typeof fetch) => refreshXToken({ baseUrl: 'http://127.0.0.1:9', clientId: 'cid', refreshToken: 'xrt-secret-value', fetch: answer });

describe("X's token endpoint", () => {
  it('reads the rotated refresh token and the access token lifetime', async () => {
    const out = await x(answering(200, { token_type: 'bearer', expires_in: 7200, access_token: 'at', scope: 'tweet.read offline.access', refresh_token: 'rt2' }));
    expect(out).toEqual({ ok: true, accessToken: 'at', expiresInSeconds: 7200, refreshToken: 'rt2' });
  });

  it('treats invalid_grant, and the invalid_request X sends for a spent token, as expired', async () => {
    expect(await x(answering(400, { error: 'invalid_grant' }))).toMatchObject({ ok: false, problem: 'expired' });
    expect(await x(answering(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }))).toMatchObject({ ok: false, problem: 'expired' });
  });

  it('anything else is a failed refresh, named by status and OAuth error only', async () => {
    expect(await x(answering(400, { error: 'invalid_request', error_description: 'Missing required parameter [grant_type].' }))).toEqual({ ok: false, problem: 'refresh_failed', reason: 'POST /2/oauth2/token: HTTP 400 (invalid_request)' });
    expect(await x(answering(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' }))).toEqual({ ok: false, problem: 'refresh_failed', reason: 'POST /2/oauth2/token: HTTP 401 (unauthorized_client)' });
    expect(await x(answering(503, '<html>xrt-secret-value</html>'))).toEqual({ ok: false, problem: 'refresh_failed', reason: 'POST /2/oauth2/token: HTTP 503' });
    expect(await x(answering(200, { access_token: 'at' }))).toMatchObject({ ok: false, problem: 'refresh_failed' });
    const offline = await x(async () => {
      throw new TypeError('fetch failed xrt-secret-value', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    });
    expect(offline).toEqual({ ok: false, problem: 'refresh_failed', reason: 'POST /2/oauth2/token: network error (ECONNREFUSED)' });
  });
});

describe("Meta's refresh endpoint", () => {
  const meta = (answer: typeof fetch) =>
    refreshMetaToken({ network: 'instagram', baseUrl: 'http://127.0.0.1:9', sourceId: 'instagram', accessToken: 'IGQ-secret-value', fetch: answer, sleep: async () => undefined });

  it('reads the new token and its lifetime', async () => {
    expect(await meta(answering(200, { access_token: 'IGQ-new', token_type: 'bearer', expires_in: 5183944 }))).toEqual({ ok: true, accessToken: 'IGQ-new', expiresInSeconds: 5183944 });
  });

  it("tells Meta's code 190 (expired 463, otherwise invalid) from a transient failure", async () => {
    expect(await meta(answering(400, { error: { message: 'Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } }))).toMatchObject({ ok: false, problem: 'expired' });
    expect(await meta(answering(400, { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } }))).toMatchObject({ ok: false, problem: 'invalid' });
    const transient = await meta(answering(500, { error: { message: 'Please retry', code: 2, is_transient: true } }));
    expect(transient).toMatchObject({ ok: false, problem: 'refresh_failed' });
    expect(JSON.stringify(transient)).not.toContain('IGQ-secret-value');
  });
});

describe('the token record', () => {
  const store = (value: string | undefined): SessionStore => ({ get: async () => value, put: async () => undefined });

  it('belongs to one token: another token, or an unreadable record, is unknown', async () => {
    const record = { v: 1, fingerprint: fingerprintOf('tok-a'), seenAt: '2026-12-01T00:00:00.000Z' };
    expect(await loadTokenRecord(store(JSON.stringify(record)), 'k', 'tok-a')).toEqual(record);
    expect(await loadTokenRecord(store(JSON.stringify(record)), 'k', 'tok-b')).toBeUndefined();
    expect(await loadTokenRecord(store('{not json'), 'k', 'tok-a')).toBeUndefined();
    expect(await loadTokenRecord(store(undefined), 'k', 'tok-a')).toBeUndefined();
    expect(fingerprintOf('tok-a')).toMatch(/^[0-9a-f]{16}$/);
  });
});
