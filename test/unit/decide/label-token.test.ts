/**
 * Label tokens: the capability behind the email's "this is (not) criticism"
 * links. They name one contact and one reply, survive the round trip exactly,
 * and anything else in that shape (a label without its reply, a decision
 * carrying a reply, a reply the link cannot hold) is refused.
 */
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decisionLinks } from '../../../shared/decide/links.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { signToken, verifyToken } from '../../../shared/decide/token.ts';

const now = new Date('2026-12-01T08:00:00Z');
const json = newKeyringJson('k1');
const keyring = keyringOf(json);
const reply = { interactionId: 'at://did:plc:abc/app.bsky.feed.post/3kxyz', at: '2026-11-28T17:45:12.345Z' };

/** A token sealed with the real key around a payload this code would never sign. */
function sealed(wire: Record<string, unknown>): string {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(json.keys['k1'] ?? '', 'base64'), Buffer.alloc(0), 'followback decision link v2', 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from('fb2.k1'));
  const body = Buffer.concat([cipher.update(JSON.stringify(wire)), cipher.final(), cipher.getAuthTag()]);
  return `fb2.k1.${Buffer.concat([nonce, body]).toString('base64url')}`;
}

const i = now.getTime() / 1000;

describe('label tokens', () => {
  it.each(['label_not_criticism', 'label_criticism'] as const)('a %s token round-trips its contact and reply exactly (id and instant to the millisecond)', (action) => {
    const { token } = signToken({ profile: 'demo', keys: ['bluesky:did:plc:abc'], action, reply, now }, keyring);
    const check = verifyToken(token, keyring, now);
    expect(check).toMatchObject({ ok: true, payload: { profile: 'demo', keys: ['bluesky:did:plc:abc'], action, reply } });
  });

  it('a label without its reply, or naming two contacts, cannot be signed', () => {
    expect(() => signToken({ profile: 'demo', keys: ['demo:1'], action: 'label_not_criticism', now }, keyring)).toThrow(/one contact and one reply/);
    expect(() => signToken({ profile: 'demo', keys: ['demo:1', 'demo:2'], action: 'label_criticism', reply, now }, keyring)).toThrow(/one contact and one reply/);
    expect(() => signToken({ profile: 'demo', keys: ['demo:1'], action: 'keep', reply, now }, keyring)).toThrow(/one contact and one reply/);
  });

  it('a sealed token whose label lacks its reply, or whose Keep carries one, is refused as malformed', () => {
    const base = { p: 'demo', k: ['demo:1'], i, e: i + 3600 };
    expect(verifyToken(sealed({ ...base, a: 'label_not_criticism' }), keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(sealed({ ...base, a: 'label_not_criticism', r: 'x' }), keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(sealed({ ...base, a: 'keep', r: 'x', w: 0 }), keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(sealed({ ...base, a: 'label_whatever', r: 'x', w: 0 }), keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    // The same shape, well formed, passes: the refusals above are about the reply, not the sealing.
    expect(verifyToken(sealed({ ...base, a: 'label_not_criticism', r: 'x', w: 0 }), keyring, now)).toMatchObject({ ok: true, payload: { reply: { interactionId: 'x', at: '1970-01-01T00:00:00.000Z' } } });
  });

  it('a changed byte, an expired label link and another deployment\'s key are refused like any link', () => {
    const { token } = signToken({ profile: 'demo', keys: ['demo:1'], action: 'label_criticism', reply, now }, keyring);
    const [, , data] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(data, 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 0x01;
    expect(verifyToken(`fb2.k1.${bytes.toString('base64url')}`, keyring, now)).toEqual({ ok: false, problem: 'forged' });
    expect(verifyToken(token, keyring, new Date(now.getTime() + 15 * 86_400_000))).toMatchObject({ ok: false, problem: 'expired' });
    expect(verifyToken(token, keyringOf(newKeyringJson('k1')), now)).toEqual({ ok: false, problem: 'forged' });
  });

  it('the email gets no label link for a reply id too long to carry, or an unreadable instant', () => {
    const links = decisionLinks({ baseUrl: 'https://decide.example.org/decide', keyring, profileId: 'demo', now });
    const url = links.labelLinkFor?.('not_criticism', 'demo:1', reply);
    expect(url).toMatch(/^https:\/\/decide\.example\.org\/decide\?t=fb2\.k1\./);
    const t = new URL(url ?? 'https://x').searchParams.get('t') ?? '';
    expect(verifyToken(t, keyring, now)).toMatchObject({ ok: true, payload: { action: 'label_not_criticism', keys: ['demo:1'], reply } });
    expect(links.labelLinkFor?.('criticism', 'demo:1', { interactionId: 'x'.repeat(601), at: reply.at })).toBeNull();
    expect(links.labelLinkFor?.('criticism', 'demo:1', { interactionId: 'x', at: 'yesterday' })).toBeNull();
    expect(links.labelLinkFor?.('criticism', `demo:${'x'.repeat(600)}`, reply)).toBeNull();
  });
});
