import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { keyringOf, newKeyringJson, parseKeyring, rotateKeyring } from '../../../shared/decide/keyring.ts';
import { signToken, verifyToken } from '../../../shared/decide/token.ts';

const now = new Date('2026-12-01T08:00:00Z');
const json = newKeyringJson('k1');
const keyring = keyringOf(json);
const sign = (at = now) => signToken({ profile: 'demo', keys: ['demo:42'], action: 'keep', now: at }, keyring).token;

describe('decision tokens', () => {
  it('a token signed here verifies and carries profile, keys, action and a 14-day expiry', () => {
    const check = verifyToken(sign(), keyring, now);
    expect(check).toMatchObject({ ok: true, payload: { profile: 'demo', keys: ['demo:42'], action: 'keep', exp: now.getTime() / 1000 + 14 * 86_400 } });
  });

  it('any changed character, a cut token or another key id is refused', () => {
    const t = sign();
    const [prefix, kid, data] = t.split('.') as [string, string, string];
    expect(prefix).toBe('fb2');
    expect(kid).toBe('k1');
    // Every byte of the sealed part is covered by the GCM tag.
    const bytes = Buffer.from(data, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = (changed[i] ?? 0) ^ 0x01;
      expect(verifyToken(`fb2.k1.${changed.toString('base64url')}`, keyring, now).ok, `byte ${i}`).toBe(false);
    }
    expect(verifyToken(`fb2.k1.${bytes.subarray(0, bytes.length - 1).toString('base64url')}`, keyring, now)).toEqual({ ok: false, problem: 'forged' });
    expect(verifyToken(`fb2.k1.${bytes.subarray(0, 20).toString('base64url')}`, keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(`fb2.k2.${data}`, keyringOf(rotateKeyring(json, 'k2')), now)).toEqual({ ok: false, problem: 'forged' });
    expect(verifyToken(`fb3.k1.${data}`, keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(`${kid}.${data}`, keyring, now)).toEqual({ ok: false, problem: 'outdated' });
    expect(verifyToken('', keyring, now)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('each link has its own id, and a lifetime longer than the maximum cannot be signed', () => {
    const ids = new Set(Array.from({ length: 100 }, () => verifyToken(sign(), keyring, now)).map((c) => (c.ok ? c.payload.jti : '')));
    expect(ids.size).toBe(100);
    expect(() => signToken({ profile: 'demo', keys: ['demo:42'], action: 'keep', now, ttlSeconds: 14 * 86_400 + 1 }, keyring)).toThrow(/1 to 1209600 seconds/);
  });

  it('expires after 14 days', () => {
    expect(verifyToken(sign(), keyring, new Date(now.getTime() + 14 * 86_400_000 - 1000)).ok).toBe(true);
    expect(verifyToken(sign(), keyring, new Date(now.getTime() + 14 * 86_400_000))).toMatchObject({ ok: false, problem: 'expired' });
  });

  it('a token from another deployment (same kid, other key) or an unknown kid is refused', () => {
    const foreign = keyringOf(newKeyringJson('k1'));
    expect(verifyToken(sign(), foreign, now)).toEqual({ ok: false, problem: 'forged' });
    const elsewhere = keyringOf(newKeyringJson('zz'));
    expect(verifyToken(sign(), elsewhere, now)).toEqual({ ok: false, problem: 'unknown_key' });
  });

  it('after a rotation, old links stay valid while their key is listed, and new links use the new key', () => {
    const old = sign();
    const rotated = keyringOf(rotateKeyring(json, 'k2'));
    expect(verifyToken(old, rotated, now).ok).toBe(true);
    const fresh = signToken({ profile: 'demo', keys: ['demo:42'], action: 'keep', now }, rotated).token;
    expect(verifyToken(fresh, rotated, now)).toMatchObject({ ok: true, payload: { kid: 'k2' } });
    // Once the old key is dropped (after 14 days), its links are refused.
    const rotatedJson = rotateKeyring(json, 'k2');
    const dropped = keyringOf({ current: 'k2', keys: { k2: rotatedJson.keys['k2'] ?? '' } });
    expect(verifyToken(old, dropped, now)).toEqual({ ok: false, problem: 'unknown_key' });
  });
});

describe('signing keys', () => {
  it('a key shorter than 32 bytes, or not random (a word, a pattern), is refused with a message that shows no key', () => {
    const short = Buffer.alloc(31, 7).toString('base64');
    expect(() => parseKeyring(JSON.stringify({ current: 'k1', keys: { k1: short } }), 'test')).toThrow(/at least 32 bytes/);
    for (const weak of [Buffer.alloc(32, 0).toString('base64'), Buffer.from('password'.repeat(4)).toString('base64'), 'passwordpasswordpasswordpasswordpasswordpass', 'a'.repeat(64)]) {
      let message = '';
      try {
        parseKeyring(JSON.stringify({ current: 'k1', keys: { k1: weak } }), 'test');
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
      expect(message).toMatch(/must be random bytes/);
      expect(message).not.toContain(weak);
    }
  });

  it('keys made here, and the 64-character key the stack generates, are accepted', () => {
    for (let i = 0; i < 200; i++) expect(() => parseKeyring(JSON.stringify(newKeyringJson('k1')), 'test')).not.toThrow();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const generated = Array.from(randomBytes(64), (b) => alphabet[b % alphabet.length]).join('');
    expect(() => parseKeyring(JSON.stringify({ current: 'k1', k1: generated }), 'test')).not.toThrow();
  });
});
