/**
 * Contacts staged as unchanged (shared/domain/contact-fingerprint.ts): the
 * fingerprint covers every field, the index answers by value and packs
 * losslessly, a staged chunk splits its unchanged ids with its contacts, and
 * the report step fills them in from the store (finding the fingerprint each
 * was staged under), or, when one is no longer stored, reads the list as
 * partial (missing data never proves that someone left).
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemblePull, unstoredUnchangedProblem, type UnchangedContacts } from '../../../shared/app/assemble-pull.ts';
import { contactFieldsOf, contactFingerprint, FINGERPRINT_CHARS, FingerprintIndex, parseUnchangedEntry, positionGaps, positionsOf, stagedFingerprint } from '../../../shared/domain/contact-fingerprint.ts';
import { Contact } from '../../../shared/domain/model.ts';
import { StagedPartsBuilder, stagedPartsOf, type StagedPull } from '../../../shared/domain/staged-parts.ts';
import type { FiringSource } from '../../../shared/ports/firing-store.ts';
import { chunked, MAX_CHUNK_BYTES } from '../../../shared/store/dynamo-firing-store.ts';
import { readStagedChunk } from '../../../shared/store/staged-columns.ts';

const NOW = new Date('2026-11-25T08:00:00Z');

function contact(id: string, overrides: Partial<Contact> = {}): Contact {
  return Contact.parse({ id, handle: `@u${id}@x.social`, displayName: `U ${id}`, bio: `bio of ${id}`, relation: 'follower', postsCount: 3, ...overrides });
}

function pull(contacts: Contact[], positions?: number[], legacy?: string[]): StagedPull {
  return { sourceId: 'masto', platform: 'mastodon', takenAt: NOW.toISOString(), owner: { id: 'me', handle: '@me@x.social' }, contacts, interactions: [], contactsCompleteness: 'complete', interactionsCompleteness: 'complete', problems: [], requests: 1, ...(positions ? { unchangedAt: { generation: 'gen1', gaps: positionGaps(positions) } } : {}), ...(legacy ? { unchanged: legacy } : {}) } as StagedPull;
}

/** The first staged form of an unchanged contact, `<fingerprint><id>`, as parts staged by the earlier version hold it. */
const legacyEntry = (fingerprint: bigint, id: string): string => fingerprint.toString(16).padStart(FINGERPRINT_CHARS, '0') + id;

