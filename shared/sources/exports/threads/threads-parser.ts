/**
 * Threads inside Meta's "Download your information" export (NETWORK-EXPORTS.md
 * §3.1): the `threads/` folder (`your_instagram_activity/threads/` in a current
 * Instagram export; users also upload the folder alone).
 *
 *  - `followers.json` (or `followers_1..N.json`) `{"text_post_app_text_post_app_followers":[…]}`,
 *    `following.json` `{"text_post_app_text_post_app_following":[…]}`: `value` = username,
 *    `title` = display name (may be empty or mojibake), href `threads.com/<user>` (older `threads.net`).
 *    Era `threads-2023`; `label_values` records (the 2026 drift of Meta's serialiser) give `threads-2026`.
 *  - `liked_threads.json` `{"text_post_app_media_likes":[{title: author, string_list_data:[{href: post, timestamp}]}]}`
 *    -> outbound `like`.
 *
 * `threads_and_replies.json` is not read: a reply there carries no parent post
 * or author. Threads exports hold nothing received (no inbound likes or replies).
 * `exportedAt`, the date-range check and the owner work as for Instagram.
 */
import { htmlExportMessage, looksLikeHtmlExport, naturalCompare } from '../archive.ts';
import { checkDateRange, dateRangeProblem } from '../date-range-skew.ts';
import { ExportError, type ExportFiles, type ExportInteraction, type ExportList, type ExportParser, type ExportPerson, type ExportSnapshot } from '../export-types.ts';
import { checkedSnapshot, fromUnixSeconds, latest, newestTie } from '../export-util.ts';
import { exportedAt, isBareThreadsFolder, namedExport, readMetaJson } from '../instagram/meta-files.ts';
import { parseRecords, recordsOf, usernameFromHref, usernameLabel, usernameShaped } from '../instagram/meta-records.ts';
import { ownerUsername } from '../instagram/owner.ts';
import { allRecords, buildList, loadListFiles } from '../instagram/relationship-lists.ts';

export const threadsProfileUrl = (username: string): string => `https://www.threads.com/@${username}`;

/** The Threads entries, with the part of their path that locates them inside the folder. */
function threadsEntries(paths: readonly string[]): { path: string; inner: string }[] {
  const nested = paths.flatMap((path) => {
    const match = /(?:^|\/)threads\/(.+)$/i.exec(path);
    return match?.[1] === undefined ? [] : [{ path, inner: match[1].toLowerCase() }];
  });
  if (nested.length > 0) return nested;
  return isBareThreadsFolder(paths) ? paths.filter((p) => !p.includes('/')).map((path) => ({ path, inner: path.toLowerCase() })) : [];
}

function recognises(files: ExportFiles): boolean {
  return threadsEntries(files.paths()).some((e) => /^(followers(_\d+)?|following(_\d+)?|liked_threads|threads_and_replies)\.(json|html)$/.test(e.inner));
}

const threadsWrapper = (key: string): boolean => key.startsWith('text_post_app_');

const person = (username: string): ExportPerson => ({ handle: username, profileUrl: threadsProfileUrl(username) });

async function parse(files: ExportFiles): Promise<ExportSnapshot> {
  const entries = threadsEntries(files.paths());
  const pick = (pattern: RegExp): string[] =>
    entries
      .filter((e) => pattern.test(e.inner))
      .map((e) => e.path)
      .sort(naturalCompare);
  const followerPaths = pick(/^followers(_\d+)?\.json$/);
  const followingPaths = pick(/^following(_\d+)?\.json$/);
  const likedPaths = pick(/^liked_threads(_\d+)?\.json$/);
  const infoPaths = pick(/^personal_information\.json$/);

  if (followerPaths.length + followingPaths.length + likedPaths.length === 0) {
    if (looksLikeHtmlExport(entries.map((e) => e.path))) throw new ExportError(htmlExportMessage(files.label, 'threads'));
    throw new ExportError(
      `${files.label} holds no Threads followers, following or likes (JSON, in a threads/ folder). ` +
        `In Instagram: Accounts Center → Your information and permissions → Download your information → Format: JSON, Date range: All time`,
    );
  }

  const warnings: string[] = [];
  const filesRead: string[] = [];
  const followerFiles = await loadListFiles(files, followerPaths, threadsWrapper);
  const followingFiles = await loadListFiles(files, followingPaths, threadsWrapper);
  filesRead.push(...followerPaths, ...followingPaths);
  const label = usernameLabel(allRecords(followerFiles, followingFiles));
  let era = 'threads-2023';
  let followers: ExportList | null = null;
  let following: ExportList | null = null;
  if (followerPaths.length > 0) {
    const built = buildList(followerFiles, 'Threads followers', { title: 'displayName', label, profileUrl: threadsProfileUrl });
    followers = built.list;
    if (built.via.has('label')) era = 'threads-2026';
  }
  if (followingPaths.length > 0) {
    const built = buildList(followingFiles, 'Threads following', { title: 'displayName', label, profileUrl: threadsProfileUrl });
    following = built.list;
    if (built.via.has('label')) era = 'threads-2026';
  }

  // Likes: `title` = the post's author, href = the post (`threads.com/@author/post/…`).
  const interactions: ExportInteraction[] = [];
  let newestLike: number | undefined;
  for (const path of likedPaths) {
    filesRead.push(path);
    const raw = recordsOf(await readMetaJson(files, path), threadsWrapper);
    if (raw === null) {
      warnings.push(`${path} is not in a format followback knows; skipped.`);
      continue;
    }
    const { records, invalid } = parseRecords(raw);
    const likeLabel = usernameLabel(records);
    let unreadable = invalid;
    for (const record of records) {
      const item = record.string_list_data?.[0];
      const href = item?.href ?? record.href;
      const labelled = likeLabel === null ? undefined : record.label_values?.find((p) => p.label === likeLabel)?.value?.trim();
      const author = [record.title?.trim(), labelled, authorFromPostUrl(href)].find(usernameShaped);
      const at = fromUnixSeconds(item?.timestamp ?? record.timestamp);
      if (author === undefined || at === undefined) {
        unreadable += 1;
        continue;
      }
      const postUrl = href !== undefined && href !== '' && usernameFromHref(href) === undefined ? { postUrl: href } : {};
      interactions.push({ kind: 'like', direction: 'outbound', at, person: person(author), ...postUrl });
      newestLike = Math.max(newestLike ?? 0, Date.parse(at));
    }
    if (unreadable > 0) warnings.push(`${unreadable} of the ${records.length + invalid} records in ${path} could not be read; skipped.`);
  }

  const named = namedExport(files);
  const username = await ownerUsername(files, infoPaths, named, filesRead);
  const owner = username === undefined ? undefined : person(username);

  followers = checkDateRange(followers, following, (skew) => dateRangeProblem('Threads', skew));

  return checkedSnapshot(files.label, {
    network: 'threads',
    exportedAt: exportedAt(files.label, named, latest(newestTie(followers), newestTie(following), newestLike), warnings),
    era,
    filesRead,
    ...(owner !== undefined ? { owner } : {}),
    followers,
    following,
    mutuals: null,
    interactions,
    warnings,
  });
}

/** `https://www.threads.com/@river.otter/post/DAbC…` -> `river.otter`. */
function authorFromPostUrl(href: string | undefined): string | undefined {
  if (href === undefined) return undefined;
  const match = /^https?:\/\/(?:www\.)?threads\.(?:net|com)\/@([A-Za-z0-9._]{1,30})\/post\//i.exec(href);
  return match?.[1];
}

export const threadsParser: ExportParser = { network: 'threads', recognises, parse };
