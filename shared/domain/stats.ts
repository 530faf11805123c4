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

/** Distinct counts by kind seen so far, by their JSON (keys in the order counted): a contact's are one of few. */
const COUNTS = new Map<string, Partial<Record<InteractionKind, number>>>();
/** How many distinct counts are kept to share; past it, each contact keeps its own. */
const MAX_SHARED_COUNTS = 10_000;

/**
 * The counts by kind, as one shared frozen object per distinct value (the same keys in the same order):
 * the contacts that engaged in the window mostly did so once or twice, and a million of them need not
 * each keep an object.
 */
function sharedCounts(counts: Partial<Record<InteractionKind, number>>): Partial<Record<InteractionKind, number>> {
  const text = JSON.stringify(counts);
  const known = COUNTS.get(text);
  if (known !== undefined) return known;
  if (COUNTS.size >= MAX_SHARED_COUNTS) return counts;
  const frozen = Object.freeze(counts);
  COUNTS.set(text, frozen);
  return frozen;
}

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
  const lastIn = laterIso(lastInboundAt, lifetimeLastInbound);
  const lastOut = laterIso(lastOutboundAt, lifetimeLastOutbound);
  return new Stats(
    inboundInWindow,
    // Most contacts engaged with nothing in the window: one shared empty object, not 56 bytes each.
    inboundInWindow > 0 ? sharedCounts(inboundByKind) : NO_INBOUND,
    outboundInWindow,
    Math.max(inboundSeen, lifetime?.inbound ?? 0),
    Math.max(outboundSeen, lifetime?.outbound ?? 0),
    Math.max(0, wholeDays(observation.startMs, clock.nowMs)),
    score,
    observation.followDateUnknown !== undefined ? Math.max(0, wholeDays(observation.followDateUnknown.trackedSinceMs, clock.nowMs)) : undefined,
    lastIn,
    lastOut,
    isFollowing(contact.relation) && contact.followedAt !== undefined
      ? Math.max(0, wholeDays(parseInstant(contact.followedAt, () => `contact ${contact.sourceId}:${contact.id} followedAt`), clock.nowMs))
      : undefined,
  );
}

/**
 * A contact's stats as a plain data object (own enumerable fields, the optional ones only when set), made by
 * a constructor so that every one shares a hidden class with room for all its fields: as an object literal
 * with the optional fields added after, each of a million also had a property array of its own (about 50
 * bytes). The keys come in the order the literal gave them.
 */
class Stats implements ContactStats {
  declare inboundInWindow: number;
  declare inboundByKind: ContactStats['inboundByKind'];
  declare outboundInWindow: number;
  declare inboundTotal: number;
  declare outboundTotal: number;
  declare observedDays: number;
  declare score: number;
  declare trackedDays?: number;
  declare lastInboundAt?: string;
  declare lastOutboundAt?: string;
  declare followedForDays?: number;

  constructor(
    inboundInWindow: number,
    inboundByKind: ContactStats['inboundByKind'],
    outboundInWindow: number,
    inboundTotal: number,
    outboundTotal: number,
    observedDays: number,
    score: number,
    trackedDays: number | undefined,
    lastInboundAt: string | undefined,
    lastOutboundAt: string | undefined,
    followedForDays: number | undefined,
  ) {
    this.inboundInWindow = inboundInWindow;
    this.inboundByKind = inboundByKind;
    this.outboundInWindow = outboundInWindow;
    this.inboundTotal = inboundTotal;
    this.outboundTotal = outboundTotal;
    this.observedDays = observedDays;
    this.score = score;
    if (trackedDays !== undefined) this.trackedDays = trackedDays;
    if (lastInboundAt !== undefined) this.lastInboundAt = lastInboundAt;
    if (lastOutboundAt !== undefined) this.lastOutboundAt = lastOutboundAt;
    if (followedForDays !== undefined) this.followedForDays = followedForDays;
  }
}
// V8 sizes a class's instances by the fields its first few get: the first one made has every field, so that
// none made after keeps an optional one outside the object (in a property array of its own).
void new Stats(0, NO_INBOUND, 0, 0, 0, 0, 0, 0, '', '', 0);

/** A lifetime date after `now` (a run with a fixed clock in the past) is not known yet at `now`. */
function notAfter(iso: string | undefined, nowMs: number): string | undefined {
  if (iso === undefined) return undefined;
  return Date.parse(iso) <= nowMs ? iso : undefined;
}
