/**
 * The Step Functions "Pull" task: one bounded pull pass of a firing. Module
 * scope holds what lives for the execution environment; the step itself is
 * shared/app/steps.ts (the CLI runs the same one in-process). It imports no
 * report code of its own (see functions/handler/pull-deps-from-env.ts).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import type { PullStepOutput } from '../shared/app/step-contract.ts';
import { pullStep } from '../shared/app/steps.ts';
import { createLogger, toLog } from '../shared/logging/logger.ts';
import { buildSources } from '../shared/sources/build-sources.ts';
import { ProfileBusyError } from './handler/profile-busy.ts';
import { pullDepsFromEnv, type PullDeps } from './handler/pull-deps-from-env.ts';
import { firingFromEvent, once } from './steps/step-event.ts';

/** Kept back from the invocation's remaining time to stage what was read and save the cursors. */
export const PULL_SAVE_MARGIN_MS = 60_000;
/** A step always gets some time, even when the function's timeout is set very low. */
const MIN_BUDGET_MS = 10_000;

export type PullStepHandler = (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<PullStepOutput & { outcome?: 'duplicate' }>;

export function createPullStepHandler(provide: () => Promise<PullDeps>, fallbackBudgetMs = 5 * 60_000): PullStepHandler {
  const depsOnce = once(provide);
  return async (event, context) => {
    const d = await depsOnce();
    const firing = firingFromEvent(event, d);
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : fallbackBudgetMs + PULL_SAVE_MARGIN_MS;
    const budgetMs = Math.max(MIN_BUDGET_MS, remaining - PULL_SAVE_MARGIN_MS);
    const logger = d.logger.createChild({ persistentKeys: { profile: firing.profile.id, firingKey: firing.firingKey, step: 'pull' } });
    const output = await pullStep(firing, budgetMs, {
      store: d.store,
      sourcesFor: (p) => buildSources(p, { secrets: d.secrets, sessions: d.store, configDir: d.configDir, ...(d.secretWriter !== undefined ? { secretWriter: d.secretWriter } : {}), ...(d.exportsBucket !== undefined ? { exportsBucket: d.exportsBucket } : {}) }),
      mailer: null,
      log: toLog(logger),
    });
    // Busy: fail the step so the state machine waits and retries (ProfileBusyError has its own backoff there).
    if (output.outcome === 'busy') throw new ProfileBusyError(firing.profile.id, firing.firingKey);
    // Only ids and counts go back into the execution's state.
    return {
      done: output.done,
      waitSeconds: output.waitSeconds,
      iteration: output.iteration,
      sources: output.sources.map((s) => ({ sourceId: s.sourceId, state: s.state, requests: s.requests, items: s.items })),
      ...(output.outcome === 'duplicate' ? { outcome: 'duplicate' as const } : {}),
    };
  };
}

const logger = createLogger();
// In the bundle this is /var/task, where the stack also puts the config file.
const bundleDir = dirname(fileURLToPath(import.meta.url));

// Only what a pull uses: no mailer, classifiers or decision page (and none of their code in this bundle).
export const handler: PullStepHandler = createPullStepHandler(() => pullDepsFromEnv(process.env, bundleDir, logger));
