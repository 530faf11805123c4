/**
 * `followback init` from the demo to your own account (issue 18), against a local Mastodon instance
 * and a local Bluesky PDS: interactive (a scripted standard input answers each question as it
 * appears) and unattended (--yes and flags). Each source is proved before the config is written;
 * bad answers are explained (and asked again, interactive) or end with exit code 2; Ctrl-C and
 * failed checks leave no file; the written config passes `followback validate`; tokens are in
 * owner-only files and the app password never appears in the output.
 */
import { lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { validateCommand } from '../../../functions/commands/validate.ts';
import { PENDING_APP_FILE } from '../../../functions/commands/init/mastodon-setup.ts';
import type { FakeBlueskyServer } from '../../helpers/bluesky-server.ts';
import type { MastodonServer } from '../../helpers/mastodon-server.ts';
import { tempDir } from './cli-harness.ts';
import { APP_PASSWORD, BLUESKY_HANDLE, authorizeLink, blueskyServer, codeFromPage, mastodonServer, runInit, type InitRun } from './init-harness.ts';

const OOB = 'urn:ietf:wg:oauth:2.0:oob';

/** A loopback port nothing listens on (connection refused). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

async function validate(cwd: string, config = 'followback.config.json'): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, cwd, isTty: false };
  const code = await validateCommand(['--config', config], io);
  return { code, out };
}

function expectNoSecretIn(run: InitRun, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(run.stdout).not.toContain(s);
    expect(run.stderr).not.toContain(s);
  }
}

async function readConfig(dir: string, name = 'followback.config.json'): Promise<{ profiles: { id: string; sources: Record<string, unknown>[]; report: Record<string, unknown> }[] }> {
  return JSON.parse(await readFile(join(dir, name), 'utf8'));
}

let mastodon: MastodonServer;
let bluesky: FakeBlueskyServer;

beforeAll(async () => {
  mastodon = await mastodonServer();
  bluesky = await blueskyServer();
});
afterAll(async () => {
  await mastodon.close();
  await bluesky.close();
});

describe('followback init, interactive (answers typed as each question appears)', () => {
  it('sets up Mastodon, Bluesky and two export networks, proves each, and writes a config that validates', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit(['--bluesky-service', bluesky.url], {
      cwd: dir,
      answers: ['mastodon, bluesky, instagram, facebook', mastodon.url, codeFromPage, BLUESKY_HANDLE, APP_PASSWORD, 'ada@example.com', '', '', ''],
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.prompts).toHaveLength(9);

    // Mastodon: followback registered itself with read scopes only and the out-of-band redirect, then used the code once.
    const app = mastodon.apps.at(-1);
    expect(app?.scopes).toEqual(['read']);
    expect(app?.redirectUris).toEqual([OOB]);
    expect(app?.name).toBe('followback');
    const token = mastodon.issuedTokens.at(-1) ?? '';
    expect(token).not.toBe('');
    expect(mastodon.log.some((l) => l.url === '/api/v1/accounts/verify_credentials' && l.authorization === `Bearer ${token}` && l.status === 200)).toBe(true);
    expect(run.stdout).toContain('Mastodon works: signed in as @trwnh@social.example');
    expect(run.stdout).toContain('Bluesky works: signed in as ada.test');

    const config = await readConfig(dir);
    expect(config.profiles).toHaveLength(1);
    const profile = config.profiles[0]!;
    expect(profile.id).toBe('trwnh');
    expect(profile.report).toEqual({ recipients: ['ada@example.com'], sender: 'ada@example.com', locale: 'en' });
    expect(profile.sources).toEqual([
      { type: 'mastodon', id: 'mastodon', instanceUrl: mastodon.url, accessToken: { file: 'secrets/mastodon-token', secretName: 'followback/trwnh/mastodon' } },
      { type: 'bluesky', id: 'bluesky', serviceUrl: bluesky.url, handle: BLUESKY_HANDLE, appPassword: { file: 'secrets/bluesky-app-password', secretName: 'followback/trwnh/bluesky' } },
      { type: 'instagram', id: 'instagram', exports: 'exports/instagram' },
      { type: 'facebook', id: 'facebook', exports: 'exports/facebook' },
    ]);
    const check = await validate(dir);
    expect(check.out).toContain('valid (1 profile)');
    expect(check.code).toBe(0);

    // Tokens in owner-only files, in an owner-only folder; the export folders owner-only too.
    expect((await readFile(join(dir, 'secrets/mastodon-token'), 'utf8')).trim()).toBe(token);
    expect((await readFile(join(dir, 'secrets/bluesky-app-password'), 'utf8')).trim()).toBe(APP_PASSWORD);
    expect(await mode(join(dir, 'secrets/mastodon-token'))).toBe(0o600);
    expect(await mode(join(dir, 'secrets/bluesky-app-password'))).toBe(0o600);
    expect(await mode(join(dir, 'secrets'))).toBe(0o700);
    expect(await mode(join(dir, 'exports/instagram'))).toBe(0o700);
    expect(await mode(join(dir, 'exports/facebook'))).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(['exports', 'followback.config.json', 'secrets']);

    // Each export network's download steps, the email reminder's words.
    expect(run.stdout).toContain('Instagram: download your data');
    expect(run.stdout).toContain('Accounts Center → Your information and permissions → Download your information');
    expect(run.stdout).toContain('followback import FILE.zip --source facebook');
    expectNoSecretIn(run, APP_PASSWORD, token);
  });

  it('a bad instance address, then one that cannot be reached, then the right one', async () => {
    const dir = await tempDir('fb-init-');
    const nobody = await closedPort();
    const run = await runInit([], { cwd: dir, answers: ['mastodon', 'not a url!', nobody, mastodon.url, codeFromPage, 'me@example.com', '', '', 'y'] });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('"not a url!" is not a web address such as https://mastodon.social');
    expect(run.stderr).toContain(`could not reach ${nobody} (ECONNREFUSED): check the address`);
    expect((await readConfig(dir)).profiles[0]?.sources[0]?.['instanceUrl']).toBe(mastodon.url);
  });

  it('an instance that refuses to register followback is said plainly, and another is asked', async () => {
    const closed = await mastodonServer({ refuseApps: { status: 403, body: { error: 'This method requires an authenticated user' } } });
    try {
      const dir = await tempDir('fb-init-');
      const run = await runInit([], { cwd: dir, answers: ['mastodon', closed.url, mastodon.url, codeFromPage, 'me@example.com', '', '', ''] });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`${closed.url} refused to register followback as an application (HTTP 403: This method requires an authenticated user)`);
      expect(run.stderr).toContain('Preferences → Development → New application');
      expect(closed.oauthRequests.apps).toBe(1);
    } finally {
      await closed.close();
    }
  });

  it('the loopback redirect, interactive: "Deny" is explained, then the browser comes back with the code', async () => {
    const dir = await tempDir('fb-init-');
    const deny = async (stdout: string): Promise<null> => {
      const link = new URL(authorizeLink(stdout));
      const back = new URL(link.searchParams.get('redirect_uri') ?? '');
      back.search = new URLSearchParams({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.', state: link.searchParams.get('state') ?? '' }).toString();
      await fetch(back);
      return null;
    };
    const authorize = async (stdout: string): Promise<null> => {
      await fetch(authorizeLink(stdout));
      return null;
    };
    const run = await runInit(['--mastodon-redirect', 'loopback'], { cwd: dir, answers: ['mastodon', mastodon.url, deny, authorize, 'me@example.com', '', '', ''] });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('you did not authorize followback on the instance (access_denied): open the link again and press "Authorize"');
    expect(run.stdout).toContain('(the browser came back with the code)');
    expect(mastodon.apps.at(-1)?.redirectUris[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect((await validate(dir)).code).toBe(0);
  });

  it('a wrong code (400 invalid_grant) is explained and asked again', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit([], { cwd: dir, answers: ['mastodon', mastodon.url, 'wrong-code-1234', codeFromPage, 'me@example.com', '', '', ''] });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('did not accept that code (invalid_grant)');
    expect(mastodon.log.some((l) => l.url === '/oauth/token' && l.status === 400)).toBe(true);
  });

  it('a wrong app password (401) is explained and asked again; neither password ever shows', async () => {
    const dir = await tempDir('fb-init-');
    const wrong = 'zzzz-zzzz-zzzz-zzzz';
    const run = await runInit(['--bluesky-service', bluesky.url], { cwd: dir, answers: ['bluesky', BLUESKY_HANDLE, wrong, '', APP_PASSWORD, 'me@example.com', '', '', ''] });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Bluesky did not accept the handle ada.test with that app password');
    // The second time the handle is offered as the default: Enter keeps it.
    expect(run.prompts[3]).toContain('[ada.test]');
    expectNoSecretIn(run, APP_PASSWORD, wrong);
    expect((await readConfig(dir)).profiles[0]?.id).toBe('ada');
  });

  it('on a terminal the app password is read in raw mode, Backspace works, and nothing is echoed', async () => {
    const dir = await tempDir('fb-init-');
    const raw: boolean[] = [];
    const typed = `${APP_PASSWORD.slice(0, -1)}x\u007f${APP_PASSWORD.slice(-1)}`;
    const run = await runInit(['--bluesky-service', bluesky.url, '--networks', 'bluesky'], { cwd: dir, tty: raw, answers: [BLUESKY_HANDLE, typed, 'me@example.com', '', '', ''] });
    expect(run.code).toBe(0);
    expect(raw).toEqual([true, false]);
    expectNoSecretIn(run, APP_PASSWORD, APP_PASSWORD.slice(0, 9));
  });

  it('Ctrl-C typed at the password (raw mode) stops init and leaves no file', async () => {
    const dir = await tempDir('fb-init-');
    const raw: boolean[] = [];
    const run = await runInit(['--bluesky-service', bluesky.url, '--networks', 'bluesky,instagram'], { cwd: dir, tty: raw, answers: [BLUESKY_HANDLE, 'abc\u0003'] });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('init stopped: nothing was written');
    expect(raw).toEqual([true, false]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('Ctrl-C (the signal) mid-way, after every source was proved, leaves no file', async () => {
    const dir = await tempDir('fb-init-');
    const ctrlC = new AbortController();
    const run = await runInit(['--bluesky-service', bluesky.url], {
      cwd: dir,
      signal: ctrlC.signal,
      answers: ['mastodon, bluesky, tiktok', mastodon.url, codeFromPage, BLUESKY_HANDLE, APP_PASSWORD],
      onOutput: (text) => {
        if (text.startsWith('Send the report to')) ctrlC.abort();
      },
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('init stopped: nothing was written');
    expect(await readdir(dir)).toEqual([]);
  });

  it('standard input that ends before the last answer: exit 2, nothing written', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit([], { cwd: dir, answers: ['instagram'] });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('standard input ended before the answer to "Send the report to (your email)" (or pass --recipient)');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a later deployment: yes, and the sender\'s domain as the SES identity, adds the deploy section; a bad identity is asked again', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit([], { cwd: dir, answers: ['linkedin', 'me@example.com', 'fb@mail.example.com', 'y', 'elsewhere.org', '', ''] });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('is not under elsewhere.org: SES would refuse to send from it (use mail.example.com or fb@mail.example.com)');
    const config = (await readConfig(dir)) as { deploy?: unknown };
    expect(config.deploy).toEqual({ sesIdentity: 'mail.example.com' });
    expect(run.stdout).toContain('followback deploy --dry-run');
    expect((await validate(dir)).code).toBe(0);
  });

  it('answering no at the end writes nothing', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit([], { cwd: dir, answers: ['linkedin', 'me@example.com', '', '', 'n'] });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing was written.');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('followback init, unattended (--yes and flags)', () => {
  it('--ses-identity adds the deploy section; one the sender is not under is refused before anything is written', async () => {
    const dir = await tempDir('fb-init-');
    const base = ['--yes', '--networks', 'tiktok', '--recipient', 'ada@example.com', '--sender', 'followback@news.example.com', '--profile', 'ada'];
    const refused = await runInit([...base, '--ses-identity', 'example.org'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--ses-identity: the report\'s sender followback@news.example.com is not under example.org');
    expect(await readdir(dir)).toEqual([]);
    const notIdentity = await runInit([...base, '--ses-identity', 'not an identity'], { cwd: dir });
    expect(notIdentity.code).toBe(2);
    expect(notIdentity.stderr).toContain('"not an identity" is neither a domain such as example.com nor an email address');

    const ok = await runInit([...base, '--ses-identity', 'Example.com'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(((await readConfig(dir)) as { deploy?: unknown }).deploy).toEqual({ sesIdentity: 'example.com' });
    expect((await validate(dir)).code).toBe(0);
    // Without the flag, unattended, no deploy section (deploy asks for it later).
    const none = await tempDir('fb-init-');
    expect((await runInit(base, { cwd: none })).code).toBe(0);
    expect(((await readConfig(none)) as { deploy?: unknown }).deploy).toBeUndefined();
  });

  it('Mastodon in two runs (the link, then --mastodon-code), Bluesky from a file, exports: a config that validates', async () => {
    const dir = await tempDir('fb-init-');
    await writeFile(join(dir, 'bsky-pass.txt'), `${APP_PASSWORD}\n`);
    const flags = ['--yes', '--mastodon-instance', mastodon.url, '--bluesky-handle', BLUESKY_HANDLE, '--bluesky-app-password-file', 'bsky-pass.txt', '--bluesky-service', bluesky.url];
    const rest = ['--networks', 'instagram,facebook', '--recipient', 'ada@example.com', '--sender', 'followback@example.com', '--profile', 'ada'];
    const first = await runInit([...flags, ...rest], { cwd: dir });
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('--mastodon-code is needed: open the link above');
    expect(await mode(join(dir, PENDING_APP_FILE))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['.followback', 'bsky-pass.txt']);

    const code = await codeFromPage(first.stdout);
    const second = await runInit([...flags, ...rest, '--mastodon-code', code], { cwd: dir });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    // One application for both runs.
    expect(mastodon.apps.filter((a) => authorizeLink(first.stdout).includes(a.clientId))).toHaveLength(1);
    expect(await lstat(join(dir, PENDING_APP_FILE)).catch(() => undefined)).toBeUndefined();

    const config = await readConfig(dir);
    expect(config.profiles[0]?.id).toBe('ada');
    expect(config.profiles[0]?.report).toEqual({ recipients: ['ada@example.com'], sender: 'followback@example.com', locale: 'en' });
    expect(config.profiles[0]?.sources.map((s) => s['type'])).toEqual(['mastodon', 'bluesky', 'instagram', 'facebook']);
    expect((await validate(dir)).code).toBe(0);
    expect(await mode(join(dir, 'secrets/mastodon-token'))).toBe(0o600);
    expect(await mode(join(dir, 'secrets/bluesky-app-password'))).toBe(0o600);
    expect(await mode(join(dir, 'secrets'))).toBe(0o700);
    expect(await mode(join(dir, 'exports/instagram'))).toBe(0o700);
    expectNoSecretIn(first, APP_PASSWORD);
    expectNoSecretIn(second, APP_PASSWORD, mastodon.issuedTokens.at(-1) ?? '');
  });

  it('the loopback redirect: the browser comes back to init on 127.0.0.1 with the code', async () => {
    const dir = await tempDir('fb-init-');
    let followed: Promise<Response> | undefined;
    const run = await runInit(['--yes', '--mastodon-instance', mastodon.url, '--mastodon-redirect', 'loopback', '--recipient', 'me@example.com', '--config', 'conf/followback.json'], {
      cwd: dir,
      onOutput: (text) => {
        // The owner presses Authorize: the instance redirects the browser to init's /callback.
        if (followed === undefined && text.includes('/oauth/authorize?')) followed = fetch(authorizeLink(text));
      },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const page = await followed;
    expect(page?.status).toBe(200);
    expect(await page?.text()).toContain('followback has the code');
    expect(mastodon.apps.at(-1)?.redirectUris[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect((await validate(dir, 'conf/followback.json')).code).toBe(0);
    expect(await mode(join(dir, 'conf/secrets/mastodon-token'))).toBe(0o600);
  });

  it('a bad or unreachable instance address: exit 2 and nothing written', async () => {
    const dir = await tempDir('fb-init-');
    const bad = await runInit(['--yes', '--mastodon-instance', 'ftp://example.social', '--recipient', 'me@example.com'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mastodon-instance: "ftp://example.social" must start with https://');
    const nobody = await closedPort();
    const gone = await runInit(['--yes', '--mastodon-instance', nobody, '--recipient', 'me@example.com'], { cwd: dir });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`--mastodon-instance: could not reach ${nobody} (ECONNREFUSED)`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an address that redirects elsewhere: exit 2, naming where it sends', async () => {
    const moved = createServer((req, res) => {
      res.writeHead(301, { location: `https://mastodon.social.example${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((resolve) => moved.listen(0, '127.0.0.1', resolve));
    try {
      const dir = await tempDir('fb-init-');
      const url = `http://127.0.0.1:${(moved.address() as AddressInfo).port}`;
      const run = await runInit(['--yes', '--mastodon-instance', url, '--recipient', 'me@example.com'], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${url} sends its visitors to https://mastodon.social.example: type that address instead`);
    } finally {
      await new Promise<void>((resolve) => moved.close(() => resolve()));
    }
  });

  it('an instance that refuses app registration: exit 2, the way out named', async () => {
    const closed = await mastodonServer({ refuseApps: { status: 422, body: { error: 'Validation failed: Redirect URI must be an absolute URI.' } } });
    try {
      const dir = await tempDir('fb-init-');
      const run = await runInit(['--yes', '--mastodon-instance', closed.url, '--recipient', 'me@example.com'], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('refused to register followback as an application (HTTP 422: Validation failed');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await closed.close();
    }
  });

  it('a wrong code (400 invalid_grant): exit 2, the link printed again, no config', async () => {
    const dir = await tempDir('fb-init-');
    const flags = ['--yes', '--mastodon-instance', mastodon.url, '--recipient', 'me@example.com'];
    const first = await runInit(flags, { cwd: dir });
    expect(first.code).toBe(2);
    const run = await runInit([...flags, '--mastodon-code', 'not-the-code-1234'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--mastodon-code: ');
    expect(run.stderr).toContain('did not accept that code (invalid_grant)');
    expect(run.stderr).toContain('/oauth/authorize?');
    expect(await readdir(dir)).toEqual(['.followback']);
  });

  it('a code from the first unattended run also finishes an interactive init (the same application)', async () => {
    const dir = await tempDir('fb-init-');
    const first = await runInit(['--yes', '--mastodon-instance', mastodon.url, '--recipient', 'me@example.com'], { cwd: dir });
    expect(first.code).toBe(2);
    const apps = mastodon.apps.length;
    const code = await codeFromPage(first.stdout);
    const run = await runInit(['--mastodon-instance', mastodon.url, '--mastodon-code', code], { cwd: dir, answers: ['', 'me@example.com', '', '', ''] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mastodon.apps.length).toBe(apps);
    expect(await readdir(dir)).toEqual(['.followback', 'followback.config.json', 'secrets']);
    expect(await readdir(join(dir, '.followback'))).toEqual([]);
  });

  it('--mastodon-code without a first run: exit 2, saying to run without it first', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit(['--yes', '--mastodon-instance', mastodon.url, '--mastodon-code', 'abcdef123456', '--recipient', 'me@example.com'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('run init once without --mastodon-code');
  });

  it('a wrong app password (401): exit 2, the password nowhere in the output, nothing written', async () => {
    const dir = await tempDir('fb-init-');
    const wrong = 'qqqq-wwww-eeee-rrrr';
    const run = await runInit(['--yes', '--bluesky-handle', BLUESKY_HANDLE, '--bluesky-service', bluesky.url, '--recipient', 'me@example.com'], { cwd: dir, env: { BLUESKY_APP_PASSWORD: wrong } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--bluesky-app-password-file: Bluesky did not accept the handle ada.test with that app password');
    expectNoSecretIn(run, wrong);
    expect(await readdir(dir)).toEqual([]);
  });

  it('the app password from BLUESKY_APP_PASSWORD', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit(['--yes', '--bluesky-handle', '@ada.test', '--bluesky-service', bluesky.url, '--recipient', 'me@example.com'], { cwd: dir, env: { BLUESKY_APP_PASSWORD: APP_PASSWORD } });
    expect(run.code).toBe(0);
    expectNoSecretIn(run, APP_PASSWORD);
    expect((await readFile(join(dir, 'secrets/bluesky-app-password'), 'utf8')).trim()).toBe(APP_PASSWORD);
  });

  it('an existing config is never overwritten without --force', async () => {
    const dir = await tempDir('fb-init-');
    const before = '{ "mine": true }\n';
    await writeFile(join(dir, 'followback.config.json'), before);
    const flags = ['--yes', '--networks', 'tiktok', '--recipient', 'me@example.com'];
    const run = await runInit(flags, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already exists: nothing was changed. Pass --force to replace it');
    expect(await readFile(join(dir, 'followback.config.json'), 'utf8')).toBe(before);
    // Interactive too: refused before the first question.
    const asked = await runInit(['--networks', 'tiktok'], { cwd: dir, answers: ['me@example.com'] });
    expect(asked.code).toBe(2);
    expect(asked.prompts).toEqual([]);

    const forced = await runInit([...flags, '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect((await readConfig(dir)).profiles[0]?.sources).toEqual([{ type: 'tiktok', id: 'tiktok', exports: 'exports/tiktok' }]);
  });

  it('a missing or bad answer is named by its flag before any network is contacted', async () => {
    const dir = await tempDir('fb-init-');
    const before = mastodon.oauthRequests.apps + mastodon.total();
    const none = await runInit(['--yes', '--mastodon-instance', mastodon.url], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--recipient is needed');
    const bad = await runInit(['--yes', '--mastodon-instance', mastodon.url, '--recipient', 'not-an-email'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--recipient: "not-an-email" is not an email address');
    const nothing = await runInit(['--yes', '--recipient', 'me@example.com'], { cwd: dir });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('no network to set up');
    const unknown = await runInit(['--yes', '--networks', 'myspace', '--recipient', 'me@example.com'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"myspace" is not a network followback reads');
    expect(mastodon.oauthRequests.apps + mastodon.total()).toBe(before);
    expect(await readdir(dir)).toEqual([]);
  });

  it('--help prints the usage with every flag', async () => {
    const dir = await tempDir('fb-init-');
    const run = await runInit(['--help'], { cwd: dir });
    expect(run.code).toBe(0);
    for (const flag of ['--mastodon-instance', '--mastodon-code', '--bluesky-handle', '--bluesky-app-password-file', '--networks', '--recipient', '--sender', '--yes', '--config', '--force']) {
      expect(run.stdout).toContain(flag);
    }
  });
});

describe('the pending application file', () => {
  it('lives beside the config in an owner-only folder', async () => {
    const dir = await tempDir('fb-init-');
    await mkdir(join(dir, 'x'));
    const run = await runInit(['--yes', '--mastodon-instance', mastodon.url, '--recipient', 'me@example.com', '--config', 'x/c.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(await mode(join(dir, 'x/.followback'))).toBe(0o700);
    expect(await mode(join(dir, 'x', PENDING_APP_FILE))).toBe(0o600);
  });
});
