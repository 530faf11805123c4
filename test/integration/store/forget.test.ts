/**
 * DynamoStore.forgetContact against DynamoDB Local: a person who asks to be
 * removed leaves nothing behind (contact, interactions in every month bucket,
 * decisions, confirmed actions and their audit), nobody else loses anything,
 * and asking twice is safe.
 */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Policy } from '../../../shared/config/schema.ts';
import { MAX_RETENTION_DAYS } from '../../../shared/store/dynamo-store.ts';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';
import { changes, contact, interaction, runRecord, sourceState } from './fixtures.ts';

type Item = Record<string, NativeAttributeValue>;

const RUN_AT = '2026-11-25T08:00:00.000Z';
const clock = (): Date => new Date(RUN_AT);

/** One interaction on the 10th of every month from `from` (yyyy-mm) for `months` months. */
function monthly(prefix: string, from: string, months: number, overrides: Parameters<typeof interaction>[2]) {
  const [y, m] = from.split('-').map(Number) as [number, number];
  return Array.from({ length: months }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 + i, 10, 12));
    return interaction(`${prefix}-${i}`, d.toISOString(), overrides);
  });
}

const isAbout = (sourceId: string, contactId: string) => (item: Item): boolean =>
  (item['entity'] === 'contact' && item['sourceId'] === sourceId && item['id'] === contactId) ||
  (item['entity'] === 'interaction' && item['sourceId'] === sourceId && item['contactId'] === contactId) ||
  (item['entity'] === 'decision' && (item['contact'] === `${sourceId}:${contactId}` || item['contact'] === `@${contactId}@example.social`)) ||
  (item['entity'] === 'confirmed-action' && item['key'] === `${sourceId}:${contactId}`) ||
  (item['entity'] === 'action' && item['contactKey'] === `${sourceId}:${contactId}`) ||
  (item['entity'] === 'action-audit' && (JSON.parse(String(item['audit'])) as { contactKey: string }).contactKey === `${sourceId}:${contactId}`);

/** What the page and the act engine store about a contact: a confirmation, the request taken over from it, two audits. */
async function actedOn(store: Awaited<ReturnType<typeof freshTable>>['store'], profileId: string, contactKey: string, n: number): Promise<void> {
  const confirmation = { kind: 'link' as const, ref: `jti-${n}` };
  await store.decisionLedger().putConfirmedAction(profileId, { key: contactKey, action: 'unfollow', confirmedAt: RUN_AT, reportAt: RUN_AT, tokenId: `jti-${n}`, status: 'done', doneAt: RUN_AT });
  const actions = store.actionStore();
  const id = `20261125-00000${n}`;
  await actions.putActionRequest({ id, profileId, contactKey, handle: `@${contactKey}`, action: 'unfollow', reportAt: RUN_AT, confirmedAt: RUN_AT, confirmation, status: 'done', updatedAt: RUN_AT });
  for (const outcome of ['failed', 'done'] as const) {
    await actions.appendAudit({ actionId: id, profileId, contactKey, handle: `@${contactKey}`, at: RUN_AT, what: 'unfollow', outcome, confirmation });
  }
}

async function seeded() {
  const table = await freshTable({ clock });
  const { store } = table;
  const target = monthly('t', '2024-01', 35, { contactId: 'c1' }); // 2024-01 .. 2026-11: 35 buckets
  const burst = Array.from({ length: 60 }, (_, i) => interaction(`tb-${i}`, `2026-03-0${1 + (i % 9)}T0${i % 10}:00:00.000Z`, { contactId: 'c1' }));
  const ancient = interaction('t-ancient', '2017-02-01T00:00:00.000Z', { contactId: 'c1' }); // within 3650 days of the run
  const neighbour = monthly('n', '2024-01', 35, { contactId: 'c2' });
  const sameIdOtherSource = monthly('b', '2025-06', 6, { contactId: 'c1', sourceId: 'bluesky' });
  await store.applyRun(
    'alice',
    changes({
      contacts: [contact('c1'), contact('c2'), contact('c1', { sourceId: 'bluesky', platform: 'bluesky', handle: 'c1.bsky.social' })],
      interactions: [...target, ...burst, ancient, ...neighbour, ...sameIdOtherSource],
      sources: [sourceState(), sourceState({ sourceId: 'bluesky', platform: 'bluesky' })],
      run: runRecord('run-1', RUN_AT),
    }),
    MAX_RETENTION_DAYS,
  );
  await store.applyRun('bob', changes({ contacts: [contact('c1')], interactions: monthly('o', '2026-01', 3, { contactId: 'c1' }), run: runRecord('run-b', RUN_AT, { profileId: 'bob' }) }), 730);
  await store.putDecision('alice', { contact: 'mastodon:c1', kind: 'allow', at: RUN_AT });
  await store.putDecision('alice', { contact: '@c1@example.social', kind: 'snooze', until: '2027-01-01T00:00:00.000Z', at: RUN_AT });
  await store.putDecision('alice', { contact: 'mastodon:c2', kind: 'allow', at: RUN_AT });
  await actedOn(store, 'alice', 'mastodon:c1', 1);
  await actedOn(store, 'alice', 'mastodon:c2', 2);
  await actedOn(store, 'alice', 'bluesky:c1', 3);
  await actedOn(store, 'bob', 'mastodon:c1', 4);
  return { ...table, targetInteractions: target.length + burst.length + 1 };
}

