/**
 * Interactions grouped once by contact, so every per-contact step reads only
 * its own list (100,000 contacts × 1,000,000 interactions stays linear).
 *
 * Measured at that size (test/bench), the old index spent most of its time
 * building one long-lived object per interaction (the garbage collector then
 * copied a million of them into the old generation) and in `Date.parse`. So
 * the index reads the columns of an InteractionLog (./interaction-log.ts:
 * instants as numbers, kinds and directions as bytes, each contact as a number)
 * and keeps each contact's rows contiguous. A contact's
 * `TimedInteraction` objects are built when it is judged and die right after,
 * which the young generation collects for almost nothing. Window counts for
 * the figures read the columns directly.
 */
import type { AnalysisInput } from './analysis-types.ts';
import { FOLLOW_CODE, InteractionLog } from './interaction-log.ts';
import type { Direction, InteractionKind } from './model.ts';
import { isoMs } from './time.ts';

export interface TimedInteraction {
  readonly id: string;
  readonly kind: InteractionKind;
  readonly direction: Direction;
  readonly at: string;
  readonly atMs: number;
  readonly text: string | undefined;
  /** The platform's language tag of `text`, if any. */
  readonly lang: string | undefined;
}

type Input = AnalysisInput['interactions'];

const NONE: readonly TimedInteraction[] = [];

/**
 * One row of the log as the rules read it. `at` is made only when read (the
 * rules read it for one or two rows per contact; making it for a million rows
 * was a tenth of the analysis).
 */
class Row implements TimedInteraction {
  readonly id: string;
  readonly kind: InteractionKind;
  readonly direction: Direction;
  readonly atMs: number;
  readonly text: string | undefined;
  readonly lang: string | undefined;
  readonly #log: InteractionLog;
  readonly #k: number;

  constructor(log: InteractionLog, k: number) {
    this.#log = log;
    this.#k = k;
    this.id = log.idAt(k);
    this.kind = log.kindAt(k);
    this.direction = log.directionAt(k);
    this.atMs = log.atMsAt(k);
    this.text = log.textAt(k);
    this.lang = log.langAt(k);
  }

  get at(): string {
    return this.#log.atAt(this.#k);
  }
}

export class InteractionIndex {
  readonly #log: InteractionLog;
  /** Kept rows of the log (not follows, not after now, no duplicates), in log order. */
  readonly #kept: Int32Array;
  /** Kept rows grouped by party, in log order within a party: party p is order[start[p]] .. order[start[p + 1]]. */
  readonly #order: Int32Array;
  readonly #start: Int32Array;

  /** @internal built by indexInteractions only. */
  constructor(parts: { log: InteractionLog; kept: Int32Array; order: Int32Array; start: Int32Array }) {
    this.#log = parts.log;
    this.#kept = parts.kept;
    this.#order = parts.order;
    this.#start = parts.start;
  }

  /** This contact's interactions, in input order (fresh objects on every call). */
  of(sourceId: string, contactId: string): readonly TimedInteraction[] {
    const party = this.#log.partyOf(sourceId, contactId);
    if (party === undefined) return NONE;
    const from = this.#start[party] ?? 0;
    const to = this.#start[party + 1] ?? from;
    const list = new Array<TimedInteraction>(to - from);
    for (let j = from; j < to; j++) list[j - from] = new Row(this.#log, this.#order[j] ?? 0);
    return list;
  }

  /** Inbound and outbound interactions at or after `sinceMs`, whoever they are with. */
  countSince(sinceMs: number): { inbound: number; outbound: number } {
    let inbound = 0;
    let outbound = 0;
    for (let j = 0; j < this.#kept.length; j++) {
      const k = this.#kept[j] ?? 0;
      if (this.#log.atMsAt(k) < sinceMs) continue;
      if (this.#log.isInboundAt(k)) inbound += 1;
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
 *
 * The input is a log (what a run loads from the store) or plain interactions
 * (made into a log first).
 */
export function indexInteractions(interactions: Input, nowMs: number): InteractionIndex {
  const log = interactions instanceof InteractionLog ? interactions : InteractionLog.from(interactions);
  const n = log.length;
  const parties = log.partyCount;
  const counts = new Int32Array(parties);
  const candidate = new Int32Array(n);
  let candidates = 0;
  for (let k = 0; k < n; k++) {
    if (log.kindCodeAt(k) === FOLLOW_CODE || log.atMsAt(k) > nowMs) continue;
    candidate[candidates++] = k;
    const party = log.partyAt(k);
    counts[party] = (counts[party] ?? 0) + 1;
  }
  const start = new Int32Array(parties + 1);
  for (let p = 0; p < parties; p++) start[p + 1] = (start[p] ?? 0) + (counts[p] ?? 0);
  const fill = start.slice(0, parties);
  const grouped = new Int32Array(candidates);
  for (let c = 0; c < candidates; c++) {
    const k = candidate[c] ?? 0;
    const party = log.partyAt(k);
    const at = fill[party] ?? 0;
    grouped[at] = k;
    fill[party] = at + 1;
  }
  const duplicate = markDuplicates(log, grouped, start, parties);
  if (duplicate === null) return new InteractionIndex({ log, kept: candidate.subarray(0, candidates), order: grouped, start });
  // Drop the duplicates from the groups and from the kept rows.
  const kept = new Int32Array(candidates);
  let unique = 0;
  for (let c = 0; c < candidates; c++) {
    const k = candidate[c] ?? 0;
    if (duplicate.has(k)) continue;
    kept[unique++] = k;
  }
  const order = new Int32Array(unique);
  const compactStart = new Int32Array(parties + 1);
  let j = 0;
  for (let p = 0; p < parties; p++) {
    compactStart[p] = j;
    for (let g = start[p] ?? 0; g < (start[p + 1] ?? 0); g++) {
      const k = grouped[g] ?? 0;
      if (!duplicate.has(k)) order[j++] = k;
    }
  }
  compactStart[parties] = j;
  return new InteractionIndex({ log, kept: kept.subarray(0, unique), order, start: compactStart });
}

/** Contacts with more interactions than this are checked with a set of ids; fewer, by comparing ids pairwise (no allocation). */
const PAIRWISE_MAX = 24;

/** Rows that repeat an earlier one of the same contact (same id); null when there is none. */
function markDuplicates(log: InteractionLog, grouped: Int32Array, start: Int32Array, partyCount: number): Set<number> | null {
  let duplicate: Set<number> | null = null;
  const idAt = (g: number): string => log.idAt(grouped[g] ?? 0);
  for (let party = 0; party < partyCount; party++) {
    const from = start[party] ?? 0;
    const to = start[party + 1] ?? from;
    if (to - from < 2) continue;
    if (to - from <= PAIRWISE_MAX) {
      for (let b = from + 1; b < to; b++) {
        const id = idAt(b);
        for (let a = from; a < b; a++) {
          if (idAt(a) !== id) continue;
          (duplicate ??= new Set()).add(grouped[b] ?? 0);
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
      (duplicate ??= new Set()).add(grouped[g] ?? 0);
    }
  }
  return duplicate;
}

// The fast ISO parser lives with parseInstant (time.ts); re-exported for its tests.
export { isoMs };
