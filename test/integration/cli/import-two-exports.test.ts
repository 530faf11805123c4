/**
 * Issue 16's acceptance test: two Instagram exports a month apart, filed with `followback import`
 * and read by `followback run` (DynamoDB Local, the outbox), give exactly the new and lost
 * followers between them; a third run with no new export concludes nothing and says so.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { instagramEntries, writeZip } from '../sources/exports/export-source-fixtures.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const OCT = instagramEntries({
  day: '2026-10-01',
  followers: [
    ['ada', '2025-01-10T10:00:00Z'],
    ['dario', '2026-05-01T10:00:00Z'],
    ['elena', '2024-03-01T10:00:00Z'],
  ],
  following: [
    ['ada', '2025-01-09T10:00:00Z'],
    ['elena', '2024-02-01T10:00:00Z'],
    ['franco', '2023-06-01T10:00:00Z'],
  ],
  likes: [['ada', '2026-09-20T10:00:00Z']],
});
// A month later: chen and gia started following, dario and elena stopped; you followed bruno.
const NOV = instagramEntries({
  day: '2026-11-02',
  followers: [
    ['ada', '2025-01-10T10:00:00Z'],
    ['chen', '2026-10-20T10:00:00Z'],
    ['gia', '2026-10-25T10:00:00Z'],
  ],
  following: [
    ['ada', '2025-01-09T10:00:00Z'],
    ['bruno', '2026-10-05T10:00:00Z'],
    ['elena', '2024-02-01T10:00:00Z'],
    ['franco', '2023-06-01T10:00:00Z'],
  ],
  likes: [
    ['ada', '2026-09-20T10:00:00Z'],
    ['bruno', '2026-10-30T10:00:00Z'],
  ],
});

describe('two Instagram exports a month apart, through followback import and run', () => {
  let table: FreshTable;
  let dir: string;
  const runs: CliRun[] = [];
  const imports: CliRun[] = [];
  let oct: ReportJson;
  let nov: ReportJson;
  let idle: ReportJson;

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-exports-e2e-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'brand',
          sources: [{ type: 'instagram', id: 'instagram', exports: 'exports/instagram' }],
          report: { recipients: ['me@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    await writeZip(join(dir, 'downloads', 'instagram-me.brand-2026-10-01-Oct01.zip'), OCT);
    await writeZip(join(dir, 'downloads', 'instagram-me.brand-2026-11-02-Nov02.zip'), NOV);

    imports.push(await cli(['import', 'downloads/instagram-me.brand-2026-10-01-Oct01.zip', '--source', 'instagram'], dir));
    runs.push(await cli(['run', '--now', '2026-10-02T08:00:00Z'], dir));
    imports.push(await cli(['import', 'downloads/instagram-me.brand-2026-11-02-Nov02.zip', '--source', 'instagram'], dir));
    runs.push(await cli(['run', '--now', '2026-11-03T08:00:00Z'], dir));
    runs.push(await cli(['run', '--now', '2026-11-10T08:00:00Z'], dir));
    oct = await readReport(join(dir, 'out'), '2026-10-02');
    nov = await readReport(join(dir, 'out'), '2026-11-03');
    idle = await readReport(join(dir, 'out'), '2026-11-10');
  }, 240_000);

  it('the imports and the runs succeed', () => {
    for (const r of imports) expect(r.code, r.stderr).toBe(0);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
  });

  it('the first export is the baseline: no follower changes', () => {
    expect(oct.figures.newFollowers).toBe(0);
    expect(oct.figures.lostFollowers).toBe(0);
    expect(oct.figures.followers).toBe(3);
    expect(oct.staleSources).toEqual([]);
  });

  it('the second export gives exactly the new and lost followers of the month', () => {
    expect([...nov.sections.newFollowers.keys].sort()).toEqual(['instagram:chen', 'instagram:gia']);
    expect([...nov.sections.lostFollowers.keys].sort()).toEqual(['instagram:dario', 'instagram:elena']);
    expect(nov.figures.newFollowers).toBe(2);
    expect(nov.figures.lostFollowers).toBe(2);
    expect(nov.figures.followers).toBe(3);
    const byKey = new Map(nov.contacts.map((c) => [c.key, c]));
    expect(byKey.get('instagram:chen')?.reasons).toContain('new_follower');
    expect(byKey.get('instagram:elena')?.relation).toBe('following');
    expect(byKey.get('instagram:elena')?.reasons).toContain('lost_follower');
    expect(byKey.get('instagram:ada')?.profileUrl).toBe('https://www.instagram.com/ada');
  });

  it('an Instagram export sees no inbound engagement: nothing is recommended for unfollow, only review', () => {
    expect(nov.contacts.filter((c) => c.recommendation === 'unfollow')).toEqual([]);
    const sight = nov.meta.sources?.find((s) => s.sourceId === 'instagram');
    expect(sight).toMatchObject({ inbound: [], outbound: ['like', 'reply'], reviewOnly: true });
  });

  it('a run with no new export concludes nothing new and says since when', () => {
    expect(idle.figures.newFollowers).toBe(0);
    expect(idle.figures.lostFollowers).toBe(0);
    expect(idle.figures.followers).toBe(nov.figures.followers);
    expect(idle.staleSources).toHaveLength(1);
    expect(idle.staleSources[0]?.problems).toContain('no new Instagram export since 2026-11-02');
  });
});
