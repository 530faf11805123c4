import { describe, expect, it } from 'vitest';
import { changedContacts, type StoredVerdict } from '../../../shared/app/changed-contacts.ts';
import { mergePulls, type MergeInput, type PullOutcome } from '../../../shared/app/merge-pulls.ts';
import type { TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Contact, Interaction, SourcePull } from '../../../shared/domain/model.ts';
import type { SourceState } from '../../../shared/ports/store.ts';

const NOW = '2026-11-25T08:00:00.000Z';
const EARLIER = '2026-11-18T08:00:00.000Z';

const contact = (id: string, relation: Contact['relation'], extra: Partial<Contact> = {}): Contact => ({
  id,
  handle: `@${id}@x.social`,
  displayName: id,
  bio: '',
  relation,
  state: 'active',
  ...extra,
});
const tracked = (id: string, relation: Contact['relation'], extra: Partial<TrackedContact> = {}): TrackedContact => ({
  ...contact(id, relation),
  sourceId: 's',
  platform: 'mastodon',
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: EARLIER,
  ...extra,
});
const like = (id: string, contactId: string, at: string, direction: Interaction['direction'] = 'inbound'): Interaction => ({ id, contactId, kind: 'like', direction, at });
const pull = (over: Partial<SourcePull>): PullOutcome => ({
  sourceId: 's',
  platform: 'mastodon',
  ok: true,
  pull: {
    sourceId: 's',
    platform: 'mastodon',
    takenAt: NOW,
    owner: { id: 'me', handle: '@me@x.social' },
    contacts: [],
    interactions: [],
    contactsCompleteness: 'complete',
    interactionsCompleteness: 'complete',
    problems: [],
    requests: 1,
    ...over,
  },
});
const storedSource: SourceState = {
  sourceId: 's',
  platform: 'mastodon',
  cursor: 'c1',
  trackingSince: '2026-01-01T00:00:00.000Z',
  historySince: '2025-06-01T00:00:00.000Z',
  lastContacts: 'complete',
  lastInteractions: 'complete',
  problems: [],
};
const input = (over: Partial<MergeInput>): MergeInput => ({
  now: NOW,
  retentionDays: 730,
  outcomes: [],
  storedContacts: [],
  storedSources: [storedSource],
  storedInteractions: [],
  ...over,
});

