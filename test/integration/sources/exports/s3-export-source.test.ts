/**
 * The export source deployed: its inbox is the profile/source prefix of the exports bucket, read with the
 * real @aws-sdk/client-s3 against the local S3 (test/helpers/s3-server.ts, 127.0.0.1). The same choice as
 * the folder: the newest unread export by its own date, an older one dropped in late ignored with a line,
 * nothing new concludes nothing; downloads go to the source's own /tmp folder and are removed after reading;
 * the listing pages; an export bigger than the limit is refused without being downloaded.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourcePull } from '../../../../shared/domain/model.ts';
import { exportsPrefix } from '../../../../shared/ports/export-inbox.ts';
import { SourceError } from '../../../../shared/ports/source.ts';
import { buildSources } from '../../../../shared/sources/build-sources.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';
import { S3ExportInbox, TmpSpace } from '../../../../shared/sources/exports/s3-export-inbox.ts';
import { parseConfig } from '../../../../shared/config/load-config.ts';
import { localS3ClientConfig, startLocalS3, type LocalS3 } from '../../../helpers/s3-server.ts';
import { NOV, OCT, writeZip, type Entries } from './export-source-fixtures.ts';


let root: string;
let s3: LocalS3;
let client: S3Client;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fb-s3-export-source-'));
  s3 = await startLocalS3({ maxKeys: 3 });
  client = new S3Client(localS3ClientConfig(s3));
});
afterAll(async () => {
  client.destroy();
  await s3.close();
  await rm(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh prefix (profile p<n>, source instagram) and its /tmp folder. */
