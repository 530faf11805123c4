import { describe, expect, it } from 'vitest';
import { capMicros, charge, fitRequest, leftMicros, microsToUsd, monthKey, monthTotal, priceMicros, startSpend } from '../../../../../shared/sources/api/x/spend.ts';

describe('X spend (pure budget)', () => {
  it('rounds caps down and prices up, in whole micro-dollars', () => {
    expect(capMicros(1)).toBe(1_000_000);
    expect(capMicros(0.3)).toBe(300_000);
    expect(microsToUsd(capMicros(0.1 + 0.2))).toBeLessThanOrEqual(0.1 + 0.2);
    expect(priceMicros(0.001)).toBe(1000);
    expect(priceMicros(0.0000001)).toBe(1);
    expect(priceMicros(0)).toBe(0);
  });

  it('lowers max_results to what is left, and refuses a request whose minimum does not fit', () => {
    const s = startSpend({ maxSpendUsd: 0.05, maxSpendUsdPerMonth: 10 }, 0);
    // $0.05 at $0.010 per user: 5 of the 100 wanted.
    expect(fitRequest(s, { unit: priceMicros(0.01), wanted: 100, min: 1 })).toEqual({ maxResults: 5, reserved: 50_000 });
    // Mentions need at least 5 per page: $0.004 left is not enough at $0.001 each.
    const low = charge(s, { maxResults: 46, reserved: 46_000 }, { returned: 46, uncertain: false });
    expect(leftMicros(low)).toBe(4000);
    expect(fitRequest(low, { unit: 1000, wanted: 100, min: 5 })).toBeUndefined();
  });

  it('the month cap binds when it leaves less than the run cap', () => {
    const s = startSpend({ maxSpendUsd: 1, maxSpendUsdPerMonth: 10 }, capMicros(9.7));
    expect(leftMicros(s)).toBe(300_000);
    expect(fitRequest(s, { unit: 1000, wanted: 1000, min: 1 })?.maxResults).toBe(300);
  });

  it('charges what was returned, never more than asked, and the full price when the outcome is unknown', () => {
    const s = startSpend({ maxSpendUsd: 1, maxSpendUsdPerMonth: 10 }, 123);
    const fitted = { maxResults: 100, reserved: 100_000 };
    expect(charge(s, fitted, { returned: 7, uncertain: false }).spent).toBe(7000);
    expect(charge(s, fitted, { returned: 500, uncertain: false }).spent).toBe(100_000);
    expect(charge(s, fitted, { returned: 0, uncertain: true }).spent).toBe(100_000);
    expect(monthTotal(charge(s, fitted, { returned: 7, uncertain: false }))).toBe(7123);
  });

  it('months are UTC', () => {
    expect(monthKey(new Date('2026-12-31T23:30:00-01:00'))).toBe('2027-01');
  });
});
