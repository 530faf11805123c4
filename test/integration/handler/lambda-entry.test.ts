import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENV } from '../../../shared/app/env.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startSesEmulator, type SesEmulator } from '../../helpers/ses-emulator.ts';
import { demoConfigInput, LOCAL_CREDENTIALS } from './handler-fixture.ts';

/**
 * The deployed entry point itself (functions/handler.ts), configured only the
 * way the stack configures it: environment variables and a config file. The
 * SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables point it at the local services.
 */
describe('functions/handler.ts, wired from the environment', () => {
  let table: FreshTable;
  let ses: SesEmulator;
  let lines: string[] = [];

  beforeAll(async () => {
    table = await freshTable();
    ses = await startSesEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'followback-bundle-'));
    writeFileSync(join(dir, 'followback.config.json'), JSON.stringify(demoConfigInput()));
    vi.stubEnv(ENV.tableName, table.tableName);
    vi.stubEnv(ENV.configPath, join(dir, 'followback.config.json'));
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', table.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SES', ses.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-south-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{')) {
        lines.push(...text.trim().split('\n'));
        return true;
      }
      return write(chunk, ...(rest as []));
    });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await ses.stop();
    await table.drop();
  });

  it('runs a manual event end to end: one run stored, one email sent, a summary returned', async () => {
    lines = [];
    const { handler } = await import('../../../functions/handler.ts');
    const summary = await handler({ profile: 'demo', now: '2026-11-25T08:00:00Z' }, { awsRequestId: 'req-1' });
    expect(summary).toMatchObject({ status: 'completed', profileId: 'demo', trigger: 'manual', dryRun: false, at: '2026-11-25T08:00:00.000Z' });
    expect(summary.figures?.followers).toBeGreaterThan(0);
    expect(await table.store.listRuns('demo', 5)).toHaveLength(1);
    expect(await ses.received()).toHaveLength(1);
  });

  it('writes structured JSON logs carrying the service, the profile, the run key and the run id', async () => {
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(1);
    for (const r of records) expect(r).toMatchObject({ service: 'followback', profile: 'demo', runKey: 'manual:demo:2026-11-25T08:00:00.000Z' });
    const finished = records.find((r) => r['message'] === 'run finished');
    expect(finished?.['runId']).toEqual(expect.stringMatching(/\S/));
    expect(finished?.['level']).toBe('INFO');
  });

  it('fails with the variable name when the table is not configured', async () => {
    vi.resetModules();
    vi.stubEnv(ENV.tableName, '');
    const { handler } = await import('../../../functions/handler.ts');
    await expect(handler({ profile: 'demo' }, { awsRequestId: 'req-2' })).rejects.toThrow(`environment variable ${ENV.tableName} is not set`);
  });
});
