/**
 * Writes a set of files that belong together (`<stem>.html`, `<stem>.csv`, ...)
 * all or nothing: every file is written to a temporary name first and renamed
 * only when all writes succeeded, so a crash or full disk leaves no half report.
 * An existing report is never overwritten: the stem gets `-2`, `-3`, ...
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileSetEntry {
  /** Extension with the dot: `.html`. */
  ext: string;
  content: string;
}

const MAX_SUFFIX = 1000;

export async function writeFileSet(dir: string, baseName: string, entries: FileSetEntry[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const stem = await freeStem(dir, baseName, entries.map((e) => e.ext));
  const tag = randomBytes(6).toString('hex');
  const planned = entries.map((e) => ({ ...e, tmp: join(dir, `.${stem}${e.ext}.${tag}.tmp`), final: join(dir, `${stem}${e.ext}`) }));
  const renamed: string[] = [];
  try {
    for (const p of planned) await writeFile(p.tmp, p.content, { encoding: 'utf8', flag: 'wx' });
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
