/**
 * Pure step between "what the sources returned" and "what the analysis reads":
 * merges this run's pulls with what the store remembers, without concluding
 * anything from data that is missing (a failed or partial pull keeps the last
 * known contacts).
 */
import type { SourceRunState, TrackedContact } from '../domain/analysis-types.ts';
import { FOLLOW_CODE, InteractionLog } from '../domain/interaction-log.ts';
import type { Completeness, Contact, Observability, SourcedInteraction, SourcePull } from '../domain/model.ts';
import type { SourceState } from '../ports/store.ts';

/**
 * A pull whose interactions are columns: the report step's, read back from the staged parts
 * (shared/domain/staged-parts.ts). A first import brings a million of them; as objects they did not fit
 * a 1 GB function beside the rest of the run.
 */
export type ColumnarPull = Omit<SourcePull, 'interactions'> & { interactions: InteractionLog };
export type AnyPull = SourcePull | ColumnarPull;

export type PullOutcome<P extends AnyPull = AnyPull> =
  | { sourceId: string; platform: string; ok: true; pull: P }
  | { sourceId: string; platform: string; ok: false; problem: string };

export type { SourcedInteraction };

export interface MergeInput {
  now: string;
  retentionDays: number;
  outcomes: PullOutcome[];
  storedContacts: TrackedContact[];
  storedSources: SourceState[];
  /** Interactions already in the store (ids are unique per source): plain, or the columns a run loads. */
  storedInteractions: readonly SourcedInteraction[] | InteractionLog;
  /**
   * What each configured source declares it can see, by source id (from the
   * config, so a failed pull still has it). A pull's own `observes` wins; a
   * source in neither is judged as seeing everything, as before declarations.
   */
  declared?: ReadonlyMap<string, Observability>;
  /**
   * Takes each pulled contact out of its pull once merged (the pulls' contact lists are left empty): the
   * merge makes its own, and a million pulled contacts need not sit beside them. Off by default.
   */
  consumePulled?: boolean;
  /**
   * Called with each contact of `current` as it is merged: its position, and its stored form (undefined: none).
   * What the caller needs of the stored form it works out here (the report step: its baseline).
   */
  onMerged?: (contact: TrackedContact, stored: TrackedContact | undefined, position: number) => void;
  /**
   * Replaces each stored contact in `storedContacts`, once merged (and handed to onMerged), by its source, id
   * and relation alone: the merged and the stored contacts of a million are then not all held at once.
   * `storedContacts` keeps its length and order. Off by default.
   */
  consumeStored?: boolean;
}

export interface MergeResult<N extends readonly SourcedInteraction[] | InteractionLog = SourcedInteraction[] | InteractionLog> {
  current: TrackedContact[];
  removedContactKeys: string[];
  /** Contacts first seen in a partial list: analysed this run, stored only once a complete pull confirms them. */
  unstoredContactKeys: string[];
  /**
   * For each contact of `current`, where its stored form is in `storedContacts` (-1: none, a contact new to the
   * store): the report finds what changed without a map of every stored contact by key.
   */
  storedIndex: Int32Array;
  /** In pull order; plain when every pull was plain, columns when any pull's interactions were columns. */
  newInteractions: N;
  sourceRuns: SourceRunState[];
  sourceStates: SourceState[];
}

export const contactKey = (sourceId: string, contactId: string): string => `${sourceId}:${contactId}`;

const DAY = 86_400_000;

