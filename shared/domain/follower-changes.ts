/**
 * New and lost followers between the previous run and this one. Only complete
 * contact lists say who is missing: a follower absent from a partial or failed
 * list may simply not have been read.
 */
import type { SourceRunState, TrackedContact } from './analysis-types.ts';
import type { EvidenceOf } from './evidence.ts';
import { isFollower } from './stats.ts';

export interface FollowerChanges {
  newFollowers: Map<string, EvidenceOf<'new_follower'>>;
  /** Lost followers still in the current list (you follow them): keyed, with evidence. */
  lostStillContacts: Map<string, EvidenceOf<'lost_follower'>>;
  /** Lost followers who are no contact at all any more, with their last known record. */
  formerFollowers: { contact: TrackedContact; evidence: EvidenceOf<'lost_follower'> }[];
}

export const keyOf = (c: Pick<TrackedContact, 'sourceId' | 'id'>): string => `${c.sourceId}:${c.id}`;

export function followerChanges(
  current: readonly TrackedContact[],
  previous: readonly TrackedContact[] | null,
  sources: ReadonlyMap<string, SourceRunState>,
  /**
   * For each contact of `current`, the position of its previous form in `previous` (-1: none), when the
   * caller knows it (the report step: the merge's `storedIndex`, over stored contacts that list each
   * contact once); without it the two lists are matched by source and id. Either way no key string is made
   * for every contact.
   */
  previousIndex?: Int32Array,
): FollowerChanges {
  const changes: FollowerChanges = { newFollowers: new Map(), lostStillContacts: new Map(), formerFollowers: [] };
  if (previous === null) return changes; // first run: everyone is simply there
  if (previousIndex !== undefined && previousIndex.length !== current.length) {
    throw new Error(`followerChanges: previousIndex has ${previousIndex.length} positions for ${current.length} contacts`);
  }

  // Where each contact is in the other list (the last of equal ones, as maps by key gave).
  const before = previousIndex ?? positionsIn(current, previous);
  let after: Int32Array;
  if (previousIndex !== undefined) {
    after = new Int32Array(previous.length).fill(-1);
    for (let k = 0; k < before.length; k++) {
      const at = before[k] as number;
      if (at >= 0) after[at] = k;
    }
  } else after = positionsIn(previous, current);
  const contactsComplete = (sourceId: string): boolean => sources.get(sourceId)?.contacts === 'complete';
  // Stryker disable next-line OptionalChaining: equivalent, only reached once contactsComplete() found this source's state
  const bothComplete = (sourceId: string): boolean => contactsComplete(sourceId) && sources.get(sourceId)?.previousContactsComplete === true;

  for (let k = 0; k < current.length; k++) {
    const contact = current[k] as TrackedContact;
    if (!isFollower(contact.relation) || !contactsComplete(contact.sourceId)) continue;
    const was = previous[before[k] as number];
    // Stryker disable OptionalChaining: equivalent in this statement, only reached once contactsComplete() found this source's state
    if (was !== undefined) {
      // Known before as someone you follow only: the list itself says they started following you.
      if (!isFollower(was.relation)) changes.newFollowers.set(keyOf(contact), followerEvidence(contact, 'following'));
    } else if (sources.get(contact.sourceId)?.previousContactsComplete === true) {
      changes.newFollowers.set(keyOf(contact), followerEvidence(contact, 'absent'));
    }
    // Stryker restore OptionalChaining
  }

  for (let p = 0; p < previous.length; p++) {
    const was = previous[p] as TrackedContact;
    if (!isFollower(was.relation) || !bothComplete(was.sourceId)) continue;
    const now = current[after[p] as number];
    const previousRelation = was.relation === 'mutual' ? 'mutual' : 'follower';
    if (now === undefined) changes.formerFollowers.push({ contact: was, evidence: { previousRelation, stillFollowed: false } });
    else if (!isFollower(now.relation)) changes.lostStillContacts.set(keyOf(now), { previousRelation, stillFollowed: true });
  }
  return changes;
}

/**
 * For each contact of `these`, the position in `others` of the last contact with its source and id (-1:
 * none), by maps of each source's ids (the contacts' own strings; no key is made).
 */
function positionsIn(these: readonly TrackedContact[], others: readonly TrackedContact[]): Int32Array {
  const bySource = new Map<string, Map<string, number>>();
  others.forEach((c, p) => {
    let ids = bySource.get(c.sourceId);
    if (ids === undefined) bySource.set(c.sourceId, (ids = new Map()));
    ids.set(c.id, p);
  });
  return Int32Array.from(these, (c) => bySource.get(c.sourceId)?.get(c.id) ?? -1);
}

function followerEvidence(contact: TrackedContact, previousRelation: 'following' | 'absent'): EvidenceOf<'new_follower'> {
  return { previousRelation, ...(contact.followerSince !== undefined ? { followerSince: contact.followerSince } : {}) };
}
