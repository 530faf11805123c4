/**
 * A network source that fails part of a pull, end to end through the CLI:
 * the report names the stale source and since when, concludes nothing from the
 * missing followers, and the next complete pull reports the changes it missed.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { account, buildWorld } from '../sources/mastodon/world.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const TOKEN = 'e2e-token-must-never-show-7c1d';

describe('a Mastodon source that fails part of a pull', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let dir: string;
  const runs: CliRun[] = [];
  const reports: ReportJson[] = [];
  let leaver = '';
  let joiner = '';

  beforeAll(async () => {
    table = await freshTable();
    const world = buildWorld({ followers: 90, following: 60, mutual: 30, notifications: 120, statuses: 50, favourites: 45 });
    server = await startMastodonServer({ token: TOKEN, world });
    dir = await tempDir('fb-stale-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'ada',
          sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
          report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const env = { MASTODON_TOKEN: TOKEN };
    const run = async (date: string) => {
      runs.push(await cli(['run', '--now', `${date}T09:00:00Z`], dir, env));
      reports.push(await readReport(join(dir, 'out'), date));
    };

    await run('2026-11-25');
    // During the next week one follower leaves and one arrives, but the followers list fails to load.
    const gone = world.followers.pop();
    leaver = `mastodon:${String(gone?.['id'])}`;
    const arrived = account('7777');
    world.followers.unshift(arrived);
    joiner = `mastodon:${String(arrived['id'])}`;
    server.fail('followers', 'malformed');
    await run('2026-12-02');
    // A week later everything answers again.
    await run('2026-12-09');
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('every run completes; the stale one says so in its summary line', () => {
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[0]?.stdout).not.toContain('STALE');
    expect(runs[1]?.stdout).toContain('STALE: mastodon');
    expect(runs[2]?.stdout).not.toContain('STALE');
  });

  it('the report names the stale source, what failed, and when it was last complete', () => {
    const stale = reports[1]?.staleSources ?? [];
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ sourceId: 'mastodon', lastCompleteAt: '2026-11-25T09:00:00.000Z' });
    expect(stale[0]?.contacts).not.toBe('complete');
    expect(stale[0]?.problems.join(' ')).toMatch(/\/api\/v1\/accounts\/[^/]+\/followers/);
  });

  it('the email warns about the stale source', async () => {
    const files = await readdir(join(dir, 'out'));
    const html = await readFile(join(dir, 'out', files.find((f) => f.endsWith('2026-12-02.html')) ?? ''), 'utf8');
    expect(html).toContain('mastodon');
    expect(html).toMatch(/25 Nov 2026/);
  });

  it('concludes nothing from the missing followers: no one lost, no one new', () => {
    expect(reports[1]?.figures.lostFollowers).toBe(0);
    expect(reports[1]?.figures.newFollowers).toBe(0);
    const leaverVerdict = reports[1]?.contacts.find((c) => c.key === leaver);
    expect(leaverVerdict?.reasons ?? []).not.toContain('lost_follower');
  });

  it('the next complete pull reports the follower who left and the one who arrived', () => {
    expect(reports[2]?.sections.lostFollowers.keys).toEqual([leaver]);
    expect(reports[2]?.sections.newFollowers.keys).toEqual([joiner]);
  });

  it('the token never appears in the output or the reports', async () => {
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    for (const f of await readdir(join(dir, 'out'))) expect(await readFile(join(dir, 'out', f), 'utf8')).not.toContain(TOKEN);
  });
});
