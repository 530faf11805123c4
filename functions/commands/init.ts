/**
 * `followback init`: a guided setup that writes followback.config.json and proves each source
 * works before it finishes. Mastodon: followback registers itself on the instance and the owner
 * approves it in the browser (./init/mastodon-setup.ts). Bluesky: handle and app password, checked
 * with one sign-in (./init/bluesky-setup.ts). Export-based networks: their folders and the steps to
 * download an export (./init/export-setup.ts). Tokens go to owner-only files in secrets/, referenced
 * from the config with `{ "file": ... }` (and a `secretName` for when it is deployed).
 *
 * Every question has a flag; with --yes (or no standard input) nothing is asked and a missing or bad
 * answer exits with 2. Nothing is written before the end (./init/write-setup.ts), so Ctrl-C or a
 * failed check leaves no file; an existing config is replaced only with --force.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../shared/config/load-config.ts';
import type { ConfigInput, Locale } from '../../shared/config/schema.ts';
import { terminalLine } from '../../shared/logging/terminal-line.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { DEFAULT_CONFIG_FILE } from './cli-config.ts';
import { DEFAULT_BLUESKY_SERVICE, checkBluesky, looksUnlikeAppPassword, parseAppPassword, parseHandle } from './init/bluesky-setup.ts';
import { EXPORT_NETWORKS, exportSteps, exportsFolder, isExportNetwork, parseNetworks, type NetworkChoice } from './init/export-setup.ts';
import { InputEndedError, InterruptedError, LineInput } from './init/line-input.ts';
import {
  InstanceError,
  OOB_REDIRECT,
  authorizeUrl,
  checkInstance,
  clearPendingApp,
  loadPendingApp,
  savePendingApp,
  exchangeCode,
  newState,
  parseInstanceUrl,
  registerApp,
  startLoopback,
  verifyCredentials,
  type Loopback,
  type RegisteredApp,
} from './init/mastodon-setup.ts';
import { AnswerError, Prompter } from './init/prompter.ts';
import { refuseExisting, writeSetup } from './init/write-setup.ts';

export const EXIT_INTERRUPTED = 130;

export const INIT_USAGE = `Usage: followback init [options]

A guided setup: asks which networks you use, connects each one and checks it
works, then writes followback.config.json (and your tokens to secrets/, readable
by you only). Every question has a flag; with --yes nothing is asked.

Options:
  --config FILE                      the config to write (default: ${DEFAULT_CONFIG_FILE})
  --force                            replace an existing config and secret files
  --yes                              ask nothing: take the flags, defaults for the rest
  --networks LIST                    networks to set up, comma-separated: mastodon, bluesky,
                                     ${EXPORT_NETWORKS.join(', ')}
  --mastodon-instance URL            your Mastodon instance, e.g. https://mastodon.social
  --mastodon-code CODE               the code the instance shows after you authorize followback
  --mastodon-redirect oob|loopback   how the code comes back: shown to copy (oob), or caught
                                     by init on 127.0.0.1 (loopback; the default on a terminal)
  --bluesky-handle HANDLE            your Bluesky handle, e.g. ada.bsky.social
  --bluesky-app-password-file FILE   a file holding a Bluesky app password
                                     (or the BLUESKY_APP_PASSWORD environment variable)
  --bluesky-service URL              your PDS or entryway (default: ${DEFAULT_BLUESKY_SERVICE})
  --recipient EMAIL                  who gets the report
  --sender EMAIL                     the report's From address (default: the recipient)
  --profile ID                       the profile's id (default: from your account's name)
  --locale en|it                     the report's language (default: en)
  --ses-identity DOMAIN|EMAIL        for followback deploy later: the SES identity the report is
                                     sent from (the sender's domain or address); adds the config's
                                     "deploy" section (asked on a terminal; left out without it)
  -h, --help                         this help

Exit codes: 0 done (or you chose not to write), 1 an instance or service failed,
2 bad input (a flag, an answer, a check that refused it, an existing config
without --force), 130 stopped by Ctrl-C (nothing written).`;

interface InitFlags {
  config?: string;
  force: boolean;
  yes: boolean;
  networks?: string;
  mastodonInstance?: string;
  mastodonCode?: string;
  mastodonRedirect?: 'oob' | 'loopback';
  blueskyHandle?: string;
  blueskyAppPasswordFile?: string;
  blueskyService: string;
  recipient?: string;
  sender?: string;
  profile?: string;
  locale: Locale;
  sesIdentity?: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function parseInitFlags(argv: string[]): InitFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        force: { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        networks: { type: 'string' },
        'mastodon-instance': { type: 'string' },
        'mastodon-code': { type: 'string' },
        'mastodon-redirect': { type: 'string' },
        'bluesky-handle': { type: 'string' },
        'bluesky-app-password-file': { type: 'string' },
        'bluesky-service': { type: 'string' },
        recipient: { type: 'string' },
        sender: { type: 'string' },
        profile: { type: 'string' },
        locale: { type: 'string' },
        'ses-identity': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${INIT_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  for (const name of ['config', 'bluesky-app-password-file', 'bluesky-service', 'profile'] as const) {
    if (v[name] !== undefined && v[name].trim() === '') throw new UsageError(`--${name} needs a value`);
  }
  const redirect = v['mastodon-redirect'];
  if (redirect !== undefined && redirect !== 'oob' && redirect !== 'loopback') throw new UsageError(`--mastodon-redirect is oob or loopback, not "${terminalLine(redirect, 40)}"`);
  const locale = v.locale ?? 'en';
  if (locale !== 'en' && locale !== 'it') throw new UsageError(`--locale is en or it, not "${terminalLine(locale, 40)}"`);
  if (v.profile !== undefined && !SLUG.test(v.profile)) throw new UsageError('--profile: a slug of lower-case letters, digits and dashes (max 40), such as ada');
  const service = v['bluesky-service'] ?? DEFAULT_BLUESKY_SERVICE;
  if (!URL.canParse(service) || !/^https?:$/.test(new URL(service).protocol)) throw new UsageError(`--bluesky-service "${terminalLine(service, 100)}" is not an http(s) URL`);
  return {
    ...(v.config !== undefined ? { config: v.config } : {}),
    force: v.force,
    yes: v.yes,
    ...(v.networks !== undefined ? { networks: v.networks } : {}),
    ...(v['mastodon-instance'] !== undefined ? { mastodonInstance: v['mastodon-instance'] } : {}),
    ...(v['mastodon-code'] !== undefined ? { mastodonCode: v['mastodon-code'] } : {}),
    ...(redirect !== undefined ? { mastodonRedirect: redirect } : {}),
    ...(v['bluesky-handle'] !== undefined ? { blueskyHandle: v['bluesky-handle'] } : {}),
    ...(v['bluesky-app-password-file'] !== undefined ? { blueskyAppPasswordFile: v['bluesky-app-password-file'] } : {}),
    blueskyService: service.replace(/\/+$/, ''),
    ...(v.recipient !== undefined ? { recipient: v.recipient } : {}),
    ...(v.sender !== undefined ? { sender: v.sender } : {}),
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    locale,
    ...(v['ses-identity'] !== undefined ? { sesIdentity: v['ses-identity'] } : {}),
  };
}

/** A code pasted as it is, or the whole address the browser ended on (`...?code=...`). */
export function parseCode(text: string): string {
  const t = text.trim();
  if (t === '') throw new AnswerError('paste the code the instance showed after you pressed Authorize');
  if (/^https?:\/\//i.test(t) && URL.canParse(t)) {
    const code = new URL(t).searchParams.get('code');
    if (code !== null && code !== '') return code;
    throw new AnswerError('that address has no code in it: paste the code the instance showed');
  }
  if (!/^[A-Za-z0-9_~.+/=-]{4,512}$/.test(t)) throw new AnswerError('that does not look like a code: copy the whole code the instance showed, nothing else');
  return t;
}

