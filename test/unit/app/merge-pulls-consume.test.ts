/** The report step's merge takes the pulled contacts out as it merges them (consumePulled): the same merge. */
import { describe, expect, it } from 'vitest';
import { StoredBaselineBuilder, storedBaseline } from '../../../shared/app/changed-contacts.ts';
import { mergePulls, type PullOutcome } from '../../../shared/app/merge-pulls.ts';
import type { TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Contact, SourcePull } from '../../../shared/domain/model.ts';

const AT = '2026-11-20T08:00:00.000Z';
const NOW = '2026-11-27T08:00:00.000Z';

describe('mergePulls with consumePulled', () => {
  it('merges exactly as without, and leaves each pull without its contacts', () => {
    const contact = (k: number): Contact => ({ id: `c${k}`, handle: `@c${k}@x.social`, displayName: `C ${k}`, bio: '', relation: k % 3 === 0 ? 'follower' : 'mutual', state: 'active' });
    const stored: TrackedContact[] = [1, 2, 3, 9].map((k) => ({ ...contact(k), sourceId: k === 9 ? 'b' : 'a', platform: 'mastodon', firstSeenAt: AT, lastSeenAt: AT, previousReasons: [] }));
    const pull = (sourceId: string, ks: number[], completeness: 'complete' | 'partial'): SourcePull => ({
      sourceId, platform: 'mastodon', takenAt: NOW, owner: { id: 'o', handle: '@o' }, contacts: ks.map(contact), interactions: [{ id: `i${sourceId}`, contactId: 'c2', kind: 'like', direction: 'inbound', at: NOW }],
      contactsCompleteness: completeness, interactionsCompleteness: 'complete', problems: [], requests: 1,
    });
    const outcomes = (): PullOutcome<SourcePull>[] => [
      { sourceId: 'a', platform: 'mastodon', ok: true, pull: pull('a', [2, 3, 4, 4], 'complete') },
      { sourceId: 'b', platform: 'mastodon', ok: true, pull: pull('b', [5], 'partial') },
      { sourceId: 'c', platform: 'mastodon', ok: false, problem: 'down' },
    ];
    const input = { now: NOW, retentionDays: 400, storedContacts: stored, storedSources: [], storedInteractions: [] };
    const plain = mergePulls({ ...input, outcomes: outcomes() });
    const consumed = outcomes();
    expect(mergePulls({ ...input, outcomes: consumed, consumePulled: true })).toEqual(plain);
    for (const o of consumed) if (o.ok) expect(o.pull.contacts).toEqual([]);
  });
});

describe('mergePulls with consumeStored', () => {
  const contact = (k: number, relation: Contact['relation'] = k % 3 === 0 ? 'follower' : 'mutual'): Contact => ({ id: `c${k}`, handle: `@c${k}@x.social`, displayName: `C ${k}`, bio: '', relation, state: 'active' });
  const storedOf = (): TrackedContact[] =>
    [1, 2, 3, 6, 9].map((k) => ({ ...contact(k, k === 6 ? 'following' : undefined), sourceId: k === 9 ? 'b' : 'a', platform: 'mastodon', firstSeenAt: AT, lastSeenAt: AT, previousReasons: ['dormant'], previousRecommendation: 'review' }));
  const pull = (sourceId: string, ks: number[], completeness: 'complete' | 'partial'): SourcePull => ({
    sourceId, platform: 'mastodon', takenAt: NOW, owner: { id: 'o', handle: '@o' }, contacts: ks.map((k) => contact(k)), interactions: [{ id: `i${sourceId}`, contactId: 'c2', kind: 'like', direction: 'inbound', at: NOW }],
    contactsCompleteness: completeness, interactionsCompleteness: 'complete', problems: [], requests: 1,
  });
  // c2 listed twice (its stored form must outlive its first listing); c1 not listed by a complete pull (removed);
  // c9 not listed by a partial one (kept as stored, and merged).
  const outcomes = (): PullOutcome<SourcePull>[] => [
    { sourceId: 'a', platform: 'mastodon', ok: true, pull: pull('a', [2, 3, 2, 4, 6], 'complete') },
    { sourceId: 'b', platform: 'mastodon', ok: true, pull: pull('b', [5], 'partial') },
  ];
  const input = { now: NOW, retentionDays: 400, storedSources: [], storedInteractions: [] };

  it('merges exactly as without, hands each merged contact over with its stored form, and leaves of each stored contact merged its key and relation', () => {
    const plain = mergePulls({ ...input, storedContacts: storedOf(), outcomes: outcomes() });
    const stored = storedOf();
    const whole = [...stored];
    const handed: { contact: TrackedContact; stored: TrackedContact | undefined; position: number }[] = [];
    const merged = mergePulls({ ...input, storedContacts: stored, outcomes: outcomes(), consumeStored: true, onMerged: (c, s, position) => handed.push({ contact: c, stored: s, position }) });
    expect(merged).toEqual(plain);
    expect(handed.map((h) => h.position)).toEqual(merged.current.map((_, k) => k));
    handed.forEach((h, k) => {
      expect(h.contact).toBe(merged.current[k]);
      expect(h.stored).toBe(whole[merged.storedIndex[k] as number]);
    });
    // The second listing of c2 was merged with its whole stored form too.
    expect(handed.filter((h) => h.contact.id === 'c2').map((h) => h.stored?.handle)).toEqual(['@c2@x.social', '@c2@x.social']);
    expect(stored).toEqual([
      whole[0], // c1: not listed by a complete pull, removed: kept whole (a former follower's last record)
      { sourceId: 'a', id: 'c2', relation: 'mutual' },
      { sourceId: 'a', id: 'c3', relation: 'follower' },
      { sourceId: 'a', id: 'c6', relation: 'following' },
      { sourceId: 'b', id: 'c9', relation: 'follower' },
    ]);
  });

  it('the baseline made one merged contact at a time is the one made of them all after', () => {
    const plain = mergePulls({ ...input, storedContacts: storedOf(), outcomes: outcomes() });
    const builder = new StoredBaselineBuilder();
    const merged = mergePulls({ ...input, storedContacts: storedOf(), outcomes: outcomes(), consumeStored: true, onMerged: (c, s, position) => builder.add(position, c, s) });
    const expected = storedBaseline(plain.current, storedOf(), plain.storedIndex);
    expect(builder.result(merged.current.length)).toEqual(expected);
    expect([...expected.sameFields].some((same) => same === 1)).toBe(true);
    expect(expected.verdicts.filter((v) => v === undefined)).toHaveLength(2);
  });
});
