/**
 * A Bluesky world with a million followers for the local server
 * (test/helpers/bluesky-server.ts), without a million objects in memory.
 *
 * The follower list is a generated view of DIDs (actorDid(i), newest follow
 * first) and the AppView's profiles a generated map: the profile of a DID is
 * made from its index when the server asks for it, with the names and bios of
 * ./million-world.ts (ordinary entropy, so the staged parts compress as real
 * lists do). The server filters the list by what the AppView shows and pages
 * it (offset cursors); the view answers `filter` lazily (checking each account
 * of a page as it is sliced: the generated world hides nobody), `slice` and
 * `length`. The follows (500 by default), their follow records, the
 * notifications and the own records are ordinary arrays.
 */
import type { BlueskyWorld, FakeNotification, FakeProfile, FakeRecord } from '../helpers/bluesky-server.ts';
import { actorDid as fixtureDid, emptyWorld, OWNER, tid } from '../fixtures/bluesky/world.ts';
import { generatedAccount } from './million-world.ts';

const B32 = '234567abcdefghijklmnopqrstuvwxyz';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 16 base32 characters drawn from i (xorshift over a multiplicative hash): the look of a PLC identifier. */
function didNoise(i: number): string {
  let x = (Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  let s = '';
  for (let k = 0; k < 16; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += B32[x % 32];
  }
  return s;
}

/**
 * The DID of actor i: `did:plc:` and 24 base32 characters, as PLC identifiers are (the first 24 of the base32
 * SHA-256 of the genesis operation: random-looking, so a list of them gzips as a real one does, about 15 bytes
 * a DID). The first 16 are drawn from i, the last 8 are i itself, so the server finds the actor back.
 */
export function actorDid(i: number): string {
  // The fixtures' DIDs end in i in 8 base32 characters.
  return `did:plc:${didNoise(i)}${fixtureDid(i).slice(-8)}`;
}

/** The index actorDid(i) was made from; undefined for any other DID. */
export function actorIndex(did: string): number | undefined {
  if (!did.startsWith('did:plc:') || did.length !== 8 + 24) return undefined;
  let n = 0;
  for (const ch of did.slice(-8)) {
    const digit = B32.indexOf(ch);
    if (digit < 0) return undefined;
    n = n * 32 + digit;
  }
  return did.slice(8, 24) === didNoise(n) ? n : undefined;
}

/** The AppView's profile of actor i: the generated Mastodon account's names, bio and counts, in Bluesky's shape. */
export function generatedProfile(i: number, nowMs: number): FakeProfile {
  const a = generatedAccount(20_000_000 + i, nowMs) as Record<string, unknown>;
  const description = String(a['note'] ?? '')
    .replace(/<[^>]+>/g, '')
    .slice(0, 256);
  return {
    did: actorDid(i),
    handle: `${String(a['username'])}${i}.bsky.social`,
    displayName: String(a['display_name'] ?? ''),
    ...(description !== '' ? { description } : {}),
    postsCount: Number(a['statuses_count'] ?? 0),
    followersCount: Number(a['followers_count'] ?? 0),
    followsCount: Number(a['following_count'] ?? 0),
  };
}

/** `length` DIDs, newest follow first, as the server's `filter` / `slice` / `length` see an array. */
class DidRange {
  constructor(
    private readonly lo: number,
    private readonly hi: number,
    private readonly check?: (did: string) => boolean,
  ) {}

  get length(): number {
    return this.hi - this.lo;
  }

  filter(pred: (did: string) => boolean): DidRange {
    return new DidRange(this.lo, this.hi, (did) => (this.check?.(did) ?? true) && pred(did));
  }

  slice(start?: number, end?: number): string[] {
    const n = this.length;
    const norm = (x: number | undefined, dflt: number): number => (x === undefined ? dflt : x < 0 ? Math.max(0, n + x) : Math.min(n, x));
    const out: string[] = [];
    for (let i = norm(start, 0); i < norm(end, n); i++) {
      const did = actorDid(this.lo + i);
      if (this.check !== undefined && !this.check(did)) throw new Error(`bluesky-million-world: ${did} is hidden, and the generated list cannot leave it out`);
      out.push(did);
    }
    return out;
  }
}

/** The AppView's profiles: the owner's, and each generated actor's, made when asked for. */
class GeneratedProfiles extends Map<string, FakeProfile> {
  constructor(
    private readonly total: number,
    private readonly nowMs: number,
  ) {
    super();
  }

  override get(did: string): FakeProfile | undefined {
    const own = super.get(did);
    if (own !== undefined) return own;
    const i = actorIndex(did);
    return i !== undefined && i < this.total ? generatedProfile(i, this.nowMs) : undefined;
  }

  override has(did: string): boolean {
    return this.get(did) !== undefined;
  }
}

export interface BlueskyMillionSize {
  followers: number;
  follows: number;
  /** How many of the follows also follow back (the oldest followers). */
  mutual: number;
  notifications: number;
}

/**
 * The owner with `followers` followers (actors 0..followers-1, newest follow first) and `follows` accounts
 * followed, the first `mutual` of them among the oldest followers; one follow record a day, a notification
 * an hour (likes and replies from followers), no own likes, reposts or posts (one empty page each), and a
 * last post for every other follow (the rest have never posted).
 */
export function blueskyMillionWorld(size: BlueskyMillionSize, nowMs: number): BlueskyWorld {
  const world = emptyWorld();
  const total = size.followers + size.follows - size.mutual;
  const profiles = new GeneratedProfiles(total, nowMs);
  for (const [did, p] of world.profiles) profiles.set(did, { ...p, followersCount: size.followers, followsCount: size.follows });
  world.profiles = profiles;
  world.followers = new DidRange(0, size.followers) as unknown as string[];
  const firstFollow = size.followers - size.mutual;
  world.follows = Array.from({ length: size.follows }, (_, i) => actorDid(firstFollow + i));
  world.records.set(
    'app.bsky.graph.follow',
    world.follows.map((did, i): FakeRecord => {
      const at = nowMs - (i + 1) * DAY;
      return { uri: `at://${OWNER.did}/app.bsky.graph.follow/${tid(at, i)}`, cid: `bafyfollow${i}`, value: { $type: 'app.bsky.graph.follow', subject: did, createdAt: new Date(at).toISOString() } };
    }),
  );
  for (const collection of ['app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.feed.post']) world.records.set(collection, []);
  world.notifications = Array.from({ length: size.notifications }, (_, i): FakeNotification => {
    const atMs = nowMs - (i + 1) * HOUR;
    const author = generatedProfile((i * 7919) % size.followers, nowMs);
    const subject = `at://${OWNER.did}/app.bsky.feed.post/${tid(atMs - HOUR, i)}`;
    const reply = i % 5 === 0;
    const collection = reply ? 'app.bsky.feed.post' : 'app.bsky.feed.like';
    const createdAt = new Date(atMs).toISOString();
    return {
      uri: `at://${author.did}/${collection}/${tid(atMs, i)}`,
      cid: `bafynotif${i}`,
      author,
      reason: reply ? 'reply' : 'like',
      reasonSubject: subject,
      record: reply ? { $type: collection, text: `reply number ${i}`, createdAt } : { $type: collection, subject: { uri: subject, cid: 'bafysubject' }, createdAt },
      isRead: false,
      indexedAt: new Date(atMs + 500).toISOString(),
    };
  });
  world.lastPosts = new Map(world.follows.filter((_, i) => i % 2 === 0).map((did, i) => [did, { at: new Date(nowMs - (i % 400) * DAY).toISOString() }]));
  return world;
}
