/**
 * The pure analysis: contacts, history and the owner's decisions in; a verdict
 * per contact, the community's figures and the stale sources out. No I/O and
 * no clock but `input.now`, so the same input always gives the same report.
 */
import type {
  Analysis,
  AnalysisInput,
  ContactStats,
  ContactVerdict,
  Recommendation,
  SourceRunState,
  SourceSight,
  StaleSource,
  TrackedContact,
} from './analysis-types.ts';
import { judgeContact } from './contact-reasons.ts';
import { ReasonMap, type ReadonlyReasonMap } from './reason-map.ts';
import { matchDecisions, unmatchedDecisions } from './decisions.ts';
import { computeFigures, figureDeltas } from './figures.ts';
import { followerChanges, keyOf } from './follower-changes.ts';
import { indexInteractions } from './interaction-index.ts';
import type { Observability } from './model.ts';
import { canonicalSight, SEES_EVERYTHING, silenceUnconfirmed } from './observability.ts';
import { recommend } from './recommend.ts';
import { computeStats, observationStartMs } from './stats.ts';
import { DAY_MS, parseInstant, toIso } from './time.ts';
import { supporterExample, TopSupporters, type SupporterCandidate } from './top-supporters.ts';
import { compareVerdicts } from './verdict-order.ts';

/** A contact judged, among the top supporters so far: its verdict is made again with its rank once all are ranked. */
interface Pending {
  contact: TrackedContact;
  /** Every place it is listed at (a contact listed twice gets the one verdict at each). */
  positions: { contact: TrackedContact; position: number }[];
  /** Its verdict's place in `verdicts`. */
  at: number;
  candidate: SupporterCandidate;
  reasons: ReasonMap;
  stats: ContactStats;
  recommendation: Recommendation;
  stale: boolean;
}

