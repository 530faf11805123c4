/**
 * What a pull needs from the environment the stack sets: the config, the
 * store, the secrets and the exports bucket. No mailer, no classifiers, no
 * decision page: the pull step's bundle (functions/pull-step.ts) imports only
 * this, so its cold start does not load the report's parts.
 * functions/handler/deps-from-env.ts adds those for the functions that report.
 */
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Logger } from '@aws-lambda-powertools/logger';
import { BUNDLED_CONFIG_FILE, ENV } from '../../shared/app/env.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { SecretsManagerResolver } from '../../shared/secrets/secrets-manager-resolver.ts';
import { SecretsManagerSecretWriter } from '../../shared/secrets/secrets-manager-writer.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { EXPORT_DOWNLOAD_LIMIT_BYTES } from '../../shared/ports/export-inbox.ts';
import { TmpSpace } from '../../shared/sources/exports/s3-export-inbox.ts';
import type { JobDeps } from './create-handler.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** The part of JobDeps a pull uses. */
export type PullDeps = Pick<JobDeps, 'config' | 'configDir' | 'store' | 'secrets' | 'secretWriter' | 'logger' | 'exportsBucket'>;

/**
 * Builds the pull's AWS adapters from the variables the stack sets. Region and
 * credentials come from the Lambda environment through the SDK's usual chain.
 * The config is the one bundled at deploy time, validated again with the same
 * schema, so a hand-edited bundle cannot run with a bad value.
 */
export async function pullDepsFromEnv(env: Env, bundleDir: string, logger: Logger): Promise<PullDeps & { secrets: SecretsManagerResolver; store: DynamoStore }> {
  const tableName = env[ENV.tableName];
  if (tableName === undefined || tableName === '') {
    throw new Error(`environment variable ${ENV.tableName} is not set: the stack sets it to the table's name`);
  }
  const configPath = resolve(bundleDir, env[ENV.configPath] ?? BUNDLED_CONFIG_FILE);
  const config = await loadConfigFile(configPath);
  const store = new DynamoStore({ client: new DynamoDBClient({}), tableName });
  const secretsClient = new SecretsManagerClient({});
  const secrets = new SecretsManagerResolver({ client: secretsClient });
  // A refreshed API token replaces the old one in its secret (the stack grants PutSecretValue on those only).
  const secretWriter = new SecretsManagerSecretWriter({ client: secretsClient, resolver: secrets });
  // Set by the stack on the functions that pull when the config has export sources.
  const exportsBucket = env[ENV.exportsBucket];
  return {
    config,
    configDir: dirname(configPath),
    store,
    secrets,
    secretWriter,
    logger,
    ...(exportsBucket !== undefined && exportsBucket !== ''
      ? {
          exportsBucket: {
            client: new S3Client({}),
            bucket: exportsBucket,
            tmpDir: join(tmpdir(), 'followback-exports'),
            // Every export source of the function shares the limit: the sources of a profile pull at once.
            space: new TmpSpace(EXPORT_DOWNLOAD_LIMIT_BYTES),
          },
        }
      : {}),
  };
}
