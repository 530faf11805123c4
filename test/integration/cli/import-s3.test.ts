/**
 * `followback import --bucket/--deployed`: the export is checked as for the folder (exit 2, nothing
 * stored), then uploaded with the real @aws-sdk/client-s3 to the local S3 (test/helpers/s3-server.ts)
 * under exports/<profile>/<source>/, never over an existing object; the deployed run's export source
 * then reads it from there.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommand, type MakeImportClients } from '../../../functions/commands/import.ts';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { SourcePull } from '../../../shared/domain/model.ts';
import { ExportSource } from '../../../shared/sources/exports/export-source.ts';
import { S3ExportInbox } from '../../../shared/sources/exports/s3-export-inbox.ts';
import { localS3ClientConfig, startLocalS3, type LocalS3 } from '../../helpers/s3-server.ts';
import { instagramEntries, instagramHtmlEntries, writeZip } from '../sources/exports/export-source-fixtures.ts';
import { tempDir, writeJson } from './cli-harness.ts';

const NOV = instagramEntries({
  day: '2026-11-02',
  followers: [
    ['ada', '2025-01-10T10:00:00Z'],
    ['chen', '2026-10-20T10:00:00Z'],
  ],
  following: [
    ['ada', '2025-01-09T10:00:00Z'],
    ['bruno', '2026-01-05T10:00:00Z'],
  ],
});
const DEC = instagramEntries({ day: '2026-12-01', followers: [['ada', '2025-01-10T10:00:00Z']], following: [['ada', '2025-01-09T10:00:00Z']] });

let s3: LocalS3;
let client: S3Client;
let dir: string;
const stackCalls: string[] = [];
const clients: MakeImportClients = () => ({
  s3: client,
  cloudFormation: {
    send: async (command: DescribeStacksCommand): Promise<DescribeStacksCommandOutput> => {
      stackCalls.push(command.input.StackName ?? '');
      if (command.input.StackName !== 'FbStack') throw new Error(`Stack with id ${command.input.StackName} does not exist`);
      return { $metadata: {}, Stacks: [{ StackName: 'FbStack', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'ExportsBucketName', OutputValue: s3.bucket }] }] };
    },
  },
});

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: dir, isTty: false };
  const code = await importCommand(argv, io, clients);
  return { code, stdout, stderr };
}
const keys = (): string[] => [...s3.objects.keys()].sort();

beforeAll(async () => {
  s3 = await startLocalS3();
  client = new S3Client(localS3ClientConfig(s3));
  dir = await tempDir('fb-import-s3-');
  await writeJson(join(dir, 'followback.config.json'), {
    profiles: [{ id: 'me', sources: [{ type: 'instagram', id: 'ig', exports: 'exports/instagram' }], report: { recipients: ['me@example.com'], sender: 'fb@example.com' } }],
    deploy: { stackName: 'FbStack', sesIdentity: 'example.com' },
  });
  await writeZip(join(dir, 'instagram-me-2026-11-02-AbCd.zip'), NOV);
  await writeZip(join(dir, 'other', 'instagram-me-2026-11-02-AbCd.zip'), DEC);
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});

describe('followback import into the exports bucket', () => {
  it('refuses a broken or HTML export with exit 2 and uploads nothing', async () => {
    await writeFile(join(dir, 'cut.zip'), Buffer.from('PK\u0003\u0004 cut short'));
    const broken = await run(['cut.zip', '--source', 'ig', '--bucket', s3.bucket]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^followback: cut\.zip/);
    expect(broken.stderr).toMatch(/nothing was stored/);
    await writeZip(join(dir, 'instagram-html.zip'), instagramHtmlEntries('2026-11-02'));
    const html = await run(['instagram-html.zip', '--source', 'ig', '--bucket', s3.bucket]);
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/JSON/);
    expect(s3.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(keys()).toEqual([]);
  });

  it('uploads under exports/<profile>/<source>/ with If-None-Match, and the deployed source reads it', async () => {
    const r = await run(['instagram-me-2026-11-02-AbCd.zip', '--source', 'ig', '--bucket', s3.bucket]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/an Instagram export .* exported on 2026-11-02/);
    expect(r.stdout).toContain(`me/ig: filed as instagram-me-2026-11-02-AbCd.zip in s3://${s3.bucket}/exports/me/ig/; the next deployed run reads it`);
    expect(keys()).toEqual(['exports/me/ig/instagram-me-2026-11-02-AbCd.zip']);
    const put = s3.requests.find((q) => q.method === 'PUT');
    expect(put?.headers['if-none-match']).toBe('*');

    const inbox = new S3ExportInbox({ client, bucket: s3.bucket, prefix: 'exports/me/ig/', tmpDir: join(dir, 'tmp') });
    const pull = SourcePull.parse(await new ExportSource({ id: 'ig', network: 'instagram', dir: inbox.where, inbox }).pull({ now: new Date('2026-11-05T08:00:00Z') }));
    expect(pull.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(pull.contacts).toHaveLength(3);
  });

  it('the same bytes again: nothing uploaded; other bytes under the same name: a .1 name, never an overwrite', async () => {
    const original = s3.objects.get('exports/me/ig/instagram-me-2026-11-02-AbCd.zip')?.body;
    const puts = (): number => s3.requests.filter((q) => q.method === 'PUT').length;
    const before = puts();
    const again = await run(['instagram-me-2026-11-02-AbCd.zip', '--source', 'ig', '--bucket', s3.bucket]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already filed as instagram-me-2026-11-02-AbCd.zip');
    expect(puts()).toBe(before);

    const other = await run(['other/instagram-me-2026-11-02-AbCd.zip', '--source', 'ig', '--bucket', s3.bucket]);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('filed as instagram-me-2026-11-02-AbCd.1.zip');
    expect(s3.objects.get('exports/me/ig/instagram-me-2026-11-02-AbCd.zip')?.body.equals(original as Buffer)).toBe(true);
    expect(keys()).toEqual(['exports/me/ig/instagram-me-2026-11-02-AbCd.1.zip', 'exports/me/ig/instagram-me-2026-11-02-AbCd.zip']);
  });

  it('the server refuses (412) an object that appears between the check and the upload, and import says so', async () => {
    // Simulate another import winning the race: the key is taken after the HeadObject, before the PutObject.
    await writeZip(join(dir, 'race', 'instagram-race-2026-11-20-x.zip'), NOV);
    const racing = new S3Client(localS3ClientConfig(s3));
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') s3.put('exports/me/ig/instagram-race-2026-11-20-x.zip', 'someone else');
        return next(args);
      },
      { step: 'initialize' },
    );
    client = racing;
    try {
      const r = await run(['race/instagram-race-2026-11-20-x.zip', '--source', 'ig', '--bucket', s3.bucket]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/appeared while filing .*nothing was overwritten/);
      expect(s3.objects.get('exports/me/ig/instagram-race-2026-11-20-x.zip')?.body.toString()).toBe('someone else');
    } finally {
      racing.destroy();
      client = new S3Client(localS3ClientConfig(s3));
    }
  });

  it('--deployed finds the bucket in the stack outputs; a missing stack stores nothing', async () => {
    await writeZip(join(dir, 'dec', 'instagram-me-2026-12-01-Zz.zip'), DEC);
    const r = await run(['dec/instagram-me-2026-12-01-Zz.zip', '--source', 'ig', '--deployed']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(stackCalls.at(-1)).toBe('FbStack');
    expect(keys()).toContain('exports/me/ig/instagram-me-2026-12-01-Zz.zip');

    const before = keys();
    const missing = await run(['dec/instagram-me-2026-12-01-Zz.zip', '--source', 'ig', '--deployed', '--stack', 'Nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/stack Nope not found.*nothing was stored/);
    expect(keys()).toEqual(before);
  });

  it('the parts of one export are staged, copied into place together, and the staging removed', async () => {
    await writeZip(join(dir, 'parts', 'instagram-me-2026-11-25-Qq_part_1.zip'), NOV);
    await writeZip(join(dir, 'parts', 'instagram-me-2026-11-25-Qq_part_2.zip'), { 'media/x.txt': 'x' });
    const r = await run(['parts/instagram-me-2026-11-25-Qq_part_1.zip', 'parts/instagram-me-2026-11-25-Qq_part_2.zip', '--source', 'ig', '--bucket', s3.bucket]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(keys().filter((k) => k.includes('2026-11-25'))).toEqual(['exports/me/ig/instagram-me-2026-11-25-Qq_part_1.zip', 'exports/me/ig/instagram-me-2026-11-25-Qq_part_2.zip']);
    expect(keys().some((k) => k.includes('.importing-'))).toBe(false);
    const staged = s3.requests.filter((q) => q.method === 'PUT' && q.path.includes('.importing-'));
    expect(staged).toHaveLength(2);
  });

  it('a listing that sees a part still staged holds that export back', async () => {
    const prefix = 'exports/held/ig/';
    s3.put(`${prefix}instagram-me-2026-11-30-Ww_part_1.zip`, 'x');
    s3.put(`${prefix}.importing-abc/instagram-me-2026-11-30-Ww_part_2.zip`, 'x');
    const inbox = new S3ExportInbox({ client, bucket: s3.bucket, prefix, tmpDir: join(dir, 'tmp2') });
    expect((await inbox.list()).candidates).toEqual([]);
  });

  it('an unpacked folder is refused for the bucket (exit 2)', async () => {
    const r = await run(['other', '--source', 'ig', '--bucket', s3.bucket]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the exports bucket takes the ZIP as downloaded/);
  });
});
