/**
 * Rule 2 end to end for interactions: "missing data is not absence of
 * engagement". Three weekly CLI runs on a local Mastodon server; in the second,
 * the notifications pull breaks on its second page, so the interactions of the
 * week are only partly read.
 *
 * The world is built so that trusting that partial data would be visible:
 *  - the notifications read by the first pull reach back 25 days, so an account
 *    followed in silence is observed 25 days on the first run (under the 30 of
 *    minObservationDays) and 32 on the second: trusted, the second run would
 *    newly call it never_engaged;
 *  - an account whose last like is 20 days old is dormant (dormantDays 10) on
 *    the first run: the stale run carries the reason over, marked so;
 *  - an account that was dormant but liked something in the page that was read
 *    loses the reason: what was seen contradicts it.
 * The third, complete run concludes what the stale one could not.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportContact, ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type Json, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { account, notification, owner } from '../sources/mastodon/world.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const TOKEN = 'stale-interactions-token-5e2a';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const W1 = new Date('2026-11-25T09:00:00Z');
const at = (days: number): Date => new Date(W1.getTime() + days * DAY);
const DATES = ['2026-11-25', '2026-12-02', '2026-12-09'] as const;
/** Everyone here still posts, so no one is inactive. */
const person = (id: string): Json => account(id, { last_status_at: '2026-11-20' });

