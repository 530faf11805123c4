import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ExportError, ExportSnapshot } from '../../../../shared/sources/exports/export-types.ts';
import { parseTikTokDate, tiktokParser } from '../../../../shared/sources/exports/tiktok/tiktok-parser.ts';
import { fixtureExportFiles, memoryExportFiles } from '../../../helpers/export-files.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/exports/tiktok');

describe('tiktok parser', () => {
  it('2025/26: Profile And Settings, dates as ISO UTC, owner, likes and comments with an author', async () => {
    const files = fixtureExportFiles(join(FIXTURES, '2025'), { label: 'TikTok_Data.zip' });
    expect(tiktokParser.recognises(files)).toBe(true);
    const snap = await tiktokParser.parse(files);
    expect(ExportSnapshot.parse(snap)).toEqual(snap);
    expect(snap.network).toBe('tiktok');
    expect(snap.era).toBe('tiktok-2025');
    expect(snap.owner).toEqual({ handle: 'me_myself', profileUrl: 'https://www.tiktok.com/@me_myself' });
    expect(snap.followers).toEqual({
      complete: true,
      ties: [
        { person: { handle: 'alice.m', profileUrl: 'https://www.tiktok.com/@alice.m' }, since: '2024-03-01T08:15:00.000Z' },
        { person: { handle: 'carlos_ñ', profileUrl: 'https://www.tiktok.com/@carlos_%C3%B1' }, since: '2024-04-12T23:59:59.000Z' },
      ],
    });
    expect(snap.following?.ties.map((t) => [t.person.handle, t.since])).toEqual([
      ['bob_22', '2024-05-01T08:15:00.000Z'],
      ['alice.m', '2024-05-02T10:00:00.000Z'],
    ]);
    expect(snap.interactions).toEqual([
      {
        kind: 'like',
        direction: 'outbound',
        at: '2024-06-01T12:30:00.000Z',
        person: { handle: 'bob_22', profileUrl: 'https://www.tiktok.com/@bob_22' },
        postUrl: 'https://www.tiktok.com/@bob_22/video/7300000000000000004',
      },
      {
        kind: 'reply',
        direction: 'outbound',
        at: '2024-06-02T10:00:00.000Z',
        person: { handle: 'bob_22', profileUrl: 'https://www.tiktok.com/@bob_22' },
        postUrl: 'https://www.tiktok.com/@bob_22/video/7300000000000000002',
        text: 'lol 😂',
      },
    ]);
    expect(snap.warnings).toEqual([
      '1 entries of followers without a username were skipped.',
      "1 of your likes not recorded: TikTok's export gives the video link, not its author.",
      '2 of your comments not recorded: their post link names no author (or it is your own post).',
    ]);
    // No date of its own: the newest record.
    expect(snap.exportedAt).toBe('2024-06-02T12:00:00.000Z');
    expect(snap.filesRead).toEqual(['user_data_tiktok.json']);
  });

  it('2024: Your Activity; a null list is empty', async () => {
    const snap = await tiktokParser.parse(fixtureExportFiles(join(FIXTURES, '2024')));
    expect(snap.era).toBe('tiktok-2024');
    expect(snap.owner?.handle).toBe('eli_dance');
    expect(snap.followers?.ties).toEqual([{ person: { handle: 'dana.k', profileUrl: 'https://www.tiktok.com/@dana.k' }, since: '2023-11-05T17:45:10.000Z' }]);
    expect(snap.following).toEqual({ ties: [], complete: true });
    expect(snap.exportedAt).toBe('2024-01-02T03:04:05.000Z');
  });

  it('2020–23: Activity → Follower List / Following List in user_data.json', async () => {
    const snap = await tiktokParser.parse(fixtureExportFiles(join(FIXTURES, '2020')));
    expect(snap.era).toBe('tiktok-2020');
    expect(snap.owner?.handle).toBe('hal_old');
    expect(snap.followers?.ties.map((t) => [t.person.handle, t.since])).toEqual([
      ['fern_e', '2021-07-09T06:18:18.000Z'],
      ['gus', '2022-01-01T00:00:00.000Z'],
    ]);
    expect(snap.following?.ties.map((t) => t.person.handle)).toEqual(['fern_e']);
    expect(snap.filesRead).toEqual(['user_data.json']);
  });

  it('refuses a malformed file, naming it', async () => {
    const files = memoryExportFiles({ 'user_data_tiktok.json': '{"Profile And Settings": {' }, { label: 'tt.zip' });
    await expect(tiktokParser.parse(files)).rejects.toThrow(/tt\.zip: user_data_tiktok\.json is not valid JSON/);
  });

  it('refuses the TXT variant with the JSON steps', async () => {
    const files = memoryExportFiles({ 'Profile and Settings/Follower.txt': 'Date: 2024-01-01 00:00:00\nUsername: a\n' }, { label: 'tiktok.zip' });
    const error = await tiktokParser.parse(files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toMatch(/TXT format.*File format: JSON/);
  });

  it.each([
    ['2024-03-01 08:15:00', '2024-03-01T08:15:00.000Z'],
    ['2024-06-02 10:00:00 UTC', '2024-06-02T10:00:00.000Z'],
    ['2024-02-30 10:00:00', undefined],
    ['01/02/2024', undefined],
  ])('date %s', (text, expected) => {
    expect(parseTikTokDate(text)).toBe(expected);
  });
});
