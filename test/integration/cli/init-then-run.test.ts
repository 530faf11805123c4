/**
 * The path issue 18 asks for: `followback init`, then `followback run`, with nothing edited by hand
 * but where the test's servers live (the store's endpoint; Bluesky's PLC directory, which the local
 * PDS plays). The run reads Mastodon and Bluesky with the token and app password init saved in
 * secrets/, through the config's `file` references.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { runCommand } from '../../../functions/commands/run.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import type { FakeBlueskyServer } from '../../helpers/bluesky-server.ts';
import type { MastodonServer } from '../../helpers/mastodon-server.ts';
import { tempDir } from './cli-harness.ts';
import { APP_PASSWORD, BLUESKY_HANDLE, authorizeLink, blueskyServer, mastodonServer, runInit } from './init-harness.ts';

let mastodon: MastodonServer;
let bluesky: FakeBlueskyServer;
let table: FreshTable;

beforeAll(async () => {
  [mastodon, bluesky, table] = await Promise.all([mastodonServer(), blueskyServer(), freshTable()]);
});
afterAll(async () => {
  await Promise.all([mastodon.close(), bluesky.close(), table.drop()]);
});

describe('init, then run', () => {
  it('the first run reads both networks with what init saved', async () => {
    const dir = await tempDir('fb-init-run-');
    await writeFile(join(dir, 'pass.txt'), APP_PASSWORD);
    let browser: Promise<Response> | undefined;
    const init = await runInit(
      ['--yes', '--mastodon-instance', mastodon.url, '--mastodon-redirect', 'loopback', '--bluesky-handle', BLUESKY_HANDLE, '--bluesky-app-password-file', 'pass.txt', '--bluesky-service', bluesky.url, '--recipient', 'ada@example.com'],
      {
        cwd: dir,
        onOutput: (text) => {
          if (browser === undefined && text.includes('/oauth/authorize?')) browser = fetch(authorizeLink(text));
        },
      },
    );
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    await browser;

    const path = join(dir, 'followback.config.json');
    const config = JSON.parse(await readFile(path, 'utf8'));
    config.storage = { endpoint: table.endpoint, tableName: table.tableName };
    config.profiles[0].sources[1].plcUrl = bluesky.url;
    await writeFile(path, JSON.stringify(config));

    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: dir, isTty: false };
    const code = await runCommand(['--dry-run', '--now', '2026-11-25T09:00:00Z'], io);
    expect(stderr).not.toMatch(/error|secret file/i);
    expect(code).toBe(0);
    expect(stdout).toContain('trwnh');
    // The sources signed in with the saved token and app password.
    const token = mastodon.issuedTokens.at(-1);
    expect(mastodon.log.some((l) => l.url.startsWith('/api/v1/notifications') && l.authorization === `Bearer ${token}` && l.status === 200)).toBe(true);
    expect(bluesky.seen.some((s) => s.route === 'com.atproto.server.createSession' && s.body.includes(APP_PASSWORD))).toBe(true);
    expect(stdout + stderr).not.toContain(APP_PASSWORD);
  }, 120_000);
});
