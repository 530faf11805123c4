/**
 * openExport over real ZIP files written with yazl in a temp folder (and unpacked folders):
 * wrappers, split lists, parts, media never inflated, size limits, junk, unsafe names, damaged files.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAll, findPath, isMediaPath, looksLikeHtmlExport, openExport, type OpenedExport } from '../../../../shared/sources/exports/archive.ts';
import { ExportError } from '../../../../shared/sources/exports/export-types.ts';

// yazl ships no types: the little of it used here.
interface YazlZip {
  readonly outputStream: Readable;
  addBuffer(buffer: Buffer, name: string, options?: { compress?: boolean; forceZip64Format?: boolean }): void;
  end(options?: { forceZip64Format?: boolean }): void;
}
const yazl = createRequire(import.meta.url)('yazl') as { ZipFile: new () => YazlZip };

type Content = string | Buffer;
interface ZipEntrySpec {
  readonly name: string;
  readonly content: Content;
  readonly compress?: boolean;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followback-archive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
const fresh = (name: string): string => join(dir, `${++counter}-${name}`);

async function writeZip(name: string, entries: readonly ZipEntrySpec[], options: { zip64?: boolean } = {}): Promise<string> {
  const file = fresh(name);
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    zip.addBuffer(Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content, 'utf8'), e.name, {
      compress: e.compress ?? true,
      ...(options.zip64 ? { forceZip64Format: true } : {}),
    });
  }
  zip.end(options.zip64 ? { forceZip64Format: true } : {});
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

async function writeFolder(name: string, entries: readonly ZipEntrySpec[]): Promise<string> {
  const root = fresh(name);
  for (const e of entries) {
    const target = join(root, ...e.name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, e.content);
  }
  return root;
}

/**
 * Edits one entry's headers in place (local and central), found by its stored name:
 * rename (same length), change the compression method, or lie about the uncompressed size.
 */
function patchEntry(zip: Buffer, name: string, patch: { rename?: string; method?: number; declaredSize?: number; utf8Flag?: boolean }): void {
  const wanted = Buffer.from(name, 'utf8');
  let hits = 0;
  for (let i = 0; i + 46 < zip.length; i++) {
    const sig = zip.readUInt32LE(i);
    const local = sig === 0x04034b50;
    const central = sig === 0x02014b50;
    if (!local && !central) continue;
    const nameLength = zip.readUInt16LE(i + (local ? 26 : 28));
    const nameAt = i + (local ? 30 : 46);
    if (nameLength !== wanted.length || !zip.subarray(nameAt, nameAt + nameLength).equals(wanted)) continue;
    hits++;
    if (patch.rename !== undefined) {
      const renamed = Buffer.from(patch.rename, 'utf8');
      if (renamed.length !== wanted.length) throw new Error('rename must keep the length');
      renamed.copy(zip, nameAt);
    }
    if (patch.method !== undefined) zip.writeUInt16LE(patch.method, i + (local ? 8 : 10));
    if (patch.utf8Flag !== undefined) {
      const at = i + (local ? 6 : 8);
      const flags = zip.readUInt16LE(at);
      zip.writeUInt16LE(patch.utf8Flag ? flags | 0x800 : flags & ~0x800, at);
    }
    if (patch.declaredSize !== undefined) zip.writeUInt32LE(patch.declaredSize, i + (local ? 22 : 24));
  }
  if (hits < 2) throw new Error(`entry ${name} not found in both headers`);
}

async function patchZip(file: string, patches: ReadonlyArray<[string, Parameters<typeof patchEntry>[2]]>): Promise<void> {
  const bytes = await readFile(file);
  for (const [name, patch] of patches) patchEntry(bytes, name, patch);
  await writeFile(file, bytes);
}

async function refusal(promise: Promise<unknown>): Promise<ExportError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ExportError);
  return error as ExportError;
}

/** Every data entry's text, and every media entry's declared size (media are never read). */
async function contents(files: OpenedExport): Promise<Record<string, string | number | undefined>> {
  const out: Record<string, string | number | undefined> = {};
  for (const p of files.paths()) out[p] = isMediaPath(p) ? files.size(p) : await files.readText(p);
  return out;
}

