/**
 * The token keeper against local refresh servers (test/helpers/token-server.ts): Instagram and
 * Threads long-lived tokens refreshed weekly once a day old, kept in a 0600 file and read back by
 * the next run; X's rotating refresh token written back before the new access token is used; a
 * refused refresh, a network failure, and a token read from the environment.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SecretRef } from '../../../../../shared/config/schema.ts';
import type { SessionStore } from '../../../../../shared/ports/source.ts';
import { EnvSecretResolver } from '../../../../../shared/secrets/env-secrets.ts';
import { FileSecretWriter, type SecretWriter } from '../../../../../shared/secrets/secret-writer.ts';
import type { CurrentToken } from '../../../../../shared/sources/api/api-reader.ts';
import { createTokenKeeper, type TokenKeeperOptions } from '../../../../../shared/sources/api/tokens/token-keeper.ts';
import { fingerprintOf, tokenRecordKey } from '../../../../../shared/sources/api/tokens/token-record.ts';
import { startMetaTokenServer, startXTokenServer, type MetaTokenServer, type XTokenServer } from '../../../../helpers/token-server.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-12-07T08:00:00.000Z');

class MemorySessions implements SessionStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async put(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}

let nowMs = START;
let dir: string;
let meta: MetaTokenServer;
let x: XTokenServer;
/** Every token any server issued or a test created: none may appear in a message or the session store. */
const everyToken = new Set<string>();
const answers: CurrentToken[] = [];

beforeAll(async () => {
  meta = await startMetaTokenServer({ now: () => nowMs });
  x = await startXTokenServer({ now: () => nowMs });
});
afterAll(async () => {
  await meta.close();
  await x.close();
});
beforeEach(async () => {
  nowMs = START;
  dir = await mkdtemp(join(tmpdir(), 'followback-tokens-'));
  await mkdir(join(dir, 'secrets'), { mode: 0o700 });
  meta.calls.length = 0;
  x.calls.length = 0;
});
afterEach(async () => {
  for (const t of meta.tokens.keys()) everyToken.add(t);
  for (const t of x.accessTokens.keys()) everyToken.add(t);
  await rm(dir, { recursive: true, force: true });
});

async function putSecret(name: string, value: string): Promise<void> {
  const path = join(dir, 'secrets', name);
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  everyToken.add(value);
}
const secretFile = (name: string): Promise<string> => readFile(join(dir, 'secrets', name), 'utf8').then((t) => t.trim());

/** A run's keeper as the CLI builds it: a fresh resolver (nothing cached between runs) and the file writer. */
function keeper(options: { network: TokenKeeperOptions['network']; api: TokenKeeperOptions['api']; sessions: SessionStore; env?: Record<string, string>; writer?: SecretWriter }) {
  const k = createTokenKeeper({
    network: options.network,
    profileId: 'ada',
    sourceId: options.network,
    api: options.api,
    secrets: new EnvSecretResolver(options.env ?? {}, { configDir: dir }),
    writer: options.writer ?? new FileSecretWriter({ configDir: dir }),
    sessions: options.sessions,
    sleep: async () => undefined,
  });
  return {
    current: async (): Promise<CurrentToken> => {
      const answer = await k.current(new Date(nowMs));
      answers.push(answer);
      return answer;
    },
  };
}

