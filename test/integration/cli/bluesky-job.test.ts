/**
 * Bluesky through the whole job, as a user runs it: the CLI, a local Bluesky
 * server (PDS, AppView and PLC directory in one) and DynamoDB Local as the
 * session store. Three runs a week apart: the first signs in and stores the
 * session sealed; the second reuses it without signing in; after the server
 * expired the access token, the third refreshes it (no new sign-in).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { openSession } from '../../../shared/sources/bluesky/session.ts';
import { OWNER, scaledWorld } from '../../fixtures/bluesky/world.ts';
import { FakeBlueskyServer } from '../../helpers/bluesky-server.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const W1 = new Date('2026-11-25T09:00:00Z');
const DATES = ['2026-11-25', '2026-12-02', '2026-12-09'] as const;
/** The source id is `bluesky` (the default); the session is stored under the source and the handle. */
const SESSION_KEY = `bluesky:bluesky:${OWNER.handle}`;
const CREATE = 'com.atproto.server.createSession';
const REFRESH = 'com.atproto.server.refreshSession';

interface Tokens {
  did: string;
  accessJwt: string;
  refreshJwt: string;
}

describe('Bluesky through the CLI with the DynamoDB session store', () => {
  let table: FreshTable;
  let server: FakeBlueskyServer;
  let dir: string;
  const runs: CliRun[] = [];
  const reports: ReportJson[] = [];
  /** Per run: sign-ins, refreshes, and all requests the server received. */
  const calls: { create: number; refresh: number; total: number }[] = [];
  /** The raw stored value after each run, as DynamoDB holds it. */
  const rawSessions: string[] = [];
  /** Every bearer token the server ever accepted or refused. */
  const tokens = new Set<string>();

  const rawSession = async (): Promise<string> => {
    const out = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `X#${SESSION_KEY}`, sk: 'X' }, ConsistentRead: true }));
    const item = out.Item;
    if (item === undefined) throw new Error('no session item in the table');
    return JSON.stringify(item);
  };
  const opened = (raw: string): Tokens => {
    const value = (JSON.parse(raw) as { value: string }).value;
    const result = openSession(value, OWNER.password, SESSION_KEY);
    if (!result.ok) throw new Error(`the stored session does not open: ${result.why}`);
    return JSON.parse(result.text) as Tokens;
  };

  beforeAll(async () => {
    table = await freshTable();
    server = await FakeBlueskyServer.start({ world: scaledWorld(W1.getTime(), { followers: 60, follows: 40, mutual: 15, notifications: 80, likes: 30, reposts: 10, posts: 20 }) });
    dir = await tempDir('fb-bluesky-job-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'ada',
          sources: [{ type: 'bluesky', serviceUrl: server.url, plcUrl: server.url, handle: OWNER.handle, appPassword: { env: 'BSKY_APP_PASSWORD' } }],
          report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const env = { BSKY_APP_PASSWORD: OWNER.password };
    for (const [i, date] of DATES.entries()) {
      // Before the third run the server expires every access token it issued.
      if (i === 2) server.expireAccessTokens();
      server.resetCounts();
      const from = server.seen.length;
      runs.push(await cli(['run', '--now', `${date}T09:00:00Z`], dir, env));
      reports.push(await readReport(join(dir, 'out'), date));
      calls.push({ create: server.count(CREATE), refresh: server.count(REFRESH), total: server.totalRequests });
      for (const seen of server.seen.slice(from)) {
        const token = /^Bearer (.+)$/.exec(seen.authorization ?? '')?.[1];
        if (token !== undefined) tokens.add(token);
      }
      rawSessions.push(await rawSession());
    }
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('every run completes with a complete Bluesky pull', () => {
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0]);
    for (const report of reports) expect(report.staleSources).toEqual([]);
    expect(reports[0]?.figures.followers).toBe(60);
    expect(reports[0]?.figures.following).toBe(40);
  });

  it('the first run signs in once; the second reuses the stored session and signs in not at all', () => {
    expect(calls[0]).toMatchObject({ create: 1, refresh: 0 });
    expect(calls[1]).toMatchObject({ create: 0, refresh: 0 });
    expect(calls[1]?.total).toBeGreaterThan(0);
    expect(opened(rawSessions[1] ?? '')).toEqual(opened(rawSessions[0] ?? ''));
  });

  it('an access token the server expired is refreshed, not replaced by a new sign-in, and the new pair is stored', () => {
    expect(calls[2]).toMatchObject({ create: 0, refresh: 1 });
    const before = opened(rawSessions[1] ?? '');
    const after = opened(rawSessions[2] ?? '');
    expect(after.did).toBe(OWNER.did);
    expect(after.accessJwt).not.toBe(before.accessJwt);
    expect(after.refreshJwt).not.toBe(before.refreshJwt);
  });

  it('the item in DynamoDB is sealed: no token, no app password and no DID in clear', () => {
    // Every token of the three runs: those sent as bearer tokens, and the pairs the stored values open to.
    const all = new Set([...tokens, ...rawSessions.flatMap((raw) => [opened(raw).accessJwt, opened(raw).refreshJwt])]);
    expect(all.size).toBe(4);
    for (const raw of rawSessions) {
      const item = JSON.parse(raw) as Record<string, unknown>;
      expect(item['value']).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
      for (const secret of [...all, OWNER.password, OWNER.did]) expect(raw).not.toContain(secret);
      // What it opens to is the live session: the access token the run went on to use.
      expect(tokens.has(opened(raw).accessJwt)).toBe(true);
    }
  });

  it('neither the app password nor a token appears in the output or the reports', async () => {
    const secrets = [OWNER.password, ...tokens];
    for (const r of runs) for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
    for (const f of await readdir(join(dir, 'out'))) {
      const text = await readFile(join(dir, 'out', f), 'utf8');
      for (const s of secrets) expect(text).not.toContain(s);
    }
  });
});
