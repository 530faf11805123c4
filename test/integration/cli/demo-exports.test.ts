/**
 * End to end: the demo with its generated Instagram and Facebook exports. `--demo` writes the day's
 * exports into .followback/demo-exports/ (checked here through cliConfig, as `run --demo` calls it);
 * two CLI runs a week apart over the demo profile's sources (a smaller community, on the shared
 * DynamoDB Local) read them through the real export sources and report what those sources allow.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliConfig } from '../../../functions/commands/cli-config.ts';
import { DEMO_SEED, DEMO_SIZE } from '../../../shared/config/demo-config.ts';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { DEMO_ALLOWLIST, DEMO_AUDIENCE } from '../../../shared/sources/demo/demo-source.ts';
import { DEMO_EXPORTS_DIR, demoExports, DEMO_FACEBOOK_HOMONYM, writeDemoExports } from '../../../shared/sources/demo/demo-exports.ts';
import { freshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const FIRST = new Date('2026-11-23T08:00:00Z');
const SECOND = new Date('2026-11-30T08:00:00Z');
const SIZE = 300;

/** Instagram followers (usernames) in the generated export itself, read without the parser. */
function generatedFollowers(now: Date): Set<string> {
  const ig = demoExports({ seed: DEMO_SEED, size: SIZE, now }).find((e) => e.network === 'instagram');
  const records = JSON.parse(ig?.files['connections/followers_and_following/followers_1.json'] ?? '[]') as { string_list_data: { value: string }[] }[];
  return new Set(records.map((r) => `instagram:${r.string_list_data[0]?.value ?? ''}`));
}

describe('run --demo writes the day\u2019s Instagram and Facebook exports', () => {
  it('owner-only under .followback/demo-exports/, where the demo profile\u2019s export sources read', async () => {
    const cwd = await tempDir('fb-demo-config-');
    const io = { stdout: () => {}, stderr: () => {}, env: {}, cwd, isTty: false };
    const { config } = await cliConfig({ demo: true, now: SECOND }, io);
    const sources = config.profiles[0]?.sources ?? [];
    expect(sources.map((s) => s.type)).toEqual(['demo', 'instagram', 'facebook']);
    for (const network of ['instagram', 'facebook'] as const) {
      expect(sources.find((s) => s.type === network)).toMatchObject({ id: network, exports: `${DEMO_EXPORTS_DIR}/${network}` });
      const dir = join(cwd, DEMO_EXPORTS_DIR, network);
      const [name] = await readdir(dir);
      expect(name).toContain('-2026-11-30-');
      expect((await stat(join(dir, name as string))).mode & 0o777).toBe(0o700);
    }
    expect((await stat(join(cwd, '.followback'))).mode & 0o777).toBe(0o700);
    // Without a run's instant (other commands), nothing is written.
    const other = await tempDir('fb-demo-config-');
    await cliConfig({ demo: true }, { ...io, cwd: other });
    expect(await readdir(other)).toEqual([]);
    expect(DEMO_SIZE).toBe(1000);
  });
});

