/**
 * X API v2 (pay-per-use) read for one run, within a hard spend cap. Endpoints, parameters and limits
 * as documented in xdevplatform/docs (openapi.json; x-api/users, x-api/posts; x-api/getting-started/
 * pricing.mdx; x-api/fundamentals/rate-limits.mdx), checked 2026-12 against the docs as of 2026-08-22:
 *
 *  - `GET /2/users/me` (scopes tweet.read users.read): the account, its creation date and list sizes.
 *  - `GET /2/users/:id/mentions` (max_results 5–100, since_id, until_id, start_time,
 *    pagination_token; the 800 most recent): replies, mentions and quotes of you, with their author
 *    (`author_id` in `tweet.fields`). A mention that quotes is a `quote`; one replying to you a
 *    `reply`; else a `mention`. Authors are not expanded (`expansions=author_id` would add users to
 *    the answer, and whether X bills those as User reads is not documented; the id is the key).
 *  - `GET /2/users/:id/tweets` (exclude=retweets,replies, max_results 5–100): your newest posts with
 *    `public_metrics`, then per post `GET /2/tweets/:id/liking_users` (max_results 1–100; "a maximum
 *    of 100 users per Post for all time", x-api/posts/likes/introduction.mdx; scope like.read) and
 *    `GET /2/tweets/:id/retweeted_by` (max_results 1–100, paged): a post whose like or repost count
 *    has not changed since its last full read is not read again.
 *  - `GET /2/users/:id/followers` and `/following` (max_results 1–1000, pagination_token; scope
 *    follows.read): at most every `listsEveryDays`, and only when the budget covers both in full (the
 *    sizes come from /2/users/me), since only a full read says who left.
 *
 * Prices (pricing.mdx): "Owned Reads" ($0.001 per resource, `prices.ownedRead`) are
 * `/2/users/{id}/tweets`, `/mentions`, `/followers`, `/following` "when `{id}` matches the
 * authenticated user and that user is the owner of the developer app"; the likers and reposters of a
 * post are users (`get-liking-users` and `get-reposted-by` are priced as "User", sliders.js), so
 * `prices.user` ($0.010), as is `/2/users/me` (`get-my-user`: User). Every request is priced before it
 * is sent (./spend.ts); what does not fit is skipped and named in `note.skipped`.
 */
import { z } from 'zod';
import type { XApiConfig } from '../../../config/schema.ts';
import type { Completeness, Contact, Interaction, Observability, Relation, SkippedRead } from '../../../domain/model.ts';
import { SourceError } from '../../../ports/source.ts';
import { HttpError, type Query } from '../../http/http-client.ts';
import { ApiAuthError, type ApiRead, type ApiReadContext, type ApiReader } from '../api-reader.ts';
import { API_OBSERVES } from '../observes.ts';
import { charge, fitRequest, leftMicros, microsToUsd, monthKey, monthTotal, priceMicros, startSpend, type Fitted, type Spend } from './spend.ts';
import { XClient, type XRoute } from './x-client.ts';
import { compareXIds, readXCursor, writeXCursor, type XCursor } from './x-cursor.ts';
import { XMe, XPost, XUser, xPageSchema } from './x-schemas.ts';

export const X_API_BASE_URL = 'https://api.x.com';
/** A Lambda must not sleep through a 15-minute window: longer waits end that endpoint's reading for this run. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;
const DAY_MS = 86_400_000;
const TEXT_MAX = 10_000;
/** The mentions timeline holds the 800 most recent (x-api/posts/timelines/introduction.mdx). */
const MENTIONS_HORIZON = 800;
/** The lists are read only when the budget covers their size plus this share (they grow between /users/me and the last page). */
const LIST_GROWTH_MARGIN = 0.02;

const MENTION_FIELDS = 'created_at,author_id,referenced_tweets,in_reply_to_user_id,lang';
const LIST_USER_FIELDS = 'username,name,description,created_at,protected,public_metrics';

export interface XApiReaderOptions {
  sourceId: string;
  config: XApiConfig;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms, for the HTTP client's rate-limit waits. */
  now?: () => number;
}

/** How the likes or reposts of one post went. */
type Outcome = 'done' | 'budget' | 'failed' | 'skip';