export function parseEmail(text: string): string {
  const t = text.trim();
  if (!z.email().safeParse(t).success) throw new AnswerError(`"${terminalLine(t, 100)}" is not an email address such as ada@example.com`);
  return t;
}

const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * The SES identity for a later deployment: a domain or an address, which the report's sender must
 * belong to (followback deploy refuses a sender outside it, so init does too).
 */
export function parseSesIdentity(text: string, sender: string): string {
  const t = text.trim().toLowerCase();
  const isEmail = t.includes('@');
  if (isEmail ? !z.email().safeParse(t).success : !DOMAIN.test(t)) {
    throw new AnswerError(`"${terminalLine(text.trim(), 100)}" is neither a domain such as example.com nor an email address`);
  }
  const from = sender.toLowerCase();
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const covered = isEmail ? from === t : domain === t || domain.endsWith(`.${t}`);
  if (!covered) throw new AnswerError(`the report's sender ${terminalLine(sender, 100)} is not under ${terminalLine(t, 100)}: SES would refuse to send from it (use ${domain} or ${terminalLine(from, 100)})`);
  return t;
}

/** Whether to add the deploy section, and with which identity (`undefined`: not now). */
async function askSesIdentity(p: Prompter, flags: InitFlags, sender: string): Promise<string | undefined> {
  const parse = (text: string): string => parseSesIdentity(text, sender);
  if (flags.sesIdentity !== undefined) return p.ask({ flag: '--ses-identity', given: flags.sesIdentity, text: 'SES identity', parse });
  if (!p.interactive) return undefined;
  if (!(await p.confirm('\nWill you deploy it to your AWS account? (a "deploy" section is added to the config; you can add it later)', false))) return undefined;
  const domain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  return p.ask({ flag: '--ses-identity', text: 'The SES identity the report is sent from (a domain, or the sender address)', fallback: domain, parse });
}

