/**
 * `followback label`: the owner labels a reply from the CLI; the label is
 * stored per profile, listed, replaced, removed; bad input changes nothing.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { textHash } from '../../../shared/classify/tone/owner-labels.ts';
import { DynamoToneLabelStore } from '../../../shared/store/dynamo-tone-label-store.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, tempDir, writeJson } from './cli-harness.ts';

describe('label', () => {
  let table: FreshTable;
  let dir: string;
  let labels: DynamoToneLabelStore;

  beforeAll(async () => {
    table = await freshTable();
    labels = new DynamoToneLabelStore({ client: table.client, tableName: table.tableName });
    dir = await tempDir('fb-label-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        { id: 'ada', sources: [{ type: 'demo', id: 'masto', seed: 7, size: 50 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } },
        { id: 'bob', sources: [{ type: 'demo', seed: 8, size: 50 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
  }, 120_000);

  it('stores a reply named by its text as not criticism, for that profile only', async () => {
    const out = await cli(['label', '--not-criticism', 'Questo post SPACCA, mi hai steso 😂', '--profile', 'ada'], dir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`t:${textHash('questo post spacca, mi hai steso 😂')}`);
    const stored = await labels.listLabels('ada');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ label: 'not_criticism', by: 'cli', textHash: textHash('questo post spacca, mi hai steso 😂'), text: 'Questo post SPACCA, mi hai steso 😂' });
    expect(await labels.listLabels('bob')).toEqual([]);
  });

  it('stores a reply named by sourceId:interactionId as criticism, and a shortened quote as a prefix', async () => {
    expect((await cli(['label', '--criticism', 'masto:109876543210', '--profile', 'ada'], dir)).code).toBe(0);
    expect((await cli(['label', '--criticism', 'oh sure, another genius take from someone who…', '--profile', 'ada'], dir)).code).toBe(0);
    const stored = await labels.listLabels('ada');
    expect(stored.find((l) => l.ref === 'i:masto:109876543210')).toMatchObject({ sourceId: 'masto', interactionId: '109876543210', label: 'criticism' });
    expect(stored.find((l) => l.truncated === true)).toMatchObject({ textHash: textHash('oh sure, another genius take from someone who'), label: 'criticism' });
  });

  it('lists the labels, and removes one by the id --list prints', async () => {
    const list = await cli(['label', '--list', '--profile', 'ada'], dir);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(list.stdout).toMatch(/^i:masto:109876543210\tcriticism\t\(cli, \d{4}-\d{2}-\d{2}\)$/m);
    const ref = `t:${textHash('questo post spacca, mi hai steso 😂')}`;
    const removed = await cli(['label', '--remove', ref, '--profile', 'ada'], dir);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed the label ${ref}`);
    expect((await labels.listLabels('ada')).map((l) => l.ref)).not.toContain(ref);
    const again = await cli(['label', '--remove', ref, '--profile', 'ada'], dir);
    expect(again.stdout).toContain('there was no label');
    expect((await cli(['label', '--list', '--profile', 'bob'], dir)).stdout).toBe('bob: no labels yet\n');
  });

  it('refuses bad input with exit 2 and stores nothing', async () => {
    const before = (await labels.listLabels('ada')).length;
    for (const argv of [
      ['label', '--profile', 'ada'],
      ['label', '--criticism', 'x', '--not-criticism', 'y', '--profile', 'ada'],
      ['label', '--criticism', '   ', '--profile', 'ada'],
      ['label', '--criticism', 'x'],
      ['label', 'stray', '--profile', 'ada'],
    ]) {
      const out = await cli(argv, dir);
      expect(out.code, argv.join(' ')).toBe(2);
      expect(out.stderr).toMatch(/^followback: /);
    }
    expect((await labels.listLabels('ada')).length).toBe(before);
  });
});