/** Why a phase stopped before its end. */
type Stop = 'budget' | 'failed' | 'pages' | 'aborted' | 'out_of_credits';

/** The outcome of one priced request. */
type Priced<T> = { kind: 'ok'; data: T; fitted: Fitted } | { kind: 'skipped' } | { kind: 'stopped' } | { kind: 'error'; error: unknown };

const MePage = XMe;
const MentionPage = xPageSchema(XPost);
const UserPage = xPageSchema(XUser);

export class XApiReader implements ApiReader {
  private readonly options: XApiReaderOptions;

  constructor(options: XApiReaderOptions) {
    this.options = options;
  }

  async read(ctx: ApiReadContext): Promise<ApiRead> {
    return new XRun(this.options, ctx).run();
  }
}

/** One run's state. */
class XRun {
  private readonly cfg: XApiConfig;
  private readonly sourceId: string;
  private readonly ctx: ApiReadContext;
  private readonly client: XClient;
  private readonly now: Date;
  private readonly prior: XCursor;
  private spend: Spend;
  private pages = 0;
  private stopAll: Stop | undefined;
  private readonly interactions: Interaction[] = [];
  private readonly problems: string[] = [];
  private readonly skipped: SkippedRead[] = [];
  private partial = false;
  private likesHidden = false;
  private readonly unit: { owned: number; user: number };

  constructor(options: XApiReaderOptions, ctx: ApiReadContext) {
    this.cfg = options.config;
    this.sourceId = options.sourceId;
    this.ctx = ctx;
    this.now = ctx.now;
    this.client = new XClient({
      baseUrl: options.config.baseUrl ?? X_API_BASE_URL,
      sourceId: options.sourceId,
      accessToken: ctx.accessToken,
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
      maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
    });
    const { cursor, problem } = readXCursor(ctx.cursor);
    if (problem !== undefined) this.problems.push(problem);
    this.prior = cursor;
    const month = monthKey(this.now);
    this.spend = startSpend(this.cfg, cursor.spend?.month === month ? cursor.spend.micros : 0);
    this.unit = { owned: priceMicros(this.cfg.prices.ownedRead), user: priceMicros(this.cfg.prices.user) };
  }

  async run(): Promise<ApiRead> {
    // 1. Whose token it is (and the sizes of the lists, to price them before reading).
    const meFit = fitRequest(this.spend, { unit: this.unit.user, wanted: 1, min: 1 });
    if (meFit === undefined) {
      this.skipped.push({ what: 'everything', cap: this.capReached() });
      return this.finish(undefined, this.prior, undefined);
    }
    const meAnswer = await this.send('me', '/2/users/me', MePage, { 'user.fields': 'created_at,public_metrics' }, meFit, () => 1);
    if (!meAnswer.ok) {
      const failure = this.failureOf(meAnswer.error, 'your account (/2/users/me)');
      // Nothing was read: a refused token or a failure is thrown, unless X may have billed an attempt (then the spend is kept).
      if (this.spend.spent === 0) throw failure;
      this.problems.push(failure.message);
      return this.finish(undefined, this.prior, 'failed');
    }
    const me = meAnswer.data.data;
    const owner = { id: me.id, handle: `@${me.username}`, username: me.username };

    // A token for another account: its reading positions do not apply (this month's spend does: same app).
    const prior: XCursor = this.prior.owner !== undefined && this.prior.owner !== me.id ? { v: 1, ...(this.prior.spend ? { spend: this.prior.spend } : {}) } : this.prior;
    const backfillFrom = new Date(this.now.getTime() - this.cfg.backfillDays * DAY_MS);
    const created = me.created_at !== undefined ? new Date(me.created_at) : undefined;
    let historySince = prior.since ?? (created !== undefined && created > backfillFrom ? created : backfillFrom).toISOString();
    const next: XCursor = { ...prior, v: 1, owner: me.id, since: historySince };

    // 2. Mentions (replies, mentions, quotes).
    const mentions = await this.readMentions(owner.id, prior.m, historySince);
    if (mentions.m !== undefined) next.m = mentions.m;
    else delete next.m;
    if (prior.since === undefined && mentions.read >= MENTIONS_HORIZON && mentions.oldestAt !== undefined && mentions.oldestAt > historySince) {
      // The timeline holds only the 800 newest: coverage starts at the oldest one read.
      historySince = mentions.oldestAt;
      next.since = historySince;
    }

    // 3. Who liked and reposted your newest posts (newest first).
    const counts = await this.readPostsEngagement(owner, prior.p ?? [], historySince);
    next.p = counts;

    // 4. The lists, when due and affordable in full.
    const lists = await this.readLists(owner.id, me, prior.lists);
    if (lists.readAt !== undefined) next.lists = lists.readAt;

    return this.finish({ id: owner.id, handle: owner.handle }, next, undefined, lists.contacts, historySince);
  }

