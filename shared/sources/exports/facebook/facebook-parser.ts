/**
 * Facebook "Download your information" (JSON), NETWORK-EXPORTS.md §4.1.
 *
 * Eras of the follow-graph files (wrapper keys in brackets):
 *  - facebook-2023: `connections/friends/your_friends.json` [friends_v2],
 *    `connections/followers/people_who_followed_you(_N).json` [followers_v3 | followers_v2,
 *    or bare arrays of Instagram-style `string_list_data` records, parts overlapping],
 *    `connections/followers/who_you've_followed.json` (also `who_you_ve_followed.json`) [following_v3];
 *  - facebook-2020: `friends_and_followers/{friends,followers,following}.json` [friends_v2, followers_v2, following_v2];
 *  - facebook-2018: `friends/friends.json` [friends], `following_and_followers/{followers,following}.json` [followers, following].
 *
 * People are display names only (no ids): friends → `mutuals`, followers →
 * `followers`, who you follow → `following`, each `{ displayName }` with the
 * unix-seconds date where the file has one. Duplicates across parts (same name,
 * same date) are merged; homonyms with different dates stay apart.
 *
 * Activity: the owner's comments (`…/comments_and_reactions/comments.json`) and
 * reactions (`…/comments_and_reactions/likes_and_reactions(_N).json`) are outbound
 * replies and likes to the person named in the record's free-text title
 * (English and Italian); `logged_information/notifications/notifications.json`
 * (older `about_you/notifications.json`) lines are inbound replies, likes,
 * reposts and mentions by the person named at their start. Lines and titles
 * that name nobody are skipped and counted in `warnings`. Matching a name to a
 * contact is the source's job.
 *
 * Every file is repaired for Meta's mojibake (keys too). The owner comes from
 * `profile_information.json`. `exportedAt`: the date in the export's own name
 * (`facebook-<user>-YYYY-MM-DD-<rand>`, the ZIP or its wrapper folder) or the
 * newest record in the files read, whichever is later. An HTML export is refused.
 */
import { z } from 'zod';
import { htmlExportMessage, looksLikeHtmlExport } from '../archive.ts';
import { checkDateRange } from '../date-range-skew.ts';
import { ExportError, type ExportFiles, type ExportInteraction, type ExportList, type ExportParser, type ExportSnapshot, type ExportTie } from '../export-types.ts';
import { checkedSnapshot, dateInExportName, findEntries, fromUnixSeconds, isMacJunk, readJsonEntry } from '../export-util.ts';
import { repairJson } from '../mojibake.ts';
import { cleanName, readActivityTitle, readNotification } from './facebook-text.ts';
import { CommentRecord, NotificationRecord, PersonRecord, Profile, ProfileFile, ReactionRecord, type LabelValue } from './facebook-schemas.ts';

type ListName = 'mutuals' | 'followers' | 'following';

interface ListFile {
  list: ListName;
  era: string;
  pattern: RegExp;
  keys: readonly string[];
}

