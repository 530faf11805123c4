/**
 * Followers / following lists of a Meta export (Instagram or Threads): every
 * part read, merged in part order, de-duplicated by lower-cased username
 * (usernames are case-insensitive; a part may repeat the previous part's last
 * record), each record's follow time kept. Records or files that cannot be
 * read make the list incomplete, with a sentence saying which and how many.
 */
import type { ExportFiles, ExportList, ExportTie } from '../export-types.ts';
import { fromUnixSeconds } from '../export-util.ts';
import { readMetaJson } from './meta-files.ts';
import { parseRecords, recordsOf, resolveRelationship, type MetaRecord, type ResolvedRecord, type ResolveOptions } from './meta-records.ts';

export interface LoadedListFile {
  path: string;
  /** Null: the file's top level is not a list this reader knows. */
  records: MetaRecord[] | null;
  /** Entries that are not records at all. */
  invalid: number;
}

export async function loadListFiles(files: ExportFiles, paths: readonly string[], wrapper: (key: string) => boolean): Promise<LoadedListFile[]> {
  const out: LoadedListFile[] = [];
  for (const path of paths) {
    const raw = recordsOf(await readMetaJson(files, path), wrapper);
    if (raw === null) {
      out.push({ path, records: null, invalid: 0 });
      continue;
    }
    const { records, invalid } = parseRecords(raw);
    out.push({ path, records, invalid });
  }
  return out;
}

export interface BuiltList {
  list: ExportList;
  /** Which record shapes named the usernames. */
  via: Set<ResolvedRecord['via']>;
  /** Newest follow time in the list, ms. */
  newestMs: number | undefined;
}

/** One list from its files; `profileUrl` builds a person's link from the username. */
export function buildList(
  loaded: readonly LoadedListFile[],
  what: string,
  options: ResolveOptions & { profileUrl: (username: string) => string },
): BuiltList {
  const byHandle = new Map<string, ExportTie>();
  const via = new Set<ResolvedRecord['via']>();
  const problems: string[] = [];
  let newestMs: number | undefined;
  for (const file of loaded) {
    if (file.records === null) {
      problems.push(`${file.path} is not in a format followback knows`);
      continue;
    }
    let unreadable = file.invalid;
    for (const record of file.records) {
      const resolved = resolveRelationship(record, options);
      if (resolved === undefined) {
        unreadable += 1;
        continue;
      }
      via.add(resolved.via);
      const since = fromUnixSeconds(resolved.timestamp);
      if (since !== undefined) newestMs = Math.max(newestMs ?? 0, Date.parse(since));
      const key = resolved.username.toLowerCase();
      const previous = byHandle.get(key);
      if (previous !== undefined) {
        if (since !== undefined && (previous.since === undefined || since < previous.since)) previous.since = since;
        continue;
      }
      const person = {
        handle: resolved.username,
        profileUrl: options.profileUrl(resolved.username),
        ...(resolved.displayName !== undefined ? { displayName: resolved.displayName } : {}),
      };
      byHandle.set(key, since !== undefined ? { person, since } : { person });
    }
    if (unreadable > 0) problems.push(`${unreadable} of the ${file.records.length + file.invalid} records in ${file.path} could not be read`);
  }
  const list: ExportList =
    problems.length === 0
      ? { ties: [...byHandle.values()], complete: true }
      : {
          ties: [...byHandle.values()],
          complete: false,
          problem: `The ${what} list is incomplete: ${problems.join('; ')} (a format followback does not know yet). Nothing is concluded from it.`,
        };
  return { list, via, newestMs };
}

/** Every record of the given loaded files, for pooling the `label_values` username label. */
export function allRecords(...groups: readonly (readonly LoadedListFile[])[]): MetaRecord[] {
  return groups.flatMap((group) => group.flatMap((file) => file.records ?? []));
}
