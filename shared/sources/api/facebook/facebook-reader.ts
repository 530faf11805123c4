/**
 * Reads the engagement on a Facebook Page you manage, with its Page access token, from the Graph API
 * (graph.facebook.com; shapes and where they were checked: ./facebook-schemas.ts):
 *  1. the Page itself (`/{page-id}?fields=id,name`): the owner;
 *  2. posts that tag the Page (`/{page-id}/tagged`): a `mention` by the post's author;
 *  3. the Page's posts (`/{page-id}/posts`) back to the read's horizon, and for each:
 *     - its comments, replies included (`/{post-id}/comments?filter=stream`): a `reply` with its text;
 *     - its reactions (`/{post-id}/reactions`): a `like` (every reaction type; Facebook's reactions
 *       are the network's likes).
 * People are keyed as the Facebook export keys them, by display name (`FACEBOOK_NAME_PREFIX` + name):
 * the API gives page-scoped ids the export never shows, and the combined source matches names to the
 * export's contacts. The Page's own comments and reactions are not engagement. A comment or reaction
 * that names nobody (no Page token, or a person who hides it) is counted in a problem line, never
 * guessed.
 *
 * What is read each run (the cursor, JSON, at most 3 kB):
 *  - first read: `backfillDays` back; repeat reads: posts newer than the newest post read, plus the
 *    posts of the last `lookbackDays` again (their new comments and reactions; ids are stable, so a
 *    comment read twice is one interaction);
 *  - a read cut short (a rate limit longer than a minute, `maxPages`, a failure after the client's
 *    retries, the run's time limit) keeps what it read, ends `partial`, and leaves the part it did not
 *    reach as time windows in the cursor (plus the post it was in and the comments page it was at),
 *    which the next run reads after the new posts. Graph's own cursors are only kept for that one
 *    post: Meta says they should not be stored, so a stale one costs a re-read of that post only.
 */
import { z } from 'zod';
import type { Interaction, Observability } from '../../../domain/model.ts';
import type { FacebookPageApiConfig } from '../../../config/schema.ts';
import { SourceError } from '../../../ports/source.ts';
import { HttpError, type Query } from '../../http/http-client.ts';
import { ApiAuthError, FACEBOOK_NAME_PREFIX, type ApiRead, type ApiReadContext, type ApiReader } from '../api-reader.ts';
import { GraphClient } from '../meta/graph-client.ts';
import { API_OBSERVES } from '../observes.ts';
import { FIELDS, FbComment, FbPage, FbPost, FbReaction, FbTaggedPost, fbListSchema, type FbActor } from './facebook-schemas.ts';

/** Meta's host; `api.baseUrl` replaces it (a proxy, a test server), the version path is kept. */
export const FACEBOOK_GRAPH_HOST = 'https://graph.facebook.com';
/** The newest Graph API version (changelog: v26.0, 29 July 2026, available until "TBD"). */
export const FACEBOOK_GRAPH_VERSION = 'v26.0';
/** Items per list page. Graph's default is 25; 100 is the usual maximum of these edges (python-facebook's documented limit). */
export const FACEBOOK_PAGE_SIZE = 100;
/** A rate limit that asks for a longer wait ends the read `partial` (a Lambda must not sleep for Meta's hour). */
export const FACEBOOK_MAX_RATE_LIMIT_WAIT_MS = 60_000;
const CURSOR_MAX_BYTES = 3000;
const DAY_S = 86_400;

export interface FacebookPageApiReaderOptions {
  sourceId: string;
  config: FacebookPageApiConfig;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms, for the HTTP client's waits (the read's horizon comes from `ApiReadContext.now`). */
  now?: () => number;
}

/** Where a cut-short read stopped inside a post: the edge it was reading and that edge's Graph cursor. */
const Position = z
  .object({ p: z.string().max(128), e: z.enum(['comments', 'reactions']), a: z.string().max(1500).optional() })
  .strict();
type Position = z.infer<typeof Position>;

/**
 * A span of post (or tag) creation times still to read, unix seconds, both ends included; for posts,
 * the posts created at exactly `u` already read in full (`pd`) and the post the read stopped in (`at`).
 */
const Window = z
  .object({
    s: z.number().int(),
    u: z.number().int(),
    pd: z.array(z.string().max(128)).max(20).optional(),
    at: Position.optional(),
  })
  .strict();
type Window = z.infer<typeof Window>;

