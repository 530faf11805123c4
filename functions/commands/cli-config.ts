import { dirname, resolve } from 'node:path';
import { demoConfig } from '../../shared/config/demo-config.ts';
import { ConfigError, loadConfigFile } from '../../shared/config/load-config.ts';
import type { Config } from '../../shared/config/schema.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const DEFAULT_CONFIG_FILE = 'followback.config.json';

/** The config a command works on: `--demo`, `--config FILE`, or followback.config.json here. */
export async function cliConfig(flags: { demo: boolean; config?: string }, io: CliIo): Promise<{ config: Config; configDir: string }> {
  if (flags.demo && flags.config !== undefined) throw new UsageError('--demo and --config are exclusive: --demo uses the embedded sample community');
  if (flags.demo) return { config: demoConfig(), configDir: io.cwd };
  const path = resolve(io.cwd, flags.config ?? DEFAULT_CONFIG_FILE);
  try {
    return { config: await loadConfigFile(path), configDir: dirname(path) };
  } catch (err) {
    if (flags.config === undefined && err instanceof ConfigError && err.message.endsWith('config file not found')) {
      throw new UsageError(`no ${DEFAULT_CONFIG_FILE} here: pass --config FILE, copy followback.config.example.json, or try --demo`);
    }
    throw err;
  }
}