  // ---------------------------------------------------------------- mentions

  private async readMentions(ownerId: string, state: XCursor['m'], historySince: string): Promise<{ m: XCursor['m']; read: number; oldestAt?: string }> {
    let m = state ?? {};
    let read = 0;
    let oldestAt: string | undefined;
    const pass = async (since: string | undefined, until: string | undefined) => {
      const r = await this.mentionPass(ownerId, since, until, historySince);
      read += r.count;
      if (r.oldestAt !== undefined && (oldestAt === undefined || r.oldestAt < oldestAt)) oldestAt = r.oldestAt;
      return r;
    };
    // A gap left by a pass cut short: read it first.
    if (m.until !== undefined && m.top !== undefined) {
      const r = await pass(m.since, m.until);
      if (!r.complete) {
        return { m: { ...(m.since !== undefined ? { since: m.since } : {}), until: r.oldest ?? m.until, top: m.top }, read, ...(oldestAt !== undefined ? { oldestAt } : {}) };
      }
      m = { since: m.top };
    }
    const r = await pass(m.since, undefined);
    if (r.complete) m = r.newest !== undefined ? { since: r.newest } : m;
    else if (r.newest !== undefined && r.oldest !== undefined) m = { ...(m.since !== undefined ? { since: m.since } : {}), until: r.oldest, top: r.newest };
    return { m: m.since === undefined && m.until === undefined ? undefined : m, read, ...(oldestAt !== undefined ? { oldestAt } : {}) };
  }

  /** Newest to oldest, down to `since` (or the backfill horizon), below `until` when given. */
  private async mentionPass(
    ownerId: string,
    since: string | undefined,
    until: string | undefined,
    historySince: string,
  ): Promise<{ complete: boolean; count: number; newest?: string; oldest?: string; oldestAt?: string }> {
    let token: string | undefined;
    let count = 0;
    let newest: string | undefined;
    let oldest: string | undefined;
    let oldestAt: string | undefined;
    for (;;) {
      if (this.stopAll !== undefined) return { complete: false, count, ...ids() };
      const query: Query = {
        'tweet.fields': MENTION_FIELDS,
        ...(since !== undefined ? { since_id: since } : { start_time: rfc3339(historySince) }),
        ...(until !== undefined ? { until_id: until } : {}),
        ...(token !== undefined ? { pagination_token: token } : {}),
      };
      const answer = await this.priced('mentions', `/2/users/${ownerId}/mentions`, MentionPage, query, { unit: this.unit.owned, wanted: 100, min: 5 }, (p) => p.data?.length ?? 0);
      if (answer.kind === 'skipped') {
        this.skipped.push({ what: count > 0 || since !== undefined ? 'mentions_rest' : 'mentions', cap: this.capReached() });
        return { complete: false, count, ...ids() };
      }
      if (answer.kind === 'stopped') return { complete: false, count, ...ids() };
      if (answer.kind === 'error') {
        this.phaseFailed(answer.error, 'your mentions', 'mentions_rest');
        return { complete: false, count, ...ids() };
      }
      const posts = (answer.data.data ?? []).slice(0, answer.fitted.maxResults);
      for (const post of posts) {
        count++;
        if (newest === undefined || compareXIds(post.id, newest) > 0) newest = post.id;
        if (oldest === undefined || compareXIds(post.id, oldest) < 0) {
          oldest = post.id;
          oldestAt = isoOf(post.created_at);
        }
        const interaction = mentionToInteraction(post, ownerId);
        if (interaction !== undefined) this.interactions.push(interaction);
      }
      this.progress('mentions', count);
      token = answer.data.meta?.next_token;
      if (token === undefined || posts.length === 0) return { complete: true, count, ...ids() };
    }
    function ids() {
      return { ...(newest !== undefined ? { newest } : {}), ...(oldest !== undefined ? { oldest } : {}), ...(oldestAt !== undefined ? { oldestAt } : {}) };
    }
  }

