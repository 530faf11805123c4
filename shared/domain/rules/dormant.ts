import { DAY_MS, wholeDays } from '../time.ts';
import { kindsEvidence, seesInbound } from '../observability.ts';
import type { ContactContext, ReasonRule } from './rule.ts';

/** An inbound exactly dormantDays ago still counts as "in the last dormantDays". */
function engagedWithinDormantDays(ctx: ContactContext, lastInboundMs: number): boolean {
  return ctx.nowMs - lastInboundMs <= ctx.policy.dormantDays * DAY_MS;
}

/** Engaged inbound at some point (interactions or lifetime totals), nothing inbound in the last dormantDays (of the kinds the source sees). */
export const dormant: ReasonRule<'dormant'> = {
  code: 'dormant',
  basis: 'absence',
  observable: ({ observes }) => seesInbound(observes),
  evaluate(ctx) {
    const lastInboundAt = ctx.stats.lastInboundAt;
    if (lastInboundAt === undefined) return null;
    const lastInboundMs = Date.parse(lastInboundAt);
    if (engagedWithinDormantDays(ctx, lastInboundMs)) return null;
    return { lastInboundAt, daysSinceInbound: wholeDays(lastInboundMs, ctx.nowMs), ...kindsEvidence(ctx.observes) };
  },
  contradicted(ctx) {
    const lastInboundAt = ctx.stats.lastInboundAt;
    // Stryker disable next-line ConditionalExpression: equivalent for `true && …`: without a last inbound, Date.parse(undefined) is NaN and NaN is never within dormantDays
    return lastInboundAt !== undefined && engagedWithinDormantDays(ctx, Date.parse(lastInboundAt));
  },
};