function fresh(): { prefix: string; tmp: string; profile: string } {
  const profile = `p${++n}`;
  return { prefix: exportsPrefix(profile, 'instagram'), tmp: join(root, 'tmp', profile), profile };
}
async function zipBytes(entries: Entries): Promise<Buffer> {
  const file = await writeZip(join(root, 'zips', `${++n}.zip`), entries);
  return readFile(file);
}
function source(prefix: string, tmp: string, maxBytes?: number): ExportSource {
  const inbox = new S3ExportInbox({ client, bucket: s3.bucket, prefix, tmpDir: tmp, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  return new ExportSource({ id: 'instagram', network: 'instagram', dir: inbox.where, inbox });
}
async function pull(src: ExportSource, cursor?: string, now = '2026-11-05T08:00:00Z'): Promise<SourcePull> {
  return SourcePull.parse(await src.pull({ now: new Date(now), ...(cursor !== undefined ? { cursor } : {}) }));
}

describe('export source over the exports bucket', () => {
  it('reads the newest export by its own date, and leaves nothing in /tmp', async () => {
    const { prefix, tmp } = fresh();
    // b.zip is the newer export, uploaded first; a.zip the older, uploaded later.
    s3.put(`${prefix}b.zip`, await zipBytes(NOV), new Date('2026-10-01T00:00:00Z'));
    s3.put(`${prefix}a.zip`, await zipBytes(OCT), new Date('2026-10-02T00:00:00Z'));
    const p = await pull(source(prefix, tmp));
    expect(p.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(p.contactsCompleteness).toBe('complete');
    expect(p.contacts.map((c) => [c.id, c.relation]).sort()).toEqual([
      ['ada', 'mutual'],
      ['bruno', 'following'],
      ['chen', 'follower'],
    ]);
    expect(p.interactions).toMatchObject([{ contactId: 'bruno', kind: 'like', direction: 'outbound' }]);
    expect(p.problems.join('\n')).not.toMatch(/older than|not an export/);
    // Every download was removed once read.
    expect(await readdir(tmp).catch(() => [])).toEqual([]);
    // Only this source's prefix was listed and read.
    const calls = s3.requests.filter((r) => r.path.startsWith(`/${s3.bucket}`) && (r.query['prefix'] === prefix || r.path.includes(prefix)));
    expect(calls.every((r) => r.method === 'GET')).toBe(true);
  });

  it('no export newer than the last one read: concludes nothing and says since when', async () => {
    const { prefix, tmp } = fresh();
    s3.put(`${prefix}b.zip`, await zipBytes(NOV));
    const p = await pull(source(prefix, tmp), '2026-11-02T00:00:00.000Z');
    expect(p).toMatchObject({ contacts: [], interactions: [], contactsCompleteness: 'partial', interactionsCompleteness: 'partial', cursor: '2026-11-02T00:00:00.000Z' });
    expect(p.problems[0]).toBe('no new Instagram export since 2026-11-02');
  });

  it('an older export uploaded after a newer one was read is ignored with a line; a non-ZIP is named', async () => {
    const { prefix, tmp } = fresh();
    s3.put(`${prefix}instagram-nov.zip`, await zipBytes(NOV), new Date('2026-11-02T10:00:00Z'));
    s3.put(`${prefix}instagram-oct.zip`, await zipBytes(OCT), new Date('2026-11-10T10:00:00Z'));
    s3.put(`${prefix}notes.txt`, 'hello');
    s3.put(`${prefix}.hidden.zip`, 'x');
    const p = await pull(source(prefix, tmp), '2026-11-02T00:00:00.000Z', '2026-11-12T08:00:00Z');
    expect(p.problems).toEqual([
      'no new Instagram export since 2026-11-02',
      `notes.txt in s3://${s3.bucket}/${prefix} is not an export (give the ZIP as downloaded, or its unpacked folder); ignored`,
      'instagram-oct.zip: an export of 2026-10-01 is older than the last one read (2026-11-02): ignored',
    ]);
  });

  it('an empty prefix: no export yet, naming where it looked', async () => {
    const { prefix, tmp } = fresh();
    const p = await pull(source(prefix, tmp));
    expect(p.contactsCompleteness).toBe('partial');
    expect(p.problems[0]).toContain(`no Instagram export in s3://${s3.bucket}/${prefix}`);
  });

  it('pages over more keys than one page holds (the server returns 3 a page)', async () => {
    const { prefix, tmp } = fresh();
    s3.put(`${prefix}z-newest.zip`, await zipBytes(NOV));
    for (let i = 0; i < 10; i++) s3.put(`${prefix}other-${String(i).padStart(2, '0')}.txt`, 'x');
    const before = s3.requests.length;
    const p = await pull(source(prefix, tmp));
    const lists = s3.requests.slice(before).filter((r) => r.query['list-type'] === '2');
    expect(lists).toHaveLength(4);
    expect(lists.slice(1).every((r) => r.query['continuation-token'] !== undefined)).toBe(true);
    expect(p.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(p.problems.filter((l) => l.includes('is not an export'))).toHaveLength(10);
  });

  it('an export bigger than the limit is refused with a message, without downloading it', async () => {
    const { prefix, tmp } = fresh();
    const bytes = await zipBytes(NOV);
    s3.put(`${prefix}big.zip`, bytes);
    const before = s3.requests.length;
    const err = await pull(source(prefix, tmp, bytes.length - 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(/^big\.zip is \d+ MB, more than the \d+ MB a deployed pull downloads: download the export again with only "Followers and following" and "Your activity"/);
    expect(s3.requests.slice(before).filter((r) => r.method === 'GET' && r.query['list-type'] === undefined)).toEqual([]);
  });

  it('the parts of one export are downloaded and read together; an unpacked folder too', async () => {
    const { prefix, tmp } = fresh();
    // An unpacked folder uploaded by hand (e.g. from the console).
    for (const [name, content] of Object.entries(NOV)) s3.put(`${prefix}unpacked/${name}`, content);
    const p = await pull(source(prefix, tmp));
    expect(p.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(p.contacts).toHaveLength(3);
    expect(await readdir(tmp).catch(() => [])).toEqual([]);
  });

  it('sources pulled at once share /tmp: a download waits until the other one is read and removed', async () => {
    const one = fresh();
    const two = fresh();
    const bytes = await zipBytes(NOV);
    s3.put(`${one.prefix}a.zip`, bytes);
    s3.put(`${two.prefix}b.zip`, bytes);
    let peak = 0;
    class Watched extends TmpSpace {
      private held = 0;
      override async reserve(n: number): Promise<() => void> {
        const release = await super.reserve(n);
        this.held += n;
        peak = Math.max(peak, this.held);
        return () => {
          this.held -= n;
          release();
        };
      }
    }
    // Room for one export at a time.
    const space = new Watched(bytes.length);
    const inbox = (f: { prefix: string; tmp: string }): S3ExportInbox => new S3ExportInbox({ client, bucket: s3.bucket, prefix: f.prefix, tmpDir: f.tmp, space });
    const [p1, p2] = await Promise.all(
      [one, two].map(async (f) => {
        const i = inbox(f);
        return pull(new ExportSource({ id: 'instagram', network: 'instagram', dir: i.where, inbox: i }));
      }),
    );
    expect([p1?.cursor, p2?.cursor]).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-02T00:00:00.000Z']);
    expect(peak).toBe(bytes.length);
  });

  it('a missing bucket fails the pull naming the bucket prefix', async () => {
    const inbox = new S3ExportInbox({ client, bucket: 'no-such-bucket', prefix: exportsPrefix('x', 'instagram'), tmpDir: join(root, 'tmp', 'missing') });
    const src = new ExportSource({ id: 'instagram', network: 'instagram', dir: inbox.where, inbox });
    await expect(src.pull({ now: new Date('2026-11-05T08:00:00Z') })).rejects.toThrow(/^s3:\/\/no-such-bucket\/exports\/x\/instagram\/: cannot list the exports \(NoSuchBucket/);
  });

  it('buildSources reads the bucket prefix exports/<profile>/<source>/ when deployed, never the config folder', async () => {
    const config = parseConfig(
      {
        profiles: [
          {
            id: 'deployed',
            sources: [{ type: 'instagram', id: 'ig', exports: 'exports/instagram' }],
            report: { recipients: ['a@example.org'], sender: 'r@example.org' },
          },
        ],
        delivery: { type: 'outbox', dir: 'outbox' },
      },
      'test',
    );
    s3.put(`exports/deployed/ig/instagram-me-2026-11-02.zip`, await zipBytes(NOV));
    const profile = config.profiles[0];
    if (profile === undefined) throw new Error('no profile');
    const tmp = join(root, 'tmp-build');
    const [src] = await buildSources(profile, {
      secrets: { resolve: async () => '' },
      sessions: { loadSession: async () => undefined, saveSession: async () => {} } as never,
      configDir: join(root, 'nowhere'),
      exportsBucket: { client, bucket: s3.bucket, tmpDir: tmp },
    });
    const p = await pull(src as ExportSource);
    expect(p.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(s3.requests.some((r) => r.query['prefix'] === 'exports/deployed/ig/')).toBe(true);
  });
});
