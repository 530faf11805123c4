import { describe, expect, it } from 'vitest';
import { Contact, type Interaction, SourcePull } from '../../../../shared/domain/model.ts';
import type { ProgressEvent } from '../../../../shared/ports/source.ts';
import { DEMO_ALLOWLIST, DEMO_AUDIENCE, DEMO_BACKFILL_DAYS, DemoSource } from '../../../../shared/sources/demo/demo-source.ts';
import { NEGATIVE_REPLIES } from '../../../../shared/sources/demo/demo-text.ts';

const DAY = 86_400_000;
const NOW_2026 = new Date('2026-11-25T08:00:00Z');
const NOW_2030 = new Date('2030-03-04T07:00:00Z');

/** Thresholds of the default policy in shared/config/schema.ts. */
const POLICY = { lookbackDays: 90, minObservationDays: 30, graceDays: 14, dormantDays: 120, inactiveDays: 180, oneSidedThreshold: 5 };

const demo = (seed = 42, size = 1000): DemoSource => new DemoSource({ id: 'demo', seed, size });

/** What a pull says about one contact, in the terms of the reason codes. */
function profile(pull: SourcePull) {
  const now = Date.parse(pull.takenAt);
  const ageDays = (iso: string | undefined): number => (iso === undefined ? Infinity : (now - Date.parse(iso)) / DAY);
  const byContact = new Map<string, Interaction[]>();
  for (const i of pull.interactions) byContact.set(i.contactId, [...(byContact.get(i.contactId) ?? []), i]);
  return pull.contacts.map((contact) => {
    const all = byContact.get(contact.id) ?? [];
    const inbound = all.filter((i) => i.direction === 'inbound');
    const outbound = all.filter((i) => i.direction === 'outbound');
    const inWindow = (list: Interaction[]) => list.filter((i) => ageDays(i.at) <= POLICY.lookbackDays);
    const followed = contact.relation !== 'follower';
    const tieAge = ageDays(followed ? contact.followedAt : contact.followerSince);
    return { contact, inbound, outbound, inboundInWindow: inWindow(inbound), outboundInWindow: inWindow(outbound), followed, tieAge, ageDays };
  });
}

