/**
 * The handler wired to real local services: DynamoDB Local (a fresh table) and
 * the SES emulator, with a demo profile so no network or secret is needed.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { Logger } from '@aws-lambda-powertools/logger';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { Config, ConfigInput } from '../../../shared/config/schema.ts';
import { SesMailer } from '../../../shared/mail/ses-mailer.ts';
import type { SecretResolver } from '../../../shared/ports/secrets.ts';
import { createHandler, type JobDeps, type JobHandler } from '../../../functions/handler/create-handler.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startSesEmulator, type SesEmulator } from '../../helpers/ses-emulator.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function demoConfigInput(): ConfigInput {
  return {
    profiles: [
      {
        id: 'demo',
        sources: [{ type: 'demo', id: 'demo', seed: 7, size: 60 }],
        report: { recipients: ['owner@example.org'], sender: 'reports@example.com' },
      },
      {
        id: 'other',
        sources: [{ type: 'demo', id: 'demo', seed: 8, size: 40 }],
        report: { recipients: ['other@example.org'], sender: 'reports@example.com' },
      },
    ],
    delivery: { type: 'ses' },
    deploy: { sesIdentity: 'example.com' },
  };
}

export interface HandlerRig {
  handler: JobHandler;
  table: FreshTable;
  ses: SesEmulator;
  config: Config;
  /** How many times the dependencies were built (once per "cold start"). */
  builds: () => number;
  itemCount(): Promise<number>;
  stop(): Promise<void>;
}

const noSecrets: SecretResolver = { resolve: () => Promise.reject(new Error('the demo profile needs no secret')) };

export async function startRig(options: { config?: Config; secrets?: SecretResolver; logger?: Logger } = {}): Promise<HandlerRig> {
  const table = await freshTable();
  const ses = await startSesEmulator();
  const sesClient = new SESClient({ endpoint: ses.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const config = options.config ?? parseConfig(demoConfigInput(), 'handler test config');
  let builds = 0;
  const provide = async (): Promise<JobDeps> => {
    builds += 1;
    return {
      config,
      configDir: process.cwd(),
      store: table.store,
      secrets: options.secrets ?? noSecrets,
      mailer: new SesMailer({ client: sesClient }),
      logger: options.logger ?? new Logger({ serviceName: 'followback', logLevel: 'SILENT' }),
    };
  };
  return {
    handler: createHandler(provide),
    table,
    ses,
    config,
    builds: () => builds,
    async itemCount() {
      const out = await table.doc.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }));
      return out.Count ?? 0;
    },
    async stop() {
      sesClient.destroy();
      await ses.stop();
      await table.drop();
      table.client.destroy();
    },
  };
}
