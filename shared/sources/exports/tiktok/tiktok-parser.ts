/**
 * TikTok "Download your data" (JSON), NETWORK-EXPORTS.md §7.1: one file,
 * `user_data_tiktok.json` (older `user_data.json`; a browser copy
 * `user_data_tiktok (1).json` too). Sections by era:
 *  - tiktok-2020 (2020–2023): `Activity` → `Follower List` → `FansList`, `Following List` → `Following`,
 *    `Like List` → `ItemFavoriteList`; profile in `Profile` → `Profile Information` → `ProfileMap`;
 *  - tiktok-2024: `Your Activity` → `Follower` → `FansList`, `Following` → `Following`;
 *  - tiktok-2025 (2025/26): `Profile And Settings` → `Follower` / `Following` / `Profile Info`,
 *    likes in `Likes and Favorites` → `Like List`.
 * Comments: `Comment` → `Comments` → `CommentsList` in every era.
 * Section keys are matched ignoring case, spaces and underscores; an empty
 * section (`null`, `[]`, `{}`) is an empty list.
 *
 * Records: `{ UserName, Date: "YYYY-MM-DD HH:MM:SS" }` (UTC; a " UTC" suffix
 * tolerated) → ties `{ handle }` (lower-cased) since that instant. The owner's
 * likes (`{ date, link }`) and comments (`{ date, comment, originalPostUrl }`,
 * lowercase keys) become outbound likes / replies only when the link names the
 * author (`tiktok.com/@user/video/…`); the rest are counted in `warnings`.
 * TikTok writes real UTF-8: no mojibake repair. Owner: `ProfileMap.userName`.
 * `exportedAt`: the file names no date of its own, so the newest record read
 * (a follower, a follow, a like, a comment); a date in the export's name wins when later.
 * The TXT variant (`Follower.txt`, `Following.txt`) is refused with the JSON steps.
 */
import { z } from 'zod';
import { ExportError, type ExportFiles, type ExportInteraction, type ExportList, type ExportParser, type ExportPerson, type ExportSnapshot, type ExportTie } from '../export-types.ts';
import { checkedSnapshot, dateInExportName, isMacJunk, readJsonEntry } from '../export-util.ts';

const USER_DATA = /(^|\/)user_data(_tiktok)?(\s*\(\d+\)|[_-]\d+)?\.json$/i;
const TXT_LISTS = /(^|\/)(follower|following|follower list|following list)(_\d+)?\.txt$/i;

export const TIKTOK_JSON_STEPS =
  'Request it again as JSON: TikTok → Profile → ☰ → Settings and privacy → Account → Download your data → "All data" → File format: JSON → Request data.';

type Json = unknown;
type JsonObject = Record<string, unknown>;
const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const norm = (key: string): string => key.toLowerCase().replace(/[\s_\-:]+/g, '');

function child(obj: Json, ...names: string[]): Json {
  if (!isObject(obj)) return undefined;
  const wanted = new Set(names.map(norm));
  for (const [key, value] of Object.entries(obj)) if (wanted.has(norm(key))) return value;
  return undefined;
}

/** A section's list: the array under one of `inner`, or the only array inside; null/[]/{} are empty; undefined when unrecognisable. */
function listIn(section: Json, inner: readonly string[]): unknown[] | undefined {
  if (section === null || Array.isArray(section)) return section ?? [];
  if (!isObject(section)) return undefined;
  const named = child(section, ...inner);
  if (named !== undefined) return named === null ? [] : Array.isArray(named) ? named : undefined;
  const arrays = Object.values(section).filter((v): v is unknown[] => Array.isArray(v));
  if (arrays.length === 1) return arrays[0];
  return arrays.length === 0 && !Object.values(section).some(isObject) ? [] : undefined;
}

/** `2024-03-01 08:15:00` or `… UTC` (UTC wall-clock) → ISO. */
export function parseTikTokDate(raw: string | undefined): string | undefined {
  const m = raw === undefined ? null : /^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s*UTC|Z)?\s*$/.exec(raw);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCDate() === d ? date.toISOString() : undefined;
}

