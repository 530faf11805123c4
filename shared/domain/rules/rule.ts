/**
 * A reason rule judges one contact and returns the evidence for its reason
 * code, or null. analyse() runs a list of them, so a new reason (or one that
 * needs a classifier, like out_of_audience and critic_only) is a new entry in
 * the list, not a change to analyse().
 */
import type { Audience, Policy } from '../../config/schema.ts';
import type { Classifiers, ContactStats, ReasonCode, TrackedContact } from '../analysis-types.ts';
import type { EvidenceOf } from '../evidence.ts';
import type { TimedInteraction } from '../interaction-index.ts';
import type { Observability } from '../model.ts';

export interface ContactContext {
  contact: TrackedContact;
  stats: ContactStats;
  /** This contact's interactions up to now (any order). */
  interactions: readonly TimedInteraction[];
  observationStartMs: number;
  nowMs: number;
  policy: Policy;
  audience: Audience;
  classifiers: Classifiers;
  /** What the contact's source can see: silence is judged only over these kinds. */
  observes: Observability;
}

/**
 * What a rule's conclusion rests on, which decides when it may be concluded:
 *  - `absence`: the absence of engagement. Not concluded during the grace
 *    period, and on stale interaction data only carried over from the
 *    previous run (missing data is not absence of engagement).
 *  - `complete-history`: needs every interaction seen (e.g. "only criticism"
 *    is false as soon as one missed like exists), so stale data carries it
 *    over like `absence`, but grace does not suppress it.
 *  - `available-data`: facts about the account itself, judged from the last
 *    known data.
 */
export type RuleBasis = 'absence' | 'complete-history' | 'available-data';

export interface ReasonRule<C extends ReasonCode = ReasonCode> {
  code: C;
  basis: RuleBasis;
  evaluate(ctx: ContactContext): EvidenceOf<C> | null;
  /** The judgement this rule needs could not be made this run (a classifier failed): carry over, like stale data. */
  unavailable?(ctx: ContactContext): boolean;
  /**
   * Whether the contact's source sees what this rule judges at all. When it
   * does not, the reason is not looked for, not even carried over: what a
   * source cannot see is not absence (DESIGN.md).
   */
  observable?(ctx: ContactContext): boolean;
  /** The owner's allowlist or snooze means this reason is not even looked for (the owner said: they belong). */
  ownerOverrides?: boolean;
  /**
   * For a reason carried over on stale data: whether the data we did get
   * proves it wrong now (a partial pull can still show a new reply).
   */
  contradicted?(ctx: ContactContext): boolean;
}
