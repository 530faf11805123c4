import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openExport } from '../../../../shared/sources/exports/archive.ts';
import { ExportError, ExportSnapshot, type ExportFiles } from '../../../../shared/sources/exports/export-types.ts';
import { instagramParser } from '../../../../shared/sources/exports/instagram/instagram-parser.ts';
import { fixtureExportFiles, memoryExportFiles } from '../../../helpers/export-files.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/exports/instagram');
const fixture = (name: string, wrapper?: string) => fixtureExportFiles(join(FIXTURES, name), wrapper === undefined ? {} : { wrapper });

/** Unix seconds at noon UTC (the fixtures' default hour) unless told. */
const iso = (y: number, m: number, d: number, h = 12, mi = 0, s = 0): string => new Date(Date.UTC(y, m - 1, d, h, mi, s)).toISOString();
const ig = (handle: string) => ({ handle, profileUrl: `https://www.instagram.com/${handle}` });
const tie = (handle: string, since: string) => ({ person: ig(handle), since });
const secs = (isoText: string): number => Date.parse(isoText) / 1000;

async function parse(files: ExportFiles): Promise<ExportSnapshot> {
  const snapshot = await instagramParser.parse(files);
  // Whatever the parser returns is a valid snapshot (it validates itself; this proves it).
  expect(ExportSnapshot.parse(snapshot)).toEqual(snapshot);
  return snapshot;
}