const W = 'instagram-jane_doe-2026-11-02-AbCdEf';
const FOLLOWERS_1 = JSON.stringify([{ title: '', string_list_data: [{ href: 'https://www.instagram.com/mario', value: 'mario', timestamp: 1700000000 }] }]);
const FOLLOWERS_2 = JSON.stringify([{ title: '', string_list_data: [{ href: 'https://www.instagram.com/jos', value: 'jos\u00c3\u00a9', timestamp: 1700000100 }] }]);
const FOLLOWING = JSON.stringify({ relationships_following: [{ title: 'mario', string_list_data: [{ href: 'https://www.instagram.com/_u/mario', timestamp: 1690000000 }] }] });

const instagramEntries = (wrapper: string): ZipEntrySpec[] => {
  const w = wrapper === '' ? '' : `${wrapper}/`;
  return [
    { name: `${w}start_here.html`, content: '<html><body>start</body></html>' },
    { name: `${w}connections/followers_and_following/followers_1.json`, content: FOLLOWERS_1 },
    { name: `${w}connections/followers_and_following/followers_2.json`, content: FOLLOWERS_2 },
    { name: `${w}connections/followers_and_following/followers_10.json`, content: '[]' },
    { name: `${w}connections/followers_and_following/following.json`, content: FOLLOWING },
    { name: `${w}your_instagram_activity/likes/liked_posts.json`, content: JSON.stringify({ likes_media_likes: [] }) },
    { name: `${w}messages/inbox/josé_123/message_1.json`, content: '{"participants":[]}' },
    { name: `${w}media/posts/202611/photo.jpg`, content: Buffer.alloc(4096, 0xab), compress: false },
  ];
};

