/**
 * The shapes followback reads from the Instagram API with Instagram Login (graph.instagram.com),
 * checked against Meta's reference (developers.facebook.com/documentation/instagram-platform/…):
 *  - `GET /me?fields=user_id,username` (reference/me, instagram-api-with-instagram-login/get-started):
 *    `user_id` is the professional account's Instagram id (the `<IG_ID>` of the other endpoints),
 *    `id` the app-scoped id; both are strings.
 *  - `GET /<IG_ID>/media?fields=id,timestamp,permalink,comments_count` (reference/instagram-media):
 *    `timestamp` is ISO 8601 in UTC written `2017-08-31T18:10:30+0000`; `comments_count` counts
 *    replies too and excludes comments on ads; `permalink` is missing on album children.
 *  - `GET /<IG_MEDIA_ID>/comments?fields=id,text,timestamp,username,from{id,username},replies{…}`
 *    (reference/ig-media/comments, reference/ig-comment; `from` added 2021-10-20, Graph API
 *    changelog "oct-20-2021"): top-level comments, their replies under `replies` as a nested list
 *    with its own `paging`. `username` needs `instagram_business_manage_comments` since 2024-08-27
 *    (comment-moderation guide, Instagram Login).
 *  - `GET /<IG_ID>/tags` (reference/ig-user/tags): media other users tagged you in, with the public
 *    media fields; `username` is the media owner's (IG Media reference: "owner … otherwise the
 *    username field will be included"). Its pages carry cursors but no `next` (documented).
 * Every list is `{data: [...], paging: {cursors: {before, after}, next?}}` (Graph API pagination).
 */
import { z } from 'zod';

/**
 * Meta's `2017-08-31T18:10:30+0000` as an ISO-8601 instant followback's schema accepts
 * (`2017-08-31T18:10:30.000Z`); anything else that is not a date is refused naming the field.
 */
export const MetaTimestamp = z.string().transform((text, ctx) => {
  const iso = normaliseMetaTime(text);
  if (iso === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return iso;
});

const OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/;

export function normaliseMetaTime(text: string): string | undefined {
  const m = OFFSET.exec(text.trim());
  if (!m) return undefined;
  const zone = m[2] === 'Z' ? 'Z' : `${m[2]!.slice(0, 3)}:${m[2]!.slice(-2)}`;
  const ms = Date.parse(`${m[1]}${zone}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Ids are numeric strings; a number (a JSON parser's rounding waiting to happen) is refused. */
const Id = z.string().min(1).max(128);

export const IgMe = z
  .object({
    user_id: Id.optional(),
    id: Id,
    username: z.string().min(1).max(64),
  })
  .loose();
export type IgMe = z.infer<typeof IgMe>;

export const IgMedia = z
  .object({
    id: Id,
    timestamp: MetaTimestamp,
    permalink: z.string().max(2048).optional(),
    comments_count: z.number().int().nonnegative().optional(),
  })
  .loose();
export type IgMedia = z.infer<typeof IgMedia>;

const Author = z.object({ id: Id.optional(), username: z.string().max(64).optional() }).loose();

export const IgReply = z
  .object({
    id: Id,
    text: z.string().optional(),
    timestamp: MetaTimestamp,
    username: z.string().max(64).optional(),
    from: Author.optional(),
  })
  .loose();
export type IgReply = z.infer<typeof IgReply>;

const Paging = z
  .object({
    cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).loose().optional(),
    next: z.string().optional(),
  })
  .loose();

export const IgComment = IgReply.extend({
  replies: z.object({ data: z.array(IgReply), paging: Paging.optional() }).loose().optional(),
});
export type IgComment = z.infer<typeof IgComment>;

export const IgTaggedMedia = z
  .object({
    id: Id,
    timestamp: MetaTimestamp,
    permalink: z.string().max(2048).optional(),
    username: z.string().max(64).optional(),
    caption: z.string().optional(),
  })
  .loose();
export type IgTaggedMedia = z.infer<typeof IgTaggedMedia>;

export const ME_FIELDS = 'user_id,username';
export const MEDIA_FIELDS = 'id,timestamp,permalink,comments_count';
const REPLY_FIELDS = 'id,text,timestamp,username,from{id,username}';
export const REPLY_EDGE_FIELDS = REPLY_FIELDS;
export const COMMENT_FIELDS = `${REPLY_FIELDS},replies{${REPLY_FIELDS}}`;
export const TAG_FIELDS = 'id,timestamp,permalink,username,caption';