export function mergePulls(input: MergeInput & { outcomes: PullOutcome<SourcePull>[] }): MergeResult<SourcedInteraction[]>;
export function mergePulls(input: MergeInput): MergeResult;
export function mergePulls(input: MergeInput): MergeResult {
  const nowMs = Date.parse(input.now);
  const retentionStart = nowMs - input.retentionDays * DAY;
  const storedIds = storedAmongPulled(input.storedInteractions, input.outcomes);

  const current: TrackedContact[] = [];
  const storedIndex: number[] = [];
  const removedContactKeys: string[] = [];
  const unstoredContactKeys: string[] = [];
  const columnar = input.outcomes.some((o) => o.ok && o.pull.interactions instanceof InteractionLog);
  const newInteractions: FreshRows = columnar ? new FreshLog() : new FreshArray();
  const sourceRuns: SourceRunState[] = [];
  const sourceStates: SourceState[] = [];

  for (const outcome of input.outcomes) {
    const stored = input.storedSources.find((s) => s.sourceId === outcome.sourceId);
    // This source's stored contacts: their positions, and each id's position (the last of equal ones), keyed
    // by the contacts' own id strings: no `sourceId:id` key is made for every stored contact. Positions, not
    // the contacts: `storedIndex` says where each merged contact's stored form is.
    const previousOfSource: number[] = [];
    const storedById = new Map<string, number>();
    input.storedContacts.forEach((c, k) => {
      if (c.sourceId !== outcome.sourceId) return;
      previousOfSource.push(k);
      storedById.set(c.id, k);
    });
    // 1 at the position an id of this pull was found at: the stored contacts the pull listed (no set of the pulled ids).
    const listed = new Uint8Array(input.storedContacts.length);
    const contactsCompleteness: Completeness = outcome.ok ? outcome.pull.contactsCompleteness : 'failed';
    const interactionsCompleteness: Completeness = outcome.ok ? outcome.pull.interactionsCompleteness : 'failed';
    const problems = outcome.ok ? outcome.pull.problems : [outcome.problem];
    const observes = (outcome.ok ? outcome.pull.observes : undefined) ?? input.declared?.get(outcome.sourceId);

    // Interactions first: they feed the lifetime totals of the contacts below.
    const freshByContact = new Map<string, FreshTotals>();
    if (outcome.ok) {
      // Ids of this source's interactions taken so far: the pull's own strings, none built (a first pull
      // brings a million).
      const seenThisPull = new Set<string>();
      // Expired ones would be deleted by TTL at once. Ones after the run's clock (a notification that
      // arrived between the scheduled time and the pull) are stored: the cursor has moved past them,
      // and the analysis of this run leaves them out by itself.
      const isFresh = (id: string, atMs: number): boolean => {
        if (atMs < retentionStart) return false;
        if (seenThisPull.has(id)) return false;
        if (storedIds.size > 0 && storedIds.has(`${outcome.sourceId}\u0000${id}`)) return false;
        seenThisPull.add(id);
        return true;
      };
      const pulled = outcome.pull.interactions;
      if (pulled instanceof InteractionLog) {
        // The columns: rows are chosen and counted, no interaction object is made.
        const chosen = new Uint8Array(pulled.length);
        let count = 0;
        for (let k = 0; k < pulled.length; k++) {
          if (!isFresh(pulled.idAt(k), pulled.atMsAt(k))) continue;
          chosen[k] = 1;
          count += 1;
          totalsOf(freshByContact, pulled.contactIdOfParty(pulled.partyAt(k))).addRow(pulled, k);
        }
        if (count === pulled.length) newInteractions.addAll(pulled);
        else for (let k = 0; k < pulled.length; k++) if (chosen[k] === 1) newInteractions.addRow(pulled, k);
      } else {
        for (const interaction of pulled) {
          if (!isFresh(interaction.id, Date.parse(interaction.at))) continue;
          const fresh = { ...interaction, sourceId: outcome.sourceId };
          newInteractions.add(fresh);
          totalsOf(freshByContact, interaction.contactId).add(fresh);
        }
      }
    }

    const pulled = outcome.ok && contactsCompleteness !== 'failed' ? outcome.pull.contacts : [];
    const listComplete = contactsCompleteness === 'complete';
    // With consumeStored: how many pulled contacts are still to be merged with each stored one (a pull may list
    // an id twice), so that each goes after its last.
    const toMerge = input.consumeStored === true ? new Uint8Array(input.storedContacts.length) : undefined;
    if (toMerge !== undefined) {
      for (const c of pulled) {
        const at = storedById.get(c.id);
        if (at !== undefined && (toMerge[at] as number) < 255) toMerge[at] = (toMerge[at] as number) + 1;
      }
    }
    const merged = (contact: TrackedContact, previous: TrackedContact | undefined, at: number): void => {
      current.push(contact);
      storedIndex.push(at);
      input.onMerged?.(contact, previous, current.length - 1);
      if (toMerge === undefined || previous === undefined) return;
      const left = toMerge[at] as number;
      if (left === 255) return; // listed that often: kept whole
      if (left > 1) toMerge[at] = left - 1;
      else input.storedContacts[at] = { sourceId: previous.sourceId, id: previous.id, relation: previous.relation } as TrackedContact;
    };
    for (let p = 0; p < pulled.length; p++) {
      const pulledContact = pulled[p] as Contact;
      if (input.consumePulled === true) pulled[p] = undefined as unknown as Contact;
      const at = storedById.get(pulledContact.id) ?? -1;
      if (at >= 0) listed[at] = 1;
      const previous = at >= 0 ? input.storedContacts[at] : undefined;
      // A partial list can show a mutual as merely followed (the followers half is missing):
      // its relations prove nothing, so the known relation stands until a complete pull.
      const named = withLastKnownName(pulledContact, previous);
      const contact = withLastKnownPost(!listComplete && previous ? { ...named, relation: previous.relation } : named, previous);
      merged(withSharedShape(track(contact, previous, outcome.sourceId, outcome.platform, input.now, freshByContact.get(contact.id))), previous, at);
      // Someone first seen in a partial list is analysed but not stored yet, so the next
      // complete pull still finds them new (and reports the new follower).
      if (!listComplete && !previous) unstoredContactKeys.push(contactKey(outcome.sourceId, pulledContact.id));
    }
    if (input.consumePulled === true && outcome.ok) outcome.pull.contacts = [];
    for (const at of previousOfSource) {
      const previous = input.storedContacts[at] as TrackedContact;
      // Listed by the pull: some pulled contact has its id (found at the last stored position of that id).
      if (listed[storedById.get(previous.id) as number] === 1) continue;
      if (contactsCompleteness === 'complete') {
        removedContactKeys.push(contactKey(previous.sourceId, previous.id));
      } else {
        // Not in a partial or failed list: keep the last known state; absence proves nothing.
        merged(withSharedShape(withLifetime(previous, freshByContact.get(previous.id))), previous, at);
      }
    }

    const pullHistorySince = outcome.ok ? outcome.pull.historySince : undefined;
    const historySince = earliest(stored?.historySince, interactionsCompleteness === 'failed' && !stored ? input.now : pullHistorySince) ?? input.now;
    const completeNow = contactsCompleteness === 'complete' && interactionsCompleteness === 'complete';
    const lastCompleteAt = completeNow ? input.now : stored?.lastCompleteAt;
    const contactsCompleteAt = listComplete ? input.now : (stored?.contactsCompleteAt ?? (stored?.lastContacts === 'complete' ? stored.lastPullAt : undefined));

    sourceRuns.push({
      sourceId: outcome.sourceId,
      platform: outcome.platform,
      trackingSince: stored?.trackingSince ?? input.now,
      contacts: contactsCompleteness,
      interactions: interactionsCompleteness,
      historySince,
      ...(lastCompleteAt !== undefined ? { lastCompleteAt } : {}),
      // The stored list is a complete baseline once any pull was complete: failed pulls leave it
      // untouched and partial ones change no relation, so changes are measured against it.
      previousContactsComplete: stored !== undefined && (stored.lastContacts === 'complete' || stored.contactsCompleteAt !== undefined || stored.lastCompleteAt !== undefined),
      problems,
      ...(observes !== undefined ? { observes } : {}),
    });

    const cursor = outcome.ok && outcome.pull.cursor !== undefined ? outcome.pull.cursor : stored?.cursor;
    sourceStates.push({
      sourceId: outcome.sourceId,
      platform: outcome.platform,
      ...(cursor !== undefined ? { cursor } : {}),
      trackingSince: stored?.trackingSince ?? input.now,
      historySince,
      lastPullAt: input.now,
      ...(lastCompleteAt !== undefined ? { lastCompleteAt } : {}),
      ...(contactsCompleteAt !== undefined ? { contactsCompleteAt } : {}),
      lastContacts: contactsCompleteness,
      lastInteractions: interactionsCompleteness,
      problems,
    });
  }

  return { current, removedContactKeys, unstoredContactKeys, storedIndex: Int32Array.from(storedIndex), newInteractions: newInteractions.result(), sourceRuns, sourceStates };
}

