import { describe, expect, it } from 'vitest';
import { Contact } from '../../../../../shared/domain/model.ts';
import { readXCursor, writeXCursor, CURSOR_MAX_BYTES } from '../../../../../shared/sources/api/x/x-cursor.ts';
import { contactOf, mentionToInteraction } from '../../../../../shared/sources/api/x/x-reader.ts';
import { XPost, XUser } from '../../../../../shared/sources/api/x/x-schemas.ts';

const OWNER = '1000';
const post = (extra: Record<string, unknown>) => XPost.parse({ id: '77', text: 'hi @ada', author_id: '2001', created_at: '2026-11-20T10:00:00+01:00', ...extra });

describe('a post of the mentions timeline', () => {
  it('is a reply when it answers one of your posts, a mention when it answers someone else', () => {
    expect(mentionToInteraction(post({ referenced_tweets: [{ type: 'replied_to', id: '9' }], in_reply_to_user_id: OWNER }), OWNER)?.kind).toBe('reply');
    expect(mentionToInteraction(post({ referenced_tweets: [{ type: 'replied_to', id: '9' }], in_reply_to_user_id: '3003' }), OWNER)?.kind).toBe('mention');
    expect(mentionToInteraction(post({}), OWNER)?.kind).toBe('mention');
  });

  it('is a quote when it quotes a post (also under the newer name referenced_posts)', () => {
    expect(mentionToInteraction(post({ referenced_tweets: [{ type: 'quoted', id: '9' }] }), OWNER)).toMatchObject({ id: 'x-quote:77', kind: 'quote', contactId: 'x:2001' });
    expect(mentionToInteraction(post({ referenced_posts: [{ type: 'quoted', id: '9' }] }), OWNER)?.kind).toBe('quote');
  });

  it('is dated in UTC with a Z, keeps its text and a real language tag only', () => {
    const i = mentionToInteraction(post({ lang: 'it' }), OWNER);
    expect(i).toMatchObject({ at: '2026-11-20T09:00:00.000Z', text: 'hi @ada', lang: 'it', direction: 'inbound' });
    expect(mentionToInteraction(post({ lang: 'und' }), OWNER)?.lang).toBeUndefined();
    expect(mentionToInteraction(post({ lang: 'qme' }), OWNER)?.lang).toBeUndefined();
  });

  it('is nothing when you wrote it, or when X did not say who did', () => {
    expect(mentionToInteraction(post({ author_id: OWNER }), OWNER)).toBeUndefined();
    expect(mentionToInteraction(XPost.parse({ id: '78', text: 'x', created_at: '2026-11-20T10:00:00Z' }), OWNER)).toBeUndefined();
  });
});

describe('a user of the lists', () => {
  it('is a contact keyed as the X archive keys people', () => {
    const c = contactOf(XUser.parse({ id: '2001', username: 'Grace_H', name: 'Grace', description: 'COBOL', public_metrics: { followers_count: 5, following_count: 6, tweet_count: 7 } }), 'mutual');
    expect(Contact.parse(c)).toEqual({ id: 'x:2001', handle: '@grace_h', displayName: 'Grace', bio: 'COBOL', profileUrl: 'https://x.com/grace_h', relation: 'mutual', state: 'active', postsCount: 7, followersCount: 5, followingCount: 6 });
  });
});

describe('the X cursor', () => {
  it('stays within 3 kB, dropping the oldest posts first and keeping the month spend', () => {
    const p = Array.from({ length: 800 }, (_, i): [string, number, number] => [String(1_900_000_000_000_000_000 - i), i % 100, i % 7]);
    const text = writeXCursor({ v: 1, owner: OWNER, m: { since: '5004' }, p, spend: { month: '2026-12', micros: 123_456 } });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CURSOR_MAX_BYTES);
    const back = readXCursor(text);
    expect(back.problem).toBeUndefined();
    expect(back.cursor.spend).toEqual({ month: '2026-12', micros: 123_456 });
    expect(back.cursor.p?.[0]).toEqual(p[0]);
    expect((back.cursor.p?.length ?? 0) > 20).toBe(true);
  });

  it('an unreadable cursor starts over and says so', () => {
    expect(readXCursor('{"v":2}')).toEqual({ cursor: { v: 1 }, problem: 'the saved X reading position could not be read; reading starts over' });
    expect(readXCursor('not json').problem).toBeDefined();
  });
});
