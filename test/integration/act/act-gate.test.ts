/**
 * The acting cap, the pacing and the lease hold per profile across requests and
 * commands, on the real stack: the decision page's handler (`handleDecision`)
 * with the real act engine (`engineAct`) and the CLI's `followback apply
 * --confirm`, all on one DynamoDB Local table, against a local Mastodon
 * instance that records every unfollow with the shared (fake) clock's time.
 * The clock moves only when the engine waits for its pacing, so thirty seconds
 * of pacing take no time and every timestamp is exact.
 *
 * Also: a confirmation written straight into the table (as anyone with write
 * access to it could) is refused and never reaches the network, while the
 * page's own are carried out; and a deadline that cuts a write off leaves the
 * action audited as interrupted and pending again, never `acting`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../../functions/commands/apply.ts';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { ACT_WINDOW_MS } from '../../../shared/app/apply-actions.ts';
import { ProfileConfig } from '../../../shared/config/schema.ts';
import { withConfirmationMac } from '../../../shared/decide/confirmation-mac.ts';
import { handleDecision, type DecideDeps, type PageActOutcome } from '../../../shared/decide/handler.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { engineAct } from '../../../shared/decide/page-act.ts';
import { signToken } from '../../../shared/decide/token.ts';
import { EnvSecretResolver } from '../../../shared/secrets/env-secrets.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type Json, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { cli, tempDir, writeJson } from '../cli/cli-harness.ts';
import { account, notification, owner } from '../sources/mastodon/world.ts';

const TOKEN = 'act-gate-token-5c1d';
const HOUR = 3_600_000;
const PACING_S = 30;
const MAX = 3;
const person = (id: string): Json => account(id, { last_status_at: '2026-11-20' });

describe('the cap, the pacing and the lease across page requests and apply --confirm (DynamoDB Local, local Mastodon)', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let world: MastodonWorld;
  let dir: string;
  const keyringJson = newKeyringJson('k1');
  const keyring = keyringOf(keyringJson);
  const env = { MASTODON_TOKEN: TOKEN, FOLLOWBACK_DECISION_KEYS: JSON.stringify(keyringJson) };
  const ids = Array.from({ length: 14 }, (_, i) => String(4101 + i));
  // The report the links come from; the shared fake clock starts an hour later.
  const reportAt = new Date(Math.floor((Date.now() - 3 * HOUR) / 1000) * 1000);
  let nowMs = reportAt.getTime() + HOUR;
  const clock = (): Date => new Date(nowMs);
  /** The engine's pacing wait: moves the shared clock instead of waiting. */
  const sleep = async (ms: number): Promise<void> => {
    nowMs += ms;
    await new Promise((r) => setImmediate(r));
  };
  let profile: ProfileConfig;

  const unfollows = (): { id: string; at: number }[] =>
    server.log.filter((e) => e.route === 'unfollow' && e.status === 200).map((e) => ({ id: /accounts\/([^/]+)\/unfollow/.exec(e.url)?.[1] ?? '', at: e.at }));

  function deps(budgetMs = 5_000): DecideDeps {
    const store = table.store;
    return {
      keyring: async () => keyring,
      profile: (id) => (id === profile.id ? profile : undefined),
      decisions: store,
      ledger: store.decisionLedger(),
      clock,
      act: engineAct({ store, actions: store.actionStore(), ledger: store.decisionLedger(), keyring: async () => keyring, secrets: new EnvSecretResolver(env), budgetMs: () => budgetMs, clock, sleep }),
    };
  }

  /** Presses Unfollow (with its tick box) on the page of a one-contact link of the report. */
  async function press(id: string): Promise<{ status: number; body: string }> {
    const { token } = signToken({ profile: 'ada', keys: [`mastodon:${id}`], action: 'unfollow', now: reportAt }, keyring);
    const res = await handleDecision(
      { method: 'POST', path: '/decide', query: {}, body: new URLSearchParams({ t: token, confirm: '1' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      deps(),
    );
    return { status: res.status, body: res.body };
  }

  async function apply(argv: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env, cwd: dir, isTty: false };
    const code = await applyCommand([...argv, '--config', join(dir, 'followback.config.json')], io, clock, { sleep, leaseWaitMs: 10_000 });
    return { code, out };
  }

  const items = async (prefix: string): Promise<Record<string, unknown>[]> => (await scanAll(table.doc, table.tableName)).filter((i) => String(i['sk']).startsWith(prefix));

  beforeAll(async () => {
    table = await freshTable();
    // A follower's like two months before the report: the history read spans it, so the silent follows are judged (review).
    const fan = person('5001');
    world = { me: owner(), followers: [fan], following: ids.map(person), notifications: [notification(1, 'favourite', fan, new Date(reportAt.getTime() - 60 * 24 * HOUR))], statuses: [], favourites: [] };
    server = await startMastodonServer({ token: TOKEN, world, domain: 'social.example', now: () => nowMs });
    dir = await tempDir('fb-act-gate-');
    const raw = {
      id: 'ada',
      sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
      report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
      act: { enabled: true, maxPerRun: MAX, pacingSeconds: PACING_S },
    };
    profile = ProfileConfig.parse(raw);
    await writeJson(join(dir, 'followback.config.json'), { profiles: [raw], storage: { endpoint: table.endpoint, tableName: table.tableName }, delivery: { type: 'outbox', dir: 'out' } });
    // The report the links come from: it stores the contacts (the page acts only on stored, recommended ones).
    const run = await cli(['run', '--now', reportAt.toISOString()], dir, env);
    expect(run.code, run.stderr).toBe(0);
    expect((await items('C#mastodon#4101'))[0]).toMatchObject({ relation: 'following', previousRecommendation: expect.stringMatching(/^(unfollow|review)$/) });
    server.reset();
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('six presses at once and an apply --confirm at the same time: at most maxPerRun unfollows, pacingSeconds apart, the rest pending and the page says waiting', async () => {
    const [pages, cliRun] = await Promise.all([
      Promise.all(['4101', '4102', '4103', '4104', '4105', '4106'].map((id) => press(id))),
      apply(['--unfollow', 'mastodon:4107', '--unfollow', 'mastodon:4108', '--confirm']),
    ]);
    for (const page of pages) expect(page.status, page.body).toBe(200);
    expect(cliRun.code, cliRun.out).toBe(0);

    const sent = unfollows();
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.length).toBeLessThanOrEqual(MAX);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(PACING_S * 1000);
    const gone = ids.filter((id) => !world.following.some((a) => a['id'] === id));
    expect(gone.sort()).toEqual(sent.map((s) => s.id).sort());

    // Every confirmation is accounted for: the sent ones done, the others pending (none left acting), no lease left.
    const requests = await items('ACT#');
    expect(requests).toHaveLength(8);
    expect(requests.filter((r) => r['status'] === 'done')).toHaveLength(sent.length);
    expect(requests.filter((r) => r['status'] === 'pending')).toHaveLength(8 - sent.length);
    expect(await items('GATE#lease')).toEqual([]);
    const waitingPages = pages.filter((p) => /still waiting/i.test(p.body));
    expect(waitingPages.length).toBeGreaterThanOrEqual(6 - sent.length);
  }, 60_000);

  it('presses a second apart: the second waits out the pacing of the first ("waiting" on the page), and the next one after it is sent', async () => {
    nowMs += 2 * HOUR; // a fresh window
    const before = unfollows().length;
    expect((await press('4109')).body).not.toMatch(/still waiting/i);
    nowMs += 1_000;
    const second = await press('4110');
    expect(second.body).toMatch(/still waiting/i);
    expect(unfollows().length - before).toBe(1);
    nowMs += PACING_S * 1000;
    await press('4111');
    const sent = unfollows().slice(before);
    expect(sent.map((s) => s.id)).toEqual(['4109', '4111']);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(PACING_S * 1000);
  }, 60_000);

  it('a confirmation written straight into the table is refused by apply and never reaches Mastodon; the page-written ones are carried out', async () => {
    nowMs += 2 * HOUR;
    const confirmedAt = clock().toISOString();
    const forged = { key: 'mastodon:4112', action: 'unfollow', confirmedAt, reportAt: reportAt.toISOString(), tokenId: 'forged-1', status: 'pending' };
    // As an attacker with write access to the table would: one without a MAC, one with a MAC of another key.
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { ...forged, pk: 'P#ada', sk: 'A#mastodon:4112', entity: 'confirmed-action' } }));
    const foreign = withConfirmationMac(keyringOf(newKeyringJson('k1')), 'ada', { ...forged, key: 'mastodon:4113', tokenId: 'forged-2', action: 'unfollow' as const, status: 'pending' as const });
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { ...foreign, pk: 'P#ada', sk: 'A#mastodon:4113', entity: 'confirmed-action' } }));
    const before = server.log.length;

    const dry = await apply([]);
    expect(dry.out).toMatch(/refused .*unfollow mastodon:4112: not signed by this deployment's key: ignored/);
    const run = await apply(['--confirm']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain("refused  unfollow mastodon:4112 (confirmed on the page");
    expect(run.out).toMatch(/refused {2}unfollow mastodon:4113 .*not signed by this deployment's key: ignored \(wrong MAC\)/);
    const asked = server.log.slice(before).map((e) => e.url);
    expect(asked.filter((u) => /4112|4113/.test(u))).toEqual([]);
    expect(world.following.map((a) => a['id'])).toEqual(expect.arrayContaining(['4112', '4113']));
    // Carried out instead: page confirmations still pending (the first test's), up to the cap.
    expect(run.out).toMatch(/unfollow +@?\S+ +done/);
    const ledger = await items('A#');
    expect(ledger.find((i) => i['sk'] === 'A#mastodon:4112')).toMatchObject({ status: 'failed', detail: expect.stringContaining('not signed') });
    const audits = (await items('AUD#')).map((i) => JSON.parse(String(i['audit'])) as { contactKey: string; outcome: string; reason?: string });
    expect(audits.filter((a) => a.contactKey === 'mastodon:4112')).toEqual([expect.objectContaining({ outcome: 'failed', reason: expect.stringContaining("not signed by this deployment's key") })]);
    // Refused once: the next apply neither lists nor sends them again.
    nowMs += 2 * HOUR;
    const again = await apply(['--confirm']);
    expect(again.out).not.toContain('mastodon:4112');
    expect(server.log.slice(before).filter((e) => /4112|4113/.test(e.url))).toEqual([]);
  }, 60_000);
});

