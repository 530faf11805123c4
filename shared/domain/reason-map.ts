/**
 * A contact's reasons with their evidence, typed per code: `set('dormant', …)`
 * only takes dormant's evidence, and `get('never_engaged')` gives never_engaged's.
 */
import { REASON_CODES, type ReasonCode } from './analysis-types.ts';
import type { EvidenceByReason, EvidenceOf } from './evidence.ts';

export class ReasonMap {
  readonly #byCode = new Map<ReasonCode, EvidenceByReason[ReasonCode]>();

  set<C extends ReasonCode>(code: C, evidence: EvidenceOf<C>): this {
    this.#byCode.set(code, evidence);
    return this;
  }

  get<C extends ReasonCode>(code: C): EvidenceOf<C> | undefined {
    return this.#byCode.get(code) as EvidenceOf<C> | undefined;
  }

  has(code: ReasonCode): boolean {
    return this.#byCode.has(code);
  }

  /**
   * The codes in vocabulary order, so reports and tests read them the same way every run. Copied to their
   * exact length: `filter` leaves room for 17 (152 bytes), and every verdict of a million keeps one.
   */
  codes(): ReasonCode[] {
    return REASON_CODES.filter((code) => this.#byCode.has(code)).slice();
  }

  toEvidence(): EvidenceByReason {
    const out: Record<string, unknown> = {};
    for (const code of this.codes()) out[code] = this.#byCode.get(code);
    return out as EvidenceByReason;
  }
}

/** Read-only view, for the steps that only look. */
export type ReadonlyReasonMap = Pick<ReasonMap, 'get' | 'has' | 'codes' | 'toEvidence'>;
