import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { dynamoReady } from '../../helpers/dynamo.ts';
import { makeLocalClient } from '../../../shared/store/local-dynamo.ts';
import { TTL_ATTRIBUTE, createTable, deleteTable, keys, monthsBetween, tableExists } from '../../../shared/store/table-schema.ts';

describe('table lifecycle (DynamoDB Local)', () => {
  it('creating the table twice is fine, and it is on-demand with pk/sk keys and TTL on expiresAt', async () => {
    const client = makeLocalClient(await dynamoReady());
    const tableName = `schema-${randomUUID()}`;
    await createTable(client, tableName);
    await createTable(client, tableName);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TTL_ATTRIBUTE);
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toMatch(/ENABLED|ENABLING/);
  });

  it('deleting removes the table, and deleting a missing table is fine', async () => {
    const client = makeLocalClient(await dynamoReady());
    const tableName = `schema-${randomUUID()}`;
    await createTable(client, tableName);
    await deleteTable(client, tableName);
    expect(await tableExists(client, tableName)).toBe(false);
    await expect(deleteTable(client, tableName)).resolves.toBeUndefined();
  });

  it('an invalid table name fails naming the table', async () => {
    const client = makeLocalClient(await dynamoReady());
    await expect(createTable(client, 'x')).rejects.toThrow(/could not create DynamoDB table x/);
  });
});

describe('key design', () => {
  it('month buckets run from the first month to the last, across a year end', () => {
    expect(monthsBetween('2026-11-15T00:00:00Z', '2027-02-01T00:00:00Z')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-11-15T00:00:00Z', '2026-11-20T00:00:00Z')).toEqual(['2026-11']);
    expect(monthsBetween('2027-01-01T00:00:00Z', '2026-12-01T00:00:00Z')).toEqual([]);
  });

  it('an instant lands in its UTC month whatever offset it was written with', () => {
    expect(keys.month('2026-12-01T00:30:00+01:00')).toBe('2026-11');
    expect(keys.interaction('2026-12-01T00:30:00+01:00', 'mastodon', '7')).toBe('2026-11-30T23:30:00.000Z#mastodon#7');
  });

  it('run sort keys order by instant, newest last, regardless of offset text', () => {
    const a = keys.run('2026-11-02T09:30:00+02:00', 'x'); // 07:30Z
    const b = keys.run('2026-11-02T08:00:00Z', 'y');
    expect(a < b).toBe(true);
  });
});
