/**
 * Issue 8, points 3, 4 and 10 through the CLI: a busy profile exits with its own
 * code and says until when; an allowlist entry that matches nobody is said on
 * stderr and in the report; each source gets a line with what its pull read.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_BUSY } from '../../../functions/commands/cli-io.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson } from './cli-harness.ts';

describe('busy profiles, unmatched allowlist entries and per-source lines', () => {
  let table: FreshTable;
  let dir: string;

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-busy-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'ada',
          sources: [{ type: 'demo', seed: 7, size: 60 }],
          allowlist: ['@nobody.we.know@nowhere.example'],
          report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
  }, 60_000);

  it('a completed run prints one line per source and warns about the allowlist entry that matches no contact', async () => {
    const run = await cli(['run', '--now', '2026-11-25T09:00:00Z'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^ {2}demo: complete; \d+ contacts, \d+ interactions, 0 requests$/m);
    expect(run.stderr).toContain('allowlist entry "@nobody.we.know@nowhere.example" matches no contact of this profile');
    const report = await readReport(join(dir, 'out'), '2026-11-25');
    expect(report.notices).toContainEqual({ kind: 'unmatched_decision', decision: 'allowlist', entry: '@nobody.we.know@nowhere.example' });
  }, 60_000);

  it('a profile whose lease is held exits 3, says until when, and does nothing', async () => {
    const heldUntilSeconds = Math.floor(Date.now() / 1000) + 600;
    expect(await table.store.claimRun('ada', 'lease', 600)).toBe(true);
    const run = await cli(['run', '--now', '2026-12-02T09:00:00Z'], dir);
    expect(run.code).toBe(EXIT_BUSY);
    expect(run.code).not.toBe(0);
    const until = /holds its lease until (\S+)/.exec(run.stdout)?.[1];
    expect(until).toBeDefined();
    expect(Math.abs(Date.parse(until ?? '') / 1000 - heldUntilSeconds)).toBeLessThan(5);
    expect(run.stdout).toContain('nothing done');
    await expect(readReport(join(dir, 'out'), '2026-12-02')).rejects.toThrow(/no report/);
    await table.store.releaseRun('ada', 'lease');
    const after = await cli(['run', '--now', '2026-12-02T09:00:00Z'], dir);
    expect(after.code).toBe(0);
  }, 60_000);
});
