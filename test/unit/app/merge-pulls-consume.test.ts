/** The report step's merge takes the pulled contacts out as it merges them (consumePulled): the same merge. */
import { describe, expect, it } from 'vitest';
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
