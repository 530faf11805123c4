/**
 * Contacts staged as unchanged (issue 20; shared/domain/contact-fingerprint.ts), on both sides of a firing:
 * a pull step stages a contact its source's fingerprints know as its position in them; the report step
 * fills it in from the stored contact while it assembles the pulls, works out the fingerprints its report
 * leaves, and saves them once that report is stored.
 */
import type { TrackedContact } from '../domain/analysis-types.ts';
import { contactFingerprint, FingerprintIndex, positionGaps, stagedFingerprint } from '../domain/contact-fingerprint.ts';
import type { SourcePull } from '../domain/model.ts';
import type { StagedPull } from '../domain/staged-parts.ts';
import type { FiringState, FiringStore } from '../ports/firing-store.ts';
import type { ProfileState } from '../ports/store.ts';
import { assemblePull, type UnchangedContacts } from './assemble-pull.ts';
import type { PullOutcome } from './merge-pulls.ts';
import type { Firing } from './steps.ts';
import type { Log } from './types.ts';

/**
 * The pull as it is staged: a contact the source's fingerprint index knows (shared/domain/contact-fingerprint.ts)
 * goes as its position in that index (a gap of about a byte, gzipped); the report step takes its fields from the
 * stored contact known there. At a million followers this is most of what a repeat run would otherwise write.
 * An account that is not active goes whole: the store keeps its last known name where the network shows none,
 * so its stored form is not one the report step could find in the index.
 */
export async function withUnchanged(firings: FiringStore, profileId: string, pull: SourcePull): Promise<StagedPull> {
  if (pull.contacts.length === 0) return pull;
  const known = await firings.loadFingerprints(profileId, pull.sourceId);
  if (known === null || known.index.size === 0) return pull;
  const contacts: SourcePull['contacts'] = [];
  const positions: number[] = [];
  for (const contact of pull.contacts) {
    const position = contact.state === 'active' ? known.index.positionOf(contactFingerprint(contact)) : -1;
    if (position >= 0) positions.push(position);
    else contacts.push(contact);
  }
  return positions.length === 0 ? pull : { ...pull, contacts, unchangedAt: { generation: known.generation, gaps: positionGaps(positions) } };
}

type Known = { stored: TrackedContact; fingerprint: bigint };

/**
 * Which stored contact each position of a generation's fingerprints is: the position of the fingerprint each
 * stored contact of the source is known by there (`stagedFingerprint`: as stored, or less what the merge kept).
 */
function storedByPosition(index: FingerprintIndex, contacts: readonly TrackedContact[]): (position: number) => Known | undefined {
  const at = new Int32Array(index.size).fill(-1);
  contacts.forEach((contact, k) => {
    const fingerprint = stagedFingerprint(contact, index);
    if (fingerprint !== undefined) at[index.positionOf(fingerprint)] = k;
  });
  return (position) => {
    const k = at[position] ?? -1;
    const stored = k >= 0 ? contacts[k] : undefined;
    return stored === undefined ? undefined : { stored, fingerprint: index.at(position) };
  };
}

/** The stored contacts of one source, and by id, each built when first asked (only a pull with unchanged contacts asks). */
function lazyStoredContacts(contacts: readonly TrackedContact[]): { of: (sourceId: string) => TrackedContact[]; byId: (sourceId: string) => ReadonlyMap<string, TrackedContact> } {
  const lists = new Map<string, TrackedContact[]>();
  const maps = new Map<string, Map<string, TrackedContact>>();
  const of = (sourceId: string): TrackedContact[] => {
    let list = lists.get(sourceId);
    if (list === undefined) lists.set(sourceId, (list = contacts.filter((c) => c.sourceId === sourceId)));
    return list;
  };
  return {
    of,
    byId: (sourceId) => {
      let map = maps.get(sourceId);
      if (map === undefined) maps.set(sourceId, (map = new Map(of(sourceId).map((c) => [c.id, c]))));
      return map;
    },
  };
}

/**
 * Each source's pull, assembled from its staged parts (contacts staged as unchanged filled in from `stored`),
 * and the fingerprints its report leaves if it is stored: for each source whose list was read whole (a
 * partial list may leave contacts unstored, and a failed one stored nothing new), as this report assembled
 * its contacts. Worked out here, so the report may let the pulled contacts go once it has merged them.
 */
export async function assembleOutcomes(firing: Firing, state: FiringState, firings: FiringStore, stored: ProfileState): Promise<{ outcomes: PullOutcome[]; fingerprints: Map<string, FingerprintIndex> }> {
  const { profile } = firing;
  const { of: storedOfSource, byId: storedBySource } = lazyStoredContacts(stored.contacts);
  const outcomes: PullOutcome[] = [];
  const fingerprints = new Map<string, FingerprintIndex>();
  for (const entry of state.sources) {
    if (entry.parts.length === 0) {
      outcomes.push(assemblePull(entry, [], firing.now, profile.policy.maxPullHours));
      continue;
    }
    const parts = await firings.loadParts(profile.id, firing.firingKey, entry.sourceId, entry.parts, state.staging);
    // The generation the pull steps staged positions in (one per firing: no report stored in between, the lease),
    // read by itself: a `forget` since may have dropped its head. Gone, its contacts read as missing.
    const generations = new Map<string, ((position: number) => Known | undefined) | null>();
    for (const part of parts.parts) {
      const generation = part.unchangedAt?.generation;
      if (generation === undefined || generations.has(generation)) continue;
      const index = await firings.loadFingerprintGeneration(profile.id, entry.sourceId, generation);
      generations.set(generation, index === null ? null : storedByPosition(index, storedOfSource(entry.sourceId)));
    }
    const unchanged: UnchangedContacts = {
      stored: (id: string) => storedBySource(entry.sourceId).get(id),
      at: (generation, position) => generations.get(generation)?.(position) ?? undefined,
    };
    const outcome = assemblePull(entry, parts, firing.now, profile.policy.maxPullHours, unchanged);
    outcomes.push(outcome);
    if (!outcome.ok || outcome.pull.contactsCompleteness !== 'complete') continue;
    const kept = unchanged.carried;
    const values = new BigUint64Array(outcome.pull.contacts.length);
    outcome.pull.contacts.forEach((c, k) => {
      const staged = kept !== undefined && kept.length === values.length ? (kept[k] ?? 0n) : 0n;
      values[k] = staged !== 0n ? staged : contactFingerprint(c);
    });
    fingerprints.set(entry.sourceId, new FingerprintIndex(values));
  }
  return { outcomes, fingerprints };
}

/** After a stored report, its fingerprints. A failure costs the next run only its savings (it stages every contact whole), so it is logged, not thrown. */
export async function saveFingerprints(firings: FiringStore, profileId: string, fingerprints: ReadonlyMap<string, FingerprintIndex>, log: Log): Promise<void> {
  for (const [sourceId, index] of fingerprints) {
    await firings.saveFingerprints(profileId, sourceId, index).catch((err: unknown) =>
      log.warn('could not save the contact fingerprints (the next run stages every contact whole)', { profile: profileId, sourceId, problem: err instanceof Error ? err.message : String(err) }),
    );
  }
}
