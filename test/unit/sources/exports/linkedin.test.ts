import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ExportSnapshot } from '../../../../shared/sources/exports/export-types.ts';
import { parseLinkedInDate } from '../../../../shared/sources/exports/linkedin/linkedin-dates.ts';
import { linkedinParser } from '../../../../shared/sources/exports/linkedin/linkedin-parser.ts';
import { fixtureExportFiles, memoryExportFiles } from '../../../helpers/export-files.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/exports/linkedin');

describe('linkedin parser', () => {
  it('mid-2023+: preamble skipped, URL column, quoted commas, quotes and newlines, a hidden profile counted', async () => {
    const files = fixtureExportFiles(join(FIXTURES, '2023'), { label: 'Complete_LinkedInDataExport_12-08-2026.zip' });
    expect(linkedinParser.recognises(files)).toBe(true);
    const snap = await linkedinParser.parse(files);
    expect(ExportSnapshot.parse(snap)).toEqual(snap);
    expect(snap.network).toBe('linkedin');
    expect(snap.era).toBe('linkedin-2023');
    expect(snap.exportedAt).toBe('2026-12-08T00:00:00.000Z');
    expect(snap.followers).toBeNull();
    expect(snap.following).toBeNull();
    expect(snap.mutuals).toEqual({
      complete: true,
      ties: [
        {
          person: { handle: 'ines-okafor-3b2a91', displayName: 'Ines Okafor', profileUrl: 'https://www.linkedin.com/in/ines-okafor-3b2a91' },
          since: '2026-02-08T00:00:00.000Z',
        },
        {
          person: { handle: 'jürgen-müller', displayName: 'Jürgen Müller-Lüdenscheidt', profileUrl: 'https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller' },
          since: '2026-12-07T00:00:00.000Z',
        },
        {
          person: { handle: 'sinead-oconnor', displayName: "Sinéad O'Connor", profileUrl: 'https://www.linkedin.com/in/sinead-oconnor/' },
          since: '2025-03-01T00:00:00.000Z',
        },
      ],
    });
    expect(snap.interactions).toEqual([]);
    expect(snap.warnings).toEqual([
      '1 connections have hidden or closed profiles (a date only in Connections.csv): they cannot be named or judged.',
      "2 reactions and 1 comments of yours not recorded: LinkedIn's export names the post, not its author.",
      '1 invitations in Invitations.csv not used: an invitation is not a connection.',
    ]);
    expect(snap.filesRead).toEqual(['Connections.csv', 'Reactions.csv', 'Comments.csv', 'Invitations.csv']);
  });

  it('mid-2021/2022: preamble, no URL column — people named only; dated by the newest record when the name has no date', async () => {
    const snap = await linkedinParser.parse(fixtureExportFiles(join(FIXTURES, '2022'), { label: 'linkedin.zip' }));
    expect(snap.era).toBe('linkedin-2022');
    expect(snap.mutuals?.ties).toEqual([
      { person: { displayName: 'Ravi Shankar' }, since: '2022-09-14T00:00:00.000Z' },
      { person: { displayName: 'Zoë Lefèvre' }, since: '2022-01-02T00:00:00.000Z' },
    ]);
    expect(snap.exportedAt).toBe('2022-09-14T00:00:00.000Z');
  });

  it('before mid-2021: the header is the first line', async () => {
    const snap = await linkedinParser.parse(fixtureExportFiles(join(FIXTURES, '2020'), { label: 'Basic_LinkedInDataExport_11-02-2020.zip' }));
    expect(snap.era).toBe('linkedin-2020');
    expect(snap.exportedAt).toBe('2020-11-02T00:00:00.000Z');
    expect(snap.mutuals?.ties.map((t) => [t.person.displayName, t.since])).toEqual([
      ['Hana Novak', '2020-10-21T00:00:00.000Z'],
      ['Omar Haddad', '2019-05-05T00:00:00.000Z'],
    ]);
  });

  it('merges split Connections_N.csv files', async () => {
    const header = 'First Name,Last Name,URL,Email Address,Company,Position,Connected On\n';
    const snap = await linkedinParser.parse(
      memoryExportFiles({
        'Connections_1.csv': `${header}Ann,Lee,https://www.linkedin.com/in/ann-lee,,,,01 Jan 2026\n`,
        'Connections_2.csv': `${header}Bo,Kim,https://www.linkedin.com/in/bo-kim,,,,02 Jan 2026\n`,
      }),
    );
    expect(snap.mutuals?.ties.map((t) => t.person.handle)).toEqual(['ann-lee', 'bo-kim']);
  });

  it('refuses a CSV it cannot read, naming the file', async () => {
    const files = memoryExportFiles({ 'Connections.csv': 'First Name,Last Name,Connected On\n"Ann,Lee,01 Jan 2026\n' }, { label: 'li.zip' });
    await expect(linkedinParser.parse(files)).rejects.toThrow(/li\.zip: Connections\.csv is not a readable CSV file/);
  });

  it('refuses a Connections.csv without its header, naming the file', async () => {
    const files = memoryExportFiles({ 'Connections.csv': 'Name,Date\nAnn,01 Jan 2026\n' }, { label: 'li.zip' });
    await expect(linkedinParser.parse(files)).rejects.toThrow(/li\.zip: Connections\.csv has no header row starting with "First Name"/);
  });

  it.each([
    ['07 Dec 2026', '2026-12-07T00:00:00.000Z'],
    ['7 Dec 2026', '2026-12-07T00:00:00.000Z'],
    ['1/29/26, 2:37 PM', '2026-01-29T14:37:00.000Z'],
    ['12/31/2025', '2025-12-31T00:00:00.000Z'],
    ['2025-06-01 14:03:22 UTC', '2025-06-01T14:03:22.000Z'],
    ['2025/06/01 14:03:22 UTC', '2025-06-01T14:03:22.000Z'],
    ['31 Feb 2026', undefined],
    ['soon', undefined],
  ])('date %s', (text, expected) => {
    expect(parseLinkedInDate(text)).toBe(expected);
  });
});
