/**
 * A fresh, uniquely named table on the run's shared DynamoDB Local, so test
 * files (which run in parallel) never see each other's items.
 *
 *   const { store, client, doc, tableName, drop } = await freshTable();
 *
 * Tests that need only the endpoint: `const endpoint = await dynamoReady();`.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { DynamoStore, type DynamoStoreOptions } from '../../shared/store/dynamo-store.ts';
import { makeLocalClient, waitForDynamo } from '../../shared/store/local-dynamo.ts';
import { createTable, deleteTable } from '../../shared/store/table-schema.ts';

export interface FreshTable {
  /** Low-level client on the shared DynamoDB Local. */
  client: DynamoDBClient;
  /** Document client (plain JS values), for scans and raw puts in assertions. */
  doc: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoStore;
  endpoint: string;
  /** Deletes the table (optional: the emulator is in memory and dies with the run). */
  drop(): Promise<void>;
}

/** Endpoint of the DynamoDB Local started by test/helpers/global-setup.ts (may still be starting: see dynamoReady). */
export function dynamoEndpoint(): string {
  return inject('dynamoEndpoint');
}

let readiness: Promise<string> | undefined;

/** Resolves with the endpoint once the shared DynamoDB Local answers (it starts in the background). */
export function dynamoReady(): Promise<string> {
  readiness ??= (async () => {
    const endpoint = dynamoEndpoint();
    await waitForDynamo(endpoint, 60_000);
    return endpoint;
  })();
  return readiness;
}

export async function freshTable(
  storeOptions: Omit<DynamoStoreOptions, 'client' | 'tableName'> = {},
): Promise<FreshTable> {
  const endpoint = await dynamoReady();
  const client = makeLocalClient(endpoint);
  const tableName = `test-${randomUUID()}`;
  await createTable(client, tableName);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const store = new DynamoStore({ client, tableName, ...storeOptions });
  return { client, doc, tableName, store, endpoint, drop: () => deleteTable(client, tableName) };
}

/** Every item of a table, following pagination: for assertions on exactly what was written. */
export async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<Record<string, NativeAttributeValue>[]> {
  const items: Record<string, NativeAttributeValue>[] = [];
  let startKey: Record<string, NativeAttributeValue> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
