/** Instants as epoch milliseconds: the analysis compares numbers, never strings or Date objects. */

export const DAY_MS = 86_400_000;

/**
 * Parses an ISO instant; `what` names the field in the error so a bad record
 * can be found. It may be a function: on 200,000 interactions, building the
 * name eagerly costs more than parsing the dates.
 */
export function parseInstant(value: string, what: string | (() => string)): number {
  let ms = isoMs(value);
  if (Number.isNaN(ms)) ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    const name = typeof what === 'string' ? what : what();
    throw new RangeError(`${name}: "${value.slice(0, 64)}" is not an ISO-8601 instant`);
  }
  return ms;
}

/** Whole days from `fromMs` to `toMs`, rounded down (a contact followed 13.9 days ago is 13 days in). */
export function wholeDays(fromMs: number, toMs: number): number {
  return Math.floor((toMs - fromMs) / DAY_MS);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The later of two optional ISO instants (ISO strings in UTC `Z` form compare by time only after parsing). */
export function laterIso(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

const ZERO = 48;
/** A non-digit gives a value no sum of digits can bring back into range. */
const NOT_A_DIGIT = -1_000_000;

function digit(s: string, i: number): number {
  const v = s.charCodeAt(i) - ZERO;
  return v >= 0 && v <= 9 ? v : NOT_A_DIGIT;
}

/**
 * `Date.parse` for the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` form every adapter
 * writes (toISOString), three times faster; NaN for anything else, so the
 * caller falls back to `Date.parse` and gets exactly its answer. Only values
 * whose meaning is beyond doubt take the fast path (days up to 28, hours up to
 * 23, years from 1000): Date.parse's own leniency (Feb 30, 24:00) stays its own.
 */
export function isoMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 /* T */) return Number.NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return Number.NaN;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  const milli = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}
