/**
 * Reads who engages with you on Threads from the official Threads API (graph.threads.net, v1.0):
 * the replies under your posts (the whole conversation, every depth) and the public posts that
 * mention you. The lists of who follows whom come from the Threads part of the Instagram export;
 * this reader never reads exports (./combined-source.ts joins the two).
 *
 * Requests, checked against developers.facebook.com/documentation/threads (see ./threads-schemas.ts):
 *  1. `GET /me?fields=id,username`: the owner;
 *  2. `GET /{user-id}/mentions?since=…`: mentions since the last read (needs `threads_manage_mentions`;
 *     without it the read goes on without mentions and says so);
 *  3. `GET /{user-id}/threads?since=…[&until=…]`: your posts of the span to read, newest first;
 *  4. per post with replies, `GET /{post-id}/conversation?reverse=true`: its replies, newest first.
 *
 * What a run reads: the first run, the last `backfillDays`; a repeat run, posts newer than the newest
 * one read plus the posts of the last `lookbackDays`, and of those already read only the replies
 * since the previous run (a newest-first conversation stops at the first page reaching back to it).
 * A run cut short (a rate limit longer than a minute, `maxPages`, an abort, a failing server) keeps
 * what it read and leaves in its cursor the spans of posts still to read and the conversation page
 * to continue from; the next run does those too.
 */
import type { z } from 'zod';
import type { Interaction, Observability } from '../../../domain/model.ts';
import type { ThreadsApiConfig } from '../../../config/schema.ts';
import { SourceError } from '../../../ports/source.ts';
import { HttpError, type Query } from '../../http/http-client.ts';
import { readStoredCursor } from '../../stored-cursor.ts';
import { ApiAuthError, type ApiRead, type ApiReadContext, type ApiReader } from '../api-reader.ts';
import { API_OBSERVES } from '../observes.ts';
import { GraphClient } from '../meta/graph-client.ts';
import {
  THREADS_MIN_SINCE,
  ThreadsCursor,
  ThreadsMe,
  ThreadsMention,
  ThreadsPost,
  ThreadsReply,
  type ThreadsWindow,
} from './threads-schemas.ts';

export const THREADS_DEFAULT_BASE_URL = 'https://graph.threads.net';
export const THREADS_API_VERSION = 'v1.0';
const NETWORK = 'Threads';
/** A Lambda must not sleep through Meta's windows: a longer rate limit ends the run, partial. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;
/** Items per page. Meta's own sample asks 50 (fbsamples/threads_api); the maximum is not documented. */
const PAGE_SIZE = 50;
/** Replies and mentions can surface late: each run looks this far behind the previous one. */
const OVERLAP_SECONDS = 3600;
const DAY = 86_400;
const TEXT_MAX = 10_000;
const CURSOR_MAX = 3000;
const MAX_WINDOWS = 8;

const POST_FIELDS = 'id,timestamp,permalink,media_type,has_replies';
const REPLY_FIELDS = 'id,text,timestamp,username,permalink,replied_to,root_post,is_reply_owned_by_me,hide_status';
const MENTION_FIELDS = 'id,text,timestamp,username,permalink';

export interface ThreadsApiReaderOptions {
  sourceId: string;
  config: ThreadsApiConfig;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms, for the HTTP client's rate-limit waits (tests share a fake clock). */
  now?: () => number;
}

/** Why a run stopped before the end (what it read is kept). */
class Stop extends Error {
  constructor(
    readonly reason: string,
    readonly failure?: unknown,
  ) {
    super(reason);
  }
}

