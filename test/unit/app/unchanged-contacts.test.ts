/**
 * Contacts staged as unchanged (shared/domain/contact-fingerprint.ts): the
 * fingerprint covers every field, the index answers by value, a staged chunk
 * splits its unchanged entries with its contacts, and the report step fills
 * them in from the store, or, when one is no longer stored, reads the list as
 * partial (missing data never proves that someone left).
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemblePull, unstoredUnchangedProblem, type UnchangedContacts } from '../../../shared/app/assemble-pull.ts';
import { contactFieldsOf, contactFingerprint, FingerprintIndex, parseUnchangedEntry, unchangedEntry } from '../../../shared/domain/contact-fingerprint.ts';
import { Contact } from '../../../shared/domain/model.ts';
import { stagedPartsOf, type StagedPull } from '../../../shared/domain/staged-parts.ts';
import type { FiringSource } from '../../../shared/ports/firing-store.ts';
import { chunked, MAX_CHUNK_BYTES } from '../../../shared/store/dynamo-firing-store.ts';
import { readStagedChunk } from '../../../shared/store/staged-columns.ts';

const NOW = new Date('2026-11-25T08:00:00Z');

function contact(id: string, overrides: Partial<Contact> = {}): Contact {
  return Contact.parse({ id, handle: `@u${id}@x.social`, displayName: `U ${id}`, bio: `bio of ${id}`, relation: 'follower', postsCount: 3, ...overrides });
}

function pull(contacts: Contact[], unchanged?: string[]): StagedPull {
  return { sourceId: 'masto', platform: 'mastodon', takenAt: NOW.toISOString(), owner: { id: 'me', handle: '@me@x.social' }, contacts, interactions: [], contactsCompleteness: 'complete', interactionsCompleteness: 'complete', problems: [], requests: 1, ...(unchanged ? { unchanged } : {}) } as StagedPull;
}

const entry: FiringSource = { sourceId: 'masto', platform: 'mastodon', phase: 'complete', parts: [1], requests: 1, items: 0 };

describe('contact fingerprints', () => {
  it('change with any field of the contact, and not with what the store adds', () => {
    const base = contact('1');
    const fp = contactFingerprint(base);
    for (const change of [{ displayName: 'x' }, { bio: 'x' }, { relation: 'mutual' }, { postsCount: 4 }, { followersCount: 1 }, { lastPostAt: '2026-01-01T00:00:00Z' }, { labels: ['bot'] }, { state: 'moved' }] as Partial<Contact>[]) {
      expect(contactFingerprint({ ...base, ...change })).not.toBe(fp);
    }
    const tracked = { ...base, sourceId: 'masto', platform: 'mastodon', firstSeenAt: NOW.toISOString(), lastSeenAt: NOW.toISOString(), previousReasons: [] };
    expect(contactFingerprint(contactFieldsOf(tracked))).toBe(fp);
  });

  test.prop([fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 300 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })])('the index has exactly its values, also through its bytes', (values, probe) => {
    const index = FingerprintIndex.fromBytes(new FingerprintIndex(BigUint64Array.from(values)).toBytes(64));
    expect(index.size).toBe(values.length);
    for (const v of values) expect(index.has(v)).toBe(true);
    expect(index.has(probe)).toBe(values.includes(probe));
  });

  it('an entry is the fingerprint and the id, whatever the id holds', () => {
    const fp = contactFingerprint(contact('did:plc:abc#1'));
    expect(parseUnchangedEntry(unchangedEntry(fp, 'did:plc:abc#1'))).toEqual({ fingerprint: fp, id: 'did:plc:abc#1' });
    expect(parseUnchangedEntry(unchangedEntry(1n, '7'))).toEqual({ fingerprint: 1n, id: '7' });
  });
});

describe('staging and filling in', () => {
  it('a part too big for one item splits its unchanged entries too, and reads back whole', () => {
    const many = Array.from({ length: 40_000 }, (_, k) => unchangedEntry(BigInt(k) * 7_919_000_003n, `${1_000_000 + k}`));
    const chunks = chunked(pull([contact('x')], many));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.byteLength <= MAX_CHUNK_BYTES)).toBe(true);
    const back = chunks.map((c, k) => readStagedChunk(c, `chunk ${k}`));
    expect(back.flatMap((p) => p.unchanged ?? [])).toEqual(many);
    expect(back.flatMap((p) => p.contacts.map((c) => c.id))).toEqual(['x']);
  });

  it('fills each unchanged contact in from the store, a fresh form of the same account in another part winning', () => {
    // As the store keeps them: tracking fields beside the contact's own.
    const tracking = { sourceId: 'masto', platform: 'mastodon', firstSeenAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-11-18T08:00:00.000Z' };
    const stored = new Map<string, Contact>([
      ['1', { ...contact('1'), followerSince: '2026-01-01T00:00:00.000Z', ...tracking }],
      ['2', { ...contact('2'), ...tracking }],
    ]);
    const parts = stagedPartsOf('masto', [pull([], [unchangedEntry(11n, '1'), unchangedEntry(22n, '2')]), pull([contact('2', { relation: 'following' })])]);
    const unchanged: UnchangedContacts = { stored: (id) => stored.get(id) };
    const out = assemblePull({ ...entry, parts: [1, 1] }, parts, NOW, 12, unchanged);
    if (!out.ok) throw new Error('expected a pull');
    expect(out.pull.contactsCompleteness).toBe('complete');
    const byId = new Map(out.pull.contacts.map((c) => [c.id, c]));
    // Only the Contact fields of the stored one, its own follow date included.
    expect(byId.get('1')).toEqual({ ...contact('1'), followerSince: '2026-01-01T00:00:00.000Z' });
    // Followed in this run's other part: mutual, and no longer "unchanged" (its fingerprint is not carried).
    expect(byId.get('2')?.relation).toBe('mutual');
    expect(out.pull.contacts.map((c, k) => [c.id, unchanged.carried?.[k]])).toEqual([['1', 11n], ['2', 0n]]);
  });

  it('one no longer stored (forgotten meanwhile) makes the list partial, with a problem that says why', () => {
    const parts = stagedPartsOf('masto', [pull([contact('1')], [unchangedEntry(5n, 'gone')])]);
    const out = assemblePull(entry, parts, NOW, 12, { stored: () => undefined });
    if (!out.ok) throw new Error('expected a pull');
    expect(out.pull.contactsCompleteness).toBe('partial');
    expect(out.pull.problems).toContain(unstoredUnchangedProblem(1));
    expect(out.pull.contacts.map((c) => c.id)).toEqual(['1']);
  });
});
