import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/handler/event.ts';
import { startRig, type HandlerRig } from './handler-fixture.ts';

describe('a bad event', () => {
  let rig: HandlerRig;
  beforeAll(async () => {
    rig = await startRig();
    // Some history first, so "unchanged" is about a table with content.
    await rig.handler({ profile: 'demo', now: '2026-11-01T08:00:00Z' }, { awsRequestId: 'seed' });
  });
  afterAll(async () => rig.stop());

  const cases: [string, unknown, RegExp][] = [
    ['a scheduled event without its time', { source: 'followback.schedule', profile: 'demo' }, /invalid scheduled event: event\.scheduledTime: /],
    ['a scheduled event from another source', { source: 'aws.events', profile: 'demo', scheduledTime: '2026-11-23T06:00:00Z' }, /event\.source: /],
    ['a manual event with a string dryRun', { profile: 'demo', dryRun: 'yes' }, /invalid manual event: event\.dryRun: .*boolean/],
    ['a manual event with a date that is not ISO', { profile: 'demo', now: 'next monday' }, /event\.now: .*ISO date-time/],
    ['a manual event with an unknown field', { profile: 'demo', dryrun: true }, /event: .*dryrun/],
    ['an event without a profile', {}, /event\.profile: /],
    ['an event that is not an object', 'run please', /not a JSON object/],
    ['a profile the deployed config does not have', { profile: 'nobody' }, /event\.profile "nobody" is not in the deployed config; it has: demo, other/],
  ];

  for (const [name, event, message] of cases) {
    it(`${name} is refused with an error naming the field, and the table is unchanged`, async () => {
      const before = await rig.itemCount();
      const sent = (await rig.ses.received()).length;
      const error = await rig.handler(event, { awsRequestId: `bad-${name}` }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as Error).message).toMatch(message);
      expect(await rig.itemCount()).toBe(before);
      expect(await rig.ses.received()).toHaveLength(sent);
    });
  }

  it('mentions the expected shapes, so the caller can fix the payload', async () => {
    await expect(rig.handler({ profile: 42 })).rejects.toThrow(/expected \{"profile":"<id>","dryRun":true/);
  });
});
