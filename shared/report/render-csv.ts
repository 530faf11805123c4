/**
 * The CSV attachment: every contact (or, when every one is too many for an
 * email, those named in a section: ./render.ts), one row each, RFC 4180 (CRLF, quotes
 * doubled). Header names are stable English codes so spreadsheets and scripts
 * keep working whatever the report's locale.
 */
import { stripInvisible } from './escape-html.ts';
import type { ReportContact, ReportJson } from './report-schema.ts';

export const CSV_COLUMNS = [
  'key',
  'platform',
  'handle',
  'display_name',
  'relation',
  'recommendation',
  'reasons',
  'inbound_in_window',
  'outbound_in_window',
  'inbound_total',
  'last_inbound_at',
  'last_outbound_at',
  'followed_at',
  'followed_for_days',
  'observed_days',
  'score',
  'last_post_at',
  'state',
  'profile_url',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

type Cell = string | number | undefined | null;

/** Every contact's row, or only those whose key is in `only` (in the report's order). */
export function renderCsv(report: ReportJson, only?: ReadonlySet<string>): string {
  // Joined a few hundred lines at a time: a million lines held as strings of their own until one join
  // weighed as much again as the CSV.
  const chunks: string[] = [];
  let lines: string[] = [];
  const add = (line: string): void => {
    lines.push(line);
    if (lines.length === LINES_PER_CHUNK) {
      chunks.push(`${lines.join('\r\n')}\r\n`);
      lines = [];
    }
  };
  eachLine(report, only, add);
  if (lines.length > 0) chunks.push(`${lines.join('\r\n')}\r\n`);
  return chunks.join('');
}

/**
 * `renderCsv` as UTF-8, the same bytes, written line by line into buffers outside the JavaScript heap: the
 * mailer zips these, and the CSV of a million contacts (over 100 MB) is never a string at all. Every cell is
 * well-formed text (csvCell repairs lone surrogates), so encoding it line by line gives the bytes of the whole.
 */
export function renderCsvBytes(report: ReportJson, only?: ReadonlySet<string>): Uint8Array {
  const sink = new ByteSink();
  eachLine(report, only, (line) => {
    sink.write(line);
    sink.write('\r\n');
  });
  return sink.bytes();
}

const LINES_PER_CHUNK = 512;

function eachLine(report: ReportJson, only: ReadonlySet<string> | undefined, line: (text: string) => void): void {
  line(HEADER);
  const cells = new Array<string>(CSV_COLUMNS.length);
  for (const c of report.contacts) {
    if (only !== undefined && !only.has(c.key)) continue;
    for (let k = 0; k < CSV_COLUMNS.length; k++) cells[k] = csvCell(cellOf(c, CSV_COLUMNS[k] as CsvColumn));
    line(cells.join(','));
  }
}

const HEADER = CSV_COLUMNS.map(csvCell).join(',');

/** Bytes appended into 1 MiB buffers, joined into one at the end. */
class ByteSink {
  static readonly #CHUNK = 1 << 20;
  readonly #full: Buffer[] = [];
  #current = Buffer.allocUnsafe(ByteSink.#CHUNK);
  #used = 0;
  #total = 0;

  write(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (this.#used + text.length * 3 > this.#current.length) {
      this.#seal();
      if (text.length * 3 > ByteSink.#CHUNK) {
        const big = Buffer.from(text, 'utf8');
        this.#full.push(big);
        this.#total += big.length;
        return;
      }
    }
    this.#used += this.#current.write(text, this.#used, 'utf8');
  }

  bytes(): Uint8Array {
    this.#seal();
    return this.#full.length === 1 ? (this.#full[0] as Buffer) : Buffer.concat(this.#full, this.#total);
  }

  #seal(): void {
    if (this.#used === 0) return;
    this.#full.push(this.#current.subarray(0, this.#used));
    this.#total += this.#used;
    this.#current = Buffer.allocUnsafe(ByteSink.#CHUNK);
    this.#used = 0;
  }
}

function cellOf(c: ReportContact, column: CsvColumn): Cell {
  switch (column) {
    case 'key': return c.key;
    case 'platform': return c.platform;
    case 'handle': return c.handle;
    case 'display_name': return c.displayName;
    case 'relation': return c.relation;
    case 'recommendation': return c.recommendation;
    case 'reasons': return c.reasons.join(';');
    case 'inbound_in_window': return c.stats.inboundInWindow;
    case 'outbound_in_window': return c.stats.outboundInWindow;
    case 'inbound_total': return c.stats.inboundTotal;
    case 'last_inbound_at': return c.stats.lastInboundAt;
    case 'last_outbound_at': return c.stats.lastOutboundAt;
    case 'followed_at': return c.followedAt;
    case 'followed_for_days': return c.stats.followedForDays;
    case 'observed_days': return c.stats.observedDays;
    case 'score': return c.stats.score;
    case 'last_post_at': return c.lastPostAt;
    case 'state': return c.state;
    case 'profile_url': return c.profileUrl;
  }
}

/**
 * One CSV field. Text starting with = + - @ TAB or CR is a formula to Excel,
 * LibreOffice and Sheets (a display name "=HYPERLINK(...)" would run), so it gets
 * a leading apostrophe. Invisible controls and bidi overrides are dropped first,
 * so "\u202E=cmd" cannot hide a formula behind a character that then vanishes,
 * and lone surrogates become U+FFFD (the file is UTF-8). Numbers are ours, not
 * user text, and stay numeric.
 */
export function csvCell(value: Cell): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = stripInvisible(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
