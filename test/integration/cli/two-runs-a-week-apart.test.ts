/**
 * End to end: the CLI runs the demo community twice, a week apart, against
 * DynamoDB Local (real SDK over HTTP) and the outbox mailer.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ALLOWLIST } from '../../../shared/sources/demo/demo-source.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { canonical } from '../../../shared/app/changed-contacts.ts';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

type Item = Record<string, unknown>;
const itemKey = (i: Item): string => `${String(i['pk'])}|${String(i['sk'])}`;
// Claims, and what a firing staged (its parts and their index, left for TTL to delete).
// Claims, firings and their staged parts, and the contact fingerprints each stored report leaves for the next pull.
const isRunBookkeeping = (i: Item): boolean => String(i['sk']).startsWith('L#') || String(i['sk']).startsWith('F#') || String(i['sk']).startsWith('K#') || String(i['pk']).includes('#F#');

describe('two runs of the demo a week apart', () => {
  let table: FreshTable;
  let dir: string;
  let outDir: string;
  let first: CliRun;
  let second: CliRun;
  let report1: ReportJson;
  let report2: ReportJson;
  let afterFirst: Item[];
  let afterSecond: Item[];

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-e2e-');
    outDir = join(dir, 'out');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'demo',
          sources: [{ type: 'demo', seed: 42, size: 1000 }],
          allowlist: DEMO_ALLOWLIST,
          report: { recipients: ['you@example.com'], sender: 'followback@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    first = await cli(['run', '--now', '2026-11-18T08:00:00Z'], dir);
    afterFirst = (await scanAll(table.doc, table.tableName)) as Item[];
    second = await cli(['run', '--now', '2026-11-25T08:00:00Z'], dir);
    afterSecond = (await scanAll(table.doc, table.tableName)) as Item[];
    report1 = await readReport(outDir, '2026-11-18');
    report2 = await readReport(outDir, '2026-11-25');
  }, 240_000);

  it('both runs succeed and print a closing summary with the report path', () => {
    expect(first.stderr).not.toMatch(/error|failed/i);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^demo: \d+ following, \d+ followers; \d+ to unfollow, \d+ to review, \d+ to follow back; \+\d+\/-\d+ followers; wrote \d+ items; report: .*followback-demo-2026-11-25\.html\n$/);
  });

  it('the outbox holds the email, the HTML, the text, the JSON and the CSV of each run', async () => {
    const files = (await readdir(outDir)).sort();
    for (const date of ['2026-11-18', '2026-11-25']) {
      for (const ext of ['csv', 'eml', 'html', 'json', 'txt']) expect(files).toContain(`followback-demo-${date}.${ext}`);
    }
  });

  it('the first report has no follower changes; the second names the new and lost followers of the week', () => {
    expect(report1.deltas).toBeNull();
    expect(report1.figures.newFollowers).toBe(0);
    expect(report1.figures.lostFollowers).toBe(0);

    const followersBefore = new Set(report1.contacts.filter((c) => c.relation === 'follower' || c.relation === 'mutual').map((c) => c.key));
    const newKeys = report2.sections.newFollowers.keys;
    const lostKeys = report2.sections.lostFollowers.keys;
    expect(newKeys.length).toBeGreaterThan(0);
    expect(lostKeys.length).toBeGreaterThan(0);
    expect(report2.figures.newFollowers).toBe(newKeys.length);
    expect(report2.figures.lostFollowers).toBe(lostKeys.length);
    for (const key of newKeys) expect(followersBefore.has(key)).toBe(false);
    for (const key of lostKeys) expect(followersBefore.has(key)).toBe(true);
    const byKey = new Map(report2.contacts.map((c) => [c.key, c]));
    for (const key of newKeys) expect(byKey.get(key)?.reasons).toContain('new_follower');
    for (const key of lostKeys) expect(byKey.get(key)?.reasons).toContain('lost_follower');
  });

  it('the second report carries the change of every figure since the first', () => {
    expect(report2.deltas).not.toBeNull();
    const deltas = report2.deltas as NonNullable<ReportJson['deltas']>;
    expect(deltas.followers).toBe(report2.figures.followers - report1.figures.followers);
    expect(deltas.following).toBe(report2.figures.following - report1.figures.following);
    expect(deltas.engagedFollowingShare).toBeCloseTo(report2.figures.engagedFollowingShare - report1.figures.engagedFollowingShare, 10);
    // Followers now = followers then + new - lost, when both pulls were complete.
    expect(report2.figures.followers).toBe(report1.figures.followers + report2.figures.newFollowers - report2.figures.lostFollowers);
    expect(report2.trend.map((t) => t.at)).toEqual(['2026-11-18T08:00:00.000Z']);
  });

  it('the second run wrote only the items that changed', () => {
    const before = new Map(afterFirst.filter((i) => !isRunBookkeeping(i)).map((i) => [itemKey(i), canonical(i)]));
    const after = new Map(afterSecond.filter((i) => !isRunBookkeeping(i)).map((i) => [itemKey(i), canonical(i)]));
    let changedOrNew = 0;
    for (const [key, value] of after) if (before.get(key) !== value) changedOrNew += 1;
    let removed = 0;
    for (const key of before.keys()) if (!after.has(key)) removed += 1;

    const wrote = Number(/wrote (\d+) items/.exec(second.stdout)?.[1]);
    const wroteFirst = Number(/wrote (\d+) items/.exec(first.stdout)?.[1]);
    // Every item the run wrote shows up as a change: nothing unchanged was rewritten.
    expect(changedOrNew + removed).toBe(wrote);
    expect(wrote).toBeLessThan(wroteFirst / 4);
    expect(afterFirst.filter((i) => !isRunBookkeeping(i)).length).toBe(wroteFirst);
  });

  it('every reason code of the analysis and every recommendation shows up in the demo', () => {
    const reasons = new Set(report2.contacts.flatMap((c) => c.reasons));
    for (const code of ['never_engaged', 'dormant', 'one_sided', 'inactive_account', 'new_follower', 'lost_follower', 'top_supporter', 'grace_period', 'allowlisted']) {
      expect(reasons, code).toContain(code);
    }
    const recommendations = new Set(report2.contacts.map((c) => c.recommendation));
    for (const r of ['unfollow', 'review', 'keep', 'follow_back', 'no_follow_back']) expect(recommendations, r).toContain(r);
  });

  it('the rules that never bend hold on the whole demo', () => {
    const windowStart = Date.parse(report2.meta.windowStart);
    for (const c of report2.contacts) {
      if (c.stats.lastInboundAt !== undefined && Date.parse(c.stats.lastInboundAt) >= windowStart) expect(c.recommendation, c.key).not.toBe('unfollow');
      if (c.reasons.includes('allowlisted')) expect(['keep', 'follow_back', 'no_follow_back'], c.key).toContain(c.recommendation);
    }
  });
});
