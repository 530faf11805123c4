import { describe, expect, it } from 'vitest';
import { authorDid, parseAtUri, postWebUrl, profileWebUrl } from '../../../../shared/sources/bluesky/at-uri.ts';
import { readCursor } from '../../../../shared/sources/bluesky/cursor.ts';

describe('Bluesky AT-URIs and links', () => {
  it('a post URI becomes its bsky.app link and names its author', () => {
    const uri = 'at://did:plc:abc234/app.bsky.feed.post/3lbkq2vd5od2a';
    expect(postWebUrl(uri)).toBe('https://bsky.app/profile/did:plc:abc234/post/3lbkq2vd5od2a');
    expect(authorDid(uri)).toBe('did:plc:abc234');
    expect(parseAtUri(uri)).toEqual({ authority: 'did:plc:abc234', collection: 'app.bsky.feed.post', rkey: '3lbkq2vd5od2a' });
  });

  it('untrusted URIs that are not well-formed posts never become links', () => {
    expect(postWebUrl('at://did:plc:abc/app.bsky.feed.like/3lbk')).toBeUndefined();
    expect(postWebUrl('at://did:plc:abc/app.bsky.feed.post/"><script>')).toBeUndefined();
    expect(postWebUrl('javascript:alert(1)')).toBeUndefined();
    expect(authorDid('at://alice.test/app.bsky.feed.post/3lbk')).toBeUndefined();
  });

  it('a profile link falls back to the DID when the handle is invalid', () => {
    expect(profileWebUrl('did:plc:abc', 'alice.test')).toBe('https://bsky.app/profile/alice.test');
    expect(profileWebUrl('did:plc:abc', 'handle.invalid')).toBe('https://bsky.app/profile/did:plc:abc');
    expect(profileWebUrl('did:plc:abc', 'a b<c>')).toBe('https://bsky.app/profile/did:plc:abc');
  });

  it('a cursor that is not JSON or not version 1 is refused with the reason', () => {
    expect(readCursor(undefined)).toEqual({ ok: true, cursor: undefined });
    expect(readCursor('nope')).toMatchObject({ ok: false, problem: expect.stringMatching(/not JSON/) });
    expect(readCursor('{"v":1,"notificationsSeenAt":"yesterday"}')).toMatchObject({ ok: false, problem: expect.stringMatching(/notificationsSeenAt/) });
    expect(readCursor('{"v":1,"likesSince":"3lbk"}')).toEqual({ ok: true, cursor: { v: 1, likesSince: '3lbk' } });
  });
});
