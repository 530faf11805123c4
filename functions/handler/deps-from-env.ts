import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, type SESClientConfig } from '@aws-sdk/client-ses';
import type { Logger } from '@aws-lambda-powertools/logger';
import { BUNDLED_CONFIG_FILE, ENV } from '../../shared/app/env.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { Config } from '../../shared/config/schema.ts';
import { buildClassifiers } from '../../shared/classify/build-classifiers.ts';
import { DECISION_KEYS_SECRET_ENV } from '../../shared/decide/keyring.ts';
import { secretDecisionPage } from '../../shared/decide/secret-decision-page.ts';
import { SesMailer } from '../../shared/mail/ses-mailer.ts';
import { SecretsManagerResolver } from '../../shared/secrets/secrets-manager-resolver.ts';
import { SecretsManagerSecretWriter } from '../../shared/secrets/secrets-manager-writer.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { EXPORT_DOWNLOAD_LIMIT_BYTES } from '../../shared/ports/export-inbox.ts';
import { TmpSpace } from '../../shared/sources/exports/s3-export-inbox.ts';
import type { JobDeps } from './create-handler.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Builds the AWS adapters from the variables the stack sets. Region and
 * credentials come from the Lambda environment through the SDK's usual chain,
 * except SES, which honours the config's `delivery.region`/`endpoint`.
 * The config is the one bundled at deploy time, validated again with the same
 * schema, so a hand-edited bundle cannot run with a bad value.
 */
export async function depsFromEnv(env: Env, bundleDir: string, logger: Logger): Promise<JobDeps> {
  const tableName = env[ENV.tableName];
  if (tableName === undefined || tableName === '') {
    throw new Error(`environment variable ${ENV.tableName} is not set: the stack sets it to the table's name`);
  }
  const configPath = resolve(bundleDir, env[ENV.configPath] ?? BUNDLED_CONFIG_FILE);
  const config = await loadConfigFile(configPath);
  const configurationSet = env[ENV.sesConfigurationSet];
  const store = new DynamoStore({ client: new DynamoDBClient({}), tableName });
  const secretsClient = new SecretsManagerClient({});
  const secrets = new SecretsManagerResolver({ client: secretsClient });
  // A refreshed API token replaces the old one in its secret (the stack grants PutSecretValue on those only).
  const secretWriter = new SecretsManagerSecretWriter({ client: secretsClient, resolver: secrets });
  // Set by the stack when it deploys the decision page: the email then carries signed links.
  const decisionKeysSecret = env[DECISION_KEYS_SECRET_ENV];
  // Set by the stack on the functions that pull when the config has export sources.
  const exportsBucket = env[ENV.exportsBucket];
  return {
    config,
    configDir: dirname(configPath),
    store,
    secrets,
    secretWriter,
    mailer: new SesMailer({ client: new SESClient(sesClientConfig(config.delivery)), ...(configurationSet ? { configurationSet } : {}) }),
    logger,
    classifiers: await buildClassifiers(config.profiles),
    ...(decisionKeysSecret !== undefined && decisionKeysSecret !== ''
      ? { decisionPage: secretDecisionPage({ secrets, secretName: decisionKeysSecret, ledger: store.decisionLedger() }) }
      : {}),
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

/**
 * SES where the config says (`delivery.region`, `delivery.endpoint`), as the
 * CLI does; the stack grants SES in that same region. Unset: the Lambda's region.
 */
export function sesClientConfig(delivery: Config['delivery']): SESClientConfig {
  if (delivery.type !== 'ses') return {};
  return { ...(delivery.region !== undefined ? { region: delivery.region } : {}), ...(delivery.endpoint !== undefined ? { endpoint: delivery.endpoint } : {}) };
}
