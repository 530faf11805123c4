/**
 * The owner's tone labels on DynamoDB Local: stored per profile beside the
 * decisions, listed, replaced, removed; invisible to the profile's other queries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ToneLabel } from '../../../shared/ports/tone-labels.ts';
import { DynamoToneLabelStore } from '../../../shared/store/dynamo-tone-label-store.ts';
import { interactionRef, textHash, textRef } from '../../../shared/classify/tone/owner-labels.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';

describe('DynamoToneLabelStore', () => {
  let table: FreshTable;
  let labels: DynamoToneLabelStore;

  beforeAll(async () => {
    table = await freshTable();
    labels = new DynamoToneLabelStore({ client: table.client, tableName: table.tableName });
  }, 120_000);

  const byText: ToneLabel = { ref: textRef('questo post spacca'), textHash: textHash('questo post spacca'), text: 'questo post spacca', label: 'not_criticism', at: '2026-12-01T10:00:00.000Z', by: 'cli' };
  const byInteraction: ToneLabel = { ref: interactionRef('masto', '1099'), sourceId: 'masto', interactionId: '1099', label: 'criticism', at: '2026-12-02T10:00:00.000Z', by: 'page' };

  it('stores labels per profile and lists them back as stored', async () => {
    await labels.putLabel('ada', byText);
    await labels.putLabel('ada', byInteraction);
    await labels.putLabel('bob', { ...byText, label: 'criticism' });
    const ada = await labels.listLabels('ada');
    expect(ada.sort((a, b) => a.ref.localeCompare(b.ref))).toEqual([byInteraction, byText].sort((a, b) => a.ref.localeCompare(b.ref)));
    expect(await labels.listLabels('bob')).toEqual([{ ...byText, label: 'criticism' }]);
    expect(await labels.listLabels('nobody')).toEqual([]);
  });

  it('replaces a label on the same reply and removes it once', async () => {
    await labels.putLabel('ada', { ...byText, label: 'criticism', at: '2026-12-03T10:00:00.000Z' });
    expect((await labels.listLabels('ada')).find((l) => l.ref === byText.ref)?.label).toBe('criticism');
    expect(await labels.deleteLabel('ada', byText.ref)).toBe(true);
    expect(await labels.deleteLabel('ada', byText.ref)).toBe(false);
    expect((await labels.listLabels('ada')).map((l) => l.ref)).toEqual([byInteraction.ref]);
  });

  it('sits in the profile partition under TL#, which no other query of the profile reads', async () => {
    const items = await scanAll(table.doc, table.tableName);
    const mine = items.filter((i) => i['entity'] === 'tone-label');
    expect(mine.every((i) => String(i['pk']).startsWith('P#') && String(i['sk']).startsWith('TL#'))).toBe(true);
    const state = await table.store.loadProfileState('ada');
    expect(state.decisions).toEqual([]);
    expect(state.contacts).toEqual([]);
  });

  it('refuses a label that is not one of the two kinds', async () => {
    await expect(labels.putLabel('ada', { ...byText, label: 'meh' as never })).rejects.toThrow();
  });
});
