import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ExportError, ExportSnapshot } from '../../../../shared/sources/exports/export-types.ts';
import { facebookParser } from '../../../../shared/sources/exports/facebook/facebook-parser.ts';
import { readActivityTitle, readNotification } from '../../../../shared/sources/exports/facebook/facebook-text.ts';
import { fixtureExportFiles, memoryExportFiles } from '../../../helpers/export-files.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/exports/facebook');
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

describe('facebook parser: 2023+ layout', () => {
  const files = fixtureExportFiles(join(FIXTURES, '2023'), { label: 'facebook-chiaraverdi-2024-05-01-AbCdEf.zip' });

  it('recognises the export', () => {
    expect(facebookParser.recognises(files)).toBe(true);
  });

  it('reads friends, followers and following with dates, names repaired, parts merged', async () => {
    const snap = await facebookParser.parse(files);
    expect(ExportSnapshot.parse(snap)).toEqual(snap);
    expect(snap.network).toBe('facebook');
    expect(snap.era).toBe('facebook-2023');
    expect(snap.exportedAt).toBe('2024-05-01T00:00:00.000Z');
    expect(snap.owner).toEqual({ displayName: 'Chiara Verdi', profileUrl: 'https://www.facebook.com/chiara.verdi.example' });
    expect(snap.mutuals).toEqual({
      complete: true,
      ties: [
        { person: { displayName: 'José García' }, since: iso(1700000000) },
        { person: { displayName: "Dan O'Brien" }, since: iso(1690000000) },
        { person: { displayName: 'Ana Kovač' }, since: iso(1523363572) },
        { person: { displayName: 'Mario Rossi' }, since: iso(1650000000) },
        { person: { displayName: 'Mario Rossi' }, since: iso(1660000000) },
      ],
    });
    expect(snap.followers).toEqual({
      complete: true,
      ties: [
        { person: { displayName: 'Lucia Bianchi' }, since: iso(1710000000) },
        { person: { displayName: 'Zoë Martin' }, since: iso(1705000000) },
        { person: { displayName: 'Pierre-Luc Tremblay' }, since: iso(1704000000) },
      ],
    });
    expect(snap.following?.ties.map((t) => t.person.displayName)).toEqual(['Lucia Bianchi', 'Oleksandr Shevchenko']);
    expect(snap.warnings).toContain('1 friends without a name skipped (deactivated or hidden accounts)');
    expect(snap.filesRead).toContain("connections/followers/who_you've_followed.json");
    expect(snap.filesRead).toContain('logged_information/notifications/notifications.json');
  });

  it('reads your comments and reactions as outbound, the target parsed from English and Italian titles', async () => {
    const snap = await facebookParser.parse(files);
    const outbound = snap.interactions.filter((i) => i.direction === 'outbound');
    expect(outbound).toEqual([
      { kind: 'reply', direction: 'outbound', at: iso(1712000000), person: { displayName: "Dan O'Brien" }, text: 'Bellissimo! 😍' },
      { kind: 'reply', direction: 'outbound', at: iso(1712100000), person: { displayName: 'José García' }, text: 'Grazie mille' },
      { kind: 'like', direction: 'outbound', at: iso(1713000000), person: { displayName: 'Mario Rossi' } },
      { kind: 'like', direction: 'outbound', at: iso(1713100000), person: { displayName: 'Ana Kovač' } },
      {
        kind: 'like',
        direction: 'outbound',
        at: iso(1713300000),
        person: { displayName: 'Lucia Bianchi' },
        postUrl: 'https://www.facebook.com/lucia.bianchi.example/posts/100200300',
      },
    ]);
    expect(snap.warnings).toContain('1 of your comments name no one else in their title (skipped)');
    expect(snap.warnings).toContain('1 of your reactions name no one else in their title (skipped)');
  });

  it('reads notifications in English and Italian as inbound, with tricky names, and counts the rest', async () => {
    const snap = await facebookParser.parse(files);
    const inbound = snap.interactions.filter((i) => i.direction === 'inbound').map((i) => [i.kind, i.person.displayName, i.at]);
    expect(inbound).toEqual([
      ['reply', 'Mario Rossi', iso(1714000000)],
      ['reply', 'José García', iso(1714000100)],
      ['like', "Dan O'Brien", iso(1714000200)],
      ['like', 'Ana Kovač', iso(1714000300)],
      ['repost', 'Lucia Bianchi', iso(1714000400)],
      ['mention', 'Pierre-Luc Tremblay', iso(1714000500)],
      ['mention', 'Mario Rossi', iso(1714000600)],
      ['like', 'Zoë Martin', iso(1714000700)],
      ['like', 'Mario Rossi', iso(1714000800)],
      ['repost', 'Oleksandr Shevchenko', iso(1714001100)],
      ['like', 'Lucia Bianchi', iso(1714001200)],
      ['like', "Dan O'Brien", iso(1714001300)],
      ['like', 'Zoë Martin', iso(1714001300)],
    ]);
    expect(snap.interactions.find((i) => i.direction === 'inbound')?.postUrl).toBe('https://www.facebook.com/chiara.verdi.example/posts/1');
    expect(snap.warnings).toContain('2 notifications are not someone engaging with you, or are phrased in a way followback does not read (skipped)');
  });
});