describe('instagramParser: every era', () => {
  it('≤2020: connections.json, likes.json, comments.json, profile.json', async () => {
    const snapshot = await parse(fixture('era-2020'));
    expect(snapshot).toEqual({
      network: 'instagram',
      exportedAt: iso(2020, 3, 3, 18),
      era: 'instagram-2020',
      filesRead: ['connections.json', 'likes.json', 'comments.json', 'profile.json'],
      owner: ig('marta.lontra'),
      followers: {
        ties: [tie('river.otter', iso(2019, 6, 1, 8, 30)), tie('pine.marten', iso(2018, 11, 20, 17, 45, 10)), tie('moss.heron', iso(2020, 1, 5, 21))],
        complete: true,
      },
      following: {
        ties: [tie('river.otter', iso(2019, 5, 30, 10)), tie('sea.lark', iso(2018, 9, 14, 7, 15)), tie('fern_badger', iso(2020, 2, 2, 12))],
        complete: true,
      },
      mutuals: null,
      interactions: [
        { kind: 'like', direction: 'outbound', at: iso(2020, 3, 1, 10), person: ig('river.otter') },
        { kind: 'like', direction: 'outbound', at: iso(2020, 3, 2, 11, 30), person: ig('sea.lark') },
        { kind: 'like', direction: 'outbound', at: iso(2020, 2, 20, 9), person: ig('fern_badger') },
        { kind: 'reply', direction: 'outbound', at: iso(2020, 3, 3, 18), person: ig('river.otter'), text: 'Che bello! 😍' },
      ],
      warnings: [`The export's name gives no date: its date is its newest record (${iso(2020, 3, 3, 18)}).`],
    });
  });

  it('2021: the relationships_followers wrapper, activity at the root, account_information', async () => {
    const snapshot = await parse(fixture('era-2021', 'instagram-marta.lontra-2021-06-10-XyZ123ab'));
    expect(snapshot.era).toBe('instagram-2021');
    expect(snapshot.exportedAt).toBe(iso(2021, 6, 10, 0));
    expect(snapshot.owner).toEqual(ig('marta.lontra'));
    expect(snapshot.followers).toEqual({
      ties: [tie('river.otter', iso(2021, 3, 4)), tie('pine.marten', iso(2020, 7, 8)), tie('moss.heron', iso(2021, 5, 1))],
      complete: true,
    });
    expect(snapshot.following).toEqual({
      ties: [tie('river.otter', iso(2021, 3, 3)), tie('sea.lark', iso(2019, 9, 14)), tie('fern_badger', iso(2021, 4, 20))],
      complete: true,
    });
    expect(snapshot.interactions).toEqual([
      { kind: 'like', direction: 'outbound', at: iso(2021, 6, 1, 9), person: ig('river.otter'), postUrl: 'https://www.instagram.com/p/CAbCdEfGhIj/' },
      { kind: 'like', direction: 'outbound', at: iso(2021, 6, 2, 9), person: ig('sea.lark'), postUrl: 'https://www.instagram.com/p/CKlMnOpQrSt/' },
      { kind: 'reply', direction: 'outbound', at: iso(2021, 6, 3, 20), person: ig('fern_badger'), text: 'Bravissimo, José!' },
    ]);
    expect(snapshot.filesRead).toEqual([
      'followers_and_following/followers.json',
      'followers_and_following/following.json',
      'likes/liked_posts.json',
      'likes/liked_comments.json',
      'comments/post_comments.json',
      'account_information/personal_information.json',
    ]);
    expect(snapshot.warnings).toEqual([]);
  });

  it('2022: split followers_N.json merged in numeric order (a repeated record once), activity under your_instagram_activity, extra files ignored', async () => {
    const files = fixture('era-2022', 'instagram-marta.lontra-2022-09-14-AbCdEfGh');
    const snapshot = await parse(files);
    expect(snapshot).toEqual({
      network: 'instagram',
      exportedAt: iso(2022, 9, 14, 0),
      era: 'instagram-2022',
      filesRead: [
        'connections/followers_and_following/followers_1.json',
        'connections/followers_and_following/followers_2.json',
        'connections/followers_and_following/followers_10.json',
        'connections/followers_and_following/following.json',
        'your_instagram_activity/likes/liked_posts.json',
        'your_instagram_activity/story_sticker_interactions/story_likes.json',
        'your_instagram_activity/comments/post_comments_1.json',
        'personal_information/personal_information.json',
      ],
      owner: ig('marta.lontra'),
      followers: {
        ties: [tie('river.otter', iso(2022, 3, 4)), tie('pine.marten', iso(2021, 7, 8)), tie('moss.heron', iso(2022, 5, 1)), tie('stone.curlew', iso(2022, 8, 30))],
        complete: true,
      },
      following: {
        ties: [tie('river.otter', iso(2022, 3, 3)), tie('sea.lark', iso(2020, 9, 14)), tie('fern_badger', iso(2022, 4, 20))],
        complete: true,
      },
      mutuals: null,
      interactions: [
        { kind: 'like', direction: 'outbound', at: iso(2022, 9, 1, 9), person: ig('river.otter'), postUrl: 'https://www.instagram.com/p/DAbCdEfGhIj/' },
        { kind: 'like', direction: 'outbound', at: iso(2022, 9, 2, 9), person: ig('sea.lark'), postUrl: 'https://www.instagram.com/p/DBcDeFgHiJk/' },
        { kind: 'like', direction: 'outbound', at: iso(2022, 9, 5, 7), person: ig('moss.heron') },
        { kind: 'reply', direction: 'outbound', at: iso(2022, 9, 3, 18), person: ig('river.otter'), text: 'so good 😍' },
        { kind: 'reply', direction: 'outbound', at: iso(2022, 9, 4, 18), person: ig('fern_badger'), text: 'Olá José' },
      ],
      warnings: [],
    });
    // Media, saved posts, ads and the optional relationship files are never opened.
    expect(files.reads).toEqual(snapshot.filesRead);
  });

  it('2025: following.json with the username in title and /_u/ in the href; Threads lists left out', async () => {
    const snapshot = await parse(fixture('era-2025', 'instagram-marta.lontra-2025-10-21-QwErTy12'));
    expect(snapshot.era).toBe('instagram-2025');
    // The wrapper gives the day; a record later that same day moves the date to it.
    expect(snapshot.exportedAt).toBe(iso(2025, 10, 21, 7));
    expect(snapshot.following?.ties).toEqual([tie('river.otter', iso(2025, 3, 3)), tie('sea.lark', iso(2023, 9, 14)), tie('fern_badger', iso(2025, 4, 20))]);
    expect(snapshot.followers?.ties.map((t) => t.person.handle)).toEqual(['river.otter', 'pine.marten', 'moss.heron']);
    expect(snapshot.followers?.ties.some((t) => t.person.handle === 'wren.teal')).toBe(false);
    expect(snapshot.interactions).toEqual([
      { kind: 'like', direction: 'outbound', at: iso(2025, 10, 20, 22, 27, 14), person: ig('river.otter'), postUrl: 'https://www.instagram.com/p/DAbCdEfGhIj/' },
      { kind: 'like', direction: 'outbound', at: iso(2025, 10, 21, 7), person: ig('pine.marten') },
      { kind: 'reply', direction: 'outbound', at: iso(2025, 10, 19, 19, 33, 20), person: ig('sea.lark'), text: 'so good' },
      { kind: 'reply', direction: 'outbound', at: iso(2025, 10, 18, 8), person: ig('moss.heron'), text: 'ahah 😂' },
    ]);
    expect(snapshot.owner).toEqual(ig('marta.lontra'));
    expect(snapshot.filesRead).toContain('personal_information/personal_information/personal_information.json');
    expect(snapshot.filesRead.some((p) => p.includes('threads/'))).toBe(false);
  });

  it('2026: label_values with Portuguese labels (mojibake repaired), single records without an array', async () => {
    const snapshot = await parse(fixture('era-2026', 'meta-2026-Aug-11-19-10-01/instagram-marta.lontra-2026-08-11-ZxCvBn98'));
    expect(snapshot.era).toBe('instagram-2026');
    expect(snapshot.exportedAt).toBe(iso(2026, 8, 11, 0));
    // The display name "moss" is username-shaped too: the label is chosen over the whole export, not per record.
    expect(snapshot.followers).toEqual({
      ties: [tie('river.otter', iso(2026, 3, 4)), tie('pine.marten', iso(2025, 7, 8)), tie('moss.heron', iso(2026, 5, 1))],
      complete: true,
    });
    expect(snapshot.following?.ties.map((t) => [t.person.handle, t.since])).toEqual([
      ['river.otter', iso(2026, 3, 3)],
      ['sea.lark', iso(2024, 9, 14)],
    ]);
    // The personal-information key is mojibake ("Nome de usuÃ¡rio"): repaired, it is found.
    expect(snapshot.owner).toEqual(ig('marta.lontra'));
    expect(snapshot.interactions).toEqual([
      { kind: 'like', direction: 'outbound', at: iso(2026, 8, 1, 9), person: ig('sea.lark'), postUrl: 'https://www.instagram.com/p/DXyZaBcDeFg/' },
    ]);
  });

  it('2026: Italian labels (Nome utente) in a single-record file; the username is found by value shape', async () => {
    const record = (username: string, name: string, t: number) => ({
      timestamp: t,
      media: [],
      fbid: '17841400000000001',
      label_values: [
        { label: 'URL', value: 'https://linktr.ee/someone' },
        { label: 'Nome', value: name },
        { label: 'Nome utente', value: username },
      ],
    });
    const files = memoryExportFiles(
      {
        'connections/followers_and_following/followers_1.json': JSON.stringify(record('river.otter', 'River O.', 1754467001)),
        'connections/followers_and_following/following.json': JSON.stringify({ relationships_following: record('pine.marten', 'Pine Marten', 1754381200) }),
      },
      { wrapper: 'instagram-marta.lontra-2026-08-11-AbCd' },
    );
    const snapshot = await parse(files);
    expect(snapshot.era).toBe('instagram-2026');
    expect(snapshot.followers?.ties.map((t) => t.person.handle)).toEqual(['river.otter']);
    expect(snapshot.following?.ties.map((t) => t.person.handle)).toEqual(['pine.marten']);
    expect(snapshot.followers?.complete).toBe(true);
  });
});

