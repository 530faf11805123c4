/**
 * fast-check generators of whole analysis inputs: several sources in every
 * completeness state, contacts in every relation and account state, follow
 * dates known or not and first sightings before or after tracking began,
 * interactions of every kind and direction at any time (some after `now`, some
 * duplicated, some for nobody we know), a previous run's contacts and reasons,
 * and the owner's allowlist and snoozes by handle and by key.
 *
 * Ids and handles are drawn from small pools on purpose: collisions (the same
 * handle on two networks, a contact both current and previous, an interaction
 * id seen twice) are where judgement code goes wrong.
 */
import fc from 'fast-check';
import { Audience, Policy } from '../../../shared/config/schema.ts';
import { REASON_CODES } from '../../../shared/domain/analysis-types.ts';
import type { AnalysisInput, Classifiers, OwnerDecisions, ReasonCode, SourceRunState, TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Completeness, Interaction, Observability } from '../../../shared/domain/model.ts';

export const DAY_MS = 86_400_000;
const BASE_NOW_MS = Date.parse('2026-06-01T12:00:00.000Z');

const SOURCE_POOL = [
  { sourceId: 'masto', platform: 'mastodon' },
  { sourceId: 'sky', platform: 'bluesky' },
  { sourceId: 'file', platform: 'threads' },
] as const;
/** Contacts may also belong to a source this run knows nothing about. */
const ORPHAN_SOURCE = { sourceId: 'gone-source', platform: 'mastodon' } as const;
const ID_POOL = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'did:plc:x', 'did:plc:y'] as const;
const HANDLE_POOL = ['alice@example.social', 'bob@example.social', 'Carol@Example.Social', 'dan.bsky.social', 'eve', 'frank@x.y'] as const;

export type Generated = AnalysisInput & { classifierSeed: ClassifierSeed };

/** Whatever the random classifiers answer, as plain data (so a failing case prints readably). */
export interface ClassifierSeed {
  withTone: boolean;
  withAudience: boolean;
  /** The tone classifier failed this run. */
  toneFailed: boolean;
  /** Tone by interaction id; 'unknown' (or an id missing here) is a text the classifier could not tell. */
  toneById: Record<string, 'negative' | 'neutral' | 'positive' | 'unknown'>;
  /** Contact keys the audience oracle puts outside the audience. */
  outsideAudience: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** Days relative to now; fractional, so boundaries (exactly N days) and near-misses both come up. */
const dayOffset = (min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));

const completeness: fc.Arbitrary<Completeness> = fc.constantFrom('complete', 'complete', 'partial', 'failed');

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    lookbackDays: fc.integer({ min: 1, max: 200 }),
    minObservationDays: fc.integer({ min: 1, max: 90 }),
    graceDays: fc.integer({ min: 0, max: 30 }),
    dormantDays: fc.integer({ min: 1, max: 250 }),
    inactiveDays: fc.integer({ min: 1, max: 400 }),
    oneSidedThreshold: fc.integer({ min: 1, max: 6 }),
    topSupporters: fc.integer({ min: 0, max: 5 }),
    followBackMinInteractions: fc.integer({ min: 1, max: 3 }),
  })
  .map((p) => Policy.parse({ ...p, retentionDays: Math.max(30, p.lookbackDays) }));

const KIND_POOL = ['like', 'repost', 'reply', 'quote', 'mention'] as const;
type Kind = (typeof KIND_POOL)[number];
const kindsArb: fc.Arbitrary<Kind[]> = fc.subarray([...KIND_POOL]);

/**
 * What a source declares it sees: usually nothing declared (everything, as
 * Mastodon), often a partial sight (an export that sees no inbound at all, an
 * API that sees comments but not likes), in any order, with repeats and overlaps.
 */
export const observabilityArb: fc.Arbitrary<Observability> = fc.record({
  inbound: fc.oneof(kindsArb, fc.constant<Kind[]>([]), fc.array(fc.constantFrom(...KIND_POOL), { maxLength: 5 })),
  outbound: kindsArb,
  inboundHidden: fc.option(kindsArb, { nil: undefined }),
  followDates: fc.constantFrom('both' as const, 'following' as const, 'followers' as const, 'none' as const),
}).map((o): Observability => {
  const { inboundHidden, ...rest } = o;
  return inboundHidden !== undefined ? { ...rest, inboundHidden } : rest;
});

