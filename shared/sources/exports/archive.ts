/**
 * An export as people download it, read lazily: one `.zip`, the several ZIP
 * parts of one large export (their entries merged), or an unpacked folder.
 *
 *  - ZIPs are read with yauzl: the central directory only when opened; an
 *    entry is inflated only when `readText` asks for it. Media entries (photos,
 *    videos, audio) are listed but never inflated, so a many-gigabyte export
 *    with media costs no more memory than one without. The archive is never
 *    loaded whole.
 *  - An entry larger than `maxBytes` (default 64 MiB) is refused by its
 *    declared size, and a stream that inflates beyond its declared size is cut
 *    (a damaged entry or a zip bomb).
 *  - Entry names: backslashes read as '/', `__MACOSX/`, `.DS_Store` and
 *    similar junk skipped, unsafe names (absolute, `..`) dropped and listed in
 *    `skipped` (names are never used as filesystem paths anyway).
 *  - A wrapper folder (`instagram-<user>-<date>-<rand>/`,
 *    `meta-2025-Jul-13-19-10-01/instagram-…/`, `Basic_LinkedInDataExport_…/`,
 *    ...) is stripped and kept in `wrapper`, because the export's date is often
 *    in its name.
 *
 * Errors are `ExportError`s naming the file (and the entry) and what is wrong,
 * never the contents.
 */
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { lstat, open as openFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ExportError, type ExportFiles, type ExportNetwork } from './export-types.ts';

/** Default ceiling for one entry read as text. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** More entries than this is not an export (a central directory bomb, or the wrong folder). */
export const MAX_ENTRIES = 1_000_000;

export interface OpenExportOptions {
  /** Ceiling for one entry read as text, unless `readText` gives its own (default 64 MiB). */
  readonly maxBytes?: number;
  /** The name to use in messages instead of the file name(s) (e.g. the name the owner uploaded). */
  readonly label?: string;
}

/** An entry that is not served, and why (junk such as `.DS_Store` is skipped silently). */
export interface SkippedEntry {
  /** The ZIP part or folder (its base name). */
  readonly part: string;
  /** The entry name as stored (for an unsafe name: a short, printable excerpt). */
  readonly path: string;
  readonly reason: string;
}

/** One opened export. */
export interface OpenedExport extends ExportFiles {
  /**
   * The stripped wrapper folder(s), '/'-joined (e.g. `instagram-jane-2026-11-02-abc`), when there was one. The export's
   * date may be here, or in the name of a part (`parts`: `instagram-jane-2026-11-02-abc.zip`, or the folder given).
   */
  readonly wrapper?: string;
  /** The files given, as absolute paths, in the order given (one for a single ZIP or folder). */
  readonly parts: readonly string[];
  /** Entries not served (unsafe names, symbolic links, different duplicates across parts). */
  readonly skipped: readonly SkippedEntry[];
  /** The declared (uncompressed) size of an entry, or undefined when there is no such entry. */
  size(path: string): number | undefined;
}

// ---------------------------------------------------------------------------------------------
// Names

const MEDIA_EXTENSIONS = new Set([
  // images
  'jpg', 'jpeg', 'jpe', 'png', 'gif', 'webp', 'heic', 'heif', 'avif', 'bmp', 'tif', 'tiff', 'ico',
  // video
  'mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', '3gp', 'mpg', 'mpeg', 'ts', 'wmv', 'flv',
  // audio
  'm4a', 'mp3', 'opus', 'ogg', 'oga', 'aac', 'wav', 'flac', 'amr', 'weba',
]);

/** Whether a path names a photo, video or sound (listed, never inflated). */
export function isMediaPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && MEDIA_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

const JUNK_FILES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);

/** OS junk that zip tools add: `__MACOSX/`, `.DS_Store`, AppleDouble `._x`, `Thumbs.db`, `desktop.ini`. */
export function isJunkPath(path: string): boolean {
  const segments = path.split('/');
  if (segments.some((s) => s === '__MACOSX')) return true;
  const name = segments[segments.length - 1] ?? '';
  return JUNK_FILES.has(name.toLowerCase()) || name.startsWith('._');
}

type NameCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** A stored entry name as a '/'-separated relative path, or why it cannot be one. */
export function normaliseEntryName(raw: string): NameCheck {
  if (raw.includes('\0')) return { ok: false, reason: 'its name holds a NUL character' };
  const name = raw.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return { ok: false, reason: 'its name is an absolute path' };
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, reason: "its name climbs out of the archive ('..')" };
  return { ok: true, path: segments.join('/') };
}

/** A short printable excerpt of an entry name for messages. */
function printable(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

/**
 * Folder names the networks use inside an export: never stripped as a wrapper even when every entry is
 * under one of them (an export holding only `connections/followers_and_following/` keeps that path).
 */
const CONTENT_FOLDERS = new Set(
  [
    // Instagram, Threads
    'connections', 'followers_and_following', 'your_instagram_activity', 'personal_information', 'logged_information',
    'security_and_login_information', 'ads_information', 'apps_and_websites_off_of_instagram', 'preferences', 'media',
    'messages', 'content', 'comments', 'likes', 'threads', 'story_sticker_interactions', 'story_interactions',
    'account_information', 'information_about_you', 'your_topics', 'saved', 'followers', 'following',
    // Facebook
    'friends_and_followers', 'following_and_followers', 'friends', 'your_facebook_activity', 'your_activity_across_facebook',
    'apps_and_websites_off_of_facebook', 'ads_and_businesses', 'photos_and_videos', 'posts', 'stories', 'profile_information',
    'notifications', 'groups', 'pages', 'events', 'reactions',
    // X
    'data', 'assets', 'tweets_media', 'direct_messages_media',
    // TikTok (older TXT/JSON trees)
    'activity', 'comment', 'direct messages', 'profile', 'video', 'videos', 'app settings', 'ads and data',
  ].map((s) => s.toLowerCase()),
);

/** A folder name that looks like an export's wrapper: a network prefix or a date in it. */
const WRAPPER_NAME =
  /^(?:instagram|facebook|meta|threads|twitter|x|tiktok|linkedin)[-_]|^(?:basic|complete)_linkedindataexport|^tiktok_data|\d{4}-\d{2}-\d{2}|\d{4}-[a-z]{3}-\d{1,2}|\d{2}-\d{2}-\d{4}/i;

/**
 * The leading folders to strip: while every path has the same single top folder (and more below it), and that
 * folder is not one of the networks' own content folders. With `strict`, only folders that look like wrappers.
 */
export function wrapperOf(paths: readonly string[], strict = false): string[] {
  const wrapper: string[] = [];
  if (paths.length === 0) return wrapper;
  for (let depth = 0; ; depth++) {
    let top: string | undefined;
    for (const path of paths) {
      const segments = path.split('/');
      // A file at this level: no common folder.
      if (segments.length <= depth + 1) return wrapper;
      const segment = segments[depth] as string;
      if (top === undefined) top = segment;
      else if (segment !== top) return wrapper;
    }
    if (top === undefined || CONTENT_FOLDERS.has(top.toLowerCase())) return wrapper;
    if (strict && !WRAPPER_NAME.test(top)) return wrapper;
    wrapper.push(top);
  }
}

// ---------------------------------------------------------------------------------------------
// Lookup helpers

function pathsOf(files: ExportFiles | readonly string[]): readonly string[] {
  return 'paths' in files && typeof files.paths === 'function' ? files.paths() : (files as readonly string[]);
}

/**
 * The entry whose path ends with `suffix` (whole segments, case-insensitive), e.g.
 * `connections/followers_and_following/following.json`. With several, the shallowest (then the first by name).
 */
export function findPath(files: ExportFiles | readonly string[], suffix: string): string | undefined {
  const wanted = suffix.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
  if (wanted === '') return undefined;
  let best: string | undefined;
  for (const path of pathsOf(files)) {
    const lower = path.toLowerCase();
    if (lower !== wanted && !lower.endsWith(`/${wanted}`)) continue;
    if (best === undefined || depthOf(path) < depthOf(best) || (depthOf(path) === depthOf(best) && naturalCompare(path, best) < 0)) best = path;
  }
  return best;
}

const depthOf = (path: string): number => path.split('/').length;

/**
 * Every entry matching `pattern`, in natural order (`followers_2.json` before `followers_10.json`).
 * A string is a path suffix where `*` stands for any run of characters inside one segment
 * (`followers_and_following/followers_*.json`); a RegExp is tested against the whole path. Both case-insensitive.
 */
export function findAll(files: ExportFiles | readonly string[], pattern: string | RegExp): string[] {
  const regex =
    typeof pattern === 'string'
      ? new RegExp(
          `(?:^|/)${pattern
            .replace(/\\/g, '/')
            .replace(/^\/+/, '')
            .split('*')
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*')}$`,
          'i',
        )
      : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '').includes('i') ? pattern.flags.replace(/[gy]/g, '') : `${pattern.flags.replace(/[gy]/g, '')}i`);
  return pathsOf(files)
    .filter((path) => regex.test(path))
    .sort(naturalCompare);
}

