/**
 * The demo community on Instagram and Facebook, as their official exports.
 *
 * Some of the demo's people are on those networks too (a draw per tenure, so a
 * person is there for the whole tie), with their own usernames and names and
 * the same follow dates. From them this module writes, for one run's instant,
 * an unpacked export folder per network in the real Meta JSON shapes that the
 * export parsers read (shared/sources/exports/instagram/, facebook/):
 *
 *  - Instagram (2022+ layout): `connections/followers_and_following/followers_1.json`
 *    (bare array) and `following.json` (`relationships_following`), the owner's
 *    likes (`your_instagram_activity/likes/liked_posts.json`) and comments
 *    (`comments/post_comments_1.json`, `string_map_data`), the owner's username in
 *    `personal_information/personal_information.json`. No inbound engagement: the
 *    real export has none.
 *  - Facebook (2023+ layout): friends (`friends_v2`), followers and who you
 *    follow, the owner's comments and reactions (free-text titles), and
 *    `logged_information/notifications/notifications.json` with English lines
 *    ("Ada Rossi commented on your post.") for the friends' comments, reactions,
 *    shares and mentions of the last 90 days. Two friends on Facebook only share
 *    one name (so a notification naming it is counted, never guessed) and some
 *    names carry accents, written as Meta writes them (every UTF-8 byte a `\u00XX`
 *    escape) so the repair shows.
 *
 * One export per run day, named as Meta names it (`instagram-you.demo-2026-11-30-…`,
 * `facebook-youdemo-2026-11-30-…`), so a run a week later reads a new export and
 * sees the new and lost followers of that week. Pure generation (`demoExports`)
 * plus a writer (`writeDemoExports`): folders 0700, files 0600, the folder's
 * mtime set to the run's instant (when it was "filed").
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Interaction } from '../../domain/model.ts';
import { identityOf, stateChangeAt, type Identity } from './account.ts';
import { interactionsOf } from './activity.ts';
import { DEMO_DEFAULT_SIZE } from './demo-source.ts';
import { Salt, hash, pickFrom, poisson, seedKey, unit } from './prng.ts';
import { DAY_MS, relationAt, tenuresOverlapping, type Tenure } from './timeline.ts';

/** Where `--demo` writes its exports, relative to the working folder (inside the CLI's own .followback/). */
export const DEMO_EXPORTS_DIR = '.followback/demo-exports';

/** The owner on the two networks. */
export const DEMO_INSTAGRAM_OWNER = 'you.demo';
export const DEMO_FACEBOOK_OWNER = 'Alex Demo';

/** Share of the demo's people who are on each network. */
const ON_INSTAGRAM = 0.3;
const ON_FACEBOOK = 0.22;
/** How far back the exports hold the owner's likes and comments, and Facebook its notifications. */
const ACTIVITY_DAYS = 120;
const NOTIFICATION_DAYS = 90;

/** Names the demo's handles write without their accents; on Facebook they have them (and Meta writes them as mojibake). */
const ACCENTED: Readonly<Record<string, string>> = { tomas: 'Tomás', ines: 'Inés', garcia: 'García', yilmaz: 'Yılmaz' };

/**
 * The name two Facebook friends share: a cousin and a former colleague, on Facebook only (so they are
 * there at any instant), both commenting and reacting. No demo name can be it.
 */
export const DEMO_FACEBOOK_HOMONYM = 'Giovanni Esposito';
const FACEBOOK_HOMONYMS = [
  { key: 0x7a11, since: Date.UTC(2014, 5, 2, 19, 12, 5) },
  { key: 0x7a12, since: Date.UTC(2019, 9, 21, 8, 40, 33) },
] as const;
/** Their notifications per day, each. */
const TWIN_PER_DAY = 0.08;
const INITIALS = 'ABCDEFGHILMNPRSTV';

export type DemoExportNetwork = 'instagram' | 'facebook';

/** One export: its folder name and its files (path → content). */
export interface DemoExport {
  network: DemoExportNetwork;
  name: string;
  files: Record<string, string>;
}

export interface DemoExportsOptions {
  seed: number;
  size?: number;
  now: Date;
}

