/**
 * A Mastodon world with a million followers for the local server
 * (test/helpers/mastodon-server.ts), without a million objects in memory.
 *
 * The follower list is a generated view: the account at position i (newest
 * follow first) is made from i when a page asks for it, deterministic, with
 * text of ordinary entropy (pseudo-words, bios of 0-280 characters, hashed
 * avatar URLs) so the staged parts compress as real lists do, not as copies of
 * one account. The server pages it with its own code (max_id / since_id /
 * min_id filters, the sort, the slice, the Link header, the rate limit): the
 * view answers those calls by binary search over the positions, because the
 * follow record ids fall as the position rises, instead of walking a million
 * entries per request.
 */
import type { Json, MastodonWorld } from '../helpers/mastodon-server.ts';

const DOMAINS = ['mastodon.social', 'fosstodon.org', 'hachyderm.io', 'mas.to', 'chaos.social', 'infosec.exchange', 'mstdn.social', 'toot.community', 'social.vivaldi.net', 'techhub.social', 'mastodon.online', 'ruhr.social', 'mastodon.art', 'sigmoid.social', 'scholar.social', 'aus.social'];
const SYLLABLES = 'ka ri to ne ma su lo vi de ra mi no te sa ku li po da re zu fa gi ho ja be ce ly wo xi qu an el in or us ar en is on um al er it ol ut ex st th ch sh br cr pl gr tr'.split(' ');
const TAGS = ['photography', 'opensource', 'rust', 'typescript', 'birds', 'gardening', 'science', 'climate', 'music', 'books', 'linux', 'art', 'cycling', 'history', 'maths', 'coffee'];
const DAY = 86_400_000;

/** mulberry32: a small deterministic generator per account. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function word(r: () => number): string {
  const n = 1 + Math.floor(r() * 3);
  let w = '';
  for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  return w;
}

function hex(r: () => number, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/** 2019-01-01: account ids have been Mastodon's timestamp ids since the AccountIdsToTimestampIds migration (2019). */
const SNOWFLAKE_FROM = Date.UTC(2019, 0, 1);

/**
 * The Mastodon id of generated account `n`: a timestamp id as Mastodon's `timestamp_id('accounts')` makes them
 * (lib/mastodon/snowflake.rb: the milliseconds when the instance first stored the account, shifted 16 bits, and
 * 16 bits of hashed sequence), 18 digits from a time between 2019 and `now` drawn from `n`. A follower list's
 * ids are thus as unrelated as a real one's (ordered by follow, not by account), and gzip as real ones do
 * (about 9 bytes each, where consecutive numbers took 2).
 */
export function snowflakeId(n: number, now: number): string {
  const r = rng(n * 40_503 + 17);
  const ms = SNOWFLAKE_FROM + Math.floor(r() * (now - SNOWFLAKE_FROM));
  return ((BigInt(ms) << 16n) | BigInt(Math.floor(r() * 65_536))).toString();
}

/** The account made from `id` (its Mastodon id a timestamp id made from it), as `GET /api/v1/accounts/:id/followers` serves it (the docs' Account entity). */
export function generatedAccount(id: number, now: number): Json {
  const r = rng(id * 2654435761);
  const username = `${word(r)}${r() < 0.5 ? Math.floor(r() * 1000) : ''}`.slice(0, 30) || `u${id}`;
  const domain = DOMAINS[Math.floor(r() * DOMAINS.length)] ?? 'mastodon.social';
  const nameWords = 1 + Math.floor(r() * 3);
  const displayName = Array.from({ length: nameWords }, () => {
    const w = word(r);
    return w.charAt(0).toUpperCase() + w.slice(1);
  }).join(' ');
  // Bios: a third empty, the rest a sentence or three, sometimes a hashtag or a link.
  let note = '';
  if (r() > 0.33) {
    const words = 3 + Math.floor(r() * 40);
    const text = Array.from({ length: words }, () => word(r)).join(' ');
    const tag = r() < 0.3 ? ` <a href="https://${domain}/tags/${TAGS[Math.floor(r() * TAGS.length)]}" class="mention hashtag" rel="tag">#<span>${TAGS[Math.floor(r() * TAGS.length)]}</span></a>` : '';
    const link = r() < 0.2 ? ` <a href="https://${word(r)}.example/${word(r)}" rel="nofollow noopener" target="_blank">${word(r)}.example</a>` : '';
    note = `<p>${text}${tag}${link}</p>`;
  }
  const avatarPath = `${String(id).padStart(9, '0').replace(/(\d{3})(\d{3})(\d{3})/, '$1/$2/$3')}/original/${hex(r, 16)}`;
  const silentDays = r() < 0.2 ? null : Math.floor(r() * r() * 900);
  return {
    id: snowflakeId(id, now),
    username,
    acct: `${username}@${domain}`,
    display_name: displayName,
    locked: r() < 0.05,
    bot: r() < 0.02,
    group: false,
    created_at: new Date(now - Math.floor(365 * DAY + r() * 2500 * DAY)).toISOString(),
    note,
    url: `https://${domain}/@${username}`,
    uri: `https://${domain}/users/${username}`,
    avatar: `https://files.${domain}/accounts/avatars/${avatarPath}.png`,
    avatar_static: `https://files.${domain}/accounts/avatars/${avatarPath}.png`,
    header: `https://files.${domain}/accounts/headers/${avatarPath}.jpg`,
    header_static: `https://files.${domain}/accounts/headers/${avatarPath}.jpg`,
    followers_count: Math.floor(r() * r() * 5000),
    following_count: Math.floor(r() * r() * 3000),
    statuses_count: Math.floor(r() * r() * 20000),
    last_status_at: silentDays === null ? null : new Date(now - silentDays * DAY).toISOString().slice(0, 10),
    emojis: [],
    fields: r() < 0.3 ? [{ name: 'Pronouns', value: r() < 0.5 ? 'they/them' : 'she/her', verified_at: null }] : [],
  };
}

