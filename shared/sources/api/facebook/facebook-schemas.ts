/**
 * The shapes followback reads from the Facebook Pages part of the Graph API (graph.facebook.com),
 * and where each was checked:
 *  - Versions: the Graph API changelog (developers.facebook.com/docs/graph-api/changelog) lists v26.0
 *    (29 July 2026, available until "TBD") as the newest; v25.0 is available until 29 July 2028.
 *  - `GET /{page-id}?fields=id,name` (Page reference; facebook-business-sdk-codegen
 *    api_specs/specs/Page.json: `id` and `name` are strings).
 *  - `GET /{page-id}/posts` returns PagePost nodes (codegen Page.json: edges `posts`, `published_posts`,
 *    `feed`, `tagged` all return PagePost); PagePost has `id`, `created_time`, `permalink_url`,
 *    `from`, `message` (codegen PagePost.json). Its paging is time based, not cursor based:
 *    `paging.next` carries `until=<unix>&__paging_token=…` and no `paging.cursors` (a real answer kept
 *    as a fixture by sns-sdks/python-facebook, testdata/facebook/apidata/posts/feed_fields_p1.json).
 *  - `GET /{object-id}/comments`: Comment nodes with `id`, `from` (Object: `{id, name}`), `message`,
 *    `created_time` (codegen Comment.json); the `filter` parameter is `toplevel` (the default) or
 *    `stream` ("all-level comments in chronological order": codegen enum
 *    pagepostcomments_filter_enum_param; the object/comments reference: "to get all comments … set
 *    the filter parameter to stream"). `from` is returned only with a Page access token
 *    (NETWORK-EXPORTS.md §4.2, quoting the Page reference) and is absent for people whose privacy
 *    hides them: it is optional here, and counted when missing.
 *  - Field expansion `comments.limit(0).summary(true),reactions.limit(0).summary(true)` on the post
 *    list gives each post `{comments: {data: [], summary: {total_count}}, reactions: {…}}`: the
 *    edges' `summary` with `total_count` is documented (reactions reference, Fields: "summary …
 *    total_count"; object/comments: `summary` with `order`, `total_count`, `can_comment`, as in the
 *    python-facebook fixture comments_p1.json), and this very field list is what many Page tools
 *    send to /posts (found with the code search). A post with a count of 0 is not asked for its
 *    comments or reactions; a missing count is read as "some".
 *  - `GET /{object-id}/reactions`: "A list of Profile nodes" to which `type` is added, enum {NONE,
 *    LIKE, LOVE, WOW, HAHA, SAD, ANGRY, THANKFUL, PRIDE, CARE, FIRE, HUNDRED} (the reactions
 *    reference's Fields section; the enum also in codegen pagepostreactions_type_enum_param);
 *    Profile has `id`, `name`, `profile_type` (codegen Profile.json). No time: Meta does not say when
 *    someone reacted.
 *  - `GET /{page-id}/tagged`: PagePost nodes (posts that tag the Page), with `from` the author.
 *  - Times are ISO 8601 written `2021-08-10T18:45:03+0000` (every Graph answer; python-facebook
 *    fixtures comments_p1.json, feed_fields_p1.json): normalised here to `…Z`.
 * Every list is `{data: [...], paging?: {cursors?: {before, after}, previous?, next?}}`; the end is
 * the absence of `next` ("Paginated Results", developers.facebook.com/docs/graph-api/results: a page
 * may be empty and still carry `next`).
 */
import { z } from 'zod';

const OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/;

/** Meta's `2017-05-01T13:21:41+0000` as `2017-05-01T13:21:41.000Z`; undefined when it is not a time. */
export function normaliseMetaTime(text: string): string | undefined {
  const m = OFFSET.exec(text.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const zone = m[2] === 'Z' ? 'Z' : `${m[2].slice(0, 3)}:${m[2].slice(-2)}`;
  const ms = Date.parse(`${m[1]}${zone}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** A Graph time, normalised; anything else is refused naming the field. */
export const MetaTime = z.string().transform((text, ctx) => {
  const iso = normaliseMetaTime(text);
  if (iso === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return iso;
});

/** Ids are numeric strings (`1234_5678` for posts); a number would already have lost digits. */
const Id = z.string().min(1).max(128);

/** `from{id,name}`: both may be missing (no Page token, or a person who hides them). */
export const FbActor = z
  .object({
    id: Id.optional(),
    name: z.string().max(2048).optional(),
  })
  .loose();
export type FbActor = z.infer<typeof FbActor>;

export const FbPage = z.object({ id: Id, name: z.string().max(2048) }).loose();
export type FbPage = z.infer<typeof FbPage>;

/** `comments.limit(0).summary(true)`: no items, only how many there are. */
const EdgeSummary = z
  .object({ summary: z.object({ total_count: z.number().int().nonnegative().optional() }).loose().optional() })
  .loose();

export const FbPost = z
  .object({
    id: Id,
    created_time: MetaTime,
    permalink_url: z.string().max(2048).optional(),
    comments: EdgeSummary.optional(),
    reactions: EdgeSummary.optional(),
  })
  .loose();
export type FbPost = z.infer<typeof FbPost>;

export const FbComment = z
  .object({
    id: Id,
    from: FbActor.optional(),
    message: z.string().optional(),
    created_time: MetaTime,
  })
  .loose();
export type FbComment = z.infer<typeof FbComment>;

export const FbReaction = z
  .object({
    id: Id.optional(),
    name: z.string().max(2048).optional(),
    type: z.string().max(32).optional(),
  })
  .loose();
export type FbReaction = z.infer<typeof FbReaction>;

export const FbTaggedPost = z
  .object({
    id: Id,
    created_time: MetaTime,
    from: FbActor.optional(),
    message: z.string().optional(),
    permalink_url: z.string().max(2048).optional(),
  })
  .loose();
export type FbTaggedPost = z.infer<typeof FbTaggedPost>;

const Paging = z
  .object({
    cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).loose().optional(),
    previous: z.string().optional(),
    next: z.string().optional(),
  })
  .loose();

export function fbListSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), paging: Paging.optional() }).loose();
}

/** The fields each request asks for (Graph returns only `id` unless told). */
export const FIELDS = {
  page: 'id,name',
  /** With how many comments and reactions each post has (field expansion with `summary`), so a post with none costs no request. */
  posts: 'id,created_time,permalink_url,comments.limit(0).summary(true),reactions.limit(0).summary(true)',
  comments: 'id,from{id,name},message,created_time',
  reactions: 'id,name,type',
  tagged: 'id,created_time,from{id,name},message,permalink_url',
} as const;