const FacebookCursor = z
  .object({
    v: z.literal(1),
    /** Creation time of the newest post read (unix s): later posts are new. */
    np: z.number().int().optional(),
    /** Creation time of the newest tagging post read. */
    nt: z.number().int().optional(),
    /** Older post windows a cut-short read did not reach, newest first. */
    pw: z.array(Window).max(16).optional(),
    /** Older tag windows a cut-short read did not reach. */
    tw: z.array(Window).max(16).optional(),
  })
  .strict();
type FacebookCursor = z.infer<typeof FacebookCursor>;

/** Why a read stopped before the end: it keeps what it read and the next run resumes. */
class Stop extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

type Edge = 'comments' | 'reactions';
type ListPaging = { cursors?: { after?: string | undefined } | undefined; next?: string | undefined };

export class FacebookPageApiReader implements ApiReader {
  private readonly base: string;

  constructor(private readonly options: FacebookPageApiReaderOptions) {
    const host = (options.config.baseUrl ?? FACEBOOK_GRAPH_HOST).replace(/\/+$/, '');
    this.base = `${host}/${FACEBOOK_GRAPH_VERSION}`;
  }

  async read(ctx: ApiReadContext): Promise<ApiRead> {
    const { sourceId, fetch, sleep, now } = this.options;
    const client = new GraphClient({
      baseUrl: this.base,
      sourceId,
      networkName: 'Facebook',
      accessToken: ctx.accessToken,
      maxRateLimitWaitMs: FACEBOOK_MAX_RATE_LIMIT_WAIT_MS,
      ...(fetch !== undefined ? { fetch } : {}),
      ...(sleep !== undefined ? { sleep } : {}),
      ...(now !== undefined ? { now } : {}),
    });
    return new PageRead(sourceId, this.options.config, client, ctx).run();
  }
}

/** One read: its state, and what the cursor must say when it stops anywhere. */
class PageRead {
  private readonly interactions = new Map<string, Interaction>();
  private readonly problems: string[] = [];
  private readonly pageId: string;
  private readonly nowS: number;
  private readonly previous: FacebookCursor | undefined;
  private pages = 0;
  private listPagesRead = 0;
  private commentsWithoutAuthor = 0;
  private reactionsWithoutName = 0;
  private tagsWithoutAuthor = 0;
  private observes: Observability = API_OBSERVES.facebook;

  // What is left to read; updated as the read goes, so a stop anywhere knows where to resume.
  private postsLeft: Window[] = [];
  private tagsLeft: Window[] = [];
  private newestPost: number | undefined;
  private newestTag: number | undefined;

  constructor(
    private readonly sourceId: string,
    private readonly config: FacebookPageApiConfig,
    private readonly client: GraphClient,
    private readonly ctx: ApiReadContext,
  ) {
    this.pageId = config.pageId;
    this.nowS = Math.floor(ctx.now.getTime() / 1000);
    this.previous = this.parseCursor(ctx.cursor);
  }

