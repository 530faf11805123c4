/**
 * Small builders for analysis inputs. Times are given as days before a fixed
 * NOW, which keeps boundary tests readable (`daysAgo(30)` is exactly 30 days).
 */
import { Audience, Policy } from '../../../shared/config/schema.ts';
import type { AnalysisInput, ContactVerdict, SourceRunState, TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Interaction } from '../../../shared/domain/model.ts';

export const NOW = '2026-06-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const DAY = 86_400_000;

export const daysAgo = (days: number): string => new Date(NOW_MS - days * DAY).toISOString();
export const msAgo = (ms: number): string => new Date(NOW_MS - ms).toISOString();

/**
 * Defaults of the config schema (lookback 90, minObservation 30, grace 14,
 * dormant 120, inactive 180, oneSided 5, followBack 1) except topSupporters,
 * which is 0 so that tests of other reasons can compare whole reason lists;
 * top supporter tests set it.
 */
export const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...Policy.parse({}), topSupporters: 0, ...overrides });

export function contact(id: string, overrides: Partial<TrackedContact> = {}): TrackedContact {
  return {
    id,
    handle: `${id}@example.social`,
    displayName: id,
    bio: '',
    relation: 'following',
    state: 'active',
    sourceId: 'masto',
    platform: 'mastodon',
    // Followed long ago and seen from the start of tracking: fully judgeable by default.
    followedAt: daysAgo(400),
    firstSeenAt: daysAgo(365),
    lastSeenAt: daysAgo(0),
    ...overrides,
  };
}

export const follower = (id: string, overrides: Partial<TrackedContact> = {}): TrackedContact => {
  const c = contact(id, { relation: 'follower', followerSince: daysAgo(400), ...overrides });
  if (!('followedAt' in overrides)) delete c.followedAt;
  return c;
};

let sequence = 0;
export function interaction(
  contactId: string,
  kind: Interaction['kind'],
  direction: Interaction['direction'],
  at: string,
  extra: Partial<Interaction & { sourceId: string }> = {},
): Interaction & { sourceId: string } {
  sequence += 1;
  return { id: `i${sequence}`, contactId, kind, direction, at, sourceId: 'masto', ...extra };
}

export const inbound = (contactId: string, at: string, kind: Interaction['kind'] = 'like', extra: Partial<Interaction & { sourceId: string }> = {}) =>
  interaction(contactId, kind, 'inbound', at, extra);
export const outbound = (contactId: string, at: string, kind: Interaction['kind'] = 'like', extra: Partial<Interaction & { sourceId: string }> = {}) =>
  interaction(contactId, kind, 'outbound', at, extra);

export function source(overrides: Partial<SourceRunState> = {}): SourceRunState {
  return {
    sourceId: 'masto',
    platform: 'mastodon',
    contacts: 'complete',
    interactions: 'complete',
    historySince: daysAgo(365),
    previousContactsComplete: true,
    problems: [],
    ...overrides,
  };
}

export function input(overrides: Partial<AnalysisInput> = {}): AnalysisInput {
  return {
    now: NOW,
    policy: policy(),
    audience: Audience.parse({}),
    decisions: { allowlist: [], snoozed: [] },
    sources: [source()],
    current: [],
    previous: null,
    interactions: [],
    ...overrides,
  };
}

/** The verdict of one contact, failing loudly when it is missing. */
export function verdictOf(verdicts: ContactVerdict[], id: string, sourceId = 'masto'): ContactVerdict {
  const found = verdicts.find((v) => v.id === id && v.sourceId === sourceId);
  if (found === undefined) throw new Error(`no verdict for ${sourceId}:${id}; have ${verdicts.map((v) => v.key).join(', ')}`);
  return found;
}
