/**
 * A contact's reasons with their evidence, typed per code: `set('dormant', …)`
 * only takes dormant's evidence, and `get('never_engaged')` gives never_engaged's.
 *
 * Every contact of a million is judged into one, and all of them are held until the top supporters are
 * ranked: a `Map` each (its hash table allocated for a handful of entries) cost about 250 bytes a contact.
 * Here a bit per code and the evidence in one short array, in the order set; a contact with no reason
 * allocates nothing but the map itself.
 */
import { REASON_CODES, type ReasonCode } from './analysis-types.ts';
import type { EvidenceByReason, EvidenceOf } from './evidence.ts';

/** Each code's bit: its place in the vocabulary. */
const BIT = new Map<ReasonCode, number>(REASON_CODES.map((code, k) => [code, 1 << k]));

/**
 * The codes of each combination of bits, in vocabulary order, made once and shared (frozen): a million
 * verdicts carry a few dozen distinct lists, not a million copies.
 */
const CODES_OF = new Map<number, readonly ReasonCode[]>();

/** The codes whose bits are set in `bits`, in vocabulary order (one shared frozen list per combination). */
export function codesOfBits(bits: number): ReasonCode[] {
  let codes = CODES_OF.get(bits);
  if (codes === undefined) {
    codes = Object.freeze(REASON_CODES.filter((_, k) => (bits & (1 << k)) !== 0));
    CODES_OF.set(bits, codes);
  }
  // Shared, so frozen: a caller that tried to change it would throw rather than change every verdict's.
  return codes as ReasonCode[];
}

/** The evidence of a contact with no reason at all (most of them): one frozen object for all. */
const NO_EVIDENCE: EvidenceByReason = Object.freeze({});

export class ReasonMap {
  /** Bit k set: REASON_CODES[k] is present. */
  #bits = 0;
  /** [code, evidence, code, evidence, ...] in the order set; absent while empty. */
  #entries: (ReasonCode | EvidenceByReason[ReasonCode])[] | undefined;

  set<C extends ReasonCode>(code: C, evidence: EvidenceOf<C>): this {
    const bit = BIT.get(code) as number;
    const entries = this.#entries;
    if (entries !== undefined && (this.#bits & bit) !== 0) {
      for (let k = 0; k < entries.length; k += 2) if (entries[k] === code) entries[k + 1] = evidence;
      return this;
    }
    this.#bits |= bit;
    // Made to its exact length (a push leaves room for 17 more): most contacts get one reason or two.
    this.#entries = entries === undefined ? [code, evidence] : [...entries, code, evidence];
    return this;
  }

  get<C extends ReasonCode>(code: C): EvidenceOf<C> | undefined {
    if ((this.#bits & (BIT.get(code) as number)) === 0) return undefined;
    const entries = this.#entries as unknown[];
    for (let k = 0; k < entries.length; k += 2) if (entries[k] === code) return entries[k + 1] as EvidenceOf<C>;
    return undefined;
  }

  has(code: ReasonCode): boolean {
    return (this.#bits & (BIT.get(code) as number)) !== 0;
  }

  /**
   * The codes in vocabulary order, so reports and tests read them the same way every run. Shared and frozen:
   * every contact with the same reasons gets the same list.
   */
  codes(): ReasonCode[] {
    return codesOfBits(this.#bits);
  }

  /** Each code's evidence, in vocabulary order (a contact without reasons gets the one shared, frozen, empty object). */
  toEvidence(): EvidenceByReason {
    if (this.#bits === 0) return NO_EVIDENCE;
    const out: Record<string, unknown> = {};
    for (const code of this.codes()) out[code] = this.get(code);
    return out as EvidenceByReason;
  }
}

/** Read-only view, for the steps that only look. */
export type ReadonlyReasonMap = Pick<ReasonMap, 'get' | 'has' | 'codes' | 'toEvidence'>;