/** A profile id from an account name: `Ada.Lovelace` → `ada-lovelace`. */
export function profileIdFrom(name: string | undefined): string {
  const slug = (name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return SLUG.test(slug) ? slug : 'me';
}

interface MastodonResult {
  instanceUrl: string;
  token: string;
  account: { username: string; acct: string };
  domain: string;
}

interface BlueskyResult {
  serviceUrl: string;
  handle: string;
  appPassword: string;
}

/** Turns a failure of a check into the question being asked again (interactive) or the end (unattended). */
class SetupFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function failUnattended(err: AnswerError | InstanceError, flag: string): never {
  if (err instanceof AnswerError) throw new UsageError(`${flag}: ${err.message}`);
  throw new SetupFailure(err.message, EXIT_RUN_FAILED);
}

async function setupMastodon(p: Prompter, flags: InitFlags, io: CliIo, input: LineInput | undefined, configDir: string): Promise<MastodonResult> {
  const signal = io.signal;
  p.say('\nMastodon');
  const state = newState();
  const mode = flags.mastodonRedirect ?? (flags.mastodonCode === undefined && p.interactive && input?.isTty === true ? 'loopback' : 'oob');
  if (!p.interactive && mode === 'oob') return unattendedMastodon(p, flags, configDir, state, signal);

  let given = flags.mastodonInstance;
  let instance: URL;
  let app: RegisteredApp;
  let domain: string;
  let loopback: Loopback | undefined;
  for (;;) {
    instance = await p.ask({ flag: '--mastodon-instance', given, text: 'Your Mastodon instance (such as https://mastodon.social)', parse: parseInstanceUrl });
    given = undefined;
    try {
      ({ domain } = await checkInstance(instance, signal));
      loopback = mode === 'loopback' ? await startLoopback(state) : undefined;
      // A code from an earlier unattended run belongs to the application that run registered and kept.
      const pending = loopback === undefined ? await loadPendingApp(configDir, instance) : undefined;
      app = pending ?? (await registerApp(instance, loopback?.redirectUri ?? OOB_REDIRECT, signal));
      break;
    } catch (err) {
      await loopback?.close();
      loopback = undefined;
      if (!(err instanceof AnswerError || err instanceof InstanceError)) throw err;
      if (!p.interactive) failUnattended(err, '--mastodon-instance');
      p.warn(`  ${err.message}`);
    }
  }
  try {
    showAuthorization(p, instance, app, state);
    if (loopback !== undefined) p.say('Your browser then comes back here by itself. If it cannot (another computer), paste the address it ends on, or the code.');
    else p.say('The instance then shows a code: copy it.');
    let codeGiven = flags.mastodonCode;
    for (;;) {
      let code: string;
      if (codeGiven !== undefined) {
        try {
          code = parseCode(codeGiven);
        } catch (err) {
          if (!(err instanceof AnswerError)) throw err;
          p.warn(`  --mastodon-code: ${err.message}`);
          codeGiven = undefined;
          continue;
        }
        codeGiven = undefined;
      } else if (loopback !== undefined) {
        try {
          code = await codeFromLoopback(p, loopback, signal);
        } catch (err) {
          // The owner pressed "Deny", or the instance sent an error back: the link still works.
          if (!(err instanceof AnswerError)) throw err;
          p.warn(`  ${err.message}: open the link again and press "Authorize"`);
          continue;
        }
      } else {
        code = await p.askTyped({ flag: '--mastodon-code', text: 'The code', parse: parseCode });
      }
      try {
        return await tokenFor(p, instance, app, code, domain, signal);
      } catch (err) {
        if (!(err instanceof AnswerError || err instanceof InstanceError)) throw err;
        if (!p.interactive) failUnattended(err, '--mastodon-code');
        if (err instanceof InstanceError) throw new SetupFailure(err.message, EXIT_RUN_FAILED);
        p.warn(`  ${err.message}`);
      }
    }
  } finally {
    await loopback?.close();
  }
}

function showAuthorization(p: Prompter, instance: URL, app: RegisteredApp, state: string): void {
  p.say(`followback is registered on ${instance.host} (read access only: it never posts, follows or unfollows).`);
  p.say(`Open this link in your browser, sign in if asked, and press "Authorize":\n\n  ${authorizeUrl(instance, app, state)}\n`);
}

async function tokenFor(p: Prompter, instance: URL, app: RegisteredApp, code: string, domain: string, signal: AbortSignal | undefined): Promise<MastodonResult> {
  const token = await exchangeCode(instance, app, code, signal);
  const account = await verifyCredentials(instance, token, signal);
  p.say(`Mastodon works: signed in as @${terminalLine(account.username, 100)}@${terminalLine(domain, 100)}.`);
  return { instanceUrl: instance.origin, token, account, domain };
}

/**
 * Unattended with the code shown to copy: a first run registers followback, keeps the application
 * (./init/mastodon-setup.ts, PENDING_APP_FILE), prints the link and stops (exit 2) asking for the
 * code; the same command again with --mastodon-code finishes with that application.
 */
async function unattendedMastodon(p: Prompter, flags: InitFlags, configDir: string, state: string, signal: AbortSignal | undefined): Promise<MastodonResult> {
  const instance = await p.ask({ flag: '--mastodon-instance', given: flags.mastodonInstance, text: 'Your Mastodon instance', parse: parseInstanceUrl });
  let domain: string;
  let app: RegisteredApp;
  const pending = await loadPendingApp(configDir, instance);
  try {
    ({ domain } = await checkInstance(instance, signal));
    if (flags.mastodonCode === undefined) {
      app = pending ?? (await registerApp(instance, OOB_REDIRECT, signal));
      await savePendingApp(configDir, instance, app);
      showAuthorization(p, instance, app, state);
      throw new UsageError(
        '--mastodon-code is needed: open the link above, press "Authorize", then run the same command again with --mastodon-code CODE (the code the instance shows)',
      );
    }
  } catch (err) {
    if (err instanceof AnswerError || err instanceof InstanceError) failUnattended(err, '--mastodon-instance');
    throw err;
  }
  if (pending === undefined) {
    throw new UsageError(`--mastodon-code: followback has no application waiting on ${instance.host}: run init once without --mastodon-code, open the link it prints, then pass the code shown`);
  }
  let code: string;
  try {
    code = parseCode(flags.mastodonCode);
  } catch (err) {
    throw err instanceof AnswerError ? new UsageError(`--mastodon-code: ${err.message}`) : err;
  }
  try {
    return await tokenFor(p, instance, pending, code, domain, signal);
  } catch (err) {
    if (!(err instanceof AnswerError || err instanceof InstanceError)) throw err;
    if (err instanceof AnswerError) p.warn(`For a new code, open the link again:\n  ${authorizeUrl(instance, pending, state)}`);
    failUnattended(err, '--mastodon-code');
  }
}

/** Waits for the browser's redirect; interactive, a pasted address or code is taken too, whichever comes first. */
async function codeFromLoopback(p: Prompter, loopback: Loopback, signal: AbortSignal | undefined): Promise<string> {
  if (!p.interactive) {
    const wait = AbortSignal.timeout(10 * 60_000);
    try {
      return await loopback.code(signal ? AbortSignal.any([signal, wait]) : wait);
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError();
      if (wait.aborted) throw new UsageError('no authorization came back within 10 minutes (open the link, press Authorize), or pass --mastodon-code');
      if (err instanceof AnswerError) throw new UsageError(err.message);
      throw err;
    }
  }
  const stop = new AbortController();
  const typed = p.askTyped({ flag: '--mastodon-code', text: 'Waiting for the browser… or paste the address or code here', parse: parseCode }, stop.signal);
  const caught = loopback.code(stop.signal).then((code) => {
    p.say('\n  (the browser came back with the code)');
    return code;
  });
  try {
    return await Promise.race([typed, caught]);
  } finally {
    stop.abort(new Error('answered'));
    typed.catch(() => undefined);
    caught.catch(() => undefined);
  }
}

async function setupBluesky(p: Prompter, flags: InitFlags, io: CliIo): Promise<BlueskyResult> {
  p.say('\nBluesky');
  let handleGiven = flags.blueskyHandle;
  let fileGiven = flags.blueskyAppPasswordFile;
  let envGiven = io.env['BLUESKY_APP_PASSWORD'];
  let previous: string | undefined;
  let warned = false;
  for (;;) {
    const handle = await p.ask({
      flag: '--bluesky-handle',
      given: handleGiven,
      text: 'Your Bluesky handle (such as ada.bsky.social)',
      ...(previous !== undefined ? { fallback: previous } : {}),
      parse: parseHandle,
    });
    handleGiven = undefined;
    previous = handle;
    let appPassword: string;
    if (fileGiven !== undefined) {
      const path = resolve(io.cwd, fileGiven);
      fileGiven = undefined;
      envGiven = undefined;
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new UsageError(`--bluesky-app-password-file: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      try {
        appPassword = parseAppPassword(text);
      } catch (err) {
        throw err instanceof AnswerError ? new UsageError(`--bluesky-app-password-file: ${err.message}`) : err;
      }
    } else if (envGiven !== undefined && envGiven.trim() !== '') {
      appPassword = envGiven.trim();
      envGiven = undefined;
    } else {
      if (!p.interactive) throw new UsageError('--bluesky-app-password-file FILE (or the BLUESKY_APP_PASSWORD environment variable) is needed: nothing is asked with --yes');
      if (!warned) p.say('Make an app password in Bluesky: Settings → Privacy and security → App passwords → Add App Password (never your main password).');
      warned = true;
      appPassword = await p.askTyped({ flag: '--bluesky-app-password-file', text: 'The app password (not shown as you type)', secret: true, parse: parseAppPassword });
    }
    if (looksUnlikeAppPassword(appPassword)) p.warn('  That does not look like an app password (xxxx-xxxx-xxxx-xxxx): use an app password, never your main password.');
    try {
      const session = await checkBluesky(flags.blueskyService, handle, appPassword, io.signal);
      p.say(`Bluesky works: signed in as ${terminalLine(session.handle, 100)}.`);
      return { serviceUrl: flags.blueskyService, handle, appPassword };
    } catch (err) {
      if (!(err instanceof AnswerError || err instanceof InstanceError)) throw err;
      if (!p.interactive) failUnattended(err, '--bluesky-app-password-file');
      p.warn(`  ${err.message}`);
    }
  }
}

/** The networks to set up: --networks, plus those whose flags were given; asked when interactive. */
async function chooseNetworks(p: Prompter, flags: InitFlags): Promise<NetworkChoice[]> {
  const implied: NetworkChoice[] = [];
  if (flags.mastodonInstance !== undefined) implied.push('mastodon');
  if (flags.blueskyHandle !== undefined) implied.push('bluesky');
  const withImplied = (list: NetworkChoice[]): NetworkChoice[] => {
    const all = [...implied.filter((n) => !list.includes(n)), ...list];
    if (all.length === 0) throw new AnswerError('choose at least one network');
    return all;
  };
  if (flags.networks === undefined && !p.interactive && implied.length === 0) {
    throw new UsageError('no network to set up: pass --mastodon-instance, --bluesky-handle and/or --networks LIST');
  }
  return p.ask({
    flag: '--networks',
    given: flags.networks,
    text: `Which networks do you use? (mastodon, bluesky, ${EXPORT_NETWORKS.join(', ')}; comma-separated)`,
    ...(implied.length > 0 ? { fallback: implied.join(',') } : {}),
    parse: (t) => withImplied(parseNetworks(t)),
  });
}

export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  let flags: InitFlags | 'help';
  try {
    flags = parseInitFlags(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
  if (flags === 'help') {
    io.stdout(`${INIT_USAGE}\n`);
    return EXIT_OK;
  }
  const configPath = resolve(io.cwd, flags.config ?? DEFAULT_CONFIG_FILE);
  const input = io.stdin !== undefined && !flags.yes ? new LineInput(io.stdin, io.signal) : undefined;
  const p = new Prompter(io, input, input !== undefined);
  try {
    await refuseExisting(configPath, [], flags.force);
    return await runInit(p, flags, io, input, configPath);
  } catch (err) {
    // Once Ctrl-C was pressed, whatever stopped the step under way (a request cut short) is the Ctrl-C.
    if (err instanceof InterruptedError || io.signal?.aborted === true) {
      io.stderr('\nfollowback: init stopped: nothing was written\n');
      return EXIT_INTERRUPTED;
    }
    if (err instanceof UsageError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (err instanceof AnswerError) {
      io.stderr(`followback: ${err.message}\nNothing was written.\n`);
      return EXIT_BAD_INPUT;
    }
    if (err instanceof InstanceError) {
      io.stderr(`followback: ${err.message}\nNothing was written.\n`);
      return EXIT_RUN_FAILED;
    }
    if (err instanceof SetupFailure) {
      io.stderr(`followback: ${err.message}\nNothing was written.\n`);
      return err.exitCode;
    }
    if (err instanceof InputEndedError) {
      io.stderr('followback: standard input ended before every question was answered; nothing was written\n');
      return EXIT_BAD_INPUT;
    }
    throw err;
  } finally {
    input?.close();
  }
}

async function askReport(p: Prompter, flags: InitFlags): Promise<{ recipient: string; sender: string }> {
  if (p.interactive) p.say('\nThe report');
  const recipient = await p.ask({ flag: '--recipient', given: flags.recipient, text: 'Send the report to (your email)', parse: parseEmail });
  const sender = await p.ask({ flag: '--sender', given: flags.sender, text: 'From address', fallback: recipient, parse: parseEmail });
  return { recipient, sender };
}

async function runInit(p: Prompter, flags: InitFlags, io: CliIo, input: LineInput | undefined, configPath: string): Promise<number> {
  const rel = relative(io.cwd, configPath) || configPath;
  if (p.interactive) {
    p.say(`followback init: a few questions, then ${rel} is written. Nothing is written until the end; Ctrl-C stops at any time.`);
  }
  const networks = await chooseNetworks(p, flags);
  // Unattended, every flag is checked before any network is contacted.
  const early = p.interactive ? undefined : await askReport(p, flags);
  const mastodon = networks.includes('mastodon') ? await setupMastodon(p, flags, io, input, dirname(configPath)) : undefined;
  const bluesky = networks.includes('bluesky') ? await setupBluesky(p, flags, io) : undefined;
  const exportNetworks = networks.filter(isExportNetwork);
  if (exportNetworks.length > 0) p.say(`\nExports: ${exportNetworks.map((n) => exportsFolder(n)).join(', ')} will be made for your downloads.`);

  const { recipient, sender } = early ?? (await askReport(p, flags));
  const sesIdentity = await askSesIdentity(p, flags, sender);
  const profileId = flags.profile ?? profileIdFrom(mastodon?.account.username ?? bluesky?.handle.split('.')[0]);

  const secrets: { file: string; value: string }[] = [];
  const sources: NonNullable<ConfigInput['profiles'][number]['sources']> = [];
  if (mastodon !== undefined) {
    secrets.push({ file: 'secrets/mastodon-token', value: mastodon.token });
    sources.push({ type: 'mastodon', id: 'mastodon', instanceUrl: mastodon.instanceUrl, accessToken: { file: 'secrets/mastodon-token', secretName: `followback/${profileId}/mastodon` } });
  }
  if (bluesky !== undefined) {
    secrets.push({ file: 'secrets/bluesky-app-password', value: bluesky.appPassword });
    sources.push({
      type: 'bluesky',
      id: 'bluesky',
      ...(bluesky.serviceUrl !== DEFAULT_BLUESKY_SERVICE ? { serviceUrl: bluesky.serviceUrl } : {}),
      handle: bluesky.handle,
      appPassword: { file: 'secrets/bluesky-app-password', secretName: `followback/${profileId}/bluesky` },
    });
  }
  for (const n of exportNetworks) sources.push({ type: n, id: n, exports: exportsFolder(n) });
  const config: ConfigInput = {
    profiles: [{ id: profileId, sources, report: { recipients: [recipient], sender, locale: flags.locale } }],
    ...(sesIdentity !== undefined ? { deploy: { sesIdentity } } : {}),
  };
  try {
    parseConfig(config, configPath);
  } catch (err) {
    if (err instanceof ConfigError) throw new SetupFailure(`the config init built is not valid (a bug; please report it): ${err.message}`, EXIT_RUN_FAILED);
    throw err;
  }

  p.say(`\nReady to write ${rel}: profile "${profileId}", sources ${sources.map((s) => s.id).join(', ')}, report to ${recipient}.`);
  if (secrets.length > 0) p.say(`Tokens go to ${secrets.map((s) => s.file).join(', ')} (readable by you only).`);
  if (!(await p.confirm('Write it?', true))) {
    p.say('Nothing was written.');
    return EXIT_OK;
  }
  await writeSetup({ configPath, config, secrets, folders: exportNetworks.map(exportsFolder), force: flags.force }, io.signal);
  const dir = dirname(configPath);
  if (mastodon !== undefined) await clearPendingApp(dir);

  const configFlag = flags.config !== undefined ? ` --config ${flags.config}` : '';
  p.say(`\nWrote ${rel}${secrets.length > 0 ? ` and ${secrets.map((s) => relative(io.cwd, resolve(dir, s.file))).join(', ')}` : ''}.`);
  if (exportNetworks.length > 0) {
    p.say('\nYour exports (the first report can come before them; these networks join once an export is in):');
    for (const n of exportNetworks) p.say(exportSteps(n, flags.locale));
  }
  p.say(
    [
      '\nNext:',
      `  followback validate${configFlag}          # check the config`,
      `  followback run --dry-run${configFlag}     # a preview of the report in outbox/: nothing stored or sent`,
      `  followback run${configFlag}               # the report in outbox/ (open the .html); the history is kept for next time`,
      ...(sesIdentity !== undefined ? [`  followback deploy --dry-run${configFlag}  # what deploying to AWS would do (from ${sesIdentity}; see docs/deploying-and-costs.md)`] : []),
      ...(secrets.length > 0 ? [`Deploying to AWS later: after followback deploy, put each token in Secrets Manager, e.g. followback secrets set ${mastodon ? 'mastodon' : 'bluesky'}${configFlag} < ${relative(io.cwd, resolve(dir, secrets[0]?.file ?? ''))}`] : []),
    ].join('\n'),
  );
  return EXIT_OK;
}
