/**
 * Drives `followback init` in-process, as a person at a terminal (answers written to a scripted
 * standard input as each question appears) or unattended (flags only, no standard input).
 */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { initCommand } from '../../../functions/commands/init.ts';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { FakeBlueskyServer, type BlueskyWorld } from '../../helpers/bluesky-server.ts';
import { owner } from '../sources/mastodon/world.ts';

/**
 * An answer typed at a question; a function gets what was printed so far (to read a link, say),
 * and returns null to type nothing (the answer comes another way, such as the browser).
 */
export type Answer = string | ((stdout: string) => string | null | Promise<string | null>);

export interface InitRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The questions asked, in order. */
  prompts: string[];
}

export interface DriveOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Typed one per question; when they run out, standard input ends. Absent: no standard input. */
  answers?: Answer[];
  /** Standard input plays a terminal (raw mode for secrets): `setRawMode` calls are recorded here. */
  tty?: boolean[];
  signal?: AbortSignal;
  /** Sees every piece of output as it is printed (to follow a link, to press Ctrl-C). */
  onOutput?: (text: string, stdout: string) => void;
}

export async function runInit(argv: string[], options: DriveOptions): Promise<InitRun> {
  let stdout = '';
  let stderr = '';
  const prompts: string[] = [];
  const answers = [...(options.answers ?? [])];
  let stdin: (PassThrough & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }) | undefined;
  if (options.answers !== undefined) {
    stdin = new PassThrough();
    if (options.tty !== undefined) {
      const calls = options.tty;
      stdin.isTTY = true;
      stdin.setRawMode = (raw: boolean) => calls.push(raw);
    }
  }
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
      options.onOutput?.(text, stdout);
      if (stdin === undefined || !text.endsWith(': ')) return;
      prompts.push(text);
      const next = answers.shift();
      if (next === undefined) {
        stdin.end();
        return;
      }
      const seen = stdout;
      void Promise.resolve(typeof next === 'function' ? next(seen) : next).then((line) => {
        if (line !== null) stdin?.write(`${line}\n`);
      });
    },
    stderr: (text) => {
      stderr += text;
      options.onOutput?.(text, stdout);
    },
    env: options.env ?? {},
    cwd: options.cwd,
    isTty: false,
    ...(stdin !== undefined ? { stdin } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const code = await initCommand(argv, io);
  return { code, stdout, stderr, prompts };
}

/** The authorization link init printed. */
export function authorizeLink(stdout: string): string {
  const links = stdout.match(/https?:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+/g);
  const last = links?.at(-1);
  if (last === undefined) throw new Error(`no authorization link in:\n${stdout}`);
  return last;
}

/** The owner opens the link and presses Authorize; the code the page shows (urn:ietf:wg:oauth:2.0:oob). */
export async function codeFromPage(stdout: string): Promise<string> {
  const res = await fetch(authorizeLink(stdout), { redirect: 'manual' });
  const html = await res.text();
  const code = /class="oauth-code" readonly type="text" value="([^"]+)"/.exec(html)?.[1];
  if (code === undefined) throw new Error(`no code on the page (HTTP ${res.status}): ${html}`);
  return code;
}

export const MASTODON_TOKEN = 'the-servers-own-token';

export async function mastodonServer(options: { refuseApps?: { status: number; body: Record<string, unknown> } } = {}): Promise<MastodonServer> {
  return startMastodonServer({
    token: MASTODON_TOKEN,
    world: { me: owner(), followers: [], following: [], notifications: [], statuses: [], favourites: [] },
    domain: 'social.example',
    ...options,
  });
}

export const BLUESKY_HANDLE = 'ada.test';
export const APP_PASSWORD = 'abcd-efgh-ijkl-mnop';

export function blueskyWorld(): BlueskyWorld {
  return {
    account: { did: 'did:plc:ada1234567890abcdefghij', handle: BLUESKY_HANDLE, password: APP_PASSWORD },
    profiles: new Map(),
    followers: [],
    follows: [],
    notifications: [],
    records: new Map(),
  };
}

export async function blueskyServer(): Promise<FakeBlueskyServer> {
  return FakeBlueskyServer.start({ world: blueskyWorld() });
}
