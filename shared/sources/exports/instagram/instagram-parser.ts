/**
 * Instagram's "Download your information" export, JSON format, every era
 * (NETWORK-EXPORTS.md §2):
 *
 *  - `instagram-2020`: `connections.json` (`{"followers":{"<user>":"<ISO date>"},"following":{…}}`),
 *    `likes.json` (`media_likes`/`comment_likes`: `[date, user]`), `comments.json` (`media_comments`: `[date, text, user]`);
 *  - `instagram-2021`: `followers_and_following/followers.json` (`relationships_followers`) and
 *    `following.json` (`relationships_following`), activity at the root (`likes/liked_posts.json`, `comments/post_comments.json`);
 *  - `instagram-2022`: `connections/followers_and_following/followers_1..N.json` (bare arrays, merged in part order),
 *    activity under `your_instagram_activity/` (`comments/post_comments_1.json` with `string_map_data`);
 *  - `instagram-2025`: `following.json` with the username in `title` and `/_u/` in the href (no `value`);
 *  - `instagram-2026`: `label_values` records with localized labels, single records without an array.
 *
 * Instagram exports hold NO inbound likes or comments: the interactions are
 * the owner's own (outbound) likes, comments and story likes.
 *
 * `exportedAt` is the date in the export's name (its wrapper folder, or the
 * ZIP's `instagram-<user>-YYYY-MM-DD-…` name), moved to a record of that same
 * day if one is later; without a dated name, the newest record in any list or
 * activity file. A warning says which.
 *
 * A date-limited export (followers cut, following whole) is detected by the
 * lists' oldest follow times and leaves `followers.complete = false`.
 */
import { z } from 'zod';
import { findAll, htmlExportMessage, looksLikeHtmlExport } from '../archive.ts';
import { checkDateRange, dateRangeProblem } from '../date-range-skew.ts';
import { ExportError, type ExportFiles, type ExportInteraction, type ExportList, type ExportParser, type ExportPerson, type ExportSnapshot } from '../export-types.ts';
import { checkedSnapshot, fromUnixSeconds, latest, newestTie } from '../export-util.ts';
import { exportedAt, fromIsoText, isBareThreadsFolder, namedExport, readMetaJson } from './meta-files.ts';
import { mapField, mapTimestamp, parseRecords, recordsOf, usernameFromHref, usernameLabel, usernameShaped, type MetaRecord } from './meta-records.ts';
import { ownerUsername } from './owner.ts';
import { allRecords, buildList, loadListFiles, type BuiltList } from './relationship-lists.ts';

export const instagramProfileUrl = (username: string): string => `https://www.instagram.com/${username}`;

/** Paths under a `threads/` folder are Threads', never Instagram's. */
const THREADS = /(^|\/)threads\//;

const P = {
  followers: /(^|\/)followers_and_following\/followers(_\d+)?\.json$|^followers_\d+\.json$/,
  following: /(^|\/)followers_and_following\/following(_\d+)?\.json$|^following_\d+\.json$/,
  // The ≤2020 files sit at the export's root (generic names: not looked for deeper).
  connections2020: /^connections\.json$/,
  likes2020: /^likes\.json$/,
  comments2020: /^comments\.json$/,
  likedPosts: /(^|\/)likes\/liked_posts(_\d+)?\.json$/,
  likedComments: /(^|\/)likes\/liked_comments(_\d+)?\.json$/,
  postComments: /(^|\/)comments\/(post_comments|reels_comments)(_\d+)?\.json$/,
  storyLikes: /(^|\/)(story_interactions\/|story_sticker_interactions\/)?story_likes(_\d+)?\.json$/,
  personalInfo: /(^|\/)(account_information|personal_information)\/(personal_information\/)?personal_information\.json$/,
  profile2020: /^profile\.json$/,
} as const;

