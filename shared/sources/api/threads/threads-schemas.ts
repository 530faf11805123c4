/**
 * The shapes the Threads API (graph.threads.net, v1.0) answers with, as far as followback reads them,
 * and the reader's own cursor.
 *
 * Checked against (December 2026):
 *  - developers.facebook.com/documentation/threads/reference/user: `GET /{threads-user-id}/threads`,
 *    fields `id, media_type, permalink, timestamp, has_replies, …`; `since`/`until` (Unix timestamps,
 *    `since` ≥ 1688540400 and < `until`, `until` ≤ now), `limit`, `before`/`after` cursors;
 *  - …/reference/reply-management and …/retrieve-and-manage-replies/replies-and-conversations:
 *    `GET /{threads-media-id}/conversation`, every reply at any depth, flattened; `reverse` (default
 *    true: newest first), `before`/`after`; fields `id, text, timestamp, username, permalink,
 *    replied_to, root_post, is_reply_owned_by_me, hide_status` (`username` and `permalink` "only
 *    work for public users and your own user");
 *  - …/threads-mentions: `GET /{threads-user-id}/mentions`, public posts that tag you, needs
 *    `threads_manage_mentions`; `since` ≥ 1688540400;
 *  - Meta's own sample app and Postman collection (github.com/fbsamples/threads_api, src/index.js and
 *    postman/threads-api.postman_collection.json): the example bodies, `timestamp` as
 *    `2024-09-17T20:54:47+0000`, `root_post`/`replied_to` as `{ "id": … }`, `paging.cursors`.
 *
 * Fields followback does not read are let through (`loose`); optional ones may be absent or null.
 */
import { z } from 'zod';
import { IsoInstant } from '../../../domain/model.ts';

/** The earliest `since` the Threads API accepts (2023-07-05, the launch), per the reference and mentions pages. */
export const THREADS_MIN_SINCE = 1688540400;

/**
 * Meta writes offsets without a colon (`2017-05-01T13:21:41+0000`); ISO 8601 as followback stores
 * it has one (`+00:00`) or `Z`. Anything else is left as it is for the schema to judge.
 */
export function normaliseMetaTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-])(\d{2})(\d{2})$/.exec(text.trim());
  return m ? `${m[1]}${m[2]}${m[3]}:${m[4]}` : text.trim();
}

/** A Meta timestamp, normalised to ISO 8601 with a colon in the offset. */
export const MetaTime = z.string().max(64).transform(normaliseMetaTime).pipe(IsoInstant);

/** Media and user ids go into URL paths: numeric strings in every example; nothing that could leave the path segment. */
export const ThreadsId = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'a Threads id (digits and letters)');

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const ThreadsMe = z.object({ id: ThreadsId, username: z.string().min(1).max(128) }).loose();
export type ThreadsMe = z.infer<typeof ThreadsMe>;

/** One of your posts (`/{user-id}/threads`). `REPOST_FACADE` is your repost of someone else's post. */
export const ThreadsPost = z
  .object({
    id: ThreadsId,
    timestamp: MetaTime,
    permalink: optional(z.string().max(2048)),
    media_type: optional(z.string().max(64)),
    has_replies: optional(z.boolean()),
  })
  .loose();
export type ThreadsPost = z.infer<typeof ThreadsPost>;

const Ref = z.object({ id: ThreadsId }).loose();

/** One reply of a conversation (`/{media-id}/conversation`), at any depth. */
export const ThreadsReply = z
  .object({
    id: ThreadsId,
    timestamp: MetaTime,
    text: optional(z.string()),
    username: optional(z.string().max(128)),
    permalink: optional(z.string().max(2048)),
    is_reply_owned_by_me: optional(z.boolean()),
    hide_status: optional(z.string().max(64)),
    root_post: optional(Ref),
    replied_to: optional(Ref),
  })
  .loose();
export type ThreadsReply = z.infer<typeof ThreadsReply>;

/** A public post that tags you (`/{user-id}/mentions`). */
export const ThreadsMention = z
  .object({
    id: ThreadsId,
    timestamp: MetaTime,
    text: optional(z.string()),
    username: optional(z.string().max(128)),
    permalink: optional(z.string().max(2048)),
  })
  .loose();
export type ThreadsMention = z.infer<typeof ThreadsMention>;

const Unix = z.number().int().min(0).max(32503680000);

/**
 * A span of your posts still to read, by publish time (Unix seconds). `until` absent: up to now.
 * `knownUpTo`/`repliesSince`: posts published at or before `knownUpTo` were read by an earlier run,
 * so only their replies from `repliesSince` on are new (a newest-first conversation stops there).
 * `skipId`: the post at the `until` boundary, already read.
 */
export const ThreadsWindow = z
  .object({
    since: Unix,
    until: Unix.optional(),
    skipId: ThreadsId.optional(),
    knownUpTo: Unix.optional(),
    repliesSince: Unix.optional(),
  })
  .strict();
export type ThreadsWindow = z.infer<typeof ThreadsWindow>;

export const ThreadsCursor = z
  .object({
    v: z.literal(1),
    /** Publish time of the newest post any run has listed. */
    newestPostAt: Unix.optional(),
    /** When the last run began (its replies are known up to then, less a margin). */
    readAt: Unix.optional(),
    /** The next mentions read starts here. */
    mentionsSince: Unix.optional(),
    /** Post spans a cut-short run left, newest first. */
    todo: z.array(ThreadsWindow).max(8).default([]),
    /** The conversation a cut-short run was reading, and the page to continue from. */
    current: z.object({ id: ThreadsId, after: z.string().min(1).max(1024) }).strict().optional(),
  })
  .strict();
export type ThreadsCursor = z.infer<typeof ThreadsCursor>;
