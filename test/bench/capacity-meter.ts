/**
 * Counts what DynamoDB says it consumed: a middleware on the client asks every
 * write and read for ReturnConsumedCapacity=TOTAL and sums the answers, so the
 * store's own code stays as it is in production.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** On-demand prices in us-east-1 (since November 2024), dollars per million request units. */
export const ON_DEMAND_USD_PER_MILLION = { write: 0.625, read: 0.125 } as const;

const WRITES = new Set(['BatchWriteItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand']);
const READS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand', 'ScanCommand']);

export interface CapacityTotals {
  writeRequests: number;
  writeUnits: number;
  readRequests: number;
  readUnits: number;
  costUsd: number;
}

interface Consumed {
  CapacityUnits?: number;
}

export function meterCapacity(client: DynamoDBClient): { totals(): CapacityTotals } {
  const t = { writeRequests: 0, writeUnits: 0, readRequests: 0, readUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      const isWrite = WRITES.has(name);
      const isRead = READS.has(name);
      if (isWrite || isRead) (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (isWrite) {
        t.writeRequests += 1;
        t.writeUnits += units;
      } else if (isRead) {
        t.readRequests += 1;
        t.readUnits += units;
      }
      return out;
    },
    { step: 'initialize', name: 'followbackCapacityMeter' },
  );
  return {
    totals: () => ({
      ...t,
      costUsd: (t.writeUnits * ON_DEMAND_USD_PER_MILLION.write + t.readUnits * ON_DEMAND_USD_PER_MILLION.read) / 1_000_000,
    }),
  };
}
