/**
 * The decision page's local parts for the CLI: the signing keyring (env var or
 * a key file under .followback/, created on first need with owner-only
 * permissions) and the run's `decisionPage` deps, so `followback run` signs the
 * same links `followback serve` accepts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DecisionPageDeps } from '../../shared/decide/report-parts.ts';
import { decisionLinks } from '../../shared/decide/links.ts';
import { DECISION_KEYS_ENV, newKeyringJson, parseKeyring, type Keyring } from '../../shared/decide/keyring.ts';
import type { DecisionLedger } from '../../shared/ports/store.ts';
import type { CliIo } from './cli-io.ts';

/** Where the CLI keeps its signing keys (git-ignored with the rest of .followback/). */
export const LOCAL_KEYS_FILE = '.followback/decision-keys.json';
/** Overrides LOCAL_KEYS_FILE (relative to the working directory). */
export const DECISION_KEYS_FILE_ENV = 'FOLLOWBACK_DECISION_KEYS_FILE';

export async function localKeyring(io: CliIo, options: { create: boolean }): Promise<Keyring | undefined> {
  const inline = io.env[DECISION_KEYS_ENV];
  if (inline !== undefined && inline !== '') return parseKeyring(inline, `environment variable ${DECISION_KEYS_ENV}`);
  const path = resolve(io.cwd, io.env[DECISION_KEYS_FILE_ENV] ?? LOCAL_KEYS_FILE);
  try {
    return parseKeyring(await readFile(path, 'utf8'), path);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err;
  }
  if (!options.create) return undefined;
  await mkdir(dirname(path), { recursive: true });
  const json = newKeyringJson();
  // 'wx': two commands starting at once must not overwrite each other's key.
  try {
    await writeFile(path, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    io.stderr(`created a decision-link signing key in ${path}\n`);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  }
  return parseKeyring(await readFile(path, 'utf8'), path);
}

/** The run's decision page deps: links only for profiles with `report.decisionsUrl`. */
export function localDecisionPage(io: CliIo, ledger: DecisionLedger): DecisionPageDeps {
  let keyring: Promise<Keyring | undefined> | undefined;
  return {
    async linksFor(profile, now) {
      const baseUrl = profile.report.decisionsUrl;
      if (baseUrl === undefined) return undefined;
      keyring ??= localKeyring(io, { create: true });
      const keys = await keyring;
      return keys ? decisionLinks({ baseUrl, keyring: keys, profileId: profile.id, now }) : undefined;
    },
    confirmedActions: (profileId) => ledger.listConfirmedActions(profileId),
  };
}