const LIST_FILES: readonly ListFile[] = [
  { list: 'mutuals', era: 'facebook-2023', pattern: /(^|\/)connections\/friends\/your_friends(_\d+)?\.json$/i, keys: ['friends_v2', 'friends'] },
  { list: 'followers', era: 'facebook-2023', pattern: /(^|\/)connections\/followers\/people_who_followed_you(_\d+)?\.json$/i, keys: ['followers_v3', 'followers_v2', 'followers'] },
  { list: 'following', era: 'facebook-2023', pattern: /(^|\/)connections\/followers\/who_you(?:'|’|_|%27)?ve_followed(_\d+)?\.json$/i, keys: ['following_v3', 'following_v2', 'following'] },
  { list: 'mutuals', era: 'facebook-2020', pattern: /(^|\/)friends_and_followers\/friends(_\d+)?\.json$/i, keys: ['friends_v2', 'friends'] },
  { list: 'followers', era: 'facebook-2020', pattern: /(^|\/)friends_and_followers\/followers(_\d+)?\.json$/i, keys: ['followers_v2', 'followers'] },
  { list: 'following', era: 'facebook-2020', pattern: /(^|\/)friends_and_followers\/following(_\d+)?\.json$/i, keys: ['following_v2', 'following'] },
  { list: 'mutuals', era: 'facebook-2018', pattern: /(^|\/)friends\/friends(_\d+)?\.json$/i, keys: ['friends', 'friends_v2'] },
  { list: 'followers', era: 'facebook-2018', pattern: /(^|\/)following_and_followers\/followers(_\d+)?\.json$/i, keys: ['followers', 'followers_v2'] },
  { list: 'following', era: 'facebook-2018', pattern: /(^|\/)following_and_followers\/following(_\d+)?\.json$/i, keys: ['following', 'following_v2'] },
];
const ERA_ORDER = ['facebook-2023', 'facebook-2020', 'facebook-2018'] as const;

const COMMENTS = /(^|\/)comments_and_reactions\/comments(_\d+)?\.json$/i;
const REACTIONS = /(^|\/)comments_and_reactions\/likes_and_reactions(_\d+)?\.json$/i;
const NOTIFICATIONS = /(^|\/)(logged_information\/notifications\/notifications|about_you\/notifications)(_\d+)?\.json$/i;
const PROFILE = /(^|\/)profile_information\/profile_information\.json$/i;

/** Folders only a Facebook export has (instagram's `followers_and_following` is not among them). */
const FACEBOOK_MARKERS =
  /(^|\/)(connections\/friends\/|connections\/followers\/(people_who_followed_you|who_you)|friends_and_followers\/|following_and_followers\/|friends\/friends\.|your_facebook_activity\/|your_activity_across_facebook\/)/i;
const INSTAGRAM_MARKERS = /(^|\/)(connections\/followers_and_following\/|followers_and_following\/|your_instagram_activity\/)/i;

async function readJson(files: ExportFiles, path: string): Promise<unknown> {
  return repairJson(await readJsonEntry(files, path, 'download the export again.'));
}

/** The records of a list file: a bare array, a wrapper key, any single array inside an object, or one bare record. */
function recordsOf(json: unknown, keys: readonly string[]): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (json === null || typeof json !== 'object') return null;
  const obj = json as Record<string, unknown>;
  for (const key of keys) {
    const value = obj[key];
    if (Array.isArray(value)) return value;
  }
  const arrays = Object.values(obj).filter((v): v is unknown[] => Array.isArray(v));
  if (arrays.length === 1 && arrays[0] !== undefined) return arrays[0];
  if (arrays.length === 0 && ('name' in obj || 'string_list_data' in obj || 'label_values' in obj || 'title' in obj)) return [obj];
  return null;
}

const NAME_LABELS = /^(name|nome|nombre|nom|full name|nome completo)$/i;

function labelName(values: readonly LabelValue[] | undefined): string | undefined {
  return values?.find((lv) => lv.label !== undefined && NAME_LABELS.test(lv.label.trim()) && typeof lv.value === 'string')?.value;
}

/** Name and date of a list record, whatever its era's shape. */
function personOf(record: PersonRecord): { name: string; seconds: number | undefined } {
  const first = record.string_list_data?.[0];
  const name = record.name ?? first?.value ?? labelName(record.label_values) ?? record.title ?? '';
  return { name: cleanName(name), seconds: record.timestamp ?? first?.timestamp };
}

class Counter {
  readonly counts = new Map<string, number>();
  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
}

export const facebookParser: ExportParser = {
  network: 'facebook',

  recognises(files: ExportFiles): boolean {
    const paths = files.paths().filter((p) => !isMacJunk(p));
    if (paths.some((p) => INSTAGRAM_MARKERS.test(p))) return false;
    return paths.some((p) => FACEBOOK_MARKERS.test(p) || NOTIFICATIONS.test(p) || NOTIFICATIONS.test(p.replace(/\.html$/i, '.json')));
  },

  async parse(files: ExportFiles): Promise<ExportSnapshot> {
    const paths = files.paths();
    const filesRead: string[] = [];
    const warnings: string[] = [];
    const skipped = new Counter();
    let newest = 0;
    const seen = (seconds: number | undefined): void => {
      const iso = fromUnixSeconds(seconds);
      if (iso !== undefined) newest = Math.max(newest, Date.parse(iso));
    };

    const listPaths = new Map<ListName, { era: string; paths: string[]; keys: readonly string[] }>();
    for (const era of ERA_ORDER) {
      for (const spec of LIST_FILES.filter((s) => s.era === era)) {
        if (listPaths.has(spec.list)) continue;
        const found = findEntries(files, spec.pattern);
        if (found.length > 0) listPaths.set(spec.list, { era, paths: found, keys: spec.keys });
      }
    }
    const commentPaths = findEntries(files, COMMENTS);
    const reactionPaths = findEntries(files, REACTIONS);
    const notificationPaths = findEntries(files, NOTIFICATIONS);
    const profilePath = findEntries(files, PROFILE)[0];

    if (listPaths.size === 0 && commentPaths.length === 0 && reactionPaths.length === 0 && notificationPaths.length === 0) {
      const html = looksLikeHtmlExport(files) || paths.some((p) => /\.html?$/i.test(p) && (FACEBOOK_MARKERS.test(p) || /(^|\/)(connections|logged_information|comments_and_reactions)\//i.test(p)));
      if (html) throw new ExportError(htmlExportMessage(files.label, 'facebook'));
      throw new ExportError(
        `${files.label}: holds none of the Facebook files followback reads (friends, followers, who you follow, your comments and reactions, notifications). Download your information as JSON, Date range: All time.`,
      );
    }

    // Owner.
    let owner: ExportSnapshot['owner'];
    const selfNames = new Set<string>();
    if (profilePath !== undefined) {
      const json = ProfileFile.safeParse(await readJson(files, profilePath));
      filesRead.push(profilePath);
      const profile = Profile.safeParse(json.success ? (json.data.profile_v2 ?? json.data.profile) : undefined);
      if (profile.success) {
        const raw = profile.data.name;
        const name = cleanName(typeof raw === 'string' ? raw : (raw?.full_name ?? ''));
        const uri = z.url().safeParse(profile.data.profile_uri);
        if (name !== '' || uri.success) owner = { ...(name !== '' ? { displayName: name } : {}), ...(uri.success ? { profileUrl: uri.data } : {}) };
        if (name !== '') selfNames.add(name.toLowerCase());
      } else {
        warnings.push(`${profilePath}: the profile has an unknown shape; the owner is not known from it.`);
      }
    }

    // Lists.
    const lists: Record<ListName, ExportList | null> = { mutuals: null, followers: null, following: null };
    const listWords: Record<ListName, string> = { mutuals: 'friends', followers: 'followers', following: 'people you follow' };
    let era: string | undefined;
    for (const [list, { era: listEra, paths: found, keys }] of listPaths) {
      era ??= listEra;
      const ties: ExportTie[] = [];
      const keysSeen = new Set<string>();
      for (const path of found) {
        const records = recordsOf(await readJson(files, path), keys);
        if (records === null) throw new ExportError(`${files.label}: ${path} holds no list of ${listWords[list]} (an unknown shape); download the export again as JSON.`);
        filesRead.push(path);
        for (const raw of records) {
          const record = PersonRecord.safeParse(raw);
          if (!record.success) {
            skipped.add(`unreadable records in ${path} skipped`);
            continue;
          }
          const { name, seconds } = personOf(record.data);
          if (name === '') {
            skipped.add(`${listWords[list]} without a name skipped (deactivated or hidden accounts)`);
            continue;
          }
          const since = fromUnixSeconds(seconds);
          seen(seconds);
          const key = `${name}\u0000${since ?? ''}`;
          if (keysSeen.has(key)) continue;
          keysSeen.add(key);
          ties.push({ person: { displayName: name }, ...(since !== undefined ? { since } : {}) });
        }
      }
      lists[list] = { ties, complete: true };
    }
    // The date-range trap (NETWORK-EXPORTS.md §1.3, all Meta exports): a range cuts followers, not who you follow.
    lists.followers = checkDateRange(
      lists.followers,
      lists.following,
      (skew) =>
        `The Facebook export looks date-limited: its followers start on ${skew.followersFrom.slice(0, 10)}, ${skew.days} days after the people you follow ` +
        `(${skew.followingFrom.slice(0, 10)}), as when the export's date range is not "All time". Nothing is concluded from this followers list: ` +
        'download your information again with Date range: All time, Format: JSON.',
    );
    era ??= paths.some((p) => /(^|\/)your_facebook_activity\//i.test(p)) ? 'facebook-2024-activity' : 'facebook-activity';

    const interactions: ExportInteraction[] = [];

    // The owner's comments: outbound replies to the person in the title.
    for (const path of commentPaths) {
      const records = recordsOf(await readJson(files, path), ['comments_v2', 'comments']);
      if (records === null) throw new ExportError(`${files.label}: ${path} holds no list of comments (an unknown shape).`);
      filesRead.push(path);
      for (const raw of records) {
        const record = CommentRecord.safeParse(raw);
        if (!record.success) {
          skipped.add(`unreadable records in ${path} skipped`);
          continue;
        }
        seen(record.data.timestamp);
        const comment = record.data.data?.find((d) => d.comment !== undefined)?.comment;
        if (comment?.author !== undefined && cleanName(comment.author) !== '') selfNames.add(cleanName(comment.author).toLowerCase());
        const target = record.data.title === undefined ? null : readActivityTitle(record.data.title);
        const at = fromUnixSeconds(record.data.timestamp);
        if (target === null || at === undefined || selfNames.has(target.toLowerCase())) {
          skipped.add('of your comments name no one else in their title (skipped)');
          continue;
        }
        interactions.push({ kind: 'reply', direction: 'outbound', at, person: { displayName: target }, ...(comment?.comment !== undefined ? { text: comment.comment } : {}) });
      }
    }

    // The owner's reactions: outbound likes.
    const reactionKeys = new Set<string>();
    for (const path of reactionPaths) {
      const records = recordsOf(await readJson(files, path), ['reactions_v2', 'reactions', 'likes_and_reactions_v2', 'likes_and_reactions']);
      if (records === null) throw new ExportError(`${files.label}: ${path} holds no list of reactions (an unknown shape).`);
      filesRead.push(path);
      for (const raw of records) {
        const record = ReactionRecord.safeParse(raw);
        if (!record.success) {
          skipped.add(`unreadable records in ${path} skipped`);
          continue;
        }
        seen(record.data.timestamp);
        const actor = record.data.data?.find((d) => d.reaction !== undefined)?.reaction?.actor;
        if (actor !== undefined && cleanName(actor) !== '') selfNames.add(cleanName(actor).toLowerCase());
        const fromLabels = labelName(record.data.label_values);
        const target = record.data.title !== undefined ? readActivityTitle(record.data.title) : fromLabels !== undefined ? cleanName(fromLabels) || null : null;
        const at = fromUnixSeconds(record.data.timestamp);
        if (target === null || at === undefined || selfNames.has(target.toLowerCase())) {
          skipped.add('of your reactions name no one else in their title (skipped)');
          continue;
        }
        const postUrl = record.data.label_values?.find((lv) => typeof lv.value === 'string' && /^https?:\/\//i.test(lv.value))?.value ?? record.data.label_values?.find((lv) => lv.href !== undefined)?.href;
        // likes_and_reactions.json often repeats records of the numbered parts.
        const key = `${at}\u0000${target}`;
        if (reactionKeys.has(key)) continue;
        reactionKeys.add(key);
        interactions.push({ kind: 'like', direction: 'outbound', at, person: { displayName: target }, ...(postUrl !== undefined ? { postUrl } : {}) });
      }
    }

    // Notifications: inbound engagement, the name at the start of the line.
    for (const path of notificationPaths) {
      const records = recordsOf(await readJson(files, path), ['notifications_v2', 'notifications']);
      if (records === null) throw new ExportError(`${files.label}: ${path} holds no list of notifications (an unknown shape).`);
      filesRead.push(path);
      for (const raw of records) {
        const record = NotificationRecord.safeParse(raw);
        if (!record.success) {
          skipped.add(`unreadable records in ${path} skipped`);
          continue;
        }
        seen(record.data.timestamp);
        const reading = readNotification(record.data.text);
        const at = fromUnixSeconds(record.data.timestamp);
        if (reading === null || at === undefined) {
          skipped.add('notifications are not someone engaging with you, or are phrased in a way followback does not read (skipped)');
          continue;
        }
        const href = z.url().safeParse(record.data.href);
        for (const name of reading.names) {
          if (selfNames.has(name.toLowerCase())) continue;
          interactions.push({ kind: reading.kind, direction: 'inbound', at, person: { displayName: name }, ...(href.success ? { postUrl: href.data } : {}) });
        }
      }
    }
    for (const [what, n] of skipped.counts) warnings.push(`${n} ${what}`);

    const exported = Math.max(dateInExportName(files) ?? 0, newest);
    if (exported === 0) throw new ExportError(`${files.label}: no date in the export's name or in any of its records, so it cannot be ordered against other exports.`);

    return checkedSnapshot(files.label, {
      network: 'facebook',
      exportedAt: new Date(exported).toISOString(),
      era,
      filesRead,
      ...(owner !== undefined ? { owner } : {}),
      followers: lists.followers,
      following: lists.following,
      mutuals: lists.mutuals,
      interactions: interactions.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
      warnings,
    });
  },
};
