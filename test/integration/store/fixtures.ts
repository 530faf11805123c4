/** Builders of valid store inputs; each test overrides only what it is about. */
import type { ReasonCode, TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Interaction } from '../../../shared/domain/model.ts';
import type { RunChanges, RunRecord, SourceState } from '../../../shared/ports/store.ts';

export type ContactToStore = TrackedContact & { reasons: ReasonCode[] };

export function contact(id: string, overrides: Partial<ContactToStore> = {}): ContactToStore {
  return {
    id,
    handle: `${id}@example.social`,
    displayName: `Person ${id}`,
    bio: '',
    relation: 'following',
    state: 'active',
    sourceId: 'mastodon',
    platform: 'mastodon',
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-11-01T00:00:00.000Z',
    reasons: [],
    ...overrides,
  };
}

export function interaction(id: string, at: string, overrides: Partial<Interaction & { sourceId: string }> = {}): Interaction & { sourceId: string } {
  return { id, contactId: 'c1', kind: 'like', direction: 'inbound', at, sourceId: 'mastodon', ...overrides };
}

export function sourceState(overrides: Partial<SourceState> = {}): SourceState {
  return {
    sourceId: 'mastodon',
    platform: 'mastodon',
    trackingSince: '2026-01-01T00:00:00.000Z',
    historySince: '2025-12-01T00:00:00.000Z',
    lastContacts: 'complete',
    lastInteractions: 'complete',
    problems: [],
    ...overrides,
  };
}

export function runRecord(runId: string, at: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    profileId: 'alice',
    runId,
    at,
    startedAt: at,
    finishedAt: at,
    dryRun: false,
    figures: {
      following: 10,
      followers: 12,
      mutuals: 5,
      engagedFollowingShare: 0.5,
      engagedFollowerShare: 0.25,
      engagedFollowing: 5,
      engagedFollowers: 3,
      suggestedUnfollows: 2,
      suggestedReviews: 1,
      suggestedFollowBacks: 1,
      newFollowers: 1,
      lostFollowers: 0,
      inboundInWindow: 40,
      outboundInWindow: 20,
    },
    sources: [{ sourceId: 'mastodon', platform: 'mastodon', contacts: 'complete', interactions: 'complete', problems: [] }],
    writes: { contactsWritten: 0, contactsRemoved: 0, interactionsWritten: 0, sourcesWritten: 0, items: 1 },
    ...overrides,
  };
}

export function changes(overrides: Partial<RunChanges> = {}): RunChanges {
  return {
    contacts: [],
    removedContactKeys: [],
    interactions: [],
    sources: [],
    run: runRecord('run-1', '2026-11-25T08:00:00.000Z'),
    ...overrides,
  };
}