describe('DynamoStore.forgetContact (DynamoDB Local)', () => {
  it('deletes the contact, its interactions in every month bucket, its decisions, confirmed actions and action audits, and nothing else', { timeout: 90_000 }, async () => {
    const { store, doc, tableName, targetInteractions } = await seeded();
    const before = await scanAll(doc, tableName);
    const about = before.filter(isAbout('mastodon', 'c1')).filter((i) => String(i['pk']).startsWith('P#alice'));
    expect(about.length).toBe(1 + targetInteractions + 2 + 1 + 1 + 2);

    const result = await store.forgetContact('alice', { sourceId: 'mastodon', contactId: 'c1', decisions: ['mastodon:c1', '@c1@example.social'] });
    expect(result).toMatchObject({ contact: true, interactions: targetInteractions, decisions: 2, actions: 2, audits: 2 });
    expect(result.interactionMonths).toHaveLength(35 + 1);
    expect(result.interactionMonths[0]).toBe('2017-02');
    expect(result.interactionMonths.at(-1)).toBe('2026-11');

    const after = await scanAll(doc, tableName);
    const key = (i: Item): string => `${String(i['pk'])}|${String(i['sk'])}`;
    const gone = new Set(about.map(key));
    // Exactly the target's items are gone: the neighbour, the same id on Bluesky and another profile's c1 stay, unchanged.
    expect(after.map(key).sort()).toEqual(before.filter((i) => !gone.has(key(i))).map(key).sort());
    expect(after.filter((i) => i['entity'] === 'interaction' && i['contactId'] === 'c2')).toHaveLength(35);
    expect(after.filter((i) => i['sourceId'] === 'bluesky' && i['entity'] === 'interaction')).toHaveLength(6);
    expect(after.filter((i) => String(i['pk']).startsWith('P#bob') && i['entity'] === 'interaction')).toHaveLength(3);
    expect(after.filter((i) => i['entity'] === 'run')).toHaveLength(2);
    // Other contacts' confirmations, requests and audits (c2, the same id on Bluesky, bob's c1) stay.
    expect(after.filter((i) => i['entity'] === 'confirmed-action')).toHaveLength(3);
    expect(after.filter((i) => i['entity'] === 'action')).toHaveLength(3);
    expect(after.filter((i) => i['entity'] === 'action-audit')).toHaveLength(6);
    expect(await store.actionStore().listAudits('alice')).toEqual(expect.not.arrayContaining([expect.objectContaining({ contactKey: 'mastodon:c1' })]));
  });

  it('is idempotent: a second forget finds nothing and changes nothing', async () => {
    const { store, doc, tableName } = await seeded();
    const target = { sourceId: 'mastodon', contactId: 'c1', decisions: ['mastodon:c1'] };
    await store.forgetContact('alice', target);
    const between = await scanAll(doc, tableName);
    const again = await store.forgetContact('alice', target);
    expect(again).toMatchObject({ contact: false, interactions: 0, interactionMonths: [], decisions: 0, actions: 0, audits: 0 });
    expect(again.monthsSearched).toBeGreaterThan(120);
    expect(await scanAll(doc, tableName)).toEqual(between);
  });

  it('finds what is left of a contact whose item is gone (they stopped following) by its key', async () => {
    const { store, doc, tableName } = await seeded();
    await store.applyRun('alice', changes({ removedContactKeys: ['mastodon:c1'], run: runRecord('run-2', '2026-12-02T08:00:00.000Z') }), MAX_RETENTION_DAYS);
    const result = await store.forgetContact('alice', { sourceId: 'mastodon', contactId: 'c1', decisions: [] });
    expect(result.contact).toBe(false);
    expect(result.interactions).toBeGreaterThan(90);
    expect((await scanAll(doc, tableName)).filter((i) => i['entity'] === 'interaction' && i['sourceId'] === 'mastodon' && i['contactId'] === 'c1' && String(i['pk']).startsWith('P#alice'))).toEqual([]);
  });

  it('searches back as far as the longest retention a config allows', () => {
    // forgetContact's oldest bucket is the first run minus MAX_RETENTION_DAYS: a longer retention would hide older interactions.
    expect(Policy.safeParse({ retentionDays: MAX_RETENTION_DAYS }).success).toBe(true);
    expect(Policy.safeParse({ retentionDays: MAX_RETENTION_DAYS + 1 }).success).toBe(false);
  });
});
