/**
 * The trend chart of the email: the last 12 runs as bars made of table cells,
 * widths proportional to the values, readable by every mail client (no
 * images, scripts or stylesheets), and the same chart in the text part.
 */
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../shared/report/render.ts';
import { attr, parseHtml, type HtmlElement } from '../../helpers/parse-html.ts';
import { figures, NOW, sampleReport } from './analysis-fixture.ts';

const WEEK = 7 * 86_400_000;
/** 14 earlier weekly runs, followers growing by 10 a week from 100; engaged share of followers growing by 2 points. */
const history = Array.from({ length: 14 }, (_, i) => {
  const weeksAgo = i + 1;
  return { at: new Date(Date.parse(NOW) - weeksAgo * WEEK).toISOString(), figures: figures({ followers: 240 - 10 * weeksAgo, following: 120, engagedFollowerShare: 0.5 - 0.02 * weeksAgo }) };
});

function chartOf(html: string): { table: HtmlElement; rows: HtmlElement[]; elements: HtmlElement[] } {
  const { elements } = parseHtml(html);
  const heading = elements.find((e) => e.tagName === 'h2' && textOf(e).startsWith('Trend of the last'));
  if (!heading) throw new Error('no trend chart heading');
  const block = heading.parentNode as HtmlElement;
  const table = descendants(block).find((e) => e.tagName === 'table');
  if (!table) throw new Error('no chart table');
  const rows = descendants(table).filter((e) => e.tagName === 'tr' && (e.parentNode as HtmlElement).parentNode === table);
  return { table, rows, elements };
}

function descendants(e: HtmlElement): HtmlElement[] {
  const out: HtmlElement[] = [];
  for (const c of e.childNodes) if ('tagName' in c) out.push(c, ...descendants(c));
  return out;
}

function textOf(e: HtmlElement): string {
  return e.childNodes.map((c) => ('value' in c ? c.value : 'tagName' in c ? textOf(c) : '')).join('');
}

/** The coloured bar cells of one row, in series order: the `width` of their table, as a number. */
function barWidths(row: HtmlElement): (number | null)[] {
  const cells = row.childNodes.filter((c): c is HtmlElement => 'tagName' in c && c.tagName === 'td').slice(1);
  return cells.map((cell) => {
    const bar = descendants(cell).find((e) => e.tagName === 'table');
    return bar ? Number(attr(bar, 'width')?.replace('%', '')) : null;
  });
}

describe('the trend chart in the email', () => {
  const report = sampleReport({ trend: history });
  const fixed = { ...report, figures: { ...report.figures, followers: 240, following: 120, engagedFollowerShare: 0.5 } };
  const rendered = renderReport(fixed);

  it('shows the last 12 runs, oldest first, this run last', () => {
    const { rows } = chartOf(rendered.html);
    const runRows = rows.slice(1); // the first row is the legend
    expect(runRows).toHaveLength(12);
    const labels = runRows.map((r) => textOf(r.childNodes.find((c): c is HtmlElement => 'tagName' in c)!));
    expect(labels[11]).toContain('(now)');
    expect(labels[0]).toBe('9 Sept 2026');
  });

  it('draws bars whose widths are proportional to the values: counts against the largest shown, shares against 100%', () => {
    const { rows } = chartOf(rendered.html);
    const runRows = rows.slice(1);
    const followers = runRows.map((r) => barWidths(r)[0]);
    // 130, 140, … 240 followers: each width is the value over 240.
    expect(followers).toEqual(Array.from({ length: 12 }, (_, i) => Math.round(((130 + 10 * i) / 240) * 100)));
    expect(runRows.map((r) => barWidths(r)[1])).toEqual(Array(12).fill(100));
    const engagedFollowers = runRows.map((r) => barWidths(r)[3]);
    expect(engagedFollowers.at(-1)).toBe(50);
    expect(engagedFollowers[0]).toBe(28);
  });

  it('colours every bar with both bgcolor and an inline background (Outlook reads the one, Gmail the other)', () => {
    const { rows } = chartOf(rendered.html);
    const bars = descendants(rows[1]!).filter((e) => e.tagName === 'td' && attr(e, 'bgcolor') !== undefined);
    expect(bars).toHaveLength(4);
    for (const bar of bars) expect(attr(bar, 'style')).toContain(`background-color:${attr(bar, 'bgcolor')}`);
  });

  it('uses no images, scripts, styles, SVG or external stylesheets anywhere in the email', () => {
    const { elements } = parseHtml(rendered.html);
    expect(elements.filter((e) => ['img', 'script', 'style', 'svg', 'link', 'object', 'iframe'].includes(e.tagName))).toEqual([]);
    expect(rendered.html).not.toMatch(/url\(/);
  });

  it('says the change since the last report', () => {
    const { table } = chartOf(rendered.html);
    const block = table.parentNode as HtmlElement;
    const line = textOf(descendants(block).find((e) => e.tagName === 'p')!);
    expect(line).toContain('Since the last report (18 Nov 2026)');
    expect(line).toContain('Followers 240 (▲ +10)');
    expect(line).toContain('Engaged, of your followers 50% (▲ +2 pp)');
  });

  it('has a text version: one line per run with a bar of #', () => {
    expect(rendered.text).toContain('Trend of the last 12 runs');
    expect(rendered.text).toMatch(/25 Nov 2026 \(now\)\s+240 ########/);
    expect(rendered.text).toMatch(/9 Sept 2026\s+130 ####\.\.\.\./);
  });

  it('is not shown before a second run: a trend needs two points', () => {
    const first = renderReport(sampleReport({ trend: [] }));
    expect(first.html).not.toContain('Trend of the last');
    expect(first.text).not.toContain('Trend of the last');
  });
});
