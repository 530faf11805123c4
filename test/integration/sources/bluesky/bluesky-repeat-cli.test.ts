/**
 * Issue 20 end to end: `followback run` twice, a week apart, against the
 * local Bluesky server with DynamoDB Local, as a user runs it (the CLI loops
 * over the same pull steps as Step Functions). Two accounts posted in between,
 * and a few follows have been silent past inactiveDays. Run once with the
 * saving (the run reads the judged accounts' stored post counts and last posts
 * by key) and once without it (the store answers nothing, so every judged
 * follow's last post is read, as before): the reports are the same, and the
 * second run with the saving asks only the last posts that can have changed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReportJson } from '../../../../shared/report/report-schema.ts';
import { DynamoStore } from '../../../../shared/store/dynamo-store.ts';
import { actorDid, OWNER } from '../../../fixtures/bluesky/world.ts';
import { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { freshTable, type FreshTable } from '../../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from '../../cli/cli-harness.ts';
import { AUTHOR_FEED, PROFILES, REPEAT_SIZE, REPEAT_T0, repeatWorld } from './repeat-harness.ts';

const DAY = 86_400_000;
const DATES = ['2026-11-25', '2026-12-02'] as const;
/** Follows silent for 200 days: judged inactive_account on both runs (their dates are re-read: a repost could clear it). */
const SILENT = [actorDid(300), actorDid(301), actorDid(302)];
const POSTED = [actorDid(200), actorDid(250)];

interface Side {
  server: FakeBlueskyServer;
  table: FreshTable;
  dir: string;
  runs: CliRun[];
  reports: ReportJson[];
  feeds: number[];
  profiles: number[];
}

async function side(): Promise<Side> {
  const world = repeatWorld();
  for (const did of SILENT) world.lastPosts?.set(did, { at: new Date(REPEAT_T0.getTime() - 200 * DAY).toISOString() });
  const server = await FakeBlueskyServer.start({ world });
  const table = await freshTable();
  const dir = await tempDir('fb-bluesky-repeat-');
  await writeJson(join(dir, 'followback.config.json'), {
    profiles: [
      {
        id: 'ada',
        sources: [{ type: 'bluesky', id: 'bsky', serviceUrl: server.url, plcUrl: server.url, handle: OWNER.handle, appPassword: { env: 'BSKY_APP_PASSWORD' } }],
        report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
      },
    ],
    storage: { endpoint: table.endpoint, tableName: table.tableName },
    delivery: { type: 'outbox', dir: 'out' },
  });
  return { server, table, dir, runs: [], reports: [], feeds: [], profiles: [] };
}

async function run(s: Side, i: number): Promise<void> {
  const date = DATES[i] as string;
  if (i === 1) {
    // Between the runs, two followed accounts posted.
    for (const did of POSTED) {
      const p = s.server.world.profiles.get(did);
      if (p) p.postsCount = (p.postsCount ?? 0) + 1;
      s.server.world.lastPosts?.set(did, { at: `${DATES[1]}T06:00:00.000Z` });
    }
  }
  s.server.resetCounts();
  s.runs.push(await cli(['run', '--now', `${date}T09:00:00Z`], s.dir, { BSKY_APP_PASSWORD: OWNER.password }));
  s.reports.push(await readReport(join(s.dir, 'out'), date));
  s.feeds.push(s.server.count(AUTHOR_FEED));
  s.profiles.push(s.server.count(PROFILES));
}

/** What the owner reads: everything but the run's own ids and times. */
const seen = (r: ReportJson | undefined) => (r === undefined ? undefined : { figures: r.figures, deltas: r.deltas, trend: r.trend.map((t) => t.figures), staleSources: r.staleSources, notices: r.notices, sections: r.sections, contacts: r.contacts });

describe('followback run twice a week apart, with and without sparing last-post requests', () => {
  let saving: Side;
  let without: Side;

  beforeAll(async () => {
    saving = await side();
    without = await side();
    for (const i of [0, 1]) {
      await run(saving, i);
      // Without the saving: the store remembers nothing for the source to ask about.
      const spy = vi.spyOn(DynamoStore.prototype, 'loadContacts').mockResolvedValue(new Map());
      try {
        await run(without, i);
      } finally {
        spy.mockRestore();
      }
    }
  }, 240_000);

  afterAll(async () => {
    await saving?.server.close();
    await without?.server.close();
    await saving?.table.drop();
    await without?.table.drop();
  });

  it('every run completes with a complete pull', () => {
    for (const s of [saving, without]) {
      expect(s.runs.map((r) => r.code), s.runs.map((r) => r.stderr).join('\n')).toEqual([0, 0]);
      for (const report of s.reports) expect(report.staleSources).toEqual([]);
    }
    expect(saving.reports[0]?.figures.following).toBe(REPEAT_SIZE.follows);
  });

  it('the reports are the same both ways, inactive accounts and the new last posts included', () => {
    for (const i of [0, 1]) expect(seen(saving.reports[i]), `run ${i}`).toEqual(seen(without.reports[i]));
    const second = saving.reports[1];
    const inactive = second?.contacts.filter((c) => c.reasons.includes('inactive_account')).map((c) => c.id).sort();
    expect(inactive).toEqual([...SILENT].sort());
    for (const did of POSTED) expect(second?.contacts.find((c) => c.id === did)?.lastPostAt).toBe(`${DATES[1]}T06:00:00.000Z`);
    // A follow whose last post was not read again still shows the stored one.
    const kept = second?.contacts.find((c) => c.id === actorDid(210));
    expect(kept?.lastPostAt).toBeDefined();
    expect(kept?.lastPostAt).toBe(without.reports[1]?.contacts.find((c) => c.id === actorDid(210))?.lastPostAt);
  });

  it('the second run with the saving asks only the 2 accounts that posted and the 3 judged inactive; without it, all 120 follows', () => {
    expect(without.feeds).toEqual([REPEAT_SIZE.follows, REPEAT_SIZE.follows]);
    expect(saving.feeds).toEqual([REPEAT_SIZE.follows, POSTED.length + SILENT.length]);
    // Each profile once, the 40 mutuals too: the 310 accounts in 13 batches of 25 (before: 15, the mutuals asked again).
    expect([...saving.profiles, ...without.profiles]).toEqual(Array(4).fill(Math.ceil((REPEAT_SIZE.followers + REPEAT_SIZE.follows - REPEAT_SIZE.mutual) / 25)));
  });
});
