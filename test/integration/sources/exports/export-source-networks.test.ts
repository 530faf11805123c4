/**
 * Every network's parser behind the export source, over the parsers' own fixtures (one per era):
 * the pull is a valid SourcePull of that network, contacts link to their profiles (Facebook: no
 * link exists), LinkedIn connections are mutual, a Facebook name shared by
 * two friends is counted and never guessed, and the date-range trap gives a partial pull.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourcePull } from '../../../../shared/domain/model.ts';
import type { ExportNetwork } from '../../../../shared/sources/exports/export-types.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fb-export-networks-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function pullFixture(fixture: string, network: ExportNetwork): Promise<SourcePull> {
  const dir = join(root, fixture.replace(/\//g, '-'), network);
  await cp(join('test', 'fixtures', 'exports', fixture), join(dir, 'export'), { recursive: true });
  return SourcePull.parse(await new ExportSource({ id: network, network, dir }).pull({ now: new Date('2026-12-07T00:00:00Z') }));
}

const CASES: ReadonlyArray<readonly [string, ExportNetwork]> = [
  ['instagram/era-2020', 'instagram'],
  ['instagram/era-2021', 'instagram'],
  ['instagram/era-2022', 'instagram'],
  ['instagram/era-2025', 'instagram'],
  ['instagram/era-2026', 'instagram'],
  ['threads/folder-only', 'threads'],
  ['threads/era-2023', 'threads'],
  ['threads/era-2026', 'threads'],
  ['facebook/2018', 'facebook'],
  ['facebook/2020', 'facebook'],
  ['facebook/2023', 'facebook'],
  ['x/2019', 'x'],
  ['x/2020', 'x'],
  ['x/2022', 'x'],
  ['linkedin/2020', 'linkedin'],
  ['linkedin/2022', 'linkedin'],
  ['linkedin/2023', 'linkedin'],
  ['tiktok/2020', 'tiktok'],
  ['tiktok/2024', 'tiktok'],
  ['tiktok/2025', 'tiktok'],
];

describe('every network behind the export source', () => {
  it.each(CASES)('%s read by the %s source is a valid pull of that network', async (fixture, network) => {
    const pull = await pullFixture(fixture, network);
    expect(pull.platform).toBe(network);
    expect(pull.cursor).toBe(pull.takenAt);
    expect(pull.contacts.length).toBeGreaterThan(0);
    expect(new Set(pull.contacts.map((c) => c.id)).size).toBe(pull.contacts.length);
    for (const c of pull.contacts) {
      if (network === 'facebook') expect(c.profileUrl).toBeUndefined();
      else if (!c.id.startsWith('name:')) expect(c.profileUrl, c.id).toMatch(/^https:\/\//);
      if (network === 'linkedin') expect(c.relation).toBe('mutual');
      expect(c.handle.toLowerCase()).not.toBe(pull.owner.handle.toLowerCase());
    }
    const ids = new Set(pull.contacts.map((c) => c.id));
    for (const i of pull.interactions) expect(ids.has(i.contactId), i.contactId).toBe(true);
    expect(new Set(pull.interactions.map((i) => i.id)).size).toBe(pull.interactions.length);
  });

  it('Facebook: friends are mutual; notifications count for the one friend with that name; a homonym is counted, not guessed', async () => {
    const pull = await pullFixture('facebook/2023', 'facebook');
    // Friends are mutual; people you only follow, or who only follow you, keep that relation.
    expect(pull.contacts.filter((c) => c.relation === 'mutual').length).toBeGreaterThan(0);
    expect(pull.contacts.some((c) => c.relation === 'follower')).toBe(true);
    expect(pull.interactions.some((i) => i.direction === 'inbound')).toBe(true);
    expect(pull.problems.join('\n')).toMatch(/interactions name someone who matches several contacts \(same name\); not counted, never guessed/);
  });

  it('X: follower ids show their handle where the archive names them, the rest as x:<id> with a link by id', async () => {
    const pull = await pullFixture('x/2022', 'x');
    expect(pull.contacts.every((c) => c.id.startsWith('x:'))).toBe(true);
    expect(pull.contacts.some((c) => c.handle.startsWith('@') && c.profileUrl === `https://x.com/${c.handle.slice(1)}`)).toBe(true);
  });

  it('a date-limited Instagram export gives a partial pull with the reason and how to export All time', async () => {
    const pull = await pullFixture('instagram/date-range-2026', 'instagram');
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.problems.join('\n')).toMatch(/All time/);
  });
});
