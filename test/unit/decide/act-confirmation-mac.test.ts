import { describe, expect, it } from 'vitest';
import { confirmationMac, verifyConfirmationMac, withConfirmationMac } from '../../../shared/decide/confirmation-mac.ts';
import { keyringOf, newKeyringJson, rotateKeyring } from '../../../shared/decide/keyring.ts';
import { signToken } from '../../../shared/decide/token.ts';
import type { ConfirmedAction } from '../../../shared/ports/store.ts';

const json = newKeyringJson('k1');
const keyring = keyringOf(json);
const row: ConfirmedAction = { key: 'mastodon:42', action: 'unfollow', confirmedAt: '2026-12-01T08:00:00.000Z', reportAt: '2026-11-30T08:00:00.000Z', tokenId: 'jti-abc', status: 'pending' };

describe('the MAC of a confirmed action', () => {
  it('names the key id, is the full HMAC-SHA256 in base64url, and checks out for the row it was made for', () => {
    const signed = withConfirmationMac(keyring, 'ada', row);
    expect(signed.mac).toMatch(/^k1\.[A-Za-z0-9_-]{43}$/);
    expect(verifyConfirmationMac(keyring, 'ada', signed)).toEqual({ ok: true, kid: 'k1' });
    // Status, times of settlement and details are not covered: the engine rewrites them.
    expect(verifyConfirmationMac(keyring, 'ada', { ...signed, status: 'done', doneAt: '2026-12-01T09:00:00.000Z', detail: 'x' } as ConfirmedAction).ok).toBe(true);
  });

  it('fails for a missing, malformed or foreign MAC, an unknown key id, and for any covered field changed', () => {
    const signed = withConfirmationMac(keyring, 'ada', row);
    expect(verifyConfirmationMac(keyring, 'ada', row)).toEqual({ ok: false, problem: 'missing' });
    expect(verifyConfirmationMac(keyring, 'ada', { ...row, mac: 'k1.notbase64!' })).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyConfirmationMac(keyring, 'ada', { ...row, mac: `${signed.mac}A` })).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyConfirmationMac(keyring, 'ada', { ...row, mac: signed.mac.replace(/^k1/, 'k9') })).toEqual({ ok: false, problem: 'unknown_key' });
    expect(verifyConfirmationMac(keyringOf(newKeyringJson('k1')), 'ada', signed)).toEqual({ ok: false, problem: 'mismatch' });
    for (const changed of [{ key: 'mastodon:43' }, { action: 'follow_back' as const }, { tokenId: 'jti-abd' }, { reportAt: '2026-12-01T07:00:00.000Z' }]) {
      expect(verifyConfirmationMac(keyring, 'ada', { ...signed, ...changed })).toEqual({ ok: false, problem: 'mismatch' });
    }
    expect(verifyConfirmationMac(keyring, 'bob', signed)).toEqual({ ok: false, problem: 'mismatch' });
    // Field boundaries cannot be shifted: the canonical form is a JSON array.
    const shifted = withConfirmationMac(keyring, 'ada', { ...row, key: 'mastodon:4', tokenId: '2jti-abc' });
    expect(verifyConfirmationMac(keyring, 'ada', { ...row, mac: shifted.mac }).ok).toBe(false);
  });

  it('survives a key rotation while the old key is listed, and never equals a link token', () => {
    const signed = withConfirmationMac(keyring, 'ada', row);
    const rotated = keyringOf(rotateKeyring(json, 'k2'));
    expect(verifyConfirmationMac(rotated, 'ada', signed)).toEqual({ ok: true, kid: 'k1' });
    expect(confirmationMac(rotated, 'ada', row)).toMatch(/^k2\./);
    const token = signToken({ profile: 'ada', keys: [row.key], action: 'unfollow', now: new Date('2026-11-30T08:00:00Z') }, keyring).token;
    expect(token).not.toContain(signed.mac.slice(3));
  });
});
