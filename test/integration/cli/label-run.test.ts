/**
 * The owner's label reaches the next run: a reply the report quoted as
 * criticism, labelled `--not-criticism` with the quote as printed, no longer
 * counts as negative (DynamoDB Local, the in-process CLI, the demo community).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson } from './cli-harness.ts';

describe('label, then run', () => {
  let table: FreshTable;
  let dir: string;
  let first: ReportJson;

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-label-run-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [{ id: 'demo', sources: [{ type: 'demo', seed: 7, size: 300 }], report: { recipients: ['you@example.com'], sender: 'fb@example.com' } }],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const run = await cli(['run', '--now', '2026-11-18T08:00:00Z'], dir);
    expect(run.code).toBe(0);
    first = await readReport(join(dir, 'out'), '2026-11-18');
  }, 120_000);

  it('the quoted criticism, labelled not criticism, no longer counts as negative at the next run', async () => {
    const critics = first.contacts.filter((c) => c.evidence.critic_only !== undefined);
    expect(critics.length).toBeGreaterThan(0);
    const critic = critics[0];
    const evidence = critic?.evidence.critic_only;
    if (critic === undefined || evidence === undefined || !('example' in evidence)) throw new Error('no critic with an example');
    const labelled = await cli(['label', '--not-criticism', evidence.example], dir);
    expect(labelled.stderr).toBe('');
    expect(labelled.code).toBe(0);
    const run = await cli(['run', '--now', '2026-11-19T08:00:00Z'], dir);
    expect(run.code).toBe(0);
    const second = await readReport(join(dir, 'out'), '2026-11-19');
    const after = second.contacts.find((c) => c.key === critic.key);
    const still = after?.evidence.critic_only;
    // Either no longer a critic, or one negative reply fewer (and never the labelled one as the example).
    if (still !== undefined && 'negative' in still) {
      expect(still.negative).toBeLessThan(evidence.negative);
      expect(still.example).not.toBe(evidence.example);
    } else {
      expect(still).toBeUndefined();
      expect(after?.reasons ?? []).not.toContain('critic_only');
    }
    // Every other critic quoting the same text lost it as an example too.
    for (const c of second.contacts) {
      const e = c.evidence.critic_only;
      if (e !== undefined && 'example' in e) expect(e.example).not.toBe(evidence.example);
    }
  }, 120_000);
});