interface Keyed {
  key: string;
  body: Json;
}

/**
 * The server's view of a long list after `list.map((account, i) => ({ key, body }))`: positions lo..hi-1,
 * keys falling as positions rise. `filter` with one of the server's id bounds keeps a prefix or a suffix
 * (found by binary search over the predicate), `sort` by falling key keeps the order, `slice` makes the page.
 */
class KeyedRange {
  constructor(
    private readonly at: (i: number) => Keyed,
    private readonly lo: number,
    private readonly hi: number,
  ) {}

  get length(): number {
    return this.hi - this.lo;
  }

  filter(pred: (item: Keyed) => boolean): KeyedRange {
    const { lo, hi } = this;
    if (hi <= lo) return this;
    const first = pred(this.at(lo));
    const last = pred(this.at(hi - 1));
    if (first && last) return this;
    if (!first && !last) return new KeyedRange(this.at, lo, lo);
    // first true, last false: keep the prefix up to the last true; else the suffix from the first true.
    let a = lo;
    let b = hi - 1;
    while (b - a > 1) {
      const mid = (a + b) >>> 1;
      if (pred(this.at(mid)) === first) a = mid;
      else b = mid;
    }
    return first ? new KeyedRange(this.at, lo, b) : new KeyedRange(this.at, b, hi);
  }

  sort(compare: (x: Keyed, y: Keyed) => number): KeyedRange {
    // Already in the order asked for (newest follow first); checked on the first pair, not assumed.
    if (this.length >= 2 && compare(this.at(this.lo), this.at(this.lo + 1)) > 0) throw new Error('million-world: the server asks for an order the generated list does not have');
    return this;
  }

  slice(start?: number, end?: number): Keyed[] {
    const n = this.length;
    const norm = (x: number | undefined, dflt: number): number => (x === undefined ? dflt : x < 0 ? Math.max(0, n + x) : Math.min(n, x));
    const s = norm(start, 0);
    const e = norm(end, n);
    const out: Keyed[] = [];
    for (let i = s; i < e; i++) out.push(this.at(this.lo + i));
    return out;
  }
}

/** A follower list of `count` generated accounts the server pages as if it were an array. */
function generatedList(count: number, accountAt: (i: number) => Json): Json[] {
  const view = {
    length: count,
    map(fn: (account: Json, i: number) => Keyed): KeyedRange {
      return new KeyedRange((i) => fn(accountAt(i), i), 0, count);
    },
    // The server reads the follower list only through `map` (pages) and these lookups (relationships), unused here.
    some: () => false,
    findIndex: () => -1,
  };
  return view as unknown as Json[];
}

export interface MillionWorldSize {
  followers: number;
  /** Accounts the owner follows; the first `mutual` of them also follow back. */
  following: number;
  mutual: number;
}

/**
 * The owner with `followers` followers (made from 10,000,001.. from the oldest follow) and `following` accounts
 * followed, `mutual` of them among the followers. No notifications, statuses or favourites: the lists are the
 * long part, the streams one request each.
 */
export function millionWorld(size: MillionWorldSize, now: number, owner: Json): MastodonWorld {
  const { followers, following, mutual } = size;
  // Position i (newest first) holds the follower made from BASE + followers - i; its follow record id is followers - i (the server's default).
  const BASE = 10_000_000;
  const accountAt = (i: number): Json => generatedAccount(BASE + followers - i, now);
  const followingList = Array.from({ length: following }, (_, k) => (k < mutual ? accountAt(k * 7) : generatedAccount(50_000_000 + k, now)));
  return {
    me: { ...owner, followers_count: followers, following_count: following },
    followers: generatedList(followers, accountAt),
    following: followingList,
    notifications: [],
    statuses: [],
    favourites: [],
  };
}
