/**
 * Issue 10: a follower list too long for one Lambda is read over several pull
 * steps, as one snapshot: 20,000 followers on the local Mastodon server, a page
 * budget per step that forces many steps, every page fetched exactly once, one
 * report with every follower in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { bigWorld, CountingMailer, fire, mastodonSource, profileOf, TOKEN } from './steps-fixture.ts';

const FOLLOWERS = 20_000;

describe('a 20,000-follower account read over many pull steps', () => {
  let srv: MastodonServer;
  let table: FreshTable;

  beforeAll(async () => {
    table = await freshTable();
    srv = await startMastodonServer({ token: TOKEN, world: bigWorld(FOLLOWERS), rateLimit: 1_000_000 });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  it('takes at least five steps, fetches every follower page exactly once, and sends one complete report', async () => {
    const mailer = new CountingMailer();
    const profile = profileOf('big');
    const { result, steps } = await fire(profile, new Date('2026-11-25T08:00:00Z'), { store: table.store, mailer, sourcesFor: () => [mastodonSource(srv)], maxRequestsPerStep: 50 });

    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps.slice(0, -1).every((s) => !s.done && s.sources[0]?.state === 'in_progress')).toBe(true);
    expect(steps.at(-1)?.done).toBe(true);
    expect(steps.at(-1)?.sources[0]?.state).toBe('complete');

    const followerPages = srv.log.filter((r) => r.route === 'followers').map((r) => r.url);
    // 250 full pages of 80, and the empty one that says the list ended.
    expect(followerPages).toHaveLength(FOLLOWERS / 80 + 1);
    expect(new Set(followerPages).size).toBe(followerPages.length);
    expect(srv.log.filter((r) => r.route === 'verify_credentials')).toHaveLength(1);

    expect(result.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    expect(result.figures?.followers).toBe(FOLLOWERS);
    expect(result.pulls?.[0]).toMatchObject({ contactsCompleteness: 'complete', interactionsCompleteness: 'complete', contacts: FOLLOWERS + 50 });
    expect(result.pulls?.[0]?.requests).toBe(srv.total());

    const state = await table.store.loadProfileState('big');
    expect(state.contacts.filter((c) => c.relation !== 'following')).toHaveLength(FOLLOWERS);
    // The firing's state is gone once the report is stored, and the lease is free; the staged pages are
    // left for TTL to delete (free, where a delete is billed as a write), each with its expiry.
    const staged = (await scanAll(table.doc, table.tableName)).filter((i) => String(i['pk']).includes('#F#'));
    expect(staged.filter((i) => i['sk'] === 'state')).toHaveLength(0);
    expect(staged.length).toBeGreaterThan(0);
    expect(staged.every((i) => typeof i['expiresAt'] === 'number')).toBe(true);
    expect(await table.store.getClaim('big', 'lease')).toBeNull();
  }, 120_000);
});