  // ---------------------------------------------------------------- likes and reposts

  private async readPostsEngagement(owner: { id: string; username: string }, known: NonNullable<XCursor['p']>, historySince: string): Promise<NonNullable<XCursor['p']>> {
    const posts: XPost[] = [];
    let token: string | undefined;
    const wantedPosts = this.cfg.recentPosts;
    while (posts.length < wantedPosts && this.stopAll === undefined) {
      const query: Query = {
        exclude: 'retweets,replies',
        'tweet.fields': 'created_at,public_metrics',
        start_time: rfc3339(historySince),
        ...(token !== undefined ? { pagination_token: token } : {}),
      };
      const answer = await this.priced('tweets', `/2/users/${owner.id}/tweets`, MentionPage, query, { unit: this.unit.owned, wanted: Math.min(100, Math.max(5, wantedPosts - posts.length)), min: 5 }, (p) => p.data?.length ?? 0);
      if (answer.kind === 'skipped') {
        this.skipped.push({ what: posts.length > 0 ? 'some_newest_posts' : 'newest_posts', cap: this.capReached() });
        break;
      }
      if (answer.kind === 'stopped') break;
      if (answer.kind === 'error') {
        this.phaseFailed(answer.error, 'your newest posts', 'some_newest_posts');
        break;
      }
      const page = (answer.data.data ?? []).slice(0, answer.fitted.maxResults);
      posts.push(...page);
      this.progress('posts', posts.length);
      token = answer.data.meta?.next_token;
      if (token === undefined || page.length === 0) break;
    }
    const newestFirst = posts.slice(0, wantedPosts).sort((a, b) => compareXIds(b.id, a.id));
    const before = new Map(known.map(([id, l, r]) => [id, { l, r }]));
    const after = new Map<string, { l: number; r: number }>();
    let likesLeft = 0;
    let repostsLeft = 0;
    // Why the likes (reposts) stopped: the budget (named in `skipped`) or a failure (named in `problems`).
    let likesStopped: 'budget' | 'failed' | undefined;
    let repostsStopped: 'budget' | 'failed' | undefined;
    let likers = 0;
    for (const post of newestFirst) {
      const seen = before.get(post.id) ?? { l: 0, r: 0 };
      const likes = post.public_metrics?.like_count ?? 0;
      const reposts = post.public_metrics?.retweet_count ?? 0;
      const state = { ...seen };
      const postUrl = `https://x.com/${encodeURIComponent(owner.username)}/status/${post.id}`;
      const at = isoOf(post.created_at);

      if (likes > 0 && likes !== seen.l && !this.likesHidden) {
        if (likesStopped !== undefined || this.stopAll !== undefined) likesLeft++;
        else {
          const r = await this.readLikers(post.id, likes, owner.id, at, postUrl);
          if (r.outcome === 'done') state.l = likes;
          else {
            likesLeft++;
            if (r.outcome !== 'skip') likesStopped = r.outcome;
          }
          likers += r.read;
          this.progress('likes', likers);
        }
      } else if (likes === 0) state.l = 0;

      if (reposts > 0 && reposts !== seen.r) {
        if (repostsStopped !== undefined || this.stopAll !== undefined) repostsLeft++;
        else {
          const r = await this.readReposters(post.id, reposts, owner.id, at, postUrl);
          if (r === 'done') state.r = reposts;
          else {
            repostsLeft++;
            if (r !== 'skip') repostsStopped = r;
          }
        }
      } else if (reposts === 0) state.r = 0;
      after.set(post.id, state);
    }
    if (likesLeft > 0 && (likesStopped === 'budget' || (likesStopped === undefined && this.stopAll === undefined))) this.skipped.push({ what: 'likers', posts: likesLeft });
    if (repostsLeft > 0 && (repostsStopped === 'budget' || (repostsStopped === undefined && this.stopAll === undefined))) this.skipped.push({ what: 'reposters', posts: repostsLeft });
    if (likesLeft > 0 || repostsLeft > 0) this.partial = true;
    // Posts not in this run's list (older, or not read) keep what was known of them.
    const out: NonNullable<XCursor['p']> = newestFirst.map((p) => {
      const s = after.get(p.id) ?? { l: 0, r: 0 };
      return [p.id, s.l, s.r];
    });
    if (newestFirst.length === 0) return known;
    return out;
  }