/**
 * The merged contact made over with a hidden class it shares. V8 (node 20 here) gives every object made as
 * `{ ...contact, more }` a hidden class of its own, about 400 bytes a contact; copied property by property
 * they share one per shape. Copied as each is merged: copied after the merge, a million of them, each with
 * its own class, were all alive at once (the step ran out of memory there).
 */
function withSharedShape(contact: TrackedContact): TrackedContact {
  return Object.assign({}, contact);
}

function track(contact: Contact, previous: TrackedContact | undefined, sourceId: string, platform: string, now: string, fresh: FreshTotals | undefined): TrackedContact {
  const isFollowing = contact.relation !== 'follower';
  const isFollower = contact.relation !== 'following';
  const wasFollowing = previous !== undefined && previous.relation !== 'follower';
  const wasFollower = previous !== undefined && previous.relation !== 'following';
  // The platform may not say when a follow began; if we saw it begin between two runs, "now" bounds it.
  const followedAt = contact.followedAt ?? (isFollowing ? (wasFollowing ? previous?.followedAt : previous ? now : undefined) : undefined);
  const followerSince = contact.followerSince ?? (isFollower ? (wasFollower ? previous?.followerSince : previous ? now : undefined) : undefined);
  const tracked: TrackedContact = {
    ...contact,
    sourceId,
    platform,
    firstSeenAt: previous?.firstSeenAt ?? now,
    lastSeenAt: now,
    ...(followedAt !== undefined ? { followedAt } : {}),
    ...(followerSince !== undefined ? { followerSince } : {}),
    ...(previous?.lifetime ? { lifetime: previous.lifetime } : {}),
    ...(previous?.previousReasons ? { previousReasons: previous.previousReasons } : {}),
    ...(previous?.previousRecommendation ? { previousRecommendation: previous.previousRecommendation } : {}),
  };
  if (!isFollowing) delete tracked.followedAt;
  if (!isFollower) delete tracked.followerSince;
  return withLifetime(tracked, fresh);
}

