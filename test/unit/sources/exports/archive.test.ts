import { describe, expect, it } from 'vitest';
import {
  findAll,
  findPath,
  htmlExportMessage,
  isJunkPath,
  isMediaPath,
  looksLikeHtmlExport,
  naturalCompare,
  normaliseEntryName,
  wrapperOf,
} from '../../../../shared/sources/exports/archive.ts';

describe('wrapperOf: the leading folders every entry shares', () => {
  it('strips the wrappers people and Meta add', () => {
    expect(wrapperOf(['instagram-jane-2026-11-02-AbC/connections/followers_and_following/followers_1.json', 'instagram-jane-2026-11-02-AbC/start_here.html'])).toEqual([
      'instagram-jane-2026-11-02-AbC',
    ]);
    expect(wrapperOf(['meta-2025-Jul-13-19-10-01/instagram-jane-2025-07-13-x/connections/a.json', 'meta-2025-Jul-13-19-10-01/instagram-jane-2025-07-13-x/b.json'])).toEqual([
      'meta-2025-Jul-13-19-10-01',
      'instagram-jane-2025-07-13-x',
    ]);
    expect(wrapperOf(['Basic_LinkedInDataExport_07-13-2025/Connections.csv', 'Basic_LinkedInDataExport_07-13-2025/Reactions.csv'])).toEqual([
      'Basic_LinkedInDataExport_07-13-2025',
    ]);
    expect(wrapperOf(['twitter-2025-07-13-abc/data/follower.js', 'twitter-2025-07-13-abc/Your archive.html'])).toEqual(['twitter-2025-07-13-abc']);
    // Generic: any single shared folder that is not one of the networks' own.
    expect(wrapperOf(['my export/Connections.csv', 'my export/Invitations.csv'])).toEqual(['my export']);
  });

  it('keeps the networks own folders and flat exports', () => {
    expect(wrapperOf(['connections/followers_and_following/followers_1.json', 'connections/followers_and_following/following.json'])).toEqual([]);
    expect(wrapperOf(['data/follower.js', 'data/following.js'])).toEqual([]);
    expect(wrapperOf(['instagram-x-2026-01-01-a/your_instagram_activity/threads/followers.json'])).toEqual(['instagram-x-2026-01-01-a']);
    expect(wrapperOf(['Connections.csv', 'Reactions.csv'])).toEqual([]);
    expect(wrapperOf(['a/x.json', 'b/y.json'])).toEqual([]);
    expect(wrapperOf(['w/x.json', 'y.json'])).toEqual([]);
    expect(wrapperOf([])).toEqual([]);
  });

  it('strict: only names that look like wrappers (a network prefix or a date)', () => {
    expect(wrapperOf(['stuff/media/a.jpg'], true)).toEqual([]);
    expect(wrapperOf(['facebook-jane-2026-11-02-q/media/a.jpg'], true)).toEqual(['facebook-jane-2026-11-02-q']);
    expect(wrapperOf(['TikTok_Data_1731234567/user_data_tiktok.json'], true)).toEqual(['TikTok_Data_1731234567']);
  });
});

describe('path lookup', () => {
  const paths = [
    'connections/followers_and_following/followers_10.json',
    'connections/followers_and_following/followers_2.json',
    'connections/followers_and_following/Followers_1.json',
    'connections/followers_and_following/following.json',
    'your_instagram_activity/threads/following.json',
    'your_instagram_activity/threads/followers_1.json',
  ];

  it('findPath matches whole trailing segments, case-insensitively, the shallowest first', () => {
    expect(findPath(paths, 'connections/followers_and_following/following.json')).toBe('connections/followers_and_following/following.json');
    expect(findPath(paths, 'FOLLOWERS_AND_FOLLOWING/followers_1.json')).toBe('connections/followers_and_following/Followers_1.json');
    expect(findPath(paths, 'threads/following.json')).toBe('your_instagram_activity/threads/following.json');
    expect(findPath(paths, 'ollowing.json')).toBeUndefined();
    expect(findPath(paths, 'following.json')).toBe('connections/followers_and_following/following.json');
    expect(findPath(paths, '')).toBeUndefined();
    expect(findPath(['a/b.json'], '\\a\\b.json')).toBe('a/b.json');
  });

  it('findAll lists split files in numeric order, by a suffix with * or a RegExp', () => {
    expect(findAll(paths, 'followers_and_following/followers_*.json')).toEqual([
      'connections/followers_and_following/Followers_1.json',
      'connections/followers_and_following/followers_2.json',
      'connections/followers_and_following/followers_10.json',
    ]);
    expect(findAll(paths, /followers_(\d+)\.json$/g)).toEqual([
      'connections/followers_and_following/Followers_1.json',
      'connections/followers_and_following/followers_2.json',
      'connections/followers_and_following/followers_10.json',
      'your_instagram_activity/threads/followers_1.json',
    ]);
    // `*` stays inside one segment.
    expect(findAll(paths, 'connections/*.json')).toEqual([]);
    expect(findAll(paths, 'nothing_*.json')).toEqual([]);
  });

  it('naturalCompare orders numbers by value', () => {
    expect(['f_10', 'f_9', 'f_1', 'f_100', 'f_02'].sort(naturalCompare)).toEqual(['f_1', 'f_02', 'f_9', 'f_10', 'f_100']);
    expect(naturalCompare('a', 'a')).toBe(0);
    expect(naturalCompare('message_99999999999999999999.json', 'message_100000000000000000000.json')).toBeLessThan(0);
  });
});

