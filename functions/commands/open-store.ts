import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StorageConfig } from '../../shared/config/schema.ts';
import { DynamoDecisionLedger } from '../../shared/store/dynamo-decision-ledger.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { makeLocalClient, makePrivateDir, startLocalDynamo } from '../../shared/store/local-dynamo.ts';
import { createTable } from '../../shared/store/table-schema.ts';
import type { CliIo } from './cli-io.ts';

/** The CLI's own folder (git-ignored): the embedded store's data and the decision key, owner-only. */
export const LOCAL_ROOT_DIR = '.followback';
/** Where the CLI's embedded DynamoDB Local keeps its data between runs (owner-only: 0700 folder, 0600 files). */
export const LOCAL_DATA_DIR = `${LOCAL_ROOT_DIR}/dynamodb`;

export interface OpenedStore {
  store: DynamoStore;
  /** The decision page's items (used links, confirmed actions) in the same table. */
  ledger: DynamoDecisionLedger;
  close(): Promise<void>;
}

/**
 * Real AWS when `storage.aws` is set, a configured endpoint when given, and
 * otherwise an embedded DynamoDB Local that this process starts and stops.
 */
export async function openStore(storage: StorageConfig, io: CliIo): Promise<OpenedStore> {
  if (storage.aws) {
    const client = new DynamoDBClient(storage.region !== undefined ? { region: storage.region } : {});
    return { store: new DynamoStore({ client, tableName: storage.tableName }), ledger: new DynamoDecisionLedger({ client, tableName: storage.tableName }), close: async () => client.destroy() };
  }
  if (storage.endpoint !== undefined) {
    const client = makeLocalClient(storage.endpoint);
    await createTable(client, storage.tableName);
    return { store: new DynamoStore({ client, tableName: storage.tableName }), ledger: new DynamoDecisionLedger({ client, tableName: storage.tableName }), close: async () => client.destroy() };
  }
  const dataDir = resolve(io.cwd, io.env['FOLLOWBACK_DATA_DIR'] ?? LOCAL_DATA_DIR);
  const notice = (message: string): void => io.stderr(`followback: ${message}\n`);
  // .followback/ is ours too (the decision key sits there): owner-only like the data in it. A chosen FOLLOWBACK_DATA_DIR's parents are left alone.
  if (io.env['FOLLOWBACK_DATA_DIR'] === undefined) await makePrivateDir(resolve(io.cwd, LOCAL_ROOT_DIR), notice);
  io.stderr(`starting DynamoDB Local (data in ${dataDir}; on 127.0.0.1 only)\n`);
  const local = await startLocalDynamo({ dataDir, onNotice: notice });
  const client = makeLocalClient(local.endpoint);
  try {
    await createTable(client, storage.tableName);
  } catch (err) {
    client.destroy();
    await local.stop();
    throw err;
  }
  return {
    store: new DynamoStore({ client, tableName: storage.tableName }),
    ledger: new DynamoDecisionLedger({ client, tableName: storage.tableName }),
    close: async () => {
      client.destroy();
      await local.stop();
    },
  };
}
