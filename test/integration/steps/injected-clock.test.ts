/**
 * The steps read the clock they are given (StepDeps.now), not Date: a
 * simulation or a test moves time without replacing Date. Against DynamoDB
 * Local and the local Mastodon server, a firing whose injected clock passes
 * policy.maxPullHours between two steps stops pulling and reports the source
 * partial, while the real clock has barely moved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullStep, type Firing } from '../../../shared/app/steps.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import { MastodonSource } from '../../../shared/sources/mastodon/mastodon-source.ts';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { bigWorld, CountingMailer, TOKEN } from './steps-fixture.ts';

const T0 = new Date('2026-11-25T08:00:00Z');

describe('the steps on an injected clock', () => {
  let srv: MastodonServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
    srv = await startMastodonServer({ token: TOKEN, world: bigWorld(800), rateLimit: 1_000_000 });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  it('a firing past maxPullHours on the injected clock stops pulling and reports the source partial', async () => {
    const profile = parseConfig(
      { profiles: [{ id: 'clock', policy: { maxPullHours: 0.1 }, sources: [{ type: 'file', id: 'masto', path: 'unused.json' }], report: { recipients: ['owner@example.com'], sender: 'followback@example.com' } }] },
      'injected clock test',
    ).profiles[0]!;
    let now = T0.getTime();
    const clock = (): number => now;
    const deps = {
      store: table.store,
      mailer: new CountingMailer(),
      now: clock,
      maxRequestsPerStep: 3,
      sourcesFor: () => [new MastodonSource({ id: 'masto', instanceUrl: srv.url, accessToken: TOKEN, backfillDays: 30, maxPages: 50, http: { now: clock } })],
    };
    const firing: Firing = { profile, now: T0, dryRun: false, firingKey: 'schedule:clock:1', claimFiring: false, holder: 'exec-clock', startedAt: T0.toISOString() };
    const realStart = Date.now();

    const first = await pullStep(firing, 60_000, deps);
    expect(first).toMatchObject({ done: false, sources: [{ state: 'in_progress' }] });
    const requestsAfterFirst = srv.total();

    // Five minutes on: still within the 6 minutes, the next step reads on.
    now += 5 * 60_000;
    const second = await pullStep(firing, 60_000, deps);
    expect(second).toMatchObject({ done: false, sources: [{ state: 'in_progress' }] });
    expect(srv.total()).toBeGreaterThan(requestsAfterFirst);

    // Past the 6 minutes on the injected clock: the firing stops and the source is partial.
    now += 2 * 60_000;
    const third = await pullStep(firing, 60_000, deps);
    expect(third).toMatchObject({ done: true, sources: [{ state: 'partial' }] });
    expect(Date.now() - realStart).toBeLessThan(6 * 60_000);
  }, 60_000);
});
