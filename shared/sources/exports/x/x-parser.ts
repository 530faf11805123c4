/**
 * The X (Twitter) archive, NETWORK-EXPORTS.md §5.1 and §13.
 *
 * Eras:
 *  - x-2022: `data/tweets.js` (`window.YTD.tweets.partN`, `tweets-partN.js` when large);
 *  - x-2020: `data/tweet.js` (`window.YTD.tweet.partN`), or a `data/` archive without tweets;
 *  - x-2019: the same files at the archive's root (before ~2020-03), items without
 *    their `{ "tweet": … }` wrapper.
 * The Grailbird archive (≤2018: `tweets.csv`, `data/js/tweets/`) has no follow lists and is refused.
 *
 * Read: `follower.js` / `following.js` (every `-partN` file and every `partN`
 * assignment; numeric ids only, no dates) → `followers` / `following` as `{ id }`;
 * the owner's tweets → outbound replies (`in_reply_to_user_id_str` /
 * `in_reply_to_screen_name`), mentions (`entities.user_mentions`, leaving out the
 * reply's own leading mentions) and retweets ("RT @user:", a repost of the
 * first mentioned user). Where the archive names an id together with a handle
 * (a mention, a reply) the handle is attached to that id everywhere, followers
 * included; an account renamed over time takes its newest handle by the tweets'
 * `created_at`, not by file order. Handles are lower-cased.
 * `like.js` holds tweet ids only (no author, no time): counted in `warnings`, not recorded.
 * Owner: `account.js` (or the manifest's `userInfo`). `exportedAt`: the manifest's
 * `archiveInfo.generationDate`, else the date in the archive's name
 * (`twitter-YYYY-MM-DD-<hex>`), else the newest tweet. A list whose part files the
 * manifest names but the archive lacks is incomplete.
 */
import { ExportError, type ExportFiles, type ExportInteraction, type ExportList, type ExportParser, type ExportPerson, type ExportSnapshot, type ExportTie } from '../export-types.ts';
import { checkedSnapshot, dateInName, findEntries, isMacJunk, wrapperOf } from '../export-util.ts';
import { parseManifest, parseYtdFile } from './ytd.ts';
import { Account, FollowEntry, Manifest, Tweet, type Mention } from './x-schemas.ts';

const file = (name: string): RegExp => new RegExp(`(^|/)(data/)?${name}(-part\\d+)?\\.js$`, 'i');
const FOLLOWER = file('follower');
const FOLLOWING = file('following');
const TWEETS = file('tweets');
const TWEET = file('tweet');
const LIKE = file('like');
const ACCOUNT = file('account');
const MANIFEST = /(^|\/)(data\/)?manifest\.js$/i;
const GRAILBIRD = /(^|\/)(tweets\.csv|data\/js\/tweets\/)/i;
const X_SIGNATURE = /(^|\/)(data\/)?(manifest|follower|following|account|tweets?|like)(-part\d+)?\.js$|(^|\/)your archive\.html$/i;

