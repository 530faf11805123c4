import { describe, it, expect } from 'vitest';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BATCH_LIMIT,
  BatchWriteError,
  backoffDelay,
  writeInBatches,
  type DocWriteRequest,
} from '../../../shared/store/batch-writer.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { changes, contact, interaction } from './fixtures.ts';

const put = (n: number): DocWriteRequest => ({ PutRequest: { Item: { pk: 'p', sk: `s${n}` } } });
const puts = (count: number): DocWriteRequest[] => Array.from({ length: count }, (_, i) => put(i));

/** Records sleeps instead of waiting. */
function fakeSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe('writeInBatches (fake DynamoDB: it rarely leaves items unprocessed for real)', () => {
  it('sends at most 25 requests per call and writes them all', async () => {
    const sizes: number[] = [];
    const written = await writeInBatches(async (batch) => (sizes.push(batch.length), []), puts(61));
    expect(sizes).toEqual([25, 25, 11]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH_LIMIT);
    expect(written).toBe(61);
  });

  it('re-sends only the unprocessed items, backing off between attempts', async () => {
    const { sleep, waits } = fakeSleep();
    const sent: string[][] = [];
    const leftovers = [puts(25).slice(10), puts(25).slice(20), []];
    const written = await writeInBatches(
      async (batch) => {
        sent.push(batch.map((r) => String(r.PutRequest?.Item['sk'])));
        return leftovers.shift() ?? [];
      },
      puts(25),
      { sleep, random: () => 0.999, baseDelayMs: 100, maxDelayMs: 10_000 },
    );
    expect(written).toBe(25);
    expect(sent.map((b) => b.length)).toEqual([25, 15, 5]);
    expect(sent[2]).toEqual(['s20', 's21', 's22', 's23', 's24']);
    // Full jitter under a ceiling that doubles: 100, then 200.
    expect(waits).toEqual([99, 199]);
  });

  it('gives up after maxAttempts, naming how many items were left', async () => {
    const { sleep, waits } = fakeSleep();
    // Each attempt gets 3 items through: 10 -> 7 -> 4 -> 1 left after three attempts.
    const attempt = writeInBatches(async (batch) => batch.slice(3), puts(10), { sleep, maxAttempts: 3, random: () => 0.5 });
    await expect(attempt).rejects.toBeInstanceOf(BatchWriteError);
    await expect(attempt).rejects.toThrow(/1 item\(s\) of batch 1 of 1 still unprocessed after 3 attempts/);
    await expect(attempt).rejects.toMatchObject({ unwritten: 1 });
    expect(waits).toHaveLength(2);
  });

  it('counts chunks never sent among the unwritten when one chunk fails', async () => {
    let calls = 0;
    const attempt = writeInBatches(
      async () => {
        calls += 1;
        if (calls === 2) throw new Error('ProvisionedThroughputExceededException: slow down');
        return [];
      },
      puts(100),
      { concurrency: 1, tableName: 'followback' },
    );
    await expect(attempt).rejects.toThrow(/table followback failed for batch 2 of 4: ProvisionedThroughputExceededException/);
    await expect(attempt).rejects.toThrow(/75 of 100 item\(s\) not written/);
  });

  it('backoff grows exponentially, is capped, and never exceeds its ceiling', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 10].map((retry) => backoffDelay(retry, 50, 1000, top))).toEqual([49, 99, 199, 399, 999]);
    expect(backoffDelay(5, 50, 1000, () => 0)).toBe(0);
  });
});

describe('DynamoStore.applyRun when DynamoDB throttles a batch (DynamoDB Local behind a throttling proxy)', () => {
  /** A document client that forwards only the first `accept` requests of each batch and returns the rest as unprocessed. */
  function throttling(doc: DynamoDBDocumentClient, tableName: string, accept: number): { client: DynamoDBDocumentClient; calls: () => number } {
    let calls = 0;
    const original = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
    const proxy = Object.create(doc) as DynamoDBDocumentClient;
    const send = async (command: unknown): Promise<unknown> => {
      if (!(command instanceof BatchWriteCommand)) return original(command);
      calls += 1;
      const requests = command.input.RequestItems?.[tableName] ?? [];
      if (accept > 0) await original(new BatchWriteCommand({ RequestItems: { [tableName]: requests.slice(0, accept) } }));
      const rest = requests.slice(accept);
      return { UnprocessedItems: rest.length > 0 ? { [tableName]: rest } : {} };
    };
    Object.defineProperty(proxy, 'send', { value: send });
    return { client: proxy, calls: () => calls };
  }

  it('retries unprocessed items until every one is stored, and counts each once', async () => {
    const { doc, tableName } = await freshTable();
    const { client, calls } = throttling(doc, tableName, 7);
    const { sleep, waits } = fakeSleep();
    const store = new DynamoStore({ client, tableName, sleep, clock: () => new Date('2026-12-01T00:00:00Z') });
    const contacts = Array.from({ length: 30 }, (_, i) => contact(`c${i}`));
    const interactions = Array.from({ length: 20 }, (_, i) => interaction(`i${i}`, '2026-11-20T10:00:00Z'));

    const stats = await store.applyRun('alice', changes({ contacts, interactions }), 730);

    expect(stats.items).toBe(51);
    expect(await scanAll(doc, tableName)).toHaveLength(51);
    expect(calls()).toBeGreaterThan(2);
    expect(waits.length).toBeGreaterThan(0);
    expect((await store.loadProfileState('alice')).contacts).toHaveLength(30);
  });

  it('writes no run record when a batch never gets through', async () => {
    const { doc, tableName } = await freshTable();
    const { client } = throttling(doc, tableName, 0);
    const { sleep } = fakeSleep();
    const store = new DynamoStore({ client, tableName, sleep, batch: { maxAttempts: 3 } });
    await expect(store.applyRun('alice', changes({ contacts: [contact('a'), contact('b')] }), 730)).rejects.toThrow(
      /2 item\(s\) of batch 1 of 1 still unprocessed after 3 attempts/,
    );
    expect(await store.listRuns('alice', 5)).toEqual([]);
  });
});
