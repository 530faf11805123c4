/**
 * The deployed exports inbox: the export source's prefix in the stack's exports
 * bucket (`exports/<profile>/<source>/`, see shared/ports/export-inbox.ts),
 * listed and grouped exactly like the local folder (./export-inbox.ts): ZIPs,
 * the ZIP parts of one export, an unpacked folder (the objects under
 * `<prefix><folder>/`); hidden, junk and unfinished names skipped, anything else
 * named as ignored. ListObjectsV2 is paged (1,000 keys a page at most).
 *
 * Opening an export downloads its parts into a fresh folder of `tmpDir` (the
 * Lambda's /tmp), streamed to files (0600) and counted against `maxBytes`,
 * first by the sizes the listing gave and again byte by byte while writing,
 * so an export bigger than /tmp is refused with a message, not a full disk.
 * `release` removes the copy once it is read; `list` first removes whatever an
 * invocation that died mid-read left behind (this source's folder only).
 *
 * An export of several parts is uploaded by `followback import` under a
 * hidden staging prefix (`.importing-<id>/<part name>`) and then copied into
 * place part by part; the staging objects are deleted last. A listing that
 * still sees a staging object holds back the export with those part names
 * (S3 lists with strong read-after-write consistency), so a run never reads
 * some parts of an export and moves past it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type CopyObjectCommandOutput,
  type DeleteObjectCommandOutput,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type ListObjectsV2CommandOutput,
  type PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { EXPORT_DOWNLOAD_LIMIT_BYTES, ExportInboxError, type ExportCandidate, type ExportInbox, type ExportListing, type OpenedExport } from '../../ports/export-inbox.ts';
import { isJunkPath } from './archive.ts';
import { exportName, groupKey, nameWith, partOrder, plannedPartNames, UNFINISHED } from './export-inbox.ts';

/** The two calls the inbox makes; an `S3Client` satisfies it. */
export interface S3ReadClient {
  send(command: ListObjectsV2Command): Promise<ListObjectsV2CommandOutput>;
  send(command: GetObjectCommand): Promise<GetObjectCommandOutput>;
}

export interface S3ExportInboxOptions {
  client: S3ReadClient;
  bucket: string;
  /** `exports/<profile>/<source>/` (ends with a slash). */
  prefix: string;
  /** This source's own folder for downloads, e.g. /tmp/followback-exports/<profile>/<source> (emptied by `list`). */
  tmpDir: string;
  /** The largest export (all parts together) it downloads; default EXPORT_DOWNLOAD_LIMIT_BYTES. */
  maxBytes?: number;
  /** MaxKeys of each ListObjectsV2 page (S3's default and maximum: 1000). */
  pageSize?: number;
  /** /tmp shared with the other export sources pulled at the same time (default: this inbox's own, of maxBytes). */
  space?: TmpSpace;
}

/**
 * The bytes of /tmp the export sources of one function share: the sources of a profile are pulled at the
 * same time, and each may download an export up to the limit, so each download first reserves its size
 * here and waits while the others' would not leave room. One export never needs more than the whole
 * (it is refused above the limit first), so a wait always ends.
 */
export class TmpSpace {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  async reserve(bytes: number): Promise<() => void> {
    const need = Math.min(bytes, this.capacity);
    while (this.used + need > this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used += need;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= need;
      for (const wake of this.waiting.splice(0)) wake();
    };
  }
}

/** A part being filed by `followback import` (see the module comment). */
export const STAGING_DIR = '.importing-';
const STAGED = /^\.importing-[^/]+\/([^/]+)$/;

interface Listed {
  key: string;
  size: number;
  modifiedMs: number;
}

export class S3ExportInbox implements ExportInbox {
  readonly where: string;
  private readonly maxBytes: number;
  private readonly space: TmpSpace;
  /** Sizes from the last listing, by key: checked before anything is downloaded. */
  private readonly sizes = new Map<string, number>();

  constructor(private readonly options: S3ExportInboxOptions) {
    if (!options.prefix.endsWith('/')) throw new Error(`the exports prefix must end with "/": ${options.prefix}`);
    this.where = `s3://${options.bucket}/${options.prefix}`;
    this.maxBytes = options.maxBytes ?? EXPORT_DOWNLOAD_LIMIT_BYTES;
    this.space = options.space ?? new TmpSpace(this.maxBytes);
  }

