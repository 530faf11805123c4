import { describe, expect, it } from 'vitest';
import { keyringOf, newKeyringJson, rotateKeyring } from '../../../shared/decide/keyring.ts';
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

  it('a changed payload or signature is refused', () => {
    const [body, sig] = sign().split('.') as [string, string];
    const other = Buffer.from(Buffer.from(body, 'base64url').toString('utf8').replace('demo:42', 'demo:43')).toString('base64url');
    expect(verifyToken(`${other}.${sig}`, keyring, now)).toEqual({ ok: false, problem: 'forged' });
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(verifyToken(`${body}.${flipped}`, keyring, now)).toEqual({ ok: false, problem: 'forged' });
    expect(verifyToken(`${body}`, keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken('', keyring, now)).toEqual({ ok: false, problem: 'malformed' });
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