/** Compares runs of digits as numbers, the rest as text. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.split(/(\d+)/);
  const rb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i] as string;
    const y = rb[i] as string;
    if (x === y) continue;
    if (i % 2 === 1) {
      // Digits: compare without leading zeros, by length then text (no precision limit).
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

// ---------------------------------------------------------------------------------------------
// HTML exports

/**
 * Whether the files are an HTML export (the default of Meta's export dialog): web pages (`start_here.html`,
 * `index.html`, `followers_1.html`, ...) and no data files (.json, .js, .csv). A JSON export also carries a
 * `start_here.html`, and an X archive a `Your archive.html`: both have data files, so neither looks like one.
 */
export function looksLikeHtmlExport(files: ExportFiles | readonly string[]): boolean {
  let html = 0;
  for (const path of pathsOf(files)) {
    const lower = path.toLowerCase();
    if (/\.(?:json|js|csv)$/.test(lower)) return false;
    if (/\.html?$/.test(lower)) html++;
  }
  return html > 0;
}

const NETWORK_NAMES: Record<ExportNetwork, string> = {
  instagram: 'Instagram',
  threads: 'Threads',
  facebook: 'Facebook',
  x: 'X',
  linkedin: 'LinkedIn',
  tiktok: 'TikTok',
};

const META_STEPS: Partial<Record<ExportNetwork, string>> = {
  instagram:
    'In Instagram: Settings > Accounts Center > Your information and permissions > Download your information (or Export your information) > ' +
    'your Instagram profile > Download to device; under "Customize information" keep at least "Followers and following" and "Your activity" ' +
    '(likes, comments); Date range: All time; Format: JSON; Media quality: Low (followback skips media).',
  threads:
    'In Threads: Settings > Account > Download your information (it opens Accounts Center) > your Threads profile > Download to device; ' +
    'keep "Followers and following" and your activity (likes); Date range: All time; Format: JSON.',
  facebook:
    'In Facebook: Settings & privacy > Settings > Accounts Center > Your information and permissions > Download your information > ' +
    'your Facebook profile > Download to device; keep "Connections" (friends and followers), "Your activity" (comments, reactions) and ' +
    '"Logged information" (notifications); Date range: All time; Format: JSON.',
};

/**
 * The message refusing an HTML export, with the network's steps to download the JSON one.
 * X, LinkedIn and TikTok have no HTML format, so for them it says the file is not their export.
 */
export function htmlExportMessage(file: string, network?: ExportNetwork): string {
  if (network !== undefined && META_STEPS[network] === undefined) {
    const name = NETWORK_NAMES[network];
    return `${file} holds only web pages (HTML) and no data files; a ${name} export has no HTML format, so this is not a ${name} export (is it a Meta export given to the wrong source?)`;
  }
  const lead = `${file} is an HTML export; followback reads the JSON one. In "Download your information", choose Format: JSON, Date range: All time.`;
  const steps = network === undefined ? `${META_STEPS.instagram} (Facebook and Threads: the same in Accounts Center, with your Facebook or Threads profile.)` : META_STEPS[network];
  return `${lead} ${steps}`;
}

// ---------------------------------------------------------------------------------------------
// Parts: a ZIP or a folder, as a list of raw entries

