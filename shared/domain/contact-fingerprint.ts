/**
 * Which contacts a pull step need not stage again (issue 20: a repeat run at a
 * million followers wrote the whole list to DynamoDB every run, $0.056 of it).
 *
 * A contact's fingerprint is 64 bits of SHA-256 over its id and every field of
 * `Contact` (the zod schema's keys, so a new field counts by itself), as the
 * report assembled it. After a report is stored, each source whose list was
 * complete keeps the fingerprints of its contacts (`FingerprintIndex`, packed
 * to under 6 bytes a contact). A later pull step stages a contact whose
 * fingerprint is in the index by its position there alone (about a byte): the
 * report step finds which stored contact each position is (the fingerprint
 * each stored contact is known by, `stagedFingerprint`) and takes its fields
 * from it, which that same report stored from the same fields (merging is
 * idempotent: the stored form merged again with itself gives itself).
 *
 * A contact changed in any field has another fingerprint and is staged whole.
 * Two different forms of contacts sharing 64 bits of SHA-256 is the only way a
 * change goes unseen: for a million contacts, about one chance in 10^13 a run.
 */
import { createHash } from 'node:crypto';
import { Contact } from './model.ts';

const FIELDS = Object.keys(Contact.shape) as (keyof Contact)[];
/** Hex characters of a fingerprint in a legacy unchanged entry (`<fingerprint><id>`, staged before ids went alone). */
export const FINGERPRINT_CHARS = 16;

export function contactFingerprint(contact: Contact): bigint {
  const values = FIELDS.map((field) => contact[field] ?? null);
  return createHash('sha256').update(JSON.stringify(values)).digest().readBigUInt64BE(0);
}

/** A legacy unchanged entry, `<fingerprint><id>` (parts staged before ids went alone; still read). */
export function parseUnchangedEntry(entry: string): { fingerprint: bigint; id: string } {
  return { fingerprint: BigInt(`0x${entry.slice(0, FINGERPRINT_CHARS)}`), id: entry.slice(FINGERPRINT_CHARS) };
}

/** Only the fields of `Contact` (a stored contact also carries its tracking and its verdict). */
export function contactFieldsOf(stored: Contact): Contact {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) if (stored[field] !== undefined) out[field] = stored[field];
  return out as Contact;
}

/**
 * Fields the merge may keep on a stored contact where its source's latest form had none (shared/app/merge-pulls.ts:
 * the follow dates it saw begin, a last post the source did not read again).
 */
const KEPT_BY_MERGE = ['followedAt', 'followerSince', 'lastPostAt'] as const satisfies readonly (keyof Contact)[];

/**
 * The fingerprint under which a pull step found a stored contact unchanged: a pull stages such a contact by its
 * id alone, and the report step, to carry its fingerprint into the next index, finds which form of it the index
 * holds: the stored fields, or those less what the merge kept that the source does not give. Undefined when no
 * form is in the index (the next run then stages that contact whole once: it costs bytes, never correctness).
 */
export function stagedFingerprint(stored: Contact, index: FingerprintIndex): bigint | undefined {
  const asStored = contactFingerprint(stored);
  if (index.has(asStored)) return asStored;
  const kept = KEPT_BY_MERGE.filter((field) => stored[field] !== undefined);
  for (let drop = 1; drop < 1 << kept.length; drop++) {
    const form: Record<string, unknown> = contactFieldsOf(stored);
    kept.forEach((field, bit) => {
      if ((drop >> bit) & 1) delete form[field];
    });
    const fingerprint = contactFingerprint(form as Contact);
    if (index.has(fingerprint)) return fingerprint;
  }
  return undefined;
}

// ---- packed bytes: sorted values as Rice-coded gaps ----

/** First byte of a packed chunk. */
const PACKED = 0x52;
/** Format byte, count (uint32), k (uint8), first value (uint64). */
const HEADER_BYTES = 14;
/** A gap whose high part reaches this is written as that many 1 bits and then the whole gap (64 bits). */
const ESCAPE = 32;
/** The most bits one value can take: the escape and the whole gap. */
const MAX_VALUE_BITS = ESCAPE + 64;
const LOW32 = 0xffffffffn;

