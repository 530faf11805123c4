/**
 * Bad input exits 2 with a message naming what was wrong, and leaves the
 * store and the outbox folder exactly as they were.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, tempDir, writeJson } from './cli-harness.ts';

describe('bad input', () => {
  let table: FreshTable;
  let dir: string;
  let config: Record<string, unknown>;
  let before: unknown[];
  let outboxBefore: Record<string, string>;

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-bad-');
    config = {
      profiles: [
        {
          id: 'me',
          sources: [{ type: 'file', id: 'export', path: 'snapshot.json' }],
          report: { recipients: ['me@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    };
    await writeJson(join(dir, 'snapshot.json'), {
      formatVersion: 1,
      platform: 'threads',
      takenAt: '2026-11-20T00:00:00Z',
      owner: { id: 'me', handle: '@me' },
      contacts: [{ id: 'a', handle: '@a', relation: 'mutual' }],
      interactions: [{ contactId: 'a', kind: 'like', direction: 'inbound', at: '2026-11-19T00:00:00Z' }],
    });
    await writeJson(join(dir, 'good.json'), config);
    // A first good run, so there is something to corrupt.
    const ok = await cli(['run', '--config', 'good.json', '--now', '2026-11-20T12:00:00Z'], dir);
    expect(ok.stderr).not.toMatch(/error|warning/i);
    expect(ok.code).toBe(0);
    before = await scanAll(table.doc, table.tableName);
    expect(before.length).toBeGreaterThan(0);
    outboxBefore = await outbox(join(dir, 'out'));
    expect(Object.keys(outboxBefore).some((f) => f.endsWith('.eml'))).toBe(true);
  }, 120_000);

  /** Every file of the outbox folder with its content: a bad run must neither add nor rewrite one. */
  const outbox = async (folder: string): Promise<Record<string, string>> => {
    const files = await readdir(folder).catch(() => [] as string[]);
    return Object.fromEntries(await Promise.all(files.sort().map(async (f) => [f, await readFile(join(folder, f), 'utf8')] as const)));
  };

  const expectStoreUnchanged = async () => {
    expect(await scanAll(table.doc, table.tableName)).toEqual(before);
    expect(await outbox(join(dir, 'out'))).toEqual(outboxBefore);
  };

  it('a bad config exits 2, names each bad field, and writes nothing', async () => {
    await writeJson(join(dir, 'bad.json'), {
      ...config,
      profiles: [{ ...(config['profiles'] as object[])[0], policy: { dormantDays: 'often' } }],
    });
    const run = await cli(['run', '--config', 'bad.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.json: invalid config');
    expect(run.stderr).toContain('profiles[0].policy.dormantDays: Invalid input: expected number, received string');
    expect(run.stdout).toBe('');
    await expectStoreUnchanged();
  });

  it('a config that is not JSON exits 2 with the line and column', async () => {
    await writeFile(join(dir, 'broken.json'), '{ "profiles": [ }');
    const run = await cli(['run', '--config', 'broken.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.json: not valid JSON .*at line 1, column \d+/);
    await expectStoreUnchanged();
  });

  it('a missing config exits 2, says how to start, and creates nothing in the folder', async () => {
    const empty = await tempDir('fb-empty-');
    const run = await cli(['run'], empty);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no followback.config.json here');
    expect(await readdir(empty)).toEqual([]);
  });

  it('a bad flag exits 2, names the flag, and writes nothing', async () => {
    const run = await cli(['run', '--config', 'good.json', '--dryrun'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--dryrun'");
    const badNow = await cli(['run', '--config', 'good.json', '--now', 'next tuesday'], dir);
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toContain('--now "next tuesday" is not an ISO date-time');
    const unknownProfile = await cli(['run', '--config', 'good.json', '--profile', 'nobody'], dir);
    expect(unknownProfile.code).toBe(2);
    expect(unknownProfile.stderr).toContain('unknown profile "nobody"; the config has: me');
    const unknownCommand = await cli(['rn'], dir);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('unknown command "rn"');
    await expectStoreUnchanged();
  });

  it('a broken snapshot file exits 2, names file, record and field, and writes nothing', async () => {
    await writeJson(join(dir, 'snapshot.json'), {
      formatVersion: 1,
      platform: 'threads',
      takenAt: '2026-11-21T00:00:00Z',
      owner: { id: 'me', handle: '@me' },
      contacts: [
        { id: 'a', handle: '@a', relation: 'mutual' },
        { id: 'b', handle: '@b', relation: 'friend' },
      ],
      interactions: [],
    });
    const run = await cli(['run', '--config', 'good.json', '--now', '2026-11-21T12:00:00Z'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/snapshot\.json: contacts\[1\]\.relation: .*friend/);
    expect(run.stdout).toBe('');
    await expectStoreUnchanged();
  });

  it('a broken snapshot file on a dry run exits 2 and writes no report files either', async () => {
    // A dry run stores nothing even when it succeeds: only the outbox folder shows whether it went ahead.
    const run = await cli(['run', '--config', 'good.json', '--dry-run', '--now', '2026-11-21T12:00:00Z'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/snapshot\.json: contacts\[1\]\.relation: .*friend/);
    await expectStoreUnchanged();
  });
});
