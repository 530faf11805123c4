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

/**
 * What `changedContacts` needs of the stored contacts, worked out before the analysis so they can go first
 * (at a million contacts they do not fit beside the verdicts): for each merged contact, whether its contact
 * fields (all but lastSeenAt and the verdict it carries) are those stored, and the stored verdict as text.
 * A contact's stored form is compared in two parts with disjoint keys, which is the whole comparison: the
 * canonical text of an object is equal exactly when each part's is.
 */
export interface StoredBaseline {
  /** 1 where the contact's fields are the stored ones. */
  readonly sameFields: Uint8Array;
  /** The stored verdict (reasons, recommendation, quoted criticism) as canonical text; undefined: none stored. */
  readonly verdicts: readonly (string | undefined)[];
}

/** The baseline of `current` (its stored forms at `storedIndex`, as the merge gives them; -1: none). */
export function storedBaseline(current: readonly TrackedContact[], stored: readonly TrackedContact[], storedIndex: Int32Array): StoredBaseline {
  if (storedIndex.length !== current.length) throw new Error(`storedBaseline: storedIndex has ${storedIndex.length} positions for ${current.length} contacts`);
  const builder = new StoredBaselineBuilder();
  for (let k = 0; k < current.length; k++) builder.add(k, current[k] as TrackedContact, stored[storedIndex[k] ?? -1]);
  return builder.result(current.length);
}

/**
 * The same baseline, made one contact at a time as the merge makes each (MergeInput.onMerged), so that each
 * stored contact can go once merged.
 */
export class StoredBaselineBuilder {
  #same = new Uint8Array(1024);
  readonly #verdicts: (string | undefined)[] = [];
  // Few distinct stored verdicts: each text held once.
  readonly #texts = new Map<string, string>();

  /** The merged contact at `position` and its stored form (undefined: none). */
  add(position: number, current: TrackedContact, before: TrackedContact | undefined): void {
    while (this.#verdicts.length < position) this.#verdicts.push(undefined);
    if (before === undefined) {
      this.#verdicts[position] = undefined;
      return;
    }
    if (position >= this.#same.length) {
      const grown = new Uint8Array(Math.max(position + 1, this.#same.length * 2));
      grown.set(this.#same);
      this.#same = grown;
    }
    this.#same[position] = fieldsText(current) === fieldsText(before) ? 1 : 0;
    const text = verdictText(before.previousReasons ?? [], before.previousRecommendation, before.previousCriticism);
    const known = this.#texts.get(text);
    if (known === undefined) this.#texts.set(text, text);
    this.#verdicts[position] = known ?? text;
  }

  /** The baseline of the first `count` positions. */
  result(count: number): StoredBaseline {
    const sameFields = new Uint8Array(count);
    sameFields.set(this.#same.subarray(0, Math.min(count, this.#same.length)));
    const verdicts = this.#verdicts.slice(0, count);
    while (verdicts.length < count) verdicts.push(undefined);
    return { sameFields, verdicts };
  }
}

export function changedContacts(
  current: TrackedContact[],
  verdictsByKey: Pick<ReadonlyMap<string, StoredVerdict>, 'get'>,
  stored: readonly TrackedContact[] | StoredBaseline,
  options: ChangedContactsOptions = {},
): ContactToStore[] {
  const { storedIndex, consume = false } = options;
  if (storedIndex !== undefined && storedIndex.length !== current.length) {
    throw new Error(`changedContacts: storedIndex has ${storedIndex.length} positions for ${current.length} contacts`);
  }
  const baseline = isBaseline(stored) ? stored : undefined;
  if (baseline !== undefined && baseline.sameFields.length !== current.length) {
    throw new Error(`changedContacts: the baseline has ${baseline.sameFields.length} positions for ${current.length} contacts`);
  }
  const list = isBaseline(stored) ? [] : stored;
  const storedByKey = baseline === undefined && storedIndex === undefined ? new Map(list.map((c) => [contactKey(c.sourceId, c.id), c])) : undefined;
  const storedAt = (k: number, key: string): TrackedContact | undefined => {
    if (storedByKey !== undefined) return storedByKey.get(key);
    const at = storedIndex?.[k] ?? -1;
    return at >= 0 ? list[at] : undefined;
  };
  const isChanged = (k: number, key: string, next: ContactToStore): boolean => {
    if (baseline !== undefined) {
      const before = baseline.verdicts[k];
      return before === undefined || baseline.sameFields[k] !== 1 || verdictText(next.reasons, next.previousRecommendation, next.previousCriticism) !== before;
    }
    const before = storedAt(k, key);
    return before === undefined || fingerprint({ ...before, reasons: before.previousReasons ?? [] }) !== fingerprint(next);
  };
  const changed: ContactToStore[] = [];
  const count = current.length;
  for (let k = 0; k < count; k++) {
    const contact = current[k] as TrackedContact;
    if (consume) current[k] = undefined as unknown as TrackedContact;
    const key = contactKey(contact.sourceId, contact.id);
    const next = nextToStore(contact, verdictsByKey.get(key));
    if (isChanged(k, key, next)) changed.push(next);
  }
  if (consume) current.length = 0;
  return changed;
}

/**
 * The contact at `position` of the merged list as it would be stored with this verdict, or undefined when
 * the baseline says it is stored so already: changedContacts for one contact, as its verdict is made.
 */
export function changedContact(contact: TrackedContact, verdict: StoredVerdict | undefined, position: number, baseline: StoredBaseline): ContactToStore | undefined {
  const next = nextToStore(contact, verdict);
  const before = baseline.verdicts[position];
  const same = before !== undefined && baseline.sameFields[position] === 1 && verdictText(next.reasons, next.previousRecommendation, next.previousCriticism) === before;
  return same ? undefined : next;
}

/** The contact as stored with this run's verdict (the previous one carried over when it has none). */
function nextToStore(contact: TrackedContact, verdict: StoredVerdict | undefined): ContactToStore {
  const reasons = verdict?.reasons ?? contact.previousReasons ?? [];
  const recommendation = verdict === undefined ? contact.previousRecommendation : (verdict.recommendation ?? undefined);
  const { previousRecommendation: _old, previousCriticism: _quoted, ...rest } = contact;
  const criticism = verdict?.criticism ?? contact.previousCriticism;
  // Assigned, not spread: `{ ...rest, more }` gives every object a hidden class of its own in V8 (about
  // 400 bytes), and a first run stores every contact.
  return Object.assign(
    {},
    rest,
    { previousReasons: reasons, reasons },
    recommendation !== undefined ? { previousRecommendation: recommendation } : {},
    criticism !== undefined && reasons.includes('critic_only') ? { previousCriticism: { ...criticism } } : {},
  );
}

function isBaseline(stored: readonly TrackedContact[] | StoredBaseline): stored is StoredBaseline {
  return !Array.isArray(stored);
}

/** The fingerprint's keys that are the contact's own: all but lastSeenAt and the verdict it carries. */
function fieldsText(contact: TrackedContact): string {
  const { lastSeenAt: _seen, previousReasons: _reasons, previousRecommendation: _recommendation, previousCriticism: _criticism, ...fields } = contact as TrackedContact & { reasons?: unknown };
  delete (fields as { reasons?: unknown }).reasons;
  return canonical(fields);
}

/** The fingerprint's other keys: the verdict (stored, or this run's). */
function verdictText(reasons: readonly ReasonCode[], recommendation: string | undefined, criticism: object | undefined): string {
  return canonical({ reasons, previousRecommendation: recommendation, previousCriticism: criticism });
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
