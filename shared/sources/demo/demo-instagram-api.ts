/**
 * The demo community on Instagram, as the Instagram API (with Instagram Login) would show it: the
 * owner's posts, other people's comments and replies on them, the posts that tag the owner. The
 * demo's Instagram source reads it with the real Instagram API reader, through `demoInstagramFetch`
 * (an in-process stand-in for graph.instagram.com: no socket, no network), so `npm start` shows
 * what an Instagram source with an API sees: commenters protected, silent follows at `review`
 * ("Instagram does not show who liked"), critics who only comment to criticise.
 *
 * The people and their usernames are those of the demo's Instagram export (demo-exports.ts), so one
 * person is one contact; their comments are the demo's inbound replies and quotes on the owner's
 * posts (tone included), a mention is a post tagging the owner, a like only raises a post's
 * like_count (the API names no liker). A few strangers comment too (in neither list: kept, not
 * contacts), some comments are replies nested under another, and the owner answers some (the
 * reader skips the owner's own).
 *
 * Shapes as the reader's test server documents them (test/helpers/instagram-graph-server.ts):
 * `{data, paging: {cursors: {before, after}, next}}` lists, timestamps like `2026-11-30T17:00:00+0000`.
 */
import type { Interaction } from '../../domain/model.ts';
import { DEMO_INSTAGRAM_OWNER, instagramPeopleAt } from './demo-exports.ts';
import { POSITIVE_REPLIES } from './demo-text.ts';
import { Salt, hash, pickFrom, seedKey, unit } from './prng.ts';
import { DAY_MS } from './timeline.ts';

/** The token the demo's Instagram source uses (nothing secret: the stand-in accepts only it). */
export const DEMO_INSTAGRAM_TOKEN = 'IGdemo-not-a-real-token';
export const DEMO_INSTAGRAM_USER_ID = '17841400000000042';
/** How far back the demo's posts go (past the API reader's default backfill of 365 days). */
const HISTORY_DAYS = 400;
const POST_EVERY_DAYS = 2;
const STRANGER_SHARE = 0.15;
const NESTED_SHARE = 0.3;
const OWNER_REPLY_SHARE = 0.2;
const PAGE = 25;

interface DemoComment {
  id: string;
  text: string;
  timestamp: number;
  username: string;
  userId: string;
}

interface DemoMedia {
  id: string;
  timestamp: number;
  permalink: string;
  caption: string;
  likeCount: number;
  comments: DemoComment[];
}

interface DemoTag {
  id: string;
  timestamp: number;
  username: string;
  permalink: string;
  caption: string;
}

export interface DemoInstagramWorld {
  media: DemoMedia[];
  replies: Map<string, DemoComment[]>;
  tags: DemoTag[];
}

const metaTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+0000');
const numericId = (prefix: string, h: number): string => `${prefix}${h.toString().padStart(10, '0')}`;
const userIdOf = (username: string): string => numericId('1784', hashText(username));

function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return hash(h >>> 0, text.length);
}

function shortcode(h: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let code = '';
  let x = h;
  for (let i = 0; i < 11; i++) {
    x = hash(x, i);
    code += alphabet[x % alphabet.length];
  }
  return code;
}

