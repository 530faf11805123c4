/**
 * The shapes of X API v2 answers followback reads (xdevplatform/docs openapi.json, the mdx pages of
 * x-api/users and x-api/posts, checked 2026-12 against the docs repository as of 2026-08-22):
 *  - a list answer is `{ data?: [...], includes?, errors?, meta: { result_count, next_token?,
 *    newest_id?, oldest_id? } }`; `data` is left out when nothing matched;
 *  - a user has `id`, `name`, `username` by default and, when asked through `user.fields`,
 *    `description`, `created_at`, `protected`, `public_metrics` (`followers_count`,
 *    `following_count`, `tweet_count`, ...);
 *  - a post has `id`, `text` (and `edit_history_tweet_ids`) by default and, when asked through
 *    `tweet.fields`, `created_at`, `author_id`, `in_reply_to_user_id`, `lang`,
 *    `referenced_tweets: [{ type: 'replied_to' | 'quoted' | 'retweeted', id }]` and
 *    `public_metrics` (`like_count`, `retweet_count`, `reply_count`, `quote_count`, ...).
 *
 * The openapi.json published since 2026-08-07 renames the post parameter `post.fields` and the field
 * `referenced_posts` (its enum no longer lists `author_id`); every mdx page and the 2026-06 changelog
 * still say `tweet.fields` / `referenced_tweets`. followback asks with `tweet.fields` and reads both
 * names of the referenced posts. UNVERIFIED: whether the live API already answers with the new names.
 */
import { z } from 'zod';

/** X ids are decimal snowflakes (openapi: `^[0-9]{1,19}$`). */
export const XId = z.string().regex(/^[0-9]{1,19}$/, 'an X id (1 to 19 digits)');

const Count = z.number().int().nonnegative();

export const XUser = z
  .object({
    id: XId,
    username: z.string().min(1).max(100),
    name: z.string().max(2048).default(''),
    description: z.string().max(20000).optional(),
    created_at: z.iso.datetime({ offset: true }).optional(),
    protected: z.boolean().optional(),
    public_metrics: z
      .object({ followers_count: Count.optional(), following_count: Count.optional(), tweet_count: Count.optional() })
      .loose()
      .optional(),
  })
  .loose();
export type XUser = z.infer<typeof XUser>;

const Referenced = z.object({ type: z.string(), id: XId }).loose();

export const XPost = z
  .object({
    id: XId,
    text: z.string().default(''),
    created_at: z.iso.datetime({ offset: true }),
    author_id: XId.optional(),
    in_reply_to_user_id: XId.optional(),
    lang: z.string().optional(),
    referenced_tweets: z.array(Referenced).optional(),
    referenced_posts: z.array(Referenced).optional(),
    public_metrics: z.object({ like_count: Count.optional(), retweet_count: Count.optional() }).loose().optional(),
  })
  .loose();
export type XPost = z.infer<typeof XPost>;

/** A partial error inside a 200 (x-api/fundamentals/response-codes-and-errors.mdx). */
const XProblem = z.object({ title: z.string().optional(), detail: z.string().optional(), type: z.string().optional() }).loose();

const XMeta = z
  .object({
    result_count: Count.optional(),
    next_token: z.string().min(1).optional(),
    newest_id: z.string().optional(),
    oldest_id: z.string().optional(),
  })
  .loose();

export function xPageSchema<T>(item: z.ZodType<T>) {
  return z.object({ data: z.array(item).optional(), meta: XMeta.optional(), errors: z.array(XProblem).optional(), includes: z.object({}).loose().optional() }).loose();
}
export type XPage<T> = { data?: T[]; meta?: z.infer<typeof XMeta>; errors?: z.infer<typeof XProblem>[] };

export const XMe = z.object({ data: XUser }).loose();

/** X's error body (RFC 7807 style): `{ title, detail, type, status }`, or the older `{ errors: [{ code, message }] }` of a 429. */
export const XErrorBody = z
  .object({
    title: z.string().optional(),
    detail: z.string().optional(),
    type: z.string().optional(),
    status: z.union([z.number(), z.string()]).optional(),
    reason: z.string().optional(),
    errors: z.array(z.object({ code: z.number().optional(), message: z.string().optional() }).loose()).optional(),
  })
  .loose();
