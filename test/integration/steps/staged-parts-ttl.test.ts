/**
 * Staged parts are left to expire by TTL (issue 20, point 3): deleting them
 * after the report was billed as writing them again (at a million followers,
 * half of a repeat run's DynamoDB cost), while TTL deletes for free. Against
 * DynamoDB Local and the local Mastodon server:
 * - a finished firing deletes its state item only, and its parts carry their expiry;
 * - a firing run again under the same key (once the first one's claim is gone)
 *   reads only the parts it staged itself, never the ones the first left behind;
 * - a dry run takes what it staged away with it (it changes nothing);
 * - forgetting a contact deletes what finished firings staged (every contact
 *   their pulls read), and leaves a firing in progress whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullStep, runFiring, type Firing } from '../../../shared/app/steps.ts';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { bigWorld, CountingMailer, mastodonSource, profileOf, TOKEN, unfollow } from './steps-fixture.ts';

const T0 = new Date('2026-11-25T08:00:00Z');
const FOLLOWERS = 800;

interface Sent {
  command: string;
  pk: string;
  sk?: string;
  /** Items a Query returned. */
  count?: number;
}

/** Every DynamoDB request the store sends, with the partition it names (a middleware, as the bench meters capacity). */
function record(table: FreshTable): Sent[] {
  const sent: Sent[] = [];
  table.client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const input = args.input as { Key?: Record<string, { S?: string }>; Item?: Record<string, { S?: string }>; ExpressionAttributeValues?: Record<string, { S?: string }> };
      const key = input.Key ?? input.Item;
      const pk = key?.['pk']?.S ?? input.ExpressionAttributeValues?.[':pk']?.S ?? '';
      const sk = key?.['sk']?.S ?? input.ExpressionAttributeValues?.[':sk']?.S;
      const count = (out.output as { Count?: number }).Count;
      sent.push({ command: context.commandName ?? '', pk, ...(sk !== undefined ? { sk } : {}), ...(count !== undefined ? { count } : {}) });
      return out;
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  return sent;
}

const isStaged = (pk: string): boolean => pk.includes('#F#');

