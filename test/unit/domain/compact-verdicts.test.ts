/**
 * The compact forms the analysis judges a million contacts with (issue 20: the report step's memory per
 * contact) must give the same answers as the plain ones they replace: the reason map against a `Map`, the
 * new and lost followers found by position against the maps by key they were found with before.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { REASON_CODES, type ContactStats, type ReasonCode, type SourceRunState, type TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { EvidenceByReason, EvidenceOf } from '../../../shared/domain/evidence.ts';
import { followerChanges, keyOf, type FollowerChanges } from '../../../shared/domain/follower-changes.ts';
import { kindsEvidence } from '../../../shared/domain/observability.ts';
import { ReasonMap } from '../../../shared/domain/reason-map.ts';
import { isFollower } from '../../../shared/domain/stats.ts';
import { TopSupporters, topSupporters } from '../../../shared/domain/top-supporters.ts';
import { analysisInputArb } from './arbitraries.ts';
import { contact, follower, input, source } from './builders.ts';

const codeArb = fc.constantFrom(...REASON_CODES);
const setsArb = fc.array(fc.record({ code: codeArb, evidence: fc.record({ n: fc.nat(), s: fc.string() }) }), { maxLength: 30 });

describe('ReasonMap', () => {
  test.prop([setsArb], { numRuns: 500 })('answers as a Map of the same sets would, in vocabulary order', (sets) => {
    const reasons = new ReasonMap();
    const model = new Map<ReasonCode, unknown>();
    for (const { code, evidence } of sets) {
      reasons.set(code, evidence as unknown as EvidenceOf<typeof code>);
      model.set(code, evidence);
      for (const c of REASON_CODES) {
        expect(reasons.has(c)).toBe(model.has(c));
        expect(reasons.get(c)).toBe(model.get(c));
      }
      const codes = REASON_CODES.filter((c) => model.has(c));
      expect(reasons.codes()).toEqual(codes);
      const all = reasons.toEvidence();
      expect(Object.keys(all)).toEqual(codes);
      for (const c of codes) expect(all[c]).toBe(model.get(c));
    }
  });

  it('hands every contact with the same reasons one shared, frozen list, and an empty frozen evidence to one with none', () => {
    const a = new ReasonMap().set('dormant', { lastInboundAt: '2026-01-01T00:00:00.000Z', daysSinceInbound: 3 }).set('grace_period', { since: '2026-01-01T00:00:00.000Z', basis: 'followedAt', daysSince: 1, graceDays: 14 });
    const b = new ReasonMap().set('grace_period', { since: '2026-02-01T00:00:00.000Z', basis: 'firstSeenAt', daysSince: 2, graceDays: 14 }).set('dormant', { lastInboundAt: '2026-02-01T00:00:00.000Z', daysSinceInbound: 4 });
    expect(a.codes()).toEqual(['dormant', 'grace_period']);
    expect(b.codes()).toBe(a.codes());
    expect(Object.isFrozen(a.codes())).toBe(true);
    expect(() => (a.codes() as ReasonCode[]).push('snoozed')).toThrow(TypeError);
    const none: EvidenceByReason = new ReasonMap().toEvidence();
    expect(none).toEqual({});
    expect(Object.isFrozen(none)).toBe(true);
    expect(new ReasonMap().toEvidence()).toBe(none);
  });
});

describe('kindsEvidence', () => {
  it('shares its frozen lists between the contacts of one declaration, and gives each an object of its own', () => {
    const sight = { inbound: ['mention' as const, 'like' as const], outbound: [], inboundHidden: ['reply' as const], followDates: 'none' as const };
    const a = kindsEvidence(sight);
    const b = kindsEvidence(sight);
    expect(a).toEqual({ kindsSeen: ['like', 'mention'], kindsHidden: ['reply'] });
    expect(b).not.toBe(a);
    expect(b.kindsSeen).toBe(a.kindsSeen);
    expect(b.kindsHidden).toBe(a.kindsHidden);
    expect(Object.isFrozen(a.kindsSeen)).toBe(true);
  });
});

/** The new and lost followers as they were found before: maps of both lists by `sourceId:id`. */
function byKeys(current: readonly TrackedContact[], previous: readonly TrackedContact[] | null, sources: ReadonlyMap<string, SourceRunState>): FollowerChanges {
  const changes: FollowerChanges = { newFollowers: new Map(), lostStillContacts: new Map(), formerFollowers: [] };
  if (previous === null) return changes;
  const previousByKey = new Map(previous.map((c) => [keyOf(c), c]));
  const currentByKey = new Map(current.map((c) => [keyOf(c), c]));
  const complete = (s: string): boolean => sources.get(s)?.contacts === 'complete';
  for (const c of current) {
    if (!isFollower(c.relation) || !complete(c.sourceId)) continue;
    const before = previousByKey.get(keyOf(c));
    const evidence = (previousRelation: 'following' | 'absent') => ({ previousRelation, ...(c.followerSince !== undefined ? { followerSince: c.followerSince } : {}) });
    if (before !== undefined) {
      if (!isFollower(before.relation)) changes.newFollowers.set(keyOf(c), evidence('following'));
    } else if (sources.get(c.sourceId)?.previousContactsComplete === true) changes.newFollowers.set(keyOf(c), evidence('absent'));
  }
  for (const before of previous) {
    if (!isFollower(before.relation) || !complete(before.sourceId) || sources.get(before.sourceId)?.previousContactsComplete !== true) continue;
    const now = currentByKey.get(keyOf(before));
    const previousRelation = before.relation === 'mutual' ? 'mutual' : 'follower';
    if (now === undefined) changes.formerFollowers.push({ contact: before, evidence: { previousRelation, stillFollowed: false } });
    else if (!isFollower(now.relation)) changes.lostStillContacts.set(keyOf(now), { previousRelation, stillFollowed: true });
  }
  return changes;
}