interface Person {
  tenure: Tenure;
  identity: Identity;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const day = (now: number): string => new Date(now).toISOString().slice(0, 10);

/** JSON as Meta writes it: every non-ASCII character as its UTF-8 bytes, each a `\u00XX` escape. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[^\x00-\x7f]/gu, (ch) =>
    [...Buffer.from(ch, 'utf8')].map((b) => `\\u00${b.toString(16).padStart(2, '0')}`).join(''),
  );
}

/** The people tied to the owner at `now` (accounts still active), in slot order. */
function peopleAt(seed: number, size: number, now: number): Person[] {
  const people: Person[] = [];
  for (let slot = 0; slot < size; slot++) {
    for (const tenure of tenuresOverlapping(seed, slot, now, now)) {
      if (!(tenure.start <= now && now < tenure.end) || relationAt(tenure, now) === null) continue;
      // A deleted, suspended or moved account is no longer in a network's lists.
      if ((stateChangeAt(tenure) ?? Infinity) <= now) continue;
      people.push({ tenure, identity: identityOf(tenure) });
    }
  }
  return people;
}

/** The owner's likes and comments to them, and (for notifications) theirs to the owner, over `days` before `now`. */
function activityOf(person: Person, now: number, days: number): Interaction[] {
  const out: Interaction[] = [];
  interactionsOf(person.tenure, person.identity, now - days * DAY_MS, now, out);
  return out;
}

/** `first.last12` → its two name words (reserved accounts: `nonna.lucia`). */
function nameWords(identity: Identity): [string, string] {
  const [first = 'demo', rest = 'person'] = identity.user.split('.');
  return [first, rest.replace(/\d+$/, '') || 'person'];
}

/**
 * An Instagram username of their own: the demo handle's words in one of the usual shapes, with the
 * slot's number, so no two people of one export share it (one account per slot at any instant).
 */
function instagramUsername(person: Person): string {
  const [first, last] = nameWords(person.identity);
  const n = person.tenure.slot;
  const style = unit(person.tenure.key, Salt.igHandle);
  if (style < 0.3) return `${first}_${last}${n}`;
  if (style < 0.55) return `${first}.${last}.${n}`;
  if (style < 0.8) return `${first}${last}${n}`;
  return `the.${first}${last}.${n}`;
}

/** A Facebook name: the real name with its accents, half the time with a middle initial. */
function facebookName(person: Person): string {
  const [first, last] = nameWords(person.identity);
  const draw = unit(person.tenure.key, Salt.fbName);
  const middle = draw < 0.5 ? ` ${pickFrom(INITIALS.split(''), draw * 2)}.` : '';
  const written = (word: string): string => ACCENTED[word] ?? capitalise(word);
  return `${written(first)}${middle} ${written(last)}`;
}

/** A post's short code, stable for the interaction. */
function shortcode(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let code = '';
  for (let i = 0; i < 11; i++) {
    h = hash(h, i);
    code += alphabet[h % alphabet.length];
  }
  return code;
}

/** A folder name suffix like Meta's random one, but stable for the seed and day. */
function suffixOf(seed: number, network: number, dayNumber: number): string {
  return hash(seed, network, dayNumber).toString(36).padStart(7, '0').slice(0, 7);
}

/** The demo's people on Instagram at `now`, with their usernames (the export's and the API's). */
export function instagramPeopleAt(seed: number, size: number, now: number): { username: string; inbound: (from: number) => Interaction[] }[] {
  return onInstagramOf(peopleAt(seed, size, now)).map((person) => ({
    username: instagramUsername(person),
    inbound: (from: number) => {
      const out: Interaction[] = [];
      interactionsOf(person.tenure, person.identity, from, now, out);
      return out.filter((i) => i.direction === 'inbound');
    },
  }));
}

function onInstagramOf(people: readonly Person[]): Person[] {
  return people.filter((p) => unit(p.tenure.key, Salt.onInstagram) < ON_INSTAGRAM);
}

function instagramExport(seed: number, people: readonly Person[], now: number): DemoExport {
  const onInstagram = onInstagramOf(people);
  const record = (username: string, at: number): unknown => ({
    title: '',
    media_list_data: [],
    string_list_data: [{ href: `https://www.instagram.com/${username}`, value: username, timestamp: seconds(at) }],
  });
  const followers: unknown[] = [];
  const following: unknown[] = [];
  const likes: unknown[] = [];
  const comments: unknown[] = [];
  for (const person of onInstagram) {
    const username = instagramUsername(person);
    const { youFollow, theyFollow } = person.tenure;
    if (theyFollow !== null && theyFollow.from <= now && now < theyFollow.to) followers.push(record(username, theyFollow.from));
    if (youFollow !== null && youFollow.from <= now && now < youFollow.to) following.push(record(username, youFollow.from));
    for (const i of activityOf(person, now, ACTIVITY_DAYS)) {
      if (i.direction !== 'outbound') continue;
      const at = seconds(Date.parse(i.at));
      if (i.kind === 'like') {
        likes.push({ title: username, string_list_data: [{ href: `https://www.instagram.com/p/${shortcode(i.id)}/`, value: '👍', timestamp: at }] });
      } else if (i.kind === 'reply') {
        comments.push({ media_list_data: [{ uri: '' }], string_map_data: { Comment: { value: i.text ?? '' }, 'Media Owner': { value: username }, Time: { timestamp: at } } });
      }
    }
  }
  // Newest first, as Instagram lists them.
  const byTime = (get: (r: unknown) => number) => (a: unknown, b: unknown) => get(b) - get(a);
  const listTime = (r: unknown): number => (r as { string_list_data: { timestamp: number }[] }).string_list_data[0]?.timestamp ?? 0;
  const commentTime = (r: unknown): number => (r as { string_map_data: { Time: { timestamp: number } } }).string_map_data.Time.timestamp;
  const base = 'connections/followers_and_following';
  return {
    network: 'instagram',
    name: `instagram-${DEMO_INSTAGRAM_OWNER}-${day(now)}-${suffixOf(seed, 1, Math.floor(now / DAY_MS))}`,
    files: {
      [`${base}/followers_1.json`]: metaJson(followers.sort(byTime(listTime))),
      [`${base}/following.json`]: metaJson({ relationships_following: following.sort(byTime(listTime)) }),
      'your_instagram_activity/likes/liked_posts.json': metaJson({ likes_media_likes: likes.sort(byTime(listTime)) }),
      'your_instagram_activity/comments/post_comments_1.json': metaJson(comments.sort(byTime(commentTime))),
      'personal_information/personal_information/personal_information.json': metaJson({
        profile_user: [{ string_map_data: { Username: { href: '', value: DEMO_INSTAGRAM_OWNER, timestamp: 0 }, Name: { href: '', value: 'You (demo) ☀', timestamp: 0 } } }],
      }),
    },
  };
}

/** Notification lines Facebook writes for someone engaging with the owner (English interface). */
const NOTIFICATION_TEXT: Readonly<Partial<Record<Interaction['kind'], (name: string) => string>>> = {
  reply: (name) => `${name} commented on your post.`,
  like: (name) => `${name} reacted to your post.`,
  repost: (name) => `${name} shared your post.`,
  mention: (name) => `${name} mentioned you in a comment.`,
};

function facebookExport(seed: number, people: readonly Person[], now: number): DemoExport {
  const onFacebook = people.filter((p) => unit(p.tenure.key, Salt.onFacebook) < ON_FACEBOOK);
  const names = new Map<Person, string>(onFacebook.map((p) => [p, facebookName(p)]));
  const friendRecords: { name: string; timestamp: number }[] = [];
  const followerRecords: unknown[] = [];
  const followingRecords: { name: string; timestamp: number }[] = [];
  const comments: unknown[] = [];
  const reactions: unknown[] = [];
  const notifications: { timestamp: number; unread: boolean; href: string; text: string }[] = [];
  for (const person of onFacebook) {
    const name = names.get(person) as string;
    const relation = relationAt(person.tenure, now);
    const { youFollow, theyFollow } = person.tenure;
    if (relation === 'mutual') friendRecords.push({ name, timestamp: seconds(Math.max(youFollow?.from ?? 0, theyFollow?.from ?? 0)) });
    else if (relation === 'follower' && theyFollow !== null) followerRecords.push({ title: '', media_list_data: [], string_list_data: [{ value: name, timestamp: seconds(theyFollow.from) }] });
    else if (relation === 'following' && youFollow !== null) followingRecords.push({ name, timestamp: seconds(youFollow.from) });
    for (const i of activityOf(person, now, ACTIVITY_DAYS)) {
      const atMs = Date.parse(i.at);
      const at = seconds(atMs);
      if (i.direction === 'outbound') {
        if (i.kind === 'reply') {
          comments.push({ timestamp: at, data: [{ comment: { timestamp: at, comment: i.text ?? '', author: DEMO_FACEBOOK_OWNER } }], title: `${DEMO_FACEBOOK_OWNER} commented on ${name}'s post.` });
        } else if (i.kind === 'like') {
          reactions.push({ timestamp: at, data: [{ reaction: { reaction: 'LIKE', actor: DEMO_FACEBOOK_OWNER } }], title: `${DEMO_FACEBOOK_OWNER} likes ${name}'s post.` });
        }
        continue;
      }
      const text = NOTIFICATION_TEXT[i.kind];
      if (text === undefined || atMs <= now - NOTIFICATION_DAYS * DAY_MS) continue;
      const post = hash(person.tenure.key, at) % 1_000_000;
      notifications.push({ timestamp: at, unread: now - atMs < 2 * DAY_MS, href: `https://www.facebook.com/alex.demo.example/posts/${post}`, text: text(name) });
    }
  }
  // Two friends who are on Facebook only, with one name: every notification naming it is ambiguous.
  for (const twin of FACEBOOK_HOMONYMS) {
    if (twin.since > now) continue;
    friendRecords.push({ name: DEMO_FACEBOOK_HOMONYM, timestamp: seconds(twin.since) });
    const firstDay = Math.floor((now - NOTIFICATION_DAYS * DAY_MS) / DAY_MS);
    for (let d = firstDay; d <= Math.floor(now / DAY_MS); d++) {
      const count = poisson(TWIN_PER_DAY, unit(seed, twin.key, d));
      for (let n = 0; n < count; n++) {
        const atMs = d * DAY_MS + Math.floor(unit(seed, twin.key, d, n, Salt.time) * 86_400) * 1000;
        if (atMs > now || atMs <= now - NOTIFICATION_DAYS * DAY_MS) continue;
        const text = unit(seed, twin.key, d, n, Salt.kind) < 0.5 ? `${DEMO_FACEBOOK_HOMONYM} commented on your post.` : `${DEMO_FACEBOOK_HOMONYM} reacted to your post.`;
        notifications.push({ timestamp: seconds(atMs), unread: now - atMs < 2 * DAY_MS, href: `https://www.facebook.com/alex.demo.example/posts/${hash(twin.key, d, n) % 1_000_000}`, text });
      }
    }
  }
  const newestFirst = <T extends { timestamp: number }>(a: T, b: T): number => b.timestamp - a.timestamp;
  const followerTime = (r: unknown): number => (r as { string_list_data: { timestamp: number }[] }).string_list_data[0]?.timestamp ?? 0;
  return {
    network: 'facebook',
    name: `facebook-alexdemo-${day(now)}-${suffixOf(seed, 2, Math.floor(now / DAY_MS))}`,
    files: {
      'connections/friends/your_friends.json': metaJson({ friends_v2: friendRecords.sort(newestFirst) }),
      'connections/followers/people_who_followed_you_1.json': metaJson(followerRecords.sort((a, b) => followerTime(b) - followerTime(a))),
      "connections/followers/who_you've_followed.json": metaJson({ following_v3: followingRecords.sort(newestFirst) }),
      'your_facebook_activity/comments_and_reactions/comments.json': metaJson({ comments_v2: (comments as { timestamp: number }[]).sort(newestFirst) }),
      'your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json': metaJson((reactions as { timestamp: number }[]).sort(newestFirst)),
      'logged_information/notifications/notifications.json': metaJson({ notifications_v2: notifications.sort(newestFirst) }),
      'personal_information/profile_information/profile_information.json': metaJson({
        profile_v2: {
          name: { full_name: DEMO_FACEBOOK_OWNER, first_name: 'Alex', middle_name: '', last_name: 'Demo' },
          profile_uri: 'https://www.facebook.com/alex.demo.example',
        },
      }),
    },
  };
}

/** The demo's Instagram and Facebook exports at `now` (pure: the same seed and instant give the same bytes). */
export function demoExports(options: DemoExportsOptions): DemoExport[] {
  const now = options.now.getTime();
  const seed = seedKey(options.seed);
  const people = peopleAt(seed, options.size ?? DEMO_DEFAULT_SIZE, now);
  return [instagramExport(seed, people, now), facebookExport(seed, people, now)];
}

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes the demo's exports for `now` under `root` (`<root>/instagram/<name>/`, `<root>/facebook/<name>/`),
 * unless that day's export is already there. Written under a hidden name and renamed into place (a run
 * never reads half an export); folders 0700, files 0600; each export folder's mtime is `now`, when it was
 * filed. Returns the folder of each network's exports (what the demo sources read).
 */
export async function writeDemoExports(root: string, options: DemoExportsOptions): Promise<Record<DemoExportNetwork, string>> {
  const folders: Record<DemoExportNetwork, string> = { instagram: join(root, 'instagram'), facebook: join(root, 'facebook') };
  await privateDir(root);
  for (const dir of Object.values(folders)) await privateDir(dir);
  for (const generated of demoExports(options)) {
    const dir = folders[generated.network];
    const target = join(dir, generated.name);
    if (await exists(target)) continue;
    const temp = join(dir, `.writing-${randomBytes(6).toString('hex')}`);
    try {
      await privateDir(temp);
      for (const [path, content] of Object.entries(generated.files)) {
        const file = join(temp, path);
        await privateDir(dirname(file));
        await writeFile(file, content, { mode: 0o600, flag: 'wx' });
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      if (await exists(target)) continue; // another run wrote the same export first
      throw err;
    }
    const when = options.now;
    await utimes(target, when, when);
  }
  return folders;
}
