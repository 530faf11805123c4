/**
 * The Step Functions "Report" task: analyse, render, deliver once, store.
 * Its output (a run summary, the same shape the single-run handler returns)
 * is the execution's output, which `followback invoke` prints.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEDULE_EVENT_SOURCE } from '../shared/app/env.ts';
import { reportStep } from '../shared/app/steps.ts';
import { createLogger, toLog } from '../shared/logging/logger.ts';
import { buildSources } from '../shared/sources/build-sources.ts';
import type { JobDeps } from './handler/create-handler.ts';
import { depsFromEnv } from './handler/deps-from-env.ts';
import type { JobEvent } from './handler/event.ts';
import { ProfileBusyError } from './handler/profile-busy.ts';
import { toSummary, type RunSummary } from './handler/summary.ts';
import { firingFromEvent, once } from './steps/step-event.ts';

export type ReportStepHandler = (event: unknown) => Promise<RunSummary>;

export function createReportStepHandler(provide: () => Promise<JobDeps>): ReportStepHandler {
  const depsOnce = once(provide);
  return async (event) => {
    const d = await depsOnce();
    const firing = firingFromEvent(event, d);
    const logger = d.logger.createChild({ persistentKeys: { profile: firing.profile.id, firingKey: firing.firingKey, step: 'report' } });
    const result = await reportStep(firing, {
      store: d.store,
      sourcesFor: (p) => buildSources(p, { secrets: d.secrets, sessions: d.store, configDir: d.configDir }),
      mailer: firing.dryRun ? null : d.mailer,
      ...d.classifiers,
      ...(d.decisionPage !== undefined ? { decisionPage: d.decisionPage } : {}),
      log: toLog(logger),
    });
    if (result.status === 'busy') throw new ProfileBusyError(firing.profile.id, firing.firingKey);
    const at = firing.now.toISOString();
    // The scheduled firings' keys start with "schedule:" (the gate makes them); everything else was started by hand.
    const trigger: JobEvent = firing.firingKey.startsWith('schedule:')
      ? { trigger: 'schedule', source: SCHEDULE_EVENT_SOURCE, profile: firing.profile.id, scheduledTime: at }
      : { trigger: 'manual', profile: firing.profile.id, dryRun: firing.dryRun, now: at };
    const summary = toSummary(result, trigger, firing.firingKey, firing.now);
    logger.info('firing reported', { status: summary.status, figures: summary.figures, delivery: summary.delivery });
    return summary;
  };
}

const logger = createLogger();
// In the bundle this is /var/task, where the stack also puts the config file.
const bundleDir = dirname(fileURLToPath(import.meta.url));

export const handler: ReportStepHandler = createReportStepHandler(() => depsFromEnv(process.env, bundleDir, logger));
