/**
 * Exactly one report per firing, through the handler on DynamoDB Local and the
 * SES emulator. Every test builds its own table and emulator, so none depends
 * on another's state. Races are made deterministic with a latch: the store
 * holds a run inside its first load (after it claimed its trigger and the
 * profile's lease) until the test has sent the competing invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SESClient } from '@aws-sdk/client-ses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type JobDeps, type JobHandler } from '../../../functions/handler/create-handler.ts';
import { SCHEDULE_EVENT_SOURCE } from '../../../shared/app/env.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import { SesMailer } from '../../../shared/mail/ses-mailer.ts';
import type { ProfileState, SourceState } from '../../../shared/ports/store.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startSesEmulator, type SesEmulator } from '../../helpers/ses-emulator.ts';
import { demoConfigInput, LOCAL_CREDENTIALS } from './handler-fixture.ts';

const scheduled = (profile: string, scheduledTime: string) => ({ source: SCHEDULE_EVENT_SOURCE, profile, scheduledTime });

interface Held {
  /** Resolves once the held run is inside its load: it holds its trigger's claim and the lease. */
  entered: Promise<void>;
  release(): void;
}

/** The real DynamoDB store, whose next profile load can be held on a latch. */
class LatchedStore extends DynamoStore {
  private latch: { at: HoldAt; enter: () => void; gate: Promise<void> } | undefined;

  /** Holds the next pull step's read of the cursors ('pull'), or the report step's read of the profile ('report'). */
  holdNextLoad(at: HoldAt = 'pull'): Held {
    let enter = (): void => undefined;
    let release = (): void => undefined;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.latch = { at, enter, gate };
    return { entered, release };
  }

  private async pass(at: HoldAt): Promise<void> {
    const latch = this.latch;
    if (latch === undefined || latch.at !== at) return;
    this.latch = undefined;
    latch.enter();
    await latch.gate;
  }

  override async loadSourceStates(profileId: string): Promise<SourceState[]> {
    await this.pass('pull');
    return super.loadSourceStates(profileId);
  }

  override async loadProfileState(profileId: string): Promise<ProfileState> {
    await this.pass('report');
    return super.loadProfileState(profileId);
  }
}
type HoldAt = 'pull' | 'report';

let table: FreshTable;
let ses: SesEmulator;
let sesClient: SESClient;
let store: LatchedStore;
let handler: JobHandler;
let builds = 0;

