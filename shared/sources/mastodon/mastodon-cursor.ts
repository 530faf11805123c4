import { z } from 'zod';

/**
 * What a Mastodon pull leaves for the next one: the newest notification, status
 * and favourite seen. Favourite ids are internal (only visible in the `Link`
 * header), which is why each stream keeps its own id instead of a time.
 */
export const MastodonCursor = z
  .object({
    v: z.literal(1),
    notificationsSinceId: z.string().min(1).optional(),
    statusesSinceId: z.string().min(1).optional(),
    favouritesSinceId: z.string().min(1).optional(),
  })
  .strict();
export type MastodonCursor = z.infer<typeof MastodonCursor>;

export type CursorRead = { ok: true; cursor: MastodonCursor | undefined } | { ok: false; problem: string };

/** A stored cursor that cannot be read is reported and the pull starts over, rather than failing every run. */
export function readCursor(text: string | undefined): CursorRead {
  if (text === undefined || text === '') return { ok: true, cursor: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the stored cursor is not JSON; pulled again from scratch (first-pull backfill)' };
  }
  const parsed = MastodonCursor.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return { ok: false, problem: `the stored cursor is invalid at ${where}: ${issue?.message ?? 'unknown'}; pulled again from scratch (first-pull backfill)` };
  }
  return { ok: true, cursor: parsed.data };
}

export function writeCursor(cursor: MastodonCursor): string {
  return JSON.stringify(cursor);
}
