/**
 * What every network's parser does the same way: finding its entries (Mac
 * junk left out), reading a JSON entry, the export's date from its own name,
 * unix-seconds dates, and the schema check of the finished snapshot. What
 * differs between networks (which files, which shapes, which date forms)
 * stays in each parser.
 */
import { findAll, type OpenedExport } from './archive.ts';
import { ExportError, ExportSnapshot, type ExportFiles, type ExportList } from './export-types.ts';

/** What a Mac's archiver adds beside the export's own entries: `__MACOSX/`, AppleDouble `._name`. */
const MAC_JUNK = /(^|\/)__macosx\/|(^|\/)\._/i;

export const isMacJunk = (path: string): boolean => MAC_JUNK.test(path);

/** The entries matching `pattern` (archive.ts's `findAll`: case-insensitive, natural part order), Mac junk left out. */
export function findEntries(files: ExportFiles, pattern: RegExp): string[] {
  return findAll(files, pattern).filter((p) => !isMacJunk(p));
}

/**
 * One entry parsed as JSON (a leading BOM tolerated); invalid JSON is an ExportError
 * naming the file and ending with `advice` (what the owner should do).
 */
export async function readJsonEntry(files: ExportFiles, path: string, advice: string): Promise<unknown> {
  const text = await files.readText(path);
  try {
    return JSON.parse(text.replace(/^\uFEFF/u, '')) as unknown;
  } catch (err) {
    throw new ExportError(`${files.label}: ${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); ${advice}`);
  }
}

/** The archive layer's opened export (`OpenedExport`) carries its wrapper folder(s); a plain ExportFiles has none. */
export function wrapperOf(files: ExportFiles): string | undefined {
  const wrapper: unknown = (files as Partial<Pick<OpenedExport, 'wrapper'>> & ExportFiles).wrapper;
  return typeof wrapper === 'string' && wrapper !== '' ? wrapper : undefined;
}

/** The day (00:00 UTC, ms) a name carries as `YYYY-MM-DD`, e.g. `facebook-user-2026-11-02-AbCd`; none for an impossible day. */
export function dateInName(name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const m = /(?:^|\D)((?:19|20)\d\d)-(\d\d)-(\d\d)(?:\D|$)/.exec(name);
  if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(ms);
  return check.getUTCMonth() === Number(m[2]) - 1 && check.getUTCDate() === Number(m[3]) ? ms : undefined;
}

/**
 * The later of the dates in the export's wrapper folder and in its label (the ZIP or folder the owner gave),
 * read by `read` (a network whose names carry another date form passes its own); undefined when neither has one.
 */
export function dateInExportName(files: ExportFiles, read: (name: string | undefined) => number | undefined = dateInName): number | undefined {
  return latest(read(wrapperOf(files)), read(files.label));
}

/** The latest of some instants (ms); undefined when none is known. */
export function latest(...instants: readonly (number | undefined)[]): number | undefined {
  return instants.reduce<number | undefined>((a, b) => (b === undefined ? a : Math.max(a ?? 0, b)), undefined);
}

/** The newest `since` of a list's ties (ms), if any is dated. */
export function newestTie(list: ExportList | null): number | undefined {
  // A loop, not `latest(...ties)`: a list of a few hundred thousand would overflow the call's arguments.
  let newest: number | undefined;
  for (const tie of list?.ties ?? []) if (tie.since !== undefined) newest = Math.max(newest ?? 0, Date.parse(tie.since));
  return newest;
}

/** Unix seconds -> ISO instant; nothing for a missing, zero or absurd value. */
export function fromUnixSeconds(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  // Seconds as written; a value in milliseconds (13 digits) is read as such rather than as the year 50000.
  const ms = seconds > 1e11 ? seconds : seconds * 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The snapshot checked against its schema. A failure is the parser's bug, reported as an ExportError
 * on the export (`what`: how the network calls it, "export" or "archive") rather than a bare ZodError.
 */
export function checkedSnapshot(label: string, snapshot: ExportSnapshot, what = 'export'): ExportSnapshot {
  const result = ExportSnapshot.safeParse(snapshot);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ExportError(`${label}: the ${what} could not be read into a snapshot (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  return result.data;
}
