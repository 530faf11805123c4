/** Instants as epoch milliseconds: the analysis compares numbers, never strings or Date objects. */

export const DAY_MS = 86_400_000;

/**
 * Parses an ISO instant; `what` names the field in the error so a bad record
 * can be found. It may be a function: on 200,000 interactions, building the
 * name eagerly costs more than parsing the dates.
 */
export function parseInstant(value: string, what: string | (() => string)): number {
  const ms = Date.parse(value);
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