/** Field values of a record, keys matched ignoring case. */
const Record_ = z.record(z.string(), z.unknown());
function field(record: Record<string, unknown>, ...names: string[]): string | undefined {
  const value = child(record, ...names);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function cleanHandle(raw: string | undefined): string | undefined {
  const handle = raw
    ?.normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu, '')
    .trim()
    .replace(/^@+/, '')
    .toLowerCase();
  return handle === undefined || handle === '' ? undefined : handle;
}

function personOf(handle: string): ExportPerson {
  return /^[\p{L}\p{N}_.]{1,64}$/u.test(handle) ? { handle, profileUrl: `https://www.tiktok.com/@${encodeURIComponent(handle)}` } : { handle };
}

/** The author in `https://www.tiktok.com/@bob_22/video/7300…`. */
function authorIn(link: string | undefined): string | undefined {
  const m = link === undefined ? null : /tiktok\.com\/@([\p{L}\p{N}_.]{1,64})\/(?:video|photo)\//iu.exec(link);
  return cleanHandle(m?.[1]);
}

interface Era {
  era: string;
  section: string;
  followers: readonly string[];
  following: readonly string[];
}
const ERAS: readonly Era[] = [
  { era: 'tiktok-2025', section: 'Profile And Settings', followers: ['Follower', 'Follower List', 'Fans'], following: ['Following', 'Following List'] },
  { era: 'tiktok-2024', section: 'Your Activity', followers: ['Follower', 'Follower List', 'Fans'], following: ['Following', 'Following List'] },
  { era: 'tiktok-2020', section: 'Activity', followers: ['Follower List', 'Follower', 'Fans'], following: ['Following List', 'Following'] },
];
const FOLLOWER_INNER = ['FansList', 'Fans', 'FollowerList', 'Followers', 'List'];
const FOLLOWING_INNER = ['Following', 'FollowingList', 'Followings', 'List'];

