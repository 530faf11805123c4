/**
 * Contacts staged as unchanged (issue 20; shared/domain/contact-fingerprint.ts), on both sides of a firing:
 * a pull step stages a contact its source's fingerprints know as its fingerprint and id; the report step
 * fills it in from the stored contact while it assembles the pulls, works out the fingerprints its report
 * leaves, and saves them once that report is stored.
 */
import type { TrackedContact } from '../domain/analysis-types.ts';
import { contactFingerprint, FingerprintIndex, stagedFingerprint } from '../domain/contact-fingerprint.ts';
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
 * goes as its id alone; the report step takes its fields from the stored contact. At a million followers this
 * is most of what a repeat run would otherwise write (an id gzips to 2–9 bytes, where its fields take about 80).
 */
export async function withUnchanged(firings: FiringStore, profileId: string, pull: SourcePull): Promise<StagedPull> {
  if (pull.contacts.length === 0) return pull;
  const index = await firings.loadFingerprints(profileId, pull.sourceId);
  if (index === null || index.size === 0) return pull;
  const contacts: SourcePull['contacts'] = [];
  const unchangedIds: string[] = [];
  for (const contact of pull.contacts) {
    if (index.has(contactFingerprint(contact))) unchangedIds.push(contact.id);
    else contacts.push(contact);
  }
  return unchangedIds.length === 0 ? pull : { ...pull, contacts, unchangedIds };
}

/** The stored contacts of one source by id, each map built when first asked (only a pull with unchanged contacts asks). */
function lazyStoredContacts(contacts: readonly TrackedContact[]): (sourceId: string) => ReadonlyMap<string, TrackedContact> {
  const bySource = new Map<string, Map<string, TrackedContact>>();
  return (sourceId) => {
    let map = bySource.get(sourceId);
    if (map === undefined) {
      map = new Map(contacts.filter((c) => c.sourceId === sourceId).map((c) => [c.id, c]));
      bySource.set(sourceId, map);
    }
    return map;
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
  const storedBySource = lazyStoredContacts(stored.contacts);
  const outcomes: PullOutcome[] = [];
  const fingerprints = new Map<string, FingerprintIndex>();
  for (const entry of state.sources) {
    if (entry.parts.length === 0) {
      outcomes.push(assemblePull(entry, [], firing.now, profile.policy.maxPullHours));
      continue;
    }
    const parts = await firings.loadParts(profile.id, firing.firingKey, entry.sourceId, entry.parts, state.staging);
    // The index the pull steps staged against (no report stored in between: the lease), to carry each unchanged
    // contact's fingerprint into the next one; without it (dropped meanwhile) they are staged whole once.
    const stagedById = parts.parts.some((p) => (p.unchangedIds?.length ?? 0) > 0);
    const index = stagedById ? await firings.loadFingerprints(profile.id, entry.sourceId) : null;
    const unchanged: UnchangedContacts = {
      stored: (id: string) => storedBySource(entry.sourceId).get(id),
      fingerprintOf: (contact) => (index === null ? 0n : (stagedFingerprint(contact, index) ?? 0n)),
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
