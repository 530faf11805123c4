/**
 * Issue 17's acceptance test: one Instagram source with both its export and its API, run through
 * `followback run` with a hand-written config (DynamoDB Local, the outbox), the API answered by the
 * local Instagram Graph server (test/helpers/instagram-graph-server.ts, shapes from Meta's docs).
 *
 *  - one contact per person: a commenter who follows you is the follower of the export (the API's
 *    username, in any case, keys the same contact), a stranger's comment makes no contact;
 *  - an engaged commenter is protected (never unfollow, no silence reason);
 *  - a silent follow is `never_engaged` judged on comments and tags, and stops at `review`
 *    because Instagram does not show who liked;
 *  - a follow who only comments to criticise is `critic_only`;
 *  - the token never reaches the report.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { metaTime, startInstagramGraphServer, type IgServerComment, type InstagramGraphServer } from '../../helpers/instagram-graph-server.ts';
import { instagramEntries, writeZip } from '../sources/exports/export-source-fixtures.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const TOKEN = 'IGAAT-test-token-0123456789';
const NOW = '2026-11-03T08:00:00Z';
const day = (iso: string): number => Date.parse(iso);

const EXPORT = instagramEntries({
  day: '2026-11-02',
  followers: [
    ['ada', '2025-01-10T10:00:00Z'],
    ['bea', '2025-03-01T10:00:00Z'],
  ],
  following: [
    ['ada', '2025-01-09T10:00:00Z'],
    ['silent.sam', '2024-02-01T10:00:00Z'],
    ['grumpy.gus', '2024-02-01T10:00:00Z'],
  ],
});

let n = 0;
const comment = (username: string, at: string, text: string, replies: IgServerComment[] = []): IgServerComment => ({
  id: `1780${String(++n).padStart(6, '0')}`,
  text,
  timestamp: metaTime(day(at)),
  username,
  fromId: `1784${username.length}${n}`,
  replies,
});

describe('an Instagram export and the Instagram API as one source, through followback run', () => {
  let table: FreshTable;
  let server: InstagramGraphServer;
  let dir: string;
  let run: CliRun;
  let report: ReportJson;
  let outFiles: string;

  beforeAll(async () => {
    table = await freshTable();
    server = await startInstagramGraphServer({
      token: TOKEN,
      world: {
        me: { user_id: '17841400000000001', id: '17841400000000001', username: 'me.brand' },
        media: [
          {
            id: '17900000000000001',
            timestamp: metaTime(day('2026-10-20T17:00:00Z')),
            permalink: 'https://www.instagram.com/p/AAA111/',
            comments: [
              // Ada writes her name with capitals here: still the export's "ada".
              comment('Ada', '2026-10-20T18:00:00Z', 'Love this, thank you for sharing!', [comment('me.brand', '2026-10-20T19:00:00Z', 'Thanks Ada!')]),
              comment('grumpy.gus', '2026-10-21T09:00:00Z', 'What a useless post.'),
              comment('passing.stranger', '2026-10-21T10:00:00Z', 'Great shot!'),
            ],
          },
          {
            id: '17900000000000002',
            timestamp: metaTime(day('2026-10-27T17:00:00Z')),
            permalink: 'https://www.instagram.com/p/BBB222/',
            comments: [
              comment('grumpy.gus', '2026-10-27T20:00:00Z', 'This is terrible advice, honestly the worst.'),
              comment('bea', '2026-10-28T08:00:00Z', 'So helpful!', [comment('grumpy.gus', '2026-10-28T09:00:00Z', 'Awful. Complete waste of time.')]),
            ],
          },
          // The account's posts go back to May: silence is observed from then (nobody can comment before a first post).
          { id: '17900000000000000', timestamp: metaTime(day('2026-05-04T17:00:00Z')), permalink: 'https://www.instagram.com/p/ZZZ000/', comments: [] },
        ],
        tags: [],
      },
    });
    dir = await tempDir('fb-ig-api-e2e-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'brand',
          sources: [{ type: 'instagram', id: 'instagram', exports: 'exports/instagram', api: { accessToken: { env: 'IG_TOKEN' }, baseUrl: server.url } }],
          report: { recipients: ['me@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    await writeZip(join(dir, 'exports', 'instagram', 'instagram-me.brand-2026-11-02-Nov02.zip'), EXPORT);
    run = await cli(['run', '--now', NOW], dir, { IG_TOKEN: TOKEN });
    report = await readReport(join(dir, 'out'), '2026-11-03');
    const names = await readdir(join(dir, 'out'));
    outFiles = (await Promise.all(names.map((f) => readFile(join(dir, 'out', f), 'utf8')))).join('\n');
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  const contact = (id: string) => report.contacts.find((c) => c.key === `instagram:${id}`);

  it('the run succeeds and reads the API', () => {
    expect(run.code, run.stderr).toBe(0);
    // Two media with comments; the one without (comments_count 0) costs no request.
    expect(server.count('comments')).toBe(2);
    expect(report.staleSources).toEqual([]);
  });

  it('gives one contact per person, keyed as the export keys them; a stranger who comments is not a contact', () => {
    const keys = report.contacts.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(['instagram:ada', 'instagram:bea', 'instagram:grumpy.gus', 'instagram:silent.sam']);
  });

  it('protects an engaged commenter', () => {
    const ada = contact('ada');
    expect(ada?.relation).toBe('mutual');
    expect(ada?.recommendation).not.toBe('unfollow');
    expect(ada?.reasons).not.toContain('never_engaged');
    expect(ada?.stats.inboundTotal).toBeGreaterThanOrEqual(1);
  });

  it('judges a silent follow on comments and tags, and stops at review because Instagram does not show who liked', () => {
    const sam = contact('silent.sam');
    // Observed from the account's oldest post, read by the API's first backfill.
    expect(sam?.stats.observedDays).toBe(182);
    expect(sam?.reasons).toContain('never_engaged');
    expect(sam?.recommendation).toBe('review');
    expect(sam?.evidence.never_engaged).toMatchObject({ kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] });
    const sight = report.meta.sources?.find((s) => s.sourceId === 'instagram');
    expect(sight).toMatchObject({ inbound: ['reply', 'mention'], reviewOnly: true });
  });

  it('finds the follow who only comments to criticise', () => {
    expect(contact('grumpy.gus')?.reasons).toContain('critic_only');
  });

  it('keeps the token out of every file of the report', () => {
    expect(outFiles).not.toContain(TOKEN);
    expect(run.stderr).not.toContain(TOKEN);
  });
});
