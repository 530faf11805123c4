import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ExportError, ExportSnapshot } from '../../../../shared/sources/exports/export-types.ts';
import { parseTwitterDate, xParser } from '../../../../shared/sources/exports/x/x-parser.ts';
import { parseYtdFile } from '../../../../shared/sources/exports/x/ytd.ts';
import { fixtureExportFiles, memoryExportFiles } from '../../../helpers/export-files.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/exports/x');

describe('x parser: late-2022+ archive (tweets.js)', () => {
  const files = fixtureExportFiles(join(FIXTURES, '2022'), { label: 'twitter-2024-06-10-abc123.zip' });

  it('reads the archive: owner, manifest date, era, files', async () => {
    expect(xParser.recognises(files)).toBe(true);
    const snap = await xParser.parse(files);
    expect(ExportSnapshot.parse(snap)).toEqual(snap);
    expect(snap.network).toBe('x');
    expect(snap.era).toBe('x-2022');
    expect(snap.exportedAt).toBe('2024-06-10T08:30:00.000Z');
    expect(snap.owner).toEqual({ handle: 'owner_example', id: '1000', displayName: 'Owner Example', profileUrl: 'https://x.com/owner_example' });
    expect(snap.mutuals).toBeNull();
    expect(snap.filesRead).toEqual(
      expect.arrayContaining(['data/manifest.js', 'data/account.js', 'data/tweets.js', 'data/follower.js', 'data/follower-part1.js', 'data/following.js', 'data/like.js']),
    );
  });

  it('merges follower parts and partN assignments; ids get the handle the archive names, the newest by date', async () => {
    const snap = await xParser.parse(files);
    expect(snap.followers).toEqual({
      complete: true,
      ties: [
        { person: { id: '7001', handle: 'new_name', displayName: 'Nuovo Nome', profileUrl: 'https://x.com/new_name' } },
        { person: { id: '7002', handle: 'carla_dev', displayName: 'Carla', profileUrl: 'https://x.com/carla_dev' } },
        { person: { id: '7004', profileUrl: 'https://twitter.com/intent/user?user_id=7004' } },
      ],
    });
    expect(snap.following?.ties.map((t) => [t.person.id, t.person.handle])).toEqual([
      ['7001', 'new_name'],
      ['7003', 'dora_writes'],
      ['7005', undefined],
    ]);
    expect(snap.following?.complete).toBe(true);
  });

  it('reads replies, deliberate mentions and retweets as outbound; self-replies and thread mentions are not', async () => {
    const snap = await xParser.parse(files);
    expect(snap.interactions.map((i) => [i.kind, i.direction, i.at, i.person.id, i.person.handle, i.postUrl])).toEqual([
      ['reply', 'outbound', '2021-03-02T09:30:00.000Z', '7001', 'new_name', 'https://x.com/owner_example/status/1366700000000000002'],
      ['reply', 'outbound', '2022-01-01T10:00:00.000Z', '7002', 'carla_dev', 'https://x.com/owner_example/status/1477000000000000006'],
      ['mention', 'outbound', '2022-01-01T10:00:00.000Z', undefined, 'eve', 'https://x.com/owner_example/status/1477000000000000006'],
      ['repost', 'outbound', '2022-03-06T18:00:00.000Z', '7003', 'dora_writes', 'https://x.com/owner_example/status/1500000000000000004'],
      ['mention', 'outbound', '2024-06-03T10:00:00.000Z', '7001', 'new_name', 'https://x.com/owner_example/status/1797000000000000001'],
      ['mention', 'outbound', '2024-06-03T10:00:00.000Z', '7002', 'carla_dev', 'https://x.com/owner_example/status/1797000000000000001'],
    ]);
    expect(snap.interactions[0]?.text).toBe('@old_name totally agree');
  });

  it('counts likes in warnings without recording them', async () => {
    const snap = await xParser.parse(files);
    expect(snap.warnings).toContain('2 likes in like.js not recorded: the archive names the liked post, not its author or when you liked it.');
    expect(snap.interactions.some((i) => i.kind === 'like')).toBe(false);
  });

  it('a renamed account takes its newest handle whatever the file order', async () => {
    // The same two tweets, newest last this time.
    const tweet = (id: string, date: string, handle: string): object => ({
      tweet: { id_str: id, created_at: date, full_text: `hi @${handle}`, entities: { user_mentions: [{ screen_name: handle, id_str: '42', name: handle, indices: ['3', '10'] }] } },
    });
    for (const order of [
      [tweet('2', 'Mon Jun 03 10:00:00 +0000 2024', 'Renamed'), tweet('1', 'Tue Mar 02 09:30:00 +0000 2021', 'first')],
      [tweet('1', 'Tue Mar 02 09:30:00 +0000 2021', 'first'), tweet('2', 'Mon Jun 03 10:00:00 +0000 2024', 'Renamed')],
    ]) {
      const snap = await xParser.parse(
        memoryExportFiles({
          'data/tweets.js': `window.YTD.tweets.part0 = ${JSON.stringify(order)}`,
          'data/follower.js': 'window.YTD.follower.part0 = [{"follower":{"accountId":"42"}}]',
        }),
      );
      expect(snap.followers?.ties[0]?.person.handle).toBe('renamed');
      expect(snap.interactions.map((i) => i.person.handle)).toEqual(['renamed', 'renamed']);
      expect(snap.exportedAt).toBe('2024-06-03T10:00:00.000Z');
    }
  });

  it('a part file the manifest names but the archive lacks leaves that list incomplete', async () => {
    const entries: Record<string, string> = {};
    const all = fixtureExportFiles(join(FIXTURES, '2022'));
    for (const path of all.paths()) if (path !== 'data/follower-part1.js') entries[path] = await all.readText(path);
    const snap = await xParser.parse(memoryExportFiles(entries));
    expect(snap.followers?.complete).toBe(false);
    expect(snap.followers?.problem).toMatch(/data\/follower-part1\.js/);
    expect(snap.following?.complete).toBe(true);
  });
});