class BitWriter {
  readonly bytes: Uint8Array;
  bit = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  one(value: number): void {
    if (value !== 0) this.bytes[this.bit >> 3] = (this.bytes[this.bit >> 3] ?? 0) | (0x80 >> (this.bit & 7));
    this.bit += 1;
  }
  /** The low `n` (≤ 32) bits of `value`, the highest first. */
  bits(value: number, n: number): void {
    for (let k = n - 1; k >= 0; k--) this.one((value >>> k) & 1);
  }
  /** The low `n` (≤ 64) bits of `value`, the highest first. */
  big(value: bigint, n: number): void {
    if (n > 32) this.bits(Number((value >> 32n) & LOW32), n - 32);
    this.bits(Number(value & LOW32), Math.min(n, 32));
  }
}

class BitReader {
  readonly #bytes: Uint8Array;
  bit: number;
  constructor(bytes: Uint8Array, fromByte: number) {
    this.#bytes = bytes;
    this.bit = fromByte * 8;
  }
  one(): number {
    const byte = this.#bytes[this.bit >> 3];
    if (byte === undefined) throw new Error('a packed fingerprint chunk ends inside a value');
    const b = (byte >> (7 - (this.bit & 7))) & 1;
    this.bit += 1;
    return b;
  }
  bits(n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 2 + this.one();
    return v;
  }
  big(n: number): bigint {
    const high = n > 32 ? BigInt(this.bits(n - 32)) << 32n : 0n;
    return high | BigInt(this.bits(Math.min(n, 32)));
  }
}

/** Rice parameter for sorted values: log2 of their mean gap (so a gap's high part is mostly 0 or 1). */
function riceK(sorted: BigUint64Array): number {
  if (sorted.length < 2) return 0;
  const span = (sorted[sorted.length - 1] ?? 0n) - (sorted[0] ?? 0n);
  const mean = span / BigInt(sorted.length - 1);
  return mean === 0n ? 0 : Math.min(63, mean.toString(2).length - 1);
}

/** A source's fingerprints, sorted, 8 bytes each: a million take 8 MB and answer `has` by binary search. */
export class FingerprintIndex {
  readonly #sorted: BigUint64Array;

  /** `sorted`: the values are sorted already (read back from packed bytes) and are kept as they are. */
  constructor(fingerprints: BigUint64Array, sorted = false) {
    this.#sorted = sorted ? fingerprints : fingerprints.slice().sort();
  }