  async run(): Promise<ApiRead> {
    const first = this.previous === undefined;
    const horizon = this.nowS - this.config.backfillDays * DAY_S;
    const lookback = this.nowS - this.config.lookbackDays * DAY_S;
    const prev = this.previous;
    this.newestPost = prev?.np;
    this.newestTag = prev?.nt;

    let owner: { id: string; handle: string };
    try {
      const page = await this.get(`/${this.pageId}`, FbPage, { fields: FIELDS.page });
      owner = { id: page.id, handle: page.name };
    } catch (err) {
      throw this.nothingRead(err);
    }

    // New this run: everything since the newest item read (or the backfill horizon), and the last lookbackDays again.
    const postSince = first ? horizon : Math.min(prev?.np ?? horizon, lookback);
    const tagSince = first ? horizon : Math.min(prev?.nt ?? horizon, lookback);
    this.postsLeft = [{ s: postSince, u: this.nowS }, ...clipBelow(prev?.pw ?? [], postSince)];
    this.tagsLeft = [{ s: tagSince, u: this.nowS }, ...clipBelow(prev?.tw ?? [], tagSince)];

    let completeness: ApiRead['completeness'] = 'complete';
    try {
      await this.readTags();
      await this.readPosts();
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      if (this.listPagesRead === 0) throw this.nothingRead(err.cause ?? err);
      completeness = 'partial';
      this.problems.push(`Facebook Page: ${err.reason}; what was read is kept and the next run goes on from there`);
    }

    if (this.commentsWithoutAuthor > 0) {
      this.problems.push(
        `Facebook Page: ${counted(this.commentsWithoutAuthor, 'comment')} no author (Facebook leaves the author out without a Page access token, or when the person hides it): not counted`,
      );
    }
    if (this.reactionsWithoutName > 0) {
      this.problems.push(`Facebook Page: ${counted(this.reactionsWithoutName, 'reaction')} no one: not counted`);
    }
    if (this.tagsWithoutAuthor > 0) {
      this.problems.push(`Facebook Page: ${counted(this.tagsWithoutAuthor, 'post')} tagging the Page no author: not counted`);
    }

    const cursor = this.cursorText();
    return {
      owner,
      interactions: [...this.interactions.values()],
      completeness,
      ...(first ? { historySince: new Date(horizon * 1000).toISOString() } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      problems: this.problems,
      requests: this.client.requests,
      observes: this.observes,
    };
  }

  // ---- tags ---------------------------------------------------------------------------------

  private async readTags(): Promise<void> {
    while (this.tagsLeft.length > 0) {
      const window = this.tagsLeft[0];
      if (window === undefined) break;
      let query: Query | undefined = { fields: FIELDS.tagged, limit: FACEBOOK_PAGE_SIZE, since: window.s };
      while (query !== undefined) {
        let body: { data: FbTaggedPost[]; paging?: ListPaging | undefined };
        try {
          body = await this.get(`/${this.pageId}/tagged`, fbListSchema(FbTaggedPost), query);
        } catch (err) {
          if (err instanceof ApiAuthError && err.problem === 'missing_permission') {
            // Tags need their own permission; without it the rest still reads, and mentions are not seen.
            this.problems.push(`Facebook Page: posts that tag the Page could not be read (${err.message}); mentions are not judged`);
            this.observes = withoutMentions(this.observes);
            this.tagsLeft = [];
            return;
          }
          throw err;
        }
        this.listPagesRead++;
        let older = 0;
        for (const post of body.data) {
          const t = seconds(post.created_time);
          if (t > window.u) continue;
          if (t < window.s) {
            older++;
            continue;
          }
          this.newestTag = Math.max(this.newestTag ?? t, t);
          this.addTag(post);
          window.u = t;
        }
        query = older > 0 && older === body.data.length ? undefined : nextQuery(body.paging?.next, query);
      }
      this.tagsLeft.shift();
    }
  }

  private addTag(post: FbTaggedPost): void {
    const name = nameOf(post.from);
    if (post.from?.id === this.pageId) return;
    if (name === undefined) {
      this.tagsWithoutAuthor++;
      return;
    }
    this.add({
      id: `fb-tag:${post.id}`,
      contactId: contactIdOf(name),
      kind: 'mention',
      direction: 'inbound',
      at: post.created_time,
      ...(post.permalink_url !== undefined && post.permalink_url !== '' ? { postUrl: post.permalink_url } : {}),
      ...(post.message !== undefined && post.message !== '' ? { text: post.message.slice(0, 10000) } : {}),
    });
  }

  // ---- posts, comments, reactions -----------------------------------------------------------

  private async readPosts(): Promise<void> {
    let index = 0;
    while (this.postsLeft.length > 0) {
      const window = this.postsLeft[0];
      if (window === undefined) break;
      // Where the last run stopped in this window (kept on the window while this run moves on).
      const resumeAt = window.at;
      // `until` is not sent: Graph may apply since/until to a post's update time (Rfacebook's
      // documentation says so of older versions), so the window's upper end is applied here.
      let query: Query | undefined = { fields: FIELDS.posts, limit: FACEBOOK_PAGE_SIZE, since: window.s };
      while (query !== undefined) {
        const body: { data: FbPost[]; paging?: ListPaging | undefined } = await this.get(`/${this.pageId}/posts`, fbListSchema(FbPost), query);
        this.listPagesRead++;
        let older = 0;
        for (const post of body.data) {
          const t = seconds(post.created_time);
          if (t > window.u) continue;
          if (t < window.s) {
            older++;
            continue;
          }
          if (index === 0) this.newestPost = Math.max(this.newestPost ?? t, t);
          if (t === window.u && (window.pd ?? []).includes(post.id)) continue;
          await this.readPost(post, window, resumeAt !== undefined && resumeAt.p === post.id ? resumeAt : undefined);
        }
        query = older > 0 && older === body.data.length ? undefined : nextQuery(body.paging?.next, query);
      }
      this.postsLeft.shift();
      index++;
    }
  }

  private async readPost(post: FbPost, window: Window, start: Position | undefined): Promise<void> {
    const t = seconds(post.created_time);
    if (t < window.u) {
      window.u = t;
      delete window.pd;
    }
    // A post whose count says nobody commented (or reacted) is not asked (a reply needs a comment to answer).
    const edges = (start?.e === 'reactions' ? (['reactions'] as const) : (['comments', 'reactions'] as const)).filter((edge) => post[edge]?.summary?.total_count !== 0);
    for (const edge of edges) {
      const after = start !== undefined && start.e === edge ? start.a : undefined;
      window.at = { p: post.id, e: edge, ...(after !== undefined ? { a: after } : {}) };
      await this.readEdge(post, edge, window, after);
    }
    delete window.at;
    const done = window.pd ?? [];
    if (done.length < 20) window.pd = [...done, post.id];
  }

  private async readEdge(post: FbPost, edge: Edge, window: Window, resumeAfter: string | undefined): Promise<void> {
    const base: Query =
      edge === 'comments'
        ? { fields: FIELDS.comments, filter: 'stream', limit: FACEBOOK_PAGE_SIZE }
        : { fields: FIELDS.reactions, limit: FACEBOOK_PAGE_SIZE };
    let query: Query | undefined = resumeAfter !== undefined ? { ...base, after: resumeAfter } : base;
    let resumed = resumeAfter !== undefined;
    while (query !== undefined) {
      let paging: ListPaging | undefined;
      try {
        if (edge === 'comments') {
          const body = await this.get(`/${post.id}/comments`, fbListSchema(FbComment), query);
          for (const comment of body.data) this.addComment(post, comment);
          paging = body.paging;
        } else {
          const body = await this.get(`/${post.id}/reactions`, fbListSchema(FbReaction), query);
          for (const reaction of body.data) this.addReaction(post, reaction);
          paging = body.paging;
        }
      } catch (err) {
        // A Graph cursor kept from the last run may have expired: that post's edge is read again from its start.
        if (resumed && err instanceof Stop && err.cause instanceof HttpError && !err.cause.retryable && err.cause.status !== undefined && err.cause.status < 500) {
          resumed = false;
          query = base;
          continue;
        }
        throw err;
      }
      resumed = false;
      this.listPagesRead++;
      query = nextQuery(paging?.next, query);
      const after = paging?.cursors?.after;
      window.at = { p: post.id, e: edge, ...(query !== undefined && after !== undefined && after.length <= 1500 ? { a: after } : {}) };
    }
  }

  private addComment(post: FbPost, comment: FbComment): void {
    if (comment.from?.id === this.pageId) return;
    const name = nameOf(comment.from);
    if (name === undefined) {
      this.commentsWithoutAuthor++;
      return;
    }
    this.add({
      id: `fb-comment:${comment.id}`,
      contactId: contactIdOf(name),
      kind: 'reply',
      direction: 'inbound',
      at: comment.created_time,
      ...(post.permalink_url !== undefined && post.permalink_url !== '' ? { postUrl: post.permalink_url } : {}),
      ...(comment.message !== undefined && comment.message !== '' ? { text: comment.message.slice(0, 10000) } : {}),
    });
  }

  private addReaction(post: FbPost, reaction: FbReaction): void {
    if (reaction.id === this.pageId) return;
    const name = nameOf(reaction);
    if (name === undefined || reaction.id === undefined) {
      this.reactionsWithoutName++;
      return;
    }
    this.add({
      id: `fb-reaction:${post.id}:${reaction.id}`,
      contactId: contactIdOf(name),
      kind: 'like',
      direction: 'inbound',
      // Graph does not say when someone reacted. The post's own time is the earliest the reaction
      // can be, and stays the same on every read, so the interaction never moves.
      at: post.created_time,
      ...(post.permalink_url !== undefined && post.permalink_url !== '' ? { postUrl: post.permalink_url } : {}),
    });
  }

  private add(interaction: Interaction): void {
    if (this.interactions.has(interaction.id)) return;
    this.interactions.set(interaction.id, interaction);
    this.ctx.onProgress?.({ sourceId: this.sourceId, phase: 'facebook engagement', done: this.interactions.size });
  }

  // ---- requests, stops, cursor --------------------------------------------------------------

  /** One request; every way it can fail short of a refused token becomes a Stop (the read keeps what it has). */
  private async get<T>(path: string, schema: z.ZodType<T>, query: Query): Promise<T> {
    if (this.ctx.signal?.aborted) throw new Stop('stopped early: the run was cancelled or ran out of time');
    if (this.pages >= this.config.maxPages) throw new Stop(`stopped after ${this.config.maxPages} requests (api.maxPages)`);
    this.pages++;
    try {
      return await this.client.get(path, schema, query, this.ctx.signal);
    } catch (err) {
      if (err instanceof ApiAuthError) throw err;
      if (err instanceof HttpError && err.aborted) throw new Stop('stopped early: the run was cancelled or ran out of time', { cause: err });
      if (err instanceof SourceError) throw new Stop(`stopped early: ${err.message}`, { cause: err });
      throw err;
    }
  }

  private nothingRead(err: unknown): Error {
    if (err instanceof ApiAuthError) return err;
    const cause = err instanceof Stop && err.cause !== undefined ? err.cause : err;
    if (cause instanceof SourceError) return cause;
    const message = err instanceof Error ? err.message : String(err);
    return new SourceError(this.sourceId, `Facebook Page ${this.pageId} could not be read: ${message}`, { cause: err });
  }

  private parseCursor(text: string | undefined): FacebookCursor | undefined {
    if (text === undefined || text === '') return undefined;
    try {
      return FacebookCursor.parse(JSON.parse(text));
    } catch {
      this.problems.push('Facebook Page: the saved reading position could not be read; this run reads from the backfill horizon again');
      return undefined;
    }
  }

  private cursorText(): string {
    const backfill = this.nowS - this.config.backfillDays * DAY_S;
    const postsLeft = mergeWindows(this.postsLeft);
    const tagsLeft = mergeWindows(this.tagsLeft).map((w) => ({ s: w.s, u: w.u }));
    const cursor: FacebookCursor = {
      v: 1,
      np: this.newestPost ?? backfill,
      nt: this.newestTag ?? backfill,
      ...(postsLeft.length > 0 ? { pw: postsLeft } : {}),
      ...(tagsLeft.length > 0 ? { tw: tagsLeft } : {}),
    };
    let text = JSON.stringify(cursor);
    if (text.length > CURSOR_MAX_BYTES) {
      // Too long only through long Graph cursors: drop the positions inside posts (a little is read again).
      cursor.pw = postsLeft.map((w) => ({ s: w.s, u: w.u }));
      text = JSON.stringify(cursor);
    }
    return text;
  }
}

/**
 * The windows older than `since` (the new window covers the rest), newest first. A window cut by
 * `since` loses its position: the post it pointed at is read in the new window.
 */
function clipBelow(windows: readonly Window[], since: number): Window[] {
  return windows.filter((w) => w.s < since).map((w) => (w.u < since ? { ...w } : { s: w.s, u: since - 1 }));
}

/** Newest first, overlapping windows merged (losing their positions), at most 16 (the oldest merged: read a little twice). */
function mergeWindows(windows: readonly Window[]): Window[] {
  const sorted = windows.filter((w) => w.u >= w.s).sort((a, b) => b.u - a.u);
  const out: Window[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last !== undefined && w.u >= last.s - 1) out[out.length - 1] = { s: Math.min(last.s, w.s), u: last.u };
    else out.push({ ...w });
  }
  while (out.length > 16) {
    const oldest = out.pop();
    const next = out.at(-1);
    if (oldest !== undefined && next !== undefined) out[out.length - 1] = { s: Math.min(next.s, oldest.s), u: next.u };
  }
  return out;
}

