/**
 * The exports folder of a source (its "inbox"): which exports it holds, and
 * filing a new one in it.
 *
 * Listing: every `.zip` and every folder is a candidate; several ZIPs are the
 * parts of ONE export when their names differ only by a part marker at the end
 * (`…_part_1.zip`, `…-part2.zip`, `… (1).zip`, `…_1_of_3.zip`: NETWORK-EXPORTS.md §1.5,
 * large exports come in parts), or, for Meta's names, the same account and day (see `groupKey`). A browser's duplicate download (`… (1).zip`)
 * joins its original the same way, which is harmless: the archive layer merges
 * identical entries. Hidden files (`.name`, among them files still being
 * filed) and unfinished downloads are skipped; any other file is listed as
 * ignored, so the owner learns it is not read.
 *
 * Filing: the parts are copied under a hidden temporary name and renamed into
 * place once whole (a run never reads half a copy); an existing file is never
 * overwritten: the new export gets a `.N` suffix on its name stem, the same for
 * all its parts so they stay together. Folder 0700, files 0600.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ExportInboxError, type ExportCandidate, type ExportInbox, type ExportListing, type OpenedExport } from '../../ports/export-inbox.ts';
import { isJunkPath } from './archive.ts';

// The candidate and listing shapes are the inbox port's (a bucket prefix lists the same way: s3-export-inbox.ts).
export type { ExportCandidate, ExportListing } from '../../ports/export-inbox.ts';

/** The exports folder as the export source's inbox: listed here, read in place (nothing to copy or clean). */
export class FolderExportInbox implements ExportInbox {
  constructor(
    readonly where: string,
    /** Names the network in the "is a file" message, e.g. "Instagram". */
    private readonly networkName: string,
  ) {}

  async list(): Promise<ExportListing> {
    const info = await stat(this.where).catch(() => undefined);
    if (info !== undefined && !info.isDirectory()) throw new ExportInboxError(`${this.where}: is a file, not the folder of ${this.networkName} exports`);
    return listExports(this.where);
  }

  async open(candidate: ExportCandidate): Promise<OpenedExport> {
    return { paths: candidate.paths, release: async () => {} };
  }
}

const PART_MARKER = /^(.*?)((?:\s*\(\d{1,3}\))|(?:[ _.-]part[ _-]?\d{1,3}(?:[ _-]?of[ _-]?\d{1,3})?)|(?:[ _-]\d{1,3}[ _-]?of[ _-]?\d{1,3}))$/i;
/** Names of downloads still in progress (skipped; also in a bucket prefix). */
export const UNFINISHED = /\.(crdownload|part|partial|download|tmp)$/i;

/** A ZIP's (or folder's) name as stem + part marker + extension: `a_part_2.zip` → `a`, `_part_2`, `.zip`. */
export function splitPartName(fileName: string): { stem: string; marker: string; ext: string } {
  const ext = /\.zip$/i.test(fileName) ? fileName.slice(-4) : '';
  const base = ext === '' ? fileName : fileName.slice(0, -4);
  const m = PART_MARKER.exec(base);
  if (m !== null && m[1] !== undefined && m[1] !== '' && m[2] !== undefined) return { stem: m[1], marker: m[2], ext };
  return { stem: base, marker: '', ext };
}

/** Meta's own names: `instagram-<user>-YYYY-MM-DD-<random>` (also facebook-, threads-, meta-). */
const META_NAME = /^((?:instagram|facebook|threads|meta)-.+-\d{4}-\d{2}-\d{2})-[a-z0-9]+$/i;

/**
 * Which ZIPs are one export: the same name stem without a part marker; and for Meta's names, the same
 * network, account and day whatever the random tail (each part of a large Meta export may carry its
 * own; two downloads of one day are one day's state either way, merged entry by entry).
 */
export function groupKey(fileName: string): string {
  const { stem } = splitPartName(fileName);
  const meta = META_NAME.exec(stem);
  return (meta?.[1] ?? stem).toLowerCase();
}

/** Natural order of part numbers (`part_2` before `part_10`); the unmarked original first. */
export function partOrder(a: string, b: string): number {
  const na = Number(/(\d+)\D*$/.exec(splitPartName(a).marker)?.[1] ?? '-1');
  const nb = Number(/(\d+)\D*$/.exec(splitPartName(b).marker)?.[1] ?? '-1');
  return na !== nb ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}

/** An export's name from its part names in order: the ZIP's name, or `stem.zip (N parts)`. */
export function exportName(sortedParts: readonly string[]): string {
  const first = sortedParts[0] as string;
  return sortedParts.length === 1 ? first : `${splitPartName(first).stem}${splitPartName(first).ext} (${sortedParts.length} parts)`;
}