/**
 * A gone account (taken down, deactivated, deleted) has no profile left to read:
 * a source can only name it by its id (Bluesky: the bare DID). The owner knew it
 * by its handle and name, so the last known ones stay.
 */
function withLastKnownName(contact: Contact, previous: TrackedContact | undefined): Contact {
  if (!previous || contact.state === 'active' || contact.handle !== contact.id) return contact;
  return { ...contact, handle: previous.handle, displayName: contact.displayName === '' ? previous.displayName : contact.displayName };
}

/**
 * A source may leave an account's last post unread when nothing says it moved
 * (Bluesky: the post count is the stored one, see bluesky/account-checks.ts):
 * the stored date stands, else the account would look as if it never posted.
 * Only for an active account you follow, whose post count the pull read and
 * found unchanged: a follower's last post is never read (nor judged), and a
 * gone account is judged by its state.
 */
function withLastKnownPost(contact: Contact, previous: TrackedContact | undefined): Contact {
  if (previous?.lastPostAt === undefined || contact.lastPostAt !== undefined) return contact;
  if (contact.relation === 'follower' || contact.state !== 'active') return contact;
  if (contact.postsCount === undefined || contact.postsCount !== previous.postsCount) return contact;
  return { ...contact, lastPostAt: previous.lastPostAt };
}

/** Adds newly stored interactions (their totals) to the running totals that outlive the interaction TTL. */
function withLifetime(contact: TrackedContact, fresh: FreshTotals | undefined): TrackedContact {
  if (fresh === undefined) return contact;
  const lifetime = { inbound: 0, outbound: 0, ...contact.lifetime };
  lifetime.inbound += fresh.inbound;
  lifetime.outbound += fresh.outbound;
  const lastInboundAt = fresh.lastInboundAt();
  const lastOutboundAt = fresh.lastOutboundAt();
  if (lastInboundAt !== undefined) lifetime.lastInboundAt = latest(lifetime.lastInboundAt, lastInboundAt);
  if (lastOutboundAt !== undefined) lifetime.lastOutboundAt = latest(lifetime.lastOutboundAt, lastOutboundAt);
  return { ...contact, lifetime };
}

/**
 * One contact's new interactions of this run, as the lifetime totals need them: counts by direction and
 * the latest instant of each (the first of equal ones, as comparing one by one gave). A contact with only a
 * follow among them still gets totals (of zero), as before.
 */
class FreshTotals {
  inbound = 0;
  outbound = 0;
  #lastInbound: string | undefined;
  #lastOutbound: string | undefined;
  #log: InteractionLog | undefined;
  #lastInboundRow = -1;
  #lastOutboundRow = -1;

  add(i: SourcedInteraction): void {
    // Following you is a relation, not engagement: it must not make a silent follower count as engaged.
    if (i.kind === 'follow') return;
    if (i.direction === 'inbound') {
      this.inbound += 1;
      this.#lastInbound = latest(this.#lastInbound, i.at);
    } else {
      this.outbound += 1;
      this.#lastOutbound = latest(this.#lastOutbound, i.at);
    }
  }