describe('merging a run into the stored history', () => {
  it('removes contacts missing from a complete list, and keeps them when the list is partial or the pull failed', () => {
    const stored = [tracked('a', 'mutual'), tracked('b', 'follower')];
    const complete = mergePulls(input({ storedContacts: stored, outcomes: [pull({ contacts: [contact('a', 'mutual')] })] }));
    expect(complete.removedContactKeys).toEqual(['s:b']);
    expect(complete.current.map((c) => c.id)).toEqual(['a']);

    const partial = mergePulls(input({ storedContacts: stored, outcomes: [pull({ contacts: [contact('a', 'mutual')], contactsCompleteness: 'partial' })] }));
    expect(partial.removedContactKeys).toEqual([]);
    expect(partial.current.map((c) => c.id).sort()).toEqual(['a', 'b']);

    const failed = mergePulls(input({ storedContacts: stored, outcomes: [{ sourceId: 's', platform: 'mastodon', ok: false, problem: 'HTTP 500' }] }));
    expect(failed.removedContactKeys).toEqual([]);
    expect(failed.current.map((c) => c.id).sort()).toEqual(['a', 'b']);
    expect(failed.sourceRuns[0]).toMatchObject({ contacts: 'failed', interactions: 'failed', problems: ['HTTP 500'] });
    expect(failed.sourceStates[0]?.cursor).toBe('c1');
  });

  it('a partial list changes no known relation: a mutual missing from the followers half stays mutual', () => {
    const result = mergePulls(input({ storedContacts: [tracked('a', 'mutual')], outcomes: [pull({ contacts: [contact('a', 'following', { displayName: 'A new name' })], contactsCompleteness: 'partial' })] }));
    expect(result.current[0]).toMatchObject({ id: 'a', relation: 'mutual', displayName: 'A new name' });
    const complete = mergePulls(input({ storedContacts: [tracked('a', 'mutual')], outcomes: [pull({ contacts: [contact('a', 'following')] })] }));
    expect(complete.current[0]?.relation).toBe('following');
  });

  it('someone first seen in a partial list is analysed but not stored, so the next complete pull still finds them new', () => {
    const result = mergePulls(input({ storedContacts: [tracked('a', 'mutual')], outcomes: [pull({ contacts: [contact('a', 'mutual'), contact('n', 'follower')], contactsCompleteness: 'partial' })] }));
    expect(result.current.map((c) => c.id).sort()).toEqual(['a', 'n']);
    expect(result.unstoredContactKeys).toEqual(['s:n']);
    expect(mergePulls(input({ outcomes: [pull({ contacts: [contact('n', 'follower')] })] })).unstoredContactKeys).toEqual([]);
  });

  it('measures follower changes against the last complete list, even after a failed run in between', () => {
    const afterFailure: SourceState = { ...storedSource, lastContacts: 'failed', lastInteractions: 'failed', contactsCompleteAt: EARLIER };
    delete afterFailure.lastCompleteAt;
    const result = mergePulls(input({ storedSources: [afterFailure], outcomes: [pull({ contacts: [] })] }));
    expect(result.sourceRuns[0]?.previousContactsComplete).toBe(true);
    expect(result.sourceStates[0]?.contactsCompleteAt).toBe(NOW);
    const neverComplete: SourceState = { ...storedSource, lastContacts: 'partial' };
    delete neverComplete.lastCompleteAt;
    expect(mergePulls(input({ storedSources: [neverComplete], outcomes: [pull({})] })).sourceRuns[0]?.previousContactsComplete).toBe(false);
  });

  it('keeps only interactions not stored before, and adds them to the lifetime totals once', () => {
    const stored = [tracked('a', 'mutual', { lifetime: { inbound: 3, outbound: 0, lastInboundAt: '2026-10-01T00:00:00.000Z' } })];
    const old = { ...like('i1', 'a', '2026-11-20T00:00:00.000Z'), sourceId: 's' };
    const result = mergePulls(
      input({
        storedContacts: stored,
        storedInteractions: [old],
        outcomes: [pull({ contacts: [contact('a', 'mutual')], interactions: [like('i1', 'a', '2026-11-20T00:00:00.000Z'), like('i2', 'a', '2026-11-24T00:00:00.000Z'), like('i2', 'a', '2026-11-24T00:00:00.000Z')] })],
      }),
    );
    expect([...result.newInteractions].map((i) => i.id)).toEqual(['i2']);
    expect(result.current[0]?.lifetime).toEqual({ inbound: 4, outbound: 0, lastInboundAt: '2026-11-24T00:00:00.000Z' });
  });

  it('stores interactions after the run clock (the cursor moved past them) but not those past the retention horizon', () => {
    const result = mergePulls(
      input({
        retentionDays: 30,
        outcomes: [pull({ contacts: [contact('a', 'mutual')], interactions: [like('future', 'a', '2026-12-01T00:00:00.000Z'), like('ancient', 'a', '2025-01-01T00:00:00.000Z'), like('ok', 'a', NOW)] })],
      }),
    );
    expect([...result.newInteractions].map((i) => i.id)).toEqual(['future', 'ok']);
  });

  it('dates a follow it saw begin between two runs at this run, and remembers the first sighting', () => {
    const result = mergePulls(input({ storedContacts: [tracked('a', 'follower')], outcomes: [pull({ contacts: [contact('a', 'mutual'), contact('n', 'following')] })] }));
    const a = result.current.find((c) => c.id === 'a');
    const n = result.current.find((c) => c.id === 'n');
    expect(a?.followedAt).toBe(NOW);
    expect(a?.firstSeenAt).toBe('2026-01-01T00:00:00.000Z');
    // First sighting on this run: no evidence of when the follow began.
    expect(n?.followedAt).toBeUndefined();
    expect(n?.firstSeenAt).toBe(NOW);
  });

  it('keeps the last known handle and name of an account that is gone and named only by its id', () => {
    const did = 'did:plc:gone2222222222222222222222';
    const stored = [tracked(did, 'following', { handle: 'old.friend.bsky.social', displayName: 'Old Friend' }), tracked('b', 'following', { handle: 'b.bsky.social', displayName: 'Bee' })];
    const gone = { handle: did, displayName: '' };
    const result = mergePulls(
      input({ storedContacts: stored, outcomes: [pull({ contacts: [contact(did, 'following', { ...gone, state: 'deactivated' }), contact('b', 'following', { handle: 'b2.bsky.social', displayName: 'Bee Two' })] })] }),
    );
    const kept = result.current.find((c) => c.id === did);
    expect(kept).toMatchObject({ handle: 'old.friend.bsky.social', displayName: 'Old Friend', state: 'deactivated' });
    // A live account that changed its handle or name is shown as it is now.
    expect(result.current.find((c) => c.id === 'b')).toMatchObject({ handle: 'b2.bsky.social', displayName: 'Bee Two' });
  });

  it('shows the bare id of a gone account never seen under a name, and of a live one whose handle is its id', () => {
    const did = 'did:plc:gone2222222222222222222222';
    const live = 'did:plc:live2222222222222222222222';
    const result = mergePulls(
      input({
        storedContacts: [tracked(live, 'following', { handle: 'was.bsky.social' })],
        outcomes: [pull({ contacts: [contact(did, 'following', { handle: did, displayName: '', state: 'deleted' }), contact(live, 'following', { handle: live, displayName: '' })] })],
      }),
    );
    expect(result.current.find((c) => c.id === did)?.handle).toBe(did);
    expect(result.current.find((c) => c.id === live)?.handle).toBe(live);
  });

  it('starts tracking a new source at its backfill horizon, and keeps the earliest horizon afterwards', () => {
    const first = mergePulls(input({ storedSources: [], outcomes: [pull({ historySince: '2026-05-01T00:00:00.000Z' })] }));
    expect(first.sourceRuns[0]).toMatchObject({ historySince: '2026-05-01T00:00:00.000Z', previousContactsComplete: false, lastCompleteAt: NOW });
    expect(first.sourceStates[0]).toMatchObject({ trackingSince: NOW, historySince: '2026-05-01T00:00:00.000Z' });
    const later = mergePulls(input({ outcomes: [pull({ historySince: '2026-11-01T00:00:00.000Z', cursor: 'c2' })] }));
    expect(later.sourceRuns[0]?.historySince).toBe('2025-06-01T00:00:00.000Z');
    expect(later.sourceStates[0]?.cursor).toBe('c2');
  });

  it('a source that never pulled completely starts its observation now, so nothing is concluded from its silence', () => {
    const result = mergePulls(input({ storedSources: [], outcomes: [{ sourceId: 's', platform: 'mastodon', ok: false, problem: 'down' }] }));
    expect(result.sourceRuns[0]?.historySince).toBe(NOW);
    expect(result.sourceRuns[0]?.lastCompleteAt).toBeUndefined();
  });
});

