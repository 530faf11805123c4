import { z } from 'zod';
import { readStoredCursor, type CursorReading } from '../stored-cursor.ts';
import { MAX_LIST_BOUNDS } from './list-bounds.ts';
import { AccountDomain } from './mastodon-schemas.ts';

/**
 * What a Mastodon pull leaves for the next one: the newest notification, status
 * and favourite seen. Favourite ids are internal (only visible in the `Link`
 * header), which is why each stream keeps its own id instead of a time.
 *
 * And the instance's account domain (LOCAL_DOMAIN, from `/api/v2/instance`),
 * which names local accounts: an instance can never change it, so it is asked
 * for once, and again only if the source is pointed at another instance URL.
 *
 * And where the last full walk of each contact list ended every
 * LIST_MARK_EVERY pages (`listBounds`, newest first): the Link `max_id` of those
 * pages, which on Mastodon is a follow record's id (see list-bounds.ts). The
 * next pull starts a walk at each and runs them at once. Cursors written before
 * they were kept have none: that pull walks the lists one page after another,
 * as a first pull does, and keeps them for the next.
 */
export const MastodonCursor = z
  .object({
    v: z.literal(1),
    notificationsSinceId: z.string().min(1).optional(),
    statusesSinceId: z.string().min(1).optional(),
    favouritesSinceId: z.string().min(1).optional(),
    accountDomain: z
      .object({
        /** The instance URL's origin the domain was read from. */
        instance: z.string().min(1),
        domain: AccountDomain,
      })
      .strict()
      .optional(),
    listBounds: z
      .object({
        followers: z.array(z.string().min(1).max(40)).max(MAX_LIST_BOUNDS).optional(),
        following: z.array(z.string().min(1).max(40)).max(MAX_LIST_BOUNDS).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type MastodonCursor = z.infer<typeof MastodonCursor>;

export type CursorRead = CursorReading<MastodonCursor>;

/** A stored cursor that cannot be read is reported and the pull starts over, rather than failing every run. */
export function readCursor(text: string | undefined): CursorRead {
  return readStoredCursor(MastodonCursor, text);
}

export function writeCursor(cursor: MastodonCursor): string {
  return JSON.stringify(cursor);
}