export function analyse(input: AnalysisInput): Analysis {
  const nowMs = parseInstant(input.now, 'now');
  const { policy } = input;
  const windowStartMs = nowMs - policy.lookbackDays * DAY_MS;
  const sources = new Map<string, SourceRunState>(input.sources.map((s) => [s.sourceId, s]));
  const historySince = new Map<string, number>(input.sources.map((s, i) => [s.sourceId, parseInstant(s.historySince, () => `sources[${i}].historySince`)]));
  const trackingSince = new Map<string, number>(
    input.sources.map((s, i) => [s.sourceId, parseInstant(s.trackingSince ?? s.historySince, () => `sources[${i}].trackingSince`)]),
  );
  // A source that declares nothing (or a contact of a source this run does not know) is judged as before: seeing everything.
  const sight = new Map<string, Observability>(input.sources.map((s) => [s.sourceId, canonicalSight(s.observes ?? SEES_EVERYTHING)]));
  const index = indexInteractions(input.interactions, nowMs);
  const decisions = matchDecisions(input.decisions, nowMs);
  const changes = followerChanges(input.current, input.previous, sources, input.previousIndex);
  // What changes says is all the analysis reads of the previous contacts (the former followers' records are in it).
  if (input.consumeCurrent === true) input.previous?.splice(0);
  const classifiers = input.classifiers ?? {};
  // Read from the contacts before they go.
  const unmatched = unmatchedDecisions(input.decisions, [...input.current, ...changes.formerFollowers.map((f) => f.contact)], nowMs);

  // Each contact's verdict is made as it is judged, and the contact goes then: a million contacts, their reasons
  // and stats held until all were judged, and the verdicts made after, did not fit side by side in a 1 GB
  // function. Only the top supporters so far (policy.topSupporters of them) wait for their rank; the verdicts
  // keep the contacts' order.
  const verdicts: ContactVerdict[] = [];
  const supporters = new TopSupporters<Pending>(policy.topSupporters);
  // The place of each contact's verdict, by source and then by its own id: no key string is made to look it up.
  const seen = new Map<string, Map<string, number>>();
  const pendingAt = new Map<number, Pending>();
  const handOver = (contact: TrackedContact, verdict: ContactVerdict, position: number): void => input.onVerdict?.(contact, verdict, position);
  for (let position = 0; position < input.current.length; position++) {
    const contact = input.current[position] as TrackedContact;
    if (input.consumeCurrent === true) input.current[position] = undefined as unknown as TrackedContact;
    let ofSource = seen.get(contact.sourceId);
    if (ofSource === undefined) seen.set(contact.sourceId, (ofSource = new Map()));
    const first = ofSource.get(contact.id);
    if (first !== undefined) {
      // A contact listed twice is judged once, and its verdict handed over at each place.
      const pending = pendingAt.get(first);
      if (pending !== undefined) pending.positions.push({ contact, position });
      else handOver(contact, verdicts[first] as ContactVerdict, position);
      continue;
    }
    ofSource.set(contact.id, verdicts.length);
    const key = keyOf(contact);
    const source = sources.get(contact.sourceId);
    // A contact of a source this run knows nothing about is judged as stale, from its own first sighting.
    const historySinceMs = historySince.get(contact.sourceId) ?? parseInstant(contact.firstSeenAt, () => `contact ${key} firstSeenAt`);
    const trackingSinceMs = trackingSince.get(contact.sourceId) ?? historySinceMs;
    const interactions = index.of(contact.sourceId, contact.id);
    const observes = sight.get(contact.sourceId) ?? SEES_EVERYTHING;
    const stats = computeStats(contact, interactions, { nowMs, windowStartMs, historySinceMs, trackingSinceMs });
    const ctx = {
      contact,
      stats,
      interactions,
      observationStartMs: observationStartMs(contact, historySinceMs, trackingSinceMs),
      nowMs,
      policy,
      audience: input.audience,
      classifiers,
      observes,
    };
    const { reasons, inGrace } = judgeContact(ctx, {
      interactionsStale: source?.interactions !== 'complete',
      trackingSinceMs,
      decision: decisions.decisionFor(contact),
    });
    const gained = changes.newFollowers.get(key);
    if (gained !== undefined) reasons.set('new_follower', gained);
    const lost = changes.lostStillContacts.get(key);
    if (lost !== undefined) reasons.set('lost_follower', lost);
    const stale = source === undefined || source.contacts !== 'complete' || source.interactions !== 'complete';
    // top_supporter is not among what a recommendation rests on: the rank, given after, leaves it as it is.
    const recommendation = recommend({ relation: contact.relation, reasons, stats, inGrace, policy, observes });
    const at = verdicts.length;
    const verdict = verdictOf(contact, contact.relation, recommendation, reasons, stats, stale, key);
    verdicts.push(verdict);
    const candidate: SupporterCandidate = { key, handle: contact.handle, stats, excluded: reasons.has('critic_only') || reasons.has('out_of_audience') };
    const pending: Pending = { contact, positions: [{ contact, position }], at, candidate, reasons, stats, recommendation, stale };
    const offered = supporters.offer(candidate, pending);
    if (offered.kept) pendingAt.set(at, pending);
    // Not (or no longer) among the top supporters: its verdict is final.
    for (const out of offered.dropped) {
      pendingAt.delete(out.at);
      for (const p of out.positions) handOver(p.contact, verdicts[out.at] as ContactVerdict, p.position);
    }
  }
  // A million entries: not needed past this point.
  seen.clear();
  if (input.consumeCurrent === true) input.current.length = 0;

  // The top supporters, ranked: each verdict made again with its rank and the reply it quotes.
  supporters.ranked().forEach((p, k) => {
    const { contact } = p;
    p.reasons.set('top_supporter', { rank: k + 1, score: p.stats.score, ...supporterExample(index.of(contact.sourceId, contact.id), windowStartMs, nowMs) });
    const verdict = verdictOf(contact, contact.relation, p.recommendation, p.reasons, p.stats, p.stale, p.candidate.key);
    verdicts[p.at] = verdict;
    for (const q of p.positions) handOver(q.contact, verdict, q.position);
  });
  pendingAt.clear();

  for (const { contact, evidence } of changes.formerFollowers) {
    const key = keyOf(contact);
    const formerHistorySinceMs = historySince.get(contact.sourceId) ?? parseInstant(contact.firstSeenAt, () => `previous contact ${key} firstSeenAt`);
    const stats = computeStats(contact, index.of(contact.sourceId, contact.id), {
      nowMs,
      windowStartMs,
      historySinceMs: formerHistorySinceMs,
      trackingSinceMs: trackingSince.get(contact.sourceId) ?? formerHistorySinceMs,
    });
    verdicts.push(verdictOf(contact, 'former_follower', null, new ReasonMap().set('lost_follower', evidence), stats, false));
  }

  verdicts.sort(compareVerdicts);
  const figures = computeFigures(verdicts, index, windowStartMs);
  return {
    now: input.now,
    windowStart: toIso(windowStartMs),
    verdicts,
    unmatchedDecisions: unmatched,
    figures,
    deltas: figureDeltas(figures, input.previousFigures),
    staleSources: staleSourcesOf(input.sources),
    sources: input.sources.map((s) => sightOf(s, sight.get(s.sourceId) ?? SEES_EVERYTHING)),
  };
}

