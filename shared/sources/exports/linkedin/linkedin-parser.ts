/**
 * LinkedIn's member data export (CSV), NETWORK-EXPORTS.md §6.1: files at the
 * ZIP's root (`Basic_LinkedInDataExport_MM-DD-YYYY.zip`, `Complete_…`), UTF-8.
 *
 * `Connections.csv` (also split `Connections_N.csv`), by era:
 *  - linkedin-2020: no preamble; `First Name,Last Name,Email Address,Company,Position,Connected On`;
 *  - linkedin-2022: a "Notes:" preamble before the header (scanned for, never a fixed count of lines);
 *  - linkedin-2023: the preamble and a `URL` column (`https://www.linkedin.com/in/<slug>`).
 * Connections are undirected → `mutuals`, each `{ displayName: "First Last",
 * profileUrl, handle: <slug> }` with `Connected On` (`07 Dec 2026`; other
 * LinkedIn date forms read too, see linkedin-dates.ts). Hidden profiles are
 * date-only rows: they name no one, so they are counted in `warnings`.
 * Fields are read with csv-parse (quoted commas and newlines).
 *
 * `Reactions.csv` and `Comments.csv` are the owner's, but name a post URL only,
 * never its author: an interaction needs a person, so they are counted in
 * `warnings`, not recorded. `Invitations.csv` is counted too (not connections).
 * LinkedIn writes real UTF-8: no mojibake repair. No owner in these files.
 * `exportedAt`: the date in the export's name (`…LinkedInDataExport_MM-DD-YYYY`)
 * or the newest date in the files read, whichever is later.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { ExportError, type ExportFiles, type ExportParser, type ExportPerson, type ExportSnapshot, type ExportTie } from '../export-types.ts';
import { checkedSnapshot, dateInExportName, findEntries, isMacJunk, wrapperOf } from '../export-util.ts';
import { parseLinkedInDate } from './linkedin-dates.ts';

const csvFile = (name: string): RegExp => new RegExp(`(^|/)${name}(_\\d+)?\\.csv$`, 'i');
const CONNECTIONS = csvFile('Connections');
const REACTIONS = csvFile('Reactions');
const COMMENTS = csvFile('Comments');
const INVITATIONS = csvFile('Invitations');
const EXPORT_NAME = /(Basic|Complete)_LinkedInDataExport_(\d{2})-(\d{2})-(\d{4})/i;

const Rows = z.array(z.array(z.string()));

/** The day in LinkedIn's own export name (`…LinkedInDataExport_MM-DD-YYYY`, month first). */
function dateInLinkedInName(name: string | undefined): number | undefined {
  const m = name === undefined ? null : EXPORT_NAME.exec(name);
  if (m === null) return undefined;
  const at = parseLinkedInDate(`${m[2]}/${m[3]}/${m[4]}`);
  return at === undefined ? undefined : Date.parse(at);
}

