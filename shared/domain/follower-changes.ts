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
): FollowerChanges {
  const changes: FollowerChanges = { newFollowers: new Map(), lostStillContacts: new Map(), formerFollowers: [] };
  if (previous === null) return changes; // first run: everyone is simply there

  const previousByKey = new Map(previous.map((c) => [keyOf(c), c]));
  const currentByKey = new Map(current.map((c) => [keyOf(c), c]));
  const contactsComplete = (sourceId: string): boolean => sources.get(sourceId)?.contacts === 'complete';
  // Stryker disable next-line OptionalChaining: equivalent, only reached once contactsComplete() found this source's state
  const bothComplete = (sourceId: string): boolean => contactsComplete(sourceId) && sources.get(sourceId)?.previousContactsComplete === true;

  for (const contact of current) {
    if (!isFollower(contact.relation) || !contactsComplete(contact.sourceId)) continue;
    const before = previousByKey.get(keyOf(contact));
    // Stryker disable OptionalChaining: equivalent in this statement, only reached once contactsComplete() found this source's state
    if (before !== undefined) {
      // Known before as someone you follow only: the list itself says they started following you.
      if (!isFollower(before.relation)) changes.newFollowers.set(keyOf(contact), followerEvidence(contact, 'following'));
    } else if (sources.get(contact.sourceId)?.previousContactsComplete === true) {
      changes.newFollowers.set(keyOf(contact), followerEvidence(contact, 'absent'));
    }
    // Stryker restore OptionalChaining
  }

  for (const before of previous) {
    if (!isFollower(before.relation) || !bothComplete(before.sourceId)) continue;
    const now = currentByKey.get(keyOf(before));
    const previousRelation = before.relation === 'mutual' ? 'mutual' : 'follower';
    if (now === undefined) changes.formerFollowers.push({ contact: before, evidence: { previousRelation, stillFollowed: false } });
    else if (!isFollower(now.relation)) changes.lostStillContacts.set(keyOf(now), { previousRelation, stillFollowed: true });
  }
  return changes;
}

function followerEvidence(contact: TrackedContact, previousRelation: 'following' | 'absent'): EvidenceOf<'new_follower'> {
  return { previousRelation, ...(contact.followerSince !== undefined ? { followerSince: contact.followerSince } : {}) };
}
