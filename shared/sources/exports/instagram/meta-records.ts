/**
 * Meta's list records (Instagram and Threads), in every shape seen
 * (NETWORK-EXPORTS.md §1.4, §2.2, §9.2):
 *
 *  - `{title, string_list_data:[{href, value, timestamp}]}` — the username in
 *    `value` (≤2024), or in `title` with `/_u/` in the href (2025+);
 *  - `{timestamp, fbid, label_values:[{label, value}]}` (2026) with LOCALIZED
 *    labels: the username label is found by the shape of its values across
 *    the file(s), never by its name (except the English `Username` fast path);
 *  - `{string_map_data:{"Media Owner":{value}, "Time":{timestamp}, ...}}`.
 *
 * A file holds a bare array, a wrapper key (`relationships_following`,
 * `text_post_app_…`), or a single record without an array. Records that
 * cannot be read are counted, never dropped silently.
 */
import { z } from 'zod';

// Lenient per field: a field of an unexpected type reads as absent (the record is then resolved from
// its other fields, or counted as unreadable), so one odd field never hides a whole record.
const text = z.string().optional().catch(undefined);
const seconds = z.number().optional().catch(undefined);

const StringListItem = z.object({ href: text, value: text, timestamp: seconds });

const LabelValue = z.object({ label: text, value: text, href: text });

const StringMapItem = z.object({ href: text, value: text, timestamp: seconds });

export const MetaRecord = z.object({
  title: text,
  href: text,
  timestamp: seconds,
  string_list_data: z.array(StringListItem).optional().catch(undefined),
  label_values: z.array(LabelValue).optional().catch(undefined),
  string_map_data: z.record(z.string(), StringMapItem).optional().catch(undefined),
});
export type MetaRecord = z.infer<typeof MetaRecord>;

const RECORD_KEYS = ['string_list_data', 'label_values', 'string_map_data'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeRecord(value: unknown): boolean {
  return isPlainObject(value) && RECORD_KEYS.some((key) => key in value);
}

/** The records of a file, however wrapped; `wrapper` tells which top-level keys may hold them. Null: not a list file this reader knows. */
export function recordsOf(json: unknown, wrapper: (key: string) => boolean): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (!isPlainObject(json)) return null;
  if (looksLikeRecord(json)) return [json];
  const keys = Object.keys(json).filter(wrapper);
  if (keys.length === 0) return null;
  const out: unknown[] = [];
  for (const key of keys) {
    const inner = json[key];
    if (Array.isArray(inner)) out.push(...inner);
    else if (isPlainObject(inner)) out.push(inner);
    else return null;
  }
  return out;
}

/** Instagram and Threads usernames: letters, digits, '.' and '_', at most 30. */
const USERNAME = /^[A-Za-z0-9._]{1,30}$/;

export function usernameShaped(value: string | undefined): value is string {
  return value !== undefined && USERNAME.test(value.trim());
}

const NOT_PROFILES = new Set(['p', 'reel', 'reels', 'stories', 'explore', 'tv', 'accounts', 'direct', 'post', 's']);

/**
 * The username a profile link names: `instagram.com/river.otter`, `instagram.com/_u/river.otter`,
 * `threads.com/@river.otter` (or threads.net). A post link or another host names none.
 */
export function usernameFromHref(href: string | undefined): string | undefined {
  if (href === undefined || href === '') return undefined;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if (!/(^|\.)(instagram\.com|threads\.net|threads\.com)$/i.test(url.hostname)) return undefined;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments[0] === '_u') segments.shift();
  if (segments.length !== 1) return undefined;
  const name = (segments[0] ?? '').replace(/^@/, '');
  return usernameShaped(name) && !NOT_PROFILES.has(name.toLowerCase()) ? name : undefined;
}

const USERNAME_FAST_PATH = 'username';
const MIN_WINNER_RATE = 0.9;
const MIN_RUNNER_UP_RATIO = 2;

/**
 * Which `label_values` label holds the username, over every record given
 * (pool a whole export's relationship files: one small file can be ambiguous
 * alone). The English `Username` wins at once; otherwise the label whose
 * non-empty values are username-shaped at least 90% of the time and twice as
 * often as every other label's. Null: no clear winner (the records stay unread,
 * and are counted).
 */
