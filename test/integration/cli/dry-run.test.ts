/**
 * --dry-run is a preview: it writes the report files but delivers nothing and
 * stores nothing, so the real run afterwards still reports the week's changes.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson } from './cli-harness.ts';

describe('a dry run', () => {
  it('changes nothing, so the real run that follows reports the same new and lost followers', async () => {
    const table = await freshTable();
    const dir = await tempDir('fb-dry-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [{ id: 'demo', sources: [{ type: 'demo', seed: 3, size: 400 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } }],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    expect((await cli(['run', '--now', '2026-11-18T08:00:00Z'], dir)).code).toBe(0);
    const before = await scanAll(table.doc, table.tableName);

    const dry = await cli(['run', '--dry-run', '--out', 'preview', '--now', '2026-11-25T08:00:00Z'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/wrote 0 items \(dry run: not delivered\); report: .*preview\/followback-demo-2026-11-25\.html/);
    expect(await scanAll(table.doc, table.tableName)).toEqual(before);
    expect((await readdir(join(dir, 'preview'))).sort()).toEqual(['csv', 'html', 'json', 'txt'].map((e) => `followback-demo-2026-11-25.${e}`));
    const preview = await readReport(join(dir, 'preview'), '2026-11-25');
    expect(preview.meta.dryRun).toBe(true);

    expect((await cli(['run', '--now', '2026-11-25T08:00:00Z'], dir)).code).toBe(0);
    const real = await readReport(join(dir, 'out'), '2026-11-25');
    expect(real.figures.newFollowers + real.figures.lostFollowers).toBeGreaterThan(0);
    expect(real.sections.newFollowers.keys).toEqual(preview.sections.newFollowers.keys);
    expect(real.sections.lostFollowers.keys).toEqual(preview.sections.lostFollowers.keys);
  }, 120_000);
});
