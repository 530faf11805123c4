/**
 * The Instagram reader's own cursor (at most 3 kB of JSON, inside the combined source's cursor):
 *  - after a complete pass: the newest media and tag timestamps read, and when the pass ended, so the
 *    next run reads only media newer than those plus the media of the last `lookbackDays`;
 *  - after a pass cut short: the same, plus `resume`, where the pass stopped (the page of media or
 *    tags it was reading, the last media read in full there, the comments page of the next one) and
 *    how far back it meant to go, so the next run finishes that pass first.
 */
import { z } from 'zod';

const Instant = z.iso.datetime({ offset: true });
const Text = z.string().min(1).max(1024);

export const InstagramResume = z
  .object({
    stage: z.enum(['media', 'tags']),
    /** How far back the interrupted pass reads media (and tags). */
    horizon: Instant,
    tagHorizon: Instant,
    /** The interrupted pass is the first one: its end sets `historySince`. */
    first: z.boolean().optional(),
    /** The newest media and tag timestamps the interrupted pass saw. */
    newestMedia: Instant.optional(),
    newestTag: Instant.optional(),
    /** The `after` cursor of the media (or tags) page being read; absent: the first page. */
    page: Text.optional(),
    /** The last media of that page whose comments were all read. */
    doneId: Text.optional(),
    /** The `after` cursor of the next comments page of the media after `doneId`. */
    comments: Text.optional(),
  })
  .strict();
export type InstagramResume = z.infer<typeof InstagramResume>;

export const InstagramCursor = z
  .object({
    v: z.literal(1),
    newestMediaAt: Instant.optional(),
    newestTagAt: Instant.optional(),
    /** When the last complete pass ended (absent: none has yet, the next read is a first read). */
    completeAt: Instant.optional(),
    resume: InstagramResume.optional(),
  })
  .strict();
export type InstagramCursor = z.infer<typeof InstagramCursor>;

export const CURSOR_MAX_CHARS = 3000;

/** The previous cursor, or a fresh start (with a problem saying so) when it cannot be read. */
export function parseInstagramCursor(text: string | undefined, problems: string[]): InstagramCursor {
  if (text === undefined || text === '') return { v: 1 };
  try {
    const parsed = InstagramCursor.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  problems.push('Instagram: the saved reading position could not be read; this run reads from the backfill horizon again');
  return { v: 1 };
}

/** The cursor as text; a resume position too long to keep is dropped (the next run starts that pass over). */
export function serialiseInstagramCursor(cursor: InstagramCursor, problems: string[]): string {
  const text = JSON.stringify(cursor);
  if (text.length <= CURSOR_MAX_CHARS) return text;
  const { resume: _dropped, ...rest } = cursor;
  problems.push('Instagram: the reading position was too long to keep; the next run starts this read over');
  return JSON.stringify(rest);
}