  addRow(log: InteractionLog, k: number): void {
    if (log.kindCodeAt(k) === FOLLOW_CODE) return;
    this.#log = log;
    const ms = log.atMsAt(k);
    if (log.isInboundAt(k)) {
      this.inbound += 1;
      if (this.#lastInboundRow < 0 || ms > log.atMsAt(this.#lastInboundRow)) this.#lastInboundRow = k;
    } else {
      this.outbound += 1;
      if (this.#lastOutboundRow < 0 || ms > log.atMsAt(this.#lastOutboundRow)) this.#lastOutboundRow = k;
    }
  }

  lastInboundAt(): string | undefined {
    return this.#lastInboundRow >= 0 ? this.#log?.atAt(this.#lastInboundRow) : this.#lastInbound;
  }

  lastOutboundAt(): string | undefined {
    return this.#lastOutboundRow >= 0 ? this.#log?.atAt(this.#lastOutboundRow) : this.#lastOutbound;
  }
}

function totalsOf(byContact: Map<string, FreshTotals>, contactId: string): FreshTotals {
  let totals = byContact.get(contactId);
  if (totals === undefined) byContact.set(contactId, (totals = new FreshTotals()));
  return totals;
}

/** Where the run's new interactions go, in pull order. */
interface FreshRows {
  add(i: SourcedInteraction): void;
  addRow(log: InteractionLog, k: number): void;
  addAll(log: InteractionLog): void;
  result(): SourcedInteraction[] | InteractionLog;
}

/** The run's new interactions as plain objects (every pull was plain). */
class FreshArray implements FreshRows {
  readonly #rows: SourcedInteraction[] = [];
  add(i: SourcedInteraction): void {
    this.#rows.push(i);
  }
  addRow(log: InteractionLog, k: number): void {
    this.#rows.push(log.get(k));
  }
  addAll(log: InteractionLog): void {
    for (let k = 0; k < log.length; k++) this.#rows.push(log.get(k));
  }
  result(): SourcedInteraction[] {
    return this.#rows;
  }
}

/**
 * The run's new interactions as columns. A first import takes every pulled row: the pull's own log is
 * used as it is (copied only if a second source adds to it), so a million rows are never held twice.
 */
class FreshLog implements FreshRows {
  #log: InteractionLog | undefined;
  #borrowed = false;
  add(i: SourcedInteraction): void {
    this.#own().push(i);
  }
  addRow(log: InteractionLog, k: number): void {
    this.#own().pushRowOf(log, k);
  }
  addAll(log: InteractionLog): void {
    if (this.#log === undefined) {
      this.#log = log;
      this.#borrowed = true;
    } else this.#own().append(log);
  }
  result(): InteractionLog {
    return this.#log ?? new InteractionLog();
  }
  #own(): InteractionLog {
    if (this.#log === undefined) this.#log = new InteractionLog();
    else if (this.#borrowed) {
      const copy = new InteractionLog();
      copy.append(this.#log);
      this.#log = copy;
      this.#borrowed = false;
    }
    return this.#log;
  }
}

/**
 * The pulled interactions the store already holds, as "sourceId\u0000id". Only the pulled ids are
 * held in a set (a repeat run pulls few); the stored history is read once, not copied into a set.
 */
function storedAmongPulled(stored: readonly SourcedInteraction[] | InteractionLog, outcomes: readonly PullOutcome[]): Set<string> {
  // A first run: nothing stored, so nothing to look for (no set of the million pulled ids).
  if (stored.length === 0) return new Set();
  const wanted = new Map<string, Set<string>>();
  for (const outcome of outcomes) {
    if (!outcome.ok || outcome.pull.interactions.length === 0) continue;
    let ids = wanted.get(outcome.sourceId);
    if (ids === undefined) wanted.set(outcome.sourceId, (ids = new Set()));
    const pulled = outcome.pull.interactions;
    if (pulled instanceof InteractionLog) for (let k = 0; k < pulled.length; k++) ids.add(pulled.idAt(k));
    else for (const interaction of pulled) ids.add(interaction.id);
  }
  if (stored instanceof InteractionLog) return stored.idsAmong(wanted);
  const found = new Set<string>();
  for (const i of stored) if (wanted.get(i.sourceId)?.has(i.id) === true) found.add(`${i.sourceId}\u0000${i.id}`);
  return found;
}

function latest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) > Date.parse(a) ? b : a;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}
