import { describe, it, expect } from 'vitest';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { TTL_ATTRIBUTE } from '../../../shared/store/table-schema.ts';
import { changes, contact, interaction, runRecord, sourceState } from './fixtures.ts';

const DAY_S = 86_400;

describe('DynamoStore.applyRun (DynamoDB Local)', () => {
  it('writes exactly the items it is given, and counts them', async () => {
    const { store, doc, tableName } = await freshTable();
    const contacts = Array.from({ length: 37 }, (_, i) => contact(`c${i}`));
    const interactions = Array.from({ length: 61 }, (_, i) => interaction(`i${i}`, `2026-0${1 + (i % 9)}-1${i % 10}T12:00:00.000Z`));
    const stats = await store.applyRun('alice', changes({ contacts, interactions, sources: [sourceState()] }), 730);

    const items = await scanAll(doc, tableName);
    const byEntity = (entity: string): number => items.filter((item) => item['entity'] === entity).length;
    expect(byEntity('contact')).toBe(37);
    expect(byEntity('interaction')).toBe(61);
    expect(byEntity('source')).toBe(1);
    expect(byEntity('run')).toBe(1);
    expect(items).toHaveLength(37 + 61 + 1 + 1);
    expect(stats).toEqual({ contactsWritten: 37, contactsRemoved: 0, interactionsWritten: 61, sourcesWritten: 1, items: 100 });
  });

  it('reports its progress batch by batch, ending with every item written', async () => {
    const { store } = await freshTable();
    const interactions = Array.from({ length: 120 }, (_, i) => interaction(`p${i}`, '2026-05-01T12:00:00.000Z'));
    const seen: [number, number][] = [];
    const stats = await store.applyRun('alice', changes({ interactions }), 730, (done, total) => seen.push([done, total]));
    expect(seen.length).toBeGreaterThanOrEqual(5); // 120 items = 5 batches of 25, then the run record
    expect(seen.every(([, total]) => total === 121)).toBe(true);
    expect(seen.map(([done]) => done)).toEqual([...seen.map(([done]) => done)].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual([121, 121]);
    expect(stats.items).toBe(121);
  });

  it('a later run touches only what it names: unchanged contacts stay, removed ones go', async () => {
    const { store, doc, tableName } = await freshTable();
    await store.applyRun('alice', changes({ contacts: [contact('a'), contact('b'), contact('c')] }), 730);
    const stats = await store.applyRun(
      'alice',
      changes({
        contacts: [contact('b', { displayName: 'B renamed' })],
        removedContactKeys: ['mastodon:c'],
        run: runRecord('run-2', '2026-11-26T08:00:00.000Z'),
      }),
      730,
    );
    expect(stats).toMatchObject({ contactsWritten: 1, contactsRemoved: 1, items: 3 });
    const state = await store.loadProfileState('alice');
    expect(state.contacts.map((c) => [c.id, c.displayName]).sort()).toEqual([
      ['a', 'Person a'],
      ['b', 'B renamed'],
    ]);
    expect(await scanAll(doc, tableName)).toHaveLength(2 + 2);
  });

  it('a contact id containing separators is removed by its "sourceId:contactId" key', async () => {
    const { store } = await freshTable();
    const did = 'did:plc:abc#x';
    await store.applyRun('alice', changes({ contacts: [contact(did, { sourceId: 'bsky', platform: 'bluesky' }), contact('keep')] }), 730);
    await store.applyRun('alice', changes({ removedContactKeys: [`bsky:${did}`] }), 730);
    expect((await store.loadProfileState('alice')).contacts.map((c) => c.id)).toEqual(['keep']);
  });

  it('a malformed removed-contact key is refused before anything is written, naming its index', async () => {
    const { store, doc, tableName } = await freshTable();
    await expect(store.applyRun('alice', changes({ contacts: [contact('x')], removedContactKeys: ['mastodon:1', 'nocolon'] }), 730)).rejects.toThrow(
      /removedContactKeys\[1\].*"nocolon"/,
    );
    expect(await scanAll(doc, tableName)).toHaveLength(0);
  });

  it('an interaction without a valid time is refused before anything is written, naming its index and id', async () => {
    const { store, doc, tableName } = await freshTable();
    const bad = [interaction('ok', '2026-11-20T10:00:00Z'), interaction('broken', 'not a date')];
    await expect(store.applyRun('alice', changes({ interactions: bad }), 730)).rejects.toThrow(/interactions\[1\].*"broken".*"not a date"/);
    await expect(store.applyRun('alice', changes({ run: runRecord('r', 'soon') }), 730)).rejects.toThrow(/run\.at of run r/);
    expect(await scanAll(doc, tableName)).toHaveLength(0);
  });

  it('the same interaction given twice is stored once', async () => {
    const { store, doc, tableName } = await freshTable();
    const like = interaction('dup', '2026-11-20T10:00:00.000Z');
    const stats = await store.applyRun('alice', changes({ interactions: [like, { ...like }] }), 730);
    expect(stats.interactionsWritten).toBe(1);
    expect((await scanAll(doc, tableName)).filter((i) => i['entity'] === 'interaction')).toHaveLength(1);
  });

  it('one instant spelled two ways is one item (the key holds it in UTC), the later copy winning; the same id at another instant is another item', async () => {
    const { store, doc, tableName } = await freshTable();
    const like = interaction('dup', '2026-11-20T10:00:00.000Z');
    const sameInstant = { ...like, at: '2026-11-20T11:00:00+01:00', postUrl: 'https://m.example/@me/2' };
    const later = { ...like, at: '2026-11-21T10:00:00.000Z' };
    // Far apart in a long list, and side by side: neither may reach DynamoDB as two puts of one key.
    const filler = Array.from({ length: 60 }, (_, i) => interaction(`f${i}`, '2026-11-19T10:00:00.000Z'));
    const stats = await store.applyRun('alice', changes({ interactions: [like, ...filler, sameInstant, later] }), 730);
    expect(stats.interactionsWritten).toBe(62);
    const dups = (await scanAll(doc, tableName)).filter((i) => i['entity'] === 'interaction' && i['id'] === 'dup');
    expect(dups.map((i) => i['postUrl'] ?? null).sort()).toEqual(['https://m.example/@me/2', null]);
  });

  it('every interaction expires retentionDays after it happened (TTL attribute in epoch seconds)', async () => {
    const { store, doc, tableName } = await freshTable();
    const at = '2026-03-10T12:34:56.789+01:00';
    await store.applyRun('alice', changes({ interactions: [interaction('i1', at)] }), 400);
    const [item] = (await scanAll(doc, tableName)).filter((i) => i['entity'] === 'interaction');
    expect(item?.[TTL_ATTRIBUTE]).toBe(Math.floor(Date.parse(at) / 1000) + 400 * DAY_S);
  });

  it('contacts, sources and run records carry no TTL: they must outlive interaction retention', async () => {
    const { store, doc, tableName } = await freshTable();
    await store.applyRun('alice', changes({ contacts: [contact('a')], sources: [sourceState()] }), 30);
    const items = await scanAll(doc, tableName);
    expect(items).toHaveLength(3);
    for (const item of items) expect(item[TTL_ATTRIBUTE]).toBeUndefined();
  });

  it('a retention that is not a positive whole number of days is refused', async () => {
    const { store } = await freshTable();
    await expect(store.applyRun('alice', changes(), 0)).rejects.toThrow(/retentionDays/);
  });

  it('a run with nothing changed writes only its run record', async () => {
    const { store, doc, tableName } = await freshTable();
    const stats = await store.applyRun('alice', changes(), 730);
    expect(stats.items).toBe(1);
    expect((await scanAll(doc, tableName)).map((i) => i['entity'])).toEqual(['run']);
  });
});
