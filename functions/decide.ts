/**
 * The decision page's Lambda (behind a Function URL): maps the URL event to the
 * pure handler in shared/decide/handler.ts and back. Module scope holds the
 * clients, the config and a cached keyring (re-read within minutes of a rotation).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { BUNDLED_CONFIG_FILE, ENV } from '../shared/app/env.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import type { Config } from '../shared/config/schema.ts';
import { handleDecision, type DecideDeps } from '../shared/decide/handler.ts';
import { DECISION_KEYS_SECRET_ENV, parseKeyring } from '../shared/decide/keyring.ts';
import { engineAct } from '../shared/decide/page-act.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { SecretsManagerResolver } from '../shared/secrets/secrets-manager-resolver.ts';
import { DynamoDecisionLedger } from '../shared/store/dynamo-decision-ledger.ts';
import { DynamoStore } from '../shared/store/dynamo-store.ts';

const logger = createLogger();
const bundleDir = dirname(fileURLToPath(import.meta.url));
let deps: Promise<DecideDeps> | undefined;
/** Set per request from the Lambda's remaining time: acting stops in time to answer the browser. */
let actDeadlineMs = 0;
/** Left for storing outcomes and answering after the last action. */
const ANSWER_MARGIN_MS = 4_000;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set: the stack sets it`);
  return value;
}

async function buildDeps(): Promise<DecideDeps> {
  const tableName = required(ENV.tableName);
  const secretName = required(DECISION_KEYS_SECRET_ENV);
  const config: Config = await loadConfigFile(resolve(bundleDir, process.env[ENV.configPath] ?? BUNDLED_CONFIG_FILE));
  const client = new DynamoDBClient({});
  const secrets = new SecretsManagerResolver({ client: new SecretsManagerClient({}) });
  const profiles = new Map(config.profiles.map((p) => [p.id, p]));
  const store = new DynamoStore({ client, tableName });
  const ledger = new DynamoDecisionLedger({ client, tableName });
  return {
    keyring: async () => parseKeyring(await secrets.resolve({ secretName }), `secret ${secretName}`),
    profile: (id) => profiles.get(id),
    decisions: store,
    ledger,
    clock: () => new Date(),
    // Only for profiles with act.enabled (the handler checks; the stack grants the token secrets only then).
    act: engineAct({ store, actions: store.actionStore(), ledger, secrets, budgetMs: () => actDeadlineMs - Date.now() }),
    log: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
      error: (message, extra) => logger.error(message, extra ?? {}),
    },
  };
}

export async function handler(event: LambdaFunctionURLEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<LambdaFunctionURLResult> {
  deps ??= buildDeps();
  actDeadlineMs = Date.now() + (context?.getRemainingTimeInMillis() ?? 10_000) - ANSWER_MARGIN_MS;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[name] = value;
  const method = event.requestContext.http.method;
  const response = await handleDecision({ method, path: event.rawPath, query, body, headers }, await deps);
  // The access log: who asked what and the answer, never the token.
  logger.info('decision page request', { method, path: event.rawPath, status: response.status, sourceIp: event.requestContext.http.sourceIp, userAgent: event.requestContext.http.userAgent });
  return { statusCode: response.status, headers: response.headers, body: response.body };
}