/**
 * The query of the next page, from `paging.next`: every parameter it carries (`after` for cursor
 * pages; `until` and `__paging_token` for the time pages of /posts) except the token, which the
 * client adds itself. Undefined at the end, or when Graph sends the same page again.
 */
function nextQuery(next: string | undefined, current: Query): Query | undefined {
  if (next === undefined || next === '') return undefined;
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    return undefined;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (key !== 'access_token') query[key] = value;
  if (Object.keys(query).length === 0) return undefined;
  const same = Object.keys(query).length === Object.keys(current).length && Object.entries(query).every(([k, v]) => String(current[k]) === v);
  return same ? undefined : query;
}

/** "1 comment names", "3 comments name". */
function counted(n: number, noun: string): string {
  return n === 1 ? `1 ${noun} names` : `${n} ${noun}s name`;
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function nameOf(actor: Pick<FbActor, 'name'> | undefined): string | undefined {
  const name = actor?.name?.trim();
  return name === undefined || name === '' ? undefined : name;
}

function contactIdOf(name: string): string {
  return `${FACEBOOK_NAME_PREFIX}${name}`.slice(0, 512);
}

function withoutMentions(o: Observability): Observability {
  return {
    ...o,
    inbound: o.inbound.filter((k) => k !== 'mention'),
    inboundHidden: [...new Set([...(o.inboundHidden ?? []), 'mention' as const])],
  };
}
