import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../../shared/report/render-csv.ts';
import { analysis, sampleReport, sampleVerdicts, verdict } from './analysis-fixture.ts';
import { csvRecords, parseCsv } from './parse-helpers.ts';

describe('CSV attachment', () => {
  it('quotes fields with commas, quotes or line breaks and doubles the quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    for (const hostile of ['=1+1', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd']) {
      expect(csvCell(hostile).replace(/^"/, '').startsWith(`'${hostile[0]}`), hostile).toBe(true);
    }
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('safe=text')).toBe('safe=text');
  });

  it('ends every record with CRLF and has a stable English header', () => {
    const csv = renderCsv(sampleReport({ locale: 'it' }));
    expect(csv.startsWith(`${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/"[^"]*"/g, '').split('\n').every((line, i, all) => i === all.length - 1 || line.endsWith('\r'))).toBe(true);
  });

  it('lists every contact, and parses back to the same values', () => {
    const verdicts = [...sampleVerdicts(), verdict({ id: 'extra', displayName: 'Comma, "Quote"\r\nand = sign', reasons: ['grace_period'] })];
    const report = sampleReport({ analysis: analysis({ verdicts }) });
    const rows = csvRecords(renderCsv(report));
    expect(rows).toHaveLength(verdicts.length);
    expect(parseCsv(renderCsv(report)).every((r) => r.length === CSV_COLUMNS.length)).toBe(true);

    const sleepy = rows.find((r) => r['key'] === 'demo:sleepy');
    expect(sleepy).toMatchObject({
      platform: 'mastodon',
      handle: "'@sleepy@example.social",
      display_name: 'Sleepy',
      relation: 'following',
      recommendation: 'unfollow',
      reasons: 'dormant;one_sided',
      inbound_in_window: '0',
      outbound_in_window: '7',
      inbound_total: '4',
      last_inbound_at: '2026-07-08T10:00:00.000Z',
      followed_for_days: '400',
      state: 'active',
    });
    expect(rows.find((r) => r['key'] === 'demo:extra')?.['display_name']).toBe('Comma, "Quote"\r\nand = sign');
    expect(rows.find((r) => r['key'] === 'demo:leaver')?.['recommendation']).toBe('');
    expect(rows.find((r) => r['key'] === 'demo:formula')?.['handle']).toBe(`'=HYPERLINK("http://evil.example","click")`);
  });
});