/** Where each current contact's previous form is (the last listed with its key), as the merge's storedIndex says. */
function positions(current: readonly TrackedContact[], previous: readonly TrackedContact[]): Int32Array {
  const at = new Map<string, number>();
  previous.forEach((c, p) => at.set(keyOf(c), p));
  return Int32Array.from(current, (c) => at.get(keyOf(c)) ?? -1);
}

describe('followerChanges without maps by key', () => {
  test.prop([analysisInputArb], { numRuns: 1000 })('finds what maps by key found, with or without the positions', (generated) => {
    const sources = new Map(generated.sources.map((s) => [s.sourceId, s]));
    // Contacts listed twice, in either list, as a partial pull can leave them.
    const current = [...generated.current, ...generated.current.slice(0, 2).map((c) => ({ ...c, relation: 'follower' as const }))];
    const previous = generated.previous === null ? null : [...generated.previous, ...generated.previous.slice(0, 1).map((c) => ({ ...c, relation: 'following' as const }))];
    const expected = byKeys(current, previous, sources);
    expect(followerChanges(current, previous, sources)).toEqual(expected);
    // With the positions, as the report step hands them: over stored contacts, each listed once.
    const stored = generated.previous === null ? null : [...new Map(generated.previous.map((c) => [keyOf(c), c])).values()];
    if (stored !== null) expect(followerChanges(current, stored, sources, positions(current, stored))).toEqual(byKeys(current, stored, sources));
  });

  test.prop([analysisInputArb], { numRuns: 300 })('the analysis is the same when handed the positions', (generated) => {
    if (generated.previous === null) return;
    // As the report step hands them: stored contacts, each listed once.
    const previous = [...new Map(generated.previous.map((c) => [keyOf(c), c])).values()];
    const previousIndex = positions(generated.current, previous);
    expect(analyse({ ...generated, previous, previousIndex })).toEqual(analyse({ ...generated, previous }));
  });

  it('a contact matched by position is a new follower only against the previous form it is matched to', () => {
    const current = [follower('a'), follower('b')];
    const previous = [contact('a'), follower('b')];
    const sources = new Map([['masto', source({ previousContactsComplete: true })]]);
    const changes = followerChanges(current, previous, sources, Int32Array.from([0, 1]));
    expect([...changes.newFollowers.keys()]).toEqual(['masto:a']);
    expect(() => followerChanges(current, previous, sources, Int32Array.from([0]))).toThrow(/previousIndex has 1 positions for 2 contacts/);
    expect(analyse(input({ current, previous, previousIndex: Int32Array.from([0, 1]) })).figures.newFollowers).toBe(1);
  });
});

describe('TopSupporters', () => {
  const candidateArb = fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
    handle: fc.constantFrom('Ann', 'ann', 'Bob', 'cy'),
    score: fc.nat({ max: 4 }),
    inbound: fc.nat({ max: 3 }),
    excluded: fc.boolean(),
  });
  test.prop([fc.uniqueArray(candidateArb, { selector: (c) => c.key }), fc.nat({ max: 5 })], { numRuns: 1000 })('offered one at a time, ranks as topSupporters of them all', (raw, limit) => {
    const candidates = raw.map((c) => ({ key: c.key, handle: c.handle, excluded: c.excluded, stats: { score: c.score, inboundInWindow: c.inbound } as ContactStats }));
    const top = new TopSupporters<string>(limit);
    const dropped: string[] = [];
    for (const c of candidates) {
      const offered = top.offer(c, c.key);
      dropped.push(...offered.dropped);
      if (!offered.kept) expect(offered.dropped).toEqual([c.key]);
    }
    const expected = [...topSupporters(candidates, limit).keys()];
    expect(top.ranked()).toEqual(expected);
    // Every candidate is either ranked or was dropped, once.
    expect([...dropped, ...expected].sort()).toEqual(candidates.map((c) => c.key).sort());
  });
});
