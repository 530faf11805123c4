/**
 * Issue 9, point 1: once the report has gone out, a firing is done. When
 * storing then fails (DynamoDB throttled or down), retries of the same firing
 * send nothing, the run record says storing failed, and the next report
 * includes what could not be stored and says why. DynamoDB Local behind a proxy
 * that fails BatchWriteItem like a real outage; the SES emulator; the real CLI.
 */
import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type JobHandler } from '../../../functions/handler/create-handler.ts';
import { SCHEDULE_EVENT_SOURCE } from '../../../shared/app/env.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import { SesMailer } from '../../../shared/mail/ses-mailer.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { makeLocalClient } from '../../../shared/store/local-dynamo.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startDynamoFaultProxy, type DynamoFaultProxy } from '../../helpers/dynamo-fault-proxy.ts';
import { startSesEmulator, type SesEmulator } from '../../helpers/ses-emulator.ts';
import { demoConfigInput, LOCAL_CREDENTIALS } from '../handler/handler-fixture.ts';
import { cli, readReport, tempDir, writeJson } from '../cli/cli-harness.ts';

const scheduled = (scheduledTime: string) => ({ source: SCHEDULE_EVENT_SOURCE, profile: 'demo', scheduledTime });

describe('Lambda: a firing whose report went out but whose run could not be stored', () => {
  let table: FreshTable;
  let proxy: DynamoFaultProxy;
  let ses: SesEmulator;
  let handler: JobHandler;
  let store: DynamoStore;

  beforeAll(async () => {
    table = await freshTable();
    proxy = await startDynamoFaultProxy(table.endpoint);
    ses = await startSesEmulator();
    store = new DynamoStore({ client: makeLocalClient(proxy.endpoint), tableName: table.tableName, batch: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const config = parseConfig(demoConfigInput(), 'delivered-not-stored test');
    const sesClient = new SESClient({ endpoint: ses.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    handler = createHandler(async () => ({
      config,
      configDir: process.cwd(),
      store,
      secrets: { resolve: () => Promise.reject(new Error('no secret needed')) },
      mailer: new SesMailer({ client: sesClient }),
      logger: new Logger({ serviceName: 'followback', logLevel: 'SILENT' }),
    }));
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await ses?.stop();
  });

  it('fails once, then every retry of the same firing is a duplicate: one email in all', async () => {
    proxy.fail('BatchWriteItem');
    const event = scheduled('2026-11-23T06:00:00Z');
    await expect(handler(event, { awsRequestId: 'try-1' })).rejects.toThrow(/report was delivered, but storing the run failed/);
    expect(proxy.failures()['BatchWriteItem']).toBeGreaterThan(0);
    expect(await ses.received()).toHaveLength(1);

    // Lambda's and the Scheduler's retries of the same firing, with the store still down and after it healed.
    expect((await handler(event, { awsRequestId: 'try-2' })).status).toBe('duplicate');
    proxy.heal();
    expect((await handler(event, { awsRequestId: 'try-3' })).status).toBe('duplicate');
    expect(await ses.received()).toHaveLength(1);
  });

  it('the run record says storing failed, and holds the figures the owner was sent', async () => {
    const runs = await store.listRuns('demo', 10);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.storeFailed).toMatch(/InternalServerError|Internal server error/);
    expect(runs[0]?.writes.items).toBe(0);
    expect(runs[0]?.delivery?.kind).toBe('ses');
    const state = await store.loadProfileState('demo');
    expect(state.contacts).toHaveLength(0);
  });

  it('the next firing stores everything and its report says the previous one could not be stored', async () => {
    const next = await handler(scheduled('2026-11-30T06:00:00Z'), { awsRequestId: 'next-1' });
    expect(next.status).toBe('completed');
    const emails = await ses.received();
    expect(emails).toHaveLength(2);
    const runs = await store.listRuns('demo', 10);
    expect(runs.map((r) => r.storeFailed === undefined)).toEqual([true, false]);
    expect((await store.loadProfileState('demo')).contacts.length).toBeGreaterThan(0);
    const body = JSON.stringify(emails[1]);
    expect(body).toContain('could not be stored');
  });
});

describe('CLI: a run whose report went out but could not be stored', () => {
  let table: FreshTable;
  let proxy: DynamoFaultProxy;
  let dir: string;

  beforeAll(async () => {
    table = await freshTable();
    proxy = await startDynamoFaultProxy(table.endpoint);
    dir = await tempDir('fb-unstored-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [{ id: 'ada', sources: [{ type: 'demo', seed: 7, size: 60 }], report: { recipients: ['ada@example.com'], sender: 'fb@example.com' } }],
      storage: { endpoint: proxy.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
  }, 60_000);

  afterAll(async () => proxy?.close());

  it('exits 1 saying the report was delivered and must not be run again; the next run says what it makes up for', async () => {
    proxy.fail('BatchWriteItem');
    const failed = await cli(['run', '--now', '2026-11-25T09:00:00Z'], dir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the report was delivered, but storing the run failed');
    expect(failed.stderr).toContain('do not run this report again');
    const first = await readReport(join(dir, 'out'), '2026-11-25');
    expect(first.notices.some((n) => n.kind === 'previous_run_unstored')).toBe(false);

    proxy.heal();
    const next = await cli(['run', '--now', '2026-12-02T09:00:00Z'], dir);
    expect(next.code).toBe(0);
    const second = await readReport(join(dir, 'out'), '2026-12-02');
    expect(second.notices).toContainEqual(expect.objectContaining({ kind: 'previous_run_unstored', at: '2026-11-25T09:00:00.000Z' }));
    // Nothing was stored the first week, so this report's new followers are everyone who follows now.
    expect(second.figures.newFollowers).toBe(0);
    expect(second.figures.followers).toBeGreaterThan(0);
  }, 120_000);
});
