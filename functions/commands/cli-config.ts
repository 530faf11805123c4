import { dirname, resolve } from 'node:path';
import { DEMO_SEED, DEMO_SIZE, demoConfig } from '../../shared/config/demo-config.ts';
import { DEMO_EXPORTS_DIR, writeDemoExports } from '../../shared/sources/demo/demo-exports.ts';
import { ConfigError, loadConfigFile } from '../../shared/config/load-config.ts';
import type { Config } from '../../shared/config/schema.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const DEFAULT_CONFIG_FILE = 'followback.config.json';

/**
 * The config a command works on: `--demo`, `--config FILE`, or followback.config.json here.
 * With `--demo` and a run's instant (`now`), the demo's Instagram and Facebook exports of that day are
 * written first into .followback/demo-exports/ (owner-only), where the demo's export sources read them.
 */
export async function cliConfig(flags: { demo: boolean; config?: string; now?: Date }, io: CliIo): Promise<{ config: Config; configDir: string }> {
  if (flags.demo && flags.config !== undefined) throw new UsageError('--demo and --config are exclusive: --demo uses the embedded sample community');
  if (flags.demo) {
    if (flags.now !== undefined) await writeDemoExports(resolve(io.cwd, DEMO_EXPORTS_DIR), { seed: DEMO_SEED, size: DEMO_SIZE, now: flags.now });
    return { config: demoConfig(), configDir: io.cwd };
  }
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
