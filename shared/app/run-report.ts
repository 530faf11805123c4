/**
 * The use-case behind the CLI, the Lambda handler and the tests: one firing of
 * one profile, run in-process through the same steps Step Functions runs
 * (shared/app/steps.ts): pull steps (waiting for rate limits in between) ->
 * report step (merge, analyse, render, deliver, store). Entry points only
 * build the adapters.
 */
import { randomUUID } from 'node:crypto';
import { adHocFiringKey, LEASE_SECONDS, runFiring, type StepDeps } from './steps.ts';
import type { RunReportRequest, RunReportResult } from './types.ts';

export { DeliveredNotStoredError, RunCancelledError } from './run-errors.ts';
export { LEASE_SECONDS };

export async function runReport(req: RunReportRequest, deps: StepDeps): Promise<RunReportResult> {
  const { profile } = req;
  // Without a deadline (the CLI) a step reads until its sources finish or a rate limit makes it wait;
  // with one (a single Lambda invocation), no step goes past it.
  const budgetMs = req.pullDeadline !== undefined ? Math.max(0, req.pullDeadline.getTime() - Date.now()) : profile.policy.maxPullHours * 3_600_000;
  return runFiring(
    {
      profile,
      now: req.now,
      dryRun: req.dryRun,
      firingKey: req.runKey ?? adHocFiringKey(profile.id, req.now),
      claimFiring: req.runKey !== undefined,
      // Unique to this run: a second delivery of the same trigger must find the claims someone else's.
      holder: `run:${randomUUID()}`,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.pullDeadline ? { pullDeadline: req.pullDeadline } : {}),
    },
    deps,
    { budgetMs, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
  );
}
