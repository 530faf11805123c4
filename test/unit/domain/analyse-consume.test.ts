/**
 * The report step works out what it stores as each verdict is made, and lets the contacts go meanwhile
 * (analyse's onVerdict and consumeCurrent): the analysis itself must not change.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { ContactVerdict, TrackedContact } from '../../../shared/domain/analysis-types.ts';
import { syntheticInput } from '../../bench/synthetic-community.ts';

const NOW = new Date('2026-11-25T08:00:00Z');

describe('analyse with onVerdict and consumeCurrent', () => {
  it('gives the same analysis, every listed contact with its verdict, and leaves the contacts list empty', () => {
    const input = syntheticInput(600, 3000, NOW);
    // A contact listed twice is judged once, and handed over at both places.
    input.current.push({ ...(input.current[7] as TrackedContact), displayName: 'listed again' });
    const plain = analyse({ ...input, current: [...input.current] });
    const current = [...input.current];
    const listed = [...current];
    const seen = new Map<number, { contact: TrackedContact; verdict: ContactVerdict }>();
    // Some followers lost and some gained since the previous run: the previous contacts go once read.
    const previous = [...input.current.slice(0, 300).map((c, k) => (k % 7 === 0 ? { ...c, relation: c.relation === 'following' ? ('mutual' as const) : ('following' as const) } : c)), { ...(input.current[0] as TrackedContact), id: 'gone', relation: 'follower' as const }];
    const withPrevious = analyse({ ...input, current: [...input.current], previous: [...previous] });
    expect(withPrevious.figures.lostFollowers).toBeGreaterThan(0);
    const previousGiven = [...previous];
    const consumedWithPrevious = analyse({ ...input, current: [...input.current], previous: previousGiven, consumeCurrent: true });
    expect(consumedWithPrevious).toEqual(withPrevious);
    expect(previousGiven).toEqual([]);
    const consumed = analyse({ ...input, current, consumeCurrent: true, onVerdict: (contact, verdict, position) => seen.set(position, { contact, verdict }) });
    expect(consumed).toEqual(plain);
    expect(current).toEqual([]);
    expect(seen.size).toBe(listed.length);
    const byKey = new Map(plain.verdicts.map((v) => [v.key, v]));
    listed.forEach((contact, position) => {
      expect(seen.get(position)?.contact).toBe(contact);
      expect(seen.get(position)?.verdict).toEqual(byKey.get(`${contact.sourceId}:${contact.id}`));
    });
    expect(seen.get(listed.length - 1)?.verdict).toBe(seen.get(7)?.verdict);
  });
});