  async list(): Promise<ExportListing> {
    await rm(this.options.tmpDir, { recursive: true, force: true });
    const objects = await this.listAll();
    this.sizes.clear();
    const zips = new Map<string, Listed[]>();
    const folders = new Map<string, Listed[]>();
    const ignored = new Set<string>();
    const staged = new Set<string>();
    for (const object of objects) {
      const rel = object.key.slice(this.options.prefix.length);
      const m = STAGED.exec(rel);
      if (m?.[1] !== undefined) staged.add(groupKey(m[1]));
    }
    for (const object of objects) {
      this.sizes.set(object.key, object.size);
      const rel = object.key.slice(this.options.prefix.length);
      // A console "folder" marker, a hidden or junk name, an unfinished upload: not an export.
      if (rel === '' || rel.endsWith('/') || rel.startsWith('.') || isJunkPath(rel) || UNFINISHED.test(rel)) continue;
      const slash = rel.indexOf('/');
      if (slash > 0) {
        const folder = rel.slice(0, slash);
        folders.set(folder, [...(folders.get(folder) ?? []), object]);
      } else if (/\.zip$/i.test(rel)) {
        const key = groupKey(rel);
        zips.set(key, [...(zips.get(key) ?? []), object]);
      } else {
        ignored.add(rel);
      }
    }
    const candidates: ExportCandidate[] = [];
    for (const [group, parts] of zips) {
      // Still being filed by followback import: read next time, whole.
      if (staged.has(group)) continue;
      const names = parts.map((p) => p.key.slice(this.options.prefix.length)).sort(partOrder);
      candidates.push({ name: exportName(names), paths: names.map((n) => `${this.options.prefix}${n}`), filedAtMs: newest(parts) });
    }
    for (const [folder, parts] of folders) {
      candidates.push({ name: folder, paths: parts.map((p) => p.key).sort(), filedAtMs: newest(parts) });
    }
    candidates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { candidates, ignored: [...ignored].sort(), exists: true };
  }

  async open(candidate: ExportCandidate): Promise<OpenedExport> {
    const total = candidate.paths.reduce((sum, key) => sum + (this.sizes.get(key) ?? 0), 0);
    if (total > this.maxBytes) throw new ExportInboxError(tooBig(candidate.name, total, this.maxBytes));
    const unreserve = await this.space.reserve(total);
    let dir: string;
    try {
      await mkdir(this.options.tmpDir, { recursive: true, mode: 0o700 });
      dir = await mkdtemp(join(this.options.tmpDir, 'open-'));
    } catch (err) {
      unreserve();
      throw err;
    }
    const release = async (): Promise<void> => {
      try {
        await rm(dir, { recursive: true, force: true });
      } finally {
        unreserve();
      }
    };
    try {
      const isFolder = candidate.paths.some((key) => key.slice(this.options.prefix.length).includes('/'));
      const budget = { left: this.maxBytes };
      const files: string[] = [];
      for (const key of candidate.paths) {
        const rel = key.slice(this.options.prefix.length);
        const file = join(dir, rel);
        if (!file.startsWith(`${dir}/`)) throw new ExportInboxError(`${candidate.name}: the object key ${key} points outside the download folder; refused`);
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await this.download(key, file, candidate.name, budget);
        files.push(file);
      }
      return { paths: isFolder ? [join(dir, candidate.name)] : files, release };
    } catch (err) {
      await release();
      throw err;
    }
  }

  private async listAll(): Promise<Listed[]> {
    const all: Listed[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.options.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.options.prefix,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
            ...(this.options.pageSize !== undefined ? { MaxKeys: this.options.pageSize } : {}),
          }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          all.push({ key: o.Key, size: o.Size ?? 0, modifiedMs: o.LastModified?.getTime() ?? 0 });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
        if (page.IsTruncated === true && token === undefined) throw new Error('the listing is truncated but has no continuation token');
      } while (token !== undefined);
    } catch (err) {
      throw new ExportInboxError(`${this.where}: cannot list the exports (${describe(err)})`, { cause: err });
    }
    return all;
  }

  /** One object streamed to a new owner-only file, counted against what is left of the limit. */
  private async download(key: string, file: string, name: string, budget: { left: number }): Promise<void> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (err) {
      throw new ExportInboxError(`${name}: cannot download s3://${this.options.bucket}/${key} (${describe(err)})`, { cause: err });
    }
    if (out.Body === undefined) throw new ExportInboxError(`${name}: s3://${this.options.bucket}/${key} came back without a body`);
    if (out.ContentLength !== undefined && out.ContentLength > budget.left) throw new ExportInboxError(tooBig(name, this.maxBytes - budget.left + out.ContentLength, this.maxBytes));
    const limit = this.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        budget.left -= chunk.length;
        if (budget.left < 0) done(new ExportInboxError(tooBig(name, limit - budget.left, limit)));
        else done(null, chunk);
      },
    });
    await pipeline(out.Body as Readable, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  }
}

function newest(parts: readonly Listed[]): number {
  return parts.reduce((m, p) => Math.max(m, p.modifiedMs), 0);
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.name !== 'Error' && !err.message.startsWith(err.name) ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
}

