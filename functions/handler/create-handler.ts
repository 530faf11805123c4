import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { runReport } from '../../shared/app/run-report.ts';
import type { Config } from '../../shared/config/schema.ts';
import { toLog } from '../../shared/logging/logger.ts';
import type { Mailer } from '../../shared/ports/mailer.ts';
import type { SecretResolver } from '../../shared/ports/secrets.ts';
import type { SecretWriter } from '../../shared/secrets/secret-writer.ts';
import type { SessionStore } from '../../shared/ports/source.ts';
import type { ProfileStore } from '../../shared/ports/store.ts';
import type { RunClassifiers } from '../../shared/classify/build-classifiers.ts';
import type { DecisionPageDeps } from '../../shared/decide/report-parts.ts';
import { buildSources, type ExportsBucketDeps } from '../../shared/sources/build-sources.ts';
import { InvalidEventError, parseJobEvent, type JobEvent } from './event.ts';
import { ProfileBusyError } from './profile-busy.ts';
import { toSummary, type RunSummary } from './summary.ts';

// In its own module so the pull step can throw it without loading the report (runReport) into its bundle.
export { ProfileBusyError } from './profile-busy.ts';

/** Everything a run needs, built once per execution environment. */
export interface JobDeps {
  config: Config;
  /** Folder the config came from (file sources resolve against it). */
  configDir: string;
  store: ProfileStore & SessionStore;
  secrets: SecretResolver;
  /** Where refreshed API tokens are written back (Secrets Manager deployed); without it they are not refreshed. */
  secretWriter?: SecretWriter;
  mailer: Mailer;
  logger: Logger;
  /** Tone classifier per profile and the language detector; without them critic_only and language-based out_of_audience are not judged. */
  classifiers?: RunClassifiers;
  /** Signed decision links in the email and the owner's confirmed actions (when the stack deploys the decision page). */
  decisionPage?: DecisionPageDeps;
  /** Deployed with export sources: where they read their exports (the stack's exports bucket). */
  exportsBucket?: ExportsBucketDeps;
}

export interface HandlerOptions {
  /** The run's clock when a manual event gives no `now`. */
  clock?: () => Date;
}

/** The part of the Lambda context the handler uses; a full `Context` also enriches the logs. */
export type InvocationContext = Pick<Context, 'awsRequestId'> & Partial<Context>;

export type JobHandler = (event: unknown, context?: InvocationContext) => Promise<RunSummary>;

/**
 * The composition root's logic, separate from `handler.ts` so tests can give
 * it local clients. The event is validated before the dependencies are even
 * built: a bad event reads nothing and writes nothing.
 */
export function createHandler(provide: () => Promise<JobDeps>, options: HandlerOptions = {}): JobHandler {
  const clock = options.clock ?? (() => new Date());
  let deps: Promise<JobDeps> | undefined;
  const depsOnce = (): Promise<JobDeps> => {
    if (deps === undefined) {
      deps = provide();
      // A failed cold start (bad bundled config, missing env) is retried by the next invocation.
      deps.catch(() => {
        deps = undefined;
      });
    }
    return deps;
  };

  return async (event, context) => {
    const job = parseJobEvent(event);
    const d = await depsOnce();
    const profile = d.config.profiles.find((p) => p.id === job.profile);
    if (!profile) {
      throw new InvalidEventError(`invalid event: event.profile "${job.profile}" is not in the deployed config; it has: ${d.config.profiles.map((p) => p.id).join(', ')}`);
    }
    const now = runClock(job, clock);
    const runKey = runKeyOf(job, now, context?.awsRequestId);
    const dryRun = job.trigger === 'manual' && job.dryRun;

    // A child logger per invocation: concurrent invocations in one process (tests) keep their own keys.
    const logger = d.logger.createChild({ persistentKeys: { profile: profile.id, runKey, trigger: job.trigger } });
    if (context !== undefined && isFullContext(context)) logger.addContext(context);
    logger.info('run requested', { dryRun, at: now.toISOString() });

    try {
      const pullDeadline = pullDeadlineOf(context);
      const result = await runReport(
        { profile, now, dryRun, runKey, ...(pullDeadline ? { pullDeadline } : {}) },
        {
          store: d.store,
          sourcesFor: (p) => buildSources(p, { secrets: d.secrets, sessions: d.store, configDir: d.configDir, ...(d.secretWriter !== undefined ? { secretWriter: d.secretWriter } : {}), ...(d.exportsBucket !== undefined ? { exportsBucket: d.exportsBucket } : {}) }),
          mailer: dryRun ? null : d.mailer,
          ...d.classifiers,
          ...(d.decisionPage !== undefined ? { decisionPage: d.decisionPage } : {}),
          log: toLog(logger),
        },
      );
      if (result.status === 'busy' && job.trigger === 'schedule') {
        // Returning success would drop this firing for good: fail it so Lambda and the Scheduler retry it
        // (and, if the profile stays busy, the event lands in the dead-letter queue and its alarm fires).
        throw new ProfileBusyError(profile.id, runKey);
      }
      if (result.runId !== undefined) logger.appendPersistentKeys({ runId: result.runId });
      const summary = toSummary(result, job, runKey, now);
      logger.info('run finished', { status: summary.status, figures: summary.figures, itemsWritten: summary.itemsWritten, delivery: summary.delivery });
      return summary;
    } catch (err) {
      logger.error('run failed', { error: err instanceof Error ? { name: err.name, message: err.message } : String(err) });
      throw err;
    }
  };
}

/** The scheduled time is the run's clock, so a late or repeated delivery reports on the same instant. */
function runClock(job: JobEvent, clock: () => Date): Date {
  if (job.trigger === 'schedule') return new Date(job.scheduledTime);
  return job.now !== undefined ? new Date(job.now) : clock();
}

/**
 * What stays equal across deliveries of one trigger: the Scheduler redelivers
 * the same scheduled time; a manual event with `now` names its run; without it,
 * each invocation is its own trigger (the per-profile lease still stops overlaps).
 */
export function runKeyOf(job: JobEvent, now: Date, requestId: string | undefined): string {
  if (job.trigger === 'schedule') return `schedule:${job.profile}:${now.toISOString()}`;
  return `manual:${job.profile}:${job.now !== undefined ? now.toISOString() : (requestId ?? randomUUID())}`;
}


/** Time kept back from the Lambda timeout for storing and delivering after the pulls. */
export const STORE_AND_DELIVER_RESERVE_MS = 90_000;

/**
 * Pulls stop early enough that the run can still store and mail what it got
 * (marked partial) instead of being killed by the timeout mid-write.
 */
export function pullDeadlineOf(context: InvocationContext | undefined, nowMs: number = Date.now()): Date | undefined {
  if (typeof context?.getRemainingTimeInMillis !== 'function') return undefined;
  const remaining = context.getRemainingTimeInMillis();
  return new Date(nowMs + Math.max(remaining / 2, remaining - STORE_AND_DELIVER_RESERVE_MS));
}

function isFullContext(context: InvocationContext): context is Context {
  return typeof context.functionName === 'string' && typeof context.getRemainingTimeInMillis === 'function';
}
