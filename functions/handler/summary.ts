import { z } from 'zod';
import type { RunReportResult } from '../../shared/app/types.ts';
import type { JobEvent } from './event.ts';

/**
 * What the function returns: small enough for any invoke response, and the
 * shape `followback invoke` parses back (so both sides share one schema).
 */
export const RunSummary = z.object({
  status: z.enum(['completed', 'duplicate', 'busy']),
  profileId: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  runKey: z.string(),
  dryRun: z.boolean(),
  at: z.string(),
  runId: z.string().optional(),
  figures: z
    .looseObject({
      following: z.number(),
      followers: z.number(),
      suggestedUnfollows: z.number(),
      suggestedReviews: z.number(),
      suggestedFollowBacks: z.number(),
      newFollowers: z.number(),
      lostFollowers: z.number(),
    })
    .optional(),
  staleSources: z.array(z.looseObject({ sourceId: z.string(), problems: z.array(z.string()) })).optional(),
  contacts: z.number().optional(),
  itemsWritten: z.number().optional(),
  delivery: z.object({ kind: z.string(), ref: z.string() }).optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export function toSummary(result: RunReportResult, event: JobEvent, runKey: string, at: Date): RunSummary {
  return {
    status: result.status,
    profileId: result.profileId,
    trigger: event.trigger,
    runKey,
    dryRun: event.trigger === 'manual' ? event.dryRun : false,
    at: at.toISOString(),
    ...(result.runId !== undefined ? { runId: result.runId } : {}),
    ...(result.figures !== undefined ? { figures: { ...result.figures } } : {}),
    ...(result.staleSources !== undefined ? { staleSources: result.staleSources.map((s) => ({ ...s })) } : {}),
    ...(result.contacts !== undefined ? { contacts: result.contacts } : {}),
    ...(result.writes !== undefined ? { itemsWritten: result.writes.items } : {}),
    ...(result.delivery !== undefined ? { delivery: { kind: result.delivery.kind, ref: result.delivery.ref } } : {}),
  };
}
