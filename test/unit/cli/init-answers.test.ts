/**
 * The answers of `followback init`, one by one: what each question accepts, how a bad answer is
 * explained, and how standard input is read (lines; secrets in raw mode on a terminal).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../../../functions/commands/cli-io.ts';
import { parseCode, parseEmail, parseInitFlags, profileIdFrom } from '../../../functions/commands/init.ts';
import { looksUnlikeAppPassword, parseAppPassword, parseHandle } from '../../../functions/commands/init/bluesky-setup.ts';
import { exportSteps, parseNetworks } from '../../../functions/commands/init/export-setup.ts';
import { InputEndedError, InterruptedError, LineInput } from '../../../functions/commands/init/line-input.ts';
import { authorizeUrl, parseInstanceUrl } from '../../../functions/commands/init/mastodon-setup.ts';
import { AnswerError, MAX_ATTEMPTS, Prompter } from '../../../functions/commands/init/prompter.ts';
import { messagesFor } from '../../../shared/report/i18n.ts';

describe('the Mastodon instance address', () => {
  it.each([
    ['mastodon.social', 'https://mastodon.social'],
    ['https://mastodon.social/', 'https://mastodon.social'],
    ['  https://Mastodon.Social/about  ', 'https://mastodon.social'],
    ['@ada@social.example', 'https://social.example'],
    ['ada@social.example', 'https://social.example'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('%s → %s', (text, origin) => {
    expect(parseInstanceUrl(text).origin).toBe(origin);
  });

  it.each([
    ['', 'type the address of your Mastodon instance'],
    ['http://mastodon.social', 'must start with https://'],
    ['ftp://mastodon.social', 'must start with https://'],
    ['mastodon', 'is not a web address'],
    ['https://mastodon.social/?q=1', 'just the instance'],
    ['https://user:pw@mastodon.social', 'just the instance'],
  ])('refuses %j', (text, message) => {
    expect(() => parseInstanceUrl(text)).toThrow(AnswerError);
    expect(() => parseInstanceUrl(text)).toThrow(message);
  });

  it('the authorization link asks for read access, with the registered redirect and the state', () => {
    const url = new URL(authorizeUrl(new URL('https://social.example'), { clientId: 'cid', clientSecret: 'secret', redirectUri: 'urn:ietf:wg:oauth:2.0:oob' }, 'st4te'));
    expect(url.origin + url.pathname).toBe('https://social.example/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: 'code', client_id: 'cid', redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', scope: 'read', state: 'st4te' });
    expect(url.href).not.toContain('secret');
  });
});

describe('the authorization code', () => {
  it('is taken as pasted, or out of the address the browser ended on', () => {
    expect(parseCode('  qDFUEaYrRK5c-HNmTCJbAzazwLRInJ7VHFat0wcMgCU ')).toBe('qDFUEaYrRK5c-HNmTCJbAzazwLRInJ7VHFat0wcMgCU');
    expect(parseCode('http://127.0.0.1:4567/callback?code=abc123XYZ&state=s')).toBe('abc123XYZ');
  });
  it.each(['', 'two words', 'http://127.0.0.1:4567/callback?state=s', 'ab'])('refuses %j', (text) => {
    expect(() => parseCode(text)).toThrow(AnswerError);
  });
});

describe('Bluesky answers', () => {
  it.each([
    ['ada.bsky.social', 'ada.bsky.social'],
    ['@Ada.Bsky.Social', 'ada.bsky.social'],
    ['ada', 'ada.bsky.social'],
    ['ada.example.com', 'ada.example.com'],
    ['did:plc:ewvi7nxzyoun6zhxrhs64oiz', 'did:plc:ewvi7nxzyoun6zhxrhs64oiz'],
  ])('handle %s → %s', (text, handle) => {
    expect(parseHandle(text)).toBe(handle);
  });
  it.each(['', 'ada..social', 'ada@bsky.social', '-ada.bsky.social', 'did:nope'])('refuses handle %j', (text) => {
    expect(() => parseHandle(text)).toThrow(AnswerError);
  });
  it('an app password: trimmed, never empty, never repeated in a message', () => {
    expect(parseAppPassword(' abcd-efgh-ijkl-mnop\n')).toBe('abcd-efgh-ijkl-mnop');
    expect(() => parseAppPassword('   ')).toThrow('the app password is empty');
    expect(looksUnlikeAppPassword('abcd-efgh-ijkl-mnop')).toBe(false);
    expect(looksUnlikeAppPassword('hunter2')).toBe(true);
  });
});

describe('networks, emails, profile ids', () => {
  it('networks: any order, separators and case; aliases; each once', () => {
    expect(parseNetworks('Instagram, facebook x;twitter  bsky')).toEqual(['instagram', 'facebook', 'x', 'bluesky']);
    expect(parseNetworks('none')).toEqual([]);
    expect(() => parseNetworks('instagram, myspace')).toThrow('"myspace" is not a network followback reads');
  });
  it('emails', () => {
    expect(parseEmail(' ada@example.com ')).toBe('ada@example.com');
    expect(() => parseEmail('ada@example')).toThrow(AnswerError);
  });
  it('a profile id from the account name, or "me"', () => {
    expect(profileIdFrom('Ada.Lovelace_1815')).toBe('ada-lovelace-1815');
    expect(profileIdFrom('trwnh')).toBe('trwnh');
    expect(profileIdFrom('___')).toBe('me');
    expect(profileIdFrom(undefined)).toBe('me');
    expect(profileIdFrom('x'.repeat(60))).toHaveLength(40);
  });
  it('each export network has the email reminder\'s download steps and its folder', () => {
    const text = exportSteps('linkedin');
    expect(text).toContain(messagesFor('en').exportNetworks.linkedin.steps);
    expect(text).toContain('exports/linkedin/');
    expect(exportSteps('tiktok', 'it')).toContain(messagesFor('it').exportNetworks.tiktok.steps);
  });
});

describe('the flags', () => {
  it('defaults, and every question\'s flag', () => {
    expect(parseInitFlags([])).toEqual({ force: false, yes: false, blueskyService: 'https://bsky.social', locale: 'en' });
    const f = parseInitFlags(['--yes', '--force', '--networks', 'x', '--mastodon-instance', 'm.example', '--mastodon-code', 'c0de', '--mastodon-redirect', 'loopback', '--bluesky-handle', 'a.b', '--bluesky-app-password-file', 'p.txt', '--bluesky-service', 'https://pds.example/', '--recipient', 'a@b.co', '--sender', 's@b.co', '--profile', 'ada', '--locale', 'it', '--config', 'c.json']);
    expect(f).toEqual({ config: 'c.json', force: true, yes: true, networks: 'x', mastodonInstance: 'm.example', mastodonCode: 'c0de', mastodonRedirect: 'loopback', blueskyHandle: 'a.b', blueskyAppPasswordFile: 'p.txt', blueskyService: 'https://pds.example', recipient: 'a@b.co', sender: 's@b.co', profile: 'ada', locale: 'it' });
    expect(parseInitFlags(['-h'])).toBe('help');
  });
  it.each([
    [['--bogus'], 'bogus'],
    [['--mastodon-redirect', 'web'], '--mastodon-redirect is oob or loopback'],
    [['--locale', 'fr'], '--locale is en or it'],
    [['--profile', 'Ada!'], '--profile: a slug'],
    [['--bluesky-service', 'nope'], 'is not an http(s) URL'],
    [['--config', ' '], '--config needs a value'],
  ])('%j is bad input', (argv, message) => {
    expect(() => parseInitFlags(argv)).toThrow(UsageError);
    expect(() => parseInitFlags(argv)).toThrow(message);
  });
});

function io(out: { stdout: string; stderr: string }): CliIo {
  return { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env: {}, cwd: '/', isTty: false };
}

describe('the questions', () => {
  const parse = (t: string): string => {
    if (!t.includes('@')) throw new AnswerError('not an email');
    return t;
  };

  it('unattended: the flag, else the fallback, else exit 2 naming the flag; a bad flag is exit 2 too', async () => {
    const out = { stdout: '', stderr: '' };
    const p = new Prompter(io(out), undefined, false);
    expect(await p.ask({ flag: '--recipient', given: 'a@b', text: 'Email', parse })).toBe('a@b');
    expect(await p.ask({ flag: '--sender', text: 'From', fallback: 'c@d', parse })).toBe('c@d');
    await expect(p.ask({ flag: '--recipient', text: 'Email', parse })).rejects.toThrow('--recipient is needed');
    await expect(p.ask({ flag: '--recipient', given: 'nope', text: 'Email', parse })).rejects.toThrow(new UsageError('--recipient: not an email'));
    expect(await p.confirm('Write?', true)).toBe(true);
    expect(out.stdout).toBe('');
  });

  it('interactive: a bad flag value is explained and asked; each bad answer gets another chance, up to a limit', async () => {
    const stdin = new PassThrough();
    const out = { stdout: '', stderr: '' };
    const p = new Prompter(io(out), new LineInput(stdin), true);
    stdin.write('still bad\nfinally@ok\n');
    expect(await p.ask({ flag: '--recipient', given: 'bad', text: 'Email', parse })).toBe('finally@ok');
    expect(out.stderr).toBe('--recipient: not an email\n  not an email\n');
    expect(out.stdout).toBe('Email: Email: ');

    stdin.write('x\n'.repeat(MAX_ATTEMPTS));
    await expect(p.ask({ flag: '--recipient', text: 'Email', parse })).rejects.toThrow(`${MAX_ATTEMPTS} answers, none usable`);
  });

  it('an empty answer takes the fallback', async () => {
    const stdin = new PassThrough();
    const out = { stdout: '', stderr: '' };
    const p = new Prompter(io(out), new LineInput(stdin), true);
    stdin.write('\n\n');
    expect(await p.ask({ flag: '--sender', text: 'From', fallback: 'me@x', parse })).toBe('me@x');
    expect(await p.confirm('Write it?', false)).toBe(false);
    expect(out.stdout).toBe('From [me@x]: Write it? (y/N): ');
  });
});

describe('standard input', () => {
  it('lines with CR LF or LF, and the last one without a line break', async () => {
    const stdin = new PassThrough();
    const input = new LineInput(stdin);
    stdin.end('one\r\ntwo\nthree');
    expect([await input.line(), await input.line(), await input.line()]).toEqual(['one', 'two', 'three']);
    await expect(input.line()).rejects.toThrow(InputEndedError);
  });

  it('a line that is not there yet can be given up without losing it', async () => {
    const stdin = new PassThrough();
    const input = new LineInput(stdin);
    const stop = new AbortController();
    const waiting = input.line(stop.signal);
    stop.abort(new Error('answered elsewhere'));
    await expect(waiting).rejects.toThrow('answered elsewhere');
    stdin.write('kept\n');
    expect(await input.line()).toBe('kept');
  });

  it('a secret on a terminal: raw mode on and off again, Backspace, CR; Ctrl-C and Ctrl-D', async () => {
    const calls: boolean[] = [];
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (raw: boolean) => calls.push(raw) });
    const input = new LineInput(stdin);
    stdin.write('pa');
    const secret = input.secret();
    stdin.write('sz\u007fs\r\n');
    expect(await secret).toBe('pass');
    expect(calls).toEqual([true, false]);
    stdin.write('ab\u0003');
    await expect(input.secret()).rejects.toThrow(InterruptedError);
    stdin.write('\u0004');
    await expect(input.secret()).rejects.toThrow(InputEndedError);
    expect(calls).toEqual([true, false, true, false, true, false]);
  });

  it('the Ctrl-C signal stops a question that waits', async () => {
    const stdin = new PassThrough();
    const ctrlC = new AbortController();
    const input = new LineInput(stdin, ctrlC.signal);
    const waiting = input.line();
    ctrlC.abort();
    await expect(waiting).rejects.toThrow(InterruptedError);
  });
});