describe('demo source: a deterministic community', () => {
  it('gives an identical pull for the same seed and instant', async () => {
    const [a, b] = await Promise.all([demo().pull({ now: NOW_2026 }), demo().pull({ now: NOW_2026 })]);
    expect(a.interactions.length).toBeGreaterThan(1000);
    // Serialised: a deep equality of 20,000 objects costs seconds in the matcher.
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('gives another community for another seed', async () => {
    const [a, b] = await Promise.all([demo(42, 200).pull({ now: NOW_2026 }), demo(7, 200).pull({ now: NOW_2026 })]);
    const ids = new Set(a.contacts.map((c) => c.id));
    expect(b.contacts.filter((c) => ids.has(c.id)).length).toBeLessThan(5);
  });

  it.each([1000, 50])('has exactly %i contacts, with unique ids, all valid against the Contact schema', async (size) => {
    const pull = await demo(42, size).pull({ now: NOW_2026 });
    expect(pull.contacts).toHaveLength(size);
    expect(new Set(pull.contacts.map((c) => c.id)).size).toBe(size);
    const invalid = pull.contacts.filter((c) => JSON.stringify(Contact.parse(c)) !== JSON.stringify(c));
    expect(invalid).toEqual([]);
    expect(() => SourcePull.parse(pull)).not.toThrow();
  });

  it('backfills the last 180 days on the first pull and says so in historySince', async () => {
    const pull = await demo().pull({ now: NOW_2026 });
    const since = NOW_2026.getTime() - DEMO_BACKFILL_DAYS * DAY;
    expect(pull.historySince).toBe(new Date(since).toISOString());
    expect(pull.takenAt).toBe(NOW_2026.toISOString());
    expect(pull.cursor).toBe(pull.takenAt);
    expect(pull.interactions.length).toBeGreaterThan(5000);
    const outside = pull.interactions.filter((i) => Date.parse(i.at) <= since || Date.parse(i.at) > NOW_2026.getTime());
    expect(outside).toEqual([]);
    expect(new Set(pull.interactions.map((i) => i.id)).size).toBe(pull.interactions.length);
    expect([pull.contactsCompleteness, pull.interactionsCompleteness]).toEqual(['complete', 'complete']);
  });

  it('includes the interactions of former contacts whose tie ended inside the window', async () => {
    const pull = await demo().pull({ now: NOW_2026 });
    const current = new Set(pull.contacts.map((c) => c.id));
    expect(pull.interactions.some((i) => !current.has(i.contactId))).toBe(true);
  });

  it('looks like the same kind of community in 2026 and in 2030', async () => {
    const [a, b] = await Promise.all([demo().pull({ now: NOW_2026 }), demo().pull({ now: NOW_2030 })]);
    const followers = (p: SourcePull) => p.contacts.filter((c) => c.relation !== 'following').length;
    expect(Math.abs(followers(a) - followers(b))).toBeLessThan(100);
    expect(Math.abs(a.interactions.length - b.interactions.length) / a.interactions.length).toBeLessThan(0.2);
    const shared = new Set(a.contacts.map((c) => c.id));
    expect(b.contacts.filter((c) => shared.has(c.id)).length).toBeLessThan(100);
  });
});

describe('demo source: a pull a week later', () => {
  it('has some new and some lost followers, a realistic share of them', async () => {
    const source = demo();
    const first = await source.pull({ now: NOW_2026 });
    const second = await source.pull({ now: new Date(NOW_2026.getTime() + 7 * DAY), cursor: first.cursor });
    const followersOf = (p: SourcePull) => new Set(p.contacts.filter((c) => c.relation !== 'following').map((c) => c.id));
    const before = followersOf(first);
    const after = followersOf(second);
    const gained = [...after].filter((id) => !before.has(id)).length;
    const lost = [...before].filter((id) => !after.has(id)).length;
    expect(gained).toBeGreaterThanOrEqual(2);
    expect(lost).toBeGreaterThanOrEqual(2);
    expect(gained / before.size).toBeLessThan(0.04);
    expect(lost / before.size).toBeLessThan(0.04);
  });

  it('reports only interactions after the cursor, without historySince', async () => {
    const source = demo();
    const first = await source.pull({ now: NOW_2026 });
    const later = new Date(NOW_2026.getTime() + 7 * DAY);
    const second = await source.pull({ now: later, cursor: first.cursor });
    expect(second.historySince).toBeUndefined();
    expect(second.interactions.length).toBeGreaterThan(100);
    const outside = second.interactions.filter((i) => Date.parse(i.at) <= NOW_2026.getTime() || Date.parse(i.at) > later.getTime());
    expect(outside).toEqual([]);
  });

  it('keeps interaction ids stable: two adjacent windows add up to one window over both', async () => {
    const source = demo(42, 300);
    const t0 = NOW_2026.getTime();
    const cursor = new Date(t0).toISOString();
    const mid = new Date(t0 + 3.5 * DAY);
    const end = new Date(t0 + 7 * DAY);
    const firstHalf = await source.pull({ now: mid, cursor });
    const secondHalf = await source.pull({ now: end, cursor: firstHalf.cursor });
    const whole = await source.pull({ now: end, cursor });
    const byId = (list: Interaction[]) => JSON.stringify([...list].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(whole.interactions.length).toBeGreaterThan(50);
    expect(byId([...firstHalf.interactions, ...secondHalf.interactions])).toBe(byId(whole.interactions));
  });

  it('backfills again, and says why, when the stored cursor is not an instant', async () => {
    const pull = await demo(42, 50).pull({ now: NOW_2026, cursor: 'garbage' });
    expect(pull.historySince).toBe(new Date(NOW_2026.getTime() - DEMO_BACKFILL_DAYS * DAY).toISOString());
    expect(pull.problems).toEqual([`demo source: stored cursor "garbage" is not an instant; backfilled ${DEMO_BACKFILL_DAYS} days`]);
  });
});

describe.each([
  ['2026', NOW_2026],
  ['2030', NOW_2030],
])('demo source: every persona lives in a 1,000-contact pull (%s)', (_year, now) => {
  const pullOnce = demo().pull({ now });
  const atLeast = async (min: number, predicate: (p: ReturnType<typeof profile>[number]) => boolean): Promise<void> => {
    const found = profile(await pullOnce).filter(predicate);
    expect(found.length).toBeGreaterThanOrEqual(min);
  };

  it('supporters: many inbound interactions in the lookback window', () =>
    atLeast(15, (p) => p.inboundInWindow.length >= 15));

  it('never engaged: followed long enough ago and no interaction at all', () =>
    atLeast(30, (p) => p.followed && p.tieAge >= POLICY.minObservationDays && p.inbound.length === 0 && p.contact.state === 'active'));

  it('dormant: engaged before, nothing inbound for 120 days', () =>
    atLeast(3, (p) => p.inbound.length > 0 && p.inbound.every((i) => p.ageDays(i.at) > POLICY.dormantDays)));

  it('one-sided: the owner gave at least 5 in the window and got nothing back', () =>
    atLeast(15, (p) => p.followed && p.inbound.length === 0 && p.outboundInWindow.length >= POLICY.oneSidedThreshold + 3));

  it('critics: inbound only negative replies, quotes and mentions', () =>
    atLeast(
      5,
      (p) =>
        p.inbound.length >= 2 &&
        p.inbound.every((i) => ['reply', 'quote', 'mention'].includes(i.kind) && NEGATIVE_REPLIES.some((t) => i.text?.endsWith(t))),
    ));

  it('inactive accounts: moved (with a new home), suspended, deleted, and silent for over 180 days', async () => {
    const pull = await pullOnce;
    const states = new Set(pull.contacts.map((c) => c.state));
    expect([...states].sort()).toEqual(['active', 'deleted', 'moved', 'suspended']);
    expect(pull.contacts.filter((c) => c.state === 'moved').every((c) => c.movedTo !== undefined)).toBe(true);
    await atLeast(10, (p) => p.contact.state === 'active' && p.ageDays(p.contact.lastPostAt) > POLICY.inactiveDays + 30);
  });

  it('fans: followers the owner does not follow who engage (follow-back candidates)', () =>
    atLeast(20, (p) => p.contact.relation === 'follower' && p.inboundInWindow.length >= 2));

  it('lurkers: followers who never engage', () =>
    atLeast(30, (p) => p.contact.relation === 'follower' && p.tieAge >= POLICY.minObservationDays && p.inbound.length === 0));

  it('grace period: accounts followed in the last 14 days', () =>
    atLeast(3, (p) => p.followed && p.tieAge < POLICY.graceDays));

  it('mutuals, followings and followers in a realistic mix', async () => {
    const pull = await pullOnce;
    for (const relation of ['mutual', 'following', 'follower'] as const) {
      expect(pull.contacts.filter((c) => c.relation === relation).length).toBeGreaterThan(200);
    }
  });

  it('the allowlisted handles exist and would otherwise be pruned (no inbound interaction)', async () => {
    expect(DEMO_ALLOWLIST).toHaveLength(2);
    const profiles = profile(await pullOnce);
    for (const handle of DEMO_ALLOWLIST) {
      const found = profiles.find((p) => p.contact.handle === handle);
      expect(found?.followed).toBe(true);
      expect(found?.inbound).toEqual([]);
    }
  });

  it('out-of-audience profiles: other languages and off-topic bios', async () => {
    const pull = await pullOnce;
    const foreign = pull.contacts.filter((c) => c.languages !== undefined && !c.languages.some((l) => DEMO_AUDIENCE.languages.includes(l)));
    const offTopic = pull.contacts.filter((c) => DEMO_AUDIENCE.excludeKeywords.some((k) => c.bio.toLowerCase().includes(k)));
    expect(foreign.length).toBeGreaterThanOrEqual(30);
    expect(offTopic.length).toBeGreaterThanOrEqual(10);
    expect(pull.contacts.filter((c) => c.languages === undefined).length).toBeGreaterThan(0);
  });

  it('display names that need escaping', async () => {
    const pull = await pullOnce;
    expect(pull.contacts.some((c) => c.displayName.includes('<b>Bold</b> & "quoted"'))).toBe(true);
  });
});

describe('demo source: reports progress', () => {
  it('reports contacts and interactions as it goes, ending with every contact', async () => {
    const events: ProgressEvent[] = [];
    const pull = await demo(42, 600).pull({ now: NOW_2026, onProgress: (e) => events.push(e) });
    expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['contacts', 'interactions']));
    const contacts = events.filter((e) => e.phase === 'contacts');
    expect(contacts.at(-1)).toEqual({ sourceId: 'demo', phase: 'contacts', done: 600, total: 600 });
    expect(contacts.length).toBeGreaterThan(1);
    expect(events.filter((e) => e.phase === 'interactions').at(-1)?.done).toBe(pull.interactions.length);
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(demo().pull({ now: NOW_2026, signal: controller.signal })).rejects.toThrow(/demo source: pull aborted/);
  });
});