describe('instagramParser: the date-range trap', () => {
  it('flags a followers list that starts years after the following list (118 recent followers, 364 following since 2017)', async () => {
    const snapshot = await parse(fixture('date-range-2026', 'instagram-marta.lontra-2026-08-11-AbCd'));
    expect(snapshot.followers?.ties).toHaveLength(118);
    expect(snapshot.following?.ties).toHaveLength(364);
    expect(snapshot.followers?.complete).toBe(false);
    expect(snapshot.followers?.problem).toMatch(/date-limited/);
    expect(snapshot.followers?.problem).toMatch(/All time/);
    expect(snapshot.followers?.problem).toContain('2026-03-01');
    expect(snapshot.following?.complete).toBe(true);
  });

  it('does not flag a genuinely new account (both lists start together)', async () => {
    const snapshot = await parse(fixture('new-account-2026', 'instagram-marta.lontra-2026-08-11-AbCd'));
    expect(snapshot.followers?.ties).toHaveLength(25);
    expect(snapshot.followers?.complete).toBe(true);
    expect(snapshot.followers?.problem).toBeUndefined();
  });

  it('does not judge lists too small to say when the account began', async () => {
    const followers = [{ title: '', string_list_data: [{ href: 'https://www.instagram.com/a.b', value: 'a.b', timestamp: secs('2026-07-01T00:00:00Z') }] }];
    const following = {
      relationships_following: [{ title: 'c.d', string_list_data: [{ href: 'https://www.instagram.com/_u/c.d', timestamp: secs('2015-01-01T00:00:00Z') }] }],
    };
    const snapshot = await parse(
      memoryExportFiles({
        'connections/followers_and_following/followers_1.json': JSON.stringify(followers),
        'connections/followers_and_following/following.json': JSON.stringify(following),
      }),
    );
    expect(snapshot.followers?.complete).toBe(true);
  });
});

