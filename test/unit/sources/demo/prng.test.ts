import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeightedTable, hash, poisson, seedKey, unit } from '../../../../shared/sources/demo/prng.ts';

const DEMO_DIR = join(import.meta.dirname, '../../../../shared/sources/demo');

describe('demo randomness is a pure function of its coordinates', () => {
  it('gives the same draw for the same coordinates and a different one when any coordinate changes', () => {
    expect(hash(1, 2, 3, 4, 5)).toBe(hash(1, 2, 3, 4, 5));
    const variants = [hash(1, 2, 3, 4, 6), hash(1, 2, 3, 5, 5), hash(1, 2, 4, 4, 5), hash(1, 3, 3, 4, 5), hash(2, 2, 3, 4, 5), hash(2, 1, 3, 4, 5)];
    expect(new Set([hash(1, 2, 3, 4, 5), ...variants]).size).toBe(7);
  });

  it('spreads draws uniformly over [0, 1)', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const u = unit(7, i, 3);
      expect(u >= 0 && u < 1).toBe(true);
      buckets[Math.floor(u * 10)]! += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('keeps the high part of seeds beyond 32 bits', () => {
    expect(seedKey(42)).not.toBe(seedKey(42 + 2 ** 32));
    expect(seedKey(-1)).not.toBe(seedKey(2 ** 32 - 1));
  });

  it('draws Poisson counts with the asked mean', () => {
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += poisson(0.3, unit(11, i));
    expect(total / 20_000).toBeGreaterThan(0.27);
    expect(total / 20_000).toBeLessThan(0.33);
    expect(poisson(0, 0.99)).toBe(0);
  });

  it('picks weighted keys in proportion and never a zero-weight key', () => {
    const table = new WeightedTable({ a: 3, b: 1, never: 0 });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 8000; i++) {
      const key = table.pick(unit(5, i));
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts['never']).toBeUndefined();
    expect((counts['a'] ?? 0) / 8000).toBeGreaterThan(0.72);
    expect((counts['a'] ?? 0) / 8000).toBeLessThan(0.78);
  });

  it('is the only randomness of the demo: no Math.random and no wall clock anywhere in it', () => {
    for (const file of readdirSync(DEMO_DIR).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(join(DEMO_DIR, file), 'utf8');
      expect(code, file).not.toMatch(/Math\.random|Date\.now|new Date\(\)/);
    }
  });
});
