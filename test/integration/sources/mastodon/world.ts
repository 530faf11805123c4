/** Builds Mastodon worlds for the local server from the docs' example entities (test/fixtures/mastodon). */
import { readFileSync } from 'node:fs';
import type { Json, MastodonWorld } from '../../../helpers/mastodon-server.ts';

const FIXTURES = new URL('../../../fixtures/mastodon/', import.meta.url);

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json;
}

export const NOW = new Date('2026-11-25T08:00:00Z');
const HOUR = 3_600_000;

/** The owner: the docs' CredentialAccount example (local account "trwnh"). */
export function owner(): Json {
  return fixture('account-credential.json');
}
export const OWNER_ID = '14715';

/** An account shaped like the docs' Account example, with its own id and handle. */
export function account(id: string, overrides: Json = {}): Json {
  const base = fixture('account-remote.json');
  return { ...base, id, username: `user${id}`, acct: `user${id}@remote.example`, display_name: `User ${id}`, url: `https://remote.example/@user${id}`, ...overrides };
}

function snowflake(base: bigint, n: number): string {
  return (base + BigInt(n) * 1000n).toString();
}

export function status(id: string, author: Json, at: Date, overrides: Json = {}): Json {
  return {
    id,
    created_at: at.toISOString(),
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `https://remote.example/statuses/${id}`,
    url: `https://remote.example/@${String(author['username'])}/${id}`,
    content: `<p>post ${id}</p>`,
    reblog: null,
    account: { id: author['id'], username: author['username'], acct: author['acct'] },
    mentions: [],
    media_attachments: [],
    tags: [],
    emojis: [],
    ...overrides,
  };
}

const NOTIFICATION_CYCLE = ['favourite', 'reblog', 'reply', 'mention', 'follow', 'quote'] as const;

export function notification(seq: number, kind: (typeof NOTIFICATION_CYCLE)[number] | 'poll', from: Json, at: Date): Json {
  const id = snowflake(113_000_000_000_000_000n, seq);
  const me = owner();
  const type = kind === 'reply' ? 'mention' : kind;
  const n: Json = { id, type, created_at: at.toISOString(), account: from };
  if (kind === 'favourite' || kind === 'reblog' || kind === 'poll') n['status'] = status(snowflake(112_000_000_000_000_000n, seq), me, new Date(at.getTime() - HOUR));
  if (kind === 'reply' || kind === 'mention' || kind === 'quote') {
    n['status'] = status(snowflake(111_000_000_000_000_000n, seq), from, at, {
      content: `<p>${kind} number ${seq} &amp; more</p>`,
      in_reply_to_account_id: kind === 'reply' ? me['id'] : null,
      mentions: [{ id: me['id'], username: me['username'], acct: me['acct'], url: me['url'] }],
    });
  }
  return n;
}

export interface WorldSize {
  followers: number;
  following: number;
  /** How many of the followed accounts also follow you. */
  mutual: number;
  notifications: number;
  statuses: number;
  favourites: number;
}

/**
 * A generated community: notifications every 12 hours, statuses and favourites
 * one a day, newest at `NOW`. Notification types cycle through every kind
 * followback reads; a few `poll` notifications are mixed in to check `types[]`.
 */
export function buildWorld(size: WorldSize): MastodonWorld {
  const followers = Array.from({ length: size.followers }, (_, i) => account(String(2000 + i)));
  const following = [...followers.slice(0, size.mutual), ...Array.from({ length: size.following - size.mutual }, (_, i) => account(String(5000 + i)))];
  const world: MastodonWorld = { me: owner(), followers, following, notifications: [], statuses: [], favourites: [] };
  addNotifications(world, size.notifications, NOW);
  addStatuses(world, size.statuses, NOW);
  addFavourites(world, size.favourites, NOW);
  return world;
}

let notificationSeq = 0;
let statusSeq = 0;
let favouriteSeq = 0;

/** Adds `count` notifications newer than every existing one, the newest at `newest`. */
export function addNotifications(world: MastodonWorld, count: number, newest: Date): void {
  const from = world.followers.length > 0 ? world.followers : [account('9999')];
  const start = notificationSeq;
  for (let i = count - 1; i >= 0; i--) {
    const seq = ++notificationSeq;
    const kind = NOTIFICATION_CYCLE[(seq - start) % NOTIFICATION_CYCLE.length]!;
    world.notifications.push(notification(seq, kind, from[seq % from.length]!, new Date(newest.getTime() - i * 12 * HOUR)));
    if (seq % 50 === 0) world.notifications.push(notification(++notificationSeq, 'poll', from[0]!, new Date(newest.getTime() - i * 12 * HOUR)));
  }
}

/** Your statuses: plain posts, replies, boosts and mentions in turn. */
export function addStatuses(world: MastodonWorld, count: number, newest: Date): void {
  const others = world.following.length > 0 ? world.following : [account('9998')];
  for (let i = count - 1; i >= 0; i--) {
    const seq = ++statusSeq;
    const id = snowflake(114_000_000_000_000_000n, seq);
    const at = new Date(newest.getTime() - i * 24 * HOUR);
    const other = others[seq % others.length]!;
    const variant = seq % 4;
    const overrides: Json =
      variant === 1
        ? { in_reply_to_account_id: other['id'], mentions: [{ id: other['id'], username: other['username'], acct: other['acct'], url: other['url'] }] }
        : variant === 2
          ? { reblog: status(snowflake(115_000_000_000_000_000n, seq), other, new Date(at.getTime() - HOUR)), content: '' }
          : variant === 3
            ? { mentions: [{ id: other['id'], username: other['username'], acct: other['acct'], url: other['url'] }] }
            : {};
    world.statuses.push(status(id, world.me, at, overrides));
  }
}

/** Statuses you favourited, one a day; record ids grow with time like the real ones. */
export function addFavourites(world: MastodonWorld, count: number, newest: Date): void {
  const others = world.following.length > 0 ? world.following : [account('9997')];
  const added: MastodonWorld['favourites'] = [];
  for (let i = count - 1; i >= 0; i--) {
    const seq = ++favouriteSeq;
    const other = others[seq % others.length]!;
    added.unshift({ favouriteId: String(seq), status: status(snowflake(116_000_000_000_000_000n, seq), other, new Date(newest.getTime() - i * 24 * HOUR)) });
  }
  world.favourites.unshift(...added);
}