describe('instagramParser: refusals and robustness', () => {
  it('refuses an HTML export with how to export JSON', async () => {
    const files = fixture('html-2025');
    expect(instagramParser.recognises(files)).toBe(true);
    await expect(instagramParser.parse(files)).rejects.toThrow(ExportError);
    await expect(instagramParser.parse(files)).rejects.toThrow(/html-2025 is an HTML export; followback reads the JSON one\. .*Format: JSON, Date range: All time/);
  });

  it('a malformed JSON file is an ExportError naming the file', async () => {
    const files = memoryExportFiles({
      'connections/followers_and_following/followers_1.json': '[{"title": "", "string_list_data": [',
      'connections/followers_and_following/following.json': '{"relationships_following": []}',
    });
    await expect(instagramParser.parse(files)).rejects.toThrow(ExportError);
    await expect(instagramParser.parse(files)).rejects.toThrow(/connections\/followers_and_following\/followers_1\.json is not valid JSON/);
  });

  it('a list file of an unknown shape leaves that list incomplete (nothing concluded), never silently empty', async () => {
    const snapshot = await parse(
      memoryExportFiles({
        'connections/followers_and_following/followers_1.json': JSON.stringify({ something_new: { count: 3 } }),
        'connections/followers_and_following/following.json': JSON.stringify({
          relationships_following: [
            { title: 'pine.marten', string_list_data: [{ href: 'https://www.instagram.com/_u/pine.marten', timestamp: 1754381200 }] },
            { title: '', string_list_data: [{ timestamp: 1754381201 }] },
          ],
        }),
      }),
    );
    expect(snapshot.followers).toEqual({ ties: [], complete: false, problem: expect.stringContaining('followers_1.json is not in a format followback knows') });
    expect(snapshot.following?.complete).toBe(false);
    expect(snapshot.following?.problem).toContain('1 of the 2 records in connections/followers_and_following/following.json could not be read');
    expect(snapshot.following?.ties.map((t) => t.person.handle)).toEqual(['pine.marten']);
  });

  it('ignores unknown and extra files without reading them', async () => {
    const files = memoryExportFiles({
      'connections/followers_and_following/followers_1.json': JSON.stringify([
        { title: '', media_list_data: [], string_list_data: [{ href: 'https://www.instagram.com/river.otter', value: 'river.otter', timestamp: 1754467001 }] },
      ]),
      'connections/followers_and_following/pending_follow_requests.json': '{not json at all',
      'your_instagram_activity/messages/inbox/riverotter_1/message_1.json': '{broken',
      'your_instagram_activity/media/posts_1.json': '[]',
      'media/posts/202508/1.mp4': 'binary',
      'some_future_folder/new_thing.json': '{"x": [1, 2]}',
      'start_here.html': '<html></html>',
    });
    const snapshot = await parse(files);
    expect(snapshot.followers?.ties.map((t) => t.person.handle)).toEqual(['river.otter']);
    expect(snapshot.following).toBeNull();
    expect(files.reads).toEqual(['connections/followers_and_following/followers_1.json']);
  });

  it('an export with no Instagram JSON is refused', async () => {
    await expect(instagramParser.parse(memoryExportFiles({ 'README.txt': 'hello' }))).rejects.toThrow(/holds no Instagram followers, following or activity files/);
  });

  it('recognises Instagram exports, not a Threads folder alone', () => {
    for (const era of ['era-2020', 'era-2021', 'era-2022', 'era-2025', 'era-2026', 'date-range-2026']) expect(instagramParser.recognises(fixture(era))).toBe(true);
    const threadsOnly = memoryExportFiles({
      'your_instagram_activity/threads/followers.json': '{}',
      'your_instagram_activity/threads/liked_threads.json': '{}',
    });
    expect(instagramParser.recognises(threadsOnly)).toBe(false);
    expect(instagramParser.recognises(memoryExportFiles({ 'followers.json': '{}', 'liked_threads.json': '{}' }))).toBe(false);
    expect(instagramParser.recognises(memoryExportFiles({ 'data/follower.js': '' }))).toBe(false);
  });

  it('a field of an unexpected type does not hide the record; all-digit and underscore usernames are usernames', async () => {
    const snapshot = await parse(
      memoryExportFiles({
        'connections/followers_and_following/followers_1.json': JSON.stringify([
          { title: null, media_list_data: [], string_list_data: [{ href: 'https://www.instagram.com/river.otter', value: 'river.otter', timestamp: 1754467001 }] },
          { title: '', string_list_data: [{ href: 'https://www.instagram.com/1234567', value: '1234567', timestamp: 1754467002 }] },
          { title: '', string_list_data: [{ href: 'https://www.instagram.com/__fox__', value: '__fox__', timestamp: '1754467003' }] },
        ]),
      }),
    );
    expect(snapshot.followers?.complete).toBe(true);
    expect(snapshot.followers?.ties.map((t) => [t.person.handle, t.since])).toEqual([
      ['river.otter', new Date(1754467001 * 1000).toISOString()],
      ['1234567', new Date(1754467002 * 1000).toISOString()],
      // A timestamp that is not a number reads as no date, not as a broken record.
      ['__fox__', undefined],
    ]);
  });

  it('usernames compare case-insensitively: the same account in two parts is one tie, with the earliest date', async () => {
    const rec = (u: string, t: number) => ({ title: '', string_list_data: [{ href: `https://www.instagram.com/${u}`, value: u, timestamp: t }] });
    const snapshot = await parse(
      memoryExportFiles({
        'connections/followers_and_following/followers_1.json': JSON.stringify([rec('River.Otter', 1754467001)]),
        'connections/followers_and_following/followers_2.json': JSON.stringify([rec('river.otter', 1754000000)]),
      }),
    );
    expect(snapshot.followers?.ties).toEqual([{ person: ig('River.Otter'), since: new Date(1754000000 * 1000).toISOString() }]);
  });
});

