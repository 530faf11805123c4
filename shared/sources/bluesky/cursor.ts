/**
 * The cursor a Bluesky pull hands to the next one. Notifications are paged
 * newest first and carry a server `indexedAt`, so the newest one seen is where
 * the next pull stops. Own records are keyed by TIDs, which sort by time, so the
 * newest record key seen per collection plays the same role.
 */
import { z } from 'zod';
import { IsoInstant } from '../../domain/model.ts';
import { readStoredCursor, type CursorReading as StoredCursorReading } from '../stored-cursor.ts';

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

export type CursorReading = StoredCursorReading<BlueskyCursor>;

/** Reads a stored cursor; a corrupt one is reported (the pull then backfills as a first pull would). */
export function readCursor(text: string | undefined): CursorReading {
  return readStoredCursor(BlueskyCursor, text);
}

export function writeCursor(cursor: BlueskyCursor): string {
  return JSON.stringify(cursor);
}
