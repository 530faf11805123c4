import { describe, it, expect } from 'vitest';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { changes, interaction } from './fixtures.ts';

const clock = (iso: string) => () => new Date(iso);

describe('DynamoStore.loadInteractions (month buckets on DynamoDB Local)', () => {
  it('returns interactions since the given instant across month and year buckets, oldest first', async () => {
    const { store, doc, tableName } = await freshTable({ clock: clock('2027-02-10T00:00:00Z') });
    const all = [
      interaction('too-old', '2026-10-14T23:59:59.999Z'),
      interaction('edge', '2026-10-15T00:00:00.000Z'),
      interaction('nov', '2026-11-30T23:00:00.000Z'),
      interaction('dec', '2026-12-31T23:59:00.000Z'),
      interaction('jan', '2027-01-01T00:01:00.000Z'),
      interaction('feb', '2027-02-09T08:00:00.000Z'),
      interaction('oct-late', '2026-10-20T00:00:00.000Z'),
    ];
    await store.applyRun('alice', changes({ interactions: all }), 730);
    const buckets = new Set((await scanAll(doc, tableName)).filter((i) => i['entity'] === 'interaction').map((i) => i['pk']));
    expect(buckets.size).toBe(5);

    const loaded = await store.loadInteractions('alice', '2026-10-15T00:00:00Z');
    expect(loaded.map((i) => i.id)).toEqual(['edge', 'oct-late', 'nov', 'dec', 'jan', 'feb']);
  });

  it('orders by the instant even when interactions were written with different offsets', async () => {
    const { store } = await freshTable({ clock: clock('2026-12-01T00:00:00Z') });
    await store.applyRun(
      'alice',
      changes({
        interactions: [
          interaction('later', '2026-11-01T01:30:00+01:00'), // 00:30Z
          interaction('earlier', '2026-11-01T00:15:00Z'),
          // 31 October in UTC, although the local date says November.
          interaction('october', '2026-11-01T00:30:00+02:00'),
        ],
      }),
      730,
    );
    expect((await store.loadInteractions('alice', '2026-10-31T00:00:00Z')).map((i) => i.id)).toEqual(['october', 'earlier', 'later']);
    expect((await store.loadInteractions('alice', '2026-11-01T00:00:00Z')).map((i) => i.id)).toEqual(['earlier', 'later']);
  });

  it('finds interactions stamped slightly ahead of the clock in the next month', async () => {
    const { store } = await freshTable({ clock: clock('2026-11-30T23:59:00Z') });
    await store.applyRun('alice', changes({ interactions: [interaction('skewed', '2026-12-01T00:00:30Z')] }), 730);
    expect((await store.loadInteractions('alice', '2026-11-01T00:00:00Z')).map((i) => i.id)).toEqual(['skewed']);
  });

  it('reads the months up to a run clock that is ahead of the real one', async () => {
    const { store } = await freshTable({ clock: () => new Date('2026-11-25T00:00:00Z') });
    await store.applyRun('alice', changes({ interactions: [interaction('jan', '2027-01-20T10:00:00.000Z')] }), 730);
    expect(await store.loadInteractions('alice', '2026-10-01T00:00:00Z')).toEqual([]);
    const ahead = await store.loadInteractions('alice', '2026-10-01T00:00:00Z', '2027-02-01T00:00:00Z');
    expect(ahead.map((i) => i.id)).toEqual(['jan']);
  });

  it('keeps interactions of different sources with the same id apart', async () => {
    const { store } = await freshTable({ clock: clock('2026-12-01T00:00:00Z') });
    const at = '2026-11-20T10:00:00.000Z';
    await store.applyRun('alice', changes({ interactions: [interaction('1', at), interaction('1', at, { sourceId: 'bsky' })] }), 730);
    expect((await store.loadInteractions('alice', '2026-11-01T00:00:00Z')).map((i) => i.sourceId).sort()).toEqual(['bsky', 'mastodon']);
  });

  it('a since in the future gives nothing rather than failing', async () => {
    const { store } = await freshTable({ clock: clock('2026-12-01T00:00:00Z') });
    await store.applyRun('alice', changes({ interactions: [interaction('1', '2026-11-20T10:00:00Z')] }), 730);
    expect(await store.loadInteractions('alice', '2027-05-01T00:00:00Z')).toEqual([]);
  });

  it('a since that is not an instant is refused with the value named', async () => {
    const { store } = await freshTable();
    await expect(store.loadInteractions('alice', 'last tuesday')).rejects.toThrow(/"last tuesday"/);
  });
});
