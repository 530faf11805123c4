import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJson } from '../json/json-syntax.ts';
import { Config } from './schema.ts';

/** A config that cannot be used; the message lists every bad field with its path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

/** Formats zod issues as `profiles[0].policy.lookbackDays: Too small: expected number to be >=1`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** Validates an already-parsed config value; `origin` names it in errors (a path, "embedded demo"). */
export function parseConfig(value: unknown, origin: string): Config {
  const result = Config.safeParse(value);
  if (!result.success) {
    const issues = formatIssues(result.error);
    throw new ConfigError(`${origin}: invalid config\n  ${issues.join('\n  ')}`, issues);
  }
  return result.data;
}

/** Reads and validates a JSON config file. */
export async function loadConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${path}: config file not found` : `${path}: cannot read config file (${code ?? String(err)})`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ConfigError(`${path}: not valid JSON (${parsed.reason}) at line ${parsed.line}, column ${parsed.column}`);
  return parseConfig(parsed.value, path);
}

/** Finds a profile by id, with an error listing the known ones. */
export function selectProfiles(config: Config, profileId: string | undefined): Config['profiles'] {
  if (profileId === undefined) return config.profiles;
  const profile = config.profiles.find((p) => p.id === profileId);
  if (!profile) {
    throw new ConfigError(`unknown profile "${profileId}"; the config has: ${config.profiles.map((p) => p.id).join(', ')}`);
  }
  return [profile];
}
