/**
 * One source's pull, assembled from the parts its pull steps staged. A list
 * read over several steps is one snapshot: each page was fetched once, so
 * every account is in one part; an account met in both lists (follower in one
 * step, followed in another) is a mutual, as in a pull read in one go.
 *
 * Followers are dated here too. A follow notification says when a follower
 * started following, but the notification and the follower are often read in
 * different steps, and carrying every date from step to step in the checkpoint
 * would make it grow with the follower count. The parts hold the notifications
 * anyway, so the dates are taken from all of them, by the rule the source's
 * whole pull uses, and a stepped pull dates every follower a whole pull dates.
 */
import { FOLLOW_CODE, InteractionLog } from '../domain/interaction-log.ts';
import type { ApiNote, Completeness, Contact, Interaction, SourcePull } from '../domain/model.ts';
import type { StagedPartHead, StagedParts } from '../domain/staged-parts.ts';
import { contactFieldsOf, parseUnchangedEntry, positionsOf } from '../domain/contact-fingerprint.ts';
import type { FiringSource } from '../ports/firing-store.ts';
import type { ColumnarPull, PullOutcome } from './merge-pulls.ts';

/** The problem a source unfinished at maxPullHours carries into the report. */
export const maxPullHoursProblem = (hours: number): string =>
  `not finished within maxPullHours (${hours} h): what was read is used, nothing is concluded from what was not (no lost followers from this list); the next firing reads it again`;

/**
 * The staged parts as the report step reads them back (StagedParts: the interactions already columns) give a
 * pull whose interactions are that log; plain parts (tests, an in-process pull) give a plain pull.
 */
/**
 * How the report step fills in the contacts a pull step staged as unchanged (shared/domain/contact-fingerprint.ts):
 * `stored(id)` is the stored contact of this source, and `carried` receives, for each one that came through the
 * assembly as it went in, its fingerprint (the index the report writes next keeps it).
 */
export interface UnchangedContacts {
  /** The stored contact of this source with this id (contacts staged in the first form, by fingerprint and id). */
  stored(id: string): Contact | undefined;
  /**
   * The stored contact known at a position of a generation of the source's fingerprints, and its fingerprint
   * there; undefined when none is (forgotten since, or the generation is gone).
   */
  at?(generation: string, position: number): { stored: Contact; fingerprint: bigint } | undefined;
  /**
   * Set by assemblePull: for the assembled contact at each position, the fingerprint it was staged under when
   * it was filled in and came through as it went in, else 0 (8 bytes a contact: a million are 8 MB, where a
   * map of them took over 100).
   */
  carried?: BigUint64Array;
}

