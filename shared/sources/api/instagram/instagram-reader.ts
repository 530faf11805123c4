/**
 * Reads the Instagram API with Instagram Login (graph.instagram.com, professional accounts) for one
 * run: who commented on your media (replies nested under comments count like comments) and who
 * tagged you in their media. Likes are a count only on this API, so they stay hidden.
 *
 * Requests, fewest first (see instagram-schemas.ts for where each shape is documented):
 *  1. `GET /me?fields=user_id,username`: the owner;
 *  2. `GET /<IG_ID>/media`, newest first, paged until the horizon (first read: `backfillDays`;
 *     repeat: media newer than the newest read before, plus those of the last `lookbackDays`);
 *  3. `GET /<IG_MEDIA_ID>/comments` with the replies nested, only for media whose `comments_count`
 *     is above 0; `GET /<IG_COMMENT_ID>/replies` only when the nested replies have another page;
 *  4. `GET /<IG_ID>/tags`: media you are tagged in, each a `mention` from the media's owner. Meta
 *     documents this edge for the Instagram API with Facebook Login (graph.facebook.com); whether
 *     graph.instagram.com serves it to an Instagram Login token could not be verified, so a refusal
 *     (missing permission, unsupported request) only drops tags from what this read sees.
 * Both `/media` and `/tags` are read as Meta lists them, newest first: the docs promise no order
 * (the IG User Media edge returns "the most recently created" media), so this is the one assumption
 * the horizon rests on: the page that reaches past the horizon is the last one read.
 *
 * A rate limit the client would wait more than a minute for, `maxPages`, an abort or a payload it
 * cannot read ends the read `partial`, with a cursor that resumes where it stopped; a refused token
 * throws ApiAuthError. The token travels in the `access_token` query parameter (Meta's way) and never
 * reaches a message.
 */
import type { InstagramApiConfig } from '../../../config/schema.ts';
import type { Interaction, Observability } from '../../../domain/model.ts';
import { SourceError } from '../../../ports/source.ts';
import { HttpError } from '../../http/http-client.ts';
import { ApiAuthError, type ApiRead, type ApiReadContext, type ApiReader } from '../api-reader.ts';
import { GraphClient, graphPageSchema, type GraphPage } from '../meta/graph-client.ts';
import { API_OBSERVES } from '../observes.ts';
import { parseInstagramCursor, serialiseInstagramCursor, type InstagramCursor, type InstagramResume } from './instagram-cursor.ts';
import {
  COMMENT_FIELDS,
  IgComment,
  IgMe,
  IgMedia,
  IgReply,
  IgTaggedMedia,
  ME_FIELDS,
  MEDIA_FIELDS,
  REPLY_EDGE_FIELDS,
  TAG_FIELDS,
} from './instagram-schemas.ts';
import type { z } from 'zod';

/** The API's own host. */
export const INSTAGRAM_GRAPH_HOST = 'https://graph.instagram.com';
/** The Graph API version (the Instagram reference's current one, late 2026; each lasts about two years). */
export const INSTAGRAM_API_VERSION = 'v25.0';
/** Longest rate-limit wait a read sits out (a Lambda must not sleep for minutes); longer ends the read partial. */
export const INSTAGRAM_MAX_RATE_LIMIT_WAIT_MS = 60_000;

const DAY_MS = 86_400_000;
const TEXT_MAX = 10_000;

export interface InstagramApiReaderOptions {
  sourceId: string;
  config: InstagramApiConfig;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms, for the HTTP client's rate-limit windows (tests share a fake clock). */
  now?: () => number;
}

export class InstagramApiReader implements ApiReader {
  constructor(private readonly options: InstagramApiReaderOptions) {}

  async read(ctx: ApiReadContext): Promise<ApiRead> {
    return new InstagramRead(this.options, ctx).run();
  }
}

/** Why a read stopped early: the position it stopped at is kept for the next run. */
class Stop extends Error {}

