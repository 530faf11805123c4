/**
 * Reading a Meta export's files (Instagram, and Threads inside it): read as
 * JSON with Meta's mojibake repaired (keys too), and the export's own date
 * and account from its wrapper folder or file name (Meta's own name forms).
 * Entries are found with archive.ts's `findAll` (case-insensitive, natural
 * part order).
 */
import { ExportError, type ExportFiles } from '../export-types.ts';
import { readJsonEntry, wrapperOf } from '../export-util.ts';
import { repairJson } from '../mojibake.ts';

/** Files only a Threads folder holds. */
export const THREADS_ONLY_FILE = /^(liked_threads|threads_and_replies|threads_viewed|saved_threads)\.json$/;

/** True when the export is a `threads/` folder uploaded alone (its files at the root). */
export function isBareThreadsFolder(paths: readonly string[]): boolean {
  return paths.some((p) => THREADS_ONLY_FILE.test(p.toLowerCase()));
}

/** One entry as JSON, Meta's mojibake repaired; invalid JSON is an ExportError naming the file. */
export async function readMetaJson(files: ExportFiles, path: string): Promise<unknown> {
  return repairJson(await readJsonEntry(files, path, 'download the export again'));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface NamedExport {
  /** The export's day (00:00 UTC) as Meta named it. */
  day?: Date;
  /** The account the export was made for, when the name says. */
  username?: string;
}

/**
 * What Meta's names say: `instagram-<user>-YYYY-MM-DD-<rand>` (the ZIP and the
 * folder a user re-zips), `meta-YYYY-Mon-DD-HH-MM-SS` (the Accounts Center
 * wrapper). Read from the wrapper folder first, then from the export's label.
 */
export function namedExport(files: ExportFiles): NamedExport {
  const out: NamedExport = {};
  for (const name of [wrapperOf(files), files.label]) {
    if (name === undefined) continue;
    for (const segment of name.split(/[\\/]/)) {
      const base = segment.replace(/\.zip$/i, '');
      const ig = /^(?:instagram|threads)-([A-Za-z0-9._]{1,30})-(\d{4})-(\d{2})-(\d{2})(?:-|$)/.exec(base);
      if (ig !== null) {
        const day = utcDay(Number(ig[2]), Number(ig[3]), Number(ig[4]));
        if (out.day === undefined && day !== undefined) out.day = day;
        if (out.username === undefined && ig[1] !== undefined) out.username = ig[1];
        continue;
      }
      const meta = /^meta-(\d{4})-([A-Za-z]{3})-(\d{2})(?:-|$)/.exec(base);
      if (meta !== null && out.day === undefined) {
        const month = MONTHS.indexOf((meta[2] ?? '').toLowerCase()) + 1;
        const day = month > 0 ? utcDay(Number(meta[1]), month, Number(meta[3])) : undefined;
        if (day !== undefined) out.day = day;
      }
    }
  }
  return out;
}

function utcDay(year: number, month: number, day: number): Date | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

const DAY_MS = 86_400_000;

/**
 * The export's date: the day its name gives (day precision, so a record later
 * that same day moves it to that record), else the newest record in it.
 * Undefined when the export has neither.
 */
export function exportDate(named: NamedExport, newestRecordMs: number | undefined): { at: string; from: 'name' | 'records' } | undefined {
  if (named.day !== undefined) {
    const start = named.day.getTime();
    const at = newestRecordMs !== undefined && newestRecordMs > start && newestRecordMs < start + DAY_MS ? newestRecordMs : start;
    return { at: new Date(at).toISOString(), from: 'name' };
  }
  if (newestRecordMs !== undefined) return { at: new Date(newestRecordMs).toISOString(), from: 'records' };
  return undefined;
}

/**
 * `exportDate`, for a parser: an export with neither a dated name nor a dated record is an ExportError,
 * and a date taken from the records is said in `warnings`.
 */
export function exportedAt(label: string, named: NamedExport, newestRecordMs: number | undefined, warnings: string[]): string {
  const date = exportDate(named, newestRecordMs);
  if (date === undefined) throw new ExportError(`${label}: no date found (no dated export name and no dated record); download the export again`);
  if (date.from === 'records') warnings.push(`The export's name gives no date: its date is its newest record (${date.at}).`);
  return date.at;
}

/** An ISO-ish date of the 2018 format (`2019-05-01T12:00:00`, with or without an offset; none means UTC). */
export function fromIsoText(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed.slice(10)) || trimmed.length === 10 ? trimmed : `${trimmed}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