  /**
   * 'done' (all the likers X gives), 'budget' (the budget ended the likes: this post in part or not at
   * all), 'failed' (an error ended them), 'skip' (this post only).
   */
  private async readLikers(postId: string, likes: number, ownerId: string, at: string, postUrl: string): Promise<{ outcome: Outcome; read: number }> {
    const wanted = Math.min(100, likes);
    const answer = await this.priced('liking_users', `/2/tweets/${postId}/liking_users`, UserPage, {}, { unit: this.unit.user, wanted, min: 1 }, (p) => p.data?.length ?? 0);
    if (answer.kind === 'skipped') return { outcome: 'budget', read: 0 };
    if (answer.kind === 'stopped') return { outcome: 'failed', read: 0 };
    if (answer.kind === 'error') return { outcome: this.perPostFailure(answer.error, 'who liked', postId), read: 0 };
    const users = (answer.data.data ?? []).slice(0, answer.fitted.maxResults);
    for (const user of users) {
      if (user.id === ownerId) continue;
      this.interactions.push({ id: `x-like:${postId}:${user.id}`, contactId: `x:${user.id}`, kind: 'like', direction: 'inbound', at, postUrl });
    }
    return { outcome: answer.fitted.maxResults >= wanted ? 'done' : 'budget', read: users.length };
  }

  private async readReposters(postId: string, reposts: number, ownerId: string, at: string, postUrl: string): Promise<Outcome> {
    let token: string | undefined;
    let got = 0;
    for (;;) {
      const wanted = Math.max(1, Math.min(100, reposts - got));
      const answer = await this.priced(
        'retweeted_by',
        `/2/tweets/${postId}/retweeted_by`,
        UserPage,
        token !== undefined ? { pagination_token: token } : {},
        { unit: this.unit.user, wanted, min: 1 },
        (p) => p.data?.length ?? 0,
      );
      if (answer.kind === 'skipped') return 'budget';
      if (answer.kind === 'stopped') return 'failed';
      if (answer.kind === 'error') return this.perPostFailure(answer.error, 'who reposted', postId);
      const users = (answer.data.data ?? []).slice(0, answer.fitted.maxResults);
      got += users.length;
      for (const user of users) {
        if (user.id === ownerId) continue;
        this.interactions.push({ id: `x-repost:${postId}:${user.id}`, contactId: `x:${user.id}`, kind: 'repost', direction: 'inbound', at, postUrl });
      }
      this.progress('reposts', got);
      token = answer.data.meta?.next_token;
      if (answer.fitted.maxResults < wanted) return 'budget';
      if (token === undefined || users.length === 0 || got >= reposts) return 'done';
    }
  }

  private perPostFailure(error: unknown, what: string, postId: string): Outcome {
    const kind = classify(error);
    if (kind === 'resource') {
      this.problems.push(`X did not show ${what} post ${postId} (${messageOf(error)}); skipped`);
      return 'skip';
    }
    if (kind === 'forbidden' && what === 'who liked') {
      this.likesHidden = true;
      this.problems.push(`X refused to say who liked your posts (${messageOf(error)}): the token needs the like.read scope; renew it with tweet.read users.read follows.read like.read offline.access`);
      return 'failed';
    }
    this.phaseFailed(error, what === 'who liked' ? 'who liked your posts' : 'who reposted your posts', what === 'who liked' ? 'likers' : 'reposters');
    return classify(error) === 'budget' ? 'budget' : 'failed';
  }

  // ---------------------------------------------------------------- lists