/** The exports in a folder, grouped (see the module comment). Throws when the path exists but is no folder. */
export async function listExports(dir: string): Promise<ExportListing> {
  let items: Dirent[];
  try {
    items = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { candidates: [], ignored: [], exists: false };
    throw err;
  }
  const zips = new Map<string, string[]>();
  const candidates: ExportCandidate[] = [];
  const ignored: string[] = [];
  for (const item of items) {
    const name = item.name;
    if (name.startsWith('.') || isJunkPath(name) || UNFINISHED.test(name)) continue;
    const abs = join(dir, name);
    if (item.isDirectory()) {
      candidates.push({ name, paths: [abs], filedAtMs: (await lstat(abs)).mtimeMs });
    } else if (item.isFile() && /\.zip$/i.test(name)) {
      const key = groupKey(name);
      zips.set(key, [...(zips.get(key) ?? []), name]);
    } else {
      ignored.push(name);
    }
  }
  for (const names of zips.values()) {
    const sorted = [...names].sort(partOrder);
    const paths = sorted.map((n) => join(dir, n));
    let filedAtMs = 0;
    for (const p of paths) filedAtMs = Math.max(filedAtMs, (await stat(p)).mtimeMs);
    candidates.push({ name: exportName(sorted), paths, filedAtMs });
  }
  candidates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { candidates, ignored: ignored.sort(), exists: true };
}

// ---------------------------------------------------------------------------------------------
// Filing

export interface FiledExport {
  /** Names given to the parts in the folder. */
  readonly names: readonly string[];
  /** True when the same export (same bytes) was already there: nothing was copied. */
  readonly alreadyThere: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (!sa.isFile() || !sb.isFile() || sa.size !== sb.size) return false;
  return (await sha256(a)) === (await sha256(b));
}

/** Copies a file into a new file that is owner-only (0600) from its first byte. */
async function copyPrivately(src: string, dst: string): Promise<void> {
  await writeFile(dst, '', { mode: 0o600, flag: 'wx' });
  await copyFile(src, dst);
  await chmod(dst, 0o600);
}

/** Copies a folder recursively: folders 0700, files 0600, symbolic links and junk left out. */
async function copyFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: 0o700 });
  await chmod(to, 0o700);
  for (const item of await readdir(from, { withFileTypes: true })) {
    if (isJunkPath(item.name) || item.isSymbolicLink()) continue;
    const src = join(from, item.name);
    const dst = join(to, item.name);
    if (item.isDirectory()) await copyFolder(src, dst);
    else if (item.isFile()) await copyPrivately(src, dst);
  }
}

/**
 * Files one export (its ZIP parts, or one folder) in `dir`, creating it (0700) when missing. The names are
 * kept, parts given under different names are named `<first stem>_part_N.zip` so the folder keeps them
 * together, and a name already taken gets a `.N` suffix on its stem (never an overwrite). When every part
 * is already in the folder with the same bytes, nothing is copied.
 */
/** A part's file name split for filing: its stem, its part marker and its extension. */
export type PartName = { stem: string; marker: string; ext: string };

/**
 * The names the parts of one export are filed under: as given when they share a stem (or there is
 * one), else the first part's stem with `_part_N` markers, so a listing groups them as one export.
 */
export function plannedPartNames(given: readonly string[]): PartName[] {
  const splits = given.map(splitPartName);
  const sharedStem = splits.every((s) => s.stem.toLowerCase() === splits[0]?.stem.toLowerCase());
  return splits.map((s, i) => (given.length === 1 || sharedStem ? s : { stem: splits[0]?.stem ?? s.stem, marker: `_part_${i + 1}`, ext: s.ext === '' ? '.zip' : s.ext }));
}

/** A planned name with the `.N` that keeps it apart from a name already taken (0: none). */
export function nameWith(p: PartName, n: number): string {
  return `${p.stem}${n === 0 ? '' : `.${n}`}${p.marker}${p.ext}`;
}

export async function fileExport(dir: string, parts: readonly string[]): Promise<FiledExport> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const folderInfo = await stat(dir);
  if (!folderInfo.isDirectory()) throw new Error(`${dir} is not a folder`);

  const given = parts.map((p) => basename(p));
  const planned = plannedPartNames(given);

  // The same export already filed under these names: nothing to do.
  const firstNames = planned.map((p) => nameWith(p, 0));
  let allSame = true;
  for (let i = 0; i < parts.length && allSame; i++) {
    const target = join(dir, firstNames[i] as string);
    allSame = (await exists(target)) && (await sameFile(parts[i] as string, target).catch(() => false));
  }
  if (allSame) return { names: firstNames, alreadyThere: true };

  let n = 0;
  for (;;) {
    const names = planned.map((p) => nameWith(p, n));
    const taken = await Promise.all(names.map((name) => exists(join(dir, name))));
    if (!taken.some(Boolean)) break;
    n += 1;
  }
  const names = planned.map((p) => nameWith(p, n));

  // Copy under hidden names, then rename into place: a run never lists half a copy.
  const temps: string[] = [];
  const placed: string[] = [];
  try {
    for (let i = 0; i < parts.length; i++) {
      const src = parts[i] as string;
      const temp = join(dir, `.importing-${randomBytes(6).toString('hex')}-${names[i] as string}`);
      temps.push(temp);
      if ((await stat(src)).isDirectory()) await copyFolder(src, temp);
      else await copyPrivately(src, temp);
    }
    for (let i = 0; i < parts.length; i++) {
      const target = join(dir, names[i] as string);
      if (await exists(target)) throw new Error(`${names[i] as string} appeared in ${dir} while filing; try again`);
      await rename(temps[i] as string, target);
      placed.push(target);
    }
  } catch (err) {
    await Promise.all([...temps, ...placed].map((p) => rm(p, { recursive: true, force: true })));
    throw err;
  }
  return { names, alreadyThere: false };
}