describe('names', () => {
  it('normaliseEntryName: backslashes, dots, and unsafe names', () => {
    expect(normaliseEntryName('connections\\followers_and_following\\following.json')).toEqual({ ok: true, path: 'connections/followers_and_following/following.json' });
    expect(normaliseEntryName('./a//b.json')).toEqual({ ok: true, path: 'a/b.json' });
    expect(normaliseEntryName('../evil.json')).toMatchObject({ ok: false, reason: expect.stringContaining('..') });
    expect(normaliseEntryName('a/../../evil.json')).toMatchObject({ ok: false });
    expect(normaliseEntryName('..\\evil.json')).toMatchObject({ ok: false });
    expect(normaliseEntryName('/etc/passwd')).toMatchObject({ ok: false, reason: expect.stringContaining('absolute') });
    expect(normaliseEntryName('C:\\Windows\\x.json')).toMatchObject({ ok: false, reason: expect.stringContaining('absolute') });
    expect(normaliseEntryName('a\0b')).toMatchObject({ ok: false });
  });

  it('isMediaPath and isJunkPath', () => {
    for (const p of ['media/posts/1.jpg', 'a/B.JPEG', 'x.png', 'x.gif', 'x.webp', 'x.heic', 'v.mp4', 'v.MOV', 'a.m4a', 'a.mp3', 'a.opus', 'v.webm']) {
      expect(isMediaPath(p)).toBe(true);
    }
    for (const p of ['followers_1.json', 'data/tweets.js', 'Connections.csv', 'start_here.html', 'jpg', '.mp4', 'mp4/notes.txt']) expect(isMediaPath(p)).toBe(false);
    for (const p of ['__MACOSX/._a.json', 'x/__MACOSX/a', '.DS_Store', 'a/.DS_Store', 'a/._followers_1.json', 'Thumbs.db', 'x/desktop.ini']) expect(isJunkPath(p)).toBe(true);
    for (const p of ['a.json', 'DS_Store.json', 'macosx/a.json']) expect(isJunkPath(p)).toBe(false);
  });
});

describe('HTML exports', () => {
  it('looksLikeHtmlExport: web pages and no data files', () => {
    expect(looksLikeHtmlExport(['start_here.html', 'connections/followers_and_following/followers_1.html', 'media/x.jpg'])).toBe(true);
    expect(looksLikeHtmlExport(['index.html', 'followers_and_following/followers.html'])).toBe(true);
    // A JSON export also has start_here.html; an X archive has Your archive.html; LinkedIn is CSV.
    expect(looksLikeHtmlExport(['start_here.html', 'connections/followers_and_following/followers_1.json'])).toBe(false);
    expect(looksLikeHtmlExport(['Your archive.html', 'data/follower.js'])).toBe(false);
    expect(looksLikeHtmlExport(['Connections.csv'])).toBe(false);
    expect(looksLikeHtmlExport([])).toBe(false);
  });

  it('htmlExportMessage names the file and says how to export JSON, per network', () => {
    const ig = htmlExportMessage('instagram-jane.zip', 'instagram');
    expect(ig).toContain('instagram-jane.zip is an HTML export; followback reads the JSON one. In "Download your information", choose Format: JSON, Date range: All time');
    expect(ig).toContain('In Instagram:');
    expect(ig).toContain('Followers and following');
    expect(htmlExportMessage('f.zip', 'facebook')).toContain('In Facebook:');
    expect(htmlExportMessage('f.zip', 'facebook')).toContain('Logged information');
    expect(htmlExportMessage('t.zip', 'threads')).toContain('In Threads:');
    expect(htmlExportMessage('m.zip')).toContain('Format: JSON');
    const x = htmlExportMessage('x.zip', 'x');
    expect(x).toContain('x.zip');
    expect(x).toContain('no HTML format');
    expect(htmlExportMessage('l.zip', 'linkedin')).toContain('LinkedIn');
    expect(htmlExportMessage('t.zip', 'tiktok')).toContain('TikTok');
  });
});
