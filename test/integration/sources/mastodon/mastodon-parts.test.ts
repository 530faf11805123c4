import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../../shared/sources/mastodon/html-text.ts';
import { handleOf, lastPostInstant } from '../../../../shared/sources/mastodon/map-account.ts';
import { readCursor, writeCursor } from '../../../../shared/sources/mastodon/mastodon-cursor.ts';
import { compareIds, maxId } from '../../../../shared/sources/mastodon/mastodon-ids.ts';

describe('Mastodon text, handles, dates, ids and cursor', () => {
  it('turns post HTML into plain text: paragraphs and breaks become newlines, entities are decoded, tags vanish', () => {
    expect(htmlToText('<p>one<br />two</p><p>three &amp; &lt;four&gt; &#39;five&#39; &#x1F600;</p>')).toBe("one\ntwo\n\nthree & <four> 'five' 😀");
    expect(htmlToText('<p><script>alert(1)</script>hi</p>')).toBe('alert(1)hi');
    expect(htmlToText(null)).toBe('');
    expect(htmlToText('&bogus; &#0; &#xD800;')).toBe('&bogus; &#0; &#xD800;');
  });

  it('qualifies local handles with the instance domain and keeps remote ones', () => {
    expect(handleOf('alice', 'your.instance')).toBe('@alice@your.instance');
    expect(handleOf('bob@other.social', 'your.instance')).toBe('@bob@other.social');
  });

  it('reads last_status_at as a date or a datetime, and null as unknown', () => {
    expect(lastPostInstant('2019-11-17')).toBe('2019-11-17T00:00:00.000Z');
    expect(lastPostInstant('2019-11-24T15:49:42.251Z')).toBe('2019-11-24T15:49:42.251Z');
    expect(lastPostInstant(null)).toBeUndefined();
    expect(lastPostInstant('soon')).toBeUndefined();
  });

  it('compares snowflake ids beyond 2^53 exactly', () => {
    expect(compareIds('113000000000000001', '113000000000000000')).toBe(1);
    expect(compareIds('99', '100')).toBe(-1);
    expect(maxId(['9', '113000000000000001', '113000000000000000'])).toBe('113000000000000001');
  });

  it('round-trips a cursor and reports an unreadable one instead of failing', () => {
    const text = writeCursor({ v: 1, notificationsSinceId: '5', favouritesSinceId: '7' });
    expect(readCursor(text)).toEqual({ ok: true, cursor: { v: 1, notificationsSinceId: '5', favouritesSinceId: '7' } });
    expect(readCursor(undefined)).toEqual({ ok: true, cursor: undefined });
    expect(readCursor('not json')).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') });
    expect(readCursor('{"v":1,"statusesSinceId":3}')).toMatchObject({ ok: false, problem: expect.stringContaining('statusesSinceId') });
  });
});
