import type { ContactVerdict, ReasonCode, Recommendation, TrackedContact } from '../domain/analysis-types.ts';
import { contactKey } from './merge-pulls.ts';

export type ContactToStore = TrackedContact & { reasons: ReasonCode[] };

/** This run's verdict of a contact: what the next run (and the decision page) reads as "previous". */
export interface StoredVerdict {
  reasons: ReasonCode[];
  /** Null for a former follower (nothing to recommend). */
  recommendation: Recommendation | null;
  /** The reply the report quotes as criticism (critic_only with its id), for the decision page. */
  criticism?: { interactionId: string; at: string };
}

/** What a verdict leaves on the stored contact: its reasons, its recommendation, and the reply quoted as criticism. */
export function storedVerdictOf(v: Pick<ContactVerdict, 'reasons' | 'recommendation' | 'evidence'>): StoredVerdict {
  const critic = v.evidence.critic_only;
  // Carried-over evidence (the classifier failed this run) quotes nothing.
  const quoted = critic !== undefined && 'exampleId' in critic && critic.exampleId !== undefined ? { interactionId: critic.exampleId, at: critic.exampleAt } : undefined;
  return { reasons: v.reasons, recommendation: v.recommendation, ...(quoted !== undefined ? { criticism: quoted } : {}) };
}

/**
 * Keeps only the contacts whose stored form would change, so a run writes what
 * changed and nothing else. `lastSeenAt` alone does not count as a change: it
 * moves every run and nothing reads it for a decision.
 */
export interface ChangedContactsOptions {
  /**
   * For each contact of `current`, the position of its stored form in `stored` (-1: none), as the merge found
   * it (MergeResult.storedIndex); without it the stored contacts are matched by key, in a map of them all.
   */
  storedIndex?: Int32Array;
  /** Takes the contacts out of `current` as they are compared, leaving it empty: a million of them need not outlive their turn. */
  consume?: boolean;
}

export function changedContacts(
  current: TrackedContact[],
  verdictsByKey: Pick<ReadonlyMap<string, StoredVerdict>, 'get'>,
  stored: readonly TrackedContact[],
  options: ChangedContactsOptions = {},
): ContactToStore[] {
  const { storedIndex, consume = false } = options;
  if (storedIndex !== undefined && storedIndex.length !== current.length) {
    throw new Error(`changedContacts: storedIndex has ${storedIndex.length} positions for ${current.length} contacts`);
  }
  const storedByKey = storedIndex === undefined ? new Map(stored.map((c) => [contactKey(c.sourceId, c.id), c])) : undefined;
  const storedAt = (k: number, key: string): TrackedContact | undefined => {
    if (storedByKey !== undefined) return storedByKey.get(key);
    const at = storedIndex?.[k] ?? -1;
    return at >= 0 ? stored[at] : undefined;
  };
  const changed: ContactToStore[] = [];
  const count = current.length;
  for (let k = 0; k < count; k++) {
    const contact = current[k] as TrackedContact;
    if (consume) current[k] = undefined as unknown as TrackedContact;
    const key = contactKey(contact.sourceId, contact.id);
    const verdict = verdictsByKey.get(key);
    const reasons = verdict?.reasons ?? contact.previousReasons ?? [];
    const recommendation = verdict === undefined ? contact.previousRecommendation : (verdict.recommendation ?? undefined);
    const { previousRecommendation: _old, previousCriticism: _quoted, ...rest } = contact;
    const criticism = verdict?.criticism ?? contact.previousCriticism;
    // Assigned, not spread: `{ ...rest, more }` gives every object a hidden class of its own in V8 (about
    // 400 bytes), and a first run stores every contact.
    const next: ContactToStore = Object.assign(
      {},
      rest,
      { previousReasons: reasons, reasons },
      recommendation !== undefined ? { previousRecommendation: recommendation } : {},
      criticism !== undefined && reasons.includes('critic_only') ? { previousCriticism: { ...criticism } } : {},
    );
    const before = storedAt(k, key);
    if (before === undefined || fingerprint({ ...before, reasons: before.previousReasons ?? [] }) !== fingerprint(next)) changed.push(next);
  }
  if (consume) current.length = 0;
  return changed;
}

function fingerprint(contact: ContactToStore | (TrackedContact & { reasons: ReasonCode[] })): string {
  const { lastSeenAt: _ignored, previousReasons: _carried, ...rest } = contact;
  return canonical(rest);
}

/** JSON with sorted keys and no undefined, so equal data gives equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
