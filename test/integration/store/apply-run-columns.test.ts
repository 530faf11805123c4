/**
 * A first import writes its interactions from the columns it read the staged
 * parts into (issue 20, point 2). On DynamoDB Local: the same interactions
 * given as plain objects to one table and as an InteractionLog to another are
 * stored as the same items, each key once (the last given winning), and
 * counted alike.
 */
import { describe, expect, it } from 'vitest';
import { InteractionLog, type SourcedInteraction } from '../../../shared/domain/interaction-log.ts';
import { syntheticInteraction } from '../../bench/synthetic-community.ts';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { changes } from './fixtures.ts';

const NOW = new Date('2026-11-25T08:00:00.000Z');

/** A synthetic community's history, with what a source really sends: repeats, other spellings, links, languages. */
function history(): SourcedInteraction[] {
  const rows = Array.from({ length: 600 }, (_, k) => syntheticInteraction(k, 50, NOW, k % 7 === 0 ? 'sky' : 'masto'));
  return [
    ...rows,
    // The same key again (source, id, instant): written once, the last one given.
    { ...rows[3], text: 'edited' } as SourcedInteraction,
    // The same instant spelled another way: still one key.
    { ...rows[10], at: `${(rows[10]?.at ?? '').slice(0, 19)}Z`, postUrl: 'https://x.social/p/10' } as SourcedInteraction,
    // The same id at another instant, and in another source: other keys.
    { ...rows[20], at: '2026-11-01T10:00:00+02:00', lang: 'it' } as SourcedInteraction,
    { ...rows[30], sourceId: 'other' } as SourcedInteraction,
  ];
}

describe('applyRun writes the same items from columns as from objects (DynamoDB Local)', () => {
  it('same items, each key once, the same counts', async () => {
    const plain = await freshTable();
    const columns = await freshTable();
    const rows = history();
    const plainStats = await plain.store.applyRun('alice', changes({ interactions: rows }), 730);
    const columnStats = await columns.store.applyRun('alice', changes({ interactions: InteractionLog.from(rows) }), 730);
    expect(columnStats).toEqual(plainStats);
    // 604 given, 2 of them keys already given.
    expect(plainStats.interactionsWritten).toBe(602);

    const bySk = (items: Record<string, unknown>[]): Map<string, Record<string, unknown>> => new Map(items.filter((i) => i['entity'] === 'interaction').map((i) => [String(i['sk']), i]));
    const a = bySk(await scanAll(plain.doc, plain.tableName));
    const b = bySk(await scanAll(columns.doc, columns.tableName));
    expect(b.size).toBe(602);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [sk, item] of a) expect(b.get(sk), sk).toEqual(item);
    // The last of a repeated key is the one stored.
    expect([...b.values()].find((i) => i['id'] === rows[3]?.id && i['sourceId'] === rows[3]?.sourceId)?.['text']).toBe('edited');
    await plain.drop();
    await columns.drop();
  });
});
