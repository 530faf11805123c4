/**
 * The end of `followback init`: everything it learnt is written at once, after the last question
 * and the last check, so a Ctrl-C (or a failed check) before that leaves nothing behind.
 *
 * The config goes to a temporary file beside it first (flushed to disk); then the secrets, each
 * replaced atomically in `secrets/` (owner-only folder, 0600 files: shared/secrets/file-secrets.ts);
 * then the config takes its name: without --force by a hard link that fails if a config appeared
 * in the meantime (never overwriting one), with --force by a rename. Should that last step fail,
 * the secret files this setup created are removed again. Export folders come last (0700).
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, open, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { secretFilePath, writeSecretFile } from '../../../shared/secrets/file-secrets.ts';
import { UsageError } from '../cli-io.ts';
import { InterruptedError } from './line-input.ts';

export interface SetupFiles {
  /** Absolute path of the config file. */
  configPath: string;
  /** The config, already validated. */
  config: unknown;
  /** Secret files, relative to the config's folder (`secrets/mastodon-token`), and their values. */
  secrets: { file: string; value: string }[];
  /** Folders to make (owner-only), relative to the config's folder. */
  folders: string[];
  /** Replace an existing config and secret files. */
  force: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Refuses to go on when the config (or a secret file) is there already and --force was not given. */
export async function refuseExisting(configPath: string, secretFiles: string[], force: boolean): Promise<void> {
  if (force) return;
  if (await exists(configPath)) throw new UsageError(`${configPath} already exists: nothing was changed. Pass --force to replace it, or --config OTHER.json to write another`);
  const dir = dirname(configPath);
  for (const file of secretFiles) {
    const path = secretFilePath(dir, file);
    if (await exists(path)) throw new UsageError(`${path} already exists: nothing was changed. Pass --force to replace it`);
  }
}

/** Writes the config, its secrets and folders; see the file's comment for the order. */
export async function writeSetup(files: SetupFiles, signal?: AbortSignal): Promise<void> {
  const dir = dirname(files.configPath);
  await mkdir(dir, { recursive: true });
  await refuseExisting(files.configPath, files.secrets.map((s) => s.file), files.force);

  const temp = join(dir, `.${basename(files.configPath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(files.config, null, 2)}\n`, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  // The last moment a Ctrl-C is heeded: from here on the few writes left go through.
  if (signal?.aborted) {
    await unlink(temp).catch(() => undefined);
    throw new InterruptedError();
  }

  const created: string[] = [];
  const madeFolders: string[] = [];
  try {
    for (const secret of files.secrets) {
      const path = secretFilePath(dir, secret.file);
      const folder = dirname(path);
      if (!(await exists(folder))) {
        await mkdir(folder, { recursive: true, mode: 0o700 });
        madeFolders.push(folder);
      }
      // Owner-only whether made now or already there: it holds tokens.
      await chmod(folder, 0o700);
      const existed = await exists(path);
      await writeSecretFile(path, secret.value);
      if (!existed) created.push(path);
    }
    if (files.force) {
      await rename(temp, files.configPath);
    } else {
      try {
        await link(temp, files.configPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${files.configPath} appeared while init ran: nothing was changed. Pass --force to replace it`);
        throw err;
      }
      await unlink(temp).catch(() => undefined);
    }
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    for (const path of created) await unlink(path).catch(() => undefined);
    for (const folder of madeFolders.reverse()) await rmdir(folder).catch(() => undefined);
    throw err;
  }

  for (const folder of files.folders) {
    const path = resolve(dir, folder);
    await mkdir(path, { recursive: true, mode: 0o700 });
    await chmod(path, 0o700);
  }
}