describe('a Mastodon notifications pull that breaks part way (rule 2 for interactions)', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let world: MastodonWorld;
  let dir: string;
  const runs: CliRun[] = [];
  const reports: ReportJson[] = [];
  const FAN = '@user4001@remote.example';
  const DORMANT = '@user4002@remote.example';
  const SILENT = '@user4003@remote.example';
  const RETURNING = '@user4004@remote.example';
  const who = (report: ReportJson | undefined, handle: string): ReportContact => {
    const c = report?.contacts.find((x) => x.handle === handle);
    if (c === undefined) throw new Error(`${handle} is not in the report`);
    return c;
  };
  const outFile = async (date: string, ext: string): Promise<string> => {
    const name = (await readdir(join(dir, 'out'))).find((f) => f.endsWith(`${date}.${ext}`));
    if (name === undefined) throw new Error(`no .${ext} report for ${date}`);
    return readFile(join(dir, 'out', name), 'utf8');
  };

  beforeAll(async () => {
    table = await freshTable();
    const fan = person('4001');
    const dormant = person('4002');
    const silent = person('4003');
    const returning = person('4004');
    let seq = 0;
    const notifications: Json[] = [];
    // Ids grow with time, as on a real server. The oldest notification read is 25 days old: the history the first pull reads.
    const events: [Json, number][] = [
      [fan, -25],
      [dormant, -20],
      [returning, -15],
      ...Array.from({ length: 12 }, (_, k): [Json, number] => [fan, -23 + 2 * k]),
    ];
    events.sort((a, b) => a[1] - b[1]);
    for (const [from, day] of events) notifications.push(notification(++seq, 'favourite', from, at(day)));
    world = { me: owner(), followers: [fan], following: [fan, dormant, silent, returning], notifications, statuses: [], favourites: [] };
    server = await startMastodonServer({ token: TOKEN, world });
    dir = await tempDir('fb-stale-interactions-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'ada',
          sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
          policy: { dormantDays: 10, minObservationDays: 30 },
          report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const env = { MASTODON_TOKEN: TOKEN };
    const run = async (date: string) => {
      runs.push(await cli(['run', '--now', `${date}T09:00:00Z`], dir, env));
      reports.push(await readReport(join(dir, 'out'), date));
    };

    await run(DATES[0]);
    // During the week: the returning account likes a post (the oldest news, so in the first page the next pull reads),
    // then the fan likes a hundred more: two pages of 80. The second page comes back broken.
    world.notifications.push(notification(++seq, 'favourite', returning, at(0.5)));
    for (let k = 0; k < 100; k++) world.notifications.push(notification(++seq, 'favourite', fan, new Date(at(1).getTime() + k * HOUR)));
    server.fail('notifications', 'ok', 'malformed');
    await run(DATES[1]);
    // A week later everything answers again.
    await run(DATES[2]);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('every run completes; only the second says its data is stale', () => {
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0]);
    expect(runs.map((r) => r.stdout.includes('STALE: mastodon'))).toEqual([false, true, false]);
    expect(runs[1]?.stderr).toMatch(/mastodon: contacts complete, interactions partial/);
  });

  it('the world is what the test needs: on the first run, the silent account is not yet never_engaged and the dormant ones are dormant', () => {
    const silent = who(reports[0], SILENT);
    expect(silent.reasons).not.toContain('never_engaged');
    expect(silent.stats.observedDays).toBe(25);
    expect(who(reports[0], DORMANT).reasons).toContain('dormant');
    expect(who(reports[0], RETURNING).reasons).toContain('dormant');
  });

  it('the stale run concludes no new never_engaged, though the silent account has now been observed past minObservationDays', () => {
    const silent = who(reports[1], SILENT);
    expect(silent.stats.observedDays).toBe(32);
    expect(silent.reasons).not.toContain('never_engaged');
    expect(silent.stale).toBe(true);
    expect(reports[1]?.contacts.filter((c) => c.reasons.includes('never_engaged')).map((c) => c.handle)).toEqual([]);
  });

  it('the stale run carries the earlier dormant reason over and marks it carried over', () => {
    const dormant = who(reports[1], DORMANT);
    expect(dormant.reasons).toContain('dormant');
    expect(dormant.evidence.dormant).toMatchObject({ carriedOver: true });
    expect(dormant.stale).toBe(true);
  });

  it('a carried-over reason that the data read contradicts is dropped', () => {
    const returning = who(reports[1], RETURNING);
    expect(returning.reasons).not.toContain('dormant');
    expect(returning.stats.lastInboundAt).toBe(at(0.5).toISOString());
  });

  it('the report names the stale stream: interactions partial, contacts complete, since when, and what failed', () => {
    expect(reports[1]?.staleSources).toEqual([
      expect.objectContaining({ sourceId: 'mastodon', contacts: 'complete', interactions: 'partial', lastCompleteAt: '2026-11-25T09:00:00.000Z' }),
    ]);
    expect(reports[1]?.staleSources[0]?.problems.join(' ')).toMatch(/notifications incomplete: .*\/api\/v1\/notifications/);
  });

  it('the text and HTML parts say which source is stale and that reasons were carried over', async () => {
    const line = 'mastodon: contacts complete, interactions partial; last complete pull 25 Nov 2026.';
    const text = (await outFile(DATES[1], 'txt')).replace(/\s+/g, ' ');
    expect(text).toContain('Some data is stale: nothing was concluded from what is missing.');
    expect(text).toContain(line);
    expect(text).toContain('carried over from the previous report');
    const html = (await outFile(DATES[1], 'html')).replace(/\s+/g, ' ');
    expect(html).toContain(line);
    expect(html).toContain('source stale: reasons carried over from the previous report');
  });

  it('the next complete run concludes what the stale one could not, and carries nothing over', () => {
    expect(reports[2]?.staleSources).toEqual([]);
    const silent = who(reports[2], SILENT);
    expect(silent.reasons).toContain('never_engaged');
    expect(silent.evidence.never_engaged).not.toHaveProperty('carriedOver');
    const dormant = who(reports[2], DORMANT);
    expect(dormant.reasons).toContain('dormant');
    expect(dormant.evidence.dormant).not.toHaveProperty('carriedOver');
    // Every like was read in the end, once each: 13 before the broken week, 100 during it.
    expect(who(reports[2], FAN).stats.inboundTotal).toBe(113);
  });
});
