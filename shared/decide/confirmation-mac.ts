/**
 * Confirmed actions carry a MAC, so that a row in the table is believed only
 * when this deployment's page wrote it. Anyone who can write the table could
 * otherwise insert an `A#` item (status `pending`) and the act engine would
 * unfollow on it as "confirmed on the page".
 *
 *   mac = kid "." base64url(HMAC-SHA256(K_mac, "fbc1." canonical))      (full 256 bits)
 *   K_mac = HKDF-SHA256(keyring.key(kid), info "followback confirmed action mac v1")
 *   canonical = JSON of [profile, contact key, action, link id, report time or ""]
 *
 * The decision signing key signs it (its kid rides along, so a key rotation
 * keeps older confirmations valid while the old key is listed); a key of its own
 * is derived for it and the message has its own prefix, so a MAC can never pass
 * for a link token (`fb1.`/`fb2.`) or the other way round. The canonical form is
 * a JSON array of strings: no two different tuples encode alike. The report time
 * is covered because the "engaged since the report" re-check counts from it.
 * Checked in constant time; a missing MAC, an unknown kid or a wrong MAC all
 * mean: not confirmed by this deployment, never acted on.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ConfirmedAction } from '../ports/store.ts';
import type { Keyring } from './keyring.ts';

const DOMAIN = 'fbc1.';
const HKDF_INFO = 'followback confirmed action mac v1';
const MAC_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** The fields the MAC covers: what to do, to whom, for which profile, on which link's say-so, from which report. */
export type MacFields = Pick<ConfirmedAction, 'key' | 'action' | 'tokenId' | 'reportAt'>;

export type MacCheck = { ok: true; kid: string } | { ok: false; problem: 'missing' | 'malformed' | 'unknown_key' | 'mismatch' };

const derived = new WeakMap<Buffer, Buffer>();

function macKey(signingKey: Buffer): Buffer {
  let key = derived.get(signingKey);
  if (key === undefined) {
    key = Buffer.from(hkdfSync('sha256', signingKey, Buffer.alloc(0), HKDF_INFO, 32));
    derived.set(signingKey, key);
  }
  return key;
}

function canonical(profileId: string, fields: MacFields): string {
  return DOMAIN + JSON.stringify([profileId, fields.key, fields.action, fields.tokenId, fields.reportAt ?? '']);
}

function digest(signingKey: Buffer, profileId: string, fields: MacFields): Buffer {
  return createHmac('sha256', macKey(signingKey)).update(canonical(profileId, fields), 'utf8').digest();
}

/** The MAC of a confirmation, under the keyring's current key. */
export function confirmationMac(keyring: Keyring, profileId: string, fields: MacFields): string {
  const key = keyring.key(keyring.currentKid);
  if (key === undefined) throw new Error(`the keyring's current key "${keyring.currentKid}" is missing`);
  return `${keyring.currentKid}.${digest(key, profileId, fields).toString('base64url')}`;
}

/** The confirmation with its MAC set: what the page's POST stores. */
export function withConfirmationMac<T extends MacFields>(keyring: Keyring, profileId: string, action: T): T & { mac: string } {
  return { ...action, mac: confirmationMac(keyring, profileId, action) };
}

/** Whether this deployment's page wrote the confirmation (constant-time compare). */
export function verifyConfirmationMac(keyring: Keyring, profileId: string, action: MacFields & { mac?: string | undefined }): MacCheck {
  const mac = action.mac;
  if (mac === undefined || mac === '') return { ok: false, problem: 'missing' };
  const dot = mac.indexOf('.');
  if (dot <= 0) return { ok: false, problem: 'malformed' };
  const kid = mac.slice(0, dot);
  const given = Buffer.from(mac.slice(dot + 1), 'base64url');
  // One spelling only: base64url without padding, exactly one MAC long.
  if (!KID.test(kid) || given.length !== MAC_BYTES || given.toString('base64url') !== mac.slice(dot + 1)) return { ok: false, problem: 'malformed' };
  const key = keyring.key(kid);
  if (key === undefined) return { ok: false, problem: 'unknown_key' };
  return timingSafeEqual(given, digest(key, profileId, action)) ? { ok: true, kid } : { ok: false, problem: 'mismatch' };
}

/** What `followback apply` and the audit say about a confirmation that fails the check. */
export const NOT_SIGNED = "not signed by this deployment's key: ignored";

export function macProblemText(problem: Exclude<MacCheck, { ok: true }>['problem']): string {
  switch (problem) {
    case 'missing':
      return `${NOT_SIGNED} (no MAC)`;
    case 'malformed':
      return `${NOT_SIGNED} (malformed MAC)`;
    case 'unknown_key':
      return `${NOT_SIGNED} (unknown key id)`;
    case 'mismatch':
      return `${NOT_SIGNED} (wrong MAC)`;
  }
}
