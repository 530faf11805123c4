/**
 * Decision tokens: the capability a link in the email carries.
 *
 *   token = "fb2." kid "." base64url(nonce(12) || AES-256-GCM(ciphertext) || tag(16))
 *
 * The payload (profile, contact keys, action, issue and expiry times) is
 * encrypted, so a link shows nothing of whom it is about to whoever sees it (a
 * forwarded email, a mail scanner's log, a proxy). The GCM tag authenticates it
 * (and the kid, as associated data) with the key `kid` names: nothing in a
 * token is believed before the tag checks out. The link's id (`jti`, marked used
 * on the first POST) is the nonce, so it costs no extra characters.
 *
 * The encryption key is derived from the keyring's signing key with HKDF, so the
 * same keyring (and its rotation) serves both.
 *
 * Refused: anything not in this exact form (a base64url part that decodes and
 * re-encodes differently, i.e. a non-canonical encoding, is malformed), an
 * unknown kid, a failed tag, a lifetime longer than LINK_TTL_SECONDS or issued
 * in the future, and an expired link.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Keyring } from './keyring.ts';

export const DECISION_ACTIONS = ['keep', 'snooze', 'unfollow', 'follow_back'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];
/**
 * The owner's tone labels from the email: "this is not criticism" under a quoted criticism,
 * "this is criticism" under a supporter's quoted reply. Such a token names one contact and
 * one reply of theirs (its id and instant on the source).
 */
export const LABEL_ACTIONS = ['label_not_criticism', 'label_criticism'] as const;
export type LabelAction = (typeof LABEL_ACTIONS)[number];
/** What a token can ask for: an email link's decision or label, or the undo button of the page that just acted. */
export const TOKEN_ACTIONS = [...DECISION_ACTIONS, ...LABEL_ACTIONS, 'undo'] as const;
export type TokenAction = (typeof TOKEN_ACTIONS)[number];

/** How long a link in an email stays valid: also the longest lifetime any token may claim. */
export const LINK_TTL_SECONDS = 14 * 86_400;
/** A bulk link ("Unfollow all N in this group") names at most this many contacts, so the URL stays short. */
export const MAX_KEYS_PER_TOKEN = 50;
/** Clocks of the report function and of the page may differ a little. */
const CLOCK_SKEW_SECONDS = 300;
/** Longer than any token we sign: anything bigger is refused before decoding. */
const MAX_TOKEN_CHARS = 8192;
const PREFIX = 'fb2';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const ContactKey = z.string().min(1).max(600);
/** An action id of the act engine (`20261124-3f9a1c`), for the undo button. */
const ActionId = z.string().regex(/^[0-9]{8}-[0-9a-f]{6}$/);
/** A reply's id on its source (a Bluesky at:// URI is the longest kind seen). */
const ReplyId = z.string().min(1).max(600);

export function isLabelAction(action: TokenAction): action is LabelAction {
  return (LABEL_ACTIONS as readonly string[]).includes(action);
}

/** What is encrypted: short field names, since every row of the email carries a few of these. */
const WirePayload = z
  .object({
    p: z.string().min(1).max(40),
    k: z.array(ContactKey).min(1).max(MAX_KEYS_PER_TOKEN),
    a: z.enum(TOKEN_ACTIONS),
    i: z.number().int().positive(),
    e: z.number().int().positive(),
    u: z.array(ActionId).min(1).max(MAX_KEYS_PER_TOKEN).optional(),
    /** For a label: the reply's id, and its instant (epoch milliseconds), which is where the store keeps it. */
    r: ReplyId.optional(),
    w: z.number().int().nonnegative().optional(),
  })
  .strict()
  // A label names exactly one contact and one reply; nothing else names a reply.
  .refine((w) => (isLabelAction(w.a) ? w.k.length === 1 && w.r !== undefined && w.w !== undefined : w.r === undefined && w.w === undefined), { message: 'a label link names one contact and one reply' });

export interface TokenPayload {
  kid: string;
  profile: string;
  /** Contact keys (`sourceId:contactId`). */
  keys: string[];
  action: TokenAction;
  /** Issued at, epoch seconds (the report's clock). */
  iat: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** The link's id: marked used by the first POST. */
  jti: string;
  /** For `undo`: the act engine's ids of the actions to reverse (parallel to `keys`). */
  actions?: string[];
  /** For a label: the reply of `keys[0]` it names. */
  reply?: ReplyRef;
}

/** One reply of a contact, as a label link names it: its id on the source and when it was written (ISO). */
export interface ReplyRef {
  interactionId: string;
  at: string;
}

/** A contact key a token can carry (a longer one, from a hostile server, gets no link). */
export function signableKey(key: string): boolean {
  return ContactKey.safeParse(key).success;
}

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  /**
   * malformed: not a token of this form; outdated: a link of an older followback (readable payload, no longer accepted);
   * forged: the tag does not check (altered, or made by another deployment); unknown_key: kid not held;
   * bad_lifetime: claims a lifetime over the maximum, or an issue time in the future; expired.
   */
  | { ok: false; problem: 'malformed' | 'outdated' | 'forged' | 'unknown_key' | 'bad_lifetime' | 'expired'; payload?: TokenPayload };

