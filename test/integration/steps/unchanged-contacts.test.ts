/**
 * Issue 20: a repeat run stages a contact it has seen unchanged as its
 * position in the fingerprint index (shared/domain/contact-fingerprint.ts), and the
 * report step fills it in from the stored contact. The promise is that nothing
 * a user sees or the store keeps differs from staging every contact whole:
 * the same world, run three times on two tables (one whose fingerprints are
 * dropped before each run, so it stages everything), gives the same stored
 * contacts and the same CSV, while the first table stages a fraction of the
 * bytes. Between runs the world changes the ways a real list does: a new
 * follower (with its follow notification), one who left, a renamed account, a
 * follower count that moved, a follower the owner follows back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/store/table-schema.ts';
import type { RunReportResult } from '../../../shared/app/types.ts';
import { startMastodonServer, type Json, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { freshTable, scanAll, type FreshTable } from '../../helpers/dynamo.ts';
import { notification } from '../sources/mastodon/world.ts';
import { bigWorld, CountingMailer, fire, follow, mastodonSource, profileOf, TOKEN, unfollow } from './steps-fixture.ts';

type Item = Awaited<ReturnType<typeof scanAll>>[number];

const FOLLOWERS = 1200;
const profile = profileOf('unchanged');
const DAY = 86_400_000;

describe('contacts staged as unchanged', () => {
  let srv: MastodonServer;
  let world: MastodonWorld;
  let indexed: FreshTable;
  let whole: FreshTable;

  beforeAll(async () => {
    [indexed, whole] = await Promise.all([freshTable(), freshTable()]);
    world = bigWorld(FOLLOWERS, 40);
    // Bios and names of ordinary entropy, as real lists have (the fixture's copies compress to almost nothing).
    let seed = 7;
    const word = (): string => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed.toString(36).slice(0, 3 + (seed % 6));
    };
    for (const a of [...world.followers, ...world.following]) {
      a['note'] = `<p>${Array.from({ length: 6 + (Number(a['id']) % 20) }, word).join(' ')}</p>`;
      a['display_name'] = `${word()} ${word()}`;
      a['followers_count'] = Number(a['id']) % 977;
    }
    srv = await startMastodonServer({ token: TOKEN, world, rateLimit: 1_000_000 });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await Promise.all([indexed?.drop(), whole?.drop()]);
  });

  /** One run on each table: the same world, the same clock. */
  async function both(now: Date): Promise<{ indexed: RunReportResult; whole: RunReportResult }> {
    const deps = (t: FreshTable) => ({ store: t.store, mailer: new CountingMailer(), sourcesFor: () => [mastodonSource(srv)], maxRequestsPerStep: 4 });
    const a = await fire(profile, now, deps(indexed));
    await whole.store.firingStore().dropFingerprints(profile.id, ['masto']);
    const b = await fire(profile, now, deps(whole));
    return { indexed: a.result, whole: b.result };
  }

  const contactsOf = async (t: FreshTable): Promise<Item[]> =>
    (await scanAll(t.doc, t.tableName)).filter((i) => i['entity'] === 'contact').sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])));

  /** What the run at `now` staged: its parts' bytes, and how many contacts went as unchanged entries. */
  async function staged(t: FreshTable, now: Date): Promise<{ bytes: number; whole: number; unchanged: number }> {
    const parts = (await scanAll(t.doc, t.tableName)).filter((i) => i['entity'] === 'firing-part' && String(i['pk']).includes(now.toISOString()));
    let bytes = 0;
    let wholeContacts = 0;
    let unchanged = 0;
    for (const part of parts) {
      const body = part['body'] as Uint8Array;
      bytes += body.byteLength;
      const pull = JSON.parse(gunzipSync(body).toString('utf8')) as { contacts: unknown[]; unchangedAt?: { gaps: number[] }; unchanged?: string[] };
      expect(pull.unchanged).toBeUndefined(); // the first form (fingerprint and id) is only read, no longer written
      wholeContacts += pull.contacts.length;
      unchanged += pull.unchangedAt?.gaps.length ?? 0;
    }
    return { bytes, whole: wholeContacts, unchanged };
  }

  it('stores the same contacts and sends the same CSV as staging every contact, at a fraction of the bytes', async () => {
    const first = new Date('2026-11-04T08:00:00Z');
    const r1 = await both(first);
    expect(r1.indexed.status).toBe('completed');
    // A first run has no fingerprints: everyone staged whole on both tables.
    expect((await staged(indexed, first)).unchanged).toBe(0);
    expect(await contactsOf(indexed)).toEqual(await contactsOf(whole));

    // A week of change.
    const second = new Date(first.getTime() + 7 * DAY);
    const newcomer = follow(world, '555001');
    world.notifications.unshift(notification(1, 'follow', newcomer, new Date(second.getTime() - DAY)));
    unfollow(world, String(100_000 + 10));
    const renamed = world.followers[30] as Json;
    renamed['display_name'] = 'A New Name';
    const busier = world.followers[31] as Json;
    busier['followers_count'] = Number(busier['followers_count'] ?? 0) + 7;
    // The owner follows a follower back: the account is in both lists, a mutual.
    world.following.push({ ...(world.followers[40] as Json) });

    const r2 = await both(second);
    expect(r2.indexed.status).toBe('completed');
    const s2 = await staged(indexed, second);
    const w2 = await staged(whole, second);
    // All but the accounts that changed went as unchanged entries; the other table staged all of them whole.
    expect(w2.unchanged).toBe(0);
    expect(s2.unchanged).toBeGreaterThan(FOLLOWERS - 10);
    expect(s2.whole).toBeLessThan(10);
    expect(s2.bytes).toBeLessThan(w2.bytes / 3);
    expect(await contactsOf(indexed)).toEqual(await contactsOf(whole));
    expect(r2.indexed.report?.csv).toBe(r2.whole.report?.csv);
    expect(r2.indexed.figures).toEqual(r2.whole.figures);
    // The changes themselves came through.
    const stored = await contactsOf(indexed);
    expect(stored.find((c) => c['sk'] === 'C#masto#' + String(renamed['id']))?.['displayName']).toBe('A New Name');
    expect(stored.find((c) => c['sk'] === 'C#masto#' + String(world.followers[40]?.['id']))?.['relation']).toBe('mutual');

    // A third run, nothing changed: contacts filled in last time are unchanged again (their fingerprints were carried).
    const third = new Date(second.getTime() + 7 * DAY);
    const r3 = await both(third);
    const s3 = await staged(indexed, third);
    expect(s3.whole).toBeLessThan(5);
    expect(s3.unchanged).toBeGreaterThan(FOLLOWERS + 30);
    expect(await contactsOf(indexed)).toEqual(await contactsOf(whole));
    expect(r3.indexed.report?.csv).toBe(r3.whole.report?.csv);

    // Two more weeks, nothing changed. The stored forms now hold what the merge kept and the source does not give
    // again (the newcomer's follow date, from a notification, and when the follow-back began): the report step
    // finds the form each was staged under, so no contact flips between whole and unchanged from run to run.
    let at = third;
    for (let k = 0; k < 2; k++) {
      at = new Date(at.getTime() + 7 * DAY);
      const r = await both(at);
      const s = await staged(indexed, at);
      expect(s.whole).toBe(0);
      expect(await contactsOf(indexed)).toEqual(await contactsOf(whole));
      expect(r.indexed.report?.csv).toBe(r.whole.report?.csv);
    }
    const kept = (await contactsOf(indexed)).filter((c) => c['followerSince'] !== undefined || c['followedAt'] !== undefined);
    expect(kept.length).toBeGreaterThan(0);
  }, 180_000);

  it('a dry run neither writes fingerprints nor drops them', async () => {
    const head = async (): Promise<Item | undefined> => (await scanAll(indexed.doc, indexed.tableName)).find((i) => i['entity'] === 'fingerprints');
    const before = await head();
    expect(before).toBeDefined();
    const { runFiring, adHocFiringKey } = await import('../../../shared/app/steps.ts');
    const now = new Date('2026-12-01T08:00:00Z');
    await runFiring(
      { profile, now, dryRun: true, firingKey: adHocFiringKey(profile.id, now), claimFiring: false, holder: 'test:dry' },
      { store: indexed.store, mailer: new CountingMailer(), sourcesFor: () => [mastodonSource(srv)] },
      { budgetMs: 60_000, sleep: async () => undefined },
    );
    expect(await head()).toEqual(before);
  }, 60_000);

  it('an index in the first form (raw chunks that do not say their count, as the previous version wrote) still fills every contact in', async () => {
    const known = await indexed.store.firingStore().loadFingerprints(profile.id, 'masto');
    if (known === null) throw new Error('expected fingerprints');
    const raw = new Uint8Array(known.index.size * 8);
    const view = new DataView(raw.buffer);
    for (let k = 0; k < known.index.size; k++) view.setBigUint64(k * 8, known.index.at(k));
    const pk = keys.profile(profile.id);
    const expiresAt = Math.floor(Date.now() / 1000) + 86_400;
    await indexed.doc.send(new PutCommand({ TableName: indexed.tableName, Item: { pk, sk: 'K#masto#old1#0000', entity: 'fingerprint-chunk', b: raw, expiresAt } }));
    await indexed.doc.send(new PutCommand({ TableName: indexed.tableName, Item: { pk, sk: 'K#masto', entity: 'fingerprints', generation: 'old1', chunks: 1, count: known.index.size, expiresAt } }));
    const at = new Date('2026-12-10T08:00:00Z');
    const r = await both(at);
    const s = await staged(indexed, at);
    expect(s.unchanged).toBeGreaterThan(FOLLOWERS);
    expect(s.whole).toBe(0);
    expect(r.indexed.status).toBe('completed');
    expect(JSON.stringify(r.indexed)).not.toContain('no longer stored');
    expect(await contactsOf(indexed)).toEqual(await contactsOf(whole));
    expect(r.indexed.report?.csv).toBe(r.whole.report?.csv);
  }, 60_000);

  // Last: it leaves the list partial (no fingerprints saved).
  it('a contact forgotten between the pull steps and the report: its generation is still read, the list is partial, and it stays forgotten', async () => {
    const { pullStep, reportStep, adHocFiringKey } = await import('../../../shared/app/steps.ts');
    const { unstoredUnchangedProblem } = await import('../../../shared/app/assemble-pull.ts');
    const now = new Date('2026-12-20T08:00:00Z');
    const firing = { profile, now, dryRun: false, firingKey: adHocFiringKey(profile.id, now), claimFiring: false, holder: 'test:forget' };
    const deps = { store: indexed.store, mailer: new CountingMailer(), sourcesFor: () => [mastodonSource(srv)], maxRequestsPerStep: 4 };
    for (let step = 0; !(await pullStep(firing, 60_000, deps)).done; step++) expect(step).toBeLessThan(100);
    const s = await staged(indexed, now);
    expect(s.unchanged).toBeGreaterThan(FOLLOWERS);
    // Forgotten now: its contact and the source's fingerprint head go.
    const target = String(world.followers[50]?.['id']);
    await indexed.store.forgetContact(profile.id, { sourceId: 'masto', contactId: target, decisions: [] });
    const result = await reportStep(firing, deps);
    expect(result.status).toBe('completed');
    // The others came from the generation the steps staged against (its head was dropped): none missing but one.
    expect(JSON.stringify(result)).toContain(unstoredUnchangedProblem(1));
    const stored = await contactsOf(indexed);
    expect(stored.some((c) => c['id'] === target)).toBe(false);
    expect(stored.length).toBeGreaterThan(FOLLOWERS);
    expect(result.report?.csv).not.toContain(target);
  }, 60_000);
});
