/**
 * `followback secrets set SOURCE`: puts a token (or a Bluesky app password) in the Secrets Manager
 * secret the deployed stack reads it from, the `secretName` of the source's reference in the config
 * (the stack creates each secret empty). The value comes from standard input: typed without echo on
 * a terminal, or piped (`followback secrets set mastodon < secrets/mastodon-token`). It is never
 * printed, logged or put on the command line.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../shared/config/load-config.ts';
import type { Config, SecretRef, SourceConfig } from '../../shared/config/schema.ts';
import { terminalLine } from '../../shared/logging/terminal-line.ts';
import { SecretsManagerSecretWriter, type SecretsManagerPutLike } from '../../shared/secrets/secrets-manager-writer.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { DEFAULT_CONFIG_FILE } from './cli-config.ts';
import { InputEndedError, InterruptedError, LineInput } from './init/line-input.ts';

export const SECRETS_USAGE = `Usage: followback secrets set SOURCE [options]

Puts the token of a source (its id in the config: mastodon, bluesky, instagram…) in
the Secrets Manager secret the deployed stack reads it from: the "secretName" of the
source's reference. The value is read from standard input: type or paste it (it is
not shown), or pipe it in. Run it after followback deploy, which creates the secrets.

Options:
  --config FILE     config file (default: ${DEFAULT_CONFIG_FILE})
  --profile ID      the profile, when several have a source with this id
  --which NAME      which secret of the source: accessToken, appPassword or refreshToken
                    (needed only when the source has more than one)
  --region REGION   the AWS region (default: the AWS SDK's, e.g. AWS_REGION)
  -h, --help        this help

Exit codes: 0 stored, 1 Secrets Manager refused or failed, 2 bad input (flags,
config, a source without a secretName, an empty value).`;

/** Where the secret goes; `SecretsManagerClient` satisfies it. */
export interface SecretsDeps {
  client?: (region: string | undefined) => SecretsManagerPutLike | Promise<SecretsManagerPutLike>;
}

type Which = 'accessToken' | 'appPassword' | 'refreshToken';

/** The secret references of a source, by the name of their field. */
export function secretRefsOf(source: SourceConfig): { which: Which; ref: SecretRef }[] {
  switch (source.type) {
    case 'mastodon':
      return [{ which: 'accessToken', ref: source.accessToken }];
    case 'bluesky':
      return [{ which: 'appPassword', ref: source.appPassword }];
    case 'instagram':
    case 'threads':
    case 'facebook':
      return source.api ? [{ which: 'accessToken', ref: source.api.accessToken }] : [];
    case 'x':
      return source.api ? [{ which: 'accessToken', ref: source.api.accessToken }, ...(source.api.refreshToken ? [{ which: 'refreshToken' as const, ref: source.api.refreshToken }] : [])] : [];
    default:
      return [];
  }
}

/** The one secret name `SOURCE` (in `profile`, and `which`) points at, or a UsageError saying why not. */
export function findSecretName(config: Config, sourceId: string, profileId?: string, which?: string): string {
  const profiles = profileId === undefined ? config.profiles : config.profiles.filter((p) => p.id === profileId);
  if (profiles.length === 0) throw new UsageError(`unknown profile "${profileId ?? ''}"; the config has: ${config.profiles.map((p) => p.id).join(', ')}`);
  const matches = profiles.flatMap((p) => p.sources.filter((s) => s.id === sourceId).map((s) => ({ profile: p.id, source: s })));
  if (matches.length === 0) {
    const ids = [...new Set(profiles.flatMap((p) => p.sources.map((s) => s.id)))];
    throw new UsageError(`no source "${terminalLine(sourceId, 60)}" in the config; its sources: ${ids.join(', ')}`);
  }
  if (matches.length > 1) throw new UsageError(`profiles ${matches.map((m) => m.profile).join(', ')} all have a source "${sourceId}": pass --profile ID`);
  const { source, profile } = matches[0]!;
  let refs = secretRefsOf(source);
  if (refs.length === 0) throw new UsageError(`source "${sourceId}" (${source.type}) has no token in the config${source.type === 'file' || source.type === 'demo' ? '' : ' (an export-only source needs none)'}`);
  if (which !== undefined) {
    refs = refs.filter((r) => r.which === which);
    if (refs.length === 0) throw new UsageError(`source "${sourceId}" has no ${terminalLine(which, 40)}; it has: ${secretRefsOf(source).map((r) => r.which).join(', ')}`);
  }
  if (refs.length > 1) throw new UsageError(`source "${sourceId}" has several secrets (${refs.map((r) => r.which).join(', ')}): pass --which NAME`);
  const { ref, which: field } = refs[0]!;
  if (ref.secretName === undefined) {
    throw new UsageError(
      `the ${field} of source "${sourceId}" (profile ${profile}) has no "secretName" in the config: add "secretName": "followback/${profile}/${sourceId}" to it, deploy, then run this again`,
    );
  }
  return ref.secretName;
}