/** Folders and files only an Instagram export has (JSON or HTML). */
const MARKERS = [
  /(^|\/)followers_and_following\//,
  /^connections\.json$/,
  /(^|\/)your_instagram_activity\//,
  /(^|\/)likes\/liked_posts\.(json|html)$/,
  /(^|\/)followers_\d+\.(json|html)$/,
];

/** The paths that may be Instagram's: not under `threads/`, and not at the root of a Threads folder uploaded alone. */
function instagramPaths(paths: readonly string[]): string[] {
  const bareThreads = isBareThreadsFolder(paths);
  return paths.filter((p) => !THREADS.test(p.toLowerCase()) && !(bareThreads && !p.includes('/')));
}

function recognises(files: ExportFiles): boolean {
  return instagramPaths(files.paths()).some((p) => MARKERS.some((m) => m.test(p.toLowerCase())));
}

const ERAS = ['instagram-2020', 'instagram-2021', 'instagram-2022', 'instagram-2025', 'instagram-2026'] as const;
type Era = (typeof ERAS)[number];
const later = (a: Era | undefined, b: Era): Era => (a === undefined || ERAS.indexOf(b) > ERAS.indexOf(a) ? b : a);

const relationshipWrapper = (key: string): boolean => key.startsWith('relationships_');

// ≤2020 files.
const Connections2020 = z.object({
  followers: z.record(z.string(), z.string()).optional(),
  following: z.record(z.string(), z.string()).optional(),
});
const Likes2020 = z.object({
  media_likes: z.array(z.array(z.string())).optional(),
  comment_likes: z.array(z.array(z.string())).optional(),
});
const Comments2020 = z.object({
  media_comments: z.array(z.array(z.string())).optional(),
  live_comments: z.array(z.array(z.string())).optional(),
});

interface Collected {
  interactions: ExportInteraction[];
  warnings: string[];
  newestMs: number | undefined;
}

const person = (username: string): ExportPerson => ({ handle: username, profileUrl: instagramProfileUrl(username) });

function pushInteraction(into: Collected, kind: 'like' | 'reply', username: string, at: string, extra: { postUrl?: string; text?: string } = {}): void {
  into.interactions.push({ kind, direction: 'outbound', at, person: person(username), ...extra });
  into.newestMs = Math.max(into.newestMs ?? 0, Date.parse(at));
}

function list2020(map: Record<string, string> | undefined): ExportList | null {
  if (map === undefined) return null;
  const ties = Object.entries(map)
    .map(([username, date]) => [username.trim(), date] as const)
    .filter(([username]) => usernameShaped(username))
    .map(([username, date]) => {
      const since = fromIsoText(date);
      return since === undefined ? { person: person(username) } : { person: person(username), since };
    });
  const unreadable = Object.keys(map).length - ties.length;
  return unreadable === 0
    ? { ties, complete: true }
    : { ties, complete: false, problem: `${unreadable} entries of connections.json could not be read. Nothing is concluded from this list.` };
}

async function readActivityRecords(files: ExportFiles, path: string, into: Collected): Promise<MetaRecord[]> {
  const raw = recordsOf(await readMetaJson(files, path), (key) => /^(likes_|comments_|story_activities_)/.test(key));
  if (raw === null) {
    into.warnings.push(`${path} is not in a format followback knows; skipped.`);
    return [];
  }
  const { records, invalid } = parseRecords(raw);
  if (invalid > 0) into.warnings.push(`${invalid} records in ${path} could not be read; skipped.`);
  return records;
}

/** Likes (posts, comments, stories): `title` = whose post, `string_list_data[0]` = link and time. */
async function readLikes(files: ExportFiles, path: string, into: Collected): Promise<void> {
  const records = await readActivityRecords(files, path, into);
  const label = usernameLabel(records);
  let unreadable = 0;
  for (const record of records) {
    const item = record.string_list_data?.[0];
    const labelled = label === null ? undefined : record.label_values?.find((p) => p.label === label)?.value?.trim();
    const username = [record.title?.trim(), labelled].find(usernameShaped);
    const at = fromUnixSeconds(item?.timestamp ?? record.timestamp);
    if (username === undefined || at === undefined) {
      unreadable += 1;
      continue;
    }
    const href = item?.href ?? record.href;
    pushInteraction(into, 'like', username, at, href !== undefined && href !== '' && usernameFromHref(href) === undefined ? { postUrl: href } : {});
  }
  if (unreadable > 0) into.warnings.push(`${unreadable} of the ${records.length} records in ${path} could not be read; skipped.`);
}