describe('openExport: one ZIP', () => {
  it('strips the wrapper folder, exposes it, and serves the entries by their paths', async () => {
    const file = await writeZip('instagram.zip', instagramEntries(W));
    const files = await openExport(file);
    try {
      expect(files.wrapper).toBe(W);
      expect(files.label).toMatch(/instagram\.zip$/);
      expect(files.parts).toEqual([file]);
      expect(files.paths()).toContain('connections/followers_and_following/following.json');
      expect(files.paths()).toContain('messages/inbox/josé_123/message_1.json');
      expect(files.paths().every((p) => !p.startsWith(W))).toBe(true);
      const following = findPath(files, 'connections/followers_and_following/following.json');
      expect(following).toBeDefined();
      expect(await files.readText(following as string)).toBe(FOLLOWING);
      expect(findAll(files, 'followers_and_following/followers_*.json')).toEqual([
        'connections/followers_and_following/followers_1.json',
        'connections/followers_and_following/followers_2.json',
        'connections/followers_and_following/followers_10.json',
      ]);
      // Entries read concurrently.
      const many = await Promise.all(findAll(files, 'followers_*.json').map((p) => files.readText(p)));
      expect(many).toEqual([FOLLOWERS_1, FOLLOWERS_2, '[]']);
      // Text is returned as stored: mojibake repair is the Meta parsers' step.
      expect(await files.readText('connections/followers_and_following/followers_2.json')).toBe(FOLLOWERS_2);
      expect(files.size('connections/followers_and_following/followers_1.json')).toBe(Buffer.byteLength(FOLLOWERS_1));
      expect(files.size('nope.json')).toBeUndefined();
      expect(looksLikeHtmlExport(files)).toBe(false);
      expect(files.skipped).toEqual([]);
    } finally {
      await files.close();
    }
  });

  it('strips nested wrappers (meta-…/instagram-…/) and keeps an export without one as it is', async () => {
    const nested = await openExport(await writeZip('meta.zip', instagramEntries(`meta-2025-Jul-13-19-10-01/instagram-jane-2025-07-13-x9`)));
    expect(nested.wrapper).toBe('meta-2025-Jul-13-19-10-01/instagram-jane-2025-07-13-x9');
    expect(nested.paths()).toContain('connections/followers_and_following/followers_1.json');
    await nested.close();

    const bare = await openExport(await writeZip('bare.zip', instagramEntries('')));
    expect(bare.wrapper).toBeUndefined();
    expect(bare.paths()).toContain('start_here.html');
    await bare.close();

    // Only the follow lists were exported: `connections/` is the network's own folder, not a wrapper.
    const only = await openExport(
      await writeZip('only.zip', instagramEntries('').filter((e) => e.name.startsWith('connections/'))),
    );
    expect(only.wrapper).toBeUndefined();
    expect(findPath(only, 'connections/followers_and_following/following.json')).toBe('connections/followers_and_following/following.json');
    await only.close();
  });

  it('reads UTF-8 names with or without the UTF-8 flag, and CP437 names', async () => {
    const file = await writeZip('names.zip', [
      { name: 'messages/inbox/josé_123/message_1.json', content: '{"a":1}' },
      { name: 'messages/inbox/ana_kovač_9/message_1.json', content: '{"b":2}' },
      { name: 'messages/inbox/xéy/message_1.json', content: '{"c":3}' },
    ]);
    // Written without the flag (as some zip tools do): still read as UTF-8.
    await patchZip(file, [['messages/inbox/ana_kovač_9/message_1.json', { utf8Flag: false }]]);
    // A genuine CP437 name: 0x82 is é in CP437 and is not valid UTF-8 on its own.
    const bytes = await readFile(file);
    patchEntry(bytes, 'messages/inbox/xéy/message_1.json', { utf8Flag: false });
    // 'xéy' is 78 C3 A9 79 in UTF-8; written as CP437 bytes 78 82 79 79 ('xéyy', the same length) in both headers.
    const utf8Name = Buffer.from('xéy');
    for (let at = bytes.indexOf(utf8Name); at !== -1; at = bytes.indexOf(utf8Name, at + 1)) Buffer.from([0x78, 0x82, 0x79, 0x79]).copy(bytes, at);
    await writeFile(file, bytes);
    const files = await openExport(file);
    expect(files.paths()).toEqual(['messages/inbox/ana_kovač_9/message_1.json', 'messages/inbox/josé_123/message_1.json', 'messages/inbox/xéyy/message_1.json']);
    expect(await files.readText('messages/inbox/ana_kovač_9/message_1.json')).toBe('{"b":2}');
    await files.close();
  });

  it('reads a zip64 archive', async () => {
    const files = await openExport(await writeZip('zip64.zip', instagramEntries(W), { zip64: true }));
    expect(await files.readText('connections/followers_and_following/followers_1.json')).toBe(FOLLOWERS_1);
    await files.close();
  });

  it('skips junk (__MACOSX, .DS_Store, AppleDouble) and drops unsafe names with a message, reading backslash names', async () => {
    const file = await writeZip('junk.zip', [
      ...instagramEntries(W),
      { name: `__MACOSX/${W}/connections/._following.json`, content: 'junk' },
      { name: `${W}/.DS_Store`, content: 'junk' },
      { name: `${W}/connections/.DS_Store`, content: 'junk' },
      { name: `${W}/Thumbs.db`, content: 'junk' },
      { name: `${W}/xx/evil.json`, content: '"up"' },
      { name: 'aetc/passwd.json', content: '"abs"' },
      { name: 'personal_information/personal_information.json', content: '{"ok":1}' },
    ]);
    // Names yazl refuses to write are made by editing the headers (same length).
    await patchZip(file, [
      [`${W}/xx/evil.json`, { rename: `${W}/../evil.json` }],
      ['aetc/passwd.json', { rename: '/etc/passwd.json' }],
      ['personal_information/personal_information.json', { rename: `personal_information\\personal_information.json` }],
    ]);
    const files = await openExport(file);
    try {
      const paths = files.paths();
      expect(paths.some((p) => p.includes('__MACOSX') || p.endsWith('.DS_Store') || p.endsWith('Thumbs.db') || p.includes('._'))).toBe(false);
      expect(paths.some((p) => p.includes('evil') || p.includes('passwd'))).toBe(false);
      // The unsafe entries sit outside the wrapper, so nothing is stripped here: the backslash name is read under '/'.
      expect(await files.readText(findPath(files, 'personal_information/personal_information.json') as string)).toBe('{"ok":1}');
      expect(files.skipped.map((s) => s.path).sort()).toEqual(['/etc/passwd.json', `${W}/../evil.json`]);
      expect(files.skipped.find((s) => s.path.includes('evil'))?.reason).toContain("'..'");
      expect(files.skipped.find((s) => s.path.includes('passwd'))?.reason).toContain('absolute');
      expect(files.skipped.every((s) => s.part.endsWith('junk.zip'))).toBe(true);
    } finally {
      await files.close();
    }
  });

  it('lists media entries but never inflates them (a corrupt deflate stream under a media name is never touched)', async () => {
    const garbage = Buffer.alloc(2048, 0xff); // not a deflate stream: "invalid block type" when inflated
    const file = await writeZip('media.zip', [
      ...instagramEntries(W),
      { name: `${W}/media/stories/clip.mp4`, content: garbage, compress: false },
      { name: `${W}/media/reels/voice.m4a`, content: garbage, compress: false },
      { name: `${W}/broken.json`, content: garbage, compress: false },
    ]);
    // Stored bytes relabelled as deflated: any attempt to inflate these entries fails.
    await patchZip(file, [
      [`${W}/media/stories/clip.mp4`, { method: 8, declaredSize: 900 * 1024 * 1024 }],
      [`${W}/media/reels/voice.m4a`, { method: 8 }],
      [`${W}/broken.json`, { method: 8 }],
    ]);
    // Proof that the media entry really is poison when inflated, straight through yauzl.
    await expect(inflateDirectly(file, `${W}/media/stories/clip.mp4`)).rejects.toThrow(/invalid|incorrect|unexpected/i);

    const files = await openExport(file);
    try {
      expect(files.paths()).toContain('media/stories/clip.mp4');
      expect(files.paths()).toContain('media/reels/voice.m4a');
      expect(files.size('media/stories/clip.mp4')).toBe(900 * 1024 * 1024);
      // Everything else reads, the media entries sitting next to them.
      const all = files.paths().filter((p) => p.endsWith('.json') && p !== 'broken.json');
      for (const p of all) expect(typeof (await files.readText(p))).toBe('string');
      const media = await refusal(files.readText('media/stories/clip.mp4'));
      expect(media.message).toContain('media/stories/clip.mp4');
      expect(media.message).toContain('media file');
      // Within every limit, still never inflated (inflating it would fail with "cannot be read").
      expect((await refusal(files.readText('media/reels/voice.m4a'))).message).toMatch(/media\.zip: media\/reels\/voice\.m4a is a media file/);
      // The same poison under a data name fails when read: reading it is what would have failed.
      const broken = await refusal(files.readText('broken.json'));
      expect(broken.message).toMatch(/media\.zip: broken\.json cannot be read/);
    } finally {
      await files.close();
    }
  });

  it('refuses an entry over maxBytes by its declared size, naming the file and the entry', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const file = await writeZip('big.zip', [...instagramEntries(W), { name: `${W}/your_instagram_activity/messages/huge.json`, content: big }]);
    const files = await openExport(file, { maxBytes: 1024 * 1024 });
    try {
      const error = await refusal(files.readText('your_instagram_activity/messages/huge.json'));
      expect(error.message).toMatch(/big\.zip: your_instagram_activity\/messages\/huge\.json is 3145728 bytes, larger than the 1048576 bytes/);
      // A caller may allow more for one read.
      expect((await files.readText('your_instagram_activity/messages/huge.json', 4 * 1024 * 1024)).length).toBe(big.length);
    } finally {
      await files.close();
    }
  });

  it('cuts an entry that inflates beyond its declared size (zip bomb)', async () => {
    const file = await writeZip('bomb.zip', [...instagramEntries(W), { name: `${W}/bomb.json`, content: Buffer.alloc(8 * 1024 * 1024, 0x30) }]);
    await patchZip(file, [[`${W}/bomb.json`, { declaredSize: 1000 }]]);
    const files = await openExport(file);
    try {
      const error = await refusal(files.readText('bomb.json'));
      expect(error.message).toContain('bomb.zip: bomb.json');
      expect(error.message).toContain('declared size of 1000 bytes');
      // The archive stays usable.
      expect(await files.readText('connections/followers_and_following/followers_1.json')).toBe(FOLLOWERS_1);
    } finally {
      await files.close();
    }
  });

  it('names what is missing, refuses reads after close', async () => {
    const files = await openExport(await writeZip('closed.zip', instagramEntries(W)));
    expect((await refusal(files.readText('nope.json'))).message).toMatch(/closed\.zip has no file nope\.json/);
    // Lookup forgives case and backslashes.
    expect(await files.readText('CONNECTIONS\\followers_and_following\\FOLLOWING.json')).toBe(FOLLOWING);
    await files.close();
    await files.close();
    expect((await refusal(files.readText('connections/followers_and_following/following.json'))).message).toContain('closed');
  });

  it('strips a byte-order mark (LinkedIn CSVs)', async () => {
    const csv = '\ufeffFirst Name,Last Name,URL\nAna,Kovač,https://www.linkedin.com/in/ana\n';
    const files = await openExport(await writeZip('Basic_LinkedInDataExport_07-13-2025.zip', [{ name: 'Connections.csv', content: csv }]));
    expect(await files.readText('Connections.csv')).toBe(csv.slice(1));
    expect(files.wrapper).toBeUndefined();
    await files.close();
  });
});

