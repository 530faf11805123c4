/**
 * The end of `followback init`: the config and its secrets are written together after the last
 * question, or not at all. A Ctrl-C before that moment leaves nothing (not even a temporary file);
 * an existing config or secret file is replaced only with --force; folders are owner-only.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../functions/commands/cli-io.ts';
import { InterruptedError } from '../../../functions/commands/init/line-input.ts';
import { writeSetup } from '../../../functions/commands/init/write-setup.ts';

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
const files = (dir: string, force = false) => ({
  configPath: join(dir, 'followback.config.json'),
  config: { profiles: [] },
  secrets: [{ file: 'secrets/mastodon-token', value: 'tok-1' }],
  folders: ['exports/x'],
  force,
});

describe('writing what init learnt', () => {
  it('config, owner-only secrets and folders; the config itself owner-only too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-write-'));
    await writeSetup(files(dir));
    expect(JSON.parse(await readFile(join(dir, 'followback.config.json'), 'utf8'))).toEqual({ profiles: [] });
    expect(await readFile(join(dir, 'secrets/mastodon-token'), 'utf8')).toBe('tok-1\n');
    expect(await mode(join(dir, 'followback.config.json'))).toBe(0o600);
    expect(await mode(join(dir, 'secrets/mastodon-token'))).toBe(0o600);
    expect(await mode(join(dir, 'secrets'))).toBe(0o700);
    expect(await mode(join(dir, 'exports'))).toBe(0o700);
    expect(await mode(join(dir, 'exports/x'))).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(['exports', 'followback.config.json', 'secrets']);
  });

  it('a Ctrl-C before the end leaves nothing, not even a temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-write-'));
    const ctrlC = new AbortController();
    ctrlC.abort();
    await expect(writeSetup(files(dir), ctrlC.signal)).rejects.toThrow(InterruptedError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an existing config or secret file needs --force; an existing secrets folder is made owner-only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-write-'));
    await mkdir(join(dir, 'secrets'), { mode: 0o755 });
    await chmod(join(dir, 'secrets'), 0o755);
    await writeFile(join(dir, 'secrets/mastodon-token'), 'old\n', { mode: 0o600 });
    await expect(writeSetup(files(dir))).rejects.toThrow(UsageError);
    expect(await readFile(join(dir, 'secrets/mastodon-token'), 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['secrets']);

    await writeSetup(files(dir, true));
    expect(await readFile(join(dir, 'secrets/mastodon-token'), 'utf8')).toBe('tok-1\n');
    expect(await mode(join(dir, 'secrets'))).toBe(0o700);

    await expect(writeSetup(files(dir))).rejects.toThrow('already exists: nothing was changed');
    await writeSetup({ ...files(dir, true), config: { profiles: [1] } });
    expect(JSON.parse(await readFile(join(dir, 'followback.config.json'), 'utf8'))).toEqual({ profiles: [1] });
  });
});
