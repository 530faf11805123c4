/**
 * The reply a report quotes as criticism is kept on the stored contact
 * (`previousCriticism`), so the decision page can quote it with "this is not
 * criticism"; only while the contact is judged critic_only, and only when the
 * evidence named the reply.
 */
import { describe, expect, it } from 'vitest';
import { changedContacts, storedBaseline, storedVerdictOf, type StoredVerdict } from '../../../shared/app/changed-contacts.ts';
import { mergePulls } from '../../../shared/app/merge-pulls.ts';
import type { ContactVerdict, TrackedContact } from '../../../shared/domain/analysis-types.ts';

const AT = '2026-11-20T08:00:00.000Z';
const critic: TrackedContact = { id: 'c', handle: '@c@x.social', displayName: 'c', bio: '', relation: 'follower', state: 'active', sourceId: 's', platform: 'mastodon', firstSeenAt: AT, lastSeenAt: AT };
const evidence = (exampleId?: string): Pick<ContactVerdict, 'reasons' | 'recommendation' | 'evidence'> => ({
  reasons: ['critic_only'],
  recommendation: 'review',
  evidence: { critic_only: { count: 3, negative: 3, example: 'meh', exampleAt: AT, ...(exampleId !== undefined ? { exampleId } : {}) } },
});

describe('the quoted criticism on the stored contact', () => {
  it('a critic_only verdict naming its reply stores it; one without an id (or carried over) stores none', () => {
    expect(storedVerdictOf(evidence('110'))).toEqual({ reasons: ['critic_only'], recommendation: 'review', criticism: { interactionId: '110', at: AT } });
    expect(storedVerdictOf(evidence())).toEqual({ reasons: ['critic_only'], recommendation: 'review' });
    const carried = { reasons: ['critic_only'], recommendation: 'review', evidence: { critic_only: { carriedOver: true } } } as Pick<ContactVerdict, 'reasons' | 'recommendation' | 'evidence'>;
    expect(storedVerdictOf(carried).criticism).toBeUndefined();
  });

  it('is written with the contact, rewritten when the quote moves, and dropped when the contact is no longer a critic', () => {
    const [written] = changedContacts([critic], new Map([['s:c', storedVerdictOf(evidence('110'))]]), []);
    expect(written?.previousCriticism).toEqual({ interactionId: '110', at: AT });
    const stored = { ...critic, previousReasons: written?.previousReasons ?? [], previousRecommendation: 'review' as const, previousCriticism: { interactionId: '110', at: AT } };
    expect(changedContacts([critic], new Map([['s:c', storedVerdictOf(evidence('110'))]]), [stored])).toEqual([]);
    expect(changedContacts([critic], new Map([['s:c', storedVerdictOf(evidence('111'))]]), [stored])[0]?.previousCriticism).toEqual({ interactionId: '111', at: AT });
    const cleared = changedContacts([critic], new Map([['s:c', { reasons: [], recommendation: 'keep' as const }]]), [stored]);
    expect(cleared).toHaveLength(1);
    expect(cleared[0]?.previousCriticism).toBeUndefined();
  });
});

describe('found at the positions the merge gives, and taken out as compared', () => {
  it('stores the same contacts as matching them by key, and leaves the merged list empty', () => {
    const NOW = '2026-11-27T08:00:00.000Z';
    const contact = (k: number): TrackedContact => ({ id: `c${k}`, handle: `@c${k}@x.social`, displayName: `C ${k}`, bio: '', relation: k % 3 === 0 ? 'follower' : 'mutual', state: 'active', sourceId: 's', platform: 'mastodon', firstSeenAt: AT, lastSeenAt: AT });
    // Stored in another order than pulled, one gone, one new, one renamed, one with a verdict that moved.
    const stored = [4, 3, 2, 1, 0, 5].map((k) => ({ ...contact(k), previousReasons: [], previousRecommendation: 'keep' as const }));
    const pulled = [0, 1, 2, 3, 4, 6].map((k) => {
      const { sourceId: _s, platform: _p, firstSeenAt: _f, lastSeenAt: _l, ...c } = contact(k);
      return k === 2 ? { ...c, displayName: 'Renamed' } : c;
    });
    const merge = () =>
      mergePulls({
        now: NOW,
        retentionDays: 400,
        outcomes: [{ sourceId: 's', platform: 'mastodon', ok: true, pull: { sourceId: 's', platform: 'mastodon', takenAt: NOW, owner: { id: 'o', handle: '@o' }, contacts: pulled, interactions: [], contactsCompleteness: 'partial', interactionsCompleteness: 'complete', problems: [], requests: 0 } }],
        storedContacts: stored,
        storedSources: [],
        storedInteractions: [],
      });
    const merged = merge();
    expect([...merged.storedIndex]).toEqual([4, 3, 2, 1, 0, -1, 5]);
    const verdicts = new Map(merged.current.map((c) => [`s:${c.id}`, { reasons: c.id === 'c3' ? (['dormant'] as const).slice() : [], recommendation: 'keep' as const }]));
    const byKey = changedContacts(merge().current, verdicts, stored);
    expect(byKey.map((c) => c.id).sort()).toEqual(['c2', 'c3', 'c6']);
    const current = merged.current;
    expect(changedContacts(current, verdicts, stored, { storedIndex: merged.storedIndex, consume: true })).toEqual(byKey);
    expect(current).toEqual([]);
    expect(() => changedContacts(merge().current, verdicts, stored, { storedIndex: new Int32Array(1) })).toThrow(/storedIndex/);
  });
});