function sightOf(s: SourceRunState, observes: Observability): SourceSight {
  const c = canonicalSight(observes);
  return { sourceId: s.sourceId, platform: s.platform, inbound: c.inbound, outbound: c.outbound, inboundHidden: c.inboundHidden, followDates: c.followDates, reviewOnly: silenceUnconfirmed(c) };
}

function verdictOf(
  contact: TrackedContact,
  relation: ContactVerdict['relation'],
  recommendation: ContactVerdict['recommendation'],
  reasons: ReadonlyReasonMap,
  stats: ContactStats,
  stale: boolean,
  /** keyOf(contact), when made already (one string a contact, not two). */
  key: string = keyOf(contact),
): ContactVerdict {
  // Reasons in vocabulary order, so reports and tests read them the same way every run.
  return new Verdict(key, contact, relation, recommendation, reasons.codes(), reasons.toEvidence(), stats, stale);
}

/**
 * A verdict as a plain data object (own enumerable fields, the optional ones only when set, in the order an
 * object literal gave them), made by a constructor: every verdict of a million shares one hidden class with
 * room for all its fields. As a literal with optional fields spread in, each also had a property array.
 */
class Verdict implements ContactVerdict {
  declare key: string;
  declare sourceId: string;
  declare platform: string;
  declare id: string;
  declare handle: string;
  declare displayName: string;
  declare profileUrl?: string;
  declare relation: ContactVerdict['relation'];
  declare state: ContactVerdict['state'];
  declare recommendation: ContactVerdict['recommendation'];
  declare reasons: ContactVerdict['reasons'];
  declare evidence: ContactVerdict['evidence'];
  declare stats: ContactStats;
  declare followedAt?: string;
  declare lastPostAt?: string;
  declare stale: boolean;

  constructor(
    key: string,
    contact: TrackedContact,
    relation: ContactVerdict['relation'],
    recommendation: ContactVerdict['recommendation'],
    reasons: ContactVerdict['reasons'],
    evidence: ContactVerdict['evidence'],
    stats: ContactStats,
    stale: boolean,
  ) {
    this.key = key;
    this.sourceId = contact.sourceId;
    this.platform = contact.platform;
    this.id = contact.id;
    this.handle = contact.handle;
    this.displayName = contact.displayName;
    if (contact.profileUrl !== undefined) this.profileUrl = contact.profileUrl;
    this.relation = relation;
    this.state = contact.state;
    this.recommendation = recommendation;
    this.reasons = reasons;
    this.evidence = evidence;
    this.stats = stats;
    if (contact.followedAt !== undefined) this.followedAt = contact.followedAt;
    if (contact.lastPostAt !== undefined) this.lastPostAt = contact.lastPostAt;
    this.stale = stale;
  }
}
// V8 sizes a class's instances by the fields its first few get: the first one made has every field, so that
// none made after keeps an optional one outside the object (in a property array of its own).
void new Verdict('', { sourceId: '', platform: '', id: '', handle: '', displayName: '', profileUrl: '', state: 'active', followedAt: '', lastPostAt: '' } as TrackedContact, 'following', null, [], {}, {} as ContactStats, false);

function staleSourcesOf(sources: readonly SourceRunState[]): StaleSource[] {
  return sources
    .filter((s) => s.contacts !== 'complete' || s.interactions !== 'complete')
    .map((s) => ({
      sourceId: s.sourceId,
      platform: s.platform,
      contacts: s.contacts,
      interactions: s.interactions,
      ...(s.lastCompleteAt !== undefined ? { lastCompleteAt: s.lastCompleteAt } : {}),
      problems: [...s.problems],
    }));
}