/** Comments: 2022+ `string_map_data` (`Media Owner`, `Comment`, `Time`); 2021 `title` = media owner, `value` = the comment. */
async function readComments(files: ExportFiles, path: string, into: Collected): Promise<void> {
  const records = await readActivityRecords(files, path, into);
  let unreadable = 0;
  for (const record of records) {
    let username: string | undefined;
    let text: string | undefined;
    let at: string | undefined;
    if (record.string_map_data !== undefined) {
      username = mapField(record, 'media owner')?.value?.trim();
      text = mapField(record, 'comment')?.value;
      at = fromUnixSeconds(mapTimestamp(record));
    } else {
      const item = record.string_list_data?.[0];
      username = record.title?.trim();
      text = item?.value;
      at = fromUnixSeconds(item?.timestamp ?? record.timestamp);
    }
    if (!usernameShaped(username) || at === undefined) {
      unreadable += 1;
      continue;
    }
    pushInteraction(into, 'reply', username, at, text !== undefined && text !== '' ? { text } : {});
  }
  if (unreadable > 0) into.warnings.push(`${unreadable} of the ${records.length} records in ${path} could not be read; skipped.`);
}

async function read2020Activity(files: ExportFiles, likesPaths: readonly string[], commentsPaths: readonly string[], into: Collected): Promise<void> {
  for (const path of likesPaths) {
    const parsed = Likes2020.safeParse(await readMetaJson(files, path));
    if (!parsed.success) {
      into.warnings.push(`${path} is not in a format followback knows; skipped.`);
      continue;
    }
    let unreadable = 0;
    for (const entry of [...(parsed.data.media_likes ?? []), ...(parsed.data.comment_likes ?? [])]) {
      const at = fromIsoText(entry[0] ?? '');
      const username = entry[1]?.trim();
      if (at === undefined || !usernameShaped(username)) unreadable += 1;
      else pushInteraction(into, 'like', username, at);
    }
    if (unreadable > 0) into.warnings.push(`${unreadable} likes in ${path} could not be read; skipped.`);
  }
  for (const path of commentsPaths) {
    const parsed = Comments2020.safeParse(await readMetaJson(files, path));
    if (!parsed.success) {
      into.warnings.push(`${path} is not in a format followback knows; skipped.`);
      continue;
    }
    let unreadable = 0;
    for (const entry of [...(parsed.data.media_comments ?? []), ...(parsed.data.live_comments ?? [])]) {
      const at = fromIsoText(entry[0] ?? '');
      const text = entry[1];
      const username = entry[2]?.trim();
      if (at === undefined || !usernameShaped(username)) unreadable += 1;
      else pushInteraction(into, 'reply', username, at, text !== undefined && text !== '' ? { text } : {});
    }
    if (unreadable > 0) into.warnings.push(`${unreadable} comments in ${path} could not be read; skipped.`);
  }
}

