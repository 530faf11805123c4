/**
 * X's pay-per-use budget, pure: every request is priced before it is sent, from the most it can
 * return (`max_results`) times the price of one returned resource, and is sent only when that fits
 * in what is left of both caps (`maxSpendUsd` per run, `maxSpendUsdPerMonth` per UTC month).
 *
 * Money is counted in whole micro-dollars so no sum drifts: caps are rounded down, prices up, so
 * the budget can only err on the side of spending less.
 *
 * What X bills (xdevplatform/docs x-api/getting-started/pricing.mdx, x-api/fundamentals/post-cap.mdx):
 * reads are "charged per resource returned in the response"; "only successful responses that return
 * data are billed" (a 4xx, a 429 or a 5xx costs nothing). So a request is charged what it returned,
 * never more than it asked for; when its outcome is unknown (the connection broke after it was
 * sent, or a 2xx came back unreadable) it is charged the most it could have cost.
 */

const MICROS_PER_USD = 1_000_000;

/** Everything in micro-dollars (integers). */
export interface Spend {
  /** The most this run may spend. */
  readonly runCap: number;
  /** The most the month may reach, all runs together. */
  readonly monthCap: number;
  /** What the month had spent before this run. */
  readonly monthBefore: number;
  /** What this run has spent so far. */
  readonly spent: number;
}

/** A cap in micro-dollars, rounded down (never above the cap in dollars). */
export function capMicros(usd: number): number {
  if (!Number.isFinite(usd) || usd <= 0) return 0;
  let m = Math.floor(usd * MICROS_PER_USD);
  while (m > 0 && m / MICROS_PER_USD > usd) m--;
  return m;
}

/** A price in micro-dollars, rounded up (never below the price in dollars). */
export function priceMicros(usd: number): number {
  if (!Number.isFinite(usd) || usd <= 0) return 0;
  let m = Math.ceil(usd * MICROS_PER_USD);
  while (m / MICROS_PER_USD < usd) m++;
  return m;
}

export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** The UTC month an instant belongs to: `2026-12`. */
export function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export function startSpend(caps: { maxSpendUsd: number; maxSpendUsdPerMonth: number }, monthBeforeMicros: number): Spend {
  return { runCap: capMicros(caps.maxSpendUsd), monthCap: capMicros(caps.maxSpendUsdPerMonth), monthBefore: Math.max(0, Math.floor(monthBeforeMicros)), spent: 0 };
}

/** What is left to spend now: the smaller of the run's and the month's rest (never negative). */
export function leftMicros(s: Spend): number {
  return Math.max(0, Math.min(s.runCap - s.spent, s.monthCap - s.monthBefore - s.spent));
}

export interface Fitted {
  /** The `max_results` to send: as many as wanted, lowered to what the budget allows. */
  maxResults: number;
  /** Its price: the most the request can cost. */
  reserved: number;
}

/**
 * The request to send for `wanted` resources at `unit` micro-dollars each, given what is left:
 * `max_results` lowered until it fits, or undefined when even the endpoint's minimum does not.
 */
export function fitRequest(s: Spend, request: { unit: number; wanted: number; min: number }): Fitted | undefined {
  const wanted = Math.floor(request.wanted);
  const min = Math.max(1, Math.floor(request.min));
  if (wanted < min) return undefined;
  const unit = Math.max(0, Math.floor(request.unit));
  const n = unit === 0 ? wanted : Math.min(wanted, Math.floor(leftMicros(s) / unit));
  if (n < min) return undefined;
  return { maxResults: n, reserved: n * unit };
}

/**
 * The spend after a request answered: what it returned (at most what it asked for), or its full
 * price when the outcome is unknown. A request fitted with `fitRequest` never takes the spend past
 * either cap.
 */
export function charge(s: Spend, fitted: Fitted, outcome: { returned: number; uncertain: boolean }): Spend {
  const unit = fitted.maxResults === 0 ? 0 : fitted.reserved / fitted.maxResults;
  const count = outcome.uncertain ? fitted.maxResults : Math.max(0, Math.min(Math.floor(outcome.returned), fitted.maxResults));
  return { ...s, spent: s.spent + count * unit };
}

/** The month's spend with this run's: what the cursor keeps. */
export function monthTotal(s: Spend): number {
  return s.monthBefore + s.spent;
}