/** Forwards to the Mastodon server; answers of the routes it is told to hold are held back `delayMs` (the server did the work). */
async function delayingProxy(upstream: string): Promise<{ url: string; delayMs: number; close(): Promise<void> }> {
  const state = { delayMs: 0 };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      if (req.headers.authorization !== undefined) headers['authorization'] = req.headers.authorization;
      if (req.headers['content-type'] !== undefined) headers['content-type'] = req.headers['content-type'];
      const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) });
      const body = Buffer.from(await answer.arrayBuffer());
      if (/\/unfollow$/.test(new URL(req.url ?? '/', upstream).pathname) && proxy.delayMs > 0) await new Promise((r) => setTimeout(r, proxy.delayMs));
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

describe('a deadline reaches the write: an instance slower than the request leaves the action pending, audited as interrupted', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let proxy: Awaited<ReturnType<typeof delayingProxy>>;
  const keyring = keyringOf(newKeyringJson('k1'));
  let nowMs = Date.parse('2026-12-01T10:00:00Z');
  const clock = (): Date => new Date(nowMs);

  beforeAll(async () => {
    table = await freshTable();
    server = await startMastodonServer({ token: TOKEN, world: { me: owner(), followers: [], following: [person('4201'), person('4202')], notifications: [], statuses: [], favourites: [] } });
    proxy = await delayingProxy(server.url);
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('the unfollow answer comes after the deadline: audited interrupted, back to pending, the lease given back; the next attempt looks again', async () => {
    const profile = ProfileConfig.parse({
      id: 'cy',
      sources: [{ type: 'mastodon', instanceUrl: proxy.url, accessToken: { env: 'MASTODON_TOKEN' } }],
      report: { recipients: ['cy@example.com'], sender: 'fb@example.com' },
      act: { enabled: true, maxPerRun: 5, pacingSeconds: 0 },
    });
    const ledger = table.store.decisionLedger();
    // What the page's POST stores, MAC included.
    await ledger.putConfirmedAction('cy', withConfirmationMac(keyring, 'cy', { key: 'mastodon:4201', action: 'unfollow' as const, confirmedAt: clock().toISOString(), reportAt: '2026-12-01T08:00:00.000Z', tokenId: 'jti-cy-1', status: 'pending' as const }));
    const act = (budgetMs: number) =>
      engineAct({ store: table.store, actions: table.store.actionStore(), ledger, keyring: async () => keyring, secrets: new EnvSecretResolver({ MASTODON_TOKEN: TOKEN }), budgetMs: () => budgetMs, clock });
    const link = { tokenId: 'jti-cy-1', keys: ['mastodon:4201'], action: 'unfollow' as const, reportAt: '2026-12-01T08:00:00.000Z' };

    proxy.delayMs = 5_000;
    const started = Date.now();
    const outcomes: PageActOutcome[] = await act(1_500)(profile, link);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(outcomes).toEqual([expect.objectContaining({ key: 'mastodon:4201', outcome: 'waiting' })]);
    expect(server.requests.unfollow).toBe(1);

    const all = await scanAll(table.doc, table.tableName);
    const requests = all.filter((i) => String(i['sk']).startsWith('ACT#'));
    expect(requests).toEqual([expect.objectContaining({ status: 'pending', detail: expect.stringContaining('interrupted') })]);
    const audits = all.filter((i) => String(i['sk']).startsWith('AUD#')).map((i) => JSON.parse(String(i['audit'])) as { outcome: string; reason?: string });
    expect(audits).toEqual([expect.objectContaining({ outcome: 'failed', reason: expect.stringContaining('interrupted by the deadline') })]);
    expect(all.filter((i) => i['sk'] === 'GATE#lease')).toEqual([]);
    expect(all.find((i) => i['sk'] === 'A#mastodon:4201')).toMatchObject({ status: 'pending' });

    // The instance did unfollow; the next attempt looks first and sends nothing more.
    proxy.delayMs = 0;
    nowMs += ACT_WINDOW_MS;
    const next = await act(5_000)(profile, link);
    expect(next).toEqual([expect.objectContaining({ key: 'mastodon:4201', outcome: 'already' })]);
    expect(server.requests.unfollow).toBe(1);
  }, 60_000);
});