/** The demo's Instagram at `now` (pure: the same seed, size and instant give the same world). */
export function demoInstagramWorld(options: { seed: number; size: number; now: Date }): DemoInstagramWorld {
  const now = options.now.getTime();
  const seed = seedKey(options.seed);
  const from = now - HISTORY_DAYS * DAY_MS;
  const media: DemoMedia[] = [];
  for (let day = Math.ceil(from / DAY_MS); day * DAY_MS + 17 * 3_600_000 <= now; day += 1) {
    if (day % POST_EVERY_DAYS !== 0) continue;
    const h = hash(seed, day, 0x16);
    media.push({ id: numericId('1790', h), timestamp: day * DAY_MS + 17 * 3_600_000, permalink: `https://www.instagram.com/p/${shortcode(h)}/`, caption: `Day ${day % 365} of the studio diary`, likeCount: 0, comments: [] });
  }
  // Oldest first while building; the API lists newest first.
  const mediaAt = (ms: number): DemoMedia | undefined => {
    let lo = 0;
    let hi = media.length - 1;
    let found: DemoMedia | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = media[mid] as DemoMedia;
      if (m.timestamp <= ms) {
        found = m;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const replies = new Map<string, DemoComment[]>();
  const tags: DemoTag[] = [];
  const addComment = (m: DemoMedia, c: DemoComment, nestDraw: number): void => {
    const first = m.comments[0];
    if (first !== undefined && nestDraw < NESTED_SHARE) {
      const list = replies.get(first.id) ?? [];
      list.push(c);
      replies.set(first.id, list);
      return;
    }
    m.comments.push(c);
    // The owner answers some comments an hour later.
    if (unit(hashText(c.id), Salt.igApiOwnerReply) < OWNER_REPLY_SHARE && c.timestamp + 3_600_000 <= now) {
      const list = replies.get(c.id) ?? [];
      list.push({ id: numericId('1801', hash(hashText(c.id), 1)), text: 'Thank you! 🙏', timestamp: c.timestamp + 3_600_000, username: DEMO_INSTAGRAM_OWNER, userId: DEMO_INSTAGRAM_USER_ID });
      replies.set(c.id, list);
    }
  };

  const events: { username: string; interaction: Interaction }[] = [];
  for (const person of instagramPeopleAt(options.seed, options.size, now)) {
    for (const interaction of person.inbound(from)) events.push({ username: person.username, interaction });
  }
  events.sort((a, b) => Date.parse(a.interaction.at) - Date.parse(b.interaction.at) || a.interaction.id.localeCompare(b.interaction.id));
  for (const { username, interaction } of events) {
    const at = Date.parse(interaction.at);
    const m = mediaAt(at);
    if (m === undefined) continue;
    const h = hashText(interaction.id);
    switch (interaction.kind) {
      case 'like':
      case 'repost':
        m.likeCount++;
        break;
      case 'reply':
      case 'quote':
        addComment(m, { id: numericId('1800', h), text: interaction.text ?? '👏', timestamp: at, username, userId: userIdOf(username) }, unit(h, Salt.igApiNest));
        break;
      case 'mention':
        tags.push({ id: numericId('1791', h), timestamp: at, username, permalink: `https://www.instagram.com/p/${shortcode(h)}/`, caption: (interaction.text ?? '').replace(/^@\S+\s*/, `@${DEMO_INSTAGRAM_OWNER} `) });
        break;
      case 'follow':
        break;
    }
  }
  // Strangers: people in neither list who comment now and then.
  for (const m of media) {
    const h = hash(seed, hashText(m.id), Salt.igApiStranger);
    if (unit(h, 1) >= STRANGER_SHARE) continue;
    const username = `visitor_${(h % 40) + 1}`;
    addComment(m, { id: numericId('1802', h), text: pickFrom(POSITIVE_REPLIES, unit(h, 2)), timestamp: m.timestamp + Math.floor(unit(h, 3) * DAY_MS), username, userId: userIdOf(username) }, 1);
  }
  for (const m of media) m.comments.sort((a, b) => a.timestamp - b.timestamp);
  media.reverse();
  tags.sort((a, b) => b.timestamp - a.timestamp);
  return { media, replies, tags };
}

const commentJson = (c: DemoComment): Record<string, unknown> => ({ id: c.id, text: c.text, timestamp: metaTime(c.timestamp), username: c.username, from: { id: c.userId, username: c.username } });

/** One page of a list, Meta's way: an opaque `after` cursor, `next` only when there is more. */
function paged<T>(items: readonly T[], url: URL, toJson: (item: T) => unknown): Record<string, unknown> {
  const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? PAGE) || PAGE));
  const after = url.searchParams.get('after');
  const start = after !== null ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0;
  const slice = items.slice(start, start + limit);
  const cursor = (n: number): string => Buffer.from(String(n), 'utf8').toString('base64url');
  const more = start + limit < items.length;
  const next = new URL(url);
  next.searchParams.set('after', cursor(start + limit));
  return {
    data: slice.map(toJson),
    paging: { cursors: { before: cursor(start), after: cursor(start + slice.length) }, ...(more ? { next: next.toString() } : {}) },
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * `fetch` answering the Instagram API's read endpoints from the demo world: `/me`, `/{user}/media`,
 * `/{media}/comments` (with nested `replies`), `/{comment}/replies`, `/{user}/tags` (with or without
 * a `/vNN.N` version prefix), `since`/`until` on lists, and Meta's error body for anything else.
 */
export function demoInstagramFetch(world: DemoInstagramWorld): typeof fetch {
  const mediaById = new Map(world.media.map((m) => [m.id, m]));
  const commentIds = new Set<string>([...world.media.flatMap((m) => m.comments.map((c) => c.id)), ...world.replies.keys()]);
  const error = (status: number, code: number, message: string): Response => json(status, { error: { message, type: 'OAuthException', code, fbtrace_id: 'demo' } });
  return async (input) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.searchParams.get('access_token') !== DEMO_INSTAGRAM_TOKEN) return error(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    const parts = url.pathname.split('/').filter((p) => p !== '' && !/^v\d+(\.\d+)?$/.test(p));
    const within = <T extends { timestamp: number }>(items: readonly T[]): T[] => {
      const since = Number(url.searchParams.get('since') ?? NaN);
      const until = Number(url.searchParams.get('until') ?? NaN);
      return items.filter((i) => (Number.isNaN(since) || i.timestamp >= since * 1000) && (Number.isNaN(until) || i.timestamp <= until * 1000));
    };
    const [first, edge] = parts;
    if (parts.length === 1 && first === 'me') return json(200, { id: DEMO_INSTAGRAM_USER_ID, user_id: DEMO_INSTAGRAM_USER_ID, username: DEMO_INSTAGRAM_OWNER });
    if (parts.length === 1 && first === 'refresh_access_token') return json(200, { access_token: DEMO_INSTAGRAM_TOKEN, token_type: 'bearer', expires_in: 5_184_000 });
    if (parts.length === 2 && (first === 'me' || first === DEMO_INSTAGRAM_USER_ID)) {
      if (edge === 'media') {
        return json(200, paged(within(world.media), url, (m) => ({ id: m.id, timestamp: metaTime(m.timestamp), permalink: m.permalink, caption: m.caption, like_count: m.likeCount, comments_count: m.comments.length + m.comments.reduce((n, c) => n + (world.replies.get(c.id)?.length ?? 0), 0), media_type: 'IMAGE' })));
      }
      if (edge === 'tags') return json(200, paged(within(world.tags), url, (t) => ({ id: t.id, timestamp: metaTime(t.timestamp), username: t.username, permalink: t.permalink, caption: t.caption, media_type: 'IMAGE' })));
    }
    if (parts.length === 2 && first !== undefined && edge === 'comments') {
      const m = mediaById.get(first);
      if (m === undefined) return error(400, 100, `Unsupported get request. Object with ID '${first}' does not exist`);
      return json(200, paged(m.comments, url, (c) => {
        const nested = world.replies.get(c.id) ?? [];
        return { ...commentJson(c), like_count: 0, replies: { data: nested.map(commentJson) } };
      }));
    }
    if (parts.length === 2 && first !== undefined && edge === 'replies') {
      if (!commentIds.has(first)) return error(400, 100, `Unsupported get request. Object with ID '${first}' does not exist`);
      return json(200, paged(world.replies.get(first) ?? [], url, commentJson));
    }
    return error(400, 100, `Unknown path components: /${parts.join('/')}`);
  };
}
