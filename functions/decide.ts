/**
 * The decision page's Lambda (behind a Function URL): maps the URL event to the
 * pure handler in shared/decide/handler.ts and back.
 *
 * Before the handler: a per-client rate limit (429), then the page's own path
 * only (404 for anything else, `//evil.example` included). Around it: the
 * dependencies are built once per warm instance, but a failed build is not kept
 * (that request gets a clean 503 page and the next one tries again), and
 * anything the handler throws becomes a 500 page, never the Function URL's
 * bare 502. The signing keys are read from Secrets Manager on every request,
 * so a key removed from the secret stops working at once.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { BUNDLED_CONFIG_FILE, ENV } from '../shared/app/env.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { ClientRateLimit } from '../shared/decide/client-rate-limit.ts';
import { decisionPaths, errorPage, notFound, rateLimited, type EntryResponse } from '../shared/decide/entry-guard.ts';
import { handleDecision, type DecideDeps, type DecideLog } from '../shared/decide/handler.ts';
import { DECISION_KEYS_SECRET_ENV, parseKeyring, type Keyring } from '../shared/decide/keyring.ts';
import { engineAct, engineUndo, type PageActDeps } from '../shared/decide/page-act.ts';
import { ACCESS_LOG_MESSAGE, pageFloods, sampledLog } from '../shared/decide/sampled-log.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { SecretsManagerResolver, type SecretsManagerLike } from '../shared/secrets/secrets-manager-resolver.ts';
import { DynamoDecisionLedger } from '../shared/store/dynamo-decision-ledger.ts';
import { DynamoStore } from '../shared/store/dynamo-store.ts';

/** Left for storing outcomes and answering after the last action. */
const ANSWER_MARGIN_MS = 4_000;

/** What the page needs, built once per warm instance. */
export interface DecidePage {
  deps: DecideDeps;
  /** The paths the page answers at (see `decisionPaths`); every other path is 404. */
  paths: ReadonlySet<string>;
}