describe('openExport: parts and folders', () => {
  it('merges the parts of one export', async () => {
    const entries = instagramEntries(W);
    const one = await writeZip('instagram-part1.zip', entries.filter((e) => !e.name.includes('followers_2') && !e.name.includes('media/')));
    const two = await writeZip('instagram-part2.zip', entries.filter((e) => e.name.includes('followers_2') || e.name.includes('media/') || e.name.endsWith('start_here.html')));
    const files = await openExport([one, two]);
    try {
      expect(files.parts).toEqual([one, two]);
      expect(files.label).toMatch(/instagram-part1\.zip \+ .*instagram-part2\.zip$/);
      expect(files.wrapper).toBe(W);
      expect(findAll(files, 'followers_*.json')).toEqual([
        'connections/followers_and_following/followers_1.json',
        'connections/followers_and_following/followers_2.json',
        'connections/followers_and_following/followers_10.json',
      ]);
      expect(await files.readText('connections/followers_and_following/followers_2.json')).toBe(FOLLOWERS_2);
      expect(await files.readText('connections/followers_and_following/following.json')).toBe(FOLLOWING);
      expect(files.paths()).toContain('media/posts/202611/photo.jpg');
      // The same file in both parts is served once.
      expect(files.paths().filter((p) => p === 'start_here.html')).toHaveLength(1);
      expect(files.skipped).toEqual([]);
    } finally {
      await files.close();
    }
  });

  it('merges parts whose wrappers differ, without stripping a part made only of media/', async () => {
    const one = await writeZip('p1.zip', instagramEntries('instagram-jane-2026-11-02-aaa').filter((e) => !e.name.includes('media/')));
    const two = await writeZip('p2.zip', [{ name: 'instagram-jane-2026-11-02-bbb/media/posts/a.jpg', content: Buffer.alloc(10) }]);
    const three = await writeZip('p3.zip', [{ name: 'media/posts/b.jpg', content: Buffer.alloc(10) }]);
    const files = await openExport([one, two, three]);
    expect(files.wrapper).toBe('instagram-jane-2026-11-02-aaa');
    expect(files.paths()).toEqual(expect.arrayContaining(['connections/followers_and_following/following.json', 'media/posts/a.jpg', 'media/posts/b.jpg']));
    await files.close();
  });

  it('an unpacked folder gives the same paths and texts as the ZIP', async () => {
    const entries = [...instagramEntries(W), { name: `${W}/.DS_Store`, content: 'junk' }, { name: `__MACOSX/${W}/._start_here.html`, content: 'junk' }];
    const zipped = await openExport(await writeZip('same.zip', entries));
    const folder = await writeFolder('same-folder', entries);
    const unpacked = await openExport(folder);
    try {
      expect(unpacked.paths()).toEqual(zipped.paths());
      expect(unpacked.wrapper).toBe(zipped.wrapper);
      const fromZip = await contents(zipped);
      expect(await contents(unpacked)).toEqual(fromZip);
      expect(fromZip['connections/followers_and_following/followers_2.json']).toBe(FOLLOWERS_2);
      expect(fromZip['media/posts/202611/photo.jpg']).toBe(4096);
    } finally {
      await zipped.close();
      await unpacked.close();
    }
  });
  it('does not follow symbolic links in a folder', async () => {
    const folder = await writeFolder('links', instagramEntries(W));
    await symlink('/etc/hostname', join(folder, W, 'connections', 'link.json'));
    const files = await openExport(folder);
    expect(files.paths()).not.toContain('connections/link.json');
    expect(files.skipped).toEqual([{ part: expect.stringMatching(/links$/), path: `${W}/connections/link.json`, reason: 'a symbolic link; not followed' }]);
    await files.close();
  });
});

