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
  const lines = [CSV_COLUMNS.map(csvCell).join(',')];
  for (const c of report.contacts) if (only === undefined || only.has(c.key)) lines.push(CSV_COLUMNS.map((col) => csvCell(cellOf(c, col))).join(','));
  return `${lines.join('\r\n')}\r\n`;
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
