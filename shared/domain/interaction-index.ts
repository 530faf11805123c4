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
import { parseInstant } from './time.ts';

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
 * Duplicates (same source and id, as when stored and freshly pulled history
 * overlap) count once: the first one in input order. Interactions after `now`
 * are left out: a run with a fixed clock (a backfill) judges the world as it
 * was at that time. A `follow` is a relation, not engagement (DESIGN: like,
 * repost, reply, quote, mention), so it never makes a silent follower look engaged.
 */
export function indexInteractions(interactions: Input, nowMs: number): InteractionIndex {
  const n = interactions.length;
  const slots = new Map<string, Map<string, number>>();
  const seenBySource = new Map<string, Set<string>>();
  const keptPosition = new Int32Array(n);
  const keptSlot = new Int32Array(n);
  const atMs = new Float64Array(n);
  const inbound = new Uint8Array(n);
  const counts: number[] = [];
  let kept = 0;
  // Consecutive interactions of one source are the common case: keep its maps at hand.
  let lastSource: string | undefined;
  let seen = new Set<string>();
  let bySlot = new Map<string, number>();
  for (let position = 0; position < n; position++) {
    const interaction = interactions[position];
    if (interaction === undefined || interaction.kind === 'follow') continue;
    let ms = isoMs(interaction.at);
    if (Number.isNaN(ms)) ms = parseInstant(interaction.at, `interactions[${position}].at`);
    if (ms > nowMs) continue;
    if (interaction.sourceId !== lastSource) {
      lastSource = interaction.sourceId;
      let s = seenBySource.get(lastSource);
      if (s === undefined) seenBySource.set(lastSource, (s = new Set()));
      seen = s;
      let m = slots.get(lastSource);
      if (m === undefined) slots.set(lastSource, (m = new Map()));
      bySlot = m;
    }
    const sizeBefore = seen.size;
    seen.add(interaction.id);
    if (seen.size === sizeBefore) continue;
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
  const order = new Int32Array(kept);
  for (let k = 0; k < kept; k++) {
    const slot = keptSlot[k] ?? 0;
    const at = fill[slot] ?? 0;
    order[at] = k;
    fill[slot] = at + 1;
  }
  return new InteractionIndex({ input: interactions, slots, atMs: atMs.subarray(0, kept), inbound: inbound.subarray(0, kept), kept, position: keptPosition, order, start });
}

const ZERO = 48;
/** A non-digit gives a value no sum of digits can bring back into range. */
const NOT_A_DIGIT = -1_000_000;

function digit(s: string, i: number): number {
  const v = s.charCodeAt(i) - ZERO;
  return v >= 0 && v <= 9 ? v : NOT_A_DIGIT;
}

/**
 * `Date.parse` for the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` form every adapter
 * writes (toISOString), three times faster; NaN for anything else, so the
 * caller falls back to `Date.parse` and gets exactly its answer. Only values
 * whose meaning is beyond doubt take the fast path (days up to 28, hours up to
 * 23, years from 1000): Date.parse's own leniency (Feb 30, 24:00) stays its own.
 */
export function isoMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 /* T */) return Number.NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return Number.NaN;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  const milli = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}
