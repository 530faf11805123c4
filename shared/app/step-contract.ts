/**
 * The contract between the orchestration (AWS Step Functions in the stack, an
 * in-process loop in the CLI) and the two steps of a firing. One firing is:
 *
 *   pullStep -> (done? no: Wait waitSeconds -> pullStep) -> ... -> reportStep
 *
 * Inputs and outputs stay small (ids, cursors live in the table): the state
 * machine carries only where to find the data.
 */
import { z } from 'zod';

/** What identifies one firing of one profile: the same for every step of it. */
export const FiringInput = z
  .object({
    profile: z.string().min(1),
    /** The firing's clock (the scheduled time, `--now`, or when a manual run started), ISO 8601. */
    now: z.iso.datetime({ offset: true }),
    /** Idempotency key of the firing, e.g. `schedule:<profile>:<scheduledTime>`. */
    firingKey: z.string().min(1).max(512),
    dryRun: z.boolean().default(false),
  })
  .strict();
export type FiringInput = z.infer<typeof FiringInput>;

export const PullStepOutput = z.object({
  /** Every source complete, failed for good, or maxPullHours reached: go to the report step. */
  done: z.boolean(),
  /** How long to wait before the next pull step (the rate limit's reset), 0 to go on at once. */
  waitSeconds: z.number().int().min(0).max(3600),
  /** Pull steps so far in this firing (this one included). */
  iteration: z.number().int().min(1),
  sources: z.array(
    z.object({
      sourceId: z.string(),
      state: z.enum(['in_progress', 'complete', 'partial', 'failed']),
      requests: z.number().int().min(0),
      items: z.number().int().min(0),
    }),
  ),
  /**
   * Set (with done) when the first pull step found this firing already delivered (`duplicate`) or the
   * profile's lease held by another run (`busy`, until `busyUntil`): the execution ends without a report.
   */
  outcome: z.enum(['duplicate', 'busy']).optional(),
  busyUntil: z.iso.datetime({ offset: true }).optional(),
});
export type PullStepOutput = z.infer<typeof PullStepOutput>;
