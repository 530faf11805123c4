/**
 * The cursor a Bluesky pull hands to the next one. Notifications are paged
 * newest first and carry a server `indexedAt`, so the newest one seen is where
 * the next pull stops. Own records are keyed by TIDs, which sort by time, so the
 * newest record key seen per collection plays the same role.
 */
import { z } from 'zod';
import { IsoInstant } from '../../domain/model.ts';
import { describeZodError } from '../http/zod-issue.ts';

export const BlueskyCursor = z
  .object({
    v: z.literal(1),
    /** `indexedAt` of the newest notification already returned. */
    notificationsSeenAt: IsoInstant.optional(),
    /** Record key (TID) of the newest app.bsky.feed.like already returned. */
    likesSince: z.string().min(1).max(64).optional(),
    repostsSince: z.string().min(1).max(64).optional(),
    postsSince: z.string().min(1).max(64).optional(),
    /** The backfill horizon of the first pull: inbound history is covered from here on. */
    historySince: IsoInstant.optional(),
  })
  .strict();
export type BlueskyCursor = z.infer<typeof BlueskyCursor>;

export type CursorReading = { ok: true; cursor: BlueskyCursor | undefined } | { ok: false; problem: string };

/** Reads a stored cursor; a corrupt one is reported (the pull then backfills as a first pull would). */
export function readCursor(text: string | undefined): CursorReading {
  if (text === undefined || text === '') return { ok: true, cursor: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the stored cursor is not JSON; interactions were pulled again from the backfill horizon' };
  }
  const parsed = BlueskyCursor.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problem: `the stored cursor is invalid (${describeZodError(parsed.error)}); interactions were pulled again from the backfill horizon` };
  }
  return { ok: true, cursor: parsed.data };
}

export function writeCursor(cursor: BlueskyCursor): string {
  return JSON.stringify(cursor);
}
