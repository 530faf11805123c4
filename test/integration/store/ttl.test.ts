/**
 * Retention: interactions carry DynamoDB's TTL attribute `expiresAt` (epoch
 * seconds) = at + retentionDays, the table's TTL is on that attribute, and
 * nothing else (contacts, decisions, runs) expires by itself.
 */
import { join } from 'node:path';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TTL_ATTRIBUTE } from '../../../shared/store/table-schema.ts';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { cli, tempDir, writeJson } from '../cli/cli-harness.ts';
import { changes, contact, interaction, runRecord, sourceState } from './fixtures.ts';

const DAY_S = 86_400;

describe('retention through DynamoDB TTL (DynamoDB Local)', () => {
  it('the table expires items on the expiresAt attribute', async () => {
    const { client, tableName } = await freshTable();
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
  });

  it.each([30, 45, 730, 3650])('a run with retentionDays %i stamps every interaction with at + retentionDays, in epoch seconds', async (retentionDays) => {
    const { store, doc, tableName } = await freshTable();
    // Relative to the real clock: DynamoDB Local honours TTL, so an item already expired is not read back.
    const now = Date.now();
    const offset = (ms: number): string => new Date(ms + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    const ats = [new Date(now - 20 * DAY_S * 1000).toISOString(), new Date(now - 3 * DAY_S * 1000 + 999).toISOString(), new Date(now - 60_500).toISOString(), offset(now - DAY_S * 1000)];
    await store.applyRun(
      'alice',
      changes({
        contacts: [contact('c1')],
        interactions: ats.map((at, i) => interaction(`i${i}`, at)),
        sources: [sourceState()],
        run: runRecord('run-1', '2026-11-25T08:00:00.000Z'),
      }),
      retentionDays,
    );
    await store.putDecision('alice', { contact: 'mastodon:c1', kind: 'allow', at: '2026-11-25T08:00:00.000Z' });
    const items = await scanAll(doc, tableName);
    const interactions = items.filter((i) => i['entity'] === 'interaction');
    expect(interactions).toHaveLength(ats.length);
    for (const item of interactions) {
      expect(item[TTL_ATTRIBUTE], String(item['at'])).toBe(Math.floor(Date.parse(String(item['at'])) / 1000) + retentionDays * DAY_S);
      expect(Number.isInteger(item[TTL_ATTRIBUTE])).toBe(true);
    }
    // An instant written with an offset expires by its UTC time.
    expect(items.find((i) => i['id'] === 'i3')?.[TTL_ATTRIBUTE]).toBe(Math.floor((now - DAY_S * 1000) / 1000) + retentionDays * DAY_S);
    // Contacts, sources, runs and decisions stay until forgotten or the table is deleted.
    for (const item of items.filter((i) => i['entity'] !== 'interaction')) expect(item[TTL_ATTRIBUTE], String(item['entity'])).toBeUndefined();
  });

  it('a CLI run with policy.retentionDays 60 stores only the last 60 days of interactions, each expiring 60 days after it happened', async () => {
    const table = await freshTable();
    const dir = await tempDir('fb-ttl-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'demo',
          sources: [{ type: 'demo', seed: 7, size: 300 }],
          policy: { retentionDays: 60, lookbackDays: 30 },
          report: { recipients: ['you@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    // Today's clock: DynamoDB Local hides items whose expiresAt has passed, so a fixed date would age this test out.
    const runAt = `${new Date().toISOString().slice(0, 10)}T08:00:00Z`;
    const run = await cli(['run', '--now', runAt], dir);
    expect(run.code, run.stdout + run.stderr.slice(-1500)).toBe(0);
    const interactions = (await scanAll(table.doc, table.tableName)).filter((i) => i['entity'] === 'interaction');
    expect(interactions.length).toBeGreaterThan(100);
    const cutoff = Date.parse(runAt) - 60 * DAY_S * 1000;
    for (const item of interactions) {
      const at = Date.parse(String(item['at']));
      expect(at).toBeGreaterThanOrEqual(cutoff);
      expect(item[TTL_ATTRIBUTE]).toBe(Math.floor(at / 1000) + 60 * DAY_S);
    }
    const claims = (await scanAll(table.doc, table.tableName)).filter((i) => i['entity'] === 'claim');
    for (const claim of claims) expect(typeof claim[TTL_ATTRIBUTE]).toBe('number');
  }, 120_000);
});
