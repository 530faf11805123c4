import { describe, it, expect } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { freshTable } from '../../helpers/dynamo.ts';
import { CorruptItemError } from '../../../shared/store/stored-items.ts';
import { changes, contact } from './fixtures.ts';

describe('DynamoStore reading corrupt items (DynamoDB Local)', () => {
  it('a contact item with a bad field fails with its key and the field path', async () => {
    const { store, doc, tableName } = await freshTable();
    await store.applyRun('alice', changes({ contacts: [contact('good')] }), 730);
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'P#alice', sk: 'C#mastodon#bad', entity: 'contact', id: 'bad', handle: 'bad@x', relation: 'friend', sourceId: 'mastodon', platform: 'mastodon', firstSeenAt: 'yesterday', lastSeenAt: '2026-11-01T00:00:00Z' },
      }),
    );
    const failure = store.loadProfileState('alice');
    await expect(failure).rejects.toBeInstanceOf(CorruptItemError);
    await expect(failure).rejects.toThrow(/pk="P#alice" sk="C#mastodon#bad"/);
    await expect(failure).rejects.toThrow(/relation/);
    await expect(failure).rejects.toThrow(/firstSeenAt/);
    await expect(failure).rejects.toThrow(new RegExp(tableName));
  });

  it('a run record missing its figures fails naming the figures field', async () => {
    const { store, doc, tableName } = await freshTable();
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'P#alice', sk: 'R#2026-11-25T08:00:00.000Z#r1', profileId: 'alice', runId: 'r1', at: '2026-11-25T08:00:00Z', startedAt: '2026-11-25T08:00:00Z', finishedAt: '2026-11-25T08:00:00Z', dryRun: false, sources: [], writes: { contactsWritten: 0, contactsRemoved: 0, interactionsWritten: 0, sourcesWritten: 0, items: 1 } },
      }),
    );
    await expect(store.listRuns('alice', 5)).rejects.toThrow(/sk="R#2026-11-25T08:00:00.000Z#r1".*figures/);
  });

  it('an interaction with an unknown kind fails naming its bucket and sort key', async () => {
    const { store, doc, tableName } = await freshTable({ clock: () => new Date('2026-11-25T00:00:00Z') });
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'P#alice#I#2026-11', sk: '2026-11-20T00:00:00.000Z#mastodon#9', id: '9', contactId: 'c', kind: 'poke', direction: 'inbound', at: '2026-11-20T00:00:00Z', sourceId: 'mastodon' },
      }),
    );
    await expect(store.loadInteractions('alice', '2026-11-01T00:00:00Z')).rejects.toThrow(/pk="P#alice#I#2026-11".*kind/);
  });

  it('a corrupt session item fails without revealing any stored value', async () => {
    const { store, doc, tableName } = await freshTable();
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'X#bsky', sk: 'X', value: ['hunter2-token'] } }));
    const failure = store.get('bsky');
    await expect(failure).rejects.toThrow(/sk="X".*value/);
    // Table names are random hex, so only the secret's own text is a safe thing to look for.
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
