/**
 * Per-contact figures the rules judge from: what happened in the lookback
 * window, what happened ever (interactions we hold plus the store's lifetime
 * totals, which outlive interaction TTL), and how long we have been watching.
 */
import type { ContactStats, TrackedContact } from './analysis-types.ts';
import type { InteractionKind } from './model.ts';
import type { TimedInteraction } from './interaction-index.ts';
import { laterIso, parseInstant, wholeDays } from './time.ts';

/** Window score weights: a reply or quote costs the contact more effort than a like. */
export const ENGAGEMENT_WEIGHTS: Readonly<Record<InteractionKind, number>> = {
  reply: 3,
  quote: 3,
  mention: 2,
  repost: 2,
  like: 1,
  follow: 0,
};

export interface StatsClock {
  nowMs: number;
  windowStartMs: number;
  /** The source's coverage horizon: observation never starts before it. */
  historySinceMs: number;
  /** The source's first pull (defaults to historySinceMs). */
  trackingSinceMs?: number;
}

/** Where a contact's observed history starts, and on what grounds. */
export interface Observation {
  startMs: number;
  /**
   * The tie's start is unknown (no follow date) and the contact was there at the
   * source's first pull: observation covers the whole history that pull read,
   * and followback itself has tracked the contact since `trackedSinceMs`.
   */
  followDateUnknown?: { trackedSinceMs: number };
}

export function isFollowing(relation: TrackedContact['relation']): boolean {
  return relation === 'following' || relation === 'mutual';
}

export function isFollower(relation: TrackedContact['relation']): boolean {
  return relation === 'follower' || relation === 'mutual';
}

/**
 * Start of the observed history: max(tie start, historySince). The tie start is
 * `followedAt` for accounts you follow and `followerSince` for followers you
 * don't follow. Without it (all of Mastodon, files without dates):
 *  - a contact that was already there at the source's first pull was part of
 *    the community before tracking began, so the history that first pull read
 *    (back to historySince) is evidence about it: silence across all of it is
 *    silence, even though the follow date is unknown;
 *  - a contact that appeared later started the tie when it was first seen.
 */
export function observationOf(contact: TrackedContact, historySinceMs: number, trackingSinceMs: number = historySinceMs): Observation {
  const followSide = isFollowing(contact.relation) ? contact.followedAt : contact.followerSince;
  if (followSide !== undefined) {
    return { startMs: Math.max(parseInstant(followSide, () => `contact ${contact.sourceId}:${contact.id} tie start`), historySinceMs) };
  }
  const firstSeenMs = parseInstant(contact.firstSeenAt, () => `contact ${contact.sourceId}:${contact.id} firstSeenAt`);
  if (firstSeenMs <= trackingSinceMs) return { startMs: Math.min(historySinceMs, firstSeenMs), followDateUnknown: { trackedSinceMs: firstSeenMs } };
  return { startMs: Math.max(firstSeenMs, historySinceMs) };
}

export function observationStartMs(contact: TrackedContact, historySinceMs: number, trackingSinceMs?: number): number {
  return observationOf(contact, historySinceMs, trackingSinceMs).startMs;
}

/** The counts by kind of a contact with nothing inbound in the window (frozen: every such contact shares it). */
const NO_INBOUND: Partial<Record<InteractionKind, number>> = Object.freeze({});

export function computeStats(contact: TrackedContact, interactions: readonly TimedInteraction[], clock: StatsClock): ContactStats {
  let inboundInWindow = 0;
  let outboundInWindow = 0;
  let inboundSeen = 0;
  let outboundSeen = 0;
  let score = 0;
  let lastInboundMs = -Infinity;
  let lastOutboundMs = -Infinity;
  let lastInboundAt: string | undefined;
  let lastOutboundAt: string | undefined;
  const inboundByKind: Partial<Record<InteractionKind, number>> = {};

  for (const i of interactions) {
    const inWindow = i.atMs >= clock.windowStartMs;
    if (i.direction === 'inbound') {
      inboundSeen += 1;
      if (i.atMs > lastInboundMs) {
        lastInboundMs = i.atMs;
        lastInboundAt = i.at;
      }
      if (inWindow) {
        inboundInWindow += 1;
        inboundByKind[i.kind] = (inboundByKind[i.kind] ?? 0) + 1;
        score += ENGAGEMENT_WEIGHTS[i.kind];
      }
    } else {
      outboundSeen += 1;
      if (i.atMs > lastOutboundMs) {
        lastOutboundMs = i.atMs;
        lastOutboundAt = i.at;
      }
      if (inWindow) outboundInWindow += 1;
    }
  }

  const observation = observationOf(contact, clock.historySinceMs, clock.trackingSinceMs);
  // Lifetime totals already include the interactions we hold, so the larger of the two is the truth.
  const lifetime = contact.lifetime;
  const lifetimeLastInbound = notAfter(lifetime?.lastInboundAt, clock.nowMs);
  const lifetimeLastOutbound = notAfter(lifetime?.lastOutboundAt, clock.nowMs);
  const stats: ContactStats = {
    inboundInWindow,
    // Most contacts engaged with nothing in the window: one shared empty object, not 56 bytes each.
    inboundByKind: inboundInWindow > 0 ? inboundByKind : NO_INBOUND,
    outboundInWindow,
    inboundTotal: Math.max(inboundSeen, lifetime?.inbound ?? 0),
    outboundTotal: Math.max(outboundSeen, lifetime?.outbound ?? 0),
    observedDays: Math.max(0, wholeDays(observation.startMs, clock.nowMs)),
    score,
  };
  if (observation.followDateUnknown !== undefined) stats.trackedDays = Math.max(0, wholeDays(observation.followDateUnknown.trackedSinceMs, clock.nowMs));
  const lastIn = laterIso(lastInboundAt, lifetimeLastInbound);
  const lastOut = laterIso(lastOutboundAt, lifetimeLastOutbound);
  if (lastIn !== undefined) stats.lastInboundAt = lastIn;
  if (lastOut !== undefined) stats.lastOutboundAt = lastOut;
  if (isFollowing(contact.relation) && contact.followedAt !== undefined) {
    stats.followedForDays = Math.max(0, wholeDays(parseInstant(contact.followedAt, () => `contact ${contact.sourceId}:${contact.id} followedAt`), clock.nowMs));
  }
  return stats;
}

/** A lifetime date after `now` (a run with a fixed clock in the past) is not known yet at `now`. */
function notAfter(iso: string | undefined, nowMs: number): string | undefined {
  if (iso === undefined) return undefined;
  return Date.parse(iso) <= nowMs ? iso : undefined;
}