const MONTHS: Readonly<Record<string, number>> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** `Wed Oct 10 20:19:24 +0000 2018` → ms; ISO text tolerated; undefined when unreadable. */
export function parseTwitterDate(text: string): number | undefined {
  const m = /^\s*[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+([+-])(\d{2})(\d{2})\s+(\d{4})\s*$/.exec(text);
  if (m !== null) {
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    if (month === undefined) return undefined;
    const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) * 60_000;
    const ms = Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offset;
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** The entries matching `pattern`, `follower.js` (part 0) before `follower-part1.js`, `-part2`, … `-part10`. */
function matching(files: ExportFiles, pattern: RegExp): string[] {
  const part = (p: string): number => Number(/-part(\d+)\.js$/i.exec(p)?.[1] ?? 0);
  return findEntries(files, pattern).sort((a, b) => part(a) - part(b));
}

/** An archive item: `{ "<type>": {…} }`, or the bare object in pre-2020 archives. */
function unwrap(item: unknown, type: string): unknown {
  if (item !== null && typeof item === 'object' && type in item) return (item as Record<string, unknown>)[type];
  return item;
}

const validId = (id: string | undefined): id is string => id !== undefined && /^\d+$/.test(id) && id !== '0';
const cleanHandle = (h: string | undefined): string | undefined => {
  const handle = h?.trim().replace(/^@+/, '').toLowerCase();
  return handle !== undefined && /^[a-z0-9_]{1,50}$/.test(handle) ? handle : undefined;
};

interface NameSeen {
  handle: string;
  displayName: string | undefined;
  at: number;
}

export const xParser: ExportParser = {
  network: 'x',

  recognises(files: ExportFiles): boolean {
    return files.paths().some((p) => !isMacJunk(p) && X_SIGNATURE.test(p));
  },

  async parse(files: ExportFiles): Promise<ExportSnapshot> {
    const label = files.label;
    const paths = files.paths();
    const filesRead: string[] = [];
    const warnings: string[] = [];

    const followerPaths = matching(files, FOLLOWER);
    const followingPaths = matching(files, FOLLOWING);
    const tweetsPaths = matching(files, TWEETS);
    const tweetPaths = tweetsPaths.length > 0 ? tweetsPaths : matching(files, TWEET);
    const likePaths = matching(files, LIKE);
    const accountPath = matching(files, ACCOUNT)[0];
    const manifestPath = matching(files, MANIFEST)[0];

    if (followerPaths.length === 0 && followingPaths.length === 0 && tweetPaths.length === 0) {
      if (paths.some((p) => GRAILBIRD.test(p)))
        throw new ExportError(`${label}: an old (2018 or earlier) Twitter archive, which holds no follower or following lists. Request a new archive: X → Settings → Your account → Download an archive of your data.`);
      throw new ExportError(`${label}: holds none of the X archive files followback reads (data/follower.js, data/following.js, data/tweets.js). Request the archive: X → Settings → Your account → Download an archive of your data.`);
    }

    const read = async (path: string): Promise<ReturnType<typeof parseYtdFile>> => {
      const parts = parseYtdFile(label, path, await files.readText(path));
      filesRead.push(path);
      return parts;
    };
    const itemsOf = (path: string, data: unknown): unknown[] => {
      if (!Array.isArray(data)) throw new ExportError(`${label}: ${path} does not hold a list (an unknown shape); download the archive again.`);
      return data;
    };

    // Manifest: the export's date, the owner, the part files each list should have.
    let manifest: Manifest | undefined;
    if (manifestPath !== undefined) {
      const parsed = Manifest.safeParse(parseManifest(label, manifestPath, await files.readText(manifestPath)));
      filesRead.push(manifestPath);
      if (parsed.success) manifest = parsed.data;
      else warnings.push(`${manifestPath}: an unknown manifest shape; its date and file list were not used.`);
    }
    if (manifest?.archiveInfo?.isPartialArchive === true) warnings.push('The manifest says this is a partial archive: every part must be imported together.');

    // Owner.
    let owner: ExportPerson | undefined;
    if (accountPath !== undefined) {
      for (const part of await read(accountPath)) {
        for (const item of itemsOf(accountPath, part.data)) {
          const account = Account.safeParse(unwrap(item, 'account'));
          if (!account.success) throw new ExportError(`${label}: ${accountPath} has an unknown account shape.`);
          const handle = cleanHandle(account.data.username);
          const id = validId(account.data.accountId) ? account.data.accountId : undefined;
          if (handle !== undefined || id !== undefined)
            owner = {
              ...(handle !== undefined ? { handle, profileUrl: `https://x.com/${handle}` } : {}),
              ...(id !== undefined ? { id } : {}),
              ...(account.data.accountDisplayName !== undefined && account.data.accountDisplayName.trim() !== '' ? { displayName: account.data.accountDisplayName } : {}),
            };
        }
      }
    }
    if (owner === undefined && manifest?.userInfo !== undefined) {
      const handle = cleanHandle(manifest.userInfo.userName);
      const id = validId(manifest.userInfo.accountId) ? manifest.userInfo.accountId : undefined;
      if (handle !== undefined || id !== undefined)
        owner = { ...(handle !== undefined ? { handle, profileUrl: `https://x.com/${handle}` } : {}), ...(id !== undefined ? { id } : {}) };
    }
    const isOwner = (id: string | undefined, handle: string | undefined): boolean =>
      (id !== undefined && id === owner?.id) || (handle !== undefined && handle === owner?.handle);

    // Tweets: id → newest handle, and the owner's replies, mentions and retweets.
    const names = new Map<string, NameSeen>();
    const learn = (id: string | undefined, handle: string | undefined, displayName: string | undefined, at: number): void => {
      if (!validId(id) || handle === undefined) return;
      const known = names.get(id);
      if (known === undefined || at >= known.at) names.set(id, { handle, displayName: displayName ?? (known?.handle === handle ? known.displayName : undefined), at });
    };
    interface Pending {
      kind: ExportInteraction['kind'];
      at: number;
      id: string | undefined;
      handle: string | undefined;
      postUrl: string;
      text: string | undefined;
    }
    const pending: Pending[] = [];
    let unreadableTweets = 0;
    let newestTweet = 0;
    let repliesToDeleted = 0;
    for (const path of tweetPaths) {
      for (const part of await read(path)) {
        for (const item of itemsOf(path, part.data)) {
          const parsed = Tweet.safeParse(unwrap(item, 'tweet'));
          const at = parsed.success ? parseTwitterDate(parsed.data.created_at) : undefined;
          if (!parsed.success || at === undefined) {
            unreadableTweets += 1;
            continue;
          }
          const tweet = parsed.data;
          newestTweet = Math.max(newestTweet, at);
          const tweetId = tweet.id_str ?? tweet.id;
          const postUrl = tweetId === undefined ? '' : owner?.handle !== undefined ? `https://x.com/${owner.handle}/status/${tweetId}` : `https://x.com/i/web/status/${tweetId}`;
          const text = tweet.full_text ?? tweet.text;
          const mentions: Mention[] = tweet.entities?.user_mentions ?? [];
          for (const m of mentions) learn(m.id_str, cleanHandle(m.screen_name), m.name, at);
          const replyHandle = cleanHandle(tweet.in_reply_to_screen_name);
          const replyId = validId(tweet.in_reply_to_user_id_str) ? tweet.in_reply_to_user_id_str : undefined;
          learn(replyId, replyHandle, undefined, at);
          const base = { at, postUrl, text };

          const retweeted = text !== undefined ? /^RT @([A-Za-z0-9_]{1,50}):/.exec(text) : null;
          if (retweeted !== null) {
            const handle = cleanHandle(retweeted[1]);
            const m = mentions.find((x) => cleanHandle(x.screen_name) === handle);
            if (!isOwner(m?.id_str, handle)) pending.push({ kind: 'repost', id: validId(m?.id_str) ? m?.id_str : undefined, handle, ...base });
            continue;
          }
          const isReply = replyId !== undefined || replyHandle !== undefined;
          if (isReply && !isOwner(replyId, replyHandle)) pending.push({ kind: 'reply', id: replyId, handle: replyHandle, ...base });
          else if (!isReply && tweet.in_reply_to_status_id_str !== undefined) repliesToDeleted += 1;
          const textStart = tweet.display_text_range?.[0];
          for (const m of mentions) {
            const handle = cleanHandle(m.screen_name);
            const id = validId(m.id_str) ? m.id_str : undefined;
            if (handle === undefined && id === undefined) continue;
            if (isOwner(id, handle)) continue;
            // The reply's own leading mentions (before the text X displays) are the thread, not a mention.
            if (isReply && textStart !== undefined && m.indices?.[0] !== undefined && m.indices[0] < textStart) continue;
            if (isReply && ((id !== undefined && id === replyId) || (handle !== undefined && handle === replyHandle))) continue;
            pending.push({ kind: 'mention', id, handle, ...base });
          }
        }
      }
    }
    if (unreadableTweets > 0) warnings.push(`${unreadableTweets} tweets could not be read (unknown shape or date) and were skipped.`);
    if (repliesToDeleted > 0) warnings.push(`${repliesToDeleted} of your replies answer a deleted post whose author the archive does not name (skipped).`);

    const person = (id: string | undefined, handle: string | undefined, userLink?: string): ExportPerson => {
      const known = id !== undefined ? names.get(id) : undefined;
      const newestHandle = known?.handle ?? handle;
      const profileUrl = newestHandle !== undefined ? `https://x.com/${newestHandle}` : userLink !== undefined && /^https?:\/\//.test(userLink) ? userLink : id !== undefined ? `https://x.com/intent/user?user_id=${id}` : undefined;
      return {
        ...(id !== undefined ? { id } : {}),
        ...(newestHandle !== undefined ? { handle: newestHandle } : {}),
        ...(known?.displayName !== undefined && known.displayName.trim() !== '' ? { displayName: known.displayName } : {}),
        ...(profileUrl !== undefined ? { profileUrl } : {}),
      };
    };

    const interactions: ExportInteraction[] = pending
      .sort((a, b) => a.at - b.at)
      .map((p) => ({
        kind: p.kind,
        direction: 'outbound' as const,
        at: new Date(p.at).toISOString(),
        person: person(p.id, p.handle),
        ...(p.postUrl !== '' ? { postUrl: p.postUrl } : {}),
        ...(p.text !== undefined ? { text: p.text } : {}),
      }));

    // Follow lists.
    const readList = async (listPaths: readonly string[], type: 'follower' | 'following'): Promise<ExportList | null> => {
      if (listPaths.length === 0) return null;
      const ties: ExportTie[] = [];
      const ids = new Set<string>();
      let unreadable = 0;
      for (const path of listPaths) {
        for (const part of await read(path)) {
          for (const item of itemsOf(path, part.data)) {
            const entry = FollowEntry.safeParse(unwrap(item, type));
            if (!entry.success) {
              unreadable += 1;
              continue;
            }
            if (ids.has(entry.data.accountId)) continue;
            ids.add(entry.data.accountId);
            ties.push({ person: person(entry.data.accountId, undefined, entry.data.userLink) });
          }
        }
      }
      const word = type === 'follower' ? 'followers' : 'following';
      if (unreadable > 0) warnings.push(`${unreadable} entries of ${word} could not be read and were skipped.`);
      // The manifest names each part file and its count: a missing part or a short list means the list is cut.
      const declared = manifest?.dataTypes?.[type]?.files ?? [];
      const lower = new Set(paths.map((p) => p.toLowerCase()));
      const missing = declared.filter((f) => ![...lower].some((p) => p === f.fileName.toLowerCase() || p.endsWith(`/${f.fileName.toLowerCase()}`) || f.fileName.toLowerCase().endsWith(`/${p}`)));
      if (missing.length > 0)
        return { ties, complete: false, problem: `The archive's manifest lists ${missing.map((f) => f.fileName).join(', ')} but the archive lacks it: ${word} are incomplete. Import every part of the archive together.` };
      const expected = declared.reduce((sum, f) => sum + (f.count !== undefined && /^\d+$/.test(f.count) ? Number(f.count) : 0), 0);
      if (declared.length > 0 && expected > ties.length + unreadable)
        return { ties, complete: false, problem: `The archive's manifest counts ${expected} ${word} but its files hold ${ties.length}: the list is incomplete. Request a new archive.` };
      return { ties, complete: true };
    };
    const followers = await readList(followerPaths, 'follower');
    const following = await readList(followingPaths, 'following');

    // like.js: tweet ids only.
    let likes = 0;
    for (const path of likePaths) for (const part of await read(path)) likes += itemsOf(path, part.data).length;
    if (likes > 0) warnings.push(`${likes} likes in like.js not recorded: the archive names the liked post, not its author or when you liked it.`);

    const generated = manifest?.archiveInfo?.generationDate !== undefined ? Date.parse(manifest.archiveInfo.generationDate) : Number.NaN;
    const exported = !Number.isNaN(generated) ? generated : (dateInName(wrapperOf(files)) ?? dateInName(label) ?? (newestTweet > 0 ? newestTweet : undefined));
    if (exported === undefined) throw new ExportError(`${label}: no data/manifest.js, no date in the archive's name and no tweets: it cannot be ordered against other archives.`);

    const rootLevel = [...followerPaths, ...followingPaths, ...tweetPaths].every((p) => !/(^|\/)data\//i.test(p));
    const era = rootLevel ? 'x-2019' : tweetsPaths.length > 0 ? 'x-2022' : 'x-2020';

    return checkedSnapshot(label, {
      network: 'x',
      exportedAt: new Date(exported).toISOString(),
      era,
      filesRead,
      ...(owner !== undefined ? { owner } : {}),
      followers,
      following,
      mutuals: null,
      interactions,
      warnings,
    }, 'archive');
  },
};
