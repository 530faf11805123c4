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
import { supporterExample, topSupporters } from './top-supporters.ts';
import { compareVerdicts } from './verdict-order.ts';

interface Judged {
  contact: TrackedContact;
  /** Its position in the input's contacts. */
  position: number;
  /** The same contact listed again further on (rare): each gets this verdict too. */
  again?: { contact: TrackedContact; position: number }[];
  stats: ContactStats;
  reasons: ReasonMap;
  inGrace: boolean;
  stale: boolean;
  observes: Observability;
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
  const classifiers = input.classifiers ?? {};

  const judged: Judged[] = [];
  // Each contact's place in `judged`, by source and then by its own id: no key string is made to look it up.
  const seen = new Map<string, Map<string, number>>();
  for (let position = 0; position < input.current.length; position++) {
    const contact = input.current[position] as TrackedContact;
    let ofSource = seen.get(contact.sourceId);
    if (ofSource === undefined) seen.set(contact.sourceId, (ofSource = new Map()));
    const first = ofSource.get(contact.id);
    if (first !== undefined) {
      // A contact listed twice is judged once.
      const j = judged[first] as Judged;
      (j.again ??= []).push({ contact, position });
      continue;
    }
    ofSource.set(contact.id, judged.length);
    const source = sources.get(contact.sourceId);
    // A contact of a source this run knows nothing about is judged as stale, from its own first sighting.
    const historySinceMs = historySince.get(contact.sourceId) ?? parseInstant(contact.firstSeenAt, () => `contact ${keyOf(contact)} firstSeenAt`);
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
    // The key is made here only when some follower changed (its verdict makes it anyway, once held no longer).
    if (changes.newFollowers.size > 0 || changes.lostStillContacts.size > 0) {
      const key = keyOf(contact);
      const gained = changes.newFollowers.get(key);
      if (gained !== undefined) reasons.set('new_follower', gained);
      const lost = changes.lostStillContacts.get(key);
      if (lost !== undefined) reasons.set('lost_follower', lost);
    }
    const stale = source === undefined || source.contacts !== 'complete' || source.interactions !== 'complete';
    judged.push({ contact, position, stats, reasons, inGrace, stale, observes });
  }
  // A million entries: not needed past this point.
  seen.clear();

  // Read from the contacts before they go.
  const unmatched = unmatchedDecisions(input.decisions, [...input.current, ...changes.formerFollowers.map((f) => f.contact)], nowMs);
  if (input.consumeCurrent === true) input.current.length = 0;

  const supporters = topSupporters(
    // Only those who could rank (topSupporters leaves out the rest): a candidate for every contact of a million
    // was made at the step's largest point.
    judged.flatMap((j) => (j.stats.score > 0 ? [{ key: keyOf(j.contact), handle: j.contact.handle, stats: j.stats, excluded: j.reasons.has('critic_only') || j.reasons.has('out_of_audience') }] : [])),
    policy.topSupporters,
  );

  // Taken from the end of `judged`, each let go once judged: a million of them (a Map of reasons each) and the
  // verdicts made from them do not fit side by side in a 1 GB function. The verdicts keep the contacts' order.
  const verdicts: ContactVerdict[] = new Array<ContactVerdict>(judged.length);
  for (let k = judged.length - 1; k >= 0; k--) {
    const j = judged.pop();
    if (j === undefined) break;
    const key = keyOf(j.contact);
    const rank = supporters.get(key);
    if (rank !== undefined) j.reasons.set('top_supporter', { ...rank, ...supporterExample(index.of(j.contact.sourceId, j.contact.id), windowStartMs, nowMs) });
    const recommendation = recommend({ relation: j.contact.relation, reasons: j.reasons, stats: j.stats, inGrace: j.inGrace, policy, observes: j.observes });
    const verdict = verdictOf(j.contact, j.contact.relation, recommendation, j.reasons, j.stats, j.stale, key);
    verdicts[k] = verdict;
    if (input.onVerdict !== undefined) {
      input.onVerdict(j.contact, verdict, j.position);
      for (const again of j.again ?? []) input.onVerdict(again.contact, verdict, again.position);
    }
  }

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
