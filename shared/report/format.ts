/** Locale-aware formatting of dates, numbers and deltas, and plain-text wrapping. */
import { stripInvisible } from './escape-html.ts';
import type { Messages } from './i18n.ts';

export type DeltaDirection = 'up' | 'down' | 'flat';

export interface Formatter {
  date(iso: string | undefined): string;
  number(n: number): string;
  percent(share: number): string;
  /** US dollars in the report's locale ("$0.42", "0,42 $"); a tenth of a cent shows under $1 (X bills per resource). */
  usd(amount: number): string;
  delta(value: number, asShare: boolean): { text: string; direction: DeltaDirection };
}

export function formatterFor(messages: Messages): Formatter {
  // UTC: the report speaks of days, and a run's window is computed in UTC.
  const dates = new Intl.DateTimeFormat(messages.intlLocale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const numbers = new Intl.NumberFormat(messages.intlLocale, { maximumFractionDigits: 1 });
  const percents = new Intl.NumberFormat(messages.intlLocale, { style: 'percent', maximumFractionDigits: 0 });
  const points = new Intl.NumberFormat(messages.intlLocale, { maximumFractionDigits: 1 });
  const dollars = new Intl.NumberFormat(messages.intlLocale, { style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const cents = new Intl.NumberFormat(messages.intlLocale, { style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 2, maximumFractionDigits: 3 });
  return {
    date(iso) {
      if (iso === undefined) return '—';
      const t = Date.parse(iso);
      return Number.isNaN(t) ? iso : dates.format(new Date(t));
    },
    number: (n) => numbers.format(n),
    percent: (share) => percents.format(share),
    usd: (amount) => (Math.abs(amount) < 1 ? cents : dollars).format(amount),
    delta(value, asShare) {
      const magnitude = asShare ? `${points.format(Math.abs(value) * 100)} pp` : numbers.format(Math.abs(value));
      // Rounding can turn a tiny change into "0"; call that flat rather than show "▲ +0".
      if (magnitude === numbers.format(0) || magnitude === `${points.format(0)} pp`) return { text: `= ${magnitude}`, direction: 'flat' };
      return value > 0 ? { text: `▲ +${magnitude}`, direction: 'up' } : { text: `▼ −${magnitude}`, direction: 'down' };
    },
  };
}

/** Whole days between two instants (floor), for "the last N days". */
export function daysBetween(fromIso: string, toIso: string): number {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 86_400_000)) : 0;
}

/**
 * The last step of the plain-text part: nothing but printable text, newlines
 * and tabs. CR, other controls and bidi overrides go (a terminal or mail client
 * would act on them), Unicode line separators become spaces (some clients break
 * lines there, which would let a name forge a line of the report).
 */
export function plainText(text: string): string {
  return stripInvisible(text).replace(/\r/g, '').replace(/[\u2028\u2029]/g, ' ');
}

/** Cuts untrusted text that could otherwise fill the email (bios, replies). */
export function truncate(text: string, max: number): string {
  const chars = [...stripInvisible(text).replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Greedy word wrap. `first` prefixes the first line, `rest` the others. Words
 * longer than the width (URLs) stay whole on their own line: a broken URL is
 * worse than a long line. Whitespace inside the text is collapsed.
 */
export function wrap(text: string, width = 78, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = '';
  let prefix = first;
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line !== '' && [...prefix].length + [...line].length + 1 + [...word].length > width) {
      lines.push(prefix + line);
      prefix = rest;
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(prefix + line);
  return lines;
}

/** The first `items` entries of a list, and the "…and N more" line for the rest (null when none is left out). */
export function capList<T>(list: readonly T[], items: number, m: { andMoreHere(n: number): string }): { shown: T[]; more: string | null } {
  const shown = list.slice(0, Math.max(0, items));
  return { shown, more: list.length > shown.length ? m.andMoreHere(list.length - shown.length) : null };
}
