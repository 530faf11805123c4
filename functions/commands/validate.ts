import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../shared/config/load-config.ts';
import { EXIT_BAD_INPUT, EXIT_OK, type CliIo } from './cli-io.ts';

/** `followback validate --config FILE`: exit 0 and list the profiles, or exit 2 with every bad field. */
export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  let file: string;
  try {
    const { values } = parseArgs({ args: argv, strict: true, options: { config: { type: 'string' } } });
    file = resolve(io.cwd, values.config ?? 'followback.config.json');
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\nUsage: followback validate [--config FILE]\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    const config = await loadConfigFile(file);
    for (const p of config.profiles) {
      io.stdout(`${p.id}: ${p.sources.map((s) => `${s.type}:${s.id}${'api' in s && s.api !== undefined ? ' (export + API)' : ''}`).join(', ')} -> ${p.report.recipients.join(', ')} (${p.schedule.expression} ${p.schedule.timezone})\n`);
    }
    io.stdout(`${file}: valid (${config.profiles.length} profile${config.profiles.length === 1 ? '' : 's'})\n`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}