  private async readLists(ownerId: string, me: XUser, lastRead: string | undefined): Promise<{ contacts?: { list: Contact[]; completeness: Completeness }; readAt?: string }> {
    const due = lastRead === undefined || this.now.getTime() - Date.parse(lastRead) >= this.cfg.listsEveryDays * DAY_MS;
    if (!due) return {};
    if (this.stopAll !== undefined) {
      this.partial = true;
      return {};
    }
    const followers = me.public_metrics?.followers_count;
    const following = me.public_metrics?.following_count;
    if (followers !== undefined && following !== undefined) {
      const expected = Math.ceil((followers + following) * (1 + LIST_GROWTH_MARGIN)) + 1;
      if (expected * this.unit.owned > leftMicros(this.spend)) {
        this.skipped.push({ what: 'followers' }, { what: 'following' });
        return {};
      }
    }
    const byId = new Map<string, { user: XUser; follower: boolean; following: boolean }>();
    let complete = true;
    for (const list of ['followers', 'following'] as const) {
      const done = await this.readList(ownerId, list, byId);
      if (!done) {
        complete = false;
        break;
      }
    }
    const contacts: Contact[] = [...byId.values()].map(({ user, follower, following: f }) => contactOf(user, follower && f ? 'mutual' : follower ? 'follower' : 'following'));
    if (!complete) this.partial = true;
    return { contacts: { list: contacts, completeness: complete ? 'complete' : 'partial' }, ...(complete ? { readAt: this.now.toISOString() } : {}) };
  }

  private async readList(ownerId: string, list: 'followers' | 'following', byId: Map<string, { user: XUser; follower: boolean; following: boolean }>): Promise<boolean> {
    let token: string | undefined;
    let count = 0;
    const words = list === 'followers' ? 'follower list' : 'following list';
    for (;;) {
      if (this.stopAll !== undefined) return false;
      const answer = await this.priced(
        list,
        `/2/users/${ownerId}/${list}`,
        UserPage,
        { 'user.fields': LIST_USER_FIELDS, ...(token !== undefined ? { pagination_token: token } : {}) },
        { unit: this.unit.owned, wanted: 1000, min: 1 },
        (p) => p.data?.length ?? 0,
      );
      if (answer.kind === 'skipped') {
        this.skipped.push({ what: count > 0 ? `${list}_rest` : list });
        return false;
      }
      if (answer.kind === 'stopped') return false;
      if (answer.kind === 'error') {
        this.phaseFailed(answer.error, `the ${words}`, `${list}_rest`);
        return false;
      }
      const users = (answer.data.data ?? []).slice(0, answer.fitted.maxResults);
      for (const user of users) {
        if (user.id === ownerId) continue;
        const entry = byId.get(user.id) ?? { user, follower: false, following: false };
        if (list === 'followers') entry.follower = true;
        else entry.following = true;
        byId.set(user.id, entry);
      }
      count += users.length;
      this.progress(list, count);
      token = answer.data.meta?.next_token;
      if (token === undefined || users.length === 0) return true;
    }
  }

  // ---------------------------------------------------------------- requests, spend, failures

  /**
   * A request priced before it is sent: `max_results` lowered to what the budget allows (skipped when
   * even the minimum does not fit), then charged what it returned.
   */
  private async priced<T>(
    route: XRoute,
    path: string,
    schema: z.ZodType<T>,
    query: Query,
    request: { unit: number; wanted: number; min: number },
    returned: (data: T) => number,
  ): Promise<Priced<T>> {
    if (this.stopAll !== undefined) return { kind: 'stopped' };
    if (this.pages >= this.cfg.maxPages) {
      this.stopAll = 'pages';
      this.partial = true;
      this.problems.push(`stopped after ${this.cfg.maxPages} pages (maxPages); the next run goes on`);
      return { kind: 'stopped' };
    }
    const fitted = fitRequest(this.spend, request);
    if (fitted === undefined) {
      this.partial = true;
      return { kind: 'skipped' };
    }
    this.pages++;
    const answer = await this.send(route, path, schema, { ...query, max_results: fitted.maxResults }, fitted, returned);
    if (!answer.ok) return { kind: 'error', error: answer.error };
    return { kind: 'ok', data: answer.data, fitted };
  }