async function defaultClient(region: string | undefined): Promise<SecretsManagerPutLike> {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  return new SecretsManagerClient(region !== undefined ? { region } : {});
}

export async function secretsCommand(argv: string[], io: CliIo, deps: SecretsDeps = {}): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        profile: { type: 'string' },
        which: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n\n${SECRETS_USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  if (values.help) {
    io.stdout(`${SECRETS_USAGE}\n`);
    return EXIT_OK;
  }
  const [action, sourceId, ...extra] = positionals;
  if (action !== 'set' || sourceId === undefined || sourceId === '' || extra.length > 0) {
    io.stderr(`followback: ${action === undefined ? 'say what to do' : action !== 'set' ? `unknown action "${terminalLine(action, 40)}"` : extra.length > 0 ? 'one source at a time' : 'name the source'}\n\n${SECRETS_USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  if (values.which !== undefined && !['accessToken', 'appPassword', 'refreshToken'].includes(values.which)) {
    io.stderr('followback: --which is accessToken, appPassword or refreshToken\n');
    return EXIT_BAD_INPUT;
  }

  let secretName: string;
  try {
    const config = await loadConfigFile(resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE));
    secretName = findSecretName(config, sourceId, values.profile, values.which);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }

  if (io.stdin === undefined) {
    io.stderr('followback: nothing to read the value from (standard input is closed)\n');
    return EXIT_BAD_INPUT;
  }
  const input = new LineInput(io.stdin, io.signal);
  let value: string;
  try {
    if (input.isTty) {
      io.stderr(`The value for "${secretName}" (not shown as you type or paste): `);
      value = await input.secret();
      io.stderr('\n');
    } else {
      value = await input.rest();
    }
  } catch (err) {
    if (err instanceof InterruptedError) {
      io.stderr('\nfollowback: stopped; nothing was stored\n');
      return 130;
    }
    if (err instanceof InputEndedError) value = '';
    else throw err;
  } finally {
    input.close();
  }
  value = value.trim();
  if (value === '' || /[\r\n]/.test(value)) {
    io.stderr(`followback: ${value === '' ? 'the value is empty' : 'the value must be one line'}; nothing was stored\n`);
    return EXIT_BAD_INPUT;
  }

  // What the SDK said, when the writer's message has only an error name (no region, no credentials, unreachable).
  let sdkSaid = '';
  try {
    const client = await (deps.client ?? defaultClient)(values.region);
    const watched: SecretsManagerPutLike = {
      send: async (command) => {
        try {
          return await client.send(command);
        } catch (err) {
          sdkSaid = err instanceof Error ? err.message : '';
          throw err;
        }
      },
    };
    await new SecretsManagerSecretWriter({ client: watched }).write({ secretName }, value);
  } catch (err) {
    // The writer's messages name the secret, never the value; the SDK's are cut of it all the same.
    const said = (err instanceof Error ? err.message : String(err)) + (/\((Error|[A-Za-z]*Error|UnknownError)\)$/.test(err instanceof Error ? err.message : '') && sdkSaid !== '' ? `: ${sdkSaid}` : '');
    const hint = /region/i.test(sdkSaid) ? ' (pass --region, or set AWS_REGION)' : /credential/i.test(sdkSaid) ? ' (sign in to AWS first: aws configure, or AWS_PROFILE)' : '';
    io.stderr(`followback: ${terminalLine(said.split(value).join('[redacted]'))}${hint}\n`);
    return EXIT_RUN_FAILED;
  }
  io.stdout(`Stored in the Secrets Manager secret "${secretName}". The next deployed run reads it.\n`);
  return EXIT_OK;
}
