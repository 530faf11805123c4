/**
 * A link's contacts read in one BatchGetItem (DynamoDB Local, through a counting
 * proxy on 127.0.0.1 that can also leave keys unprocessed, as a throttled table does).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionLedger } from '../../../shared/store/dynamo-decision-ledger.ts';
import { makeLocalClient } from '../../../shared/store/local-dynamo.ts';
import { MAX_KEYS_PER_TOKEN } from '../../../shared/decide/token.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { changes, contact } from '../store/fixtures.ts';

/**
 * Forwards to DynamoDB Local, counting operations. `leaveUnprocessed(n)`: the next n BatchGetItem calls of
 * more than one key read only the first half and hand the rest back unprocessed; `leaveUnprocessed(Infinity)`:
 * every call reads nothing and hands every key back.
 */
async function countingProxy(target: string): Promise<{ endpoint: string; calls: Record<string, number>; batchSizes: number[]; leaveUnprocessed(times: number): void; close(): Promise<void> }> {
  const upstream = new URL(target);
  const calls: Record<string, number> = {};
  const batchSizes: number[] = [];
  let unprocessed = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      calls[operation] = (calls[operation] ?? 0) + 1;
      let body = Buffer.concat(chunks);
      let leftOver: { table: string; keys: unknown[] } | undefined;
      if (operation === 'BatchGetItem') {
        const input = JSON.parse(body.toString('utf8')) as { RequestItems: Record<string, { Keys: unknown[]; ConsistentRead?: boolean }> };
        const [table, entry] = Object.entries(input.RequestItems)[0] ?? [];
        if (table !== undefined && entry !== undefined) {
          batchSizes.push(entry.Keys.length);
          if (unprocessed === Infinity) {
            const answer = JSON.stringify({ Responses: { [table]: [] }, UnprocessedKeys: { [table]: { Keys: entry.Keys, ConsistentRead: true } } });
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(answer)) }).end(answer);
            return;
          }
          if (unprocessed > 0 && entry.Keys.length > 1) {
            unprocessed--;
            const half = Math.ceil(entry.Keys.length / 2);
            leftOver = { table, keys: entry.Keys.slice(half) };
            entry.Keys = entry.Keys.slice(0, half);
            body = Buffer.from(JSON.stringify(input));
          }
        }
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) } },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            let out = Buffer.concat(parts);
            if (leftOver !== undefined) {
              const answer = JSON.parse(out.toString('utf8')) as { UnprocessedKeys?: Record<string, unknown> };
              answer.UnprocessedKeys = { [leftOver.table]: { Keys: leftOver.keys, ConsistentRead: true } };
              out = Buffer.from(JSON.stringify(answer));
            }
            // The body changed: its length with it, and DynamoDB's checksum of it no longer holds.
            const headers: Record<string, string | string[] | undefined> = { ...up.headers, 'content-length': String(out.length) };
            delete headers['x-amz-crc32'];
            res.writeHead(up.statusCode ?? 502, headers).end(out);
          });
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    batchSizes,
    leaveUnprocessed: (times) => void (unprocessed = times),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('DynamoDecisionLedger.findContacts (DynamoDB Local)', () => {
  let table: FreshTable;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let ledger: DynamoDecisionLedger;
  const warnings: { message: string; extra: Record<string, unknown> }[] = [];
  const stored = Array.from({ length: 60 }, (_, i) => contact(`c${i}`, { reasons: ['never_engaged'] }));

  beforeAll(async () => {
    table = await freshTable();
    await table.store.applyRun('alice', changes({ contacts: stored }), 730);
    // A contact item that no longer parses (a relation this version does not know, a date that is not one).
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'P#alice', sk: 'C#mastodon#broken', entity: 'contact', id: 'broken', handle: 'broken@x', relation: 'friend', sourceId: 'mastodon', platform: 'mastodon', firstSeenAt: 'yesterday', lastSeenAt: '2026-11-01T00:00:00Z' },
      }),
    );
    proxy = await countingProxy(table.endpoint);
    ledger = new DynamoDecisionLedger({
      client: DynamoDBDocumentClient.from(makeLocalClient(proxy.endpoint)),
      tableName: table.tableName,
      warn: (message, extra) => warnings.push({ message, extra }),
      sleep: async () => {},
    });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  function resetCounts(): void {
    for (const k of Object.keys(proxy.calls)) delete proxy.calls[k];
    proxy.batchSizes.length = 0;
    proxy.leaveUnprocessed(0);
    warnings.length = 0;
  }

  it("reads a whole link's contacts (the most a link holds) in one BatchGetItem, an entry for every key asked", async () => {
    resetCounts();
    const keys = [...stored.slice(0, MAX_KEYS_PER_TOKEN - 4).map((c) => `mastodon:${c.id}`), 'mastodon:nobody', 'bluesky:did:plc:abc', 'no-colon', 'mastodon:c0'];
    const found = await ledger.findContacts('alice', keys);
    expect(proxy.calls).toEqual({ BatchGetItem: 1 });
    // The duplicate key is asked once (BatchGetItem refuses duplicates); the key without a colon is not asked at all.
    expect(proxy.batchSizes).toEqual([MAX_KEYS_PER_TOKEN - 4 + 2]);
    expect([...found.keys()].sort()).toEqual([...new Set(keys)].sort());
    expect(found.get('mastodon:nobody')).toBeNull();
    expect(found.get('bluesky:did:plc:abc')).toBeNull();
    expect(found.get('no-colon')).toBeNull();
    const c7 = found.get('mastodon:c7');
    expect(c7).toMatchObject({ id: 'c7', handle: 'c7@example.social', displayName: 'Person c7', relation: 'following' });
    // The same contact as the single read gives.
    expect(c7).toEqual(await ledger.findContact('alice', 'mastodon:c7'));
    expect(warnings).toEqual([]);
  });

  it('an unreadable stored contact is null (an unknown contact on the page) and logged; the others are read', async () => {
    resetCounts();
    const found = await ledger.findContacts('alice', ['mastodon:c1', 'mastodon:broken', 'mastodon:c2']);
    expect(found.get('mastodon:broken')).toBeNull();
    expect(found.get('mastodon:c1')).toMatchObject({ id: 'c1' });
    expect(found.get('mastodon:c2')).toMatchObject({ id: 'c2' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toBe('stored contact unreadable; shown as unknown');
    expect(warnings[0]?.extra['contact']).toBe('mastodon:broken');
    expect(String(warnings[0]?.extra['problem'])).toMatch(/relation/);
    // The single read too: null and logged, never a thrown error for the whole page.
    expect(await ledger.findContact('alice', 'mastodon:broken')).toBeNull();
    expect(warnings).toHaveLength(2);
  });

  it('asks again for the keys DynamoDB left unprocessed, until every one is read', async () => {
    resetCounts();
    proxy.leaveUnprocessed(2);
    const keys = stored.slice(0, 40).map((c) => `mastodon:${c.id}`);
    const found = await ledger.findContacts('alice', keys);
    expect(proxy.batchSizes).toEqual([40, 20, 10]);
    expect(keys.every((k) => found.get(k)?.id === k.slice('mastodon:'.length))).toBe(true);
  });

  it('gives up with a clear error when keys stay unprocessed', async () => {
    resetCounts();
    proxy.leaveUnprocessed(Infinity);
    await expect(ledger.findContacts('alice', stored.slice(0, 4).map((c) => `mastodon:${c.id}`))).rejects.toThrow(/BatchGetItem contacts.*4 keys still unprocessed after 6 retries/);
    expect(proxy.batchSizes).toEqual([4, 4, 4, 4, 4, 4, 4]);
  });

  it('more keys than one call takes are read 100 at a time', async () => {
    resetCounts();
    const keys = Array.from({ length: 150 }, (_, i) => `mastodon:c${i}`);
    const found = await ledger.findContacts('alice', keys);
    expect(proxy.batchSizes).toEqual([100, 50]);
    expect([...found.values()].filter((c) => c !== null)).toHaveLength(stored.length);
  });
});