/** A CSV file as a header and rows of fields; the header is the first row whose first field is `headerStart` (a preamble before it is skipped). */
function readTable(label: string, path: string, text: string, headerStart?: string): { header: string[]; rows: string[][]; preamble: boolean } {
  let body = text.replace(/^\uFEFF/u, '');
  let preamble = false;
  if (headerStart !== undefined) {
    const lines = body.split('\n');
    const at = lines.findIndex((line) => line.replace(/^\uFEFF/u, '').replace(/^"/, '').startsWith(`${headerStart}`));
    if (at < 0) throw new ExportError(`${label}: ${path} has no header row starting with "${headerStart}"; is it LinkedIn's own file?`);
    preamble = at > 0;
    body = lines.slice(at).join('\n');
  }
  let rows: string[][];
  try {
    rows = Rows.parse(parseCsv(body, { relax_column_count: true, skip_empty_lines: true, bom: true }));
  } catch (err) {
    throw new ExportError(`${label}: ${path} is not a readable CSV file (${err instanceof Error ? err.message : String(err)}); download the export again.`);
  }
  const [header, ...rest] = rows;
  if (header === undefined) return { header: [], rows: [], preamble };
  return { header: header.map((h) => h.trim()), rows: rest, preamble };
}

function column(header: readonly string[], name: string): number {
  return header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
}

/** `https://www.linkedin.com/in/ines-okafor-3b2a91/` → `ines-okafor-3b2a91`. */
export function linkedInSlug(url: string): string | undefined {
  const m = /linkedin\.com\/in\/([^/?#]+)/i.exec(url);
  if (m?.[1] === undefined) return undefined;
  try {
    const slug = decodeURIComponent(m[1]).trim().toLowerCase();
    return slug === '' ? undefined : slug;
  } catch {
    return m[1].toLowerCase();
  }
}

export const linkedinParser: ExportParser = {
  network: 'linkedin',

  recognises(files: ExportFiles): boolean {
    if (EXPORT_NAME.test(files.label) || EXPORT_NAME.test(wrapperOf(files) ?? '')) return true;
    return files.paths().some((p) => CONNECTIONS.test(p) && !isMacJunk(p));
  },

  async parse(files: ExportFiles): Promise<ExportSnapshot> {
    const label = files.label;
    const filesRead: string[] = [];
    const warnings: string[] = [];
    let newest = 0;
    const seen = (at: string | undefined): void => {
      if (at !== undefined) newest = Math.max(newest, Date.parse(at));
    };

    const connectionPaths = findEntries(files, CONNECTIONS);
    const reactionPaths = findEntries(files, REACTIONS);
    const commentPaths = findEntries(files, COMMENTS);
    const invitationPaths = findEntries(files, INVITATIONS);
    if (connectionPaths.length === 0 && reactionPaths.length === 0 && commentPaths.length === 0)
      throw new ExportError(
        `${label}: holds no Connections.csv (nor Reactions.csv, Comments.csv). Request LinkedIn's export: Me → Settings & Privacy → Data privacy → Get a copy of your data → "Download larger data archive" (or at least Connections) → Request archive.`,
      );

    let era = 'linkedin-activity';
    let mutuals: ExportSnapshot['mutuals'] = null;
    if (connectionPaths.length > 0) {
      const ties: ExportTie[] = [];
      const keys = new Set<string>();
      let hidden = 0;
      let undated = 0;
      let anyPreamble = false;
      let anyUrl = false;
      for (const path of connectionPaths) {
        const table = readTable(label, path, await files.readText(path), 'First Name');
        filesRead.push(path);
        anyPreamble ||= table.preamble;
        const first = column(table.header, 'First Name');
        const last = column(table.header, 'Last Name');
        const url = column(table.header, 'URL');
        const connected = column(table.header, 'Connected On');
        if (connected < 0) throw new ExportError(`${label}: ${path} has no "Connected On" column (columns: ${table.header.join(', ')}).`);
        if (url >= 0) anyUrl = true;
        for (const row of table.rows) {
          const field = (i: number): string => (i >= 0 ? (row[i] ?? '').trim() : '');
          if (row.every((f) => f.trim() === '')) continue;
          const displayName = [field(first), field(last)].filter((s) => s !== '').join(' ');
          const profileUrl = z.url({ protocol: /^https?$/ }).safeParse(field(url));
          const handle = profileUrl.success ? linkedInSlug(profileUrl.data) : undefined;
          if (displayName === '' && handle === undefined) {
            hidden += 1;
            continue;
          }
          const since = parseLinkedInDate(field(connected));
          if (since === undefined) undated += 1;
          seen(since);
          const person: ExportPerson = {
            ...(handle !== undefined ? { handle } : {}),
            ...(displayName !== '' ? { displayName } : {}),
            ...(profileUrl.success ? { profileUrl: profileUrl.data } : {}),
          };
          const key = handle ?? `${displayName}\u0000${since ?? ''}`;
          if (keys.has(key)) continue;
          keys.add(key);
          ties.push({ person, ...(since !== undefined ? { since } : {}) });
        }
      }
      mutuals = { ties, complete: true };
      era = anyUrl ? 'linkedin-2023' : anyPreamble ? 'linkedin-2022' : 'linkedin-2020';
      if (hidden > 0) warnings.push(`${hidden} connections have hidden or closed profiles (a date only in Connections.csv): they cannot be named or judged.`);
      if (undated > 0) warnings.push(`${undated} connections have a "Connected On" date followback could not read.`);
    }

    // The owner's reactions and comments name a post URL, never its author.
    const countRows = async (list: readonly string[], dateColumn: string): Promise<number> => {
      let n = 0;
      for (const path of list) {
        const table = readTable(label, path, await files.readText(path));
        filesRead.push(path);
        const date = column(table.header, dateColumn);
        for (const row of table.rows) {
          if (row.every((f) => f.trim() === '')) continue;
          n += 1;
          if (date >= 0) seen(parseLinkedInDate(row[date] ?? ''));
        }
      }
      return n;
    };
    const reactions = await countRows(reactionPaths, 'Date');
    const comments = await countRows(commentPaths, 'Date');
    if (reactions > 0 || comments > 0)
      warnings.push(`${reactions} reactions and ${comments} comments of yours not recorded: LinkedIn's export names the post, not its author.`);
    const invitations = await countRows(invitationPaths, 'Sent At');
    if (invitations > 0) warnings.push(`${invitations} invitations in Invitations.csv not used: an invitation is not a connection.`);

    const exported = Math.max(dateInExportName(files, dateInLinkedInName) ?? 0, newest);
    if (exported === 0) throw new ExportError(`${label}: no date in the export's name or in its files: it cannot be ordered against other exports.`);

    return checkedSnapshot(label, {
      network: 'linkedin',
      exportedAt: new Date(exported).toISOString(),
      era,
      filesRead,
      followers: null,
      following: null,
      mutuals,
      interactions: [],
      warnings,
    });
  },
};