describe('facebook parser: older eras', () => {
  it('2020–22: friends_and_followers with _v2 keys, followers without dates, Italian titles', async () => {
    const snap = await facebookParser.parse(fixtureExportFiles(join(FIXTURES, '2020'), { label: 'my-facebook.zip' }));
    expect(snap.era).toBe('facebook-2020');
    expect(snap.owner?.displayName).toBe('Paolo Neri');
    expect(snap.mutuals?.ties).toEqual([
      { person: { displayName: "Giulia D'Angelo" }, since: iso(1580000000) },
      { person: { displayName: 'François Léger' }, since: iso(1570000000) },
    ]);
    expect(snap.followers?.ties).toEqual([{ person: { displayName: 'Noa Ben-David' } }, { person: { displayName: "Giulia D'Angelo" } }]);
    expect(snap.following?.ties).toEqual([{ person: { displayName: 'Sakura Tanaka' }, since: iso(1590000000) }]);
    expect(snap.interactions.map((i) => [i.kind, i.person.displayName, i.text])).toEqual([
      ['reply', "Giulia D'Angelo", 'Che bello, complimenti!'],
      ['reply', 'François Léger', 'Merci à toi'],
      ['like', 'Sakura Tanaka', undefined],
    ]);
    // No date in the name: the newest record dates it.
    expect(snap.exportedAt).toBe(iso(1597000000));
  });

  it('2018–19: friends/friends.json, following_and_followers without _vN, about_you/notifications.json', async () => {
    const snap = await facebookParser.parse(fixtureExportFiles(join(FIXTURES, '2018'), { label: 'facebook-lev-2019-06-30-x1y2.zip' }));
    expect(snap.era).toBe('facebook-2018');
    expect(snap.owner).toBeUndefined();
    expect(snap.mutuals?.ties.map((t) => t.person.displayName)).toEqual(['Björn Lindqvist', 'Ines Okafor']);
    expect(snap.followers?.ties).toEqual([{ person: { displayName: 'Ines Okafor' } }]);
    expect(snap.following?.ties).toEqual([{ person: { displayName: 'Björn Lindqvist' }, since: iso(1460000000) }]);
    expect(snap.interactions.map((i) => [i.kind, i.direction, i.person.displayName])).toEqual([
      ['like', 'inbound', 'Björn Lindqvist'],
      ['reply', 'inbound', 'Ines Okafor'],
    ]);
    expect(snap.exportedAt).toBe('2019-06-30T00:00:00.000Z');
  });

  it('takes the date from the wrapper folder the archive layer removed', async () => {
    const files = memoryExportFiles(
      { 'connections/friends/your_friends.json': JSON.stringify({ friends_v2: [{ name: 'Ann', timestamp: 1600000000 }] }) },
      { label: 'download.zip', wrapper: 'facebook-ann-2026-11-02-QwErTy' },
    );
    expect((await facebookParser.parse(files)).exportedAt).toBe('2026-11-02T00:00:00.000Z');
  });
});

