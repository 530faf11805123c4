/**
 * The keys that sign decision links. Several can be valid at once so a key can
 * be rotated without breaking links already sent: new links are signed with
 * `current`; a link names its key by `kid`, and is accepted while that key is
 * still listed (keep a retired key listed for the link lifetime, 14 days).
 *
 * Shape (the Secrets Manager secret's value, the env var, or the local key file):
 *   { "current": "k2", "keys": { "k1": "<base64 of >= 32 random bytes>", "k2": "..." } }
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const Kid = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a key id of letters, digits, "_" or "-" (max 32)');
const KeyMaterial = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'base64 key material')
  .refine((s) => Buffer.from(s, 'base64').length >= MIN_KEY_BYTES, 'a signing key needs at least 32 bytes (base64 of 32 random bytes: openssl rand -base64 32)')
  .refine((s) => looksRandom(Buffer.from(s, 'base64')), 'a signing key must be random bytes, not a word or a pattern (openssl rand -base64 32)');

const MIN_KEY_BYTES = 32;
/**
 * 32 random bytes hold about 30 distinct values (fewer than 18 happens with odds of about 10^-9);
 * a password, a repeated pattern or base64 of readable text holds far fewer.
 */
const MIN_DISTINCT_BYTES = 18;

export function looksRandom(key: Buffer): boolean {
  const first = key.subarray(0, MIN_KEY_BYTES);
  return new Set(first).size >= MIN_DISTINCT_BYTES;
}

/**
 * Also accepted: the flat shape Secrets Manager generates on deploy (`{"current": "k1", "k1": "<random>"}`,
 * a generated string read as base64), so the stack can create a working key without anyone seeing it.
 */
function nested(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'keys' in raw) return raw;
  const { current, ...rest } = raw as Record<string, unknown>;
  return { current, keys: rest };
}

export const KeyringJson = z
  .object({
    current: Kid,
    keys: z.record(Kid, KeyMaterial),
  })
  .strict()
  .refine((k) => Object.hasOwn(k.keys, k.current), { message: '"current" must name one of "keys"', path: ['current'] });
export type KeyringJson = z.infer<typeof KeyringJson>;

export interface Keyring {
  currentKid: string;
  /** Undefined for a key id this deployment does not hold (a foreign or retired link). */
  key(kid: string): Buffer | undefined;
}

/** Environment variable with the keyring JSON itself (local runs, tests). */
export const DECISION_KEYS_ENV = 'FOLLOWBACK_DECISION_KEYS';
/** Environment variable naming the Secrets Manager secret that holds the keyring JSON (the stack sets it). */
export const DECISION_KEYS_SECRET_ENV = 'FOLLOWBACK_DECISION_KEYS_SECRET';

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/** Parses the keyring; an error says which field is wrong, never a key. */
export function parseKeyring(text: string, where: string): Keyring {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new KeyringError(`${where}: not JSON; expected {"current": "k1", "keys": {"k1": "<base64>"}}`);
  }
  const parsed = KeyringJson.safeParse(nested(raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeyringError(`${where}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid keyring'}`);
  }
  return keyringOf(parsed.data);
}

export function keyringOf(json: KeyringJson): Keyring {
  const keys = new Map(Object.entries(json.keys).map(([kid, material]) => [kid, Buffer.from(material, 'base64')]));
  return { currentKid: json.current, key: (kid) => keys.get(kid) };
}

/** A fresh keyring with one random 256-bit key. */
export function newKeyringJson(kid = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): KeyringJson {
  return { current: kid, keys: { [kid]: freshKey() } };
}

/** Adds a new current key and keeps the others, so links signed before stay valid until they expire. */
export function rotateKeyring(json: KeyringJson, kid: string): KeyringJson {
  if (Object.hasOwn(json.keys, kid)) throw new KeyringError(`key id "${kid}" is already in the keyring`);
  return { current: kid, keys: { ...json.keys, [kid]: freshKey() } };
}

/** 32 random bytes, base64 (drawn again in the one-in-a-billion case that they would not pass `looksRandom`). */
function freshKey(): string {
  for (;;) {
    const key = randomBytes(MIN_KEY_BYTES);
    if (looksRandom(key)) return key.toString('base64');
  }
}