const lower = (name: string): string => name.trim().replace(/^@/, '').toLowerCase();
const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export class ThreadsApiReader implements ApiReader {
  private readonly baseUrl: string;

  constructor(private readonly options: ThreadsApiReaderOptions) {
    const host = (options.config.baseUrl ?? THREADS_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.baseUrl = `${host}/${THREADS_API_VERSION}`;
  }

  async read(ctx: ApiReadContext): Promise<ApiRead> {
    return new ThreadsRead(this.options, this.baseUrl, ctx).run();
  }
}

/** One run of the reader: its client, its counters, what it has read so far. */
class ThreadsRead {
  private readonly client: GraphClient;
  private readonly sourceId: string;
  private readonly config: ThreadsApiConfig;
  private readonly now: number;
  private readonly problems: string[] = [];
  private readonly interactions = new Map<string, Interaction>();
  private pages = 0;
  /** A list page (posts, conversation, mentions) came back: something was read. */
  private readSomething = false;
  private owner: { id: string; name: string } = { id: '', name: '' };
  private unnamed = 0;
  private mentionsMissing = false;
  private newestPostAt: number | undefined;
  private todo: ThreadsWindow[] = [];
  private current: { id: string; after: string } | undefined;

  constructor(
    options: ThreadsApiReaderOptions,
    baseUrl: string,
    private readonly ctx: ApiReadContext,
  ) {
    this.sourceId = options.sourceId;
    this.config = options.config;
    this.now = Math.floor(ctx.now.getTime() / 1000);
    this.client = new GraphClient({
      baseUrl,
      sourceId: options.sourceId,
      networkName: NETWORK,
      accessToken: ctx.accessToken,
      maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  async run(): Promise<ApiRead> {
    const stored = readStoredCursor(ThreadsCursor, this.ctx.cursor);
    if (!stored.ok) this.problems.push(`Threads: ${stored.problem}`);
    const previous = stored.ok ? stored.cursor : undefined;
    const first = previous === undefined;
    const horizon = Math.max(THREADS_MIN_SINCE, this.now - this.config.backfillDays * DAY);
    this.newestPostAt = previous?.newestPostAt;
    this.current = previous?.current;

    let me: ThreadsMe;
    try {
      me = await this.client.get('/me', ThreadsMe, { fields: 'id,username' }, this.ctx.signal);
    } catch (err) {
      throw this.fatal(err, 'reading your Threads profile');
    }
    this.owner = { id: me.id, name: lower(me.username) };

    // The spans of posts to read: a fresh one (the backfill, or what is new plus the lookback), then what earlier runs left.
    const fresh: ThreadsWindow = first
      ? { since: horizon }
      : freshWindow(previous, this.now, this.config.lookbackDays);
    const left = previous?.todo ?? [];
    this.todo = capWindows([...left.reduce<ThreadsWindow[]>((pieces, l) => pieces.flatMap((p) => subtractWindow(p, l)), [fresh]), ...left]);
    // Mentions since the last complete read of them; never read yet (cut short, or no permission then): from the backfill horizon.
    const mentionsFrom = Math.max(THREADS_MIN_SINCE, previous?.mentionsSince ?? horizon);
    let mentionsSince: number | undefined = previous?.mentionsSince;

    let stop: Stop | undefined;
    try {
      if (await this.readMentions(mentionsFrom)) mentionsSince = Math.max(THREADS_MIN_SINCE, this.now - OVERLAP_SECONDS);
      while (this.todo.length > 0) {
        const window = this.todo[0];
        if (window === undefined) break;
        await this.readWindow(window);
        this.todo.shift();
      }
      // Every span is read: a kept conversation page belongs to a post no longer listed (deleted).
      this.current = undefined;
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      stop = err;
    }

    if (stop !== undefined && !this.readSomething) {
      throw new SourceError(this.sourceId, `Threads: nothing could be read (${stop.reason})`, { cause: stop.failure });
    }
    if (stop !== undefined) this.problems.push(`Threads: the read stopped early (${stop.reason}); the next run continues where it stopped`);
    if (this.unnamed > 0) {
      this.problems.push(`Threads: ${this.unnamed} ${this.unnamed === 1 ? 'reply came' : 'replies came'} from private profiles the API does not name; not counted`);
    }

    const cursor = this.cursorText({
      v: 1,
      ...(this.newestPostAt !== undefined ? { newestPostAt: this.newestPostAt } : {}),
      readAt: this.now,
      ...(mentionsSince !== undefined ? { mentionsSince } : {}),
      todo: this.todo,
      ...(this.current !== undefined ? { current: this.current } : {}),
    });
    return {
      owner: { id: this.owner.id, handle: `@${this.owner.name}` },
      interactions: [...this.interactions.values()],
      completeness: stop === undefined ? 'complete' : 'partial',
      ...(first ? { historySince: new Date(horizon * 1000).toISOString() } : {}),
      cursor,
      problems: this.problems,
      requests: this.client.requests,
      observes: this.observes(),
    };
  }

  /** What this read saw: Threads' declaration, less mentions when the token may not read them. */
  private observes(): Observability {
    const declared = API_OBSERVES.threads;
    if (!this.mentionsMissing) return { ...declared, inbound: [...declared.inbound], outbound: [...declared.outbound], inboundHidden: [...(declared.inboundHidden ?? [])] };
    const hidden = new Set([...(declared.inboundHidden ?? []), 'mention' as const]);
    return {
      inbound: declared.inbound.filter((k) => k !== 'mention'),
      outbound: [...declared.outbound],
      inboundHidden: (['like', 'repost', 'reply', 'quote', 'mention'] as const).filter((k) => hidden.has(k)),
      followDates: declared.followDates,
    };
  }

  /** Reads the mentions since `since`; false when they could not all be read (the next run reads them again). */
  private async readMentions(since: number): Promise<boolean> {
    let after: string | undefined;
    let done = 0;
    for (;;) {
      let page;
      try {
        page = await this.page(`/${this.owner.id}/mentions`, ThreadsMention, { fields: MENTION_FIELDS, since, limit: PAGE_SIZE }, after);
      } catch (err) {
        if (err instanceof ApiAuthError && err.problem === 'missing_permission') {
          this.mentionsMissing = true;
          this.problems.push('Threads: the access token lacks threads_manage_mentions, so mentions were not read (replies were); add that permission to see who mentions you');
          return false;
        }
        throw err;
      }
      for (const m of page.data) {
        const name = m.username !== undefined ? lower(m.username) : '';
        if (name === '' || name === this.owner.name) continue;
        this.add({
          id: `th-mention:${m.id}`,
          contactId: name,
          kind: 'mention',
          direction: 'inbound',
          at: m.timestamp,
          ...(m.permalink ? { postUrl: m.permalink } : {}),
          ...textOf(m.text),
        });
      }
      done += page.data.length;
      this.ctx.onProgress?.({ sourceId: this.sourceId, phase: 'threads mentions', done });
      if (page.after === undefined) return true;
      after = page.after;
    }
  }

  /** Reads the posts of one span, newest first, and the replies of each; the span shrinks as posts are done. */
  private async readWindow(window: ThreadsWindow): Promise<void> {
    if (window.until !== undefined && window.until <= window.since) return;
    // One query for the whole listing (its page cursors belong to it); the span in the cursor shrinks as posts are done.
    const query: Query = { fields: POST_FIELDS, since: window.since, limit: PAGE_SIZE, ...(window.until !== undefined ? { until: window.until } : {}) };
    const skipId = window.skipId;
    let after: string | undefined;
    let done = 0;
    for (;;) {
      const page = await this.page(`/${this.owner.id}/threads`, ThreadsPost, query, after);
      for (const post of page.data) {
        if (post.id === skipId) continue;
        const at = unix(post.timestamp);
        if (this.newestPostAt === undefined || at > this.newestPostAt) this.newestPostAt = at;
        // Your repost of someone else's post: its replies are theirs. A post without replies needs no request.
        if (post.media_type !== 'REPOST_FACADE' && post.has_replies !== false) {
          const known = window.knownUpTo !== undefined && window.repliesSince !== undefined && at <= window.knownUpTo;
          await this.readConversation(post, known ? window.repliesSince : undefined);
        }
        // Done: the span ends at this post (the same second again, less this post, in case two share it).
        window.until = window.until === undefined ? at + 1 : Math.min(window.until, at + 1);
        window.skipId = post.id;
        done++;
        this.ctx.onProgress?.({ sourceId: this.sourceId, phase: 'threads posts', done });
      }
      if (page.after === undefined) return;
      after = page.after;
    }
  }

  /** The replies of one post, newest first; from `repliesSince` on when the earlier ones were read before. */
  private async readConversation(post: ThreadsPost, repliesSince: number | undefined): Promise<void> {
    let after: string | undefined;
    // Continuing a conversation an earlier run left: read it to its end, whatever this span knows.
    if (this.current?.id === post.id) {
      after = this.current.after;
      repliesSince = undefined;
    }
    for (;;) {
      let page;
      try {
        page = await this.page(`/${post.id}/conversation`, ThreadsReply, { fields: REPLY_FIELDS, reverse: 'true', limit: PAGE_SIZE }, after);
      } catch (err) {
        if (err instanceof Stop) {
          this.current = after !== undefined ? { id: post.id, after } : undefined;
          throw err;
        }
        if (!refused(err)) throw err;
        // A kept page cursor Meta no longer takes: read the conversation again from its newest reply.
        if (after !== undefined && this.current?.id === post.id) {
          this.current = undefined;
          after = undefined;
          continue;
        }
        // The post went away between the list and its replies (deleted, or hidden from the API): skip it.
        this.problems.push(`Threads: the replies of one post could not be read and were skipped (${(err as Error).message})`);
        return;
      }
      for (const reply of page.data) this.addReply(post, reply);
      if (page.after === undefined || (repliesSince !== undefined && page.data.some((r) => unix(r.timestamp) < repliesSince))) break;
      after = page.after;
    }
    if (this.current?.id === post.id) this.current = undefined;
  }

  private addReply(post: ThreadsPost, reply: ThreadsReply): void {
    if (reply.is_reply_owned_by_me === true) return;
    const name = reply.username !== undefined ? lower(reply.username) : '';
    if (name === this.owner.name) return;
    if (name === '') {
      this.unnamed++;
      return;
    }
    const postUrl = reply.permalink ?? post.permalink;
    this.add({
      id: `th-reply:${reply.id}`,
      contactId: name,
      kind: 'reply',
      direction: 'inbound',
      at: reply.timestamp,
      ...(postUrl ? { postUrl: postUrl.slice(0, 2048) } : {}),
      ...textOf(reply.text),
    });
  }

  private add(interaction: Interaction): void {
    // A reply that tags you is also a mention: it counts once, as the reply.
    if (interaction.kind === 'mention' && this.interactions.has(interaction.id.replace('th-mention:', 'th-reply:'))) return;
    if (interaction.kind === 'reply') this.interactions.delete(interaction.id.replace('th-reply:', 'th-mention:'));
    this.interactions.set(interaction.id, interaction);
  }

  /** One list page; a failure the run can outlive becomes a Stop (partial), a refused token or a bad answer is thrown. */
  private async page<T>(path: string, item: z.ZodType<T>, query: Query, after: string | undefined) {
    if (this.ctx.signal?.aborted) throw new Stop('the run was cancelled');
    if (this.pages >= this.config.maxPages) throw new Stop(`maxPages (${this.config.maxPages}) reached`);
    this.pages++;
    try {
      const page = await this.client.page(path, item, query, after, this.ctx.signal);
      this.readSomething = true;
      return page;
    } catch (err) {
      if (err instanceof ApiAuthError) throw err;
      if (err instanceof HttpError && (err.aborted || err.retryable)) {
        const reason = err.aborted ? 'the run was cancelled' : err.status === 429 ? 'Threads asked followback to wait longer than a run may (rate limit)' : 'Threads did not answer after several tries';
        throw new Stop(reason, err);
      }
      throw this.fatal(err, `reading ${path.replace(/^\/[^/]+\//, '/…/')}`);
    }
  }

  /** A failure the read cannot go on from, in words the owner can act on; a refused token stays an ApiAuthError. */
  private fatal(err: unknown, what: string): unknown {
    if (err instanceof ApiAuthError) return err;
    if (err instanceof HttpError && !err.retryable && !err.aborted && err.status !== undefined && err.status >= 200 && err.status < 300) {
      return new SourceError(this.sourceId, `Threads sent an answer followback cannot read while ${what} (${err.message})`, { cause: err });
    }
    if (err instanceof HttpError) return new SourceError(this.sourceId, `Threads failed while ${what}: ${err.message}`, { cause: err });
    return err;
  }

  /** The cursor as JSON, at most 3 kB: the conversation page goes first, then the oldest spans merge. */
  private cursorText(cursor: ThreadsCursor): string {
    let text = JSON.stringify(cursor);
    if (text.length > CURSOR_MAX && cursor.current !== undefined) {
      const { current: _dropped, ...rest } = cursor;
      cursor = rest;
      text = JSON.stringify(cursor);
    }
    while (text.length > CURSOR_MAX && cursor.todo.length > 1) {
      cursor = { ...cursor, todo: capWindows(cursor.todo, cursor.todo.length - 1) };
      text = JSON.stringify(cursor);
    }
    return text;
  }
}

/** Threads refused one request for what it asked (HTTP 4xx other than a token or a rate limit), not for a bad answer. */
function refused(err: unknown): boolean {
  if (!(err instanceof SourceError) || err instanceof ApiAuthError) return false;
  const cause = err.cause;
  return cause instanceof HttpError && cause.status !== undefined && cause.status >= 400 && cause.status < 500 && cause.status !== 429;
}

/** Text of a reply or mention, for the tone classifier (untrusted; cut to the schema's length). */
function textOf(text: string | undefined): { text?: string } {
  const t = text?.trim() ?? '';
  return t === '' ? {} : { text: t.slice(0, TEXT_MAX) };
}

/** A repeat run's span: posts newer than the newest one read, and those of the last `lookbackDays`. */
function freshWindow(previous: ThreadsCursor, now: number, lookbackDays: number): ThreadsWindow {
  const lookback = now - lookbackDays * DAY;
  const since = Math.max(THREADS_MIN_SINCE, Math.min(previous.newestPostAt ?? lookback, lookback));
  if (previous.newestPostAt === undefined || previous.readAt === undefined) return { since };
  return { since, knownUpTo: previous.newestPostAt, repliesSince: Math.max(THREADS_MIN_SINCE, previous.readAt - OVERLAP_SECONDS) };
}

/**
 * The part of span `p` outside span `l` (zero, one or two spans): posts a cut-short run left to read
 * are read once, by the span that left them, not again by this run's fresh span.
 */
export function subtractWindow(p: ThreadsWindow, l: ThreadsWindow): ThreadsWindow[] {
  const pu = p.until ?? Infinity;
  const lu = l.until ?? Infinity;
  if (lu <= p.since || pu <= l.since) return [p];
  const { skipId: _skip, until: _until, ...rest } = p;
  const pieces: ThreadsWindow[] = [];
  if (p.since < l.since) pieces.push({ ...rest, until: l.since });
  if (lu < pu) pieces.push({ ...rest, since: lu, ...(p.until !== undefined ? { until: p.until } : {}) });
  return pieces;
}

/**
 * At most `max` spans, newest first. Past that, the two oldest merge into one read in full (never
 * less than either asked for: the merge drops the shortcut of already-read replies).
 */
export function capWindows(windows: ThreadsWindow[], max = MAX_WINDOWS): ThreadsWindow[] {
  const sorted = [...windows].sort((a, b) => (b.until ?? Infinity) - (a.until ?? Infinity) || b.since - a.since);
  while (sorted.length > max) {
    const older = sorted.pop();
    const newer = sorted.pop();
    if (older === undefined || newer === undefined) break;
    const until = newer.until === undefined || older.until === undefined ? undefined : Math.max(newer.until, older.until);
    sorted.push({ since: Math.min(newer.since, older.since), ...(until !== undefined ? { until } : {}) });
  }
  return sorted;
}
