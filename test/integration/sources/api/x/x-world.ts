/** A small X account for the reader's tests: Ada (id 1000), her followers, posts, mentions, likers and reposters. */
import { XApiConfig } from '../../../../../shared/config/schema.ts';
import type { Json, XLogEntry, XWorld } from '../../../../helpers/x-api-server.ts';

export const TOKEN = 'x-user-token-SECRET-123';
export const OWNER_ID = '1000';

export function user(n: number, extra: Json = {}): Json {
  return {
    id: String(2000 + n),
    username: `User${n}`,
    name: `User ${n}`,
    description: `bio of user ${n}`,
    created_at: '2018-03-01T10:00:00.000Z',
    protected: false,
    public_metrics: { followers_count: 10 * n, following_count: n, tweet_count: 100 + n, listed_count: 0, like_count: 5 },
    ...extra,
  };
}

/** A post in Ada's mentions timeline. */
export function mention(id: string, author: number | string, at: string, extra: Json = {}): Json {
  return {
    id,
    text: `hello @Ada from ${String(author)} (${id})`,
    author_id: typeof author === 'number' ? String(2000 + author) : author,
    created_at: at,
    lang: 'en',
    edit_history_tweet_ids: [id],
    ...extra,
  };
}

export function post(id: string, at: string, likes: number, reposts: number): Json {
  return { id, text: `Ada's post ${id}`, created_at: at, edit_history_tweet_ids: [id], public_metrics: { like_count: likes, retweet_count: reposts, reply_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 100 } };
}

/**
 * Followers 1, 2, 3; following 2, 4 (so 2 is mutual). Mentions: a reply by 1, a mention by 5 (in
 * neither list), a quote by 3, and Ada's own post mentioning herself. Posts: 9002 (2 likes, 1
 * repost), 9001 (1 like, 0 reposts), 9000 (no engagement).
 */
export function world(): XWorld {
  return {
    me: { id: OWNER_ID, username: 'Ada', name: 'Ada Lovelace', created_at: '2012-05-01T00:00:00.000Z', public_metrics: { followers_count: 3, following_count: 2, tweet_count: 3, listed_count: 0 } },
    mentions: [
      mention('5001', 1, '2026-11-20T10:00:00.000Z', { referenced_tweets: [{ type: 'replied_to', id: '9001' }], in_reply_to_user_id: OWNER_ID, text: '@Ada lovely post!' }),
      mention('5002', 5, '2026-11-21T10:00:00.000Z'),
      mention('5003', 3, '2026-11-22T10:00:00.000Z', { referenced_tweets: [{ type: 'quoted', id: '9002' }], text: 'look at this @Ada' }),
      mention('5004', OWNER_ID, '2026-11-23T10:00:00.000Z'),
    ],
    posts: [post('9002', '2026-11-25T09:00:00.000Z', 2, 1), post('9001', '2026-11-18T09:00:00.000Z', 1, 0), post('9000', '2026-11-10T09:00:00.000Z', 0, 0)],
    likers: { '9002': [user(1), user(4)], '9001': [user(2)] },
    reposters: { '9002': [user(3)] },
    followers: [user(1), user(2), user(3)],
    following: [user(2), user(4)],
  };
}

export function config(extra: Record<string, unknown> = {}): XApiConfig {
  return XApiConfig.parse({ accessToken: { env: 'X_TOKEN' }, ...extra });
}

/** What X would bill for the logged requests, at the default prices: owned reads $0.001, users $0.010. */
export function billedUsd(log: readonly XLogEntry[], prices = { ownedRead: 0.001, user: 0.01 }): number {
  let micros = 0;
  for (const e of log) {
    if (e.status < 200 || e.status >= 300) continue;
    const unit = e.route === 'me' || e.route === 'liking_users' || e.route === 'retweeted_by' ? prices.user : prices.ownedRead;
    micros += Math.round(unit * 1_000_000) * e.returned;
  }
  return micros / 1_000_000;
}
