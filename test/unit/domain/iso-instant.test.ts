import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isoMs } from '../../../shared/domain/interaction-index.ts';

describe('the fast instant parser of the interaction index', () => {
  test.prop([fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })], { numRuns: 2000 })(
    'reads every canonical UTC instant as Date.parse does, or declines it',
    (date) => {
      const iso = date.toISOString();
      const fast = isoMs(iso);
      if (!Number.isNaN(fast)) expect(fast).toBe(Date.parse(iso));
    },
  );

  test.prop([fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)], { numRuns: 2000 })(
    'never answers differently from Date.parse for anything shaped like an instant (out-of-range fields included)',
    (text) => {
      const fast = isoMs(text);
      if (!Number.isNaN(fast)) expect(fast).toBe(Date.parse(text));
    },
  );

  it('takes the fast path for ordinary instants and declines offsets, lenient dates and other forms', () => {
    expect(isoMs('2026-11-25T08:00:00.000Z')).toBe(Date.parse('2026-11-25T08:00:00.000Z'));
    for (const other of ['2026-11-25T08:00:00Z', '2026-11-25T08:00:00.000+01:00', '2026-02-30T00:00:00.000Z', '2026-11-25T24:00:00.000Z', '0050-01-01T00:00:00.000Z', '2026-1a-25T08:00:00.000Z', '']) {
      expect(isoMs(other)).toBeNaN();
    }
  });
});
