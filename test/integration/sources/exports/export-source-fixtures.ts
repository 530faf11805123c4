/**
 * Instagram exports (2022+ JSON shape, NETWORK-EXPORTS.md §2.1) written as ZIPs or
 * folders in a test's temp folder, for the export source, `followback import` and the
 * CLI runs over them.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface YazlZip {
  readonly outputStream: Readable;
  addBuffer(buffer: Buffer, name: string, options?: { compress?: boolean }): void;
  end(): void;
}
const yazl = createRequire(import.meta.url)('yazl') as { ZipFile: new () => YazlZip };

export type Entries = Readonly<Record<string, string>>;

export async function writeZip(file: string, entries: Entries): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content, 'utf8'), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

export async function writeFolder(root: string, entries: Entries): Promise<string> {
  for (const [name, content] of Object.entries(entries)) {
    const target = join(root, ...name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return root;
}

/** Sets a file's modification time (the day it looks filed). */
export async function filedAt(path: string, iso: string): Promise<void> {
  const t = new Date(iso);
  await utimes(path, t, t);
}

const secs = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export interface InstagramSpec {
  /** The wrapper folder's date (the export's own date): YYYY-MM-DD. */
  day: string;
  owner?: string;
  followers: ReadonlyArray<readonly [string, string]>;
  following: ReadonlyArray<readonly [string, string]>;
  /** Outbound likes: [whose post, when]. */
  likes?: ReadonlyArray<readonly [string, string]>;
}

const record = (user: string, at: string) => ({
  title: '',
  media_list_data: [],
  string_list_data: [{ href: `https://www.instagram.com/${user}`, value: user, timestamp: secs(at) }],
});

/** An Instagram export's entries under its wrapper folder `instagram-<owner>-<day>-abc/`. */
export function instagramEntries(spec: InstagramSpec): Entries {
  const root = `instagram-${spec.owner ?? 'me.brand'}-${spec.day}-Ab3dE/`;
  return {
    [`${root}connections/followers_and_following/followers_1.json`]: JSON.stringify(spec.followers.map(([u, at]) => record(u, at))),
    [`${root}connections/followers_and_following/following.json`]: JSON.stringify({ relationships_following: spec.following.map(([u, at]) => record(u, at)) }),
    [`${root}your_instagram_activity/likes/liked_posts.json`]: JSON.stringify({
      likes_media_likes: (spec.likes ?? []).map(([u, at], i) => ({
        title: u,
        string_list_data: [{ href: `https://www.instagram.com/p/P${i}/`, value: '\u00f0\u009f\u0091\u008d', timestamp: secs(at) }],
      })),
    }),
    [`${root}start_here.html`]: '<html><body>Your information</body></html>',
  };
}

/** The same export as Meta's HTML format (the dialog's default). */
export function instagramHtmlEntries(day: string): Entries {
  const root = `instagram-me.brand-${day}-Ab3dE/`;
  return {
    [`${root}start_here.html`]: '<html><body>Your information</body></html>',
    [`${root}connections/followers_and_following/followers_1.html`]: '<html><body><a href="https://www.instagram.com/ada">ada</a></body></html>',
    [`${root}connections/followers_and_following/following.html`]: '<html><body><a href="https://www.instagram.com/ada">ada</a></body></html>',
  };
}

/** An account's export of 2 Nov 2026: ada (mutual), chen (a follower since October), bruno (followed, liked). */
export const NOV = instagramEntries({
  day: '2026-11-02',
  followers: [
    ['ada', '2025-01-10T10:00:00Z'],
    ['chen', '2026-10-20T10:00:00Z'],
  ],
  following: [
    ['ada', '2025-01-09T10:00:00Z'],
    ['bruno', '2026-01-05T10:00:00Z'],
  ],
  likes: [['bruno', '2026-10-30T10:00:00Z']],
});

/** The same account a month earlier: ada, and dario, who follows then and has left by November. */
export const OCT = instagramEntries({
  day: '2026-10-01',
  followers: [
    ['ada', '2025-01-10T10:00:00Z'],
    ['dario', '2026-05-01T10:00:00Z'],
  ],
  following: [['ada', '2025-01-09T10:00:00Z']],
});
