/**
 * A Threads account for the reader's tests: posts over a year and a half, replies at several depths
 * (the owner's own among them, one from a private profile the API does not name), mentions.
 */
import type { ThreadsApiConfig } from '../../../../../shared/config/schema.ts';
import { metaTime, type Json, type ThreadsWorld } from '../../../../helpers/threads-graph-server.ts';

export const NOW = new Date('2026-11-25T08:00:00Z');
export const TOKEN = 'THREADS-token-SECRET-3f9c1d';
export const OWNER = { id: '17841400000000001', username: 'Ada.Lovelace' };
const DAY = 86_400_000;

export const daysAgo = (d: number, from = NOW.getTime()): number => from - d * DAY;

export function config(overrides: Partial<ThreadsApiConfig> = {}): ThreadsApiConfig {
  return { accessToken: { env: 'THREADS_TOKEN' }, lookbackDays: 30, backfillDays: 365, maxPages: 500, ...overrides };
}

let seq = 0;
const nextId = (): string => `1800000${String(++seq).padStart(10, '0')}`;

export function post(at: number, extra: Json = {}): Json {
  const id = nextId();
  return { id, timestamp: metaTime(at), permalink: `https://www.threads.com/@ada.lovelace/post/P${id}`, media_type: 'TEXT_POST', has_replies: true, text: `post ${id}`, ...extra };
}

export function reply(root: Json, at: number, username: string | undefined, extra: Json = {}): Json {
  const id = nextId();
  return {
    id,
    text: `reply ${id} by ${username ?? 'someone private'}`,
    timestamp: metaTime(at),
    ...(username !== undefined ? { username, permalink: `https://www.threads.com/@${username.toLowerCase()}/post/R${id}` } : {}),
    media_product_type: 'THREADS',
    media_type: 'TEXT_POST',
    is_reply: true,
    is_reply_owned_by_me: username === OWNER.username,
    hide_status: 'NOT_HUSHED',
    root_post: { id: root['id'] },
    replied_to: { id: root['id'] },
    ...extra,
  };
}

export function mention(at: number, username: string): Json {
  const id = nextId();
  return { id, text: `hey @ada.lovelace from ${username}`, timestamp: metaTime(at), username, permalink: `https://www.threads.com/@${username.toLowerCase()}/post/M${id}`, media_type: 'TEXT_POST' };
}

export interface Built {
  world: ThreadsWorld;
  /** Interaction ids a full first read must return. */
  expectedIds: Set<string>;
}

/**
 * 70 posts over 540 days (every ~8 days), 60 within the year of backfill; most with 1–3 replies,
 * one nested two deep, one post with 130 replies (three pages), one without replies, one repost.
 */
export function buildWorld(): Built {
  seq = 0;
  const world: ThreadsWorld = { me: { ...OWNER }, posts: [], conversations: {}, mentions: [] };
  const expected = new Set<string>();
  const horizon = daysAgo(365);
  const people = ['Bea', 'carl', 'DORA', 'eve_1', 'fay.g', 'gus'];
  for (let i = 0; i < 70; i++) {
    const at = daysAgo(2 + i * 7.7);
    const p = post(at);
    world.posts.push(p);
    const replies: Json[] = [];
    const inBackfill = at >= horizon;
    const count = (i % 3) + 1;
    for (let r = 0; r < count; r++) {
      const who = people[(i + r) % people.length] ?? 'gus';
      const rep = reply(p, at + (r + 1) * 3_600_000, who);
      replies.push(rep);
      if (inBackfill) expected.add(`th-reply:${rep['id']}`);
    }
    if (i % 5 === 0) {
      // The owner answers, and someone answers the owner: a reply two deep counts like a top-level one.
      const mine = reply(p, at + 10 * 3_600_000, OWNER.username, { replied_to: { id: replies[0]?.['id'] } });
      const deep = reply(p, at + 11 * 3_600_000, 'Hana', { replied_to: { id: mine['id'] } });
      replies.push(mine, deep);
      if (inBackfill) expected.add(`th-reply:${deep['id']}`);
    }
    if (i === 7) replies.push(reply(p, at + 5 * 3_600_000, undefined));
    world.conversations[String(p['id'])] = replies;
  }
  // A post of the last month with 130 replies: three pages of 50.
  const busy = post(daysAgo(20));
  world.posts.push(busy);
  world.conversations[String(busy['id'])] = Array.from({ length: 130 }, (_, k) => {
    const rep = reply(busy, daysAgo(20) + (k + 1) * 60_000, `fan${k}`);
    expected.add(`th-reply:${rep['id']}`);
    return rep;
  });
  // No replies: no conversation request. A repost of someone else's post: its replies are not yours.
  world.posts.push(post(daysAgo(40), { has_replies: false }));
  const repost = post(daysAgo(50), { media_type: 'REPOST_FACADE', permalink: 'https://www.threads.com/@zed/post/Z1' });
  world.posts.push(repost);
  world.conversations[String(repost['id'])] = [reply(repost, daysAgo(49), 'stranger')];
  for (let k = 0; k < 12; k++) {
    const m = mention(daysAgo(3 + k * 40), people[k % people.length] ?? 'gus');
    world.mentions.push(m);
    if (daysAgo(3 + k * 40) >= horizon) expected.add(`th-mention:${m['id']}`);
  }
  // The owner mentioning themselves is not engagement.
  world.mentions.push(mention(daysAgo(4), 'ada.lovelace'));
  return { world, expectedIds: expected };
}

/** A clock that moves only when the client sleeps. */
export function fakeClock(start: Date) {
  const clock = { t: start.getTime(), waits: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      await new Promise((resolve) => setImmediate(resolve));
      clock.t += ms;
    },
  };
}