export function assemblePull(source: FiringSource, parts: StagedParts, now: Date, maxPullHours: number, unchanged?: UnchangedContacts): PullOutcome<ColumnarPull>;
export function assemblePull(source: FiringSource, parts: SourcePull[], now: Date, maxPullHours: number): PullOutcome<SourcePull>;
export function assemblePull(source: FiringSource, parts: SourcePull[] | StagedParts, now: Date, maxPullHours: number, unchanged?: UnchangedContacts): PullOutcome;
export function assemblePull(source: FiringSource, input: SourcePull[] | StagedParts, now: Date, maxPullHours: number, unchanged?: UnchangedContacts): PullOutcome {
  const parts: readonly (SourcePull | StagedPartHead)[] = Array.isArray(input) ? input : input.parts;
  const last = parts.at(-1);
  if (last === undefined) {
    return { sourceId: source.sourceId, platform: source.platform, ok: false, problem: source.problem ?? 'no pull step reached this source' };
  }
  const interactions: Interaction[] | InteractionLog = Array.isArray(input) ? input.flatMap((p) => p.interactions) : input.interactions;
  const since = followerSince(interactions, FOLLOW_DATE_RULE[source.platform]);
  // Unchanged contacts first, so a fresh form of the same account in another part (followed since) wins.
  const { resolved, fingerprints, missing } = resolveUnchanged(parts, unchanged);
  const contacts = withFollowerSince(mergeContacts([...resolved, ...parts.flatMap((p) => p.contacts)]), since);
  if (unchanged !== undefined) {
    const carried = new BigUint64Array(contacts.length);
    contacts.forEach((c, k) => {
      carried[k] = fingerprints.get(c) ?? 0n;
    });
    unchanged.carried = carried;
  }
  const problems = [...new Set(parts.flatMap((p) => p.problems))];
  if (missing > 0) problems.push(unstoredUnchangedProblem(missing));
  // Only a finished read knows its completeness; one cut short is partial, whatever its parts said so far.
  const finished = source.phase === 'complete' || (source.phase === 'partial' && source.checkpoint === undefined);
  const cut = (c: Completeness): Completeness => (finished ? c : contacts.length + interactions.length === 0 && c === 'failed' ? 'failed' : c === 'complete' ? 'partial' : c);
  // A contact read but not found to fill in is missing data: the list proves no one left.
  const cutContacts = (c: Completeness): Completeness => (missing > 0 && c === 'complete' ? 'partial' : cut(c));
  if (!finished) problems.push(source.phase === 'failed' && source.problem !== undefined ? `failed after part of the read: ${source.problem}` : maxPullHoursProblem(maxPullHours));
  const historySince = [...parts].reverse().find((p) => p.historySince !== undefined)?.historySince;
  const cursor = [...parts].reverse().find((p) => p.cursor !== undefined)?.cursor;
  const observes = [...parts].reverse().find((p) => p.observes !== undefined)?.observes;
  const exportAge = [...parts].reverse().find((p) => p.exportAge !== undefined)?.exportAge;
  const api = apiNoteOf(parts);
  const head = {
    sourceId: source.sourceId,
    platform: source.platform,
    takenAt: now.toISOString(),
    owner: last.owner,
    contacts,
    contactsCompleteness: cutContacts(last.contactsCompleteness),
    interactionsCompleteness: cut(last.interactionsCompleteness),
    ...(historySince !== undefined ? { historySince } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    problems,
    requests: parts.reduce((n, p) => n + p.requests, 0),
    ...(observes !== undefined ? { observes } : {}),
    ...(exportAge !== undefined ? { exportAge } : {}),
    ...(api !== undefined ? { api } : {}),
  };
  const outcome = { sourceId: source.sourceId, platform: source.platform, ok: true as const };
  return interactions instanceof InteractionLog ? { ...outcome, pull: { ...head, interactions } } : { ...outcome, pull: { ...head, interactions } };
}

/**
 * The API note of a read over several steps: what each step spent adds up; the
 * month so far, the caps and the token are the latest step's (each step
 * counts the month with what came before it, and a token refreshed in a later
 * step replaces what an earlier one said); the skipped reads of every step;
 * and the read went well only if every step's did.
 */
export function apiNoteOf(parts: readonly Pick<SourcePull, 'api'>[]): ApiNote | undefined {
  const notes = parts.flatMap((p) => (p.api !== undefined ? [p.api] : []));
  const last = notes.at(-1);
  if (last === undefined) return undefined;
  const spent = notes.filter((n) => n.spentUsd !== undefined);
  const skipped = [...new Set(notes.flatMap((n) => n.skipped))].slice(0, 50);
  const latest = <K extends 'monthSpentUsd' | 'maxSpendUsd' | 'maxSpendUsdPerMonth'>(key: K): ApiNote[K] => [...notes].reverse().find((n) => n[key] !== undefined)?.[key];
  const month = latest('monthSpentUsd');
  const cap = latest('maxSpendUsd');
  const monthCap = latest('maxSpendUsdPerMonth');
  const token = [...notes].reverse().find((n) => n.token !== undefined)?.token;
  return {
    network: last.network,
    ok: notes.every((n) => n.ok),
    ...(spent.length > 0 ? { spentUsd: spent.reduce((sum, n) => sum + (n.spentUsd ?? 0), 0) } : {}),
    ...(month !== undefined ? { monthSpentUsd: month } : {}),
    ...(cap !== undefined ? { maxSpendUsd: cap } : {}),
    ...(monthCap !== undefined ? { maxSpendUsdPerMonth: monthCap } : {}),
    skipped,
    ...(token !== undefined ? { token: { ...token } } : {}),
  };
}

/** What a report says when contacts staged as unchanged are no longer stored (forgotten between the pull and the report). */
export function unstoredUnchangedProblem(missing: number): string {
  return `${missing === 1 ? '1 contact' : `${missing} contacts`} read as unchanged since the last report ${missing === 1 ? 'is' : 'are'} no longer stored (forgotten meanwhile?): the list is partial this time`;
}

/** The stored contacts behind the parts' unchanged entries, each with the fingerprint it was staged under. */
function resolveUnchanged(parts: readonly (SourcePull | StagedPartHead)[], unchanged: UnchangedContacts | undefined): { resolved: Contact[]; fingerprints: Map<Contact, bigint>; missing: number } {
  const resolved: Contact[] = [];
  const fingerprints = new Map<Contact, bigint>();
  let missing = 0;
  const fill = (stored: Contact | undefined, fingerprint: bigint): void => {
    if (stored === undefined) {
      missing += 1;
      return;
    }
    const contact = contactFieldsOf(stored);
    resolved.push(contact);
    fingerprints.set(contact, fingerprint);
  };
  for (const part of parts) {
    const at = 'unchangedAt' in part ? part.unchangedAt : undefined;
    if (at !== undefined) {
      for (const position of positionsOf(at.gaps)) {
        const known = unchanged?.at?.(at.generation, position);
        fill(known?.stored, known?.fingerprint ?? 0n);
      }
    }
    // Earlier forms, of parts staged before positions: by id, and first `<fingerprint><id>`.
    if ('unchangedIds' in part && part.unchangedIds !== undefined) {
      for (const id of part.unchangedIds) fill(unchanged?.stored(id), 0n);
    }
    if ('unchanged' in part && part.unchanged !== undefined) {
      for (const entry of part.unchanged) {
        const { fingerprint, id } = parseUnchangedEntry(entry);
        fill(unchanged?.stored(id), fingerprint);
      }
    }
  }
  return { resolved, fingerprints, missing };
}

/** Contacts by id; a relation met twice (follower in one part, followed in another) is mutual. */
function mergeContacts(all: Contact[]): Contact[] {
  const byId = new Map<string, Contact>();
  for (const c of all) {
    const seen = byId.get(c.id);
    if (seen === undefined) {
      byId.set(c.id, c);
      continue;
    }
    const relation = seen.relation === c.relation ? c.relation : 'mutual';
    const followedAt = c.followedAt ?? seen.followedAt;
    const followerSince = c.followerSince ?? seen.followerSince;
    byId.set(c.id, { ...seen, ...c, relation, ...(followedAt !== undefined ? { followedAt } : {}), ...(followerSince !== undefined ? { followerSince } : {}) });
  }
  return [...byId.values()];
}

/**
 * Which follow notification dates a follower when there are several (an
 * unfollow and a follow again), as each platform's whole pull decides it:
 * Bluesky keeps the first (bluesky/inbound.ts), Mastodon the last
 * (mastodon-source.ts withFollowerSince). A platform not listed dates its
 * followers in its parts.
 */
const FOLLOW_DATE_RULE: Readonly<Partial<Record<string, 'earliest' | 'latest'>>> = { bluesky: 'earliest', mastodon: 'latest' };

/** The date each inbound follow notification in any part gives its follower, by the platform's rule (by contact id). */
function followerSince(interactions: readonly Interaction[] | InteractionLog, rule: 'earliest' | 'latest' | undefined): Map<string, string> {
  const since = new Map<string, string>();
  if (rule === undefined) return since;
  const date = (contactId: string, at: string): void => {
    const known = since.get(contactId);
    if (known === undefined || (rule === 'earliest' ? at < known : at > known)) since.set(contactId, at);
  };
  if (interactions instanceof InteractionLog) {
    // The columns: only the follow rows' instants are read as text (as given, so compared as before).
    for (let k = 0; k < interactions.length; k++) {
      if (interactions.kindCodeAt(k) === FOLLOW_CODE && interactions.isInboundAt(k)) date(interactions.contactIdOfParty(interactions.partyAt(k)), interactions.atAt(k));
    }
  } else {
    for (const i of interactions) if (i.kind === 'follow' && i.direction === 'inbound') date(i.contactId, i.at);
  }
  return since;
}

/** Sets followerSince on every follower (and mutual) that a follow notification in any part dates. */
function withFollowerSince(contacts: Contact[], since: ReadonlyMap<string, string>): Contact[] {
  if (since.size === 0) return contacts;
  return contacts.map((c) => {
    const at = since.get(c.id);
    return at !== undefined && c.relation !== 'following' ? { ...c, followerSince: at } : c;
  });
}