describe('compared against a baseline worked out before the stored contacts go', () => {
  it('finds exactly the contacts the whole stored forms find, whatever part of a contact or its verdict moved', () => {
    const base = (k: number): TrackedContact => ({
      id: `c${k}`, handle: `@c${k}@x.social`, displayName: `C ${k}`, bio: '', relation: 'mutual', state: 'active', sourceId: 's', platform: 'mastodon', firstSeenAt: AT, lastSeenAt: AT,
      lifetime: { inbound: 2, outbound: 1, lastInboundAt: AT },
      previousReasons: ['dormant'], previousRecommendation: 'unfollow', previousCriticism: { interactionId: 'i1', at: AT },
    });
    // Each variant changes one thing on the current contact (or on nothing), each verdict one thing of the verdict.
    const contactVariants: ((c: TrackedContact) => TrackedContact)[] = [
      (c) => c,
      (c) => ({ ...c, lastSeenAt: '2026-11-27T08:00:00.000Z' }),
      (c) => ({ ...c, displayName: 'Renamed' }),
      (c) => ({ ...c, relation: 'follower' }),
      (c) => ({ ...c, lifetime: { inbound: 3, outbound: 1, lastInboundAt: AT } }),
      (c) => ({ ...c, languages: ['en'] }),
      (c) => ({ ...c, previousReasons: ['one_sided'] }),
      (c) => ({ ...c, previousRecommendation: 'keep' }),
      (c) => {
        const { previousCriticism: _gone, ...rest } = c;
        return rest;
      },
      (c) => ({ ...c, bio: undefined as unknown as string }),
    ];
    const verdictVariants: (StoredVerdict | undefined)[] = [
      undefined,
      { reasons: ['dormant'], recommendation: 'unfollow' },
      { reasons: ['dormant'], recommendation: 'review' },
      { reasons: ['dormant', 'one_sided'], recommendation: 'unfollow' },
      { reasons: ['critic_only'], recommendation: 'review', criticism: { interactionId: 'i1', at: AT } },
      { reasons: ['critic_only'], recommendation: 'review', criticism: { interactionId: 'i2', at: AT } },
      { reasons: [], recommendation: null },
    ];
    const storedVariants: ((c: TrackedContact) => TrackedContact)[] = [
      (c) => c,
      (c) => ({ ...c, previousReasons: ['critic_only'], previousRecommendation: 'review' }),
      (c) => {
        const { previousReasons: _r, previousRecommendation: _p, previousCriticism: _c, ...rest } = c;
        return rest;
      },
    ];
    const current: TrackedContact[] = [];
    const stored: TrackedContact[] = [];
    const verdicts = new Map<string, StoredVerdict>();
    let k = 0;
    for (const storedForm of storedVariants) {
      for (const change of contactVariants) {
        for (const verdict of verdictVariants) {
          const before = storedForm(base(k));
          stored.push(before);
          current.push(change(before));
          if (verdict !== undefined) verdicts.set(`s:c${k}`, verdict);
          k += 1;
        }
      }
    }
    // One contact new to the store.
    current.push(base(k));
    const storedIndex = Int32Array.from(current.map((_, i) => (i < stored.length ? stored.length - 1 - i : -1)));
    const reversed = [...stored].reverse();
    const expected = changedContacts([...current], verdicts, reversed);
    const baseline = storedBaseline(current, reversed, storedIndex);
    const found = changedContacts(current, verdicts, baseline, { consume: true });
    expect(found).toEqual(expected);
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.length).toBeLessThan(k);
  });
});
