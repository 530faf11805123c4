/**
 * `followback keep`: a decision made from the CLI is stored, listed, honoured
 * by the next report, and can be forgotten.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson } from './cli-harness.ts';

describe('keep', () => {
  let table: FreshTable;
  let dir: string;
  let first: ReportJson;

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-keep-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [{ id: 'demo', sources: [{ type: 'demo', seed: 7, size: 300 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } }],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const run = await cli(['run', '--now', '2026-11-18T08:00:00Z'], dir);
    expect(run.code).toBe(0);
    first = await readReport(join(dir, 'out'), '2026-11-18');
  }, 120_000);

  it('keeps one contact for ever and snoozes another; the next report suggests removing neither', async () => {
    const unfollows = first.contacts.filter((c) => c.recommendation === 'unfollow');
    expect(unfollows.length).toBeGreaterThan(2);
    const [forever, snoozed] = unfollows;
    if (!forever || !snoozed) throw new Error('fixture: need two unfollow suggestions');

    const keep = await cli(['keep', forever.key, '--note', 'my cousin'], dir);
    expect(keep.code).toBe(0);
    expect(keep.stdout).toBe(`demo: ${forever.handle} (${forever.key}) is kept for ever; the next report will not suggest removing it\n`);
    const snooze = await cli(['keep', snoozed.handle.toUpperCase(), '--until', '2099-01-01'], dir);
    expect(snooze.code).toBe(0);
    expect(snooze.stdout).toContain('is kept until 2099-01-02T00:00:00.000Z');

    const list = await cli(['keep', '--list'], dir);
    expect(list.stdout).toContain(`${forever.key}\tkeep for ever`);
    expect(list.stdout).toContain('my cousin');
    // Stored under the contact's key, whatever spelling of the handle was typed.
    expect(list.stdout).toContain(`${snoozed.key}\tkeep until 2099-01-02T00:00:00.000Z`);

    const second = await cli(['run', '--dry-run', '--now', '2026-11-25T08:00:00Z'], dir);
    expect(second.code).toBe(0);
    const report = await readReport(join(dir, 'out'), '2026-11-25');
    const byKey = new Map(report.contacts.map((c) => [c.key, c]));
    expect(byKey.get(forever.key)?.recommendation).toBe('keep');
    expect(byKey.get(forever.key)?.reasons).toContain('allowlisted');
    expect(byKey.get(snoozed.key)?.recommendation).toBe('keep');
    expect(byKey.get(snoozed.key)?.reasons).toContain('snoozed');
  }, 120_000);

  it('forgets a decision, under any spelling of the handle, and says when there was none', async () => {
    const target = first.contacts.find((c) => c.recommendation === 'unfollow');
    const key = target?.key ?? '';
    await cli(['keep', target?.handle.toUpperCase() ?? ''], dir);
    const forget = await cli(['keep', '--forget', (target?.handle ?? '').replace(/^@/, '')], dir);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toBe(`demo: forgot the decision on ${(target?.handle ?? '').replace(/^@/, '')}\n`);
    expect((await cli(['keep', '--list'], dir)).stdout).not.toContain(`${key}\t`);
    const again = await cli(['keep', '--forget', key], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`demo: there was no stored decision on ${key}\n`);
  }, 60_000);

  it.each([
    [[], /which contact\?/],
    [['@a', '--until', '2020-01-01'], /--until 2020-01-01 has already passed/],
    [['@a', '--until', 'soon'], /--until "soon" is not a date/],
    [['@a', '--until', '2027-02-30'], /--until "2027-02-30" is not a date/],
    [['@a', '@b'], /one contact at a time/],
    [['--list', '@a'], /--list takes no contact/],
    [['@a', '--profile', 'nobody'], /unknown profile "nobody"/],
    [['@no.such.person@nowhere.example'], /no contact "@no.such.person@nowhere.example" in this profile's last run/],
  ])('rejects keep %j with exit 2 and writes nothing', async (argv, message) => {
    const before = await scanAll(table.doc, table.tableName);
    const run = await cli(['keep', ...argv], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await scanAll(table.doc, table.tableName)).toEqual(before);
  });
});
