/**
 * Issue 10: a list read over several steps is one consistent snapshot. A
 * follower who arrives mid-read lands before the position already read (the
 * list is newest follow first, paged by follow id): not in this read, reported
 * new next time. One who leaves from a page already read is still in this read,
 * reported lost next time; one who leaves from a page not read yet is simply
 * absent, reported lost now. Nobody is lost or counted twice.
 * And one failing profile leaves the other profiles' firings intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonServer, type MastodonServer } from '../../helpers/mastodon-server.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { bigWorld, CountingMailer, fire, follow, mastodonSource, profileOf, TOKEN, unfollow } from './steps-fixture.ts';

const FOLLOWERS = 2_000;
const DAY = 86_400_000;
const T0 = new Date('2026-11-01T08:00:00Z');

describe('followers who arrive or leave while a long list is read', () => {
  let srv: MastodonServer;
  let table: FreshTable;
  const mailer = new CountingMailer();
  const profile = profileOf('mid');
  const deps = () => ({ store: table.store, mailer, sourcesFor: () => [mastodonSource(srv)], maxRequestsPerStep: 5 });
  const followerIds = async () => new Set((await table.store.loadProfileState('mid')).contacts.filter((c) => c.relation !== 'following').map((c) => c.id));

  beforeAll(async () => {
    table = await freshTable();
    srv = await startMastodonServer({ token: TOKEN, world: bigWorld(FOLLOWERS), rateLimit: 1_000_000 });
    await fire(profile, T0, deps());
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await table?.drop();
  });

  // Followers are newest first: the first pages hold the highest ids.
  const onReadPage = String(100_000 + FOLLOWERS - 5);
  const onUnreadPage = String(100_000 + 10);
  const arriving = '555555';

  it('the firing during which they move counts the leaver from an unread page as lost, and nobody else changes', async () => {
    srv.reset();
    const { result, steps } = await fire(profile, new Date(T0.getTime() + 7 * DAY), deps(), (step) => {
      if (step.iteration !== 2) return;
      follow(srv.world, arriving);
      unfollow(srv.world, onReadPage);
      unfollow(srv.world, onUnreadPage);
    });
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(result.figures).toMatchObject({ followers: FOLLOWERS - 1, newFollowers: 0, lostFollowers: 1 });
    const ids = await followerIds();
    expect(ids.has(onReadPage)).toBe(true);
    expect(ids.has(onUnreadPage)).toBe(false);
    expect(ids.has(arriving)).toBe(false);
    const pages = srv.log.filter((r) => r.route === 'followers').map((r) => r.url);
    expect(new Set(pages).size).toBe(pages.length);
  }, 60_000);

  it('the next firing reports the arrival as new and the leaver from a page already read as lost, once each', async () => {
    const { result } = await fire(profile, new Date(T0.getTime() + 14 * DAY), deps());
    expect(result.figures).toMatchObject({ followers: FOLLOWERS - 1, newFollowers: 1, lostFollowers: 1 });
    const ids = await followerIds();
    expect(ids.has(arriving)).toBe(true);
    expect(ids.has(onReadPage)).toBe(false);
    expect(ids.size).toBe(FOLLOWERS - 1);

    const { result: quiet } = await fire(profile, new Date(T0.getTime() + 21 * DAY), deps());
    expect(quiet.figures).toMatchObject({ newFollowers: 0, lostFollowers: 0 });
    expect(mailer.sent).toBe(4);
  }, 60_000);
});

describe('two profiles firing at once, one of them failing', () => {
  it("the other's steps and report are intact, and the failed one leaves no lease and no staged pages", async () => {
    const table = await freshTable();
    const srv = await startMastodonServer({ token: TOKEN, world: bigWorld(800), rateLimit: 1_000_000 });
    try {
      const mailer = new CountingMailer();
      const good = fire(profileOf('good'), T0, { store: table.store, mailer, sourcesFor: () => [mastodonSource(srv)], maxRequestsPerStep: 3 });
      let calls = 0;
      const bad = fire(profileOf('bad'), T0, {
        store: table.store,
        mailer,
        // Its second step cannot build its sources (a secret that went missing, say).
        sourcesFor: () => {
          calls += 1;
          if (calls > 1) throw new Error('the access token secret cannot be read');
          return [mastodonSource(srv)];
        },
        maxRequestsPerStep: 3,
      });
      const [g, b] = await Promise.allSettled([good, bad]);
      expect(b.status).toBe('rejected');
      expect(g.status).toBe('fulfilled');
      const ok = (g as PromiseFulfilledResult<Awaited<typeof good>>).value;
      expect(ok.steps.length).toBeGreaterThanOrEqual(3);
      expect(ok.result).toMatchObject({ status: 'completed', figures: { followers: 800 } });
      expect(ok.result.pulls?.[0]?.contactsCompleteness).toBe('complete');
      expect(mailer.sent).toBe(1);
      expect(await table.store.getClaim('bad', 'lease')).toBeNull();
      const items = await scanAll(table.doc, table.tableName);
      // The good firing's staged pages are left for TTL (its state is gone); the failed one's are deleted.
      const staged = items.filter((i) => String(i['pk']).includes('#F#'));
      expect(staged.filter((i) => i['sk'] === 'state')).toHaveLength(0);
      expect(staged.every((i) => String(i['pk']).startsWith('P#good#F#') && typeof i['expiresAt'] === 'number')).toBe(true);
      expect(items.filter((i) => String(i['pk']).startsWith('P#bad'))).toHaveLength(0);
      expect((await table.store.loadProfileState('good')).contacts).toHaveLength(850);
    } finally {
      await srv.close();
      await table.drop();
    }
  }, 60_000);
});