  /**
   * The values of `toBytes` chunks. `raw` reads the first format (each value as 8 big-endian bytes, as indexes
   * written before the packing were: their head says no format).
   */
  static fromBytes(chunks: readonly Uint8Array[], format: 'packed' | 'raw' = 'packed'): FingerprintIndex {
    if (format === 'raw') return FingerprintIndex.#fromRaw(chunks);
    const counts = chunks.map((chunk) => {
      if (chunk.byteLength < HEADER_BYTES || chunk[0] !== PACKED) throw new Error('a packed fingerprint chunk must start with its header');
      return new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength).getUint32(1);
    });
    const values = new BigUint64Array(counts.reduce((a, b) => a + b, 0));
    let at = 0;
    let previous = -1n;
    chunks.forEach((chunk, c) => {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const count = counts[c] ?? 0;
      if (count === 0) return;
      const k = view.getUint8(5);
      let value = view.getBigUint64(6);
      const reader = new BitReader(chunk, HEADER_BYTES);
      for (let n = 0; n < count; n++) {
        if (n > 0) {
          let high = 0;
          while (high < ESCAPE && reader.one() === 1) high += 1;
          const gap = high === ESCAPE ? reader.big(64) : (BigInt(high) << BigInt(k)) | reader.big(k);
          value += gap;
        }
        if (value < previous || value > 0xffffffffffffffffn) throw new Error('a packed fingerprint chunk does not hold sorted 64-bit values');
        values[at++] = value;
        previous = value;
      }
    });
    return new FingerprintIndex(values, true);
  }

  static #fromRaw(chunks: readonly Uint8Array[]): FingerprintIndex {
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    if (total % 8 !== 0) throw new Error(`a fingerprint index is whole 8-byte values; got ${total} bytes`);
    const values = new BigUint64Array(total / 8);
    let k = 0;
    for (const chunk of chunks) {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let at = 0; at < chunk.byteLength; at += 8) values[k++] = view.getBigUint64(at);
    }
    return new FingerprintIndex(values);
  }

  get size(): number {
    return this.#sorted.length;
  }

  has(fingerprint: bigint): boolean {
    return this.positionOf(fingerprint) >= 0;
  }

  /** Where the fingerprint is among the sorted values, or -1. */
  positionOf(fingerprint: bigint): number {
    let lo = 0;
    let hi = this.#sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.#sorted[mid] ?? 0n;
      if (value === fingerprint) return mid;
      if (value < fingerprint) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The fingerprint at a position (0 <= position < size). */
  at(position: number): bigint {
    const value = this.#sorted[position];
    if (value === undefined) throw new RangeError(`a fingerprint index of ${this.#sorted.length} has no position ${position}`);
    return value;
  }

  /**
   * Packed bytes (see "packed bytes" above), in chunks of at most `maxBytes` (at least 26): one DynamoDB item
   * each. A million fingerprints take 5.75 MB where their raw values take 8.
   */
  toBytes(maxBytes: number): Uint8Array[] {
    const capacityBits = (maxBytes - HEADER_BYTES) * 8;
    if (capacityBits < MAX_VALUE_BITS) throw new Error(`a packed fingerprint chunk needs at least ${HEADER_BYTES + MAX_VALUE_BITS / 8} bytes`);
    const sorted = this.#sorted;
    const k = riceK(sorted);
    const chunks: Uint8Array[] = [];
    let n = 0;
    do {
      const writer = new BitWriter(maxBytes - HEADER_BYTES);
      const first = sorted[n] ?? 0n;
      let count = sorted.length === 0 ? 0 : 1;
      let previous = first;
      for (n += 1; n < sorted.length && writer.bit + MAX_VALUE_BITS <= capacityBits; n++) {
        const value = sorted[n] ?? 0n;
        const gap = value - previous;
        const high = gap >> BigInt(k);
        if (high < BigInt(ESCAPE)) {
          for (let q = Number(high); q > 0; q--) writer.one(1);
          writer.one(0);
          writer.big(gap, k);
        } else {
          for (let q = 0; q < ESCAPE; q++) writer.one(1);
          writer.big(gap, 64);
        }
        previous = value;
        count += 1;
      }
      const chunk = new Uint8Array(HEADER_BYTES + Math.ceil(writer.bit / 8));
      const view = new DataView(chunk.buffer);
      view.setUint8(0, PACKED);
      view.setUint32(1, count);
      view.setUint8(5, k);
      view.setBigUint64(6, first);
      chunk.set(writer.bytes.subarray(0, chunk.byteLength - HEADER_BYTES), HEADER_BYTES);
      chunks.push(chunk);
    } while (n < sorted.length);
    return chunks;
  }
}

/**
 * Positions in an index, as a pull step stages its unchanged contacts: sorted, each as its gap from the one
 * before (the first from 0). A step's 24,000 contacts among a million are gaps of about 40: one or two
 * digits each, about a byte gzipped, where an id took 9 (Mastodon) to 15 (Bluesky).
 */
export function positionGaps(positions: readonly number[]): number[] {
  const sorted = [...positions].sort((a, b) => a - b);
  return sorted.map((p, k) => p - (k === 0 ? 0 : (sorted[k - 1] ?? 0)));
}

/** The positions back from `positionGaps`. */
export function positionsOf(gaps: readonly number[]): number[] {
  let at = 0;
  return gaps.map((gap) => (at += gap));
}