describe('Instagram and Threads long-lived tokens', () => {
  const IG_REF: SecretRef = { file: 'secrets/instagram-token' };

  it('refreshes a token once it is a day old, writes the new one back 0600, and the next run reads it', async () => {
    const sessions = new MemorySessions();
    const original = meta.issue('instagram', { ageDays: 10 });
    await putSecret('instagram-token', original);
    const run = () => keeper({ network: 'instagram', api: { accessToken: IG_REF, baseUrl: meta.url }, sessions }).current();

    // First sight: its age is unknown, so no refresh yet (it may be minutes old).
    expect(await run()).toEqual({ accessToken: original });
    expect(meta.calls).toHaveLength(0);

    nowMs = START + 23 * HOUR;
    expect(await run()).toEqual({ accessToken: original });
    expect(meta.calls).toHaveLength(0);

    nowMs = START + 25 * HOUR;
    const refreshed = await run();
    expect(meta.calls).toEqual([{ grantType: 'ig_refresh_token', token: original, outcome: 'refreshed' }]);
    expect(refreshed.accessToken).not.toBe(original);
    expect(meta.tokens.has(refreshed.accessToken)).toBe(true);
    expect(refreshed.refreshedAt).toBe(new Date(nowMs).toISOString());
    expect(refreshed.expiresAt).toBe(new Date(nowMs + 60 * DAY).toISOString());
    expect(refreshed.problem).toBeUndefined();
    // Kept where the old one was, readable by its owner only.
    expect(await secretFile('instagram-token')).toBe(refreshed.accessToken);
    expect((await stat(join(dir, 'secrets/instagram-token'))).mode & 0o777).toBe(0o600);
    // What the store keeps: dates and a fingerprint, never the token.
    const stored = sessions.values.get(tokenRecordKey('ada', 'instagram')) ?? '';
    expect(JSON.parse(stored)).toMatchObject({ fingerprint: fingerprintOf(refreshed.accessToken), refreshedAt: refreshed.refreshedAt, expiresAt: refreshed.expiresAt });
    expect(stored).not.toContain(refreshed.accessToken);
    expect(stored).not.toContain(original);

    // Next run, six days on: the new token, read back from the file, is not due yet.
    nowMs += 6 * DAY;
    expect(await run()).toEqual({ accessToken: refreshed.accessToken, expiresAt: refreshed.expiresAt, refreshedAt: refreshed.refreshedAt });
    expect(meta.calls).toHaveLength(1);

    // A week after the last refresh: refreshed again, from the token the last refresh wrote.
    nowMs += 1 * DAY;
    const again = await run();
    expect(meta.calls).toHaveLength(2);
    expect(meta.calls[1]).toEqual({ grantType: 'ig_refresh_token', token: refreshed.accessToken, outcome: 'refreshed' });
    expect(await secretFile('instagram-token')).toBe(again.accessToken);
    expect(again.expiresAt).toBe(new Date(nowMs + 60 * DAY).toISOString());
  });

  it('refreshes Threads tokens with th_refresh_token', async () => {
    const sessions = new MemorySessions();
    const original = meta.issue('threads', { ageDays: 3 });
    await putSecret('threads-token', original);
    const run = () => keeper({ network: 'threads', api: { accessToken: { file: 'secrets/threads-token' }, baseUrl: meta.url }, sessions }).current();
    await run();
    nowMs += DAY;
    const refreshed = await run();
    expect(meta.calls).toEqual([{ grantType: 'th_refresh_token', token: original, outcome: 'refreshed' }]);
    expect(await secretFile('threads-token')).toBe(refreshed.accessToken);
  });

  it('starts over when the owner replaces the token by hand (its age is unknown again)', async () => {
    const sessions = new MemorySessions();
    await putSecret('instagram-token', meta.issue('instagram', { ageDays: 5 }));
    const run = () => keeper({ network: 'instagram', api: { accessToken: IG_REF, baseUrl: meta.url }, sessions }).current();
    await run();
    nowMs += 2 * DAY;
    const replaced = meta.issue('instagram', { ageDays: 0 });
    await putSecret('instagram-token', replaced);
    expect(await run()).toEqual({ accessToken: replaced });
    expect(meta.calls).toHaveLength(0);
  });

  it('keeps using the current token when the refresh fails on the network, and says so', async () => {
    const sessions = new MemorySessions();
    const original = meta.issue('instagram', { ageDays: 10 });
    await putSecret('instagram-token', original);
    const run = () => keeper({ network: 'instagram', api: { accessToken: IG_REF, baseUrl: meta.url }, sessions }).current();
    await run();
    nowMs += 2 * DAY;
    meta.failNext('drop', 'drop', 'drop');
    const answer = await run();
    expect(answer).toMatchObject({ accessToken: original, problem: 'refresh_failed' });
    expect(answer.detail).toMatch(/could not refresh the Instagram token \(GET \/refresh_access_token: network error/);
    expect(await secretFile('instagram-token')).toBe(original);
    // The next run tries again and succeeds.
    nowMs += DAY;
    const later = await run();
    expect(later.problem).toBeUndefined();
    expect(await secretFile('instagram-token')).toBe(later.accessToken);
  });

  it('reports an expired token as expired (the owner must create a new one)', async () => {
    const sessions = new MemorySessions();
    const old = meta.issue('instagram', { ageDays: 59 });
    await putSecret('instagram-token', old);
    const run = () => keeper({ network: 'instagram', api: { accessToken: IG_REF, baseUrl: meta.url }, sessions }).current();
    await run();
    nowMs += 2 * DAY;
    const answer = await run();
    expect(answer).toMatchObject({ accessToken: old, problem: 'expired' });
    expect(answer.detail).toContain('Instagram refused to refresh the token');
    expect(answer.detail).toContain('create a new one');
    expect(await secretFile('instagram-token')).toBe(old);
  });

  it('does not refresh a token read from the environment, and says how to make it refreshed', async () => {
    const sessions = new MemorySessions();
    const token = meta.issue('instagram', { ageDays: 30 });
    everyToken.add(token);
    const expiresAt = new Date(START + 30 * DAY).toISOString();
    await sessions.put(tokenRecordKey('ada', 'instagram'), JSON.stringify({ v: 1, fingerprint: fingerprintOf(token), seenAt: new Date(START - 30 * DAY).toISOString(), expiresAt }));
    nowMs += 10 * DAY;
    const answer = await keeper({ network: 'instagram', api: { accessToken: { env: 'IG_TOKEN', secretName: 'followback/ada/instagram' }, baseUrl: meta.url }, sessions, env: { IG_TOKEN: token } }).current();
    expect(answer).toEqual({
      accessToken: token,
      expiresAt,
      detail: 'the token is read from $IG_TOKEN, which followback cannot update: use a file or Secrets Manager reference so it is refreshed',
    });
    expect(meta.calls).toHaveLength(0);
  });

  it('Facebook Page tokens do not expire: used as they are, nothing refreshed', async () => {
    await putSecret('page-token', 'EAAB-page-token');
    const answer = await keeper({ network: 'facebook', api: { accessToken: { file: 'secrets/page-token' }, baseUrl: meta.url }, sessions: new MemorySessions() }).current();
    expect(answer).toEqual({ accessToken: 'EAAB-page-token' });
    expect(meta.calls).toHaveLength(0);
  });

  it('names the file, not the token, when the token file is open to others', async () => {
    const token = meta.issue('instagram');
    await putSecret('instagram-token', token);
    await chmod(join(dir, 'secrets/instagram-token'), 0o644);
    const failure = keeper({ network: 'instagram', api: { accessToken: IG_REF, baseUrl: meta.url }, sessions: new MemorySessions() }).current();
    await expect(failure).rejects.toThrow(`chmod 600 ${join(dir, 'secrets/instagram-token')}`);
    await expect(failure.catch((e: Error) => e.message)).resolves.not.toContain(token);
  });
});

describe('X OAuth 2.0 tokens', () => {
  const api = (): TokenKeeperOptions['api'] => ({ accessToken: { file: 'secrets/x-access' }, refreshToken: { file: 'secrets/x-refresh' }, clientId: x.clientId, baseUrl: x.url });

  /** The file writer, recording what it wrote when, and what the token files held at each write. */
  function recordingWriter(): { writer: SecretWriter; writes: string[] } {
    const inner = new FileSecretWriter({ configDir: dir });
    const writes: string[] = [];
    return {
      writes,
      writer: {
        target: (ref) => inner.target(ref),
        write: async (ref, value) => {
          await inner.write(ref, value);
          writes.push(ref.file ?? '?');
        },
      },
    };
  }

  it('writes the rotated refresh token back, then the access token, before using the new access token', async () => {
    const sessions = new MemorySessions();
    const grant = x.authorise();
    await putSecret('x-access', grant.accessToken);
    await putSecret('x-refresh', grant.refreshToken);
    const { writer, writes } = recordingWriter();

    // Unknown expiry: refreshed before the read.
    const answer = await keeper({ network: 'x', api: api(), sessions, writer }).current();
    expect(x.calls).toHaveLength(1);
    expect(x.calls[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(x.calls[0]?.form).toEqual({ refresh_token: grant.refreshToken, grant_type: 'refresh_token', client_id: x.clientId });
    expect(writes).toEqual(['secrets/x-refresh', 'secrets/x-access']);
    const newRefresh = await secretFile('x-refresh');
    expect(newRefresh).not.toBe(grant.refreshToken);
    expect(x.liveRefreshTokens.has(newRefresh)).toBe(true);
    expect(answer.accessToken).toBe(await secretFile('x-access'));
    expect(x.accessTokens.has(answer.accessToken)).toBe(true);
    expect(answer.expiresAt).toBe(new Date(nowMs + 7_200_000).toISOString());
    expect((await stat(join(dir, 'secrets/x-refresh'))).mode & 0o777).toBe(0o600);

    // An hour later the stored access token still has time: no request.
    nowMs += HOUR;
    expect((await keeper({ network: 'x', api: api(), sessions }).current()).accessToken).toBe(answer.accessToken);
    expect(x.calls).toHaveLength(1);

    // Past its two hours (less the margin): refreshed with the refresh token the first run wrote.
    nowMs += 50 * 60_000;
    const next = await keeper({ network: 'x', api: api(), sessions }).current();
    expect(x.calls).toHaveLength(2);
    expect(x.calls[1]?.form['refresh_token']).toBe(newRefresh);
    expect(x.calls[1]?.outcome).toBe('refreshed');
    expect(next.problem).toBeUndefined();
    expect(sessions.values.get(tokenRecordKey('ada', 'x'))).not.toContain(next.accessToken);
  });

  it('a refused refresh token (spent or revoked) is expired: the owner must authorise again', async () => {
    const sessions = new MemorySessions();
    const grant = x.authorise();
    x.liveRefreshTokens.delete(grant.refreshToken);
    await putSecret('x-access', grant.accessToken);
    await putSecret('x-refresh', grant.refreshToken);
    const answer = await keeper({ network: 'x', api: api(), sessions }).current();
    expect(answer).toMatchObject({ accessToken: grant.accessToken, problem: 'expired' });
    expect(answer.detail).toBe(
      'POST /2/oauth2/token: HTTP 400 (invalid_request): X no longer accepts the refresh token: authorise followback on X again and put the new tokens in place (docs/api-tokens.md)',
    );
    expect(await secretFile('x-refresh')).toBe(grant.refreshToken);
  });

  it('a network failure is refresh_failed: the old access token is used and the refresh token kept', async () => {
    const sessions = new MemorySessions();
    const grant = x.authorise();
    await putSecret('x-access', grant.accessToken);
    await putSecret('x-refresh', grant.refreshToken);
    x.failNext('drop');
    const answer = await keeper({ network: 'x', api: api(), sessions }).current();
    expect(answer).toMatchObject({ accessToken: grant.accessToken, problem: 'refresh_failed' });
    expect(answer.detail).toMatch(/^could not refresh the X token \(POST \/2\/oauth2\/token: network error/);
    expect(x.calls).toHaveLength(1);
    expect(await secretFile('x-refresh')).toBe(grant.refreshToken);
    // Not retried within the run (a lost answer may have spent the token); the next run succeeds.
    const later = await keeper({ network: 'x', api: api(), sessions }).current();
    expect(later.problem).toBeUndefined();
  });

  it('does not spend a refresh token it could not replace (read from the environment)', async () => {
    const sessions = new MemorySessions();
    const grant = x.authorise();
    await putSecret('x-access', grant.accessToken);
    everyToken.add(grant.refreshToken);
    const answer = await keeper({ network: 'x', api: { ...api(), refreshToken: { env: 'X_REFRESH_TOKEN' } }, sessions, env: { X_REFRESH_TOKEN: grant.refreshToken } }).current();
    expect(answer).toEqual({
      accessToken: grant.accessToken,
      detail: 'the token is read from $X_REFRESH_TOKEN, which followback cannot update: use a file or Secrets Manager reference so it is refreshed',
    });
    expect(x.calls).toHaveLength(0);
  });

  it('says so when the rotated refresh token cannot be saved, and still reads with the new access token', async () => {
    const sessions = new MemorySessions();
    const grant = x.authorise();
    await putSecret('x-access', grant.accessToken);
    await putSecret('x-refresh', grant.refreshToken);
    const inner = new FileSecretWriter({ configDir: dir });
    const failing: SecretWriter = { target: (ref) => inner.target(ref), write: () => Promise.reject(new Error('disk full')) };
    const answer = await keeper({ network: 'x', api: api(), sessions, writer: failing }).current();
    expect(answer.problem).toBe('refresh_failed');
    expect(x.accessTokens.has(answer.accessToken)).toBe(true);
    expect(answer.detail).toContain(`could not be saved to the file ${join(dir, 'secrets/x-refresh')} (disk full): the next run cannot refresh`);
  });
});

describe('a cancelled run and a store that fails', () => {
  it('a cancelled refresh ends the call as aborted, not as a failed refresh', async () => {
    const grant = x.authorise();
    await putSecret('x-access', grant.accessToken);
    await putSecret('x-refresh', grant.refreshToken);
    const ig = meta.issue('instagram', { ageDays: 10 });
    await putSecret('instagram-token', ig);
    const cancelled = AbortSignal.abort();
    const build = (network: 'x' | 'instagram') =>
      createTokenKeeper({
        network,
        profileId: 'ada',
        sourceId: network,
        api:
          network === 'x'
            ? { accessToken: { file: 'secrets/x-access' }, refreshToken: { file: 'secrets/x-refresh' }, clientId: x.clientId, baseUrl: x.url }
            : { accessToken: { file: 'secrets/instagram-token' }, baseUrl: meta.url },
        secrets: new EnvSecretResolver({}, { configDir: dir }),
        writer: new FileSecretWriter({ configDir: dir }),
        sessions: new MemorySessions(),
        sleep: async () => undefined,
      });
    await expect(build('x').current(new Date(nowMs), cancelled)).rejects.toMatchObject({ aborted: true });
    const igKeeper = build('instagram');
    await igKeeper.current(new Date(nowMs));
    await expect(igKeeper.current(new Date(nowMs + 2 * DAY), cancelled)).rejects.toMatchObject({ aborted: true });
    expect(await secretFile('instagram-token')).toBe(ig);
  });

  it('a store that cannot be read decides nothing; one that cannot be written loses dates only', async () => {
    const token = meta.issue('instagram', { ageDays: 10 });
    await putSecret('instagram-token', token);
    const broken: SessionStore = { get: () => Promise.reject(new Error('table unavailable')), put: () => Promise.reject(new Error('table unavailable')) };
    const k = (sessions: SessionStore) => keeper({ network: 'instagram', api: { accessToken: { file: 'secrets/instagram-token' }, baseUrl: meta.url }, sessions });
    expect(await k(broken).current()).toEqual({ accessToken: token });
    expect(meta.calls).toHaveLength(0);

    const sessions = new MemorySessions();
    await k(sessions).current();
    nowMs += 2 * DAY;
    const writeOnlyFails: SessionStore = { get: (key) => sessions.get(key), put: () => Promise.reject(new Error('table unavailable')) };
    const refreshed = await k(writeOnlyFails).current();
    expect(refreshed.problem).toBeUndefined();
    expect(await secretFile('instagram-token')).toBe(refreshed.accessToken);
  });
});

describe('secrecy', () => {
  it('no answer detail holds a token', () => {
    const details = answers.map((a) => a.detail ?? '').join('\n');
    expect(everyToken.size).toBeGreaterThan(5);
    for (const token of everyToken) expect(details).not.toContain(token);
  });
});