/** The message for an export a deployed pull cannot hold (also used by `followback import --deployed`). */
export function tooBig(name: string, bytes: number, limit: number): string {
  return `${name} is ${mb(bytes)}, more than the ${mb(limit)} a deployed pull downloads: download the export again with only "Followers and following" and "Your activity" (no media), and import that`;
}

// ---------------------------------------------------------------------------------------------
// Filing (followback import --deployed, with the owner's own credentials)

/** The calls filing makes; an `S3Client` satisfies it. */
export interface S3WriteClient {
  send(command: HeadObjectCommand): Promise<HeadObjectCommandOutput>;
  send(command: PutObjectCommand): Promise<PutObjectCommandOutput>;
  send(command: CopyObjectCommand): Promise<CopyObjectCommandOutput>;
  send(command: DeleteObjectCommand): Promise<DeleteObjectCommandOutput>;
}

export interface FiledInBucket {
  /** Object keys given to the parts. */
  readonly keys: readonly string[];
  /** True when the same export (same bytes) was already there: nothing was uploaded. */
  readonly alreadyThere: boolean;
}

/** Thrown when an object appeared under a name while filing (another import at the same time). */
export class BucketConflictError extends Error {
  override readonly name = 'BucketConflictError';
}

async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
}

/** The object's ETag without quotes, or undefined when there is no such key. */
async function etagAt(client: S3WriteClient, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return (head.ETag ?? '').replace(/"/g, '');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function putNew(client: S3WriteClient, bucket: string, key: string, path: string): Promise<void> {
  const size = (await stat(path)).size;
  try {
    // If-None-Match: * makes S3 refuse (412) rather than replace an object of the same key.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size, ContentType: 'application/zip', IfNoneMatch: '*' }));
  } catch (err) {
    if (isPreconditionFailed(err)) throw new BucketConflictError(`s3://${bucket}/${key} appeared while filing (another import?); nothing was overwritten: try again`);
    throw err;
  }
}

/**
 * Files one export's ZIPs under `prefix`, named as the folder filing names them (./export-inbox.ts
 * `fileExport`): the names kept, parts under different names renamed `<first stem>_part_N.zip`, a name
 * already taken given a `.N` suffix on its stem; never an overwrite (HeadObject first, then PutObject with
 * If-None-Match). The same bytes already there (ETag = MD5 of a single-request upload, true with SSE-S3)
 * are not uploaded again. One ZIP is one PutObject (it appears whole); several parts are uploaded under a
 * hidden staging prefix, copied into place, and the staging objects deleted, so a listing never takes some
 * parts for the whole export (see the module comment).
 */
export async function fileExportInBucket(client: S3WriteClient, bucket: string, prefix: string, parts: readonly string[]): Promise<FiledInBucket> {
  const given = parts.map((p) => basename(p));
  const planned = plannedPartNames(given);

  const md5s = await Promise.all(parts.map(md5Of));
  const first = planned.map((p) => `${prefix}${nameWith(p, 0)}`);
  const there = await Promise.all(first.map((key) => etagAt(client, bucket, key)));
  if (there.every((etag, i) => etag !== undefined && etag === md5s[i])) return { keys: first, alreadyThere: true };

  let n = 0;
  let keys = first;
  for (;;) {
    const taken = n === 0 ? there : await Promise.all(keys.map((key) => etagAt(client, bucket, key)));
    if (taken.every((etag) => etag === undefined)) break;
    n += 1;
    keys = planned.map((p) => `${prefix}${nameWith(p, n)}`);
  }

  if (parts.length === 1) {
    await putNew(client, bucket, keys[0] as string, parts[0] as string);
    return { keys, alreadyThere: false };
  }
  const staging = `${prefix}${STAGING_DIR}${randomBytes(6).toString('hex')}/`;
  const staged = keys.map((key) => `${staging}${key.slice(prefix.length)}`);
  const copied: string[] = [];
  const remove = (list: readonly string[]): Promise<unknown> => Promise.all(list.map((key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined)));
  try {
    for (let i = 0; i < parts.length; i++) await putNew(client, bucket, staged[i] as string, parts[i] as string);
    for (let i = 0; i < parts.length; i++) {
      const key = keys[i] as string;
      if ((await etagAt(client, bucket, key)) !== undefined) throw new BucketConflictError(`s3://${bucket}/${key} appeared while filing (another import?); nothing was overwritten: try again`);
      const source = `${bucket}/${(staged[i] as string).split('/').map(encodeURIComponent).join('/')}`;
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: source }));
      copied.push(key);
    }
  } catch (err) {
    // The parts copied so far go first (while the staging objects still hold the export back), then the staging.
    await remove(copied);
    await remove(staged);
    throw err;
  }
  await remove(staged);
  return { keys, alreadyThere: false };
}
