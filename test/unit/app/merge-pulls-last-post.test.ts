/**
 * Issue 20: a Bluesky pull reads an account's last post only when the store
 * does not already answer for it (its post count unchanged). The merge keeps
 * the stored date for such an account: a pulled contact used to replace the
 * stored one whole, and an unread last post would have been lost, the account
 * looking as if it never posted.
 */
import { describe, expect, it } from 'vitest';
import { mergePulls, type PullOutcome } from '../../../shared/app/merge-pulls.ts';
import type { TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Contact, SourcePull } from '../../../shared/domain/model.ts';
import type { SourceState } from '../../../shared/ports/store.ts';

const NOW = '2026-12-02T09:00:00.000Z';
const EARLIER = '2026-11-25T09:00:00.000Z';
const POSTED = '2026-11-20T10:00:00.000Z';

const contact = (id: string, extra: Partial<Contact> = {}): Contact => ({
  id,
  handle: `${id}.test`,
  displayName: id,
  bio: '',
  relation: 'following',
  state: 'active',
  followedAt: '2026-01-01T00:00:00.000Z',
  postsCount: 12,
  ...extra,
});
const stored = (id: string, extra: Partial<TrackedContact> = {}): TrackedContact => ({
  ...contact(id),
  lastPostAt: POSTED,
  sourceId: 'bsky',
  platform: 'bluesky',
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: EARLIER,
  ...extra,
});
const outcome = (contacts: Contact[], over: Partial<SourcePull> = {}): PullOutcome => ({
  sourceId: 'bsky',
  platform: 'bluesky',
  ok: true,
  pull: {
    sourceId: 'bsky',
    platform: 'bluesky',
    takenAt: NOW,
    owner: { id: 'did:plc:owner', handle: 'owner.test' },
    contacts,
    interactions: [],
    contactsCompleteness: 'complete',
    interactionsCompleteness: 'complete',
    problems: [],
    requests: 1,
    ...over,
  },
});
const source: SourceState = { sourceId: 'bsky', platform: 'bluesky', trackingSince: EARLIER, historySince: EARLIER, lastContacts: 'complete', lastInteractions: 'complete', problems: [] };

function merged(pulled: Contact, previous: TrackedContact, over: Partial<SourcePull> = {}): TrackedContact {
  const result = mergePulls({ now: NOW, retentionDays: 730, outcomes: [outcome([pulled], over)], storedContacts: [previous], storedSources: [source], storedInteractions: [] });
  const found = result.current.find((c) => c.id === pulled.id);
  if (found === undefined) throw new Error(`${pulled.id} not merged`);
  return found;
}

describe('the merge and a last post the pull did not read', () => {
  it('keeps the stored lastPostAt when the pull did not read it and the post count is unchanged', () => {
    const result = merged(contact('a'), stored('a'));
    expect(result.lastPostAt).toBe(POSTED);
    expect(result.postsCount).toBe(12);
  });

  it('keeps it for a mutual, and in a partial list', () => {
    expect(merged(contact('m', { relation: 'mutual' }), stored('m', { relation: 'mutual' })).lastPostAt).toBe(POSTED);
    expect(merged(contact('p'), stored('p'), { contactsCompleteness: 'partial' }).lastPostAt).toBe(POSTED);
  });

  it('a last post the pull read replaces the stored one', () => {
    expect(merged(contact('a', { postsCount: 13, lastPostAt: NOW }), stored('a')).lastPostAt).toBe(NOW);
    // Read and the same count: the pull's date is the newer truth (a repost moves it without a post).
    expect(merged(contact('a', { lastPostAt: '2026-12-01T00:00:00.000Z' }), stored('a')).lastPostAt).toBe('2026-12-01T00:00:00.000Z');
  });

  it('does not keep it when the post count moved or is unknown: the stored date no longer answers', () => {
    expect(merged(contact('a', { postsCount: 13 }), stored('a')).lastPostAt).toBeUndefined();
    expect(merged(contact('a', { postsCount: 11 }), stored('a')).lastPostAt).toBeUndefined();
    const { postsCount: _count, ...withoutCount } = contact('a');
    expect(merged(withoutCount, stored('a')).lastPostAt).toBeUndefined();
    expect(merged(contact('a'), stored('a', { postsCount: undefined })).lastPostAt).toBeUndefined();
  });

  it('does not keep it for a follower you do not follow (never judged on it) or an account no longer active', () => {
    expect(merged(contact('f', { relation: 'follower' }), stored('f')).lastPostAt).toBeUndefined();
    expect(merged(contact('s', { state: 'suspended' }), stored('s')).lastPostAt).toBeUndefined();
    expect(merged(contact('d', { state: 'deactivated' }), stored('d')).lastPostAt).toBeUndefined();
  });

  it('a contact with no stored last post stays without one', () => {
    const { lastPostAt: _at, ...none } = stored('n');
    expect(merged(contact('n'), none).lastPostAt).toBeUndefined();
    expect(merged(contact('new'), stored('other')).lastPostAt).toBeUndefined();
  });
});