  /**
   * Sends a fitted request and charges it: what it returned, plus the full price of every attempt
   * that may have been billed unread (a retry after one is sent only if the budget covers it too).
   */
  private async send<T>(route: XRoute, path: string, schema: z.ZodType<T>, query: Query, fitted: Fitted, returned: (data: T) => number): Promise<{ ok: true; data: T } | { ok: false; error: unknown }> {
    const before = this.spend;
    const mayRetry = (uncertain: number): boolean => fitRequest(before, { unit: fitted.reserved, wanted: uncertain + 1, min: uncertain + 1 }) !== undefined;
    const answer = await this.client.get(route, path, schema, query, mayRetry, this.ctx.signal);
    for (let i = 0; i < answer.uncertain; i++) this.spend = charge(this.spend, fitted, { returned: fitted.maxResults, uncertain: true });
    if (!answer.ok) {
      if (answer.answered) this.spend = charge(this.spend, fitted, { returned: fitted.maxResults, uncertain: true });
      return { ok: false, error: answer.error };
    }
    this.spend = charge(this.spend, fitted, { returned: returned(answer.data), uncertain: false });
    return { ok: true, data: answer.data };
  }

  /** A phase that ended on an error: the read goes on where it can, and is partial. */
  private phaseFailed(error: unknown, what: string, rest: SkippedRead['what']): void {
    this.partial = true;
    const kind = classify(error);
    if (kind === 'aborted') {
      this.stopAll = 'aborted';
      this.problems.push(`stopped before reading all of ${what} (the run was cut short); the next run goes on`);
      return;
    }
    if (kind === 'budget') {
      this.skipped.push({ what: rest, cap: 'retry' });
      return;
    }
    if (kind === 'out_of_credits') {
      this.stopAll = 'out_of_credits';
      this.problems.push(`X refused to read ${what}: the app is out of credits or over its spending limit (${messageOf(error)}); add credits in the X developer console`);
      return;
    }
    if (kind === 'unauthorized' || kind === 'forbidden') {
      this.stopAll = 'failed';
      this.problems.push(`X refused the token while reading ${what} (${messageOf(error)}); renew the token`);
      return;
    }
    this.problems.push(`could not read ${what} (${messageOf(error)}); the next run tries again`);
  }

  /** The error thrown when /2/users/me fails: a refused token, or a read that cannot start. */
  private failureOf(error: unknown, what: string): SourceError {
    const kind = classify(error);
    if (kind === 'unauthorized') {
      return new ApiAuthError(this.sourceId, 'invalid', `X refused the access token (${messageOf(error)}): it has expired or was revoked; renew it`, { cause: error });
    }
    if (kind === 'forbidden') {
      return new ApiAuthError(
        this.sourceId,
        'missing_permission',
        `X refused the access token for ${what} (${messageOf(error)}): it lacks a scope followback needs (tweet.read users.read follows.read like.read offline.access) or the app has no access`,
        { cause: error },
      );
    }
    if (kind === 'out_of_credits') {
      return new SourceError(this.sourceId, `X could not be read: the app is out of credits or over its spending limit (${messageOf(error)}); add credits in the X developer console`, { cause: error });
    }
    if (error instanceof SourceError) return new SourceError(this.sourceId, `X could not be read: ${error.message}`, { cause: error });
    return new SourceError(this.sourceId, `X could not be read: ${messageOf(error)}`, { cause: error });
  }

  /** Which cap stopped a read: the month's (used up, or too little left) or this run's. */
  private capReached(): NonNullable<SkippedRead['cap']> {
    const left = leftMicros(this.spend);
    const monthLeft = this.spend.monthCap - this.spend.monthBefore - this.spend.spent;
    const runLeft = this.spend.runCap - this.spend.spent;
    if (monthLeft <= runLeft) return left === 0 ? 'month_used_up' : 'month';
    return 'run';
  }

  private progress(phase: string, done: number): void {
    this.ctx.onProgress?.({ sourceId: this.sourceId, phase, done });
  }

