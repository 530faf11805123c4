/** The plain-text part: the same content as the HTML, wrapped for ~78 columns. */
import { suggestionsText } from './render-suggestions.ts';
import { plainText, wrap } from './format.ts';
import { trendChartText } from './trend-chart.ts';
import { actionsText } from './actions-taken.ts';
import type { GroupView, ReportView, RowView, SectionView, TrendView } from './report-view.ts';

const WIDTH = 78;

export function renderText(view: ReportView): string {
  const out: string[] = [];
  const para = (text: string, first = '', rest = first) => out.push(...wrap(text, WIDTH, first, rest));

  out.push(view.title.toUpperCase(), '='.repeat(Math.min(WIDTH, [...view.title].length)), '');
  if (view.stale) {
    para(`(!) ${view.stale.title}`);
    for (const s of view.stale.sources) {
      para(s.line, '  - ', '    ');
      for (const p of s.problems) para(p, '      ');
    }
    if (view.stale.more) para(view.stale.more, '  ');
    out.push('');
  }
  if (view.notices) {
    para(`(!) ${view.notices.title}`);
    for (const s of view.notices.sources) {
      para(s.line, '  - ', '    ');
      for (const p of s.problems) para(p, '      ');
    }
    if (view.notices.more) para(view.notices.more, '  ');
    out.push('');
  }
  para(view.summary);
  if (view.dryRunNote) para(view.dryRunNote);
  out.push('');
  if (view.tokenNotices) {
    para(`${view.tokenNotices.urgent ? '(!) ' : ''}${view.tokenNotices.title}`);
    for (const i of view.tokenNotices.items) {
      para(i.line, '  - ', '    ');
      para(i.how, '    ');
    }
    if (view.tokenNotices.more) para(view.tokenNotices.more, '  ');
    out.push('');
  }
  if (view.exportReminders) {
    para(view.exportReminders.title);
    for (const i of view.exportReminders.items) {
      para(i.line, '  - ', '    ');
      if (i.how) para(i.how, '    ');
    }
    if (view.exportReminders.more) para(view.exportReminders.more, '  ');
    out.push('');
  }

  const hasDeltas = view.figures.some((f) => f.delta !== null);
  out.push(hasDeltas ? `${view.figuresTitle} (${view.sinceLastRun})` : view.figuresTitle, '');
  const labelWidth = Math.max(...view.figures.map((f) => [...f.label].length));
  const valueWidth = Math.max(...view.figures.map((f) => [...f.value].length));
  for (const f of view.figures) {
    out.push(`  ${padEnd(f.label, labelWidth)}  ${padStart(f.value, valueWidth)}${f.delta ? `  ${f.delta.text}` : ''}`);
  }
  out.push('');

  if (view.actionsTaken) out.push(...actionsText(view.actionsTaken), '');
  if (view.trendChart) out.push(...trendChartText(view.trendChart), '');
  if (view.trend) out.push(...trend(view.trend), '');
  for (const s of view.sections) out.push(...section(s), '');
  if (view.sight) {
    out.push(...(view.sight.rows.length > 0 ? sightTable(view.sight) : [view.sight.title]), '');
    for (const n of view.sight.notes) para(n, '  ');
    if (view.sight.notes.length > 0) out.push('');
    for (const a of view.sight.api ?? []) {
      para(a.line, '  - ', '    ');
      if (a.skipped) para(a.skipped, '    ');
    }
    if ((view.sight.api ?? []).length > 0) out.push('');
  }
  if (view.decided) out.push(view.decided.title, ...view.decided.lines.flatMap((l) => wrap(l, WIDTH, '  - ', '    ')), ...(view.decided.more ? wrap(view.decided.more, WIDTH, '  ') : []), '');
  out.push(...suggestionsText(view, view.lang));
  out.push('-'.repeat(WIDTH));
  for (const line of view.footer) out.push(...wrap(line, WIDTH));
  // One pass over everything printed, catalogs included: the single path for text into the part, as escapeHtml is for HTML.
  return `${plainText(out.join('\n')).replace(/[ \t]+$/gm, '')}\n`;
}

function trend(t: TrendView): string[] {
  const rows = [t.header, ...t.rows];
  const widths = t.header.map((_, j) => Math.max(...rows.map((r) => [...(r[j] ?? '')].length)));
  return [t.title, '', ...rows.map((r) => `  ${r.map((cell, j) => (j === 0 ? padEnd(cell, widths[j] ?? 0) : padStart(cell, widths[j] ?? 0))).join('  ')}`)];
}

/** Too wide for aligned columns on 78: one source per block, each column labelled. */
function sightTable(t: TrendView): string[] {
  const [, ...labels] = t.header;
  const width = Math.max(...labels.map((l) => [...l].length));
  return [t.title, '', ...t.rows.flatMap((r) => [`  ${r[0] ?? ''}`, ...labels.flatMap((label, j) => wrap(r[j + 1] ?? '', WIDTH, `    ${padEnd(label, width)}  `, ' '.repeat(6 + width))), ''])].slice(0, -1);
}

function section(s: SectionView): string[] {
  const title = `${s.title} (${s.count})`;
  const out = [title.toUpperCase(), '-'.repeat(Math.min(WIDTH, [...title].length)), ...wrap(s.intro, WIDTH)];
  if (s.empty !== null) return [...out, '', s.empty];
  for (const g of s.groups) out.push(...group(g));
  return out;
}

function group(g: GroupView): string[] {
  const out: string[] = [''];
  if (g.title) out.push(`  ${g.title}`);
  if (g.intro) out.push(...wrap(g.intro, WIDTH, '  '));
  for (const r of g.rows) out.push(...row(r));
  if (g.more) out.push('', `  ${g.more}`);
  if (g.bulk) out.push('', `  ${g.bulk.label}: ${g.bulk.href}`);
  return out;
}

function row(r: RowView): string[] {
  const indent = '    ';
  const out = ['', ...wrap(`${r.name} (${r.name === r.handle ? '' : `${r.handle} · `}${r.platform} · ${r.relation})`, WIDTH, '  * ', indent)];
  if (r.href) out.push(`${indent}${r.href}`);
  if (r.reasons) out.push(...wrap(r.reasons, WIDTH, indent));
  for (const fact of r.facts) out.push(...wrap(fact, WIDTH, `${indent}- `, `${indent}  `));
  if (r.quote) out.push(...wrap(`"${r.quote}"`, WIDTH, `${indent}> `));
  // A URL is never wrapped; the label link follows its quote.
  if (r.quote && r.quoteLink) out.push(`${indent}  ${r.quoteLink.label}: ${r.quoteLink.href}`);
  // A URL is never wrapped: a broken line would break the link.
  for (const a of r.actions ?? []) out.push(`${indent}${a.label}: ${a.href}`);
  return out;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...text].length)) + text;
}