describe('writing only what changed', () => {
  it('skips contacts whose stored form is unchanged, even though they were seen again', () => {
    const stored = [tracked('a', 'mutual', { previousReasons: ['dormant'] }), tracked('b', 'follower', { previousReasons: [] })];
    const current = [
      { ...stored[0]!, lastSeenAt: NOW },
      { ...stored[1]!, lastSeenAt: NOW, displayName: 'B renamed' },
      tracked('c', 'following'),
    ];
    const reasons = new Map<string, StoredVerdict>([
      ['s:a', { reasons: ['dormant'], recommendation: null }],
      ['s:b', { reasons: [], recommendation: null }],
      ['s:c', { reasons: ['grace_period'], recommendation: null }],
    ]);
    expect(changedContacts(current, reasons, stored).map((c) => c.id)).toEqual(['b', 'c']);
  });

  it('writes a contact whose reasons changed', () => {
    const stored = [tracked('a', 'mutual', { previousReasons: ['new_follower'] })];
    const changed = changedContacts([stored[0]!], new Map([['s:a', { reasons: [], recommendation: null }]]), stored);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.reasons).toEqual([]);
  });

  it('stores what the run recommended, writes a contact whose recommendation changed, and carries it over when the source was stale', () => {
    const stored = [tracked('a', 'following', { previousReasons: ['never_engaged'], previousRecommendation: 'review' })];
    const same = changedContacts([stored[0]!], new Map([['s:a', { reasons: ['never_engaged'], recommendation: 'review' }]]), stored);
    expect(same).toEqual([]);
    const changed = changedContacts([stored[0]!], new Map([['s:a', { reasons: ['never_engaged'], recommendation: 'unfollow' }]]), stored);
    expect(changed.map((c) => c.previousRecommendation)).toEqual(['unfollow']);
    // No verdict this run (its source was not read): what was stored stays.
    expect(changedContacts([stored[0]!], new Map(), stored)).toEqual([]);
    // A former follower has no recommendation: none is stored.
    const lost = changedContacts([stored[0]!], new Map([['s:a', { reasons: ['lost_follower'], recommendation: null }]]), stored);
    expect(lost[0]?.previousRecommendation).toBeUndefined();
  });
});

describe('a very large first pull', () => {
  it('merges a million new interactions without overflowing the call stack', async () => {
    const { mergePulls } = await import('../../../shared/app/merge-pulls.ts');
    const at = '2026-11-20T08:00:00.000Z';
    const interactions = Array.from({ length: 1_000_000 }, (_, i) => ({ id: `i${i}`, contactId: `c${i % 1000}`, kind: 'like' as const, direction: 'inbound' as const, at }));
    const merged = mergePulls({
      now: '2026-11-25T08:00:00.000Z',
      retentionDays: 730,
      outcomes: [
        {
          sourceId: 'big',
          platform: 'mastodon',
          ok: true,
          pull: { sourceId: 'big', platform: 'mastodon', takenAt: '2026-11-25T08:00:00.000Z', owner: { id: 'me', handle: '@me@x' }, contacts: [], interactions, contactsCompleteness: 'complete', interactionsCompleteness: 'complete', problems: [], requests: 0 },
        },
      ],
      storedContacts: [],
      storedSources: [],
      storedInteractions: [],
    });
    expect(merged.newInteractions).toHaveLength(1_000_000);
  }, 60_000);
});