interface Owner {
  ids: Set<string>;
  name: string;
}

class InstagramRead {
  private readonly client: GraphClient;
  private readonly sourceId: string;
  private readonly config: InstagramApiConfig;
  private readonly ctx: ApiReadContext;
  private readonly problems: string[] = [];
  private readonly found = new Map<string, Interaction>();
  private pages = 0;
  /** A list page answered this run (so a failure after it keeps what was read instead of failing the read). */
  private readSomething = false;
  private unnamed = 0;
  private observes: Observability = API_OBSERVES.instagram;
  /** Where the pass is: updated as pages and media are done, saved as `resume` when it stops. */
  private position!: InstagramResume;

  constructor(options: InstagramApiReaderOptions, ctx: ApiReadContext) {
    this.sourceId = options.sourceId;
    this.config = options.config;
    this.ctx = ctx;
    const host = (options.config.baseUrl ?? INSTAGRAM_GRAPH_HOST).replace(/\/+$/, '');
    this.client = new GraphClient({
      baseUrl: `${host}/${INSTAGRAM_API_VERSION}`,
      sourceId: options.sourceId,
      networkName: 'Instagram',
      accessToken: ctx.accessToken,
      maxRateLimitWaitMs: INSTAGRAM_MAX_RATE_LIMIT_WAIT_MS,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  async run(): Promise<ApiRead> {
    const prev = parseInstagramCursor(this.ctx.cursor, this.problems);
    const nowMs = this.ctx.now.getTime();
    const me = await this.client.get('/me', IgMe, { fields: ME_FIELDS }, this.ctx.signal).catch((err: unknown) => {
      throw this.fatal(err, 'reading the account the token belongs to');
    });
    const name = me.username.trim().replace(/^@/, '').toLowerCase();
    const owner: Owner = { ids: new Set([me.id, ...(me.user_id !== undefined ? [me.user_id] : [])]), name };
    const igId = me.user_id ?? me.id;

    const first = prev.resume?.first ?? prev.completeAt === undefined;
    const since = (newest: string | undefined): string => {
      const lookback = nowMs - this.config.lookbackDays * DAY_MS;
      const last = newest ?? prev.completeAt;
      return new Date(last === undefined ? lookback : Math.min(Date.parse(last), lookback)).toISOString();
    };
    const backfill = new Date(nowMs - this.config.backfillDays * DAY_MS).toISOString();
    this.position = prev.resume ?? {
      stage: 'media',
      horizon: first ? backfill : since(prev.newestMediaAt),
      tagHorizon: first ? backfill : since(prev.newestTagAt),
      ...(first ? { first: true } : {}),
    };
    const horizon = this.position.horizon;

    let completeness: 'complete' | 'partial' = 'complete';
    let listEnd: string | undefined;
    try {
      if (this.position.stage === 'media') listEnd = await this.readMedia(igId, owner);
      await this.readTags(igId, owner);
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      completeness = 'partial';
    }

    if (this.unnamed > 0) this.problems.push(`Instagram: ${this.unnamed} comments or tags came without a username and were left out`);
    const newest = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
    const next: InstagramCursor =
      completeness === 'complete'
        ? {
            v: 1,
            ...withValue('newestMediaAt', newest(prev.newestMediaAt, this.position.newestMedia)),
            ...withValue('newestTagAt', newest(prev.newestTagAt, this.position.newestTag)),
            completeAt: this.ctx.now.toISOString(),
          }
        : { ...prev, resume: this.position };
    // The first read covers from its horizon, or from the oldest media when the account is younger.
    const historySince = first ? (completeness === 'complete' && listEnd !== undefined && listEnd > horizon ? listEnd : horizon) : undefined;
    return {
      owner: { id: name, handle: `@${name}` },
      interactions: [...this.found.values()],
      completeness,
      ...(historySince !== undefined ? { historySince } : {}),
      cursor: serialiseInstagramCursor(next, this.problems),
      problems: this.problems,
      requests: this.client.requests,
      observes: this.observes,
    };
  }

  /**
   * Media newest first down to the horizon, with the comments of each that has at least one. Returns the
   * timestamp of the oldest media when the list ended before the horizon (the account is younger).
   */
  private async readMedia(igId: string, owner: Owner): Promise<string | undefined> {
    const pos = this.position;
    for (;;) {
      const page = await this.list(`/${igId}/media`, IgMedia, { fields: MEDIA_FIELDS }, pos.page, 'your media');
      let skipping = pos.doneId !== undefined && page.data.some((m) => m.id === pos.doneId);
      let reachedHorizon = false;
      for (const media of page.data) {
        if (skipping) {
          skipping = media.id !== pos.doneId;
          continue;
        }
        if (media.timestamp < pos.horizon) {
          reachedHorizon = true;
          break;
        }
        pos.newestMedia = pos.newestMedia === undefined || media.timestamp > pos.newestMedia ? media.timestamp : pos.newestMedia;
        if ((media.comments_count ?? 1) > 0) await this.readComments(media, owner);
        pos.doneId = media.id;
        delete pos.comments;
      }
      this.ctx.onProgress?.({ sourceId: this.sourceId, phase: 'instagram comments', done: this.found.size });
      if (reachedHorizon) break;
      if (page.after === undefined) {
        const oldest = page.data.at(-1)?.timestamp;
        this.toTags();
        return oldest;
      }
      pos.page = page.after;
      delete pos.doneId;
    }
    this.toTags();
    return undefined;
  }

  private toTags(): void {
    const pos = this.position;
    pos.stage = 'tags';
    delete pos.page;
    delete pos.doneId;
    delete pos.comments;
  }

  /** Every comment of one media with its replies; `position.comments` is where a cut-short read resumes. */
  private async readComments(media: IgMedia, owner: Owner): Promise<void> {
    const pos = this.position;
    for (;;) {
      const page = await this.list(`/${media.id}/comments`, IgComment, { fields: COMMENT_FIELDS }, pos.comments, 'comments');
      for (const comment of page.data) {
        this.add('ig-comment', comment, 'reply', media.permalink, owner);
        for (const reply of comment.replies?.data ?? []) this.add('ig-comment', reply, 'reply', media.permalink, owner);
        const more = comment.replies?.paging?.next !== undefined ? comment.replies.paging.cursors?.after : undefined;
        if (more !== undefined && (comment.replies?.data.length ?? 0) > 0) await this.readReplies(comment.id, more, media.permalink, owner);
      }
      if (page.after === undefined) return;
      pos.comments = page.after;
    }
  }

  /** The further pages of a comment's replies (the first came nested in the comment). */
  private async readReplies(commentId: string, after: string, postUrl: string | undefined, owner: Owner): Promise<void> {
    let cursor: string | undefined = after;
    while (cursor !== undefined) {
      const page: GraphPage<IgReply> = await this.list(`/${commentId}/replies`, IgReply, { fields: REPLY_EDGE_FIELDS }, cursor, 'replies');
      for (const reply of page.data) this.add('ig-comment', reply, 'reply', postUrl, owner);
      cursor = page.after;
    }
  }

  /**
   * Media you are tagged in, newest first down to the tag horizon. This edge's pages carry cursors but
   * no `next` (documented), so the list ends on an empty page or a missing or repeated cursor.
   */
  private async readTags(igId: string, owner: Owner): Promise<void> {
    const pos = this.position;
    const schema = graphPageSchema(IgTaggedMedia);
    for (;;) {
      const before = pos.page;
      let body: z.infer<typeof schema>;
      this.beforePage('media you are tagged in');
      try {
        body = await this.client.get(`/${igId}/tags`, schema, { fields: TAG_FIELDS, ...(before !== undefined ? { after: before } : {}) }, this.ctx.signal);
        this.readSomething = true;
      } catch (err) {
        if (this.tagsRefused(err)) return;
        throw this.stopOrFail(err, 'media you are tagged in');
      }
      let reachedHorizon = false;
      for (const media of body.data) {
        if (media.timestamp < pos.tagHorizon) {
          reachedHorizon = true;
          continue;
        }
        pos.newestTag = pos.newestTag === undefined || media.timestamp > pos.newestTag ? media.timestamp : pos.newestTag;
        this.add('ig-tag', { ...media, text: media.caption }, 'mention', media.permalink, owner);
      }
      const after = body.data.length > 0 ? body.paging?.cursors?.after : undefined;
      if (reachedHorizon || after === undefined || after === before) return;
      pos.page = after;
    }
  }

  /** Tags this token may not read (the edge is documented for Facebook Login): the read goes on without them. */
  private tagsRefused(err: unknown): boolean {
    const refused =
      (err instanceof ApiAuthError && err.problem === 'missing_permission') ||
      (err instanceof HttpError && !err.retryable && (err.status === 400 || err.status === 403 || err.status === 404) && (err.apiError ?? '').startsWith('meta_'));
    if (!refused) return false;
    this.observes = { ...API_OBSERVES.instagram, inbound: ['reply'], inboundHidden: ['like', 'mention'] };
    this.problems.push(`Instagram did not let this token read the media you are tagged in (${(err as Error).message}); tags are not seen this run`);
    return true;
  }

  private add(prefix: 'ig-comment' | 'ig-tag', item: { id: string; timestamp: string; text?: string | undefined; username?: string | undefined; from?: { id?: string | undefined; username?: string | undefined } | undefined }, kind: 'reply' | 'mention', postUrl: string | undefined, owner: Owner): void {
    const name = (item.from?.username ?? item.username ?? '').trim().replace(/^@/, '').toLowerCase();
    if (name === '') {
      this.unnamed++;
      return;
    }
    if (name === owner.name || (item.from?.id !== undefined && owner.ids.has(item.from.id))) return;
    const text = item.text?.trim();
    this.found.set(`${prefix}:${item.id}`, {
      id: `${prefix}:${item.id}`,
      contactId: name,
      kind,
      direction: 'inbound',
      at: item.timestamp,
      ...(postUrl !== undefined && postUrl !== '' ? { postUrl } : {}),
      ...(text !== undefined && text !== '' ? { text: text.slice(0, TEXT_MAX) } : {}),
    });
  }

  /** One page of a list that pages with `next` (media, comments, replies). */
  private async list<T>(path: string, item: z.ZodType<T>, query: Record<string, string>, after: string | undefined, what: string): Promise<GraphPage<T>> {
    this.beforePage(what);
    try {
      const page = await this.client.page(path, item, query, after, this.ctx.signal);
      this.readSomething = true;
      return page;
    } catch (err) {
      throw this.stopOrFail(err, what);
    }
  }

  private beforePage(what: string): void {
    if (this.pages >= this.config.maxPages) {
      this.problems.push(`Instagram: stopped after ${this.pages} pages (maxPages) while reading ${what}; the next run continues there`);
      throw new Stop();
    }
    this.pages++;
  }

  /** A failure mid-read: the token's goes up; any other keeps what was read (partial), or fails a read that read nothing. */
  private stopOrFail(err: unknown, what: string): Error {
    if (err instanceof ApiAuthError) return err;
    if (!this.readSomething) return this.fatal(err, `reading ${what}`);
    const reason = err instanceof HttpError && err.aborted ? 'the run was stopped' : describe(err);
    this.problems.push(`Instagram: reading ${what} stopped (${reason}); the next run continues there`);
    return new Stop();
  }

  private fatal(err: unknown, doing: string): Error {
    if (err instanceof ApiAuthError) return err;
    return new SourceError(this.sourceId, `Instagram API failed ${doing}: ${describe(err)}`, { cause: err });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withValue<K extends 'newestMediaAt' | 'newestTagAt'>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
