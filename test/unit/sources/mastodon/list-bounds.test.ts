import { describe, expect, it } from 'vitest';
import { LIST_MARK_EVERY, MAX_LIST_BOUNDS, linkParam, nextBounds, usableBounds } from '../../../../shared/sources/mastodon/list-bounds.ts';
import { readCursor, writeCursor } from '../../../../shared/sources/mastodon/mastodon-cursor.ts';

/** An 18-digit follow id (a large instance's), falling with `n`. */
const id = (n: number): string => (113_500_000_000_000_000n - BigInt(n) * 977n).toString();

describe('Mastodon list boundaries', () => {
  it('a million followers keep 250 boundaries per list, about 5 KB of cursor: well under a DynamoDB item', () => {
    const pages = Math.floor(1_000_000 / 80) + 1;
    // The first pull's one walk marks every LIST_MARK_EVERY-th page.
    const marks = Array.from({ length: Math.floor(pages / LIST_MARK_EVERY) }, (_, k) => id((k + 1) * LIST_MARK_EVERY * 80));
    const bounds = nextBounds([{ from: undefined, pages, marks }]);
    expect(bounds).toHaveLength(250);
    const text = writeCursor({ v: 1, listBounds: { followers: bounds, following: bounds } });
    expect(text.length).toBeLessThan(12_000);
    expect(readCursor(text)).toEqual({ ok: true, cursor: { v: 1, listBounds: { followers: bounds, following: bounds } } });
  });

  it('keeps each walk\'s start and marks, newest first; drops the start of a walk whose followers mostly left; stays within the cap', () => {
    const walks = [
      { from: undefined, pages: 120, marks: [id(50), id(100)] },
      { from: id(110), pages: 50, marks: [] },
      // Mostly gone: its range joins the walk above next time.
      { from: id(200), pages: 3, marks: [] },
      { from: id(210), pages: 60, marks: [id(260)] },
    ];
    expect(nextBounds(walks)).toEqual([id(50), id(100), id(110), id(210), id(260)]);
    const many = Array.from({ length: 1000 }, (_, k) => id(k + 1));
    expect(nextBounds([{ from: undefined, pages: 1000 * LIST_MARK_EVERY, marks: many }]).length).toBeLessThanOrEqual(MAX_LIST_BOUNDS);
  });

  it('uses stored boundaries only when they are numeric and strictly falling', () => {
    expect(usableBounds(['30', '20', '10'])).toEqual(['30', '20', '10']);
    expect(usableBounds(['30', '30'])).toEqual([]);
    expect(usableBounds(['10', '20'])).toEqual([]);
    expect(usableBounds(['01HZX', '5'])).toEqual([]);
    expect(usableBounds(undefined)).toEqual([]);
  });

  it('reads a Link URL parameter, and nothing from a link that is not a URL', () => {
    expect(linkParam('https://x.example/api/v1/accounts/1/followers?limit=80&max_id=42', 'max_id')).toBe('42');
    expect(linkParam('not a url', 'max_id')).toBeUndefined();
    expect(linkParam(undefined, 'max_id')).toBeUndefined();
  });
});
