/**
 * Writes a set of files that belong together (`<stem>.html`, `<stem>.csv`, ...)
 * all or nothing: every file is written to a temporary name first and renamed
 * only when all writes succeeded, so a crash or full disk leaves no half report.
 * An existing report is never overwritten: the stem gets `-2`, `-3`, ...
 *
 * Owner-only, whatever the umask: the files are created 0600, the folder (and
 * any missing parent) 0700, and an existing folder of ours that others can
 * read is made 0700. Folders above it are left alone.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileSetEntry {
  /** Extension with the dot: `.html`. */
  ext: string;
  content: string;
}

export interface FileSetOptions {
  /** Told (one line) when the existing folder was open to other users and has been made owner-only. */
  onNotice?: (message: string) => void;
}

const MAX_SUFFIX = 1000;
const PRIVATE = process.platform !== 'win32';

export async function writeFileSet(dir: string, baseName: string, entries: FileSetEntry[], options: FileSetOptions = {}): Promise<string[]> {
  await makeOwnerOnlyFolder(dir, options.onNotice);
  const stem = await freeStem(dir, baseName, entries.map((e) => e.ext));
  const tag = randomBytes(6).toString('hex');
  const planned = entries.map((e) => ({ ...e, tmp: join(dir, `.${stem}${e.ext}.${tag}.tmp`), final: join(dir, `${stem}${e.ext}`) }));
  const renamed: string[] = [];
  try {
    // 0600 from the start (the umask can only take bits away): never readable by others, not even for a moment.
    for (const p of planned) await writeFile(p.tmp, p.content, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
    for (const p of planned) {
      await rename(p.tmp, p.final);
      renamed.push(p.final);
    }
  } catch (err) {
    await Promise.all([...planned.map((p) => rm(p.tmp, { force: true })), ...renamed.map((f) => rm(f, { force: true }))]);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`could not write ${stem}{${entries.map((e) => e.ext).join(',')}} to ${dir}: ${reason}`, { cause: err });
  }
  return renamed;
}

/** The folder the files go into: created 0700; an existing one of ours that others can read or enter made 0700. */
async function makeOwnerOnlyFolder(dir: string, onNotice: ((message: string) => void) | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!PRIVATE) return;
  const info = await stat(dir);
  // Another user's folder (a shared drop folder, /tmp) is left as it is: the files in it are 0600 anyway.
  if ((info.mode & 0o077) === 0 || info.uid !== process.getuid?.()) return;
  await chmod(dir, 0o700);
  onNotice?.(`${dir} was open to other users (mode 0${(info.mode & 0o777).toString(8).padStart(3, '0')}); made it owner-only (0700)`);
}

/** One run per profile at a time (the run lease), so checking then renaming does not race in practice. */
async function freeStem(dir: string, baseName: string, exts: string[]): Promise<string> {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const stem = n === 1 ? baseName : `${baseName}-${n}`;
    const taken = await Promise.all(exts.map((ext) => exists(join(dir, `${stem}${ext}`))));
    if (!taken.some(Boolean)) return stem;
  }
  throw new Error(`${dir} already holds ${MAX_SUFFIX} reports named ${baseName}; clean the folder up`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
