import { z } from 'zod';
import { formatPath } from '../../shared/config/load-config.ts';
import { FiringInput } from '../../shared/app/step-contract.ts';
import { firingOf, type Firing } from '../../shared/app/steps.ts';
import type { JobDeps } from '../handler/create-handler.ts';

/**
 * What the state machine passes to each task: the firing, plus the
 * execution's id and start (the same for every step of one execution, so a
 * retried or later step is the same holder of the profile's claims).
 */
export const StepEvent = FiringInput.extend({
  executionId: z.string().min(1).max(2048),
  startedAt: z.iso.datetime({ offset: true }),
}).strict();
export type StepEvent = z.infer<typeof StepEvent>;

/** The state machine sent something that is not a firing: no retry fixes it (the state machine does not retry this name). */
export class InvalidFiringError extends Error {
  override readonly name = 'InvalidFiringError';
}

/** Parses the event and finds its profile in the deployed config; throws InvalidFiringError naming what was wrong. */
export function firingFromEvent(event: unknown, deps: Pick<JobDeps, 'config'>): Firing {
  const parsed = StepEvent.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length === 0 ? 'event' : `event.${formatPath(i.path)}`}: ${i.message}`);
    throw new InvalidFiringError(`invalid step event: ${issues.join('; ')}; expected {"profile","now","firingKey","dryRun","executionId","startedAt"}`);
  }
  const profile = deps.config.profiles.find((p) => p.id === parsed.data.profile);
  if (!profile) {
    throw new InvalidFiringError(`invalid step event: event.profile "${parsed.data.profile}" is not in the deployed config; it has: ${deps.config.profiles.map((p) => p.id).join(', ')}`);
  }
  return firingOf(parsed.data, profile);
}

/** Builds the dependencies once per execution environment; a failed cold start is retried by the next invocation. */
export function once<T>(provide: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    if (value === undefined) {
      value = provide();
      value.catch(() => {
        value = undefined;
      });
    }
    return value;
  };
}