export interface SignRequest {
  profile: string;
  keys: readonly string[];
  action: TokenAction;
  now: Date;
  /** At most LINK_TTL_SECONDS (the default). */
  ttlSeconds?: number;
  /** For `undo`: the action ids, one per key. */
  actions?: readonly string[];
  /** For a label action: the reply it names (one key). */
  reply?: ReplyRef;
}

/** A reply a label link can name (a longer id, or an unreadable instant, gets no link). */
export function signableReply(reply: ReplyRef): boolean {
  return ReplyId.safeParse(reply.interactionId).success && Number.isFinite(Date.parse(reply.at)) && Date.parse(reply.at) >= 0;
}

export function signToken(req: SignRequest, keyring: Keyring): { token: string; payload: TokenPayload } {
  const kid = keyring.currentKid;
  const key = keyring.key(kid);
  if (key === undefined) throw new Error(`the keyring has no key "${kid}"`);
  const ttl = req.ttlSeconds ?? LINK_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > LINK_TTL_SECONDS) throw new Error(`a link lives 1 to ${LINK_TTL_SECONDS} seconds, not ${ttl}`);
  const iat = Math.floor(req.now.getTime() / 1000);
  const wire = WirePayload.parse({
    p: req.profile,
    k: [...req.keys],
    a: req.action,
    i: iat,
    e: iat + ttl,
    ...(req.actions !== undefined ? { u: [...req.actions] } : {}),
    ...(req.reply !== undefined ? { r: req.reply.interactionId, w: Date.parse(req.reply.at) } : {}),
  });
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', linkKey(key), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kid));
  const sealed = Buffer.concat([nonce, cipher.update(JSON.stringify(wire), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { token: `${PREFIX}.${kid}.${sealed.toString('base64url')}`, payload: payloadOf(kid, nonce, wire) };
}

/**
 * What can be refused without a key: the token's form. Callers whose keyring costs a read (the
 * Lambda reads the secret for each request) check this first, so garbage costs nothing.
 */
export function tokenFormProblem(token: string): 'malformed' | 'outdated' | null {
  const parsed = splitToken(token);
  return 'problem' in parsed ? parsed.problem : null;
}

function splitToken(token: string): { kid: string; sealed: Buffer } | { problem: 'malformed' | 'outdated' } {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return { problem: 'malformed' };
  const parts = token.split('.');
  if (parts.length === 2 && parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return { problem: 'outdated' };
  const [prefix, kid, data] = parts;
  if (parts.length !== 3 || prefix !== PREFIX || kid === undefined || data === undefined || !/^[A-Za-z0-9_-]{1,32}$/.test(kid) || !/^[A-Za-z0-9_-]+$/.test(data)) {
    return { problem: 'malformed' };
  }
  const sealed = Buffer.from(data, 'base64url');
  // One token, one spelling: base64url without padding whose unused bits are zero.
  if (sealed.toString('base64url') !== data || sealed.length <= NONCE_BYTES + TAG_BYTES) return { problem: 'malformed' };
  return { kid, sealed };
}

export function verifyToken(token: string, keyring: Keyring, now: Date): TokenCheck {
  const parsed = splitToken(token);
  if ('problem' in parsed) return { ok: false, problem: parsed.problem };
  const { kid, sealed } = parsed;
  const key = keyring.key(kid);
  if (key === undefined) return { ok: false, problem: 'unknown_key' };
  const nonce = sealed.subarray(0, NONCE_BYTES);
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', linkKey(key), nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(kid));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return { ok: false, problem: 'forged' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(plain);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const wire = WirePayload.safeParse(raw);
  if (!wire.success) return { ok: false, problem: 'malformed' };
  const payload = payloadOf(kid, nonce, wire.data);
  const nowSeconds = now.getTime() / 1000;
  if (payload.exp <= payload.iat || payload.exp - payload.iat > LINK_TTL_SECONDS || payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    return { ok: false, problem: 'bad_lifetime', payload };
  }
  if (payload.exp <= nowSeconds) return { ok: false, problem: 'expired', payload };
  return { ok: true, payload };
}

function payloadOf(kid: string, nonce: Buffer, wire: z.infer<typeof WirePayload>): TokenPayload {
  return {
    kid,
    profile: wire.p,
    keys: wire.k,
    action: wire.a,
    iat: wire.i,
    exp: wire.e,
    jti: nonce.toString('base64url'),
    ...(wire.u !== undefined ? { actions: wire.u } : {}),
    ...(wire.r !== undefined && wire.w !== undefined ? { reply: { interactionId: wire.r, at: new Date(wire.w).toISOString() } } : {}),
  };
}

const linkKeys = new WeakMap<Buffer, Buffer>();

/** The AES key of a signing key: HKDF-SHA256, labelled for this one use. */
function linkKey(signingKey: Buffer): Buffer {
  let derived = linkKeys.get(signingKey);
  if (derived === undefined) {
    derived = Buffer.from(hkdfSync('sha256', signingKey, Buffer.alloc(0), 'followback decision link v2', 32));
    linkKeys.set(signingKey, derived);
  }
  return derived;
}

function aad(kid: string): Buffer {
  return Buffer.from(`${PREFIX}.${kid}`, 'utf8');
}
