/**
 * Runs the per-contact rules with the judgement rules that never bend:
 * nothing absence-based during the grace period, and on stale interaction data
 * nothing newly concluded: a reason is only carried over from the previous run,
 * and dropped if what we did see contradicts it.
 */
import type { ReasonCode } from './analysis-types.ts';
import type { EvidenceOf } from './evidence.ts';
import { ReasonMap } from './reason-map.ts';


import type { ContactDecision } from './decisions.ts';
import { CONTACT_RULES, type AnyReasonRule } from './rules/index.ts';
import { gracePeriod } from './rules/grace-period.ts';
import type { ContactContext, ReasonRule } from './rules/rule.ts';


export interface ContactJudgement {
  reasons: ReasonMap;
  inGrace: boolean;
}

export interface JudgeOptions {
  /** This source's interactions were not complete this run. */
  interactionsStale: boolean;
  /** The source's first pull: contacts first seen then are not "recently followed". */
  trackingSinceMs: number;
  decision: ContactDecision;
  rules?: readonly AnyReasonRule[];
}

export function judgeContact(ctx: ContactContext, options: JudgeOptions): ContactJudgement {
  const reasons = new ReasonMap();
  const grace = gracePeriod(ctx, options.trackingSinceMs);
  if (grace !== null) reasons.set('grace_period', grace);

  // Stryker disable next-line ArrayDeclaration: equivalent, a made-up element is no reason code, so no rule finds it
  const previous = new Set(ctx.contact.previousReasons ?? []);
  const protectedByOwner = options.decision.allowlistedBy !== undefined || options.decision.snoozedUntil !== undefined;
  for (const rule of options.rules ?? CONTACT_RULES) {
    if (rule.ownerOverrides === true && protectedByOwner) continue;
    // What the source cannot see is not absence either: not concluded, not carried over.
    if (rule.observable?.(ctx) === false) continue;
    if (rule.basis === 'absence' && grace !== null) continue;
    applyRule(rule, ctx, reasons, previous, (rule.basis !== 'available-data' && options.interactionsStale) || rule.unavailable?.(ctx) === true);
  }

  if (options.decision.allowlistedBy !== undefined) reasons.set('allowlisted', { entry: options.decision.allowlistedBy });
  if (options.decision.snoozedUntil !== undefined) reasons.set('snoozed', { until: options.decision.snoozedUntil });
  return { reasons, inGrace: grace !== null };
}

/** One rule, typed by its own code, so its evidence can only land under that code. */
function applyRule<C extends ReasonCode>(rule: ReasonRule<C>, ctx: ContactContext, reasons: ReasonMap, previous: ReadonlySet<ReasonCode>, stale: boolean): void {
  if (!stale) {
    const evidence = rule.evaluate(ctx);
    if (evidence !== null) reasons.set(rule.code, evidence);
    return;
  }
  // Missing data is not absence of engagement: only what the previous run concluded is carried over.
  if (!previous.has(rule.code) || rule.contradicted?.(ctx) === true) return;
  const fresh = rule.evaluate(ctx);
  reasons.set(rule.code, (fresh !== null ? { ...fresh, carriedOver: true } : { carriedOver: true }) as EvidenceOf<C>);
}