export function usernameLabel(records: readonly MetaRecord[]): string | null {
  const tallies = new Map<string, { valid: number; scored: number }>();
  for (const record of records) {
    for (const pair of record.label_values ?? []) {
      if (pair.label === undefined) continue;
      if (pair.label.trim().toLowerCase() === USERNAME_FAST_PATH) return pair.label;
      const tally = tallies.get(pair.label) ?? { valid: 0, scored: 0 };
      tallies.set(pair.label, tally);
      const value = pair.value?.trim();
      if (value === undefined || value === '') continue;
      tally.scored += 1;
      if (usernameShaped(value)) tally.valid += 1;
    }
  }
  const ranked = [...tallies]
    .filter(([, t]) => t.scored > 0)
    .map(([label, t]) => ({ label, rate: t.valid / t.scored }))
    .sort((a, b) => b.rate - a.rate);
  const winner = ranked[0];
  if (winner === undefined || winner.rate < MIN_WINNER_RATE) return null;
  const runnerUp = ranked[1];
  if (runnerUp !== undefined && winner.rate < runnerUp.rate * MIN_RUNNER_UP_RATIO) return null;
  return winner.label;
}

export interface ResolvedRecord {
  username: string;
  displayName?: string;
  /** Unix seconds, where the record has one. */
  timestamp?: number;
  /** Which shape named the username (for the era). */
  via: 'value' | 'title' | 'href' | 'label';
}

export interface ResolveOptions {
  /** Instagram: `title` holds the username (2025+). Threads: `title` is the display name. */
  title: 'username' | 'displayName';
  /** The username label of `label_values` records (from `usernameLabel`), if any. */
  label: string | null;
}

/**
 * A relationship record's person: `value`, then `title` (Instagram), then the
 * href's last segment (without `/_u/`), then the `label_values` username
 * (found by label, or by a profile href in a pair). Undefined: unreadable.
 */
export function resolveRelationship(record: MetaRecord, options: ResolveOptions): ResolvedRecord | undefined {
  const item = record.string_list_data?.[0];
  const timestamp = item?.timestamp ?? record.timestamp;
  const withTime = (r: ResolvedRecord): ResolvedRecord => (timestamp !== undefined ? { ...r, timestamp } : r);
  const title = record.title?.trim();
  const displayName = options.title === 'displayName' && title !== undefined && title !== '' ? { displayName: title } : {};
  const value = item?.value?.trim();
  if (usernameShaped(value)) return withTime({ username: value, via: 'value', ...displayName });
  if (options.title === 'username' && usernameShaped(title)) return withTime({ username: title, via: 'title' });
  const fromHref = usernameFromHref(item?.href ?? record.href);
  if (fromHref !== undefined) return withTime({ username: fromHref, via: 'href', ...displayName });
  if (record.label_values !== undefined) {
    const pairs = record.label_values;
    const byLabel = options.label === null ? undefined : pairs.find((p) => p.label === options.label)?.value?.trim();
    const byHref = pairs.map((p) => usernameFromHref(p.href)).find((u) => u !== undefined);
    const username = usernameShaped(byLabel) ? byLabel : byHref;
    if (username === undefined) return undefined;
    const name = pairs.find((p) => p.label?.trim().toLowerCase() === 'name')?.value?.trim();
    return withTime({ username, via: 'label', ...(name !== undefined && name !== '' ? { displayName: name } : {}) });
  }
  return undefined;
}

/** A `string_map_data` field by its English key (Meta kept those English in localized exports), case-insensitively. */
export function mapField(record: MetaRecord, key: string): z.infer<typeof StringMapItem> | undefined {
  const map = record.string_map_data;
  if (map === undefined) return undefined;
  const wanted = key.toLowerCase();
  const found = Object.keys(map).find((k) => k.trim().toLowerCase() === wanted);
  return found === undefined ? undefined : map[found];
}

/** The first timestamp anywhere in a `string_map_data` record (its `Time`, whatever the key is called). */
export function mapTimestamp(record: MetaRecord): number | undefined {
  const time = mapField(record, 'time')?.timestamp;
  if (time !== undefined) return time;
  for (const item of Object.values(record.string_map_data ?? {})) if (item.timestamp !== undefined && item.timestamp > 0) return item.timestamp;
  return record.timestamp;
}

/** Parses records with MetaRecord; the ones that are not objects of that shape are counted. */
export function parseRecords(raw: readonly unknown[]): { records: MetaRecord[]; invalid: number } {
  const records: MetaRecord[] = [];
  let invalid = 0;
  for (const item of raw) {
    const parsed = MetaRecord.safeParse(item);
    if (parsed.success) records.push(parsed.data);
    else invalid += 1;
  }
  return { records, invalid };
}