describe('openExport: files that are not exports', () => {
  it('a truncated ZIP (an interrupted download) is refused, naming the file', async () => {
    const file = await writeZip('truncated.zip', instagramEntries(W));
    const { size } = await stat(file);
    await truncate(file, Math.floor(size / 2));
    const error = await refusal(openExport(file));
    expect(error.message).toMatch(/truncated\.zip is a damaged or incomplete ZIP/);
    expect(error.message).toContain('download the export again');
  });

  it('a file that is not a ZIP, an empty file, a missing file, an empty archive', async () => {
    const text = fresh('notes.zip');
    await writeFile(text, 'these are not the droids you are looking for');
    expect((await refusal(openExport(text))).message).toMatch(/notes\.zip is not a ZIP archive/);

    const json = fresh('followers_1.json');
    await writeFile(json, FOLLOWERS_1);
    expect((await refusal(openExport(json))).message).toMatch(/followers_1\.json is not a ZIP archive \(it looks like one file of an export\)/);

    const empty = fresh('empty.zip');
    await writeFile(empty, '');
    expect((await refusal(openExport(empty))).message).toMatch(/empty\.zip is empty \(0 bytes\)/);

    expect((await refusal(openExport(join(dir, 'missing.zip')))).message).toBe('missing.zip: no such file or folder');

    const nothing = await writeZip('nothing.zip', [{ name: '__MACOSX/._x', content: 'junk' }]);
    expect((await refusal(openExport(nothing))).message).toMatch(/nothing\.zip holds no files/);

    // One good part and one bad: refused, naming the bad one.
    const good = await writeZip('good.zip', instagramEntries(W));
    expect((await refusal(openExport([good, text]))).message).toMatch(/notes\.zip is not a ZIP archive/);
  });

  it('an HTML export is recognised', async () => {
    const files = await openExport(
      await writeZip('html.zip', [
        { name: 'start_here.html', content: '<html></html>' },
        { name: 'connections/followers_and_following/followers_1.html', content: '<html></html>' },
        { name: 'media/posts/a.jpg', content: Buffer.alloc(10) },
      ]),
    );
    expect(looksLikeHtmlExport(files)).toBe(true);
    await files.close();
  });
});

/** Inflates one entry with yauzl directly (what openExport must never do to media). */
function inflateDirectly(file: string, name: string): Promise<void> {
  return new Promise((done, fail) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return fail(err);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (openErr, stream) => {
          if (openErr) return fail(openErr);
          stream.on('error', fail);
          stream.on('end', () => done());
          stream.resume();
        });
      });
      zip.on('end', () => fail(new Error(`${name} not found`)));
      zip.on('error', fail);
      zip.readEntry();
    });
  });
}
