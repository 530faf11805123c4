/**
 * `followback secrets set SOURCE` (deployed tokens): the value read from standard input goes to
 * Secrets Manager with PutSecretValue on the source's `secretName`, and nowhere else: not in the
 * output, not in an error. Secrets Manager is a fake behind the writer's one-call interface.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { PutSecretValueCommand, type PutSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { findSecretName, secretsCommand } from '../../../functions/commands/secrets.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';

const TOKEN = 'tok-9f8e7d6c5b4a';

const CONFIG = {
  profiles: [
    {
      id: 'ada',
      sources: [
        { type: 'mastodon', instanceUrl: 'https://social.example', accessToken: { file: 'secrets/mastodon-token', secretName: 'followback/ada/mastodon' } },
        { type: 'bluesky', handle: 'ada.bsky.social', appPassword: { env: 'BLUESKY_APP_PASSWORD' } },
        { type: 'x', exports: 'exports/x', api: { accessToken: { secretName: 'followback/ada/x' }, refreshToken: { secretName: 'followback/ada/x-refresh' }, clientId: 'cid' } },
        { type: 'instagram', exports: 'exports/instagram' },
      ],
      report: { recipients: ['ada@example.com'], sender: 'ada@example.com' },
    },
  ],
};

class FakeSecretsManager {
  readonly puts: { SecretId?: string; SecretString?: string }[] = [];
  constructor(private readonly failWith?: string) {}
  async send(command: PutSecretValueCommand): Promise<PutSecretValueCommandOutput> {
    if (this.failWith !== undefined) throw Object.assign(new Error(`denied for ${command.input.SecretString ?? ''}`), { name: this.failWith });
    this.puts.push({ ...(command.input.SecretId !== undefined ? { SecretId: command.input.SecretId } : {}), ...(command.input.SecretString !== undefined ? { SecretString: command.input.SecretString } : {}) });
    return { $metadata: {} };
  }
}

async function run(argv: string[], stdinText: string | undefined, fake: FakeSecretsManager, tty?: boolean[]): Promise<{ code: number; out: string; regions: (string | undefined)[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-secrets-'));
  await writeFile(join(dir, 'followback.config.json'), JSON.stringify(CONFIG));
  let out = '';
  const regions: (string | undefined)[] = [];
  let stdin: CliIo['stdin'];
  if (stdinText !== undefined) {
    const stream = Object.assign(new PassThrough(), tty ? { isTTY: true, setRawMode: (raw: boolean) => tty.push(raw) } : {});
    if (tty) stream.write(stdinText);
    else stream.end(stdinText);
    stdin = stream;
  }
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, cwd: dir, isTty: false, ...(stdin ? { stdin } : {}) };
  const code = await secretsCommand(argv, io, {
    client: (region) => {
      regions.push(region);
      return fake;
    },
  });
  return { code, out, regions };
}

describe('followback secrets set', () => {
  it('puts the piped value in the source\'s secret, and says where, never what', async () => {
    const fake = new FakeSecretsManager();
    const r = await run(['set', 'mastodon', '--region', 'eu-west-1'], `  ${TOKEN}\n`, fake);
    expect(r.code).toBe(0);
    expect(fake.puts).toEqual([{ SecretId: 'followback/ada/mastodon', SecretString: TOKEN }]);
    expect(r.regions).toEqual(['eu-west-1']);
    expect(r.out).toContain('Stored in the Secrets Manager secret "followback/ada/mastodon"');
    expect(r.out).not.toContain(TOKEN);
  });

  it('typed on a terminal: raw mode, nothing echoed', async () => {
    const fake = new FakeSecretsManager();
    const raw: boolean[] = [];
    const r = await run(['set', 'mastodon'], `${TOKEN}\r`, fake, raw);
    expect(r.code).toBe(0);
    expect(raw).toEqual([true, false]);
    expect(fake.puts[0]?.SecretString).toBe(TOKEN);
    expect(r.out).not.toContain(TOKEN);
  });

  it('a source with two secrets needs --which', async () => {
    const fake = new FakeSecretsManager();
    const r = await run(['set', 'x'], TOKEN, fake);
    expect(r.code).toBe(2);
    expect(r.out).toContain('several secrets (accessToken, refreshToken): pass --which NAME');
    const ok = await run(['set', 'x', '--which', 'refreshToken'], TOKEN, fake);
    expect(ok.code).toBe(0);
    expect(fake.puts).toEqual([{ SecretId: 'followback/ada/x-refresh', SecretString: TOKEN }]);
  });

  it.each([
    [['set', 'bluesky'], 'has no "secretName" in the config: add "secretName": "followback/ada/bluesky"'],
    [['set', 'instagram'], 'has no token in the config'],
    [['set', 'threads'], 'no source "threads" in the config; its sources: mastodon, bluesky, x, instagram'],
    [['set', 'mastodon', '--profile', 'bob'], 'unknown profile "bob"'],
    [['get', 'mastodon'], 'unknown action "get"'],
    [['set'], 'name the source'],
    [['set', 'mastodon', '--which', 'password'], '--which is accessToken, appPassword or refreshToken'],
  ])('%j is bad input, nothing stored', async (argv, message) => {
    const fake = new FakeSecretsManager();
    const r = await run(argv, TOKEN, fake);
    expect(r.code).toBe(2);
    expect(r.out).toContain(message);
    expect(fake.puts).toEqual([]);
  });

  it('an empty or multi-line value, or no standard input: exit 2, nothing stored', async () => {
    const fake = new FakeSecretsManager();
    expect((await run(['set', 'mastodon'], '  \n', fake)).out).toContain('the value is empty');
    expect((await run(['set', 'mastodon'], 'a\nb\n', fake)).out).toContain('the value must be one line');
    expect((await run(['set', 'mastodon'], undefined, fake)).code).toBe(2);
    expect(fake.puts).toEqual([]);
  });

  it('Secrets Manager refusing: exit 1 with what to do, the value nowhere', async () => {
    const denied = await run(['set', 'mastodon'], TOKEN, new FakeSecretsManager('AccessDeniedException'));
    expect(denied.code).toBe(1);
    expect(denied.out).toContain('not allowed to write secret "followback/ada/mastodon"');
    const missing = await run(['set', 'mastodon'], TOKEN, new FakeSecretsManager('ResourceNotFoundException'));
    expect(missing.out).toContain('deploy the stack (it creates the secret)');
    expect(denied.out + missing.out).not.toContain(TOKEN);
  });

  it('an SDK failure with no name of its own says what the SDK said, and what to do', async () => {
    class NoRegion extends FakeSecretsManager {
      override async send(): Promise<PutSecretValueCommandOutput> {
        throw new Error('Region is missing');
      }
    }
    const r = await run(['set', 'mastodon'], TOKEN, new NoRegion());
    expect(r.code).toBe(1);
    expect(r.out).toContain('cannot write secret "followback/ada/mastodon" (Error): Region is missing (pass --region, or set AWS_REGION)');
  });

  it('--help', async () => {
    const r = await run(['--help'], undefined, new FakeSecretsManager());
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: followback secrets set SOURCE');
  });
});

describe('which secret a source names', () => {
  const config = parseConfig(CONFIG, 'test');
  it('by source id, and by --which', () => {
    expect(findSecretName(config, 'mastodon')).toBe('followback/ada/mastodon');
    expect(findSecretName(config, 'x', 'ada', 'accessToken')).toBe('followback/ada/x');
  });
});
