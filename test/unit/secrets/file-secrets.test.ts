/** A `file` secret reference: read only when the owner alone can read it, written back atomically 0600. */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretRef } from '../../../shared/config/schema.ts';
import { EnvSecretResolver } from '../../../shared/secrets/env-secrets.ts';
import { readSecretFile, writeSecretFile } from '../../../shared/secrets/file-secrets.ts';
import { FileSecretWriter } from '../../../shared/secrets/secret-writer.ts';
import { SecretsManagerSecretWriter } from '../../../shared/secrets/secrets-manager-writer.ts';

const TOKEN = 'IGQVJ-secret-token-value';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followback-secrets-'));
  await mkdir(join(dir, 'secrets'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function putFile(name: string, content: string, mode: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, { mode });
  await chmod(path, mode);
  return path;
}

describe('the file reference in the config', () => {
  it('is a third kind of secret reference, alone or beside env and secretName', () => {
    expect(SecretRef.parse({ file: 'secrets/instagram-token' })).toEqual({ file: 'secrets/instagram-token' });
    expect(SecretRef.parse({ file: 'secrets/ig', secretName: 'followback/ada/instagram' })).toEqual({ file: 'secrets/ig', secretName: 'followback/ada/instagram' });
    expect(SecretRef.safeParse({ file: '' }).success).toBe(false);
    expect(SecretRef.safeParse({ file: 'a\nb' }).success).toBe(false);
    expect(SecretRef.safeParse({}).success).toBe(false);
  });
});

describe('reading a file secret', () => {
  it('reads the file relative to the config folder, trimmed', async () => {
    await putFile('secrets/instagram-token', `  ${TOKEN}\n`, 0o600);
    const resolver = new EnvSecretResolver({}, { configDir: dir });
    await expect(resolver.resolve({ file: 'secrets/instagram-token' })).resolves.toBe(TOKEN);
  });

  it('prefers the file to the variable when a reference has both (the file is where a refresh goes)', async () => {
    await putFile('secrets/ig', TOKEN, 0o600);
    const resolver = new EnvSecretResolver({ IG_TOKEN: 'from-env' }, { configDir: dir });
    await expect(resolver.resolve({ env: 'IG_TOKEN', file: 'secrets/ig' })).resolves.toBe(TOKEN);
  });

  it('refuses a file other users can read, naming the path and the chmod, never the content', async () => {
    const path = await putFile('secrets/ig', TOKEN, 0o644);
    const failure = readSecretFile(path);
    await expect(failure).rejects.toThrow(`the secret file ${path} is readable by other users (mode 0644): run chmod 600 ${path}`);
    await expect(readSecretFile(path).catch((e: Error) => e.message)).resolves.not.toContain(TOKEN);
    await chmod(path, 0o640);
    await expect(readSecretFile(path)).rejects.toThrow('chmod 600');
  });

  it('refuses a missing or empty file, naming it', async () => {
    const missing = join(dir, 'secrets/none');
    await expect(readSecretFile(missing)).rejects.toThrow(`the secret file ${missing} does not exist`);
    const empty = await putFile('secrets/empty', ' \n', 0o600);
    await expect(readSecretFile(empty)).rejects.toThrow(`the secret file ${empty} is empty`);
    await expect(readSecretFile(join(dir, 'secrets'))).rejects.toThrow('is not a regular file');
  });

  it('keeps env and Secrets Manager references working as before', async () => {
    const resolver = new EnvSecretResolver({ IG_TOKEN: ` ${TOKEN} ` }, { configDir: dir });
    await expect(resolver.resolve({ env: 'IG_TOKEN' })).resolves.toBe(TOKEN);
    await expect(resolver.resolve({ env: 'NOT_SET' })).rejects.toThrow('environment variable NOT_SET is not set');
    await expect(resolver.resolve({ secretName: 'followback/ada/instagram' })).rejects.toThrow('is a Secrets Manager reference');
    // A command that does not know the config folder falls back to the variable, or says why it cannot.
    await expect(new EnvSecretResolver({ IG_TOKEN: TOKEN }).resolve({ env: 'IG_TOKEN', file: 'secrets/ig' })).resolves.toBe(TOKEN);
    await expect(new EnvSecretResolver({}).resolve({ file: 'secrets/ig' })).rejects.toThrow('does not know the config file');
  });
});

describe('writing a file secret back', () => {
  it('replaces the file atomically with a 0600 file, leaving no temporary file behind', async () => {
    const path = await putFile('secrets/ig', 'old-token\n', 0o600);
    await writeSecretFile(path, 'new-token');
    expect(await readFile(path, 'utf8')).toBe('new-token\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'secrets'))).toEqual(['ig']);
    await expect(readSecretFile(path)).resolves.toBe('new-token');
  });

  it('keeps the old value, and no temporary file, when the new one cannot be put in place', async () => {
    // A folder where the file should be: the rename fails whoever runs the test (root included).
    const blocked = join(dir, 'secrets/blocked');
    await mkdir(blocked);
    await writeFile(join(blocked, 'keep'), 'x');
    await expect(writeSecretFile(blocked, 'new-token')).rejects.toThrow(`cannot write the secret file ${blocked}`);
    expect(await readdir(join(dir, 'secrets'))).toEqual(['blocked']);

    const path = await putFile('secrets/ig', 'old-token\n', 0o600);
    await expect(writeSecretFile(path, 'two\nlines')).rejects.toThrow('multi-line');
    expect(await readFile(path, 'utf8')).toBe('old-token\n');
  });

  it('writes file references; says why an env reference cannot be written', async () => {
    const writer = new FileSecretWriter({ configDir: dir });
    expect(writer.target({ file: 'secrets/ig', env: 'IG_TOKEN' })).toEqual({ writable: true, where: `the file ${join(dir, 'secrets/ig')}` });
    expect(writer.target({ env: 'IG_TOKEN' })).toEqual({
      writable: false,
      reason: 'the token is read from $IG_TOKEN, which followback cannot update: use a file or Secrets Manager reference so it is refreshed',
    });
    await expect(writer.write({ env: 'IG_TOKEN' }, 'x')).rejects.toThrow('$IG_TOKEN, which followback cannot update');
    expect(writer.target({ secretName: 'followback/ada/ig' }).writable).toBe(false);

    await putFile('secrets/ig', 'old\n', 0o600);
    await writer.write({ file: 'secrets/ig' }, 'fresh');
    expect(await readFile(join(dir, 'secrets/ig'), 'utf8')).toBe('fresh\n');
  });

  it('deployed, writes only references with a secretName', () => {
    const writer = new SecretsManagerSecretWriter({ client: { send: () => Promise.reject(new Error('not called')) } });
    expect(writer.target({ env: 'IG_TOKEN', secretName: 'followback/ada/instagram' })).toEqual({ writable: true, where: 'the Secrets Manager secret "followback/ada/instagram"' });
    expect(writer.target({ env: 'IG_TOKEN' }).writable).toBe(false);
  });
});
