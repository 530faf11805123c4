/**
 * The demo's Instagram and Facebook exports: generated from the demo community, written as Meta
 * writes them, and read back through the real path (the exports folder, openExport, the parsers,
 * snapshot-to-pull) by the real export source.
 */
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourcePull } from '../../../../shared/domain/model.ts';
import { demoExports, DEMO_FACEBOOK_HOMONYM, metaJson, writeDemoExports } from '../../../../shared/sources/demo/demo-exports.ts';
import { openExport } from '../../../../shared/sources/exports/archive.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';
import { EXPORT_PARSERS } from '../../../../shared/sources/exports/parsers.ts';

const NOW = new Date('2026-11-30T08:00:00Z');
const WEEK_LATER = new Date('2026-12-07T08:00:00Z');
const OPTIONS = { seed: 42, size: 1000, now: NOW };

const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
};
const followerIds = (pull: SourcePull): Set<string> => new Set(pull.contacts.filter((c) => c.relation !== 'following').map((c) => c.id));

describe('demo exports', () => {
  let root: string;
  let folders: Record<'instagram' | 'facebook', string>;
  let instagram: SourcePull;
  let facebook: SourcePull;

  beforeAll(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'fb-demo-exports-')), 'demo-exports');
    folders = await writeDemoExports(root, OPTIONS);
    instagram = await new ExportSource({ id: 'instagram', network: 'instagram', dir: folders.instagram }).pull({ now: NOW });
    facebook = await new ExportSource({ id: 'facebook', network: 'facebook', dir: folders.facebook }).pull({ now: NOW });
  });

  it('are the same bytes for the same seed and instant, and differ with the seed', () => {
    expect(demoExports(OPTIONS)).toEqual(demoExports(OPTIONS));
    expect(demoExports({ ...OPTIONS, seed: 43 })[0]?.files).not.toEqual(demoExports(OPTIONS)[0]?.files);
  });

  it('are written as exports named by the run day, folders 0700 and files 0600, filed at the run instant', async () => {
    const [ig] = await readdir(folders.instagram);
    const [fb] = await readdir(folders.facebook);
    expect(ig).toMatch(/^instagram-you\.demo-2026-11-30-[0-9a-z]{7}$/);
    expect(fb).toMatch(/^facebook-alexdemo-2026-11-30-[0-9a-z]{7}$/);
    for (const dir of [root, folders.instagram, join(folders.instagram, ig as string), join(folders.facebook, fb as string, 'connections')]) {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    }
    const file = join(folders.facebook, fb as string, 'connections/friends/your_friends.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(folders.instagram, ig as string))).mtimeMs).toBe(NOW.getTime());
  });

  it('do not rewrite a day already written', async () => {
    const before = await readdir(folders.instagram);
    await writeDemoExports(root, { ...OPTIONS, now: new Date('2026-11-30T20:00:00Z') });
    expect(await readdir(folders.instagram)).toEqual(before);
  });

  it('are read by the real parsers in the 2022+ Instagram and 2023+ Facebook shapes', async () => {
    const [ig] = await readdir(folders.instagram);
    const files = await openExport([join(folders.instagram, ig as string)], { label: ig as string });
    try {
      const snapshot = await EXPORT_PARSERS.instagram.parse(files);
      expect(snapshot.era).toBe('instagram-2022');
      expect(snapshot.owner?.handle).toBe('you.demo');
      expect(snapshot.followers?.ties).toHaveLength(195);
      expect(snapshot.following?.ties).toHaveLength(186);
      expect(snapshot.followers?.complete).toBe(true);
      expect(snapshot.filesRead).toEqual(
        expect.arrayContaining(['connections/followers_and_following/followers_1.json', 'connections/followers_and_following/following.json', 'your_instagram_activity/likes/liked_posts.json', 'your_instagram_activity/comments/post_comments_1.json']),
      );
    } finally {
      await files.close();
    }
    const [fb] = await readdir(folders.facebook);
    const fbFiles = await openExport([join(folders.facebook, fb as string)], { label: fb as string });
    try {
      const snapshot = await EXPORT_PARSERS.facebook.parse(fbFiles);
      expect(snapshot.era).toBe('facebook-2023');
      expect(snapshot.owner?.displayName).toBe('Alex Demo');
      expect(snapshot.mutuals?.ties).toHaveLength(90);
      expect(snapshot.followers?.ties).toHaveLength(73);
      expect(snapshot.following?.ties).toHaveLength(67);
    } finally {
      await fbFiles.close();
    }
  });

  it('give Instagram pulls of complete lists and the owner\u2019s own likes and comments, nothing inbound', () => {
    expect(instagram.contactsCompleteness).toBe('complete');
    expect(instagram.problems).toEqual([]);
    expect(instagram.takenAt.slice(0, 10)).toBe('2026-11-30');
    expect(countBy(instagram.contacts, (c) => c.relation)).toEqual({ following: 96, mutual: 90, follower: 105 });
    expect(countBy(instagram.interactions, (i) => `${i.direction} ${i.kind}`)).toEqual({ 'outbound like': 768, 'outbound reply': 217 });
    expect(instagram.contacts.some((c) => c.handle === '@you.demo')).toBe(false);
    // Every record of the lists is one contact: no two people of an export share a username.
    const files = demoExports(OPTIONS)[0]?.files ?? {};
    const followers = JSON.parse(files['connections/followers_and_following/followers_1.json'] ?? '[]') as unknown[];
    const following = (JSON.parse(files['connections/followers_and_following/following.json'] ?? '{}') as { relationships_following: unknown[] }).relationships_following;
    expect(instagram.contacts.filter((c) => c.relation !== 'following')).toHaveLength(followers.length);
    expect(instagram.contacts.filter((c) => c.relation !== 'follower')).toHaveLength(following.length);
  });

  it('give Facebook friends, followers and follows, with notifications as inbound engagement', () => {
    expect(facebook.contactsCompleteness).toBe('complete');
    expect(countBy(facebook.contacts, (c) => c.relation)).toEqual({ mutual: 90, following: 67, follower: 73 });
    expect(countBy(facebook.interactions, (i) => `${i.direction} ${i.kind}`)).toEqual({
      'outbound reply': 157,
      'outbound like': 585,
      'inbound mention': 34,
      'inbound like': 946,
      'inbound repost': 249,
      'inbound reply': 261,
    });
  });

  it('give a friend who commented (per the notifications) inbound replies', async () => {
    const [fb] = await readdir(folders.facebook);
    const raw = JSON.parse(await readFile(join(folders.facebook, fb as string, 'logged_information/notifications/notifications.json'), 'utf8')) as { notifications_v2: { text: string }[] };
    const commented = raw.notifications_v2.map((n) => /^(.+) commented on your post\.$/.exec(n.text)?.[1]).find((name) => name !== undefined && /^[A-Za-z. ]+$/.test(name) && name !== DEMO_FACEBOOK_HOMONYM);
    expect(commented).toBeDefined();
    const friend = facebook.contacts.find((c) => c.displayName === commented);
    expect(friend).toBeDefined();
    expect(facebook.interactions.filter((i) => i.contactId === friend?.id && i.direction === 'inbound' && i.kind === 'reply').length).toBeGreaterThan(0);
  });

  it('count the name two friends share (on Facebook only) as ambiguous, never guessed: neither friend gets those interactions', () => {
    const homonym = DEMO_FACEBOOK_HOMONYM;
    const twins = facebook.contacts.filter((c) => c.displayName === homonym);
    expect(twins).toHaveLength(2);
    expect(twins.every((t) => t.relation === 'mutual')).toBe(true);
    expect(facebook.interactions.filter((i) => twins.some((t) => t.id === i.contactId))).toEqual([]);
    expect(facebook.problems).toContain('facebook-alexdemo-2026-11-30-1ibma6y: 12 interactions name someone who matches several contacts (same name); not counted, never guessed');
  });

  it('write accented names as Meta mojibake, which the parser repairs', async () => {
    expect(metaJson({ name: 'José' })).toContain('Jos\\u00c3\\u00a9');
    const [fb] = await readdir(folders.facebook);
    const text = await readFile(join(folders.facebook, fb as string, 'connections/friends/your_friends.json'), 'utf8');
    expect(text).toMatch(/^[\x00-\x7f]*$/);
    expect(text).toMatch(/Garc\\u00c3\\u00ada|Tom\\u00c3\\u00a1s|In\\u00c3\\u00a9s|Y\\u00c4\\u00b1lmaz/);
    expect(facebook.contacts.filter((c) => /García|Tomás|Inés|Yılmaz/.test(c.displayName)).length).toBeGreaterThan(1);
  });

  it('a week later: a new Instagram export with exactly the followers gained and lost in the week', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'fb-demo-week-')), 'demo-exports');
    const source = new ExportSource({ id: 'instagram', network: 'instagram', dir: join(dir, 'instagram') });
    await writeDemoExports(dir, OPTIONS);
    const first = await source.pull({ now: NOW });
    await writeDemoExports(dir, { ...OPTIONS, now: WEEK_LATER });
    const second = await source.pull({ now: WEEK_LATER, ...(first.cursor !== undefined ? { cursor: first.cursor } : {}) });
    expect(second.problems).toEqual([]);
    expect(second.takenAt.slice(0, 10)).toBe('2026-12-07');
    const before = followerIds(first);
    const after = followerIds(second);
    expect([...after].filter((id) => !before.has(id))).toEqual(['alice_nakamura2']);
    expect([...before].filter((id) => !after.has(id)).sort()).toEqual(['alicemarino87', 'arjun_rinaldi425', 'the.kofikowalski.373']);
    // And a third pull the same day: nothing new, said so.
    const again = await source.pull({ now: WEEK_LATER, ...(second.cursor !== undefined ? { cursor: second.cursor } : {}) });
    expect(again.problems).toEqual(['no new Instagram export since 2026-12-07']);
  });
});
