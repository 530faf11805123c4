import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { Annotations, type Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_MODEL_ID } from '../shared/classify/bedrock/cost.ts';
import { ConfigError } from '../shared/config/load-config.ts';
import type { Config, DeployConfig, SecretRef, SourceConfig } from '../shared/config/schema.ts';

export const DEFAULT_CONFIG_FILE = 'followback.config.json';
export const EXAMPLE_CONFIG_FILE = 'followback.config.example.json';

/** What the stack needs from the config beyond the profiles, checked before anything is built. */
export interface StackSettings {
  deploy: DeployConfig;
  logRetention: RetentionDays;
  /** Every Secrets Manager name referenced by a source, once each, sorted. */
  secretNames: string[];
  /**
   * The API token secrets a pull refreshes and writes back (Instagram and Threads access tokens, X's
   * access and refresh tokens; shared/sources/api/tokens/), once each, sorted: the functions that
   * pull may `PutSecretValue` on these and no other.
   */
  writableSecretNames: string[];
  /** Every report recipient of every profile, once each, sorted: in the SES sandbox each is authorised as an identity. */
  recipients: string[];
  sesConfigurationSet?: string;
  /** `delivery.region` when delivery is SES: where the function sends, and the region of the SES ARNs. */
  sesRegion?: string;
}

/**
 * The config file the CDK app reads: `-c config=FILE`, else
 * followback.config.json, else the example (so a fresh clone synthesizes).
 */
export function resolveConfigPath(contextValue: unknown, cwd: string): string {
  if (typeof contextValue === 'string' && contextValue.trim() !== '') {
    return isAbsolute(contextValue) ? contextValue : resolve(cwd, contextValue);
  }
  const own = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(own) ? own : resolve(cwd, EXAMPLE_CONFIG_FILE);
}

export const EXAMPLE_CONFIG_WARNING_ID = 'followback:example-config';

/** True when the config is the example file (the fallback, or named explicitly). */
export function isExampleConfig(configPath: string): boolean {
  return basename(configPath) === EXAMPLE_CONFIG_FILE;
}

/**
 * The example config synthesizes (tests and a fresh clone need that) but deploys
 * example.com as the SES identity and "ada"'s secrets: say so loudly, on stderr
 * and as a CDK warning annotation on the stack (`cdk synth`/`deploy` print it,
 * `--strict` fails on it). Returns whether it warned.
 */
export function warnIfExampleConfig(stack: Stack, configPath: string, write: (text: string) => void = (text) => process.stderr.write(text)): boolean {
  if (!isExampleConfig(configPath)) return false;
  const message = `using ${EXAMPLE_CONFIG_FILE}: copy it to ${DEFAULT_CONFIG_FILE} before deploying (the example sends from example.com and creates "ada"'s secrets); config read from ${configPath}`;
  write(`WARNING followback: ${message}\n`);
  Annotations.of(stack).addWarningV2(EXAMPLE_CONFIG_WARNING_ID, message);
  return true;
}

const RETENTIONS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

