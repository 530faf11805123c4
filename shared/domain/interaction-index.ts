/**
 * Interactions grouped once by contact, so every per-contact step reads only
 * its own list (100,000 contacts × 1,000,000 interactions stays linear).
 *
 * Measured at that size (test/bench), the old index spent most of its time
 * building one long-lived object per interaction (the garbage collector then
 * copied a million of them into the old generation) and in `Date.parse`. So
 * the index keeps columns instead: typed arrays of instants and directions,
 * and each contact's positions in the input, contiguous. A contact's
 * `TimedInteraction` objects are built when it is judged and die right after,
 * which the young generation collects for almost nothing. Window counts for
 * the figures read the columns directly.
 */
import type { AnalysisInput } from './analysis-types.ts';
import type { Direction, InteractionKind } from './model.ts';
import { isoMs, parseInstant } from './time.ts';

export interface TimedInteraction {
  id: string;
  kind: InteractionKind;
  direction: Direction;
  at: string;
  atMs: number;
  text: string | undefined;
  /** The platform's language tag of `text`, if any. */
  lang: string | undefined;
}

type Input = AnalysisInput['interactions'];

const NONE: readonly TimedInteraction[] = [];

export class InteractionIndex {
  readonly #input: Input;
  /** Source id -> contact id -> slot. Nested maps avoid building a key string per interaction. */
  readonly #slots: Map<string, Map<string, number>>;
  /** Kept interactions (k): their instants and whether they are inbound. */
  readonly #atMs: Float64Array;
  readonly #inbound: Uint8Array;
  readonly #kept: number;
  /** Input position of each kept interaction. */
  readonly #position: Int32Array;
  /** Kept interactions grouped by slot, in input order within a slot: slot s is order[start[s]] .. order[start[s + 1]]. */
  readonly #order: Int32Array;
  readonly #start: Int32Array;

  /** @internal built by indexInteractions only. */
  constructor(parts: { input: Input; slots: Map<string, Map<string, number>>; atMs: Float64Array; inbound: Uint8Array; kept: number; position: Int32Array; order: Int32Array; start: Int32Array }) {
    this.#input = parts.input;
    this.#slots = parts.slots;
    this.#atMs = parts.atMs;
    this.#inbound = parts.inbound;
    this.#kept = parts.kept;
    this.#position = parts.position;
    this.#order = parts.order;
    this.#start = parts.start;
  }