describe('facebook parser: refusals', () => {
  it('refuses an HTML export with the steps to export JSON', async () => {
    const files = fixtureExportFiles(join(FIXTURES, 'html'), { label: 'facebook-html.zip' });
    expect(facebookParser.recognises(files)).toBe(true);
    const error = await facebookParser.parse(files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toMatch(/^facebook-html\.zip .*HTML/);
    expect((error as Error).message).toMatch(/Format: JSON/);
    expect((error as Error).message).toMatch(/All time/);
  });

  it('refuses a malformed file, naming it', async () => {
    const files = memoryExportFiles({ 'connections/friends/your_friends.json': '{"friends_v2": [ {"name": "Ann", ' }, { label: 'fb.zip' });
    await expect(facebookParser.parse(files)).rejects.toThrow(/fb\.zip: connections\/friends\/your_friends\.json is not valid JSON/);
  });

  it('refuses a list file of an unknown shape, naming it', async () => {
    const files = memoryExportFiles({ 'connections/friends/your_friends.json': '{"a": [], "b": []}' }, { label: 'fb.zip' });
    await expect(facebookParser.parse(files)).rejects.toThrow(/connections\/friends\/your_friends\.json holds no list of friends/);
  });

  it('does not take an Instagram export for a Facebook one', () => {
    const files = memoryExportFiles({ 'connections/followers_and_following/followers_1.json': '[]', 'connections/followers_and_following/following.json': '{}' });
    expect(facebookParser.recognises(files)).toBe(false);
  });
});

describe('facebook free text', () => {
  it.each([
    ['Mario Rossi commented on your post.', 'reply', ['Mario Rossi']],
    ['Mario Rossi ha commentato il tuo post.', 'reply', ['Mario Rossi']],
    ["Seán Ó Briain replied to your comment.", 'reply', ['Seán Ó Briain']],
    ['Mario Rossi ha risposto al tuo commento.', 'reply', ['Mario Rossi']],
    ['Anna-Lena von Dörr likes your photo.', 'like', ['Anna-Lena von Dörr']],
    ['Anna Bianchi ha reagito alla tua foto.', 'like', ['Anna Bianchi']],
    ['Anna Bianchi ha messo “Mi piace” al tuo post.', 'like', ['Anna Bianchi']],
    ['Bob Smith and 1 other reacted to your post.', 'like', ['Bob Smith']],
    ['Bob Smith, Ann Lee and 4 others liked your video.', 'like', ['Bob Smith', 'Ann Lee']],
    ['Mario Rossi e un\'altra persona hanno commentato il tuo post.', 'reply', ['Mario Rossi']],
    ['Bob Smith shared your post.', 'repost', ['Bob Smith']],
    ['Bob Smith mentioned you in a comment.', 'mention', ['Bob Smith']],
    ['Maria José ti ha menzionata in un commento.', 'mention', ['Maria José']],
    ['Bob Smith tagged you in a photo.', 'mention', ['Bob Smith']],
  ])('%s', (text, kind, names) => {
    expect(readNotification(text)).toEqual({ kind, names });
  });

  it.each([
    "It's Bob Smith's birthday today.",
    "Bob Smith commented on Ann Lee's post.",
    'Bob Smith posted in Runners of Milan.',
    'Mario Rossi ha commentato il post di Anna.',
    'You have 3 new friend suggestions.',
  ])('%s is not inbound engagement', (text) => {
    expect(readNotification(text)).toBeNull();
  });

  it.each([
    ["Me commented on Bob's post.", 'Bob'],
    ["Me likes James's video.", 'James'],
    ["Me reacted to Dan O'Brien's photo.", "Dan O'Brien"],
    ["Me replied to Chris' comment.", 'Chris'],
    ['Mario ha commentato il post di Maria di Stefano.', 'Maria di Stefano'],
    ['Mario ha reagito al video di Lucía Pérez nel gruppo Ciclisti.', 'Lucía Pérez'],
    ['A Mario piace la foto di Zoë.', 'Zoë'],
    ['Me commented on his own post.', null],
    ['Me likes a post.', null],
    ['Mario ha commentato il suo post.', null],
  ])('title %s → %s', (title, target) => {
    expect(readActivityTitle(title)).toBe(target);
  });
});

describe('facebook parser: the date-range trap', () => {
  it('followers starting long after following are not concluded from', async () => {
    const day = 86_400;
    const following = Array.from({ length: 25 }, (_, i) => ({ name: `Followed ${i}`, timestamp: 1_500_000_000 + i * day }));
    const followers = Array.from({ length: 25 }, (_, i) => ({ name: `Follower ${i}`, timestamp: 1_700_000_000 + i * day }));
    const snap = await facebookParser.parse(
      memoryExportFiles({
        "connections/followers/who_you've_followed.json": JSON.stringify({ following_v3: following }),
        'connections/followers/people_who_followed_you.json': JSON.stringify({ followers_v3: followers }),
      }),
    );
    expect(snap.followers?.complete).toBe(false);
    expect(snap.followers?.problem).toMatch(/date-limited.*All time/);
    expect(snap.following?.complete).toBe(true);
  });
});