interface RawEntry {
  /** Normalised name, before the wrapper is stripped. */
  readonly name: string;
  /** Declared uncompressed size. */
  readonly size: number;
  /** The bytes, at most `maxBytes`; `where` names the part and entry for messages. */
  read(maxBytes: number, where: string): Promise<Buffer>;
}

interface Part {
  /** Base name, for messages. */
  readonly label: string;
  readonly entries: readonly RawEntry[];
  readonly skipped: readonly SkippedEntry[];
  close(): Promise<void>;
}

/** yauzl's name decoder (CP437 or UTF-8 by the flag, the Info-ZIP Unicode Path field), exported at run time but not typed. */
type GetFileName = (flags: number, raw: Buffer, extraFields: Array<{ id: number; data: Buffer }>, strict: boolean) => string;
const getFileNameLowLevel = (yauzl as unknown as { getFileNameLowLevel: GetFileName }).getFileNameLowLevel;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (bytes: Buffer): boolean => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/**
 * An entry's name. Without the UTF-8 flag the ZIP format says CP437, but many zip tools write UTF-8 without the
 * flag: bytes that are valid UTF-8 are read as UTF-8 (CP437 text with accents is practically never valid UTF-8).
 */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown;
  if (!Buffer.isBuffer(raw)) return String(raw);
  const flags = isUtf8(raw) ? entry.generalPurposeBitFlag | 0x800 : entry.generalPurposeBitFlag;
  return getFileNameLowLevel(flags, raw, entry.extraFields, false);
}

const openZip = (file: string): Promise<yauzl.ZipFile> =>
  new Promise((done, fail) => {
    // decodeStrings off: yauzl would fail the whole archive on one unsafe name; names are decoded and checked here instead.
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err ? fail(err) : done(zip),
    );
  });

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function firstBytes(file: string, count: number): Promise<Buffer> {
  const handle = await openFile(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Why a file that yauzl could not open is no export, in words the owner can act on. */
async function notAZip(file: string, label: string, size: number, err: unknown): Promise<ExportError> {
  if (size === 0) return new ExportError(`${label} is empty (0 bytes): the download did not complete; download the export again`);
  const head = await firstBytes(file, 8).catch(() => Buffer.alloc(0));
  if (head.length >= 2 && head[0] === 0x50 && head[1] === 0x4b) {
    return new ExportError(
      `${label} is a damaged or incomplete ZIP (${messageOf(err)}): the download may have been cut short; download the export again`,
      { cause: err },
    );
  }
  const text = head.toString('latin1').trimStart();
  const kind = text.startsWith('<')
    ? 'it looks like a web page (HTML)'
    : text.startsWith('{') || text.startsWith('[') || text.startsWith('window.')
      ? 'it looks like one file of an export'
      : 'it does not start like one';
  return new ExportError(`${label} is not a ZIP archive (${kind}): give the export as downloaded (the .zip, its parts, or its unpacked folder)`, {
    cause: err,
  });
}

async function zipPart(file: string, label: string, size: number): Promise<Part> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (err) {
    throw await notAZip(file, label, size, err);
  }
  const entries: RawEntry[] = [];
  const skipped: SkippedEntry[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      zip.close();
    }
  };
  try {
    if (zip.entryCount > MAX_ENTRIES) throw new ExportError(`${label} holds ${zip.entryCount} entries, more than any export (${MAX_ENTRIES}); refused`);
    await new Promise<void>((done, fail) => {
      zip.on('error', (err: unknown) =>
        fail(new ExportError(`${label} is a damaged ZIP (${messageOf(err)}): download the export again`, { cause: err })),
      );
      zip.on('end', () => done());
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          const decoded = entryName(entry);
          if (!decoded.endsWith('/') && !decoded.endsWith('\\')) {
            const checked = normaliseEntryName(decoded);
            if (!checked.ok) skipped.push({ part: label, path: printable(decoded), reason: `${checked.reason}; dropped` });
            else if (checked.path !== '' && !isJunkPath(checked.path)) entries.push(zipEntry(zip, entry, checked.path, () => closed, label));
          }
          zip.readEntry();
        } catch (err) {
          fail(err);
        }
      });
      zip.readEntry();
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { label, entries, skipped, close };
}

function zipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, isClosed: () => boolean, label: string): RawEntry {
  return {
    name,
    size: entry.uncompressedSize,
    async read(maxBytes, where) {
      if (isClosed()) throw new ExportError(`${where}: the export is closed`);
      if (entry.isEncrypted()) throw new ExportError(`${where} is encrypted; followback reads unencrypted exports only`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw new ExportError(
          `${where} is compressed with method ${entry.compressionMethod}, which followback cannot read: unpack ${label} and give the folder instead`,
        );
      }
      const stream = await new Promise<Readable>((done, fail) =>
        zip.openReadStream(entry, (err, s) => (err ? fail(new ExportError(`${where} cannot be read (${messageOf(err)})`, { cause: err })) : done(s))),
      );
      return collect(stream, entry.uncompressedSize, maxBytes, where);
    },
  };
}

/** Reads a stream whole, refusing more than `declared` bytes (a zip bomb or a damaged entry) or more than `maxBytes`. */
function collect(stream: Readable, declared: number, maxBytes: number, where: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const stop = (err: ExportError): void => {
      if (settled) return;
      settled = true;
      stream.destroy();
      fail(err);
    };
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > declared) {
        stop(new ExportError(`${where} holds more data than its declared size of ${declared} bytes (a damaged entry or a zip bomb); refused`));
      } else if (total > maxBytes) {
        stop(new ExportError(`${where} is larger than ${maxBytes} bytes; refused`));
      } else chunks.push(chunk);
    });
    stream.on('error', (err: unknown) => {
      const message = messageOf(err);
      stop(
        /too many bytes/.test(message)
          ? new ExportError(`${where} holds more data than its declared size of ${declared} bytes (a damaged entry or a zip bomb); refused`, { cause: err })
          : /not enough bytes/.test(message)
            ? new ExportError(`${where} holds less data than its declared size of ${declared} bytes (damaged); download the export again`, { cause: err })
            : new ExportError(`${where} cannot be read (${message}): the archive is damaged; download the export again`, { cause: err }),
      );
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      done(Buffer.concat(chunks, total));
    });
  });
}

async function folderPart(root: string, label: string): Promise<Part> {
  const entries: RawEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let items: Dirent[];
    try {
      items = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw new ExportError(`${label}: the folder ${prefix === '' ? '' : `${printable(prefix)} `}cannot be read (${messageOf(err)})`, { cause: err });
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      const rel = prefix === '' ? item.name : `${prefix}/${item.name}`;
      const abs = join(dir, item.name);
      if (isJunkPath(rel)) continue;
      if (item.isSymbolicLink()) {
        skipped.push({ part: label, path: printable(rel), reason: 'a symbolic link; not followed' });
      } else if (item.isDirectory()) {
        await walk(abs, rel);
      } else if (item.isFile()) {
        if (entries.length >= MAX_ENTRIES) throw new ExportError(`${label} holds more files than any export (${MAX_ENTRIES}); refused`);
        const { size } = await lstat(abs);
        entries.push(fileEntry(abs, rel, size));
      }
    }
  };
  await walk(root, '');
  return { label, entries, skipped, close: async () => {} };
}

