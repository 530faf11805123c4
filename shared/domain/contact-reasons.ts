/**
 * Runs the per-contact rules with the judgement rules that never bend:
 * nothing absence-based during the grace period, and on stale interaction data
 * nothing newly concluded: a reason is only carried over from the previous run,
 * and dropped if what we did see contradicts it.
 */
import type { Evidence, ReasonCode } from './analysis-types.ts';
import type { ContactDecision } from './decisions.ts';
import { CONTACT_RULES } from './rules/index.ts';
import { gracePeriod } from './rules/grace-period.ts';
import type { ContactContext, ReasonRule } from './rules/rule.ts';

export type ReasonMap = Map<ReasonCode, Evidence>;

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
  rules?: readonly ReasonRule[];
}

export function judgeContact(ctx: ContactContext, options: JudgeOptions): ContactJudgement {
  const reasons: ReasonMap = new Map();
  const grace = gracePeriod(ctx, options.trackingSinceMs);
  if (grace !== null) reasons.set('grace_period', grace);

  const previous = new Set(ctx.contact.previousReasons ?? []);
  const protectedByOwner = options.decision.allowlistedBy !== undefined || options.decision.snoozedUntil !== undefined;
  for (const rule of options.rules ?? CONTACT_RULES) {
    if (rule.ownerOverrides === true && protectedByOwner) continue;
    if (rule.basis === 'absence' && grace !== null) continue;
    if ((rule.basis !== 'available-data' && options.interactionsStale) || rule.unavailable?.(ctx) === true) {
      if (!previous.has(rule.code) || rule.contradicted?.(ctx) === true) continue;
      reasons.set(rule.code, { ...rule.evaluate(ctx), carriedOver: true });
      continue;
    }
    const evidence = rule.evaluate(ctx);
    if (evidence !== null) reasons.set(rule.code, evidence);
  }

  if (options.decision.allowlistedBy !== undefined) reasons.set('allowlisted', { entry: options.decision.allowlistedBy });
  if (options.decision.snoozedUntil !== undefined) reasons.set('snoozed', { until: options.decision.snoozedUntil });
  return { reasons, inGrace: grace !== null };
}