function sourceArb(nowMs: number, s: { sourceId: string; platform: string }): fc.Arbitrary<SourceRunState> {
  return fc
    .record({
      contacts: completeness,
      interactions: completeness,
      historyDaysAgo: dayOffset(0, 600),
      // The first pull: usually after the backfill horizon, sometimes absent (defaults to historySince).
      trackingDaysAfterHistory: fc.option(dayOffset(0, 400), { nil: undefined }),
      lastCompleteDaysAgo: fc.option(dayOffset(0, 100), { nil: undefined }),
      previousContactsComplete: fc.boolean(),
      problems: fc.array(fc.string(), { maxLength: 2 }),
      observes: fc.option(observabilityArb, { nil: undefined, freq: 2 }),
    })
    .map((r) => {
      const historyMs = nowMs - r.historyDaysAgo * DAY_MS;
      return {
        ...s,
        contacts: r.contacts,
        interactions: r.interactions,
        historySince: iso(historyMs),
        ...(r.trackingDaysAfterHistory !== undefined ? { trackingSince: iso(Math.min(nowMs, historyMs + r.trackingDaysAfterHistory * DAY_MS)) } : {}),
        ...(r.lastCompleteDaysAgo !== undefined ? { lastCompleteAt: iso(nowMs - r.lastCompleteDaysAgo * DAY_MS) } : {}),
        previousContactsComplete: r.previousContactsComplete,
        problems: r.problems,
        ...(r.observes !== undefined ? { observes: r.observes } : {}),
      };
    });
}

const optionalDate = (nowMs: number, min: number, max: number) => fc.option(dayOffset(min, max).map((d) => iso(nowMs - d * DAY_MS)), { nil: undefined });

function contactArb(nowMs: number, sourceIds: readonly { sourceId: string; platform: string }[]): fc.Arbitrary<TrackedContact> {
  return fc
    .record({
      source: fc.constantFrom(...sourceIds, ...sourceIds, ORPHAN_SOURCE),
      id: fc.constantFrom(...ID_POOL),
      handle: fc.constantFrom(...HANDLE_POOL),
      relation: fc.constantFrom('following', 'follower', 'mutual'),
      state: fc.constantFrom('active', 'active', 'active', 'moved', 'suspended', 'deleted', 'deactivated'),
      followedAt: optionalDate(nowMs, -2, 700),
      followerSince: optionalDate(nowMs, -2, 700),
      firstSeenDaysAgo: dayOffset(-1, 700),
      lastPostAt: optionalDate(nowMs, -5, 700),
      lifetime: fc.option(
        fc.record({
          inbound: fc.nat(5),
          outbound: fc.nat(12),
          lastInboundAt: optionalDate(nowMs, -30, 700),
          lastOutboundAt: optionalDate(nowMs, -30, 700),
        }),
        { nil: undefined },
      ),
      previousReasons: fc.option(fc.subarray([...REASON_CODES]), { nil: undefined }),
    })
    .map((r) => {
      const c: TrackedContact = {
        id: r.id,
        handle: r.handle,
        displayName: r.handle,
        bio: '',
        relation: r.relation,
        state: r.state,
        sourceId: r.source.sourceId,
        platform: r.source.platform,
        firstSeenAt: iso(nowMs - r.firstSeenDaysAgo * DAY_MS),
        lastSeenAt: iso(nowMs),
      };
      if (r.followedAt !== undefined) c.followedAt = r.followedAt;
      if (r.followerSince !== undefined) c.followerSince = r.followerSince;
      if (r.lastPostAt !== undefined) c.lastPostAt = r.lastPostAt;
      if (r.lifetime !== undefined) {
        c.lifetime = { inbound: r.lifetime.inbound, outbound: r.lifetime.outbound };
        if (r.lifetime.lastInboundAt !== undefined) c.lifetime.lastInboundAt = r.lifetime.lastInboundAt;
        if (r.lifetime.lastOutboundAt !== undefined) c.lifetime.lastOutboundAt = r.lifetime.lastOutboundAt;
      }
      if (r.previousReasons !== undefined) c.previousReasons = r.previousReasons as ReasonCode[];
      return c;
    });
}

function interactionArb(nowMs: number, sourceIds: readonly { sourceId: string }[]): fc.Arbitrary<Interaction & { sourceId: string }> {
  return fc
    .record({
      sourceId: fc.constantFrom(...sourceIds.map((s) => s.sourceId), ORPHAN_SOURCE.sourceId),
      contactId: fc.constantFrom(...ID_POOL, 'stranger'),
      kind: fc.constantFrom('like', 'repost', 'reply', 'quote', 'mention', 'follow'),
      direction: fc.constantFrom('inbound', 'outbound'),
      // Mostly the past two years, some after now (a backfill run with a fixed clock).
      daysAgo: dayOffset(-20, 700),
      text: fc.option(fc.constantFrom('thanks!', 'you are wrong', 'meh', '   ', 'great post'), { nil: undefined }),
    })
    .map((r) => ({
      id: '',
      sourceId: r.sourceId,
      contactId: r.contactId,
      kind: r.kind,
      direction: r.direction,
      at: iso(nowMs - r.daysAgo * DAY_MS),
      ...(r.text !== undefined ? { text: r.text } : {}),
    }));
}

/**
 * Ids are unique within a source (the model's contract); a stored and a freshly
 * pulled copy of the same interaction overlap, so some are repeated verbatim.
 */
