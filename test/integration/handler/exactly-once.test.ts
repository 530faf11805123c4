import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_EVENT_SOURCE } from '../../../shared/app/env.ts';
import { startRig, type HandlerRig } from './handler-fixture.ts';

const scheduled = (profile: string, scheduledTime: string) => ({ source: SCHEDULE_EVENT_SOURCE, profile, scheduledTime });

describe('exactly one report per firing (DynamoDB Local + SES emulator)', () => {
  let rig: HandlerRig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => rig.stop());

  it('two concurrent deliveries of the same scheduled firing store one run and send one email', async () => {
    const event = scheduled('demo', '2026-11-23T06:00:00Z');
    const settled = await Promise.allSettled([rig.handler(event, { awsRequestId: 'delivery-1' }), rig.handler(event, { awsRequestId: 'delivery-2' })]);

    // The delivery that finds the firing still running fails (so Lambda retries it) rather than reporting success.
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    expect(results.map((r) => r.status)).toEqual(['completed']);
    expect(refused.map((e) => e.name)).toEqual(['ProfileBusyError']);
    const runs = await rig.table.store.listRuns('demo', 10);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.at).toBe('2026-11-23T06:00:00.000Z');
    const emails = await rig.ses.received();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.destination.to).toEqual(['owner@example.org']);
    const completed = results.find((r) => r.status === 'completed');
    expect(completed?.runId).toBe(runs[0]?.runId);
    expect(completed?.delivery?.kind).toBe('ses');
    expect(completed?.runKey).toBe('schedule:demo:2026-11-23T06:00:00.000Z');
  });

  it('a repeated delivery after the run completed is a duplicate: no email, no new run', async () => {
    const again = await rig.handler(scheduled('demo', '2026-11-23T06:00:00.000Z'), { awsRequestId: 'delivery-3' });
    expect(again.status).toBe('duplicate');
    expect(again.runId).toBeUndefined();
    expect(await rig.table.store.listRuns('demo', 10)).toHaveLength(1);
    expect(await rig.ses.received()).toHaveLength(1);
  });

  it('the next firing of the schedule is a new run with its own email', async () => {
    const next = await rig.handler(scheduled('demo', '2026-11-30T06:00:00Z'), { awsRequestId: 'delivery-4' });
    expect(next.status).toBe('completed');
    expect(await rig.table.store.listRuns('demo', 10)).toHaveLength(2);
    expect(await rig.ses.received()).toHaveLength(2);
  });

  it('two concurrent manual invocations for one profile make one run; the other is told the profile is busy', async () => {
    const before = (await rig.table.store.listRuns('other', 10)).length;
    const event = { profile: 'other' };
    const results = await Promise.all([rig.handler(event, { awsRequestId: 'manual-a' }), rig.handler(event, { awsRequestId: 'manual-b' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['busy', 'completed']);
    expect(await rig.table.store.listRuns('other', 10)).toHaveLength(before + 1);
    const toOther = (await rig.ses.received()).filter((e) => e.destination.to.includes('other@example.org'));
    expect(toOther).toHaveLength(1);
  });

  it('a manual dry run sends nothing, stores nothing, and leaves the same trigger free to run for real', async () => {
    const sent = (await rig.ses.received()).length;
    const result = await rig.handler({ profile: 'other', dryRun: true, now: '2026-12-01T09:00:00Z' }, { awsRequestId: 'manual-dry' });
    expect(result).toMatchObject({ status: 'completed', dryRun: true, trigger: 'manual', runKey: 'manual:other:2026-12-01T09:00:00.000Z' });
    expect(result.delivery).toBeUndefined();
    expect(await rig.ses.received()).toHaveLength(sent);
    const runs = await rig.table.store.listRuns('other', 10);
    expect(runs.find((r) => r.runId === result.runId)).toBeUndefined();
    const real = await rig.handler({ profile: 'other', now: '2026-12-01T09:00:00Z' }, { awsRequestId: 'manual-real' });
    expect(real.status).toBe('completed');
    expect(await rig.ses.received()).toHaveLength(sent + 1);
  });

  it('a manual event repeated with the same "now" runs once', async () => {
    const event = { profile: 'demo', now: '2026-12-02T10:00:00Z' };
    const first = await rig.handler(event, { awsRequestId: 'manual-now-1' });
    const second = await rig.handler(event, { awsRequestId: 'manual-now-2' });
    expect([first.status, second.status]).toEqual(['completed', 'duplicate']);
  });

  it('builds the adapters once for all the invocations (one cold start)', () => {
    expect(rig.builds()).toBe(1);
  });
  it('a scheduled firing that meets another run of its profile fails, to be retried, instead of being dropped', async () => {
    const manual = rig.handler({ profile: 'demo', now: '2026-11-24T10:00:00Z' }, { awsRequestId: 'manual-long' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const firing = rig.handler(scheduled('demo', '2026-11-24T06:00:00Z'), { awsRequestId: 'delivery-busy' });
    const [m, f] = await Promise.allSettled([manual, firing]);
    const outcomes = [m, f].map((s) => (s.status === 'fulfilled' ? s.value.status : (s.reason as Error).name));
    // Whichever got the profile first ran; a scheduled loser is an error (retried), a manual loser is told it was busy.
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
    expect(outcomes).not.toContain('duplicate');
    if (f.status === 'rejected') expect((f.reason as Error).name).toBe('ProfileBusyError');
    // The retry of the firing, once the profile is free, runs it (or finds it done).
    const retry = await rig.handler(scheduled('demo', '2026-11-24T06:00:00Z'), { awsRequestId: 'delivery-busy-retry' });
    expect(['completed', 'duplicate']).toContain(retry.status);
  });
});
