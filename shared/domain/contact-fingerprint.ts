/**
 * Which contacts a pull step need not stage again (issue 20: a repeat run at a
 * million followers wrote the whole list to DynamoDB every run, $0.056 of it).
 *
 * A contact's fingerprint is 64 bits of SHA-256 over its id and every field of
 * `Contact` (the zod schema's keys, so a new field counts by itself), as the
 * report assembled it. After a report is stored, each source whose list was
 * complete keeps the fingerprints of its contacts (`FingerprintIndex`, 8 bytes
 * a contact). A later pull step stages a contact whose fingerprint is in the
 * index as `<fingerprint><id>` alone: the report step takes its fields from the
 * stored contact, which that same report stored from the same fields (merging
 * is idempotent: the stored form merged again with itself gives itself).
 *
 * A contact changed in any field has another fingerprint and is staged whole.
 * Two different forms of contacts sharing 64 bits of SHA-256 is the only way a
 * change goes unseen: for a million contacts, about one chance in 10^13 a run.
 */
import { createHash } from 'node:crypto';
import { Contact } from './model.ts';

const FIELDS = Object.keys(Contact.shape) as (keyof Contact)[];
/** Hex characters of a fingerprint: an unchanged contact is staged as these followed by its id. */
export const FINGERPRINT_CHARS = 16;

export function contactFingerprint(contact: Contact): bigint {
  const values = FIELDS.map((field) => contact[field] ?? null);
  return createHash('sha256').update(JSON.stringify(values)).digest().readBigUInt64BE(0);
}

/** `<fingerprint><id>`: how a pull step stages a contact the index knows. */
export function unchangedEntry(fingerprint: bigint, id: string): string {
  return fingerprint.toString(16).padStart(FINGERPRINT_CHARS, '0') + id;
}

export function parseUnchangedEntry(entry: string): { fingerprint: bigint; id: string } {
  return { fingerprint: BigInt(`0x${entry.slice(0, FINGERPRINT_CHARS)}`), id: entry.slice(FINGERPRINT_CHARS) };
}

/** Only the fields of `Contact` (a stored contact also carries its tracking and its verdict). */
export function contactFieldsOf(stored: Contact): Contact {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) if (stored[field] !== undefined) out[field] = stored[field];
  return out as Contact;
}

/** A source's fingerprints, sorted, 8 bytes each: a million take 8 MB and answer `has` by binary search. */
export class FingerprintIndex {
  readonly #sorted: BigUint64Array;

  constructor(fingerprints: BigUint64Array) {
    this.#sorted = fingerprints.slice().sort();
  }

  static fromBytes(chunks: readonly Uint8Array[]): FingerprintIndex {
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
    let lo = 0;
    let hi = this.#sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.#sorted[mid] ?? 0n;
      if (value === fingerprint) return true;
      if (value < fingerprint) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Big-endian bytes, in chunks of at most `maxBytes` (a multiple of 8): one DynamoDB item each. */
  toBytes(maxBytes: number): Uint8Array[] {
    const per = Math.max(1, Math.floor(maxBytes / 8));
    const chunks: Uint8Array[] = [];
    for (let start = 0; start < this.#sorted.length || chunks.length === 0; start += per) {
      const values = this.#sorted.subarray(start, start + per);
      const bytes = new Uint8Array(values.length * 8);
      const view = new DataView(bytes.buffer);
      values.forEach((v, k) => view.setBigUint64(k * 8, v));
      chunks.push(bytes);
    }
    return chunks;
  }
}