export interface DecideHandlerOptions {
  /** Builds the page's dependencies; called again on the next request when it fails. */
  load(io: { log: DecideLog; budgetMs: () => number }): Promise<DecidePage>;
  /** The function's log (the access log and the handler's lines go here, refusals sampled). */
  log: DecideLog;
  rateLimit?: ClientRateLimit;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** A Function URL handler that always answers with a structured result (a status, headers, a body). */
export type DecideLambda = (event: LambdaFunctionURLEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<APIGatewayProxyStructuredResultV2>;

export function createDecideHandler(options: DecideHandlerOptions): DecideLambda {
  const now = options.now ?? Date.now;
  const log = sampledLog(options.log, { kind: pageFloods, now });
  const rateLimit = options.rateLimit ?? new ClientRateLimit({ now });
  /** Set per request from the Lambda's remaining time: acting stops in time to answer the browser. */
  let actDeadlineMs = 0;
  let page: Promise<DecidePage> | undefined;
  const loadPage = (): Promise<DecidePage> => {
    if (page === undefined) {
      const loading = options.load({ log, budgetMs: () => actDeadlineMs - now() });
      page = loading;
      // A failure is not kept: a transient one (config, network) must not answer 503 until the instance is recycled.
      loading.catch(() => {
        if (page === loading) page = undefined;
      });
    }
    return page;
  };

  const answer = async (event: LambdaFunctionURLEvent): Promise<EntryResponse> => {
    const verdict = rateLimit.take(event.requestContext.http.sourceIp);
    if (!verdict.ok) return rateLimited(verdict);
    let loaded: DecidePage;
    try {
      loaded = await loadPage();
    } catch (err) {
      log.error('decision page could not start', { problem: problemOf(err, event) });
      return errorPage(503);
    }
    if (!loaded.paths.has(event.rawPath)) return notFound();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[name] = value;
    try {
      return await handleDecision({ method: event.requestContext.http.method, path: event.rawPath, query, body: bodyOf(event), headers }, loaded.deps);
    } catch (err) {
      log.error('decision page failed', { method: event.requestContext.http.method, path: event.rawPath, problem: problemOf(err, event) });
      return errorPage(500);
    }
  };

  return async (event, context) => {
    actDeadlineMs = now() + (context?.getRemainingTimeInMillis() ?? 10_000) - ANSWER_MARGIN_MS;
    const response = await answer(event);
    const { method, sourceIp, userAgent } = event.requestContext.http;
    // The access log: who asked what and the answer, never the token (it rides in the query or the body).
    log.info(ACCESS_LOG_MESSAGE, { method, path: event.rawPath, status: response.status, sourceIp, userAgent });
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}

function bodyOf(event: LambdaFunctionURLEvent): string {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** An error's message for the log, with the request's token (query or form field `t`) blanked wherever it appears. */
function problemOf(err: unknown, event: LambdaFunctionURLEvent): string {
  let text = err instanceof Error ? err.message : String(err);
  const tokens = [event.queryStringParameters?.['t'], new URLSearchParams(bodyOf(event)).get('t') ?? undefined];
  for (const token of tokens) if (token !== undefined && token.length > 0) text = text.split(token).join('[token]');
  return text;
}

export interface DecideDepsFromEnvOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Where the bundled config file is. */
  bundleDir: string;
  log: DecideLog;
  budgetMs: () => number;
  /** Clients to use instead of the default ones (tests point them at local servers). */
  clients?: { dynamo?: DynamoDBClient; secretsManager?: SecretsManagerLike };
}

/** The page's adapters from the environment the stack sets. */
export async function decideDepsFromEnv(options: DecideDepsFromEnvOptions): Promise<DecidePage> {
  const required = (name: string): string => {
    const value = options.env[name];
    if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set: the stack sets it`);
    return value;
  };
  const tableName = required(ENV.tableName);
  const secretName = required(DECISION_KEYS_SECRET_ENV);
  const config = await loadConfigFile(resolve(options.bundleDir, options.env[ENV.configPath] ?? BUNDLED_CONFIG_FILE));
  const client = options.clients?.dynamo ?? new DynamoDBClient({});
  const secretsManager = options.clients?.secretsManager ?? new SecretsManagerClient({});
  // The keyring is read on every request (no cache): a key removed from the secret stops working at once.
  const keyringSecret = new SecretsManagerResolver({ client: secretsManager, ttlMs: 0 });
  // The network tokens (acting only) keep the usual few-minute cache.
  const secrets = new SecretsManagerResolver({ client: secretsManager });
  const profiles = new Map(config.profiles.map((p) => [p.id, p]));
  const store = new DynamoStore({ client, tableName });
  const ledger = new DynamoDecisionLedger({ client, tableName, warn: (message, extra) => options.log.warn(message, extra) });
  const keyring = async (): Promise<Keyring> => parseKeyring(await keyringSecret.resolve({ secretName }), `secret ${secretName}`);
  // Only for profiles with act.enabled (the handler checks; the stack grants the token secrets only then).
  const acting: PageActDeps = { store, actions: store.actionStore(), ledger, keyring, secrets, budgetMs: options.budgetMs };
  return {
    paths: decisionPaths(config),
    deps: {
      keyring,
      profile: (id) => profiles.get(id),
      decisions: store,
      ledger,
      clock: () => new Date(),
      act: engineAct(acting),
      undo: engineUndo(acting),
      labels: store.toneLabelStore(),
      log: options.log,
    },
  };
}

const logger = createLogger();
const bundleDir = dirname(fileURLToPath(import.meta.url));

export const handler: DecideLambda = createDecideHandler({
  log: {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  },
  load: ({ log, budgetMs }) => decideDepsFromEnv({ env: process.env, bundleDir, log, budgetMs }),
});