/** Checks what only matters for a deployment; the message lists every problem with its field path. */
export function stackSettings(config: Config, origin: string): StackSettings {
  const problems: string[] = [];
  const deploy = config.deploy;
  if (deploy === undefined) {
    throw new ConfigError(`${origin}: a "deploy" section is needed to deploy, e.g. { "deploy": { "sesIdentity": "example.com" } }`, ['deploy: required']);
  }
  if (!RETENTIONS.has(deploy.logRetentionDays)) {
    problems.push(`deploy.logRetentionDays: ${deploy.logRetentionDays} is not a CloudWatch Logs retention; use one of ${[...RETENTIONS].sort((a, b) => a - b).join(', ')}`);
  }
  const identity = deploy.sesIdentity.toLowerCase();
  const secretNames = new Set<string>();
  const writableSecretNames = new Set<string>();
  const recipients = new Set<string>();
  config.profiles.forEach((profile, i) => {
    for (const recipient of profile.report.recipients) recipients.add(recipient);
    if (!senderBelongsTo(profile.report.sender, identity)) {
      problems.push(`profiles[${i}].report.sender: "${profile.report.sender}" is not covered by deploy.sesIdentity "${deploy.sesIdentity}"; SES would refuse to send`);
    }
    if (profile.tone.region !== undefined && !AWS_REGION.test(profile.tone.region)) {
      problems.push(`profiles[${i}].tone.region: "${profile.tone.region}" is not an AWS region such as eu-west-1`);
    }
    if (!isTimeZone(profile.schedule.timezone)) {
      problems.push(`profiles[${i}].schedule.timezone: "${profile.schedule.timezone}" is not an IANA time zone such as Europe/Rome`);
    }
    profile.sources.forEach((source, j) => {
      const ref = source.type === 'mastodon' ? source.accessToken : source.type === 'bluesky' ? source.appPassword : undefined;
      if (ref !== undefined) {
        if (ref.secretName === undefined) {
          problems.push(`profiles[${i}].sources[${j}]: the secret reference needs "secretName" in AWS (only "env" is set)`);
        } else secretNames.add(ref.secretName);
      }
      // An official API's tokens: Instagram, Threads and X tokens are refreshed and written back; a Facebook Page token is only read.
      for (const api of apiTokenRefs(source)) {
        if (api.ref.secretName === undefined) {
          problems.push(`profiles[${i}].sources[${j}].api.${api.field}: the secret reference needs "secretName" in AWS`);
          continue;
        }
        secretNames.add(api.ref.secretName);
        if (api.refreshed) writableSecretNames.add(api.ref.secretName);
      }
    });
  });
  if (problems.length > 0) throw new ConfigError(`${origin}: cannot deploy this config\n  ${problems.join('\n  ')}`, problems);
  const configurationSet = config.delivery.type === 'ses' ? config.delivery.configurationSet : undefined;
  const sesRegion = config.delivery.type === 'ses' ? config.delivery.region : undefined;
  return {
    deploy,
    logRetention: deploy.logRetentionDays as RetentionDays,
    secretNames: [...secretNames].sort(),
    writableSecretNames: [...writableSecretNames].sort(),
    recipients: [...recipients].sort(),
    ...(configurationSet !== undefined ? { sesConfigurationSet: configurationSet } : {}),
    ...(sesRegion !== undefined ? { sesRegion } : {}),
  };
}

/** The token references of a source's `api` block, and whether followback refreshes (so writes) each. */
function apiTokenRefs(source: SourceConfig): { field: string; ref: SecretRef; refreshed: boolean }[] {
  if (source.type !== 'instagram' && source.type !== 'threads' && source.type !== 'facebook' && source.type !== 'x') return [];
  const api = source.api;
  if (api === undefined) return [];
  if (source.type === 'facebook') return [{ field: 'accessToken', ref: api.accessToken, refreshed: false }];
  if (source.type !== 'x') return [{ field: 'accessToken', ref: api.accessToken, refreshed: true }];
  // X: only with a refresh token is anything refreshed; then both tokens are written back.
  const refresh = source.api?.refreshToken;
  if (refresh === undefined) return [{ field: 'accessToken', ref: api.accessToken, refreshed: false }];
  return [
    { field: 'accessToken', ref: api.accessToken, refreshed: true },
    { field: 'refreshToken', ref: refresh, refreshed: true },
  ];
}

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Where the function calls Amazon Comprehend, when a profile's `tone.classifier`
 * is `comprehend`: each profile's `tone.region`, `undefined` standing for the
 * function's own region. `undefined` when no profile uses it (then no grant).
 */
export function comprehendRegions(config: Config): (string | undefined)[] | undefined {
  const users = config.profiles.filter((p) => p.tone.classifier === 'comprehend');
  if (users.length === 0) return undefined;
  return [...new Set(users.map((p) => p.tone.region))];
}

/**
 * The Bedrock models the function calls, when a profile's `tone.classifier` is
 * `bedrock`: each profile's model id (the default when unset) and `tone.region`,
 * `undefined` standing for the function's own region. `undefined` when no
 * profile uses Bedrock (then no grant).
 */
export function bedrockModels(config: Config): { modelId: string; region: string | undefined }[] | undefined {
  const users = config.profiles.filter((p) => p.tone.classifier === 'bedrock');
  if (users.length === 0) return undefined;
  const seen = new Map<string, { modelId: string; region: string | undefined }>();
  for (const p of users) {
    const model = { modelId: p.tone.modelId ?? DEFAULT_MODEL_ID, region: p.tone.region };
    seen.set(`${model.region ?? ''} ${model.modelId}`, model);
  }
  return [...seen.values()];
}

/** An address identity covers itself; a domain identity covers its addresses (and its subdomains' only if verified separately). */
function senderBelongsTo(sender: string, identity: string): boolean {
  const address = sender.toLowerCase();
  if (identity.includes('@')) return address === identity;
  return address.endsWith(`@${identity}`);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
