/**
 * Signed decision tokens: the capability a link in the email carries.
 *
 *   token = base64url(JSON payload) "." base64url(HMAC-SHA256(key[kid], "fb1." + first part), first 16 bytes)
 *
 * The payload names the profile, the contact key(s), the action, an expiry and
 * a random id (`jti`) that the store marks used on the first POST. The MAC is
 * checked (constant time) before anything in the payload is believed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Keyring } from './keyring.ts';

export const DECISION_ACTIONS = ['keep', 'snooze', 'unfollow', 'follow_back'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** How long a link in an email stays valid. */
export const LINK_TTL_SECONDS = 14 * 86_400;
/** A bulk link ("Unfollow all N in this group") names at most this many contacts, so the URL stays short. */
export const MAX_KEYS_PER_TOKEN = 50;
/** Longer than any token we sign: anything bigger is refused before decoding. */
const MAX_TOKEN_CHARS = 8192;
const DOMAIN = 'fb1.';

export const TokenPayload = z
  .object({
    v: z.literal(1),
    kid: z.string().min(1).max(32),
    profile: z.string().min(1).max(40),
    keys: z.array(z.string().min(1).max(600)).min(1).max(MAX_KEYS_PER_TOKEN),
    action: z.enum(DECISION_ACTIONS),
    /** Expiry, epoch seconds. */
    exp: z.number().int().positive(),
    jti: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  })
  .strict();
export type TokenPayload = z.infer<typeof TokenPayload>;

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  /** malformed: not a token at all; forged: MAC wrong (altered, or signed by another deployment); unknown_key: kid not held; expired. */
  | { ok: false; problem: 'malformed' | 'forged' | 'unknown_key' | 'expired'; payload?: TokenPayload };

export interface SignRequest {
  profile: string;
  keys: readonly string[];
  action: DecisionAction;
  now: Date;
  ttlSeconds?: number;
}

export function signToken(req: SignRequest, keyring: Keyring): { token: string; payload: TokenPayload } {
  const key = keyring.key(keyring.currentKid);
  if (key === undefined) throw new Error(`the keyring has no key "${keyring.currentKid}"`);
  const payload = TokenPayload.parse({
    v: 1,
    kid: keyring.currentKid,
    profile: req.profile,
    keys: [...req.keys],
    action: req.action,
    exp: Math.floor(req.now.getTime() / 1000) + (req.ttlSeconds ?? LINK_TTL_SECONDS),
    jti: randomBytes(12).toString('base64url'),
  });
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return { token: `${body}.${mac(key, body).toString('base64url')}`, payload };
}

export function verifyToken(token: string, keyring: Keyring, now: Date): TokenCheck {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return { ok: false, problem: 'malformed' };
  const parts = token.split('.');
  const [body, sig] = parts;
  if (parts.length !== 2 || body === undefined || sig === undefined || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) {
    return { ok: false, problem: 'malformed' };
  }
  // The kid is read before the MAC is checked only to pick the key; nothing else is trusted yet.
  let unverified: unknown;
  try {
    unverified = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const kid = typeof unverified === 'object' && unverified !== null && 'kid' in unverified && typeof unverified.kid === 'string' ? unverified.kid : undefined;
  if (kid === undefined) return { ok: false, problem: 'malformed' };
  const key = keyring.key(kid);
  if (key === undefined) return { ok: false, problem: 'unknown_key' };
  const expected = mac(key, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'forged' };
  const parsed = TokenPayload.safeParse(unverified);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  if (parsed.data.exp * 1000 <= now.getTime()) return { ok: false, problem: 'expired', payload: parsed.data };
  return { ok: true, payload: parsed.data };
}

/** HMAC-SHA256 truncated to 128 bits (RFC 2104 §5 allows it; 2^-128 forgery odds): shorter links keep the email under Gmail's clipping size. */
function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(DOMAIN).update(body).digest().subarray(0, 16);
}
