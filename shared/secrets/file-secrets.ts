/**
 * Secrets kept in files on the owner's machine: `{ "file": "secrets/instagram-token" }`, relative
 * to the config file's folder. The one local kind followback can write a refreshed token back to.
 *
 * A file is read only when its owner alone can read it (no group or other permission bits: the
 * check ssh makes of a private key), and is replaced atomically: the new value goes to a temporary
 * file in the same folder, created 0600, flushed to disk, then renamed over the old one, so a
 * crash leaves either the old token or the new one, never half of one.
 *
 * Messages name the path, never the content.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Where a `file` reference points: relative paths are relative to the config file's folder. */
export function secretFilePath(configDir: string, file: string): string {
  return resolve(configDir, file);
}

/** Reads and trims a secret file; refuses one that is missing, empty, not a file, or open to group/others. */
export async function readSecretFile(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') throw new Error(`the secret file ${path} does not exist: put the token in it, then run chmod 600 ${path}`);
    if (codeOf(err) === 'EACCES') throw new Error(`the secret file ${path} cannot be read (permission denied): it must belong to the user running followback`);
    throw new Error(`cannot read the secret file ${path} (${codeOf(err) ?? 'unknown error'})`);
  }
  if (!info.isFile()) throw new Error(`the secret file ${path} is not a regular file`);
  // Group or others may read (or write) it: a token there is not the owner's alone.
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`the secret file ${path} is readable by other users (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}): run chmod 600 ${path}`);
  }
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      text = await handle.readFile({ encoding: 'utf8' });
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new Error(`cannot read the secret file ${path} (${codeOf(err) ?? 'unknown error'})`);
  }
  const value = text.trim();
  if (value === '') throw new Error(`the secret file ${path} is empty: put the token in it`);
  return value;
}

/**
 * Replaces the secret file's content with `value` atomically: a temporary file beside it (same
 * folder, so the rename stays on one file system), mode 0600 from its creation, fsynced, renamed
 * over the old file, and the folder fsynced so the rename itself survives a power cut.
 */
export async function writeSecretFile(path: string, value: string): Promise<void> {
  if (value.trim() === '' || /[\r\n]/.test(value.trim())) throw new Error(`refusing to write an empty or multi-line value to the secret file ${path}`);
  const folder = dirname(path);
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // 'wx': never follows or reuses an existing file; the mode applies at creation (umask can only remove bits).
    handle = await open(temp, 'wx', 0o600);
    await handle.chmod(0o600);
    await handle.writeFile(`${value.trim()}\n`, { encoding: 'utf8' });
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw new Error(`cannot write the secret file ${path} (${codeOf(err) ?? 'unknown error'}); the old value is still there`);
  }
  await syncFolder(folder);
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory (EINVAL/EISDIR): the rename is done, only its durability is less certain.
  }
}

function codeOf(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
