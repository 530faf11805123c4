import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { perSectionFor } from '../../../shared/report/render.ts';

const rowsAt = (sizes: number[], k: number): number => sizes.reduce((n, s) => n + Math.min(s, k), 0);

describe('perSectionFor: the same share of every section that keeps the CSV within its rows', () => {
  it('is the largest share that fits: one more would not', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5000), { minLength: 1, maxLength: 6 }), fc.nat(40_000), (sizes, maxRows) => {
        const k = perSectionFor(sizes, maxRows);
        expect(rowsAt(sizes, k)).toBeLessThanOrEqual(maxRows);
        // Either every section goes whole, or one more of each would be too many.
        if (k < Math.max(0, ...sizes)) expect(rowsAt(sizes, k + 1)).toBeGreaterThan(maxRows);
      }),
    );
  });

  it('lets the smaller sections go whole and gives the rest to the biggest', () => {
    expect(perSectionFor([300_000, 40, 2_000, 0, 0, 25], 10_000)).toBe(7_935);
    expect(perSectionFor([10, 10], 0)).toBe(0);
    expect(perSectionFor([10, 10], 100)).toBe(10);
  });
});
