/**
 * A local, in-memory S3 for tests: one HTTP server on 127.0.0.1, path-style
 * (`/bucket/key`), implementing exactly the calls followback makes, for the
 * real `@aws-sdk/client-s3` (`forcePathStyle: true`, endpoint http://127.0.0.1:PORT):
 *
 *  - ListObjectsV2 `GET /bucket?list-type=2&prefix=&continuation-token=&max-keys=`
 *    -> `<ListBucketResult>` with Name, Prefix, KeyCount, MaxKeys, IsTruncated,
 *    ContinuationToken, NextContinuationToken and a `<Contents>` (Key,
 *    LastModified, ETag, Size, StorageClass) per key, keys in UTF-8 binary order.
 *    `maxKeys` caps a page (S3's own cap is 1,000) so tests page with few keys.
 *  - GetObject `GET /bucket/key` -> the bytes, Content-Length, ETag, Last-Modified; 404 `NoSuchKey`.
 *  - HeadObject `HEAD /bucket/key` -> the same headers, no body; 404 without a body.
 *  - PutObject `PUT /bucket/key` -> 200 with ETag; with `If-None-Match: *` on an
 *    existing key, 412 `PreconditionFailed` (Condition If-None-Match) and nothing written.
 *    An `aws-chunked` body (the SDK's flexible-checksum streaming upload) is decoded.
 *  - CopyObject `PUT /bucket/key` with `x-amz-copy-source: /bucket/source-key` -> `<CopyObjectResult>`
 *    (ETag, LastModified); 404 `NoSuchKey` when the source is missing.
 *  - DeleteObject `DELETE /bucket/key` -> 204 (also for a missing key, as S3).
 *  - any other bucket: 404 `NoSuchBucket`; anything else: 501 `NotImplemented`.
 *
 * Shapes and codes from the Amazon S3 API Reference (ListObjectsV2 "Response
 * Syntax", GetObject, HeadObject, CopyObject, DeleteObject, PutObject "If-None-Match" / 412
 * PreconditionFailed, "Error responses" `<Error><Code/><Message/>...`), and
 * the ListObjectsV2Output fields as the SDKs document them (KeyCount,
 * NextContinuationToken sent when IsTruncated is true). Not signed-request
 * checking: credentials are accepted as given. Every request is recorded.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  body: Buffer;
  lastModified: Date;
  etag: string;
}

export interface S3Request {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface LocalS3 {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly bucket: string;
  readonly objects: Map<string, StoredObject>;
  readonly requests: S3Request[];
  put(key: string, body: Buffer | string, lastModified?: Date): void;
  close(): Promise<void>;
}

export interface LocalS3Options {
  bucket?: string;
  /** Largest page ListObjectsV2 returns (default 1000, as S3). */
  maxKeys?: number;
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function sendError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}, head = false): void {
  res.statusCode = status;
  res.setHeader('x-amz-request-id', randomUUID());
  if (head) {
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/xml');
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
    .join('');
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${esc(message)}</Message>${fields}<RequestId>${randomUUID()}</RequestId></Error>`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `aws-chunked`: `<hex size>[;ext]\r\n<bytes>\r\n` ... `0[;ext]\r\n` then trailer lines and a blank line. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) throw new Error('bad aws-chunked body');
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error('bad aws-chunked size');
    at = eol + 2;
    if (size === 0) return Buffer.concat(out);
    out.push(raw.subarray(at, at + size));
    at += size + 2;
  }
}

export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const bucket = options.bucket ?? 'followback-exports-test';
  const pageCap = options.maxKeys ?? 1000;
  const objects = new Map<string, StoredObject>();
  const requests: S3Request[] = [];
  /** Continuation tokens are opaque in S3: here, random ids of the key to start after. */
  const tokens = new Map<string, string>();

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => sendError(res, 500, 'InternalError', String(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? '', path, query, headers: req.headers });
    const [, bucketName = '', ...rest] = path.split('/');
    const key = rest.join('/');
    const head = req.method === 'HEAD';
    if (bucketName !== bucket) {
      await readBody(req);
      sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName }, head);
      return;
    }
    if (req.method === 'GET' && key === '' && query['list-type'] === '2') return list(query, res);
    if ((req.method === 'GET' || head) && key !== '') {
      const o = objects.get(key);
      if (o === undefined) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, head);
      res.statusCode = 200;
      res.setHeader('content-length', String(o.body.length));
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('etag', o.etag);
      res.setHeader('last-modified', o.lastModified.toUTCString());
      res.end(head ? undefined : o.body);
      return;
    }
    if (req.method === 'PUT' && key !== '' && req.headers['x-amz-copy-source'] !== undefined) {
      await readBody(req);
      const from = decodeURIComponent(String(req.headers['x-amz-copy-source'])).replace(/^\//, '');
      const source = from.startsWith(`${bucket}/`) ? objects.get(from.slice(bucket.length + 1)) : undefined;
      if (source === undefined) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: from });
      const o = { body: source.body, lastModified: new Date(), etag: source.etag };
      objects.set(key, o);
      res.statusCode = 200;
      res.setHeader('content-type', 'application/xml');
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult xmlns="${XMLNS}"><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${esc(o.etag)}</ETag></CopyObjectResult>`);
      return;
    }
    if (req.method === 'DELETE' && key !== '') {
      await readBody(req);
      objects.delete(key);
      res.statusCode = 204;
      res.end();
      return;
    }
    if (req.method === 'PUT' && key !== '') {
      const raw = await readBody(req);
      const chunked = /aws-chunked/i.test(String(req.headers['content-encoding'] ?? '')) || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
      const body = chunked ? decodeAwsChunked(raw) : raw;
      if (req.headers['if-none-match'] === '*' && objects.has(key)) {
        return sendError(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
      }
      const o = { body, lastModified: new Date(), etag: etagOf(body) };
      objects.set(key, o);
      res.statusCode = 200;
      res.setHeader('etag', o.etag);
      res.end();
      return;
    }
    await readBody(req);
    sendError(res, 501, 'NotImplemented', `${req.method} ${path} is not implemented by the local S3`);
  }

  function list(query: Record<string, string>, res: ServerResponse): void {
    const prefix = query['prefix'] ?? '';
    const maxKeys = Math.min(pageCap, query['max-keys'] !== undefined ? Number(query['max-keys']) : 1000);
    const token = query['continuation-token'];
    let after: string | undefined;
    if (token !== undefined) {
      after = tokens.get(token);
      if (after === undefined) return sendError(res, 400, 'InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
    }
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && (after === undefined || Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, maxKeys);
    const truncated = keys.length > page.length;
    let next: string | undefined;
    if (truncated) {
      next = randomUUID();
      tokens.set(next, page[page.length - 1] as string);
    }
    const contents = page
      .map((k) => {
        const o = objects.get(k) as StoredObject;
        return `<Contents><Key>${esc(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${esc(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    res.statusCode = 200;
    res.setHeader('content-type', 'application/xml');
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}"><Name>${esc(bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${token !== undefined ? `<ContinuationToken>${esc(token)}</ContinuationToken>` : ''}${next !== undefined ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    objects,
    requests,
    put(key, body, lastModified = new Date()) {
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      objects.set(key, { body: buf, lastModified, etag: etagOf(buf) });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Client settings for the real SDK against the local server (path-style, loopback, dummy credentials). */
export function localS3ClientConfig(s3: Pick<LocalS3, 'endpoint'>): {
  endpoint: string;
  forcePathStyle: true;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint: s3.endpoint, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}
