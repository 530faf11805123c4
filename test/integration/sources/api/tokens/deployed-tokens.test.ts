/**
 * Deployed: tokens live in Secrets Manager. The real SDK client talks to a local server speaking the
 * Secrets Manager JSON protocol (test/helpers/token-server.ts); a refresh puts the new token in the
 * reference's own secret and nothing else, and the run's resolver does not serve the old one after.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../../../../shared/ports/source.ts';
import { SecretsManagerResolver } from '../../../../../shared/secrets/secrets-manager-resolver.ts';
import { SecretsManagerSecretWriter } from '../../../../../shared/secrets/secrets-manager-writer.ts';
import { createTokenKeeper } from '../../../../../shared/sources/api/tokens/token-keeper.ts';
import { startMetaTokenServer, startSecretsManagerServer, startXTokenServer, type MetaTokenServer, type SecretsManagerServer, type XTokenServer } from '../../../../helpers/token-server.ts';

const DAY = 86_400_000;
const IG_SECRET = 'followback/ada/instagram';
const OTHER_SECRET = 'followback/ada/mastodon';
const X_ACCESS = 'followback/ada/x-access';
const X_REFRESH = 'followback/ada/x-refresh';

class MemorySessions implements SessionStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async put(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}

let nowMs = Date.parse('2026-12-07T08:00:00.000Z');
let sm: SecretsManagerServer;
let meta: MetaTokenServer;
let x: XTokenServer;
let client: SecretsManagerClient;

beforeAll(async () => {
  sm = await startSecretsManagerServer();
  meta = await startMetaTokenServer({ now: () => nowMs });
  x = await startXTokenServer({ now: () => nowMs });
  client = new SecretsManagerClient({ endpoint: sm.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' }, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await Promise.all([sm.close(), meta.close(), x.close()]);
});
beforeEach(() => {
  sm.calls.length = 0;
});

function deployed(resolver: SecretsManagerResolver) {
  return { secrets: resolver, writer: new SecretsManagerSecretWriter({ client, resolver }) };
}

describe('tokens kept in Secrets Manager', () => {
  it('a refreshed Instagram token is put in its own secret only, and the resolver serves the new one', async () => {
    const original = meta.issue('instagram', { ageDays: 20 });
    sm.secrets.set(IG_SECRET, original);
    sm.secrets.set(OTHER_SECRET, 'mastodon-token');
    const sessions = new MemorySessions();
    const resolver = new SecretsManagerResolver({ client, now: () => nowMs });
    const keeper = createTokenKeeper({ network: 'instagram', profileId: 'ada', sourceId: 'instagram', api: { accessToken: { env: 'IG_TOKEN', secretName: IG_SECRET }, baseUrl: meta.url }, sessions, ...deployed(resolver) });

    expect((await keeper.current(new Date(nowMs))).accessToken).toBe(original);
    nowMs += 2 * DAY;
    const refreshed = await keeper.current(new Date(nowMs));
    expect(refreshed.accessToken).not.toBe(original);
    expect(refreshed.problem).toBeUndefined();

    const puts = sm.calls.filter((c) => c.operation === 'PutSecretValue');
    expect(puts).toEqual([{ operation: 'PutSecretValue', secretId: IG_SECRET, region: 'eu-west-1' }]);
    expect(sm.secrets.get(IG_SECRET)).toBe(refreshed.accessToken);
    expect(sm.secrets.get(OTHER_SECRET)).toBe('mastodon-token');
    // Within the resolver's cache time, the same warm environment reads the new token, not the cached old one.
    const gets = sm.calls.filter((c) => c.operation === 'GetSecretValue').length;
    expect(await resolver.resolve({ secretName: IG_SECRET })).toBe(refreshed.accessToken);
    expect(sm.calls.filter((c) => c.operation === 'GetSecretValue')).toHaveLength(gets);
  });

  it("X's rotated refresh token is put before the access token, each in its own secret", async () => {
    const grant = x.authorise();
    sm.secrets.set(X_ACCESS, grant.accessToken);
    sm.secrets.set(X_REFRESH, grant.refreshToken);
    const resolver = new SecretsManagerResolver({ client, now: () => nowMs });
    const keeper = createTokenKeeper({
      network: 'x',
      profileId: 'ada',
      sourceId: 'x',
      api: { accessToken: { secretName: X_ACCESS }, refreshToken: { secretName: X_REFRESH }, clientId: x.clientId, baseUrl: x.url },
      sessions: new MemorySessions(),
      ...deployed(resolver),
    });
    const answer = await keeper.current(new Date(nowMs));
    expect(sm.calls.filter((c) => c.operation === 'PutSecretValue').map((c) => c.secretId)).toEqual([X_REFRESH, X_ACCESS]);
    expect(sm.secrets.get(X_ACCESS)).toBe(answer.accessToken);
    expect(x.liveRefreshTokens.has(sm.secrets.get(X_REFRESH) ?? '')).toBe(true);
  });

  it('a put that is refused names the secret and the grant, never the value', async () => {
    const writer = new SecretsManagerSecretWriter({ client });
    const failure = writer.write({ secretName: 'followback/ada/not-created' }, 'tok-should-not-leak');
    await expect(failure).rejects.toThrow('secret "followback/ada/not-created" was not found');
    await expect(failure.catch((e: Error) => e.message)).resolves.not.toContain('tok-should-not-leak');
    const denied = new SecretsManagerSecretWriter({ client: { send: () => Promise.reject(Object.assign(new Error('User is not authorized tok-should-not-leak'), { name: 'AccessDeniedException' })) } });
    await expect(denied.write({ secretName: IG_SECRET }, 'tok-should-not-leak')).rejects.toThrow(/^not allowed to write secret "followback\/ada\/instagram": the stack grants secretsmanager:PutSecretValue only on the API token secrets/);
  });
});