describe('x parser: older archives', () => {
  it('~2019–2022: data/tweet.js, no manifest, dated by the archive name', async () => {
    const snap = await xParser.parse(fixtureExportFiles(join(FIXTURES, '2020'), { label: 'twitter-2020-09-15-f00d.zip' }));
    expect(snap.era).toBe('x-2020');
    expect(snap.exportedAt).toBe('2020-09-15T00:00:00.000Z');
    expect(snap.owner?.handle).toBe('pia_rivers');
    expect(snap.followers?.ties).toEqual([{ person: { id: '8001', profileUrl: 'https://twitter.com/intent/user?user_id=8001' } }]);
    expect(snap.following?.ties[1]?.person).toEqual({ id: '8002', handle: 'kai_makes', displayName: 'Kai', profileUrl: 'https://x.com/kai_makes' });
    expect(snap.interactions.map((i) => [i.kind, i.person.handle])).toEqual([['mention', 'kai_makes']]);
  });

  it('before 2020-03: files at the root, tweets without their wrapper, dated by the newest tweet', async () => {
    const snap = await xParser.parse(fixtureExportFiles(join(FIXTURES, '2019'), { label: 'archive.zip' }));
    expect(snap.era).toBe('x-2019');
    expect(snap.exportedAt).toBe('2019-03-01T08:00:00.000Z');
    expect(snap.following).toEqual({ ties: [], complete: true });
    expect(snap.interactions.map((i) => [i.kind, i.person.id, i.person.handle])).toEqual([['reply', '9001', 'mina_k']]);
    expect(snap.followers?.ties[0]?.person.handle).toBe('mina_k');
  });
});

describe('x parser: files and refusals', () => {
  it('strips the assignment without evaluating it; several assignments in one file', () => {
    const parts = parseYtdFile('a', 'data/following.js', '\uFEFFwindow.YTD.following.part0 = [1];\nwindow.YTD.following.part1 = [2, 3]\n');
    expect(parts).toEqual([
      { name: 'following', part: 0, data: [1] },
      { name: 'following', part: 1, data: [2, 3] },
    ]);
    expect(() => parseYtdFile('a', 'data/follower.js', 'alert(1); window.x = [1]')).toThrow(ExportError);
  });

  it('refuses a malformed file, naming it', async () => {
    const files = memoryExportFiles({ 'data/follower.js': 'window.YTD.follower.part0 = [ { "follower" : { "accountId" : "1" } ' }, { label: 'twitter.zip' });
    await expect(xParser.parse(files)).rejects.toThrow(/twitter\.zip: data\/follower\.js is not a readable X archive file/);
  });

  it('refuses a Grailbird archive (no follow lists)', async () => {
    const files = memoryExportFiles({ 'tweets.csv': 'tweet_id,text\n', 'data/js/tweets/2012_01.js': 'Grailbird.data.tweets_2012_01 = []' });
    await expect(xParser.parse(files)).rejects.toThrow(/holds no follower or following lists/);
  });

  it('parses Twitter dates with their offset', () => {
    expect(new Date(parseTwitterDate('Wed Oct 10 20:19:24 +0000 2018') ?? 0).toISOString()).toBe('2018-10-10T20:19:24.000Z');
    expect(new Date(parseTwitterDate('Wed Oct 10 20:19:24 -0130 2018') ?? 0).toISOString()).toBe('2018-10-10T21:49:24.000Z');
    expect(parseTwitterDate('yesterday')).toBeUndefined();
  });

  it('does not recognise other exports', () => {
    expect(xParser.recognises(memoryExportFiles({ 'connections/friends/your_friends.json': '{}' }))).toBe(false);
  });
});
