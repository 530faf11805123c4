/**
 * What the commands that work on the store (keep, forget, apply, undo, serve)
 * share before doing anything: reading their input, where bad flags or config
 * mean exit 2 and nothing touched, and opening the store, where a failure means
 * exit 1.
 */
import { ConfigError, selectProfiles } from '../../shared/config/load-config.ts';
import type { Config, ProfileConfig, StorageConfig } from '../../shared/config/schema.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { openStore, type OpenedStore } from './open-store.ts';

/**
 * Runs `read` (flag parsing, config loading): `'help'` prints the usage and
 * gives exit 0; a UsageError or ConfigError is printed and gives exit 2. Any
 * other error is a bug and goes on up.
 */
export async function readCommandInput<T>(io: CliIo, usage: string, read: () => Promise<T | 'help'>): Promise<T | number> {
  try {
    const input = await read();
    if (input === 'help') {
      io.stdout(`${usage}\n`);
      return EXIT_OK;
    }
    return input;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}

/** The store, or exit 1 with the reason. */
export async function openStoreOrExit(storage: StorageConfig, io: CliIo): Promise<OpenedStore | number> {
  try {
    return await openStore(storage, io);
  } catch (err) {
    io.stderr(`followback: cannot open the store: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  }
}

/** The one profile a command works on: `--profile`, or the only one there is. */
export function profileOf(config: Config, id: string | undefined): ProfileConfig {
  const profiles = selectProfiles(config, id);
  if (profiles.length !== 1 || profiles[0] === undefined) {
    throw new UsageError(`the config has several profiles (${config.profiles.map((p) => p.id).join(', ')}): pass --profile`);
  }
  return profiles[0];
}