describe('staged parts expire by TTL instead of being deleted', () => {
  let srv: MastodonServer;
  let table: FreshTable;
  let sent: Sent[];

  beforeAll(async () => {
    table = await freshTable();
    sent = record(table);
    srv = await startMastodonServer({ token: TOKEN, world: bigWorld(FOLLOWERS), rateLimit: 1_000_000 });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  const firingOf = (profileId: string, key: string, holder: string, dryRun: boolean): Firing => ({ profile: profileOf(profileId), now: T0, dryRun, firingKey: key, claimFiring: true, holder });
  const deps = (mailer: CountingMailer) => ({ store: table.store, mailer, sourcesFor: () => [mastodonSource(srv)], maxRequestsPerStep: 3 });

  it('a finished firing deletes its state only; its parts stay with their expiry, and a re-run under the same key reads only its own', async () => {
    const mailer = new CountingMailer();
    const key = 'schedule:ttl:2026-11-25T08:00:00Z';
    const before = Math.floor(Date.now() / 1000);
    const first = await runFiring(firingOf('ttl', key, 'exec-1', false), deps(mailer), { budgetMs: 600_000, sleep: async () => undefined });
    expect(first.status).toBe('completed');
    expect(first.figures?.followers).toBe(FOLLOWERS);

    const deletes = sent.filter((s) => s.command === 'DeleteItemCommand' && isStaged(s.pk));
    expect(deletes.map((d) => d.sk)).toEqual(['state']);
    const firstParts = (await scanAll(table.doc, table.tableName)).filter((i) => isStaged(String(i['pk'])) && String(i['sk']).startsWith('part#'));
    expect(firstParts.length).toBeGreaterThan(3);
    // maxPullHours (the default policy's) plus a day, from when each part was written.
    const ttl = profileOf('ttl').policy.maxPullHours * 3600 + 86_400;
    for (const part of firstParts) {
      expect(part['expiresAt']).toBeGreaterThanOrEqual(before + ttl);
      expect(part['expiresAt']).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + ttl);
    }

    // The same trigger again once its claim is gone (it expires 35 days after the run), after 300 followers
    // left: the firing reads its own parts, not the ones the first left to expire.
    await table.store.releaseRun('ttl', `key#${key}`);
    for (let k = 0; k < 300; k++) unfollow(srv.world, String(100_000 + FOLLOWERS - k));
    const start = sent.length;
    const real = await runFiring(firingOf('ttl', key, 'exec-2', false), deps(mailer), { budgetMs: 600_000, sleep: async () => undefined });
    expect(real.status).toBe('completed');
    expect(real.figures?.followers).toBe(FOLLOWERS - 300);
    const allParts = (await scanAll(table.doc, table.tableName)).filter((i) => isStaged(String(i['pk'])) && String(i['sk']).startsWith('part#'));
    const ownParts = allParts.length - firstParts.length;
    expect(ownParts).toBeGreaterThan(0);
    // The report step's read of the parts returned this firing's items and none of the first one's.
    const partReads = sent.slice(start).filter((s) => s.command === 'QueryCommand' && isStaged(s.pk) && s.sk?.startsWith('part#') === true);
    expect(partReads.length).toBeGreaterThan(0);
    expect(partReads.reduce((n, s) => n + (s.count ?? 0), 0)).toBe(ownParts);
    expect(mailer.sent).toBe(2);
  }, 120_000);

  it('a dry run takes what it staged away with it', async () => {
    const key = 'schedule:dry:2026-11-25T08:00:00Z';
    const preview = await runFiring(firingOf('dry', key, 'exec-d', true), deps(new CountingMailer()), { budgetMs: 600_000, sleep: async () => undefined });
    expect(preview.status).toBe('completed');
    const left = (await scanAll(table.doc, table.tableName)).filter((i) => String(i['pk']).startsWith('P#dry#F#') || (i['pk'] === 'P#dry' && String(i['sk']).startsWith('F#')));
    expect(left).toEqual([]);
  }, 120_000);

  it('forgetting a contact deletes the parts of finished firings and leaves a firing in progress whole', async () => {
    const mailer = new CountingMailer();
    const done = await runFiring(firingOf('forget', 'schedule:forget:1', 'exec-a', false), deps(mailer), { budgetMs: 600_000, sleep: async () => undefined });
    expect(done.status).toBe('completed');
    // A second firing, one step in: its parts and state are what its report will need.
    const running = firingOf('forget', 'schedule:forget:2', 'exec-b', false);
    const step = await pullStep(running, 600_000, deps(mailer));
    expect(step.done).toBe(false);

    const stagedOf = async (key: string) => (await scanAll(table.doc, table.tableName)).filter((i) => String(i['pk']) === `P#forget#F#${key}`);
    expect((await stagedOf('schedule:forget:1')).length).toBeGreaterThan(0);
    const inProgress = await stagedOf('schedule:forget:2');
    expect(inProgress.some((i) => i['sk'] === 'state')).toBe(true);

    await table.store.forgetContact('forget', { sourceId: 'masto', contactId: String(100_000 + 1), decisions: [] });
    expect(await stagedOf('schedule:forget:1')).toHaveLength(0);
    expect((await stagedOf('schedule:forget:2')).map((i) => i['sk']).sort()).toEqual(inProgress.map((i) => i['sk']).sort());
    // The index that found them is gone with them; the running firing's stays.
    const index = (await scanAll(table.doc, table.tableName)).filter((i) => i['pk'] === 'P#forget' && String(i['sk']).startsWith('F#')).map((i) => i['sk']);
    expect(index).toEqual(['F#schedule:forget:2']);
  }, 120_000);
});