describe('two demo runs a week apart, with the Instagram and Facebook exports', () => {
  let dir: string;
  let first: CliRun;
  let second: CliRun;
  let report1: ReportJson;
  let report2: ReportJson;

  beforeAll(async () => {
    const table = await freshTable();
    dir = await tempDir('fb-demo-exports-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'demo',
          sources: [
            { type: 'demo', id: 'demo', seed: DEMO_SEED, size: SIZE },
            { type: 'instagram', id: 'instagram', exports: `${DEMO_EXPORTS_DIR}/instagram` },
            { type: 'facebook', id: 'facebook', exports: `${DEMO_EXPORTS_DIR}/facebook` },
          ],
          allowlist: DEMO_ALLOWLIST,
          audience: DEMO_AUDIENCE,
          report: { recipients: ['you@example.com'], sender: 'followback@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    // What `run --demo` does before each run, for this community's size.
    await writeDemoExports(join(dir, DEMO_EXPORTS_DIR), { seed: DEMO_SEED, size: SIZE, now: FIRST });
    first = await cli(['run', '--now', FIRST.toISOString()], dir);
    await writeDemoExports(join(dir, DEMO_EXPORTS_DIR), { seed: DEMO_SEED, size: SIZE, now: SECOND });
    second = await cli(['run', '--now', SECOND.toISOString()], dir);
    report1 = await readReport(join(dir, 'out'), '2026-11-23');
    report2 = await readReport(join(dir, 'out'), '2026-11-30');
  }, 180_000);

  it('both runs read their day\u2019s exports', () => {
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    for (const run of [first, second]) {
      expect(run.stderr).toMatch(/^ {2}instagram: complete; \d+ contacts, \d+ interactions/m);
      expect(run.stderr).toMatch(/^ {2}facebook: complete; \d+ contacts, \d+ interactions/m);
      expect(run.stderr).not.toMatch(/no new|older than|failed/);
    }
  });

  it('meta.sources declares what the Instagram and Facebook exports can see', () => {
    for (const report of [report1, report2]) {
      const bySource = new Map((report.meta.sources ?? []).map((s) => [s.sourceId, s]));
      expect(bySource.get('instagram')).toMatchObject({ platform: 'instagram', inbound: [], outbound: ['like', 'reply'], followDates: 'both', reviewOnly: true });
      expect(bySource.get('instagram')?.inboundHidden).toEqual(expect.arrayContaining(['like', 'reply']));
      expect(bySource.get('facebook')).toMatchObject({ platform: 'facebook', inbound: ['like', 'repost', 'reply', 'mention'], outbound: ['like', 'reply'], followDates: 'both', reviewOnly: true });
    }
  });

  it('no Instagram contact is unfollow; Instagram removals are review, judged on nothing Instagram shows', () => {
    for (const report of [report1, report2]) {
      const instagram = report.contacts.filter((c) => c.sourceId === 'instagram');
      expect(instagram.length).toBeGreaterThan(50);
      expect(instagram.filter((c) => c.recommendation === 'unfollow')).toEqual([]);
      const reviewed = instagram.filter((c) => c.recommendation === 'review');
      expect(reviewed.length).toBeGreaterThan(0);
      for (const c of reviewed) {
        for (const reason of c.reasons) {
          const evidence = c.evidence[reason] as { kindsSeen?: string[]; kindsHidden?: string[] } | undefined;
          if (evidence?.kindsHidden !== undefined) expect(evidence.kindsSeen, c.key).toEqual([]);
        }
      }
    }
  });

  it('a Facebook friend who commented (per the notifications) has inbound engagement and is not for removal', () => {
    const friends = report2.contacts.filter((c) => c.sourceId === 'facebook' && c.relation === 'mutual');
    const commented = friends.filter((c) => (c.stats.inboundByKind['reply'] ?? 0) > 0);
    expect(commented.length).toBeGreaterThan(0);
    for (const c of commented) {
      expect(c.stats.inboundInWindow, c.key).toBeGreaterThan(0);
      expect(['keep'], c.key).toContain(c.recommendation);
    }
  });

  it('the name two Facebook friends share is counted as unmatched, never guessed', () => {
    const homonym = DEMO_FACEBOOK_HOMONYM;
    const twins = report2.contacts.filter((c) => c.sourceId === 'facebook' && c.displayName === homonym);
    expect(twins).toHaveLength(2);
    for (const t of twins) expect(t.stats.inboundTotal, t.key).toBe(0);
    const problems = report2.notices.flatMap((n) => ('problems' in n && n.sourceId === 'facebook' ? n.problems : []));
    expect(problems.some((p) => /\d+ interactions name someone who matches several contacts \(same name\); not counted, never guessed/.test(p))).toBe(true);
  });

  it('the second report names exactly the Instagram followers gained and lost in the week', () => {
    const before = generatedFollowers(FIRST);
    const after = generatedFollowers(SECOND);
    const gained = [...after].filter((k) => !before.has(k)).sort();
    const lost = [...before].filter((k) => !after.has(k)).sort();
    expect(gained.length + lost.length).toBeGreaterThan(0);
    const onInstagram = (keys: readonly string[]): string[] => keys.filter((k) => k.startsWith('instagram:')).sort();
    expect(onInstagram(report2.sections.newFollowers.keys)).toEqual(gained);
    expect(onInstagram(report2.sections.lostFollowers.keys)).toEqual(lost);
    expect(onInstagram(report1.sections.newFollowers.keys)).toEqual([]);
  });
});