  /** This contact's interactions, in input order (fresh objects on every call). */
  of(sourceId: string, contactId: string): readonly TimedInteraction[] {
    const slot = this.#slots.get(sourceId)?.get(contactId);
    if (slot === undefined) return NONE;
    const from = this.#start[slot] ?? 0;
    const to = this.#start[slot + 1] ?? from;
    const list = new Array<TimedInteraction>(to - from);
    for (let j = from; j < to; j++) {
      const k = this.#order[j] ?? 0;
      const i = this.#input[this.#position[k] ?? 0];
      if (i === undefined) continue;
      // One object shape for all (text may be undefined), which keeps the per-contact loops monomorphic.
      list[j - from] = { id: i.id, kind: i.kind, direction: i.direction, at: i.at, atMs: this.#atMs[k] ?? Number.NaN, text: i.text, lang: i.lang };
    }
    return list;
  }

  /** Inbound and outbound interactions at or after `sinceMs`, whoever they are with. */
  countSince(sinceMs: number): { inbound: number; outbound: number } {
    let inbound = 0;
    let outbound = 0;
    for (let k = 0; k < this.#kept; k++) {
      if ((this.#atMs[k] ?? -Infinity) < sinceMs) continue;
      if (this.#inbound[k] === 1) inbound += 1;
      else outbound += 1;
    }
    return { inbound, outbound };
  }
}

/**
 * Duplicates (the same interaction of a contact twice, as when stored and
 * freshly pulled history overlap: same source, contact and id) count once: the
 * first one in input order. They are found per contact once the index is
 * grouped, not with one set of every id (hashing a million ids was a quarter
 * of the analysis at 100k contacts). Interactions after `now`
 * are left out: a run with a fixed clock (a backfill) judges the world as it
 * was at that time. A `follow` is a relation, not engagement (DESIGN: like,
 * repost, reply, quote, mention), so it never makes a silent follower look engaged.
 */
export function indexInteractions(interactions: Input, nowMs: number): InteractionIndex {
  const n = interactions.length;
  const slots = new Map<string, Map<string, number>>();
  const keptPosition = new Int32Array(n);
  const keptSlot = new Int32Array(n);
  const atMs = new Float64Array(n);
  const inbound = new Uint8Array(n);
  const counts: number[] = [];
  let kept = 0;
  // Consecutive interactions of one source are the common case: keep its maps at hand.
  let lastSource: string | undefined;
  let bySlot = new Map<string, number>();
  for (let position = 0; position < n; position++) {
    const interaction = interactions[position];
    if (interaction === undefined || interaction.kind === 'follow') continue;
    let ms = isoMs(interaction.at);
    if (Number.isNaN(ms)) ms = parseInstant(interaction.at, `interactions[${position}].at`);
    if (ms > nowMs) continue;
    if (interaction.sourceId !== lastSource) {
      lastSource = interaction.sourceId;
      let m = slots.get(lastSource);
      if (m === undefined) slots.set(lastSource, (m = new Map()));
      bySlot = m;
    }
    let slot = bySlot.get(interaction.contactId);
    if (slot === undefined) {
      slot = counts.length;
      bySlot.set(interaction.contactId, slot);
      counts.push(0);
    }
    counts[slot] = (counts[slot] ?? 0) + 1;
    keptPosition[kept] = position;
    keptSlot[kept] = slot;
    atMs[kept] = ms;
    inbound[kept] = interaction.direction === 'inbound' ? 1 : 0;
    kept += 1;
  }
  const start = new Int32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) start[s + 1] = (start[s] ?? 0) + (counts[s] ?? 0);
  const fill = start.slice(0, counts.length);
  const grouped = new Int32Array(kept);
  for (let k = 0; k < kept; k++) {
    const slot = keptSlot[k] ?? 0;
    const at = fill[slot] ?? 0;
    grouped[at] = k;
    fill[slot] = at + 1;
  }
  const duplicate = markDuplicates(interactions, keptPosition, grouped, start, counts.length);
  if (duplicate === null) {
    return new InteractionIndex({ input: interactions, slots, atMs: atMs.subarray(0, kept), inbound: inbound.subarray(0, kept), kept, position: keptPosition, order: grouped, start });
  }
  // Drop the duplicates from every column: kept interactions are renumbered in input order.
  const renumber = new Int32Array(kept);
  let unique = 0;
  for (let k = 0; k < kept; k++) {
    if (duplicate[k] === 1) continue;
    renumber[k] = unique;
    keptPosition[unique] = keptPosition[k] ?? 0;
    atMs[unique] = atMs[k] ?? 0;
    inbound[unique] = inbound[k] ?? 0;
    unique += 1;
  }
  const order = new Int32Array(unique);
  const compactStart = new Int32Array(counts.length + 1);
  let j = 0;
  for (let slot = 0; slot < counts.length; slot++) {
    compactStart[slot] = j;
    for (let g = start[slot] ?? 0; g < (start[slot + 1] ?? 0); g++) {
      const k = grouped[g] ?? 0;
      if (duplicate[k] !== 1) order[j++] = renumber[k] ?? 0;
    }
  }
  compactStart[counts.length] = j;
  return new InteractionIndex({ input: interactions, slots, atMs: atMs.subarray(0, unique), inbound: inbound.subarray(0, unique), kept: unique, position: keptPosition, order, start: compactStart });
}

/** Contacts with more interactions than this are checked with a set of ids; fewer, by comparing ids pairwise (no allocation). */
const PAIRWISE_MAX = 24;

/** 1 for every kept interaction that repeats an earlier one of the same contact (same id); null when there is none. */
function markDuplicates(input: Input, position: Int32Array, grouped: Int32Array, start: Int32Array, slotCount: number): Uint8Array | null {
  let duplicate: Uint8Array | null = null;
  const idAt = (g: number): string => input[position[grouped[g] ?? 0] ?? 0]?.id ?? '';
  for (let slot = 0; slot < slotCount; slot++) {
    const from = start[slot] ?? 0;
    const to = start[slot + 1] ?? from;
    if (to - from < 2) continue;
    if (to - from <= PAIRWISE_MAX) {
      for (let b = from + 1; b < to; b++) {
        const id = idAt(b);
        for (let a = from; a < b; a++) {
          if (idAt(a) !== id) continue;
          duplicate ??= new Uint8Array(grouped.length);
          duplicate[grouped[b] ?? 0] = 1;
          break;
        }
      }
      continue;
    }
    const seen = new Set<string>();
    for (let g = from; g < to; g++) {
      const id = idAt(g);
      if (!seen.has(id)) {
        seen.add(id);
        continue;
      }
      duplicate ??= new Uint8Array(grouped.length);
      duplicate[grouped[g] ?? 0] = 1;
    }
  }
  return duplicate;
}

// The fast ISO parser lives with parseInstant (time.ts); re-exported for its tests.
export { isoMs };
