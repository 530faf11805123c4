import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExportError, ExportSnapshot, type ExportFiles } from '../../../../shared/sources/exports/export-types.ts';
import { instagramParser } from '../../../../shared/sources/exports/instagram/instagram-parser.ts';
import { threadsParser } from '../../../../shared/sources/exports/threads/threads-parser.ts';
import { fixtureExportFiles, memoryExportFiles } from '../../../helpers/export-files.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/exports/threads');
const fixture = (name: string, wrapper?: string) => fixtureExportFiles(join(FIXTURES, name), wrapper === undefined ? {} : { wrapper });
const iso = (y: number, m: number, d: number, h = 12, mi = 0, s = 0): string => new Date(Date.UTC(y, m - 1, d, h, mi, s)).toISOString();
const th = (handle: string, displayName?: string) => ({
  handle,
  profileUrl: `https://www.threads.com/@${handle}`,
  ...(displayName !== undefined ? { displayName } : {}),
});

async function parse(files: ExportFiles): Promise<ExportSnapshot> {
  const snapshot = await threadsParser.parse(files);
  expect(ExportSnapshot.parse(snapshot)).toEqual(snapshot);
  return snapshot;
}

describe('threadsParser', () => {
  it('reads the threads/ folder of an Instagram export: followers, following with dates and display names (mojibake repaired), likes', async () => {
    const files = fixture('era-2023', 'instagram-marta.lontra-2025-10-20-AbCdEf');
    const snapshot = await parse(files);
    expect(snapshot).toEqual({
      network: 'threads',
      // The wrapper's day, moved to the like made later that same day.
      exportedAt: iso(2025, 10, 20, 0),
      era: 'threads-2023',
      filesRead: [
        'your_instagram_activity/threads/followers.json',
        'your_instagram_activity/threads/following.json',
        'your_instagram_activity/threads/liked_threads.json',
        'your_instagram_activity/threads/personal_information.json',
      ],
      owner: th('marta.lontra'),
      followers: {
        ties: [
          { person: th('pine.marten', 'Pine Marten'), since: iso(2024, 10, 27) },
          { person: th('river.otter', 'José Otter'), since: iso(2023, 7, 6) },
          { person: th('moss.heron'), since: iso(2025, 1, 2) },
        ],
        complete: true,
      },
      following: {
        ties: [
          { person: th('river.otter', 'José Otter'), since: iso(2023, 7, 6) },
          { person: th('sea.lark', 'Sea Lark'), since: iso(2023, 7, 7) },
        ],
        complete: true,
      },
      mutuals: null,
      interactions: [
        {
          kind: 'like',
          direction: 'outbound',
          at: iso(2025, 10, 19, 22, 27, 14),
          person: th('river.otter'),
          postUrl: 'https://www.threads.com/@river.otter/post/DAbCdEfGhIj',
        },
      ],
      warnings: [],
    });
    // threads_and_replies.json (no reply targets) and the Instagram lists beside it are not read.
    expect(files.reads).toEqual(snapshot.filesRead);
  });

  it('reads the threads/ folder uploaded alone: split followers merged, threads.net links, date from the newest record', async () => {
    const snapshot = await parse(fixture('folder-only'));
    expect(snapshot.era).toBe('threads-2023');
    expect(snapshot.followers?.ties).toEqual([
      { person: th('pine.marten', 'Pine Marten'), since: iso(2024, 2, 3) },
      { person: th('river.otter', 'River'), since: iso(2023, 8, 1) },
      { person: th('sea.lark'), since: iso(2024, 5, 6) },
    ]);
    expect(snapshot.following?.ties).toEqual([{ person: th('sea.lark'), since: iso(2023, 8, 2) }]);
    expect(snapshot.interactions).toEqual([
      { kind: 'like', direction: 'outbound', at: iso(2024, 6, 1, 10), person: th('sea.lark'), postUrl: 'https://www.threads.net/@sea.lark/post/CzAbCdEfGhI' },
    ]);
    expect(snapshot.exportedAt).toBe(iso(2024, 6, 1, 10));
    expect(snapshot.warnings).toEqual([`The export's name gives no date: its date is its newest record (${iso(2024, 6, 1, 10)}).`]);
    expect(snapshot.owner).toBeUndefined();
  });

  it('reads label_values records with Italian labels and a single record without an array', async () => {
    const snapshot = await parse(fixture('era-2026', 'instagram-marta.lontra-2026-08-11-AbCdEf'));
    expect(snapshot.era).toBe('threads-2026');
    expect(snapshot.followers?.ties.map((t) => [t.person.handle, t.since])).toEqual([
      ['river.otter', iso(2026, 2, 2)],
      ['pine.marten', iso(2025, 12, 1)],
    ]);
    expect(snapshot.following?.ties.map((t) => t.person.handle)).toEqual(['river.otter']);
    expect(snapshot.followers?.complete).toBe(true);
    expect(snapshot.owner).toEqual(th('marta.lontra'));
  });

  it('refuses an HTML export', async () => {
    const files = fixture('html');
    expect(threadsParser.recognises(files)).toBe(true);
    await expect(threadsParser.parse(files)).rejects.toThrow(ExportError);
    await expect(threadsParser.parse(files)).rejects.toThrow(/is an HTML export; followback reads the JSON one\..*Format: JSON, Date range: All time/);
  });

  it('a malformed file is an ExportError naming it', async () => {
    const files = memoryExportFiles({ 'threads/followers.json': '{"text_post_app_text_post_app_followers": [' });
    await expect(threadsParser.parse(files)).rejects.toThrow(/threads\/followers\.json is not valid JSON/);
  });

  it('flags a date-limited followers list like Instagram', async () => {
    const rec = (u: string, t: number) => ({ title: '', string_list_data: [{ href: `https://www.threads.com/${u}`, value: u, timestamp: t }] });
    const day = 86_400;
    const followers = Array.from({ length: 30 }, (_, i) => rec(`late.fan${i}`, 1772000000 + i * day));
    const following = Array.from({ length: 60 }, (_, i) => rec(`old.friend${i}`, 1690000000 + i * 10 * day));
    const snapshot = await parse(
      memoryExportFiles({
        'threads/followers.json': JSON.stringify({ text_post_app_text_post_app_followers: followers }),
        'threads/following.json': JSON.stringify({ text_post_app_text_post_app_following: following }),
      }),
    );
    expect(snapshot.followers?.complete).toBe(false);
    expect(snapshot.followers?.problem).toMatch(/Threads export looks date-limited.*All time/);
  });

  it('recognises the Threads folder, not an Instagram export without one', () => {
    expect(threadsParser.recognises(fixture('era-2023'))).toBe(true);
    expect(threadsParser.recognises(fixture('folder-only'))).toBe(true);
    expect(threadsParser.recognises(memoryExportFiles({ 'connections/followers_and_following/followers_1.json': '[]' }))).toBe(false);
    // The Instagram parser sees the Instagram lists beside the Threads folder, and only those.
    expect(instagramParser.recognises(fixture('era-2023'))).toBe(true);
    expect(instagramParser.recognises(fixture('folder-only'))).toBe(false);
  });

  it('the Instagram parser leaves the Threads lists out', async () => {
    const snapshot = await instagramParser.parse(fixture('era-2023'));
    expect(snapshot.followers?.ties.map((t) => t.person.handle)).toEqual(['instagram.only']);
    expect(snapshot.filesRead.some((p) => p.includes('threads/'))).toBe(false);
  });
});