async function parse(files: ExportFiles): Promise<ExportSnapshot> {
  const all = instagramPaths(files.paths());
  const pick = (pattern: RegExp): string[] => findAll(all, pattern);

  const followerPaths = pick(P.followers);
  const followingPaths = pick(P.following);
  const connectionsPaths = pick(P.connections2020);
  const likes2020 = pick(P.likes2020);
  const comments2020 = pick(P.comments2020);
  const likedPaths = [...pick(P.likedPosts), ...pick(P.likedComments)];
  const commentPaths = pick(P.postComments);
  const storyLikePaths = pick(P.storyLikes);
  const infoPaths = [...pick(P.personalInfo), ...pick(P.profile2020)];
  const known = [followerPaths, followingPaths, connectionsPaths, likes2020, comments2020, likedPaths, commentPaths, storyLikePaths].flat();

  if (known.length === 0) {
    if (looksLikeHtmlExport(all)) throw new ExportError(htmlExportMessage(files.label, 'instagram'));
    throw new ExportError(
      `${files.label} holds no Instagram followers, following or activity files (JSON). ` +
        `In Instagram: Accounts Center → Your information and permissions → Download your information → Format: JSON, Date range: All time`,
    );
  }

  const warnings: string[] = [];
  const filesRead: string[] = [];
  let era: Era | undefined;

  // Follow lists.
  let followers: ExportList | null = null;
  let following: ExportList | null = null;
  for (const path of connectionsPaths) {
    const parsed = Connections2020.safeParse(await readMetaJson(files, path));
    filesRead.push(path);
    if (!parsed.success) {
      warnings.push(`${path} is not in a format followback knows; skipped.`);
      continue;
    }
    followers = list2020(parsed.data.followers) ?? followers;
    following = list2020(parsed.data.following) ?? following;
    era = later(era, 'instagram-2020');
  }

  const followerFiles = await loadListFiles(files, followerPaths, relationshipWrapper);
  const followingFiles = await loadListFiles(files, followingPaths, relationshipWrapper);
  filesRead.push(...followerPaths, ...followingPaths);
  const label = usernameLabel(allRecords(followerFiles, followingFiles));
  const build = (loaded: typeof followerFiles, what: string): BuiltList =>
    buildList(loaded, what, { title: 'username', label, profileUrl: instagramProfileUrl });
  if (followerPaths.length > 0) {
    const built = build(followerFiles, 'Instagram followers');
    followers = built.list;
    era = later(era, followerPaths.some((p) => /_\d+\.json$/i.test(p)) ? 'instagram-2022' : 'instagram-2021');
    if (built.via.has('label')) era = later(era, 'instagram-2026');
  }
  if (followingPaths.length > 0) {
    const built = build(followingFiles, 'Instagram following');
    following = built.list;
    era = later(era, all.some((p) => /(^|\/)connections\/followers_and_following\//i.test(p)) ? 'instagram-2022' : 'instagram-2021');
    if (built.via.has('title') || built.via.has('href')) era = later(era, 'instagram-2025');
    if (built.via.has('label')) era = later(era, 'instagram-2026');
  }

  // Outbound activity.
  const activity: Collected = { interactions: [], warnings, newestMs: undefined };
  await read2020Activity(files, likes2020, comments2020, activity);
  for (const path of [...likedPaths, ...storyLikePaths]) await readLikes(files, path, activity);
  for (const path of commentPaths) await readComments(files, path, activity);
  filesRead.push(...likes2020, ...comments2020, ...likedPaths, ...storyLikePaths, ...commentPaths);
  if (era === undefined) {
    if (likes2020.length + comments2020.length > 0) era = 'instagram-2020';
    else era = all.some((p) => /(^|\/)your_instagram_activity\//i.test(p)) ? 'instagram-2022' : 'instagram-2021';
  }

  // The owner.
  const named = namedExport(files);
  const username = await ownerUsername(files, infoPaths, named, filesRead);
  const owner = username === undefined ? undefined : person(username);

  // The date-range trap.
  followers = checkDateRange(followers, following, (skew) => dateRangeProblem('Instagram', skew));

  return checkedSnapshot(files.label, {
    network: 'instagram',
    exportedAt: exportedAt(files.label, named, latest(newestTie(followers), newestTie(following), activity.newestMs), warnings),
    era,
    filesRead,
    ...(owner !== undefined ? { owner } : {}),
    followers,
    following,
    mutuals: null,
    interactions: activity.interactions,
    warnings,
  });
}

export const instagramParser: ExportParser = { network: 'instagram', recognises, parse };