const U64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

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

  test.prop([fc.array(U64, { maxLength: 300 }), U64, fc.integer({ min: 26, max: 400 })])('the index has exactly its values, also through its packed bytes, in chunks of any size', (values, probe, maxBytes) => {
    const chunks = new FingerprintIndex(BigUint64Array.from(values)).toBytes(maxBytes);
    expect(chunks.every((c) => c.byteLength <= maxBytes)).toBe(true);
    const index = FingerprintIndex.fromBytes(chunks);
    expect(index.size).toBe(values.length);
    for (const v of values) expect(index.has(v)).toBe(true);
    expect(index.has(probe)).toBe(values.includes(probe));
  });

  test.prop([fc.array(U64, { minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 63 })])('values clustered or far apart (gaps past the escape) pack and come back exactly', (values, shift) => {
    // Values close together with a few far: the Rice parameter fits the mean gap, so the far ones take the escape.
    const spread = values.map((v, k) => (k % 7 === 0 ? v : v >> BigInt(shift)));
    const sorted = BigUint64Array.from(spread).sort();
    const back = FingerprintIndex.fromBytes(new FingerprintIndex(BigUint64Array.from(spread)).toBytes(64));
    expect(back.size).toBe(sorted.length);
    expect(BigUint64Array.from(sorted).every((v) => back.has(v))).toBe(true);
  });

  it('a million random fingerprints pack to under 6 bytes each (the raw values take 8)', () => {
    const values = new BigUint64Array(1_000_000);
    let x = 0x9e3779b97f4a7c15n;
    for (let k = 0; k < values.length; k++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      values[k] = x ^ (x >> 29n);
    }
    const bytes = new FingerprintIndex(values).toBytes(320_000).reduce((n, c) => n + c.byteLength, 0);
    expect(bytes / values.length).toBeLessThan(6);
  });

  it('raw chunks (indexes written before the packing) are still read, and a damaged packed chunk is refused', () => {
    const raw = new Uint8Array(16);
    new DataView(raw.buffer).setBigUint64(0, 7n);
    new DataView(raw.buffer).setBigUint64(8, 3n);
    const index = FingerprintIndex.fromBytes([raw], 'raw');
    expect([index.size, index.has(3n), index.has(7n), index.has(5n)]).toEqual([2, true, true, false]);
    const packed = new FingerprintIndex(BigUint64Array.from([1n, 2n ** 40n, 2n ** 63n])).toBytes(64);
    expect(() => FingerprintIndex.fromBytes([packed[0]!.subarray(0, packed[0]!.byteLength - 2)])).toThrow(/ends inside a value/);
    expect(() => FingerprintIndex.fromBytes([raw])).toThrow(/header/);
  });

  it('the legacy entry is the fingerprint and the id, whatever the id holds', () => {
    const fp = contactFingerprint(contact('did:plc:abc#1'));
    expect(parseUnchangedEntry(legacyEntry(fp, 'did:plc:abc#1'))).toEqual({ fingerprint: fp, id: 'did:plc:abc#1' });
    expect(parseUnchangedEntry(legacyEntry(1n, '7'))).toEqual({ fingerprint: 1n, id: '7' });
  });

  it('finds the form a stored contact was staged under: as stored, or less the follow dates and last post the merge kept', () => {
    const pulled = contact('9', { relation: 'mutual', lastPostAt: '2026-11-01T00:00:00.000Z' });
    // The store added what the source does not give: when the follows began, and kept a last post.
    const stored = { ...pulled, followedAt: '2026-02-01T00:00:00.000Z', followerSince: '2026-03-01T00:00:00.000Z', sourceId: 'masto', firstSeenAt: '2026-01-01T00:00:00.000Z' } as Contact;
    const index = new FingerprintIndex(BigUint64Array.from([contactFingerprint(pulled), 1n, 2n]));
    expect(stagedFingerprint(stored, index)).toBe(contactFingerprint(pulled));
    const withoutPost = contact('9', { relation: 'mutual', followerSince: '2026-03-01T00:00:00.000Z' });
    expect(stagedFingerprint({ ...withoutPost, lastPostAt: '2026-11-01T00:00:00.000Z', followedAt: '2026-02-01T00:00:00.000Z' }, new FingerprintIndex(BigUint64Array.from([contactFingerprint(withoutPost)])))).toBe(contactFingerprint(withoutPost));
    // A form the index does not hold (another field changed): not found, never a wrong one.
    expect(stagedFingerprint({ ...stored, bio: 'changed' }, index)).toBeUndefined();
  });
});

