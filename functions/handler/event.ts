import { z } from 'zod';
import { formatPath } from '../../shared/config/load-config.ts';
import { SCHEDULE_EVENT_SOURCE } from '../../shared/app/env.ts';

const ProfileId = z.string().min(1, 'a profile id from the config').max(40);
const IsoInstant = z.iso.datetime({ offset: true, message: 'an ISO date-time such as 2026-11-25T08:00:00Z' });

/** What the Scheduler sends (the stack's target input); `scheduledTime` is `<aws.scheduler.scheduled-time>`. */
export const ScheduledEvent = z
  .object({
    source: z.literal(SCHEDULE_EVENT_SOURCE),
    profile: ProfileId,
    scheduledTime: IsoInstant,
  })
  .strict();
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

/** What a person sends with `aws lambda invoke` or `followback invoke`. */
export const ManualEvent = z
  .object({
    profile: ProfileId,
    dryRun: z.boolean().default(false),
    /** A fixed clock for the run; also makes the trigger idempotent (same `now`, one run). */
    now: IsoInstant.optional(),
  })
  .strict();
export type ManualEvent = z.infer<typeof ManualEvent>;

export type JobEvent = ({ trigger: 'schedule' } & ScheduledEvent) | ({ trigger: 'manual' } & ManualEvent);

/** A Lambda event that is not one of ours; thrown before anything is read or written. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

export const EVENT_EXAMPLES = `expected {"profile":"<id>","dryRun":true,"now":"2026-11-25T08:00:00Z"} (dryRun and now optional) or the Scheduler's {"source":"${SCHEDULE_EVENT_SOURCE}","profile":"<id>","scheduledTime":"<ISO>"}`;

/** A `source` field marks the Scheduler's events; everything else is read as a manual event. */
export function parseJobEvent(event: unknown): JobEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidEventError(`invalid event: not a JSON object; ${EVENT_EXAMPLES}`);
  }
  if ('source' in event) {
    const parsed = ScheduledEvent.safeParse(event);
    if (!parsed.success) throw invalid('scheduled', parsed.error);
    return { trigger: 'schedule', ...parsed.data };
  }
  const parsed = ManualEvent.safeParse(event);
  if (!parsed.success) throw invalid('manual', parsed.error);
  return { trigger: 'manual', ...parsed.data };
}

function invalid(kind: string, error: z.ZodError): InvalidEventError {
  const issues = error.issues.map((i) => `${i.path.length === 0 ? 'event' : `event.${formatPath(i.path)}`}: ${i.message}`);
  return new InvalidEventError(`invalid ${kind} event: ${issues.join('; ')}; ${EVENT_EXAMPLES}`, issues);
}
