import { SESClient, type SESClientConfig } from '@aws-sdk/client-ses';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ENV } from '../../shared/app/env.ts';
import type { Config } from '../../shared/config/schema.ts';
import { buildClassifiers } from '../../shared/classify/build-classifiers.ts';
import { DECISION_KEYS_SECRET_ENV } from '../../shared/decide/keyring.ts';
import { secretDecisionPage } from '../../shared/decide/secret-decision-page.ts';
import { SesMailer } from '../../shared/mail/ses-mailer.ts';
import type { JobDeps } from './create-handler.ts';
import { pullDepsFromEnv, type Env } from './pull-deps-from-env.ts';

/**
 * Builds the AWS adapters from the variables the stack sets: a pull's
 * (./pull-deps-from-env.ts), and the report's mailer, classifiers and decision
 * page. SES honours the config's `delivery.region`/`endpoint`.
 */
export async function depsFromEnv(env: Env, bundleDir: string, logger: Logger): Promise<JobDeps> {
  const base = await pullDepsFromEnv(env, bundleDir, logger);
  const { config, secrets, store } = base;
  const configurationSet = env[ENV.sesConfigurationSet];
  // Set by the stack when it deploys the decision page: the email then carries signed links.
  const decisionKeysSecret = env[DECISION_KEYS_SECRET_ENV];
  return {
    ...base,
    mailer: new SesMailer({ client: new SESClient(sesClientConfig(config.delivery)), ...(configurationSet ? { configurationSet } : {}) }),
    classifiers: await buildClassifiers(config.profiles),
    ...(decisionKeysSecret !== undefined && decisionKeysSecret !== ''
      ? { decisionPage: secretDecisionPage({ secrets, secretName: decisionKeysSecret, ledger: store.decisionLedger() }) }
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