describe('two exports of the same account a month apart', () => {
  const rec = (u: string, t: number) => ({ title: '', media_list_data: [], string_list_data: [{ href: `https://www.instagram.com/${u}`, value: u, timestamp: t }] });
  const following = (names: string[]) =>
    JSON.stringify({ relationships_following: names.map((u, i) => ({ title: u, string_list_data: [{ href: `https://www.instagram.com/_u/${u}`, timestamp: 1700000000 + i }] })) });
  const exportOf = (day: string, followers: [string, number][], part2: [string, number][]) =>
    memoryExportFiles(
      {
        'connections/followers_and_following/followers_1.json': JSON.stringify(followers.map(([u, t]) => rec(u, t))),
        'connections/followers_and_following/followers_2.json': JSON.stringify(part2.map(([u, t]) => rec(u, t))),
        'connections/followers_and_following/following.json': following(['river.otter', 'pine.marten', 'sea.lark']),
      },
      { wrapper: `instagram-marta.lontra-${day}-AbCdEf` },
    );

  /** New and lost followers by handle, compared case-insensitively (what the store does with two snapshots). */
  function diffFollowers(before: ExportSnapshot, after: ExportSnapshot): { gained: string[]; lost: string[] } {
    if (before.followers === null || after.followers === null || !before.followers.complete || !after.followers.complete) throw new Error('incomplete');
    const key = (h: string | undefined) => (h ?? '').toLowerCase();
    const was = new Set(before.followers.ties.map((t) => key(t.person.handle)));
    const now = new Set(after.followers.ties.map((t) => key(t.person.handle)));
    return {
      gained: [...now].filter((h) => !was.has(h)).sort(),
      lost: [...was].filter((h) => !now.has(h)).sort(),
    };
  }

  it('gives exactly the new and the lost followers', async () => {
    const july = await parse(
      exportOf(
        '2026-07-01',
        [
          ['river.otter', 1690000000],
          ['pine.marten', 1691000000],
          ['moss.heron', 1692000000],
        ],
        [['fern_badger', 1693000000]],
      ),
    );
    const august = await parse(
      exportOf(
        '2026-08-01',
        [
          ['River.Otter', 1690000000],
          ['moss.heron', 1692000000],
          ['fern_badger', 1693000000],
        ],
        [
          ['stone.curlew', 1753000000],
          ['wren.teal', 1753500000],
        ],
      ),
    );
    expect(july.exportedAt < august.exportedAt).toBe(true);
    expect(diffFollowers(july, august)).toEqual({ gained: ['stone.curlew', 'wren.teal'], lost: ['pine.marten'] });
    // The new followers carry their follow dates (grace periods can be judged from them).
    expect(august.followers?.ties.find((t) => t.person.handle === 'wren.teal')?.since).toBe(new Date(1753500000 * 1000).toISOString());
  });
});

describe('instagramParser through the archive layer', () => {
  it('reads an unpacked export inside its wrapper folder: the date and owner from the folder name, media never read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'followback-ig-'));
    try {
      const root = join(dir, 'download');
      cpSync(join(FIXTURES, 'era-2022'), join(root, 'instagram-marta.lontra-2022-09-14-AbCdEfGh'), { recursive: true });
      rmSync(join(root, 'instagram-marta.lontra-2022-09-14-AbCdEfGh', 'SOURCE.md'));
      // Without the personal-information file, the owner comes from the wrapper's name.
      rmSync(join(root, 'instagram-marta.lontra-2022-09-14-AbCdEfGh', 'personal_information'), { recursive: true });
      const opened = await openExport(root);
      try {
        expect(instagramParser.recognises(opened)).toBe(true);
        const snapshot = await parse(opened);
        expect(snapshot.exportedAt).toBe(iso(2022, 9, 14, 0));
        expect(snapshot.owner).toEqual(ig('marta.lontra'));
        expect(snapshot.era).toBe('instagram-2022');
        expect(snapshot.followers?.ties).toHaveLength(4);
        expect(snapshot.interactions).toHaveLength(5);
      } finally {
        await opened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