beforeEach(async () => {
  table = await freshTable();
  ses = await startSesEmulator();
  sesClient = new SESClient({ endpoint: ses.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  store = new LatchedStore({ client: table.client, tableName: table.tableName });
  builds = 0;
  const config = parseConfig(demoConfigInput(), 'handler test config');
  handler = createHandler(async (): Promise<JobDeps> => {
    builds += 1;
    return {
      config,
      configDir: process.cwd(),
      store,
      secrets: { resolve: () => Promise.reject(new Error('the demo profile needs no secret')) },
      mailer: new SesMailer({ client: sesClient }),
      logger: new Logger({ serviceName: 'followback', logLevel: 'SILENT' }),
    };
  });
});

afterEach(async () => {
  sesClient.destroy();
  await ses.stop();
  await table.drop();
  table.client.destroy();
});

const emailsTo = async (to: string) => (await ses.received()).filter((e) => e.destination.to.includes(to));
const failureOf = (work: Promise<unknown>): Promise<Error | undefined> =>
  work.then(
    () => undefined,
    (err: unknown) => err as Error,
  );

describe('exactly one report per firing (DynamoDB Local + SES emulator)', () => {
  it.each(['pull', 'report'] as const)(
    'a second delivery of a firing still running (held in its %s step) fails, to be retried, and sends nothing; the first stores one run and sends one email',
    async (at) => {
      const event = scheduled('demo', '2026-11-23T06:00:00Z');
      const held = store.holdNextLoad(at);
      const first = handler(event, { awsRequestId: 'delivery-1' });
      await held.entered;
      const second = await failureOf(handler(event, { awsRequestId: 'delivery-2' }));
      expect(second?.name).toBe('ProfileBusyError');
      held.release();
      const done = await first;
      expect(done).toMatchObject({ status: 'completed', runKey: 'schedule:demo:2026-11-23T06:00:00.000Z', delivery: { kind: 'ses' } });
      const runs = await store.listRuns('demo', 10);
      expect(runs.map((r) => ({ at: r.at, runId: r.runId }))).toEqual([{ at: '2026-11-23T06:00:00.000Z', runId: done.runId }]);
      expect((await ses.received()).map((e) => e.destination.to)).toEqual([['owner@example.org']]);
    },
  );

  it('a delivery repeated after the firing completed is a duplicate: no email, no new run', async () => {
    const first = await handler(scheduled('demo', '2026-11-23T06:00:00Z'), { awsRequestId: 'delivery-1' });
    expect(first.status).toBe('completed');
    // The same firing, its time written another way.
    const again = await handler(scheduled('demo', '2026-11-23T06:00:00.000Z'), { awsRequestId: 'delivery-2' });
    expect(again.status).toBe('duplicate');
    expect(again.runId).toBeUndefined();
    expect(await store.listRuns('demo', 10)).toHaveLength(1);
    expect(await ses.received()).toHaveLength(1);
  });

  it('the next firing of the schedule is a new run with its own email', async () => {
    await handler(scheduled('demo', '2026-11-23T06:00:00Z'), { awsRequestId: 'delivery-1' });
    const next = await handler(scheduled('demo', '2026-11-30T06:00:00Z'), { awsRequestId: 'delivery-2' });
    expect(next.status).toBe('completed');
    expect((await store.listRuns('demo', 10)).map((r) => r.at).sort()).toEqual(['2026-11-23T06:00:00.000Z', '2026-11-30T06:00:00.000Z']);
    expect(await ses.received()).toHaveLength(2);
  });

  it('a manual invocation while another runs for the same profile is told the profile is busy; one run, one email', async () => {
    const held = store.holdNextLoad();
    const first = handler({ profile: 'other' }, { awsRequestId: 'manual-a' });
    await held.entered;
    const second = await handler({ profile: 'other' }, { awsRequestId: 'manual-b' });
    expect(second.status).toBe('busy');
    held.release();
    expect((await first).status).toBe('completed');
    expect(await store.listRuns('other', 10)).toHaveLength(1);
    expect(await emailsTo('other@example.org')).toHaveLength(1);
  });

  it('a manual dry run sends nothing, stores nothing, and leaves the same trigger free to run for real', async () => {
    const dry = await handler({ profile: 'other', dryRun: true, now: '2026-12-01T09:00:00Z' }, { awsRequestId: 'manual-dry' });
    expect(dry).toMatchObject({ status: 'completed', dryRun: true, trigger: 'manual', runKey: 'manual:other:2026-12-01T09:00:00.000Z' });
    expect(dry.delivery).toBeUndefined();
    expect(await ses.received()).toHaveLength(0);
    expect(await store.listRuns('other', 10)).toHaveLength(0);
    const real = await handler({ profile: 'other', now: '2026-12-01T09:00:00Z' }, { awsRequestId: 'manual-real' });
    expect(real.status).toBe('completed');
    expect(await ses.received()).toHaveLength(1);
  });

  it('a manual event repeated with the same "now" runs once', async () => {
    const event = { profile: 'demo', now: '2026-12-02T10:00:00Z' };
    const first = await handler(event, { awsRequestId: 'manual-now-1' });
    const second = await handler(event, { awsRequestId: 'manual-now-2' });
    expect([first.status, second.status]).toEqual(['completed', 'duplicate']);
    expect(await ses.received()).toHaveLength(1);
  });

  it('builds the adapters once for all the invocations of one execution environment', async () => {
    await handler(scheduled('demo', '2026-11-23T06:00:00Z'), { awsRequestId: 'a' });
    await handler(scheduled('other', '2026-11-23T06:00:00Z'), { awsRequestId: 'b' });
    await handler({ profile: 'demo', dryRun: true }, { awsRequestId: 'c' });
    expect(builds).toBe(1);
  });

  it('a scheduled firing that meets another run of its profile fails, to be retried, and its retry runs it once the profile is free', async () => {
    const held = store.holdNextLoad();
    const manual = handler({ profile: 'demo', now: '2026-11-24T10:00:00Z' }, { awsRequestId: 'manual-long' });
    await held.entered;
    const firing = scheduled('demo', '2026-11-24T06:00:00Z');
    expect((await failureOf(handler(firing, { awsRequestId: 'delivery-busy' })))?.name).toBe('ProfileBusyError');
    held.release();
    expect((await manual).status).toBe('completed');
    // The refused delivery left its trigger unclaimed: the retry runs it, it is not taken for a duplicate.
    const retry = await handler(firing, { awsRequestId: 'delivery-busy-retry' });
    expect(retry.status).toBe('completed');
    expect((await store.listRuns('demo', 10)).map((r) => r.at).sort()).toEqual(['2026-11-24T06:00:00.000Z', '2026-11-24T10:00:00.000Z']);
    expect(await ses.received()).toHaveLength(2);
  });
});
