/**
 * The owner's username from a Meta personal-information file:
 *
 *  - ≤2020 `profile.json`: `{"username": "...", "name": "..."}`;
 *  - 2021+ `personal_information.json` (`account_information/`, `personal_information/`,
 *    `personal_information/personal_information/` by era; Threads:
 *    `text_post_app_text_post_app_profile`): `{"profile_user":[{"string_map_data":{"Username":{"value":"..."}}}]}`;
 *  - 2026 `label_values` records.
 *
 * The username field is found by its key or label: English `Username`, or a
 * few localized spellings. Not by value shape: a personal-information record
 * holds other short words (gender, "True"/"False") shaped like usernames.
 */
import { z } from 'zod';
import type { ExportFiles } from '../export-types.ts';
import { readMetaJson, type NamedExport } from './meta-files.ts';
import { MetaRecord, parseRecords, recordsOf, usernameFromHref, usernameShaped } from './meta-records.ts';

const USERNAME_KEYS = new Set([
  'username',
  'user name',
  'nome utente',
  'nombre de usuario',
  "nom d'utilisateur",
  'nom d’utilisateur',
  'benutzername',
  'gebruikersnaam',
  'nome de usuário',
  'nome de utilizador',
]);

const isUsernameKey = (key: string): boolean => USERNAME_KEYS.has(key.trim().toLowerCase());

const Profile2020 = z.object({ username: z.string() });

export function ownerFromPersonalInformation(json: unknown): string | undefined {
  const old = Profile2020.safeParse(json);
  if (old.success && usernameShaped(old.data.username)) return old.data.username.trim();
  const raw = recordsOf(json, (key) => key === 'profile_user' || key.startsWith('text_post_app_') || key.startsWith('profile_'));
  if (raw === null) return undefined;
  const { records } = parseRecords(raw);
  for (const record of records) {
    const found = usernameOf(record);
    if (found !== undefined) return found;
  }
  return undefined;
}

function usernameOf(record: MetaRecord): string | undefined {
  for (const [key, item] of Object.entries(record.string_map_data ?? {})) {
    const value = item.value?.trim();
    if (isUsernameKey(key) && usernameShaped(value)) return value;
  }
  for (const pair of record.label_values ?? []) {
    const value = pair.value?.trim();
    if (pair.label !== undefined && isUsernameKey(pair.label) && usernameShaped(value)) return value;
  }
  for (const pair of record.label_values ?? []) {
    const fromHref = usernameFromHref(pair.href);
    if (fromHref !== undefined) return fromHref;
  }
  return undefined;
}

/**
 * The owner's username: from the first of `infoPaths` (personal-information files) that names one, else
 * from the export's name. Each file opened is added to `filesRead`.
 */
export async function ownerUsername(files: ExportFiles, infoPaths: readonly string[], named: NamedExport, filesRead: string[]): Promise<string | undefined> {
  for (const path of infoPaths) {
    filesRead.push(path);
    const username = ownerFromPersonalInformation(await readMetaJson(files, path));
    if (username !== undefined) return username;
  }
  return named.username;
}
