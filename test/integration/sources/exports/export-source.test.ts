/**
 * The export source over real ZIPs and folders in a temp exports folder, read by the real
 * Instagram parser: the newest export not read yet by its own date (not the file's mtime),
 * older ones dropped in late ignored with a line, no new export concludes nothing (through
 * mergePulls), parts of one export read together, broken/HTML/other-network exports fail the
 * pull naming the file.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePulls } from '../../../../shared/app/merge-pulls.ts';
import { SourcePull } from '../../../../shared/domain/model.ts';
import { SourceError } from '../../../../shared/ports/source.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';
import { groupKey, listExports, splitPartName } from '../../../../shared/sources/exports/export-inbox.ts';
import { NOV, OCT, filedAt, instagramHtmlEntries, writeFolder, writeZip, type Entries } from './export-source-fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fb-export-source-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
const freshDir = async (): Promise<string> => {
  const dir = join(root, `exports-${++n}`);
  await mkdir(dir, { recursive: true });
  return dir;
};


const source = (dir: string): ExportSource => new ExportSource({ id: 'instagram', network: 'instagram', dir });
const pull = async (dir: string, cursor?: string, now = '2026-11-05T08:00:00Z'): Promise<SourcePull> =>
  SourcePull.parse(await source(dir).pull({ now: new Date(now), ...(cursor !== undefined ? { cursor } : {}) }));
const failure = async (dir: string, cursor?: string): Promise<SourceError> => {
  try {
    await pull(dir, cursor);
  } catch (err) {
    if (err instanceof SourceError) return err;
    throw err;
  }
  throw new Error('the pull did not fail');
};

describe('which export a pull reads', () => {
  it('the newest export by its own date, not by the file mtime or name; the cursor is its date', async () => {
    const dir = await freshDir();
    // b.zip is the newer export but the older file; a.zip is older but was filed later.
    await filedAt(await writeZip(join(dir, 'b.zip'), NOV), '2026-10-01T00:00:00Z');
    await filedAt(await writeZip(join(dir, 'a.zip'), OCT), '2026-10-02T00:00:00Z');
    const p = await pull(dir);
    expect(p.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(p.takenAt).toBe('2026-11-02T00:00:00.000Z');
    expect(p.platform).toBe('instagram');
    expect(p.contactsCompleteness).toBe('complete');
    expect(p.contacts.map((c) => [c.id, c.relation]).sort()).toEqual([
      ['ada', 'mutual'],
      ['bruno', 'following'],
      ['chen', 'follower'],
    ]);
    expect(p.interactions).toMatchObject([{ contactId: 'bruno', kind: 'like', direction: 'outbound', at: '2026-10-30T10:00:00.000Z' }]);
    // Filed before the newer export was made: an earlier export, not one dropped in late.
    expect(p.problems.join('\n')).not.toMatch(/older than/);
  });

  it('with no export newer than the last one read, the pull concludes nothing and says since when', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'b.zip'), NOV);
    const p = await pull(dir, '2026-11-02T00:00:00.000Z');
    expect(p).toMatchObject({ contacts: [], interactions: [], contactsCompleteness: 'partial', interactionsCompleteness: 'partial', cursor: '2026-11-02T00:00:00.000Z' });
    expect(p.problems[0]).toBe('no new Instagram export since 2026-11-02');
    expect(p.owner.handle).toBe('me.brand');
  });

  it('an older export dropped in after a newer one was read is ignored with a line saying so', async () => {
    const dir = await freshDir();
    await filedAt(await writeZip(join(dir, 'instagram-nov.zip'), NOV), '2026-11-02T10:00:00Z');
    await filedAt(await writeZip(join(dir, 'instagram-oct.zip'), OCT), '2026-11-10T10:00:00Z');
    const p = await pull(dir, '2026-11-02T00:00:00.000Z', '2026-11-12T08:00:00Z');
    expect(p.contactsCompleteness).toBe('partial');
    expect(p.problems).toEqual(['no new Instagram export since 2026-11-02', 'instagram-oct.zip: an export of 2026-10-01 is older than the last one read (2026-11-02): ignored']);
  });

  it('a pull with nothing new, merged with the last one, loses no follower and keeps every contact as it was', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'b.zip'), NOV);
    const first = await pull(dir);
    const merged = mergePulls({
      now: '2026-11-05T08:00:00.000Z',
      retentionDays: 730,
      outcomes: [{ sourceId: 'instagram', platform: 'instagram', ok: true, pull: first }],
      storedContacts: [],
      storedSources: [],
      storedInteractions: [],
    });
    const second = await pull(dir, first.cursor, '2026-11-12T08:00:00Z');
    const again = mergePulls({
      now: '2026-11-12T08:00:00.000Z',
      retentionDays: 730,
      outcomes: [{ sourceId: 'instagram', platform: 'instagram', ok: true, pull: second }],
      storedContacts: merged.current,
      storedSources: merged.sourceStates,
      storedInteractions: merged.newInteractions,
    });
    expect(again.removedContactKeys).toEqual([]);
    expect(again.newInteractions).toEqual([]);
    expect(again.current.map((c) => [c.id, c.relation]).sort()).toEqual(merged.current.map((c) => [c.id, c.relation]).sort());
    expect(again.sourceRuns[0]).toMatchObject({ contacts: 'partial', interactions: 'partial', problems: ['no new Instagram export since 2026-11-02'] });
    expect(again.sourceStates[0]?.cursor).toBe('2026-11-02T00:00:00.000Z');
  });

  it('a backfill (--now) over a folder of exports replays them in order: one dated after the run is not read yet', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'oct.zip'), OCT);
    await writeZip(join(dir, 'nov.zip'), NOV);
    const first = await pull(dir, undefined, '2026-10-02T08:00:00Z');
    expect(first.cursor).toBe('2026-10-01T00:00:00.000Z');
    expect(first.problems).toEqual(['nov.zip: an export of 2026-11-02 is dated after this run (2026-10-02): not read yet']);
    const second = await pull(dir, first.cursor, '2026-11-03T08:00:00Z');
    expect(second.cursor).toBe('2026-11-02T00:00:00.000Z');
    expect(second.problems).toEqual([]);
  });

  it('the same export read twice stores nothing twice (same interaction ids)', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'b.zip'), NOV);
    const a = await pull(dir);
    const b = await pull(dir);
    expect(b.interactions.map((i) => i.id)).toEqual(a.interactions.map((i) => i.id));
  });

  it('the parts of one export are read together, and an unpacked folder is read like its ZIP', async () => {
    const dir = await freshDir();
    const entries = Object.entries(NOV);
    const followers: Entries = Object.fromEntries(entries.filter(([k]) => k.includes('followers_')));
    const rest: Entries = Object.fromEntries(entries.filter(([k]) => !k.includes('followers_')));
    await writeZip(join(dir, 'instagram-me.brand-2026-11-02-Ab3dE_part_1.zip'), followers);
    await writeZip(join(dir, 'instagram-me.brand-2026-11-02-Ab3dE_part_2.zip'), rest);
    const listing = await listExports(dir);
    expect(listing.candidates).toHaveLength(1);
    expect(listing.candidates[0]?.paths).toHaveLength(2);
    const p = await pull(dir);
    expect(p.contactsCompleteness).toBe('complete');
    expect(p.contacts).toHaveLength(3);

    const unpacked = await freshDir();
    await writeFolder(join(unpacked, 'my-export'), NOV);
    const q = await pull(unpacked);
    expect(q.contacts.map((c) => c.id).sort()).toEqual(['ada', 'bruno', 'chen']);
    expect(q.cursor).toBe('2026-11-02T00:00:00.000Z');
  });

  it('part names: markers are split off the stem; the date and random parts stay', () => {
    expect(splitPartName('instagram-a-2026-11-02-Ab3_part_2.zip')).toEqual({ stem: 'instagram-a-2026-11-02-Ab3', marker: '_part_2', ext: '.zip' });
    expect(splitPartName('instagram-a-2026-11-02-Ab3 (1).zip')).toEqual({ stem: 'instagram-a-2026-11-02-Ab3', marker: ' (1)', ext: '.zip' });
    expect(splitPartName('twitter-2026-11-02-abc-part1.zip').stem).toBe('twitter-2026-11-02-abc');
    expect(splitPartName('Basic_LinkedInDataExport_11-02-2026.zip').stem).toBe('Basic_LinkedInDataExport_11-02-2026');
    expect(splitPartName('x.2.zip').stem).toBe('x.2');
    // Meta's names: one account and day is one export, whatever the random tail; a suffix added on filing is not.
    expect(groupKey('instagram-me.brand-2026-11-02-Ab3dE.zip')).toBe(groupKey('instagram-me.brand-2026-11-02-Zz9Yx.zip'));
    expect(groupKey('instagram-me.brand-2026-11-02-Ab3dE.zip')).not.toBe(groupKey('instagram-me.brand-2026-11-03-Ab3dE.zip'));
    expect(groupKey('instagram-me.brand-2026-11-02-Ab3dE.1.zip')).not.toBe(groupKey('instagram-me.brand-2026-11-02-Ab3dE.zip'));
    expect(groupKey('Basic_LinkedInDataExport_11-02-2026.zip')).toBe('basic_linkedindataexport_11-02-2026');
  });

  it('the listing: parts in their natural order, a duplicate download joined to its original, unfinished and hidden files skipped', async () => {
    const dir = await freshDir();
    for (const name of ['e_part_10.zip', 'e_part_2.zip', 'e_part_1.zip', 'dup.zip', 'dup (1).zip', 'half.zip.crdownload', '.importing-x.zip', 'readme.txt']) await writeFile(join(dir, name), 'x');
    await mkdir(join(dir, 'unpacked'));
    const listing = await listExports(dir);
    expect(listing.candidates.map((c) => [c.name, c.paths.map((p) => p.slice(dir.length + 1))])).toEqual([
      ['dup.zip (2 parts)', ['dup.zip', 'dup (1).zip']],
      ['e.zip (3 parts)', ['e_part_1.zip', 'e_part_2.zip', 'e_part_10.zip']],
      ['unpacked', ['unpacked']],
    ]);
    expect(listing.ignored).toEqual(['readme.txt']);
  });

  it('an empty or missing folder: no export yet, nothing concluded', async () => {
    const p = await pull(join(root, 'nowhere'));
    expect(p.contactsCompleteness).toBe('partial');
    expect(p.problems[0]).toMatch(/^no Instagram export in .*nowhere \(the folder does not exist yet\): download one/);
  });

  it('the reminder: every pull says the newest export read so far; the report, not a problem line, asks for a new one', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'b.zip'), NOV);
    const p = await pull(dir, '2026-11-02T00:00:00.000Z', '2026-12-20T08:00:00Z');
    expect(p.exportAge).toEqual({ newestExportAt: '2026-11-02T00:00:00.000Z', reminderDays: 30 });
    expect(p.problems.join('\n')).not.toMatch(/download a new one/);
  });
});

describe('what one export could see', () => {
  it('an export downloaded without its activity files says so, and its pull sees no outbound engagement', async () => {
    const dir = await freshDir();
    const withoutActivity = Object.fromEntries(Object.entries(NOV).filter(([k]) => !k.includes('liked_posts')));
    await writeZip(join(dir, 'b.zip'), withoutActivity);
    const p = await pull(dir);
    expect(p.observes).toMatchObject({ inbound: [], outbound: [] });
    expect(p.problems.join('\n')).toMatch(/b\.zip: the export holds no activity files, so that engagement is not judged from it/);
    expect((await pull(await (async () => {
      const full = await freshDir();
      await writeZip(join(full, 'b.zip'), NOV);
      return full;
    })())).observes).toBeUndefined();
  });
});

describe('exports that cannot be read fail the pull, naming the file', () => {
  it('an HTML export', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'instagram-html.zip'), instagramHtmlEntries('2026-11-02'));
    const err = await failure(dir);
    expect(err.sourceId).toBe('instagram');
    expect(err.message).toMatch(/instagram-html\.zip is an HTML export; followback reads the JSON one/);
    expect(err.message).toMatch(/Format: JSON/);
  });

  it('a broken ZIP', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'cut.zip'), Buffer.from('PK\u0003\u0004 not really a zip at all'));
    const err = await failure(dir);
    expect(err.message).toMatch(/^cut\.zip/);
  });

  it("another network's export", async () => {
    const dir = await freshDir();
    await cp(join('test', 'fixtures', 'exports', 'x', '2022'), join(dir, 'twitter-archive'), { recursive: true });
    const err = await failure(dir);
    expect(err.message).toMatch(/twitter-archive is an X export, not an Instagram one/);
  });

  it('a file that is no export is listed as ignored, not read', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'b.zip'), NOV);
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, '.importing-abc-x.zip'), 'half a copy');
    const p = await pull(dir);
    expect(p.contactsCompleteness).toBe('complete');
    expect(p.problems).toContain(`notes.txt in ${dir} is not an export (give the ZIP as downloaded, or its unpacked folder); ignored`);
  });
});
