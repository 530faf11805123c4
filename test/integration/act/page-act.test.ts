/**
 * Acting from the decision page, end to end: `followback serve` (the same
 * handler and wiring as the Lambda) on DynamoDB Local, a local Mastodon
 * instance, links signed like the report's. With `act.enabled` the button's
 * POST unfollows at once, re-checked (allowlist; engagement since the report
 * the link came from, not since the latest run), capped by maxPerRun in any
 * hour, the page and `followback apply --confirm` together (what is over the
 * cap waits, and apply says so), and audited. With acting off the page records
 * the confirmation and sends nothing.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { main } from '../../../functions/cli.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import type { DecisionAction } from '../../../shared/decide/token.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type Json, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { cli, tempDir, writeJson } from '../cli/cli-harness.ts';
import { account, notification, owner } from '../sources/mastodon/world.ts';

const TOKEN = 'page-act-token-91ab';
const HOUR = 3_600_000;
const person = (id: string): Json => account(id, { last_status_at: '2026-11-20' });

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

describe('acting from the decision page (followback serve, DynamoDB Local, local Mastodon)', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let world: MastodonWorld;
  let dir: string;
  const keyringJson = newKeyringJson('k1');
  const env = { MASTODON_TOKEN: TOKEN, FOLLOWBACK_DECISION_KEYS: JSON.stringify(keyringJson) };
  const serves: { stop: AbortController; done: Promise<number> }[] = [];
  const pages: Record<'on' | 'off', string> = { on: '', off: '' };
  // The first report (the links' issue time), an engagement after it, then a second run that stores it.
  const firstRun = new Date(Math.floor((Date.now() - 3 * HOUR) / 1000) * 1000);
  const engagedAt = new Date(firstRun.getTime() + HOUR);
  const secondRun = new Date(firstRun.getTime() + 2 * HOUR);
  const following = (): string[] => world.following.map((a) => String(a['id'])).sort();

  async function serve(config: string): Promise<string> {
    const port = await freePort();
    const stop = new AbortController();
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env, cwd: dir, isTty: false, signal: stop.signal };
    serves.push({ stop, done: main(['serve', '--port', String(port), '--config', config], io) });
    for (let i = 0; i < 100 && !out.includes('decision page on'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('decision page on');
    return `http://127.0.0.1:${port}/decide`;
  }

  /** Presses the page's button (its box ticked for `count` contacts) for a link the first report would carry. */
  async function press(page: string, action: DecisionAction, keys: string[], count = keys.length): Promise<{ status: number; body: string }> {
    const link = decisionLinks({ baseUrl: page, keyring: keyringOf(keyringJson), profileId: 'ada', now: firstRun }).linkFor(action, keys);
    const t = new URL(link).searchParams.get('t') ?? '';
    const res = await fetch(page, { method: 'POST', body: new URLSearchParams({ t, confirm: String(count) }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { status: res.status, body: await res.text() };
  }

  beforeAll(async () => {
    table = await freshTable();
    const late = person('4008');
    const fan = person('5001');
    world = {
      me: owner(),
      followers: [fan],
      following: ['4002', '4003', '4004', '4005', '4006', '4007', '4008'].map(person),
      // A like two months before the first report: the history read spans it, so the silent follows are judged (review).
      notifications: [notification(99, 'favourite', fan, new Date(firstRun.getTime() - 60 * 24 * HOUR))],
      statuses: [],
      favourites: [],
    };
    server = await startMastodonServer({ token: TOKEN, world, domain: 'social.example' });
    dir = await tempDir('fb-page-act-');
    const profile = {
      id: 'ada',
      sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
      allowlist: ['@user4004@remote.example'],
      report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
      act: { enabled: true, maxPerRun: 4, pacingSeconds: 0 },
    };
    const storage = { endpoint: table.endpoint, tableName: table.tableName };
    await writeJson(join(dir, 'followback.config.json'), { profiles: [profile], storage, delivery: { type: 'outbox', dir: 'out' } });
    await writeJson(join(dir, 'off.config.json'), { profiles: [{ ...profile, act: { enabled: false } }], storage, delivery: { type: 'outbox', dir: 'out' } });
    const first = await cli(['run', '--now', firstRun.toISOString()], dir, env);
    expect(first.code, first.stderr).toBe(0);
    // 4008 engages after the first report; the second run stores it.
    world.notifications.push(notification(1, 'favourite', late, engagedAt));
    const second = await cli(['run', '--now', secondRun.toISOString()], dir, env);
    expect(second.code, second.stderr).toBe(0);
    pages.on = await serve('followback.config.json');
    pages.off = await serve('off.config.json');
  }, 180_000);

  afterAll(async () => {
    for (const s of serves) s.stop.abort();
    await Promise.all(serves.map((s) => s.done));
    await server?.close();
  });

  it('with acting off, the button records the unfollow and sends nothing', async () => {
    const res = await press(pages.off, 'unfollow', ['mastodon:4007']);
    expect(res.status).toBe(200);
    expect(res.body).toContain('&quot;act&quot;: { &quot;enabled&quot;: true }');
    expect(server.requests.unfollow).toBe(0);
    expect(following()).toContain('4007');
    const items = await scanAll(table.doc, table.tableName);
    expect(items.find((i) => i['sk'] === 'A#mastodon:4007')).toMatchObject({ status: 'pending', reportAt: firstRun.toISOString() });
    expect(items.filter((i) => String(i['sk']).startsWith('AUD#'))).toEqual([]);
  });

  it('with acting on, a single Unfollow is carried out at once, audited as confirmed by the link, and the page says done', async () => {
    const res = await press(pages.on, 'unfollow', ['mastodon:4002']);
    expect(res.status, res.body).toBe(200);
    expect(res.body).toMatch(/@user4002@remote\.example<\/span>: done \(undo: followback undo \d{8}-[0-9a-f]{6}\)/);
    expect(following()).not.toContain('4002');
    // Only the link's own action: the one confirmed while acting was off still waits for apply.
    expect(following()).toContain('4007');
    expect(server.requests.unfollow).toBe(1);
    const items = await scanAll(table.doc, table.tableName);
    expect(items.find((i) => i['sk'] === 'A#mastodon:4002')).toMatchObject({ status: 'done' });
    const audits = items.filter((i) => String(i['sk']).startsWith('AUD#')).map((i) => JSON.parse(String(i['audit'])) as Record<string, unknown>);
    expect(audits).toEqual([expect.objectContaining({ contactKey: 'mastodon:4002', outcome: 'done', confirmation: expect.objectContaining({ kind: 'link' }) })]);
    expect(JSON.stringify(items)).not.toContain(TOKEN);
  });

  it("the page that acted offers Undo: pressed within its window it follows again, once, audited as the undo of that action", async () => {
    const res = await press(pages.on, 'unfollow', ['mastodon:4003']);
    expect(res.status, res.body).toBe(200);
    expect(following()).not.toContain('4003');
    const undoToken = /name="t" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    expect(res.body).toContain('for the next 10 minutes');
    const undo = () => fetch(pages.on, { method: 'POST', body: new URLSearchParams({ t: undoToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const undone = await undo();
    const body = await undone.text();
    expect(undone.status, body).toBe(200);
    expect(body).toMatch(/@user4003@remote\.example<\/span>: reversed: back as it was before/);
    expect(following()).toContain('4003');
    expect(server.requests.follow).toBe(1);
    // The Undo button works once.
    expect((await undo()).status).toBe(409);
    expect(server.requests.follow).toBe(1);
    const items = await scanAll(table.doc, table.tableName);
    const audits = items.filter((i) => String(i['sk']).startsWith('AUD#')).map((i) => JSON.parse(String(i['audit'])) as { contactKey: string; what: string; outcome: string; undoOf?: string });
    const unfollowed = audits.find((a) => a.contactKey === 'mastodon:4003' && a.what === 'unfollow');
    expect(audits.find((a) => a.contactKey === 'mastodon:4003' && a.what === 'follow')).toMatchObject({ outcome: 'done', undoOf: expect.any(String) });
    expect(unfollowed).toMatchObject({ outcome: 'done' });
  });

  it('a group link: the page offers only what the report recommended; at most maxPerRun in the hour are sent, page and apply together, the rest waits', async () => {
    const before = server.requests.unfollow;
    // 4004 is allowlisted: the page leaves it out (three contacts remain). 4008 engaged after the report: the engine's look skips it.
    const res = await press(pages.on, 'unfollow', ['mastodon:4004', 'mastodon:4005', 'mastodon:4006', 'mastodon:4008'], 3);
    expect(res.status, res.body).toBe(200);
    // maxPerRun is 4 an hour; 4002, 4003 and its undo went a moment ago: one more now, the others wait.
    expect(server.requests.unfollow - before).toBe(1);
    expect(res.body).toMatch(/1 done/);
    expect(res.body).toContain('still waiting');
    expect(following()).toEqual(expect.arrayContaining(['4004', '4008']));

    // apply --confirm in the same hour sends nothing more (the cap is the profile's, not the request's) and says so.
    const apply = await cli(['apply', '--confirm'], dir, env);
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    expect(apply.stdout).toMatch(/the cap is reached: at most 4 actions in any hour/);
    expect(server.requests.unfollow - before).toBe(1);
    expect(following()).toHaveLength(5);
    expect(following()).toEqual(expect.arrayContaining(['4003', '4004', '4007', '4008']));

    const items = await scanAll(table.doc, table.tableName);
    const audits = items.filter((i) => String(i['sk']).startsWith('AUD#')).map((i) => JSON.parse(String(i['audit'])) as { contactKey: string; outcome: string; reason?: string });
    expect(audits.filter((a) => a.outcome === 'done')).toHaveLength(4);
    expect(audits.map((a) => a.contactKey)).not.toContain('mastodon:4004');
    // If the engine got to 4008 before the cap, it looked and skipped it: engaged an hour after the report the link came from.
    for (const a of audits.filter((x) => x.contactKey === 'mastodon:4008')) expect(a).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('engaged since the report') });
    const requests = items.filter((i) => String(i['sk']).startsWith('ACT#'));
    expect(requests.filter((r) => r['status'] === 'acting')).toEqual([]);
    expect(requests.filter((r) => r['status'] === 'pending').map((r) => r['contactKey'])).toContain('mastodon:4007');
    expect(items.filter((i) => i['sk'] === 'GATE#lease')).toEqual([]);
  }, 60_000);
});