function interactionsArb(nowMs: number, sourceIds: readonly { sourceId: string }[]): fc.Arbitrary<(Interaction & { sourceId: string })[]> {
  return fc
    .record({ list: fc.array(interactionArb(nowMs, sourceIds), { maxLength: 50 }), repeats: fc.array(fc.nat(), { maxLength: 6 }) })
    .map(({ list, repeats }) => {
      const unique = list.map((i, k) => ({ ...i, id: `i${k + 1}` }));
      const copies = repeats.flatMap((n) => {
        const original = unique[n % Math.max(1, unique.length)];
        return original === undefined ? [] : [{ ...original }];
      });
      return [...unique, ...copies];
    });
}

/** Entries that name real contacts (by handle in any case, with or without @, or by key) and some that name nobody. */
function decisionsArb(nowMs: number, contacts: readonly TrackedContact[]): fc.Arbitrary<OwnerDecisions> {
  const names = contacts.flatMap((c) => [c.handle, `@${c.handle.toUpperCase()}`, ` ${c.handle} `, `${c.sourceId}:${c.id}`]);
  const entry = fc.oneof(names.length > 0 ? fc.constantFrom(...names) : fc.constant('nobody@nowhere'), fc.constantFrom('nobody@nowhere', 'masto:zzz'));
  const until = fc.oneof(
    dayOffset(-40, 40).map((d) => iso(nowMs + d * DAY_MS)),
    fc.integer({ min: -40, max: 40 }).map((d) => iso(nowMs + d * DAY_MS).slice(0, 10)),
  );
  return fc.record({
    allowlist: fc.array(entry, { maxLength: 3 }),
    snoozed: fc.array(fc.record({ contact: entry, until }), { maxLength: 3 }),
  });
}

function classifierSeedArb(interactions: readonly { id: string }[], contacts: readonly TrackedContact[]): fc.Arbitrary<ClassifierSeed> {
  const ids = [...new Set(interactions.map((i) => i.id))];
  const keys = [...new Set(contacts.map((c) => `${c.sourceId}:${c.id}`))];
  return fc.record({
    withTone: fc.boolean(),
    withAudience: fc.boolean(),
    toneFailed: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    toneById: fc
      .array(fc.constantFrom('negative', 'negative', 'neutral', 'positive', 'unknown'), { minLength: ids.length, maxLength: ids.length })
      .map((tones) => Object.fromEntries(ids.map((id, k) => [id, tones[k] ?? 'neutral']))),
    outsideAudience: keys.length > 0 ? fc.subarray(keys) : fc.constant([]),
  });
}

/**
 * The one place that turns the random oracle into analyse()'s `Classifiers`.
 * Adapt here when the interface changes (tone by interaction id instead of by text).
 */
export function classifiersFrom(seed: ClassifierSeed, interactions: readonly { id: string; text?: string }[]): Classifiers {
  const classifiers: Classifiers = {};
  if (seed.withTone) {
    // Today tone is asked per text: answer with the tone of the first interaction carrying that text.
    const byText = new Map<string, 'negative' | 'neutral' | 'positive' | undefined>();
    for (const i of interactions) {
      if (i.text === undefined || byText.has(i.text)) continue;
      const tone = seed.toneById[i.id];
      byText.set(i.text, tone === 'unknown' ? undefined : tone);
    }
    classifiers.tone = (text) => byText.get(text);
    classifiers.toneClassifier = 'random';
    if (seed.toneFailed) classifiers.toneFailed = true;
  }
  if (seed.withAudience) {
    const outside = new Set(seed.outsideAudience);
    classifiers.audience = (c) => (outside.has(`${c.sourceId}:${c.id}`) ? { language: 'de', confidence: 0.9, languageShare: 1, textsRead: 2 } : null);
  }
  return classifiers;
}

export const analysisInputArb: fc.Arbitrary<Generated> = fc
  .record({
    nowOffsetDays: fc.integer({ min: -30, max: 30 }),
    policy: policyArb,
    sourceCount: fc.integer({ min: 1, max: SOURCE_POOL.length }),
  })
  .chain(({ nowOffsetDays, policy, sourceCount }) => {
    const nowMs = BASE_NOW_MS + nowOffsetDays * DAY_MS;
    const pool = SOURCE_POOL.slice(0, sourceCount);
    return fc
      .record({
        sources: fc.tuple(...pool.map((s) => sourceArb(nowMs, s))),
        current: fc.array(contactArb(nowMs, pool), { maxLength: 14 }),
        previous: fc.option(fc.array(contactArb(nowMs, pool), { maxLength: 14 }), { nil: null }),
        interactions: interactionsArb(nowMs, pool),
        previousFigures: fc.constant(null),
      })
      .chain((parts) =>
        fc
          .record({
            decisions: decisionsArb(nowMs, [...parts.current, ...(parts.previous ?? [])]),
            classifierSeed: classifierSeedArb(parts.interactions, parts.current),
          })
          .map(({ decisions, classifierSeed }) => ({
            now: iso(nowMs),
            policy,
            audience: Audience.parse({}),
            ...parts,
            sources: [...parts.sources],
            decisions,
            classifierSeed,
            classifiers: classifiersFrom(classifierSeed, parts.interactions),
          })),
      );
  });
