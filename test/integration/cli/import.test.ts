/**
 * `followback import`: a good export is described and filed in the source's exports folder
 * (folder 0700, file 0600, never an overwrite); a wrong network's, broken or HTML export exits 2
 * naming the file and stores nothing.
 */
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOV, instagramEntries, instagramHtmlEntries, writeFolder, writeZip } from '../sources/exports/export-source-fixtures.ts';
import { cli, tempDir, writeJson } from './cli-harness.ts';


describe('followback import', () => {
  let dir: string;
  const exportsDir = (): string => join(dir, 'exports', 'instagram');
  const filed = async (): Promise<string[]> => (await readdir(exportsDir()).catch(() => [] as string[])).sort();

  beforeAll(async () => {
    dir = await tempDir('fb-import-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'me',
          sources: [
            { type: 'instagram', id: 'instagram', exports: 'exports/instagram' },
            { type: 'file', id: 'snap', path: 'snapshot.json' },
          ],
          report: { recipients: ['me@example.com'], sender: 'fb@example.com' },
        },
      ],
    });
    await writeJson(join(dir, 'other.json'), {
      profiles: [{ id: 'me', sources: [{ type: 'instagram', id: 'instagram', exports: 'exports/other' }], report: { recipients: ['me@example.com'], sender: 'fb@example.com' } }],
    });
  });

  it('refuses a wrong network, a broken ZIP and an HTML export with exit 2, naming the file, and stores nothing', async () => {
    await cp(join('test', 'fixtures', 'exports', 'x', '2022'), join(dir, 'twitter-archive'), { recursive: true });
    const wrong = await cli(['import', 'twitter-archive', '--source', 'instagram'], dir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/twitter-archive is an X export, but this source reads Instagram exports/);
    expect(wrong.stderr).toMatch(/nothing was stored/);

    await writeFile(join(dir, 'cut.zip'), Buffer.from('PK\u0003\u0004 cut short'));
    const broken = await cli(['import', 'cut.zip', '--source', 'instagram'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^followback: cut\.zip/);

    await writeZip(join(dir, 'instagram-me.brand-2026-11-02-Html.zip'), instagramHtmlEntries('2026-11-02'));
    const html = await cli(['import', 'instagram-me.brand-2026-11-02-Html.zip', '--source', 'instagram'], dir);
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/instagram-me\.brand-2026-11-02-Html\.zip is an HTML export; followback reads the JSON one/);
    expect(html.stderr).toMatch(/Format: JSON/);
    expect(html.stderr).toMatch(/All time/);
    expect(html.stdout).toBe('');

    expect(await filed()).toEqual([]);
  });

  it('files a good export (0700 folder, 0600 file) after saying what it holds; the same file again is already there; another of the same name gets a suffix', async () => {
    const zip = await writeZip(join(dir, 'downloads', 'instagram-me.brand-2026-11-02-Ab3dE.zip'), NOV);
    const run = await cli(['import', zip, '--source', 'instagram'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^instagram-me\.brand-2026-11-02-Ab3dE\.zip: an Instagram export \(instagram-2022\), exported on 2026-11-02 for me\.brand\n/);
    expect(run.stdout).toMatch(/lists: 2 followers, 2 following -> 3 contacts, complete/);
    expect(run.stdout).toMatch(/interactions: 1 \(1 about contacts\)/);
    expect(run.stdout).toMatch(/files read: .*followers_1\.json/);
    expect(run.stdout).toMatch(/me\/instagram: filed as instagram-me\.brand-2026-11-02-Ab3dE\.zip in .*exports\/instagram; the next run reads it\n$/);
    expect(await filed()).toEqual(['instagram-me.brand-2026-11-02-Ab3dE.zip']);
    expect((await stat(exportsDir())).mode & 0o777).toBe(0o700);
    expect((await stat(join(exportsDir(), 'instagram-me.brand-2026-11-02-Ab3dE.zip'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(exportsDir(), 'instagram-me.brand-2026-11-02-Ab3dE.zip'))).toEqual(await readFile(zip));

    const again = await cli(['import', zip, '--source', 'instagram'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already filed as instagram-me\.brand-2026-11-02-Ab3dE\.zip/);
    expect(await filed()).toEqual(['instagram-me.brand-2026-11-02-Ab3dE.zip']);

    const other = await writeZip(join(dir, 'elsewhere', 'instagram-me.brand-2026-11-02-Ab3dE.zip'), instagramEntries({ day: '2026-11-02', followers: [['zoe', '2026-01-01T00:00:00Z']], following: [] }));
    const suffixed = await cli(['import', other, '--source', 'instagram'], dir);
    expect(suffixed.code).toBe(0);
    expect(await filed()).toEqual(['instagram-me.brand-2026-11-02-Ab3dE.1.zip', 'instagram-me.brand-2026-11-02-Ab3dE.zip']);
    expect(await readFile(join(exportsDir(), 'instagram-me.brand-2026-11-02-Ab3dE.zip'))).toEqual(await readFile(zip));
  });

  it('an unpacked folder is filed whole (folders 0700, files 0600); the parts of one export given under other names are filed under one stem', async () => {
    const folder = await writeFolder(join(dir, 'unpacked', 'my-instagram'), NOV);
    const run = await cli(['import', folder, '--source', 'instagram', '--config', 'other.json'], dir);
    expect(run.code, run.stderr).toBe(0);
    const copied = join(dir, 'exports', 'other', 'my-instagram');
    expect((await stat(copied)).mode & 0o777).toBe(0o700);
    const followers = join(copied, 'instagram-me.brand-2026-11-02-Ab3dE', 'connections', 'followers_and_following', 'followers_1.json');
    expect((await stat(followers)).mode & 0o777).toBe(0o600);
    expect((await stat(join(copied, 'instagram-me.brand-2026-11-02-Ab3dE', 'connections'))).mode & 0o777).toBe(0o700);

    const entries = Object.entries(NOV);
    const one = await writeZip(join(dir, 'parts', 'first.zip'), Object.fromEntries(entries.filter(([k]) => k.includes('followers_'))));
    const two = await writeZip(join(dir, 'parts', 'second.zip'), Object.fromEntries(entries.filter(([k]) => !k.includes('followers_'))));
    const parts = await cli(['import', one, two, '--source', 'instagram', '--config', 'other.json'], dir);
    expect(parts.code, parts.stderr).toBe(0);
    expect(parts.stdout).toMatch(/first\.zip \+ second\.zip: an Instagram export/);
    expect(parts.stdout).toMatch(/lists: 2 followers, 2 following -> 3 contacts, complete/);
    expect((await readdir(join(dir, 'exports', 'other'))).sort()).toEqual(['first_part_1.zip', 'first_part_2.zip', 'my-instagram']);
  });

  it('a date-limited export is filed, saying its followers list is incomplete and how to export All time', async () => {
    const run = await cli(['import', join(process.cwd(), 'test', 'fixtures', 'exports', 'instagram', 'date-range-2026'), '--source', 'instagram', '--config', 'other.json'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/followers \(INCOMPLETE: nothing is concluded from it\)/);
    expect(run.stdout).toMatch(/partial \(no lost followers will be concluded from it\)/);
    expect(run.stdout).toMatch(/! .*All time/);
  });

  it('bad flags and a source that reads no exports exit 2', async () => {
    expect((await cli(['import', '--source', 'instagram'], dir)).code).toBe(2);
    expect((await cli(['import', 'x.zip'], dir)).stderr).toMatch(/--source is needed/);
    const notExport = await cli(['import', 'x.zip', '--source', 'snap'], dir);
    expect(notExport.code).toBe(2);
    expect(notExport.stderr).toMatch(/source "snap" is a file source/);
    const unknown = await cli(['import', 'x.zip', '--source', 'tiktok'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no source "tiktok"; its export sources: instagram \(instagram\)/);
    const missing = await cli(['import', 'nope.zip', '--source', 'instagram'], dir);
    expect(missing.stderr).toMatch(/nope\.zip: no such file or folder/);
    const help = await cli(['import', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: followback import FILE/);
  });
});
