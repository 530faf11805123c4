/**
 * The owner's path end to end, in a real browser: a real CLI run emails links
 * to `followback serve`; Chromium opens a Keep link from the email, sees the
 * confirmation page, presses the button, and the store holds the decision. An
 * expired and a tampered link get a clear page and change nothing.
 * Screenshots go to test/artifacts/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { main } from '../../../functions/cli.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import { verifyToken } from '../../../shared/decide/token.ts';
import { DynamoDecisionLedger } from '../../../shared/store/dynamo-decision-ledger.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, tempDir, writeJson } from '../cli/cli-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

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

const keyringJson = newKeyringJson('k1');

/** What a link is about: the links are opaque, so only a holder of the key can tell. */
function payloadOf(url: string): { keys: string[]; action: string; profile: string } {
  const check = verifyToken(new URL(url).searchParams.get('t') ?? '', keyringOf(keyringJson), new Date());
  if (!check.ok) throw new Error(`not a valid link: ${check.problem}`);
  return check.payload;
}

describe.skipIf(!hasChromium)('deciding from the email in Chromium', () => {
  let table: FreshTable;
  let dir: string;
  let browser: Browser;
  let emailPath: string;
  let links: string[];
  let pageUrl: string;
  const env = { FOLLOWBACK_DECISION_KEYS: JSON.stringify(keyringJson) };
  const stopServe = new AbortController();
  let served: Promise<number>;
  let serveOut = '';

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    table = await freshTable();
    dir = await tempDir('fb-decide-');
    const port = await freePort();
    pageUrl = `http://127.0.0.1:${port}/decide`;
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'demo',
          name: 'Demo community',
          sources: [{ type: 'demo', seed: 7, size: 300 }],
          report: { recipients: ['you@example.com'], sender: 'fb@example.com', decisionsUrl: pageUrl, maxRowsPerSection: 10 },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const io: CliIo = { stdout: (t) => void (serveOut += t), stderr: (t) => void (serveOut += t), env, cwd: dir, isTty: false, signal: stopServe.signal };
    served = main(['serve', '--port', String(port)], io);
    for (let i = 0; i < 100 && !serveOut.includes('decision page on'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(serveOut).toContain(`decision page on ${pageUrl}`);

    // Two runs a week apart (the second today), so the email has its trend and links that expire in 14 days from now.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
    expect((await cli(['run', '--now', weekAgo], dir, env)).code).toBe(0);
    const run = await cli(['run'], dir, env);
    expect(run.code, run.stderr).toBe(0);
    const out = join(dir, 'out');
    const today = new Date().toISOString().slice(0, 10);
    const html = (await readdir(out)).find((f) => f.endsWith(`${today}.html`));
    if (html === undefined) throw new Error(`no email for ${today} in the outbox`);
    emailPath = join(out, html);
    const markup = await readFile(emailPath, 'utf8');
    links = [...markup.matchAll(/<a href="([^"]+)"/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&')).filter((href) => href.startsWith(pageUrl));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    stopServe.abort();
    await served;
  });

  it('the email carries signed links; a Keep link shows who and why, and only the button stores the decision', async () => {
    expect(links.length).toBeGreaterThan(3);
    const keepLink = links.find((l) => payloadOf(l).action === 'keep');
    if (keepLink === undefined) throw new Error('no Keep link in the email');
    const key = payloadOf(keepLink).keys[0] ?? '';

    const page = await browser.newPage({ viewport: { width: 760, height: 1000 } });
    await page.goto(`file://${emailPath}`);
    await page.screenshot({ path: join(ARTIFACTS, 'email.png'), fullPage: true });

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const response = await phone.goto(keepLink);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('same-origin');
    expect(await phone.locator('h1').textContent()).toMatch(/^Keep .+\?$/);
    expect(await phone.locator('.why').first().textContent()).toContain('Why it was suggested');
    await phone.screenshot({ path: join(ARTIFACTS, 'decision-page.png'), fullPage: true });

    // Opening the link (what a mail scanner does) stored nothing.
    expect((await table.store.loadProfileState('demo')).decisions.map((d) => d.contact)).not.toContain(key);

    await Promise.all([phone.waitForLoadState('load'), phone.locator('button[type=submit]').click()]);
    await phone.waitForSelector('p.ok');
    expect(await phone.locator('h1').textContent()).toBe('Kept');
    await phone.screenshot({ path: join(ARTIFACTS, 'decision-done.png'), fullPage: true });
    const decisions = (await table.store.loadProfileState('demo')).decisions;
    expect(decisions.find((d) => d.contact === key)).toMatchObject({ kind: 'allow' });

    // The same link again: refused, and still one decision.
    const again = await phone.goto(keepLink);
    expect(again?.status()).toBe(409);
    expect(await phone.locator('h1').textContent()).toBe('This link was already used');
    await phone.close();
    await page.close();
  }, 60_000);

  it('an Unfollow link needs the box ticked; with acting off it records a confirmed request and says how to turn acting on', async () => {
    const link = links.find((l) => payloadOf(l).action === 'unfollow' && payloadOf(l).keys.length === 1);
    if (link === undefined) throw new Error('no Unfollow link in the email');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(link);
    expect(await page.locator('p.note').textContent()).toContain('"act": { "enabled": true }');
    expect(await page.locator('label.confirm').textContent()).toBe('Yes, unfollow this account');
    await page.screenshot({ path: join(ARTIFACTS, 'decision-unfollow.png'), fullPage: true });
    // The button alone: the browser will not send the form, and nothing is recorded.
    await page.locator('button[type=submit]').click();
    await page.waitForTimeout(300);
    expect(await page.locator('label.confirm').count()).toBe(1);
    const ledger = new DynamoDecisionLedger({ client: table.client, tableName: table.tableName });
    expect(await ledger.listConfirmedActions('demo')).toEqual([]);
    await page.locator('input[name=confirm]').check();
    await Promise.all([page.waitForSelector('p.ok'), page.locator('button[type=submit]').click()]);
    const actions = await ledger.listConfirmedActions('demo');
    expect(actions).toEqual([expect.objectContaining({ key: payloadOf(link).keys[0], action: 'unfollow', status: 'pending' })]);
    await page.close();
  }, 60_000);

  it('an expired link and a tampered link get a clear page and change nothing', async () => {
    const before = (await table.store.loadProfileState('demo')).decisions.length;
    const keep = links.filter((l) => payloadOf(l).action === 'keep');
    const target = payloadOf(keep[1] ?? '').keys[0] ?? '';
    const expired = decisionLinks({ baseUrl: pageUrl, keyring: keyringOf(keyringJson), profileId: 'demo', now: new Date(Date.now() - 15 * 86_400_000) }).linkFor('keep', [target]);
    const page = await browser.newPage();
    const r1 = await page.goto(expired);
    expect(r1?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
    expect(await page.locator('form').count()).toBe(0);

    // Someone edits the link (its sealed part): the tag no longer matches.
    const original = new URL(keep[1] ?? '');
    const [prefix, kid, sealed] = (original.searchParams.get('t') ?? '').split('.');
    const bytes = Buffer.from(sealed ?? '', 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 0x04;
    original.searchParams.set('t', `${prefix ?? ''}.${kid ?? ''}.${bytes.toString('base64url')}`);
    const r2 = await page.goto(original.href);
    expect(r2?.status()).toBe(400);
    expect(await page.locator('h1').textContent()).toBe('This link is not valid');
    expect(await page.locator('form').count()).toBe(0);
    expect((await table.store.loadProfileState('demo')).decisions.length).toBe(before);
    await page.close();
  }, 60_000);

  it('the next report lists what the owner decided since the last one', async () => {
    const run = await cli(['run', '--dry-run', '--now', new Date(Date.now() + 60_000).toISOString()], dir, env);
    expect(run.code, run.stderr).toBe(0);
    const out = join(dir, 'out');
    const json = (await readdir(out)).filter((f) => f.endsWith('.json')).sort();
    const reports = await Promise.all(json.map(async (f) => JSON.parse(await readFile(join(out, f), 'utf8')) as { meta: { dryRun: boolean }; ownerDecisions?: { decision: string }[] }));
    const preview = reports.find((r) => r.meta.dryRun);
    expect(preview?.ownerDecisions?.map((d) => d.decision).sort()).toEqual(['keep', 'unfollow']);
  }, 120_000);
});
