/**
 * The two Lambda entry points of a firing, driven the way the state machine
 * drives them (Pull until done, waiting in between, then Report), against
 * DynamoDB Local and the SES emulator with the demo profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPullStepHandler } from '../../functions/pull-step.ts';
import { createReportStepHandler } from '../../functions/report-step.ts';
import { InvalidFiringError } from '../../functions/steps/step-event.ts';
import type { JobDeps } from '../../functions/handler/create-handler.ts';
import { startRig, type HandlerRig } from '../integration/handler/handler-fixture.ts';

let rig: HandlerRig;
let deps: () => Promise<JobDeps>;

beforeAll(async () => {
  rig = await startRig();
  // The same local adapters the rig gives the single-run handler.
  const { Logger } = await import('@aws-lambda-powertools/logger');
  const { SESClient } = await import('@aws-sdk/client-ses');
  const { SesMailer } = await import('../../shared/mail/ses-mailer.ts');
  const sesClient = new SESClient({ endpoint: rig.ses.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  deps = async () => ({
    config: rig.config,
    configDir: process.cwd(),
    store: rig.table.store,
    secrets: { resolve: () => Promise.reject(new Error('the demo profile needs no secret')) },
    mailer: new SesMailer({ client: sesClient }),
    logger: new Logger({ serviceName: 'followback', logLevel: 'SILENT' }),
  });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

const firing = (executionId: string, overrides: Record<string, unknown> = {}) => ({
  profile: 'demo',
  now: '2026-11-23T07:00:00Z',
  firingKey: 'schedule:demo:2026-11-23T07:00:00Z',
  dryRun: false,
  executionId,
  startedAt: '2026-11-23T07:00:01.000Z',
  ...overrides,
});
// The Lambda context's clock: a step gets what is left of its timeout, less the margin to save cursors.
const context = { getRemainingTimeInMillis: () => 5 * 60_000 };

/** What the state machine does: Pull, and while not done Wait and Pull again, then Report. */
async function execute(event: Record<string, unknown>) {
  const pull = createPullStepHandler(deps);
  const report = createReportStepHandler(deps);
  const outputs = [];
  for (let i = 0; i < 50; i++) {
    const out = await pull(event, context);
    outputs.push(out);
    if (out.done) break;
  }
  return { outputs, summary: await report(event) };
}

describe('the step entry points, run as the state machine runs them', () => {
  it('pull until done, then report and deliver once; each step hands back only ids and counts', async () => {
    const { outputs, summary } = await execute(firing('arn:aws:states:eu-south-1:1:execution:FiringLoop:demo-2026-11-23T070000Z'));
    expect(outputs.at(-1)?.done).toBe(true);
    for (const out of outputs) {
      expect(Object.keys(out).sort()).toEqual(['done', 'iteration', 'sources', 'waitSeconds']);
      expect(JSON.stringify(out).length).toBeLessThan(1000);
    }
    expect(summary).toMatchObject({ status: 'completed', profileId: 'demo', trigger: 'schedule', runKey: 'schedule:demo:2026-11-23T07:00:00Z', dryRun: false, at: '2026-11-23T07:00:00.000Z' });
    expect(summary.delivery?.kind).toBeDefined();
    expect(await rig.ses.received()).toHaveLength(1);
  });

  it('treat a second execution of the same firing as a duplicate: nothing pulled, nothing delivered again', async () => {
    const { outputs, summary } = await execute(firing('arn:aws:states:eu-south-1:1:execution:FiringLoop:another'));
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ done: true, outcome: 'duplicate' });
    expect(summary.status).toBe('duplicate');
    expect(await rig.ses.received()).toHaveLength(1);
  });

  it('refuse an event that is not a firing with InvalidFiringError naming the field, before reading or writing anything', async () => {
    const before = await rig.itemCount();
    const pull = createPullStepHandler(deps);
    const report = createReportStepHandler(deps);
    await expect(pull(firing('x', { now: 'yesterday' }), context)).rejects.toThrow(InvalidFiringError);
    await expect(pull(firing('x', { now: 'yesterday' }), context)).rejects.toThrow(/event\.now:/);
    await expect(report({ profile: 'demo' })).rejects.toThrow(/event\.firingKey:/);
    await expect(pull(firing('x', { extra: 1 }), context)).rejects.toThrow(/event: .*extra/i);
    await expect(pull(firing('x', { profile: 'nobody' }), context)).rejects.toThrow(/"nobody" is not in the deployed config; it has: demo, other/);
    expect(await rig.itemCount()).toBe(before);
  });
});
