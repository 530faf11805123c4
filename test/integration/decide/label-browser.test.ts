/**
 * A label link in a real browser: a real CLI run emails links to `followback
 * serve`; Chromium opens the "This is criticism" link under a top supporter's
 * quoted reply, sees that reply on the page (styled: the page's CSP lets its
 * one style block through), presses the button, and the store holds the label.
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
import { verifyToken } from '../../../shared/decide/token.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, tempDir, writeJson } from '../cli/cli-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const hasChromium = existsSync(CHROMIUM);

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

describe.skipIf(!hasChromium)('a label link from the email in Chromium', () => {
  let table: FreshTable;
  let browser: Browser;
  let links: string[];
  const env = { FOLLOWBACK_DECISION_KEYS: JSON.stringify(keyringJson) };
  const stopServe = new AbortController();
  let served: Promise<number>;
  let serveOut = '';

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    table = await freshTable();
    const dir = await tempDir('fb-label-browser-');
    const port = await freePort();
    const pageUrl = `http://127.0.0.1:${port}/decide`;
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [{ id: 'demo', sources: [{ type: 'demo', seed: 7, size: 300 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com', decisionsUrl: pageUrl, locale: 'it' } }],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const io: CliIo = { stdout: (t) => void (serveOut += t), stderr: (t) => void (serveOut += t), env, cwd: dir, isTty: false, signal: stopServe.signal };
    served = main(['serve', '--port', String(port)], io);
    for (let i = 0; i < 100 && !serveOut.includes('decision page on'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(serveOut).toContain(`decision page on ${pageUrl}`);
    const run = await cli(['run'], dir, env);
    expect(run.code, run.stderr).toBe(0);
    const out = join(dir, 'out');
    const html = (await readdir(out)).find((f) => f.endsWith('.html'));
    if (html === undefined) throw new Error('no email in the outbox');
    const markup = await readFile(join(out, html), 'utf8');
    // The label links, by their words in the Italian email.
    links = [...markup.matchAll(/<a href="([^"]+)"[^>]*>È una critica<\/a>/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    stopServe.abort();
    await served;
  });

  it('opening "È una critica" shows the quoted reply and stores nothing; the button stores the label', async () => {
    const link = links[0];
    if (link === undefined) throw new Error('no "È una critica" link in the email');
    const check = verifyToken(new URL(link).searchParams.get('t') ?? '', keyringOf(keyringJson), new Date());
    if (!check.ok) throw new Error(`the link does not verify: ${check.problem}`);
    expect(check.payload.action).toBe('label_criticism');

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const response = await phone.goto(link);
    expect(response?.status()).toBe(200);
    expect(await phone.locator('h1').textContent()).toBe('Segnare questa risposta come critica?');
    const quote = phone.locator('blockquote.quote');
    expect((await quote.textContent())?.trim().length).toBeGreaterThan(0);
    // The style block ran (the CSP hash matches it): the quote has its rule on the left.
    expect(await phone.evaluate("getComputedStyle(document.querySelector('blockquote.quote')).borderLeftStyle")).toBe('solid');
    await phone.screenshot({ path: join(ARTIFACTS, 'label-page.png'), fullPage: true });
    const labels = table.store.toneLabelStore();
    expect(await labels.listLabels('demo')).toEqual([]);

    await Promise.all([phone.waitForLoadState('load'), phone.locator('button[type=submit]').click()]);
    await phone.waitForSelector('p.ok');
    expect(await phone.locator('h1').textContent()).toBe('Salvato: è una critica');
    await phone.screenshot({ path: join(ARTIFACTS, 'label-done.png'), fullPage: true });
    const stored = await labels.listLabels('demo');
    expect(stored).toMatchObject([{ label: 'criticism', by: 'page', interactionId: check.payload.reply?.interactionId }]);
  }, 60_000);
});