function fileEntry(abs: string, name: string, size: number): RawEntry {
  return {
    name,
    size,
    async read(maxBytes, where) {
      let current: number;
      try {
        current = (await stat(abs)).size;
      } catch (err) {
        throw new ExportError(`${where} cannot be read (${messageOf(err)})`, { cause: err });
      }
      if (current > maxBytes) throw new ExportError(`${where} is ${current} bytes, larger than the ${maxBytes} bytes followback reads from one file; refused`);
      // The file may grow while read: never take more than it had when listed, plus the ceiling.
      return collect(createReadStream(abs), Math.max(current, size), maxBytes, where);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// openExport

/**
 * Opens an export: a `.zip`, the list of ZIP parts of one export, or an unpacked folder (parts may mix both).
 * Reads only the ZIPs' central directories (or the folder's listing); entries are read by `readText`.
 * Throws ExportError when a part is missing, not a ZIP, damaged, or holds no files.
 */
export async function openExport(path: string | readonly string[], options: OpenExportOptions = {}): Promise<OpenedExport> {
  const given = typeof path === 'string' ? [path] : [...path];
  if (given.length === 0) throw new ExportError('no export given');
  const absolute = [...new Set(given.map((p) => resolve(p)))];
  const label = options.label ?? absolute.map((p) => basename(p)).join(' + ');
  const defaultMax = options.maxBytes ?? DEFAULT_MAX_BYTES;

  const parts: Part[] = [];
  try {
    for (const file of absolute) parts.push(await openPart(file));
  } catch (err) {
    await Promise.all(parts.map((p) => p.close()));
    throw err;
  }

  // The wrapper: over all parts together (the usual case: the same top folder in each); else per part, only
  // folders that look like wrappers (a part holding only `media/` must keep it).
  const all = parts.flatMap((p) => p.entries.map((e) => e.name));
  const common = wrapperOf(all);
  const prefixes = parts.map((p) => (common.length > 0 || parts.length === 1 ? common : wrapperOf(p.entries.map((e) => e.name), true)));
  const firstPrefix = prefixes.find((p) => p.length > 0);
  const wrapper = firstPrefix === undefined ? undefined : firstPrefix.join('/');

  interface Served {
    readonly path: string;
    readonly entry: RawEntry;
    readonly part: Part;
  }
  const byPath = new Map<string, Served>();
  const skipped: SkippedEntry[] = parts.flatMap((p) => p.skipped);
  parts.forEach((part, index) => {
    const strip = (prefixes[index] ?? []).length;
    for (const entry of part.entries) {
      const path = strip === 0 ? entry.name : entry.name.split('/').slice(strip).join('/');
      const seen = byPath.get(path);
      if (seen === undefined) byPath.set(path, { path, entry, part });
      else if (seen.entry.size !== entry.size) {
        skipped.push({ part: part.label, path: printable(path), reason: `also in ${seen.part.label} with a different size; the first is read` });
      }
    }
  });
  if (byPath.size === 0) {
    await Promise.all(parts.map((p) => p.close()));
    throw new ExportError(`${label} holds no files${skipped.length > 0 ? ` (${skipped.length} unusable entries dropped)` : ''}: it is not an export`);
  }
  const sorted = [...byPath.keys()].sort();
  const lowerIndex = new Map<string, string | null>();
  for (const p of sorted) {
    const lower = p.toLowerCase();
    lowerIndex.set(lower, lowerIndex.has(lower) ? null : p);
  }
  const lookup = (p: string): Served | undefined => {
    const exact = byPath.get(p);
    if (exact !== undefined) return exact;
    const folded = lowerIndex.get(p.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase());
    return folded ? byPath.get(folded) : undefined;
  };

  let closed = false;
  return {
    label,
    ...(wrapper === undefined ? {} : { wrapper }),
    parts: absolute,
    skipped,
    paths: () => sorted,
    size: (p) => lookup(p)?.entry.size,
    async readText(p: string, maxBytes?: number): Promise<string> {
      const limit = maxBytes ?? defaultMax;
      const served = lookup(p);
      if (served === undefined) throw new ExportError(`${label} has no file ${printable(p)}`);
      const where = `${served.part.label}: ${printable(served.path)}`;
      if (closed) throw new ExportError(`${where}: the export is closed`);
      if (isMediaPath(served.path)) throw new ExportError(`${where} is a media file; followback reads only the export's data files`);
      if (served.entry.size > limit) {
        throw new ExportError(`${where} is ${served.entry.size} bytes, larger than the ${limit} bytes followback reads from one file; refused`);
      }
      const bytes = await served.entry.read(limit, where);
      // TextDecoder drops a leading byte-order mark (LinkedIn's CSVs carry one).
      return new TextDecoder('utf-8').decode(bytes);
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(parts.map((part) => part.close()));
    },
  };
}

async function openPart(file: string): Promise<Part> {
  const label = basename(file);
  let info: Stats;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ExportError(code === 'ENOENT' ? `${label}: no such file or folder` : `${label} cannot be opened (${messageOf(err)})`, { cause: err });
  }
  if (info.isDirectory()) return folderPart(file, label);
  if (!info.isFile()) throw new ExportError(`${label} is neither a file nor a folder`);
  return zipPart(file, label, info.size);
}
