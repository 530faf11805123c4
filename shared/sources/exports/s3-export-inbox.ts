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
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { EXPORT_DOWNLOAD_LIMIT_BYTES, ExportInboxError, type ExportCandidate, type ExportInbox, type ExportListing, type OpenedExport } from '../../ports/export-inbox.ts';
import { isJunkPath } from './archive.ts';
import { exportName, groupKey, partOrder, UNFINISHED } from './export-inbox.ts';

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
}

interface Listed {
  key: string;
  size: number;
  modifiedMs: number;
}

export class S3ExportInbox implements ExportInbox {
  readonly where: string;
  private readonly maxBytes: number;
  /** Sizes from the last listing, by key: checked before anything is downloaded. */
  private readonly sizes = new Map<string, number>();

  constructor(private readonly options: S3ExportInboxOptions) {
    if (!options.prefix.endsWith('/')) throw new Error(`the exports prefix must end with "/": ${options.prefix}`);
    this.where = `s3://${options.bucket}/${options.prefix}`;
    this.maxBytes = options.maxBytes ?? EXPORT_DOWNLOAD_LIMIT_BYTES;
  }

  async list(): Promise<ExportListing> {
    await rm(this.options.tmpDir, { recursive: true, force: true });
    const objects = await this.listAll();
    this.sizes.clear();
    const zips = new Map<string, Listed[]>();
    const folders = new Map<string, Listed[]>();
    const ignored = new Set<string>();
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
    for (const parts of zips.values()) {
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
    await mkdir(this.options.tmpDir, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(this.options.tmpDir, 'open-'));
    const release = (): Promise<void> => rm(dir, { recursive: true, force: true });
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
