/**
 * What `followback run` leaves on disk is the owner's alone, whatever the
 * umask: the outbox (.eml, .html, .txt, .json, .csv) 0600 files in a 0700
 * folder, and the embedded store's .followback/ folder, data folder and
 * database file. Folders an older version left open are tightened, and the
 * run says so once.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTable } from '../../helpers/dynamo.ts';
import { cli, tempDir, writeJson } from './cli-harness.ts';

const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

async function expectOwnerOnlyFiles(dir: string, count: number): Promise<void> {
  const files = await readdir(dir);
  expect(files).toHaveLength(count);
  for (const file of files) expect({ file, mode: await modeOf(join(dir, file)) }).toEqual({ file, mode: '600' });
}

const profile = { id: 'demo', sources: [{ type: 'demo', seed: 5, size: 150 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } };

describe('followback run writes owner-only files', () => {
  let dir: string;
  let umask: number;
  beforeEach(async () => {
    dir = await tempDir('fb-private-');
    umask = process.umask(0);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });

  it('with the embedded store: .followback/, its data and the outbox are owner-only, and open ones from before are tightened once', async () => {
    await writeJson(join(dir, 'followback.config.json'), { profiles: [profile] });
    // Left open by an older version.
    await mkdir(join(dir, '.followback'), { mode: 0o755 });
    await mkdir(join(dir, 'outbox'), { mode: 0o755 });

    const run = await cli(['run', '--now', '2026-11-25T08:00:00Z'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('on 127.0.0.1 only');
    expect(run.stderr).toMatch(new RegExp(`${join(dir, '.followback')} was open to other users; made it owner-only: the folder 0700 \\(was 0755\\)`));
    expect(run.stderr).toMatch(new RegExp(`${join(dir, 'outbox')} was open to other users \\(mode 0755\\); made it owner-only \\(0700\\)`));

    expect(await modeOf(join(dir, '.followback'))).toBe('700');
    expect(await modeOf(join(dir, '.followback', 'dynamodb'))).toBe('700');
    expect(await readdir(join(dir, '.followback', 'dynamodb'))).toContain('shared-local-instance.db');
    for (const file of await readdir(join(dir, '.followback', 'dynamodb'))) expect(await modeOf(join(dir, '.followback', 'dynamodb', file))).toBe('600');
    expect(await modeOf(join(dir, 'outbox'))).toBe('700');
    await expectOwnerOnlyFiles(join(dir, 'outbox'), 5);

    // The next run has nothing to tighten and says nothing about it.
    const again = await cli(['run', '--now', '2026-12-02T08:00:00Z'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('was open to other users');
    await expectOwnerOnlyFiles(join(dir, 'outbox'), 10);
  }, 240_000);

  it('a dry run into a new nested --out folder makes it and its parents 0700, the report files 0600', async () => {
    const table = await freshTable();
    await writeJson(join(dir, 'followback.config.json'), { profiles: [profile], storage: { endpoint: table.endpoint, tableName: table.tableName } });
    const run = await cli(['run', '--dry-run', '--out', 'reports/preview', '--now', '2026-11-25T08:00:00Z'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(await modeOf(join(dir, 'reports'))).toBe('700');
    expect(await modeOf(join(dir, 'reports', 'preview'))).toBe('700');
    await expectOwnerOnlyFiles(join(dir, 'reports', 'preview'), 4);
  }, 120_000);
});