describe('staging and filling in', () => {
  test.prop([fc.uniqueArray(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 500 })])('positions go as sorted gaps and come back', (positions) => {
    const gaps = positionGaps(positions);
    expect(gaps.every((g) => g >= 0)).toBe(true);
    expect(positionsOf(gaps)).toEqual([...positions].sort((a, b) => a - b));
  });

  it('a part too big for one item splits its positions (and legacy entries) too, and reads back whole', () => {
    const positions = Array.from({ length: 200_000 }, (_, k) => k * 5 + (k % 3));
    const legacy = Array.from({ length: 30_000 }, (_, k) => legacyEntry(BigInt(k) * 7_919_000_003n, `${109_000_000_000_000_000n + BigInt(k) * 7_919_000_003n}`));
    const chunks = chunked(pull([contact('x')], positions, legacy));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.byteLength <= MAX_CHUNK_BYTES)).toBe(true);
    const back = chunks.map((c, k) => readStagedChunk(c, `chunk ${k}`));
    expect(back.flatMap((p) => positionsOf(p.unchangedAt?.gaps ?? []))).toEqual(positions);
    expect(back.every((p) => p.unchangedAt === undefined || p.unchangedAt.generation === 'gen1')).toBe(true);
    expect(back.flatMap((p) => p.unchanged ?? [])).toEqual(legacy);
    expect(back.flatMap((p) => p.contacts.map((c) => c.id))).toEqual(['x']);
    // Read back as the report step does, chunk by chunk into one part.
    const builder = new StagedPartsBuilder('masto');
    back.forEach((p, k) => builder.addChunk(k === 0, p, `chunk ${k}`));
    const parts = builder.result();
    expect(parts.parts).toHaveLength(1);
    expect(positionsOf(parts.parts[0]?.unchangedAt?.gaps ?? [])).toEqual(positions);
    expect(parts.parts[0]?.unchanged).toEqual(legacy);
  });

  it('fills each unchanged contact in from the stored one known at its position, a fresh form of the same account in another part winning', () => {
    // As the store keeps them: tracking fields beside the contact's own.
    const tracking = { sourceId: 'masto', platform: 'mastodon', firstSeenAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-11-18T08:00:00.000Z' };
    const known = new Map<number, { stored: Contact; fingerprint: bigint }>([
      [4, { stored: { ...contact('1'), followerSince: '2026-01-01T00:00:00.000Z', ...tracking } as Contact, fingerprint: 11n }],
      [9, { stored: { ...contact('2'), ...tracking } as Contact, fingerprint: 22n }],
    ]);
    const parts = stagedPartsOf('masto', [pull([], [9, 4]), pull([contact('2', { relation: 'following' })])]);
    const asked: string[] = [];
    const unchanged: UnchangedContacts = {
      stored: () => undefined,
      at: (generation, position) => {
        asked.push(`${generation}:${position}`);
        return known.get(position);
      },
    };
    const out = assemblePull({ ...entry, parts: [1, 1] }, parts, NOW, 12, unchanged);
    if (!out.ok) throw new Error('expected a pull');
    expect(out.pull.contactsCompleteness).toBe('complete');
    const byId = new Map(out.pull.contacts.map((c) => [c.id, c]));
    // Only the Contact fields of the stored one, its own follow date included.
    expect(byId.get('1')).toEqual({ ...contact('1'), followerSince: '2026-01-01T00:00:00.000Z' });
    // Followed in this run's other part: mutual, and no longer "unchanged" (its fingerprint is not carried).
    expect(byId.get('2')?.relation).toBe('mutual');
    expect(out.pull.contacts.map((c, k) => [c.id, unchanged.carried?.[k]])).toEqual([['1', 11n], ['2', 0n]]);
    expect(asked).toEqual(['gen1:4', 'gen1:9']);
  });

  it('parts staged in the first form (fingerprint and id) are filled in the same way, their fingerprints carried', () => {
    const stored = new Map<string, Contact>([['1', contact('1')]]);
    const parts = stagedPartsOf('masto', [pull([], undefined, [legacyEntry(11n, '1')])]);
    const unchanged: UnchangedContacts = { stored: (id) => stored.get(id) };
    const out = assemblePull(entry, parts, NOW, 12, unchanged);
    if (!out.ok) throw new Error('expected a pull');
    expect(out.pull.contacts).toEqual([contact('1')]);
    expect([...(unchanged.carried ?? [])]).toEqual([11n]);
  });

  it('parts staged by id (the form between) are filled in by id, their fingerprints worked out again', () => {
    const stored = new Map<string, Contact>([['7', contact('7')]]);
    const staged = { ...pull([]), unchangedIds: ['7', 'gone'] } as StagedPull;
    const builder = new StagedPartsBuilder('masto');
    builder.addChunk(true, staged, 'chunk 0');
    builder.addChunk(false, { ...pull([]), unchangedIds: ['7'] } as StagedPull, 'chunk 1');
    const unchanged: UnchangedContacts = { stored: (id) => stored.get(id) };
    const out = assemblePull(entry, builder.result(), NOW, 12, unchanged);
    if (!out.ok) throw new Error('expected a pull');
    expect(out.pull.contacts).toEqual([contact('7')]);
    expect([...(unchanged.carried ?? [])]).toEqual([0n]);
    // 'gone' is not stored: missing, so the list is partial.
    expect(out.pull.problems).toContain(unstoredUnchangedProblem(1));
  });

  it('one no longer stored (forgotten meanwhile, or its generation gone) makes the list partial, with a problem that says why', () => {
    const parts = stagedPartsOf('masto', [pull([contact('1')], [3])]);
    const out = assemblePull(entry, parts, NOW, 12, { stored: () => undefined, at: () => undefined });
    if (!out.ok) throw new Error('expected a pull');
    expect(out.pull.contactsCompleteness).toBe('partial');
    expect(out.pull.problems).toContain(unstoredUnchangedProblem(1));
    expect(out.pull.contacts.map((c) => c.id)).toEqual(['1']);
  });
});
