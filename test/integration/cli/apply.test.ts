/**
 * `followback apply` and `followback undo` end to end: a local Mastodon
 * instance, DynamoDB Local, the CLI in-process. Nothing happens without
 * --confirm; a confirmed unfollow is carried out and audited; an allowlisted
 * contact is skipped; undo follows again; with acting off nothing is sent.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type Json, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { account, notification, owner } from '../sources/mastodon/world.ts';
import { cli, readReport, tempDir, writeJson } from './cli-harness.ts';

const TOKEN = 'apply-token-7c1d';
const FIRST = new Date('2026-11-23T08:00:00Z');
const DAY = 86_400_000;
const person = (id: string): Json => account(id, { last_status_at: '2026-11-20' });

describe('apply and undo', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let world: MastodonWorld;
  let dir: string;
  const env = { MASTODON_TOKEN: TOKEN };
  const following = (): string[] => world.following.map((a) => String(a['id'])).sort();

  beforeAll(async () => {
    table = await freshTable();
    const fan = person('4001');
    const notifications = [];
    for (let d = 300; d >= 5; d -= 30) notifications.push(notification(d, 'favourite', fan, new Date(FIRST.getTime() - d * DAY)));
    world = { me: owner(), followers: [fan], following: [fan, person('4002'), person('4003'), person('4004')], notifications, statuses: [], favourites: [] };
    server = await startMastodonServer({ token: TOKEN, world, domain: 'social.example' });
    dir = await tempDir('fb-apply-');
    const profile = {
      id: 'ada',
      sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
      allowlist: ['@user4004@remote.example'],
      report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
      act: { enabled: true, maxPerRun: 5, pacingSeconds: 0 },
    };
    const storage = { endpoint: table.endpoint, tableName: table.tableName };
    await writeJson(join(dir, 'followback.config.json'), { profiles: [profile], storage, delivery: { type: 'outbox', dir: 'out' } });
    await writeJson(join(dir, 'off.config.json'), { profiles: [{ ...profile, act: { enabled: false } }], storage, delivery: { type: 'outbox', dir: 'out' } });
    const run = await cli(['run', '--now', FIRST.toISOString()], dir, env);
    expect(run.code, run.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('without --confirm shows what it would do and sends and stores nothing', async () => {
    const dry = await cli(['apply', '--unfollow', '@user4002@remote.example'], dir, env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would confirm: unfollow @user4002@remote.example');
    expect(dry.stdout).toContain('Nothing was done: add --confirm');
    expect(server.requests.unfollow).toBe(0);
    const items = await scanAll(table.doc, table.tableName);
    expect(items.filter((i) => String(i['sk']).startsWith('ACT#'))).toEqual([]);
  });

  it('with acting off, a confirmation is recorded, nothing is sent, and it says how to turn acting on', async () => {
    const off = await cli(['apply', '--config', 'off.config.json', '--unfollow', '@user4003@remote.example', '--confirm'], dir, env);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/confirmed unfollow @user4003@remote\.example as \d{8}-[0-9a-f]{6}/);
    expect(off.stdout).toContain('acting is off for profile "ada"');
    expect(off.stdout).toContain('"act": { "enabled": true');
    expect(server.requests.unfollow).toBe(0);
    expect(following()).toContain('4003');
  });

  it('--confirm carries out the confirmed unfollows, skips the allowlisted one, audits each; undo follows again once', async () => {
    const applied = await cli(['apply', '--unfollow', '@user4002@remote.example', '--unfollow', '@user4004@remote.example', '--confirm'], dir, env);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    // The one confirmed while acting was off is carried out too, now that acting is on.
    expect(following()).toEqual(['4001', '4004']);
    expect(applied.stdout).toMatch(/unfollow +@user4002@remote\.example {2}done \[200 following=false/);
    expect(applied.stdout).toMatch(/unfollow +@user4004@remote\.example {2}skipped: allowlisted \(@user4004@remote\.example\)/);
    expect(server.requests.unfollow).toBe(2);

    const audits = (await scanAll(table.doc, table.tableName)).filter((i) => String(i['sk']).startsWith('AUD#')).map((i) => JSON.parse(String(i['audit'])) as Record<string, unknown>);
    expect(audits).toHaveLength(3);
    expect(audits.find((a) => a['contactKey'] === 'mastodon:4002')).toMatchObject({ what: 'unfollow', outcome: 'done', confirmation: { kind: 'cli' }, platformAnswer: { status: 200 } });
    expect(JSON.stringify(audits)).not.toContain(TOKEN);

    const id = /(\d{8}-[0-9a-f]{6}) {2}unfollow +@user4002/.exec(applied.stdout)?.[1];
    expect(id).toBeDefined();
    const undo = await cli(['undo', id ?? ''], dir, env);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain(`confirmed follow (undo of ${id}) @user4002@remote.example`);
    expect(following()).toContain('4002');
    const again = await cli(['undo', id ?? ''], dir, env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already undone');
    expect((await cli(['undo', '20260101-000000'], dir, env)).code).toBe(2);
  });

  it('the next report lists every action since the last one, with its outcome and how to undo it', async () => {
    const next = await cli(['run', '--now', new Date(FIRST.getTime() + 7 * DAY).toISOString()], dir, env);
    expect(next.code, next.stderr).toBe(0);
    const report = await readReport(join(dir, 'out'), '2026-11-30');
    const actions = report.actions ?? [];
    expect(actions.map((a) => `${a.action} ${a.contact} ${a.outcome}${a.undoOf ? ' undo' : ''}`)).toEqual(
      expect.arrayContaining(['unfollow mastodon:4002 done', 'unfollow mastodon:4004 skipped', 'follow mastodon:4002 done undo']),
    );
    expect(actions.find((a) => a.contact === 'mastodon:4004')?.reason).toContain('allowlisted');
    const files = await readdir(join(dir, 'out'));
    const html = await readFile(join(dir, 'out', files.find((f) => f.endsWith('2026-11-30.html'))!), 'utf8');
    expect(html).toContain('Actions since the last report (');
    expect(html).toContain('followback undo ID');
  }, 120_000);

  it('refuses a contact it does not know, or an unfollow of someone you do not follow', async () => {
    const unknown = await cli(['apply', '--unfollow', '@nobody@nowhere.example', '--confirm'], dir, env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no contact "@nobody@nowhere.example"');
  });
});
