/**
 * An instance whose account domain differs from the host its API answers on
 * (LOCAL_DOMAIN social.example, API at 127.0.0.1:PORT), end to end through the
 * CLI: local accounts are reported as @user@social.example, and the owner's
 * allowlist entry written that way protects the contact it names.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { account, buildWorld } from '../sources/mastodon/world.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const TOKEN = 'e2e-domain-token-never-shown-52be';

describe('a Mastodon instance whose account domain is not its API host', () => {
  let table: FreshTable;
  let server: MastodonServer;
  const runs: CliRun[] = [];
  const reports: ReportJson[] = [];
  let carol = '';
  let dave = '';

  beforeAll(async () => {
    table = await freshTable();
    const world = buildWorld({ followers: 40, following: 30, mutual: 10, notifications: 60, statuses: 20, favourites: 10 });
    // Two local accounts you follow who never engage with you; the owner allowlisted one of them by handle.
    const carolAccount = account('6001', { username: 'carol', acct: 'carol', url: 'https://web.social.example/@carol' });
    const daveAccount = account('6002', { username: 'dave', acct: 'dave', url: 'https://web.social.example/@dave' });
    world.following.unshift(carolAccount, daveAccount);
    carol = `mastodon:${String(carolAccount['id'])}`;
    dave = `mastodon:${String(daveAccount['id'])}`;
    server = await startMastodonServer({ token: TOKEN, world, domain: 'social.example' });
    const dir = await tempDir('fb-domain-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'ada',
          sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
          allowlist: ['@Carol@social.example'],
          report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const env = { MASTODON_TOKEN: TOKEN };
    // Two runs six weeks apart: long enough for "never engaged" to be concluded about the one not allowlisted.
    for (const date of ['2026-11-25', '2027-01-06']) {
      runs.push(await cli(['run', '--now', `${date}T09:00:00Z`], dir, env));
      reports.push(await readReport(join(dir, 'out'), date));
    }
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('both runs complete', () => {
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('reports local accounts with the account domain, never the API host', () => {
    const report = reports[1]!;
    const byKey = new Map(report.contacts.map((c) => [c.key, c]));
    expect(byKey.get(carol)?.handle).toBe('@carol@social.example');
    expect(byKey.get(dave)?.handle).toBe('@dave@social.example');
    expect(report.contacts.some((c) => c.handle.includes('127.0.0.1'))).toBe(false);
  });

  it('the allowlist entry @Carol@social.example matches her and keeps her; the same contact without it is recommended for removal', () => {
    const report = reports[1]!;
    const byKey = new Map(report.contacts.map((c) => [c.key, c]));
    expect(byKey.get(carol)?.recommendation).toBe('keep');
    expect(byKey.get(carol)?.reasons).toContain('allowlisted');
    expect(byKey.get(dave)?.recommendation).toBe('unfollow');
    expect(byKey.get(dave)?.reasons).toContain('never_engaged');
    // Not silently unmatched: no notice says the entry named nobody.
    for (const r of reports) expect(r.notices.filter((n) => n.kind === 'unmatched_decision')).toEqual([]);
  });

  it('asks the instance for its domain once: the second run reads it from the stored source state', () => {
    expect(server.requests.instance).toBe(1);
  });
});
