/**
 * The dates of a LinkedIn export (NETWORK-EXPORTS.md §6.1), each read as UTC:
 *  - `07 Dec 2026` (`Connected On`, every era; also `7 Dec 2026`, `07 December 2026`);
 *  - `1/29/26, 2:37 PM` and `1/29/2026` (US month/day/year: `Invitations.csv` `Sent At`);
 *  - `2025-06-01 14:03:22 UTC`, `2025-06-01 14:03:22`, `2025-06-01` (`messages.csv`, `Shares.csv`);
 *  - `2025/06/01 14:03:22 UTC` (endorsements).
 * Anything else is undefined (the caller counts it).
 */
const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, sept: 8, oct: 9, nov: 10, dec: 11,
  january: 0, february: 1, march: 2, april: 3, june: 5, july: 6, august: 7, september: 8, october: 9, november: 10, december: 11,
};

function iso(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): string | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const d = new Date(ms);
  if (d.getUTCMonth() !== month || d.getUTCDate() !== day) return undefined;
  return d.toISOString();
}

export function parseLinkedInDate(raw: string): string | undefined {
  const text = raw.trim();
  let m = /^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4})$/.exec(text);
  if (m !== null) {
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    return month === undefined ? undefined : iso(Number(m[3]), month, Number(m[1]));
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/.exec(text);
  if (m !== null) {
    const year = (m[3] ?? '').length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    let hour = Number(m[4] ?? 0);
    const half = m[7]?.toLowerCase();
    if (half !== undefined && (hour < 1 || hour > 12)) return undefined;
    if (half === 'pm' && hour < 12) hour += 12;
    if (half === 'am' && hour === 12) hour = 0;
    return iso(year, Number(m[1]) - 1, Number(m[2]), hour, Number(m[5] ?? 0), Number(m[6] ?? 0));
  }
  m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s*(?:UTC|Z))?)?$/.exec(text);
  if (m !== null) return iso(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  return undefined;
}
