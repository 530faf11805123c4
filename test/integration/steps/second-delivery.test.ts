/**
 * A firing's staged state belongs to the execution (holder) that started it.
 * A second delivery of the same trigger with another holder finds that state:
 * while the first holder's claims are alive it is busy, at any step (the
 * first may already be reporting), and it never continues the first's firing;
 * once those claims expired (the first was killed), it takes the firing over
 * and finishes it with one report.
 */
import { describe, expect, it } from 'vitest';
import { pullStep, reportStep, LEASE_SECONDS, type Firing, type StepDeps } from '../../../shared/app/steps.ts';
import { demoConfig } from '../../../shared/config/demo-config.ts';
import type { ProfileConfig } from '../../../shared/config/schema.ts';
import { DemoSource } from '../../../shared/sources/demo/demo-source.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { freshTable } from '../../helpers/dynamo.ts';
import { CountingMailer } from './steps-fixture.ts';

const NOW = new Date('2026-11-23T06:00:00Z');

function setup(table: Awaited<ReturnType<typeof freshTable>>, clock: () => Date, mailer: CountingMailer): StepDeps {
  return {
    store: new DynamoStore({ client: table.client, tableName: table.tableName, clock }),
    sourcesFor: () => [new DemoSource({ id: 'demo', seed: 7, size: 60 })],
    mailer,
  };
}

describe('a second delivery of a firing that has staged state', () => {
  const profile = demoConfig().profiles[0] as ProfileConfig;
  const firing = (holder: string): Firing => ({ profile, now: NOW, dryRun: false, firingKey: 'schedule-demo-20261123T060000Z', claimFiring: true, holder });

  it('is busy while the first holder runs, and never continues its firing; the first reports once', async () => {
    const table = await freshTable();
    const mailer = new CountingMailer();
    const deps = setup(table, () => new Date(), mailer);
    const first = await pullStep(firing('exec-1'), 60_000, deps);
    expect(first.done).toBe(true);
    // The first is between its pull and its report: a second delivery comes.
    const second = await pullStep(firing('exec-2'), 60_000, deps);
    expect(second.outcome).toBe('busy');
    expect(second.sources).toEqual([]);
    const report = await reportStep(firing('exec-1'), deps);
    expect(report.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    // And after it: the firing is done, so a late delivery is a duplicate.
    expect((await pullStep(firing('exec-3'), 60_000, deps)).outcome).toBe('duplicate');
    expect(await deps.store.listRuns(profile.id, 10)).toHaveLength(1);
  });

  it("takes the firing over once the first holder's claims expired (it was killed), and reports once", async () => {
    const table = await freshTable();
    const mailer = new CountingMailer();
    let offsetMs = 0;
    const deps = setup(table, () => new Date(Date.now() + offsetMs), mailer);
    expect((await pullStep(firing('exec-1'), 60_000, deps)).done).toBe(true);
    // exec-1 dies here. Its claims last LEASE_SECONDS.
    offsetMs = (LEASE_SECONDS + 60) * 1000;
    const retry = await pullStep(firing('exec-2'), 60_000, deps);
    expect(retry.outcome).not.toBe('busy');
    expect(retry.done).toBe(true);
    expect((await reportStep(firing('exec-2'), deps)).status).toBe('completed');
    expect(mailer.sent).toBe(1);
    expect(await deps.store.listRuns(profile.id, 10)).toHaveLength(1);
  });
});