export const tiktokParser: ExportParser = {
  network: 'tiktok',

  recognises(files: ExportFiles): boolean {
    return files.paths().some((p) => !isMacJunk(p) && (USER_DATA.test(p) || (/tiktok/i.test(files.label) && TXT_LISTS.test(p))));
  },

  async parse(files: ExportFiles): Promise<ExportSnapshot> {
    const label = files.label;
    const paths = files.paths().filter((p) => !isMacJunk(p));
    const path = paths.filter((p) => USER_DATA.test(p)).sort((a, b) => Number(/_tiktok/i.test(b)) - Number(/_tiktok/i.test(a)) || a.length - b.length)[0];
    if (path === undefined) {
      if (paths.some((p) => TXT_LISTS.test(p))) throw new ExportError(`${label}: a TikTok export in TXT format, which followback does not read. ${TIKTOK_JSON_STEPS}`);
      throw new ExportError(`${label}: holds no user_data_tiktok.json. ${TIKTOK_JSON_STEPS}`);
    }
    const data = await readJsonEntry(files, path, 'download your data again.');
    if (!isObject(data)) throw new ExportError(`${label}: ${path} is not TikTok's data file (its top level is not an object).`);

    const warnings: string[] = [];
    let newest = 0;
    const seen = (at: string | undefined): void => {
      if (at !== undefined) newest = Math.max(newest, Date.parse(at));
    };

    // Which era: the first whose section holds a follower or following list.
    const found = ERAS.map((e) => ({ ...e, value: child(data, e.section) })).find(
      (e) => isObject(e.value) && (child(e.value, ...e.followers) !== undefined || child(e.value, ...e.following) !== undefined),
    );

    const readList = (section: Json, names: readonly string[], inner: readonly string[], word: string): ExportList | null => {
      if (!isObject(section)) return null;
      const holder = child(section, ...names);
      if (holder === undefined) return null;
      const items = listIn(holder, inner);
      if (items === undefined) throw new ExportError(`${label}: ${path} has a ${word} section of an unknown shape.`);
      const ties: ExportTie[] = [];
      const index = new Map<string, number>();
      let unreadable = 0;
      for (const item of items) {
        const record = Record_.safeParse(item);
        const handle = record.success ? cleanHandle(field(record.data, 'UserName', 'Username', 'uniqueId')) : undefined;
        if (!record.success || handle === undefined) {
          unreadable += 1;
          continue;
        }
        const since = parseTikTokDate(field(record.data, 'Date'));
        seen(since);
        const at = index.get(handle);
        if (at !== undefined) {
          const prev = ties[at];
          if (prev !== undefined && prev.since === undefined && since !== undefined) ties[at] = { ...prev, since };
          continue;
        }
        index.set(handle, ties.length);
        ties.push({ person: personOf(handle), ...(since !== undefined ? { since } : {}) });
      }
      if (unreadable > 0) warnings.push(`${unreadable} entries of ${word} without a username were skipped.`);
      return { ties, complete: true };
    };
    const followers = found === undefined ? null : readList(found.value, found.followers, FOLLOWER_INNER, 'followers');
    const following = found === undefined ? null : readList(found.value, found.following, FOLLOWING_INNER, 'following');

    // Owner: ProfileMap.userName in any section's profile part.
    let owner: ExportPerson | undefined;
    for (const section of Object.values(data)) {
      const profile = child(child(section, 'Profile Info', 'Profile Information', 'Profile'), 'ProfileMap');
      const handle = isObject(profile) ? cleanHandle(field(profile, 'userName', 'username')) : undefined;
      if (handle !== undefined) {
        owner = personOf(handle);
        break;
      }
    }

    const interactions: ExportInteraction[] = [];
    // Likes: a video link, the author only when the link names one.
    let likesUnnamed = 0;
    for (const section of Object.values(data)) {
      const likes = listIn(child(section, 'Like List'), ['ItemFavoriteList']);
      for (const item of likes ?? []) {
        const record = Record_.safeParse(item);
        if (!record.success) continue;
        const at = parseTikTokDate(field(record.data, 'date'));
        seen(at);
        const link = field(record.data, 'link', 'VideoLink');
        const author = authorIn(link);
        if (author === undefined || at === undefined || author === owner?.handle) {
          likesUnnamed += 1;
          continue;
        }
        interactions.push({ kind: 'like', direction: 'outbound', at, person: personOf(author), ...(link !== undefined ? { postUrl: link } : {}) });
      }
    }
    // Comments: `originalPostUrl` may name the author.
    let commentsUnnamed = 0;
    const comments = listIn(child(child(data, 'Comment'), 'Comments'), ['CommentsList']);
    for (const item of comments ?? []) {
      const record = Record_.safeParse(item);
      if (!record.success) continue;
      const at = parseTikTokDate(field(record.data, 'date'));
      seen(at);
      const link = field(record.data, 'originalPostUrl', 'url', 'link');
      const author = authorIn(link);
      if (author === undefined || at === undefined || author === owner?.handle) {
        commentsUnnamed += 1;
        continue;
      }
      const text = field(record.data, 'comment');
      interactions.push({ kind: 'reply', direction: 'outbound', at, person: personOf(author), ...(link !== undefined ? { postUrl: link } : {}), ...(text !== undefined && text !== '' ? { text } : {}) });
    }
    if (likesUnnamed > 0) warnings.push(`${likesUnnamed} of your likes not recorded: TikTok's export gives the video link, not its author.`);
    if (commentsUnnamed > 0) warnings.push(`${commentsUnnamed} of your comments not recorded: their post link names no author (or it is your own post).`);
    if (found === undefined) warnings.push(`${path} holds no follower or following list (Profile And Settings, Your Activity or Activity): request "All data".`);

    const exported = Math.max(newest, dateInExportName(files) ?? 0);
    if (exported === 0) throw new ExportError(`${label}: ${path} holds no dated record: it cannot be ordered against other exports.`);

    return checkedSnapshot(label, {
      network: 'tiktok',
      exportedAt: new Date(exported).toISOString(),
      era: found?.era ?? 'tiktok-unknown',
      filesRead: [path],
      ...(owner !== undefined ? { owner } : {}),
      followers,
      following,
      mutuals: null,
      interactions,
      warnings,
    });
  },
};