  private finish(
    owner: { id: string; handle: string } | undefined,
    cursor: XCursor,
    completeness: Completeness | undefined,
    contacts?: { list: Contact[]; completeness: Completeness },
    historySince?: string,
  ): ApiRead {
    const month = monthKey(this.now);
    const written: XCursor = { ...cursor, spend: { month, micros: monthTotal(this.spend) } };
    const observes: Observability = this.likesHidden
      ? { ...API_OBSERVES.x, inbound: API_OBSERVES.x.inbound.filter((k) => k !== 'like'), inboundHidden: [...new Set([...(API_OBSERVES.x.inboundHidden ?? []), 'like' as const])] }
      : API_OBSERVES.x;
    const partial = this.partial || this.stopAll !== undefined || this.skipped.length > 0;
    return {
      ...(owner !== undefined ? { owner } : {}),
      ...(contacts !== undefined ? { contacts } : {}),
      interactions: this.interactions,
      completeness: completeness ?? (partial ? 'partial' : 'complete'),
      ...(historySince !== undefined ? { historySince } : {}),
      cursor: writeXCursor(written),
      problems: this.problems,
      requests: this.client.requests,
      observes,
      note: {
        spentUsd: microsToUsd(this.spend.spent),
        monthSpentUsd: microsToUsd(monthTotal(this.spend)),
        maxSpendUsd: this.cfg.maxSpendUsd,
        maxSpendUsdPerMonth: this.cfg.maxSpendUsdPerMonth,
        skipped: this.skipped.slice(0, 50),
      },
    };
  }
}

type ErrorKind = 'aborted' | 'unauthorized' | 'forbidden' | 'resource' | 'out_of_credits' | 'budget' | 'transient' | 'bad';

function classify(error: unknown): ErrorKind {
  if (!(error instanceof HttpError)) return 'bad';
  if (error.aborted) return 'aborted';
  if (error.status === 401) return 'unauthorized';
  if (error.status === 402) return error.apiError === 'x_budget_exhausted' ? 'budget' : 'out_of_credits';
  if (error.status === 403) {
    return error.apiError === 'x_not_authorized_for_resource' || error.apiError === 'x_resource_not_found' ? 'resource' : 'forbidden';
  }
  if (error.status === 404) return 'resource';
  return error.retryable ? 'transient' : 'bad';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `start_time` as X's docs write it: `YYYY-MM-DDTHH:mm:ssZ`. */
function rfc3339(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** X sends `2024-01-15T10:30:00.000Z`; any offset is normalised to UTC `Z`. */
function isoOf(at: string): string {
  return new Date(at).toISOString();
}

function langOf(lang: string | undefined): string | undefined {
  const tag = lang?.trim().toLowerCase();
  // `und` (undetermined) and X's private `q*` codes (qme, qht, ...) are not languages.
  if (tag === undefined || tag === 'und' || /^q[a-z]{2}$/.test(tag)) return undefined;
  return /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(tag) && tag.length <= 35 ? tag : undefined;
}

/**
 * A post of your mentions timeline → what its author did: a quote when it quotes a post, a reply when
 * it answers one of yours, else a mention (as the Mastodon source reads a mention that replies to
 * someone else). Your own posts are not interactions.
 */
export function mentionToInteraction(post: XPost, ownerId: string): Interaction | undefined {
  if (post.author_id === undefined || post.author_id === ownerId) return undefined;
  const refs = [...(post.referenced_tweets ?? []), ...(post.referenced_posts ?? [])];
  const kind = refs.some((r) => r.type === 'quoted') ? 'quote' : refs.some((r) => r.type === 'replied_to') && post.in_reply_to_user_id === ownerId ? 'reply' : 'mention';
  const text = post.text.trim().slice(0, TEXT_MAX);
  const lang = langOf(post.lang);
  return {
    id: `x-${kind}:${post.id}`,
    contactId: `x:${post.author_id}`,
    kind,
    direction: 'inbound',
    at: isoOf(post.created_at),
    postUrl: `https://x.com/i/web/status/${post.id}`,
    ...(text !== '' ? { text } : {}),
    ...(text !== '' && lang !== undefined ? { lang } : {}),
  };
}

/** A user of the follower or following list → a contact keyed as the X archive keys people (`x:<id>`, lower-cased `@handle`). */
export function contactOf(user: XUser, relation: Relation): Contact {
  const handle = user.username.toLowerCase();
  const m = user.public_metrics;
  return {
    id: `x:${user.id}`,
    handle: `@${handle}`,
    displayName: user.name.slice(0, 2048),
    bio: (user.description ?? '').slice(0, 20000),
    profileUrl: `https://x.com/${encodeURIComponent(handle)}`,
    relation,
    state: 'active',
    ...(m?.tweet_count !== undefined ? { postsCount: m.tweet_count } : {}),
    ...(m?.followers_count !== undefined ? { followersCount: m.followers_count } : {}),
    ...(m?.following_count !== undefined ? { followingCount: m.following_count } : {}),
  };
}
