import { describe, expect, it } from 'vitest';
import { IsoInstant } from '../../../../../shared/domain/model.ts';
import { capWindows, subtractWindow } from '../../../../../shared/sources/api/threads/threads-reader.ts';
import { normaliseMetaTime, ThreadsCursor, ThreadsReply } from '../../../../../shared/sources/api/threads/threads-schemas.ts';

describe('Meta timestamps', () => {
  it('gain the colon ISO 8601 wants in the offset, so the schema takes them', () => {
    expect(normaliseMetaTime('2024-09-17T20:54:47+0000')).toBe('2024-09-17T20:54:47+00:00');
    expect(normaliseMetaTime('2024-09-17T20:54:47-0530')).toBe('2024-09-17T20:54:47-05:30');
    expect(normaliseMetaTime('2024-09-17T20:54:47.123+0200')).toBe('2024-09-17T20:54:47.123+02:00');
    expect(IsoInstant.safeParse('2024-09-17T20:54:47+0000').success).toBe(false);
    expect(IsoInstant.safeParse(normaliseMetaTime('2024-09-17T20:54:47+0000')).success).toBe(true);
  });

  it('already in ISO form stay as they are; garbage stays garbage for the schema to refuse', () => {
    expect(normaliseMetaTime('2024-09-17T20:54:47Z')).toBe('2024-09-17T20:54:47Z');
    expect(normaliseMetaTime('2024-09-17T20:54:47+00:00')).toBe('2024-09-17T20:54:47+00:00');
    expect(ThreadsReply.safeParse({ id: '1', timestamp: 'yesterday' }).success).toBe(false);
  });

  it('a reply as Meta sends it parses, normalised, with absent and null fields alike', () => {
    const parsed = ThreadsReply.parse({ id: '18050206876707110', timestamp: '2024-09-17T20:54:47+0000', text: null, username: 'ada', root_post: { id: '1' }, extra: 1 });
    expect(parsed.timestamp).toBe('2024-09-17T20:54:47+00:00');
    expect(parsed.text).toBeUndefined();
    expect(parsed.username).toBe('ada');
  });

  it('an id that could leave its URL path segment is refused', () => {
    expect(ThreadsReply.safeParse({ id: '../me', timestamp: '2024-09-17T20:54:47+0000' }).success).toBe(false);
    expect(ThreadsReply.safeParse({ id: 123, timestamp: '2024-09-17T20:54:47+0000' }).success).toBe(false);
  });
});

describe('post spans', () => {
  it('a fresh span less what a cut-short run left: the left span is read once, by itself', () => {
    // Fresh: from 1000 on (open). Left: 2000..3000. What remains fresh: 1000..2000 and 3000 on.
    expect(subtractWindow({ since: 1000, knownUpTo: 5000, repliesSince: 4000 }, { since: 2000, until: 3000 })).toEqual([
      { since: 1000, until: 2000, knownUpTo: 5000, repliesSince: 4000 },
      { since: 3000, knownUpTo: 5000, repliesSince: 4000 },
    ]);
    // Left open-ended from before the fresh span began: nothing fresh remains.
    expect(subtractWindow({ since: 1000 }, { since: 500 })).toEqual([]);
    // No overlap: unchanged.
    expect(subtractWindow({ since: 1000, until: 1500, skipId: '9' }, { since: 2000, until: 3000 })).toEqual([{ since: 1000, until: 1500, skipId: '9' }]);
  });

  it('never more than the cap: the oldest spans merge into one read in full, covering both', () => {
    const many = Array.from({ length: 10 }, (_, k) => ({ since: 1000 * k, until: 1000 * k + 500, knownUpTo: 1000 * k + 400, repliesSince: 1 }));
    const capped = capWindows(many, 8);
    expect(capped).toHaveLength(8);
    // Newest first; the three oldest became one span, 0..2500, read with no shortcut.
    expect(capped[0]).toEqual(many[9]);
    expect(capped.at(-1)).toEqual({ since: 0, until: 2500 });
    const covered = (t: number) => capped.some((w) => w.since <= t && (w.until ?? Infinity) > t);
    for (const w of many) expect(covered(w.since) && covered(w.until - 1)).toBe(true);
  });

  it('the cursor schema refuses what it does not know, so a damaged cursor restarts the read', () => {
    expect(ThreadsCursor.safeParse({ v: 1, todo: [{ since: 1 }] }).success).toBe(true);
    expect(ThreadsCursor.safeParse({ v: 2, todo: [] }).success).toBe(false);
    expect(ThreadsCursor.safeParse({ v: 1, todo: [], token: 'x' }).success).toBe(false);
  });
});
