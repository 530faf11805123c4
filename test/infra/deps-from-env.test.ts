import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SESClientConfig } from '@aws-sdk/client-ses';
import { describe, expect, it, vi } from 'vitest';
import { ENV } from '../../shared/app/env.ts';
import type { ConfigInput } from '../../shared/config/schema.ts';
import { testConfigInput } from './stack-fixture.ts';

// Records the configuration of every SESClient the handler builds (the mailer keeps its client private).
const created = vi.hoisted(() => [] as SESClientConfig[]);
vi.mock('@aws-sdk/client-ses', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-sdk/client-ses')>();
  class RecordingSESClient extends original.SESClient {
    constructor(config: SESClientConfig) {
      super(config);
      created.push(config);
    }
  }
  return { ...original, SESClient: RecordingSESClient };
});

const { depsFromEnv, sesClientConfig } = await import('../../functions/handler/deps-from-env.ts');

async function sesConfigFor(delivery: ConfigInput['delivery']): Promise<SESClientConfig | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'followback-deps-'));
  writeFileSync(join(dir, 'followback.config.json'), JSON.stringify(testConfigInput({ delivery })));
  created.length = 0;
  await depsFromEnv({ [ENV.tableName]: 'followback-test' }, dir, {} as Logger);
  expect(created).toHaveLength(1);
  return created[0];
}

describe('the Lambda SES client', () => {
  it("sends in the config's delivery.region, through delivery.endpoint when set", async () => {
    expect(await sesConfigFor({ type: 'ses', region: 'eu-west-1', endpoint: 'https://email.eu-west-1.amazonaws.com' })).toEqual({
      region: 'eu-west-1',
      endpoint: 'https://email.eu-west-1.amazonaws.com',
    });
    expect(await sesConfigFor({ type: 'ses', region: 'us-east-2' })).toEqual({ region: 'us-east-2' });
  });

  it("uses the Lambda's own region when the config names none", async () => {
    expect(await sesConfigFor({ type: 'ses' })).toEqual({});
    expect(sesClientConfig({ type: 'outbox', dir: 'outbox' })).toEqual({});
  });
});

describe('decision links from the deployed run', () => {
  async function depsWith(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'followback-deps-'));
    writeFileSync(join(dir, 'followback.config.json'), JSON.stringify(testConfigInput({ delivery: { type: 'ses' } })));
    return depsFromEnv({ [ENV.tableName]: 'followback-test', ...env }, dir, {} as Logger);
  }

  it('are signed with the secret the stack names, and only then', async () => {
    const { DECISION_KEYS_SECRET_ENV } = await import('../../shared/decide/keyring.ts');
    expect((await depsWith({})).decisionPage).toBeUndefined();
    expect((await depsWith({ [DECISION_KEYS_SECRET_ENV]: 'followback/decision-keys' })).decisionPage).toBeDefined();
  });
});

describe('the exports bucket in the deployed run', () => {
  async function depsWith(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'followback-deps-'));
    writeFileSync(join(dir, 'followback.config.json'), JSON.stringify(testConfigInput({ delivery: { type: 'ses' } })));
    return depsFromEnv({ [ENV.tableName]: 'followback-test', ...env }, dir, {} as Logger);
  }

  it('export sources read the bucket the stack names (downloads under /tmp), and the local folder without it', async () => {
    expect((await depsWith({})).exportsBucket).toBeUndefined();
    expect((await depsWith({ [ENV.exportsBucket]: '' })).exportsBucket).toBeUndefined();
    const deps = await depsWith({ [ENV.exportsBucket]: 'followback-exports-abc' });
    expect(deps.exportsBucket).toMatchObject({ bucket: 'followback-exports-abc', tmpDir: join(tmpdir(), 'followback-exports') });
    expect(typeof deps.exportsBucket?.client.send).toBe('function');
    // One /tmp budget for every export source of the function: what the stack's ephemeral storage holds.
    const { EXPORT_DOWNLOAD_LIMIT_BYTES, EXPORTS_EPHEMERAL_STORAGE_MB } = await import('../../shared/ports/export-inbox.ts');
    expect(deps.exportsBucket?.space?.capacity).toBe(EXPORT_DOWNLOAD_LIMIT_BYTES);
    expect(EXPORT_DOWNLOAD_LIMIT_BYTES).toBeLessThan(EXPORTS_EPHEMERAL_STORAGE_MB * 1024 ** 2);
  });
});
