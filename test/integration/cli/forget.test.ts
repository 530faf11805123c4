/**
 * `followback forget`: a person who asks to be removed is erased from the
 * store (contact, interactions, decisions, confirmed actions and their audit),
 * the command says what it deleted,
 * a second forget finds nothing, and a name that matches no one is refused.
 */
import { join } from 'node:path';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson } from './cli-harness.ts';

type Item = Record<string, NativeAttributeValue>;

describe('forget', () => {
  let table: FreshTable;
  let dir: string;
  let first: ReportJson;

  const about = (key: string) => (item: Item): boolean => {
    const [sourceId, contactId] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    return (
      (item['entity'] === 'contact' && item['sourceId'] === sourceId && item['id'] === contactId) ||
      (item['entity'] === 'interaction' && item['sourceId'] === sourceId && item['contactId'] === contactId) ||
      (item['entity'] === 'decision' && item['contact'] === key) ||
      (item['entity'] === 'confirmed-action' && item['key'] === key) ||
      (item['entity'] === 'action' && item['contactKey'] === key) ||
      (item['entity'] === 'action-audit' && (JSON.parse(String(item['audit'])) as { contactKey: string }).contactKey === key)
    );
  };

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-forget-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [{ id: 'demo', sources: [{ type: 'demo', seed: 7, size: 300 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } }],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const run = await cli(['run', '--now', '2026-11-18T08:00:00Z'], dir);
    expect(run.code).toBe(0);
    first = await readReport(join(dir, 'out'), '2026-11-18');
  }, 120_000);

  it('deletes the contact, its interactions, its decisions and the actions confirmed on it, says how many, and leaves the others', async () => {
    const target = first.contacts.filter((c) => c.stats.inboundTotal > 3).sort((a, b) => b.stats.inboundTotal - a.stats.inboundTotal)[0];
    if (!target) throw new Error('fixture: need a contact with interactions');
    expect((await cli(['keep', target.key], dir)).code).toBe(0);
    // An unfollow confirmed on the page, taken over by the engine and audited (as the decision page leaves them).
    const at = '2026-11-19T08:00:00.000Z';
    const confirmation = { kind: 'link' as const, ref: 'jti-forget' };
    await table.store.decisionLedger().putConfirmedAction('demo', { key: target.key, action: 'unfollow', confirmedAt: at, reportAt: '2026-11-18T08:00:00.000Z', tokenId: 'jti-forget', status: 'skipped', doneAt: at });
    await table.store.actionStore().putActionRequest({ id: '20261119-abcdef', profileId: 'demo', contactKey: target.key, handle: target.handle, action: 'unfollow', reportAt: at, confirmedAt: at, confirmation, status: 'skipped', updatedAt: at });
    await table.store.actionStore().appendAudit({ actionId: '20261119-abcdef', profileId: 'demo', contactKey: target.key, handle: target.handle, at, what: 'unfollow', outcome: 'skipped', reason: 'allowlisted', confirmation });
    const before = await scanAll(table.doc, table.tableName);
    const theirs = before.filter(about(target.key));
    const interactions = theirs.filter((i) => i['entity'] === 'interaction').length;
    expect(interactions).toBeGreaterThan(3);
    // What the finished run staged (left for TTL to delete; its parts hold every contact it read, this one too) goes as well.
    const isStaged = (i: Item): boolean => i['entity'] === 'firing-part' || i['entity'] === 'firing-index';
    const staged = before.filter(isStaged);
    expect(staged.length).toBeGreaterThan(0);

    const forget = await cli(['forget', target.handle.toUpperCase()], dir);
    expect(forget.stderr).not.toMatch(/followback:/);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toMatch(
      new RegExp(`^demo: forgot ${escape(target.handle)} \\(${escape(target.key)}\\): deleted ${theirs.length} items: 1 contact item, ${interactions} interactions in \\d+ months? \\(\\d{4}-\\d{2}`),
    );
    expect(forget.stdout).toContain(`${1} decision`);
    expect(forget.stdout).toContain('2 confirmed actions, 1 action audit record');
    expect(forget.stdout).toContain('the next run stores them again as a new contact');

    const after = await scanAll(table.doc, table.tableName);
    expect(after.filter(about(target.key))).toEqual([]);
    expect(after.filter(isStaged)).toEqual([]);
    // The fingerprints of the contact's source knew this contact: their head goes (the next pull stages every
    // contact whole, so it cannot name this one as unchanged); their chunks are left to TTL.
    const heads = (items: Item[]): Item[] => items.filter((i) => i['entity'] === 'fingerprints' && i['sk'] === `K#${target.sourceId}`);
    expect(heads(before)).toHaveLength(1);
    expect(heads(after)).toEqual([]);
    expect(after).toHaveLength(before.length - theirs.length - staged.length - 1);
    expect((await cli(['keep', '--list'], dir)).stdout).not.toContain(target.key);

    const again = await cli(['forget', target.key], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^demo: nothing left about ${escape(target.key)}: no contact, interaction, decision, action or tone label is stored`));
    expect(await scanAll(table.doc, table.tableName)).toEqual(after);
  }, 120_000);

  it('a forgotten contact who still follows comes back on the next run as new data, without the old history', async () => {
    const target = first.contacts.find((c) => c.relation === 'mutual' && c.stats.inboundTotal > 0 && c.stats.inboundTotal < 50);
    if (!target) throw new Error('fixture: need a mutual contact with interactions');
    expect((await cli(['forget', target.key], dir)).code).toBe(0);
    expect((await cli(['run', '--now', '2026-11-25T08:00:00Z'], dir)).code).toBe(0);
    const items = (await scanAll(table.doc, table.tableName)).filter(about(target.key));
    const contactItem = items.find((i) => i['entity'] === 'contact');
    expect(contactItem?.['firstSeenAt']).toBe('2026-11-25T08:00:00.000Z');
    // Sources resume from their cursors: interactions older than the previous pull are not fetched again.
    for (const i of items.filter((x) => x['entity'] === 'interaction')) expect(Date.parse(String(i['at']))).toBeGreaterThan(Date.parse('2026-11-11T00:00:00Z'));
  }, 120_000);

  it.each([
    [[], /which contact\?/],
    [['@a', '@b'], /one contact at a time/],
    [['@a', '--until', '2027-01-01'], /Unknown option '--until'/],
    [['@a', '--profile', 'nobody'], /unknown profile "nobody"/],
    [['@no.such.person@nowhere.example'], /no contact "@no.such.person@nowhere.example" in profile demo/],
    [['nosuchsource:123'], /no contact "nosuchsource:123" in profile demo/],
  ])('rejects forget %j with exit 2 and deletes nothing', async (argv, message) => {
    const before = await scanAll(table.doc, table.tableName);
    const run = await cli(['forget', ...argv], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await scanAll(table.doc, table.tableName)).toEqual(before);
  });

  it('prints its help with exit 0, and the CLI lists the command', async () => {
    const help = await cli(['forget', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: followback forget CONTACT');
    expect((await cli(['help'], dir)).stdout).toMatch(/forget\s+delete everything stored about a contact/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
