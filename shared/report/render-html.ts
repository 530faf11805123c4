/**
 * The HTML email. Built for the clients that strip most of HTML: table layout,
 * every style inline (Gmail drops <style> in many cases, Outlook ignores
 * max-width without a width attribute), no scripts, no images, no web fonts.
 * The font is set on every cell and heading (Outlook does not inherit it into
 * tables) but not on each line, to stay under Gmail's ~102 KB clipping limit.
 * Every string from the view goes through `escapeHtml`, which also covers the
 * message catalogs, so there is a single path for text into markup.
 */
import { suggestionsHtml } from './render-suggestions.ts';
import { escapeHtml } from './escape-html.ts';
import { truncate } from './format.ts';
import { trendChartHtml } from './trend-chart.ts';
import { actionsHtml } from './actions-taken.ts';
import type { ExportReminderView, FigureView, TokenNoticesView, GroupView, LinkView, ReportView, RowView, SectionView, SightView, StaleView, TrendView } from './report-view.ts';

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const MUTED = 'color:#5f6368;';
const DELTA_COLOUR = { good: '#1e7e34', bad: '#b3261e', neutral: '#5f6368' } as const;
const FIGURE_COLUMNS = 3;
/** The subject carries the profile's name from config: the <title> keeps a readable start of it, whatever its length. */
const TITLE_CHARS = 200;

const e = escapeHtml;

export function renderHtml(view: ReportView, subject: string): string {
  const body = [
    view.stale ? staleBanner(view.stale) : '',
    view.notices ? staleBanner(view.notices) : '',
    block(`<h1 style="margin:0 0 8px 0;font-size:22px;line-height:28px;color:#202124;${FONT}">${e(view.title)}</h1>` +
      `<p style="margin:0;font-size:15px;line-height:22px;color:#202124;">${e(view.summary)}</p>` +
      (view.dryRunNote ? `<p style="margin:8px 0 0 0;font-size:13px;${MUTED}">${e(view.dryRunNote)}</p>` : '')),
    view.tokenNotices ? tokenNotices(view.tokenNotices) : '',
    view.exportReminders ? exportReminders(view.exportReminders) : '',
    figures(view),
    view.actionsTaken ? actionsHtml(view.actionsTaken) : '',
    view.trendChart ? trendChartHtml(view.trendChart) : '',
    view.trend ? trend(view.trend) : '',
    ...view.sections.map(section),
    view.sight ? sight(view.sight) : '',
    view.decided
      ? block(heading(view.decided.title, null) + [...view.decided.lines, ...(view.decided.more ? [view.decided.more] : [])].map((l) => `<p style="margin:0 0 4px 0;font-size:13px;line-height:18px;color:#202124;">${e(l)}</p>`).join(''), 'border-top:1px solid #e8eaed;')
      : '',
    suggestionsHtml(view, view.lang),
    block(view.footer.map((line) => `<p style="margin:0 0 4px 0;font-size:12px;line-height:18px;${MUTED}">${e(line)}</p>`).join('')),
  ].join('\n');

  return `<!DOCTYPE html>
<html lang="${e(view.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(truncate(subject, TITLE_CHARS))}</title>
</head>
<body style="margin:0;padding:0;background-color:#f1f3f4;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f1f3f4;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid #dadce0;">
${body}
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function block(inner: string, style = ''): string {
  return `<tr><td style="padding:16px 24px;${FONT}${style}">${inner}</td></tr>`;
}

function staleBanner(stale: StaleView): string {
  const items = stale.sources
    .map(
      (s) =>
        `<p style="margin:6px 0 0 0;font-size:14px;line-height:20px;color:#5c3c00;">${e(s.line)}</p>` +
        s.problems.map((p) => `<p style="margin:2px 0 0 12px;font-size:13px;line-height:18px;color:#5c3c00;">– ${e(p)}</p>`).join(''),
    )
    .join('');
  const more = stale.more ? `<p style="margin:6px 0 0 0;font-size:13px;line-height:18px;font-style:italic;color:#5c3c00;">${e(stale.more)}</p>` : '';
  return block(`<p style="margin:0;font-size:15px;line-height:20px;font-weight:bold;color:#5c3c00;">⚠ ${e(stale.title)}</p>${items}${more}`, 'background-color:#fef7e0;border-bottom:1px solid #f9ab00;');
}

/** A calm note, not a warning: nothing is wrong, an export is simply getting old. */
function exportReminders(r: ExportReminderView): string {
  const items = r.items
    .map(
      (i) =>
        `<p style="margin:6px 0 0 0;font-size:14px;line-height:20px;color:#174ea6;">${e(i.line)}</p>` +
        (i.how ? `<p style="margin:2px 0 0 0;font-size:13px;line-height:18px;color:#3c4043;">${e(i.how)}</p>` : ''),
    )
    .join('');
  const more = r.more ? `<p style="margin:6px 0 0 0;font-size:13px;line-height:18px;font-style:italic;${MUTED}">${e(r.more)}</p>` : '';
  return block(`<p style="margin:0;font-size:15px;line-height:20px;font-weight:bold;color:#174ea6;">${e(r.title)}</p>${items}${more}`, 'background-color:#e8f0fe;border-top:1px solid #d2e3fc;border-bottom:1px solid #d2e3fc;');
}

/** API tokens to renew: amber like a warning when one has a problem, the calm blue note when one only expires soon. */
function tokenNotices(t: TokenNoticesView): string {
  const ink = t.urgent ? '#5c3c00' : '#174ea6';
  const items = t.items
    .map((i) => `<p style="margin:6px 0 0 0;font-size:14px;line-height:20px;color:${ink};">${e(i.line)}</p><p style="margin:2px 0 0 0;font-size:13px;line-height:18px;color:#3c4043;">${e(i.how)}</p>`)
    .join('');
  const more = t.more ? `<p style="margin:6px 0 0 0;font-size:13px;line-height:18px;font-style:italic;${MUTED}">${e(t.more)}</p>` : '';
  const frame = t.urgent ? 'background-color:#fef7e0;border-top:1px solid #f9ab00;border-bottom:1px solid #f9ab00;' : 'background-color:#e8f0fe;border-top:1px solid #d2e3fc;border-bottom:1px solid #d2e3fc;';
  return block(`<p style="margin:0;font-size:15px;line-height:20px;font-weight:bold;color:${ink};">${t.urgent ? '⚠ ' : ''}${e(t.title)}</p>${items}${more}`, frame);
}

function figures(view: ReportView): string {
  const cells = view.figures.map(figureCell);
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += FIGURE_COLUMNS) {
    rows.push(`<tr>${cells.slice(i, i + FIGURE_COLUMNS).join('')}</tr>`);
  }
  const hasDeltas = view.figures.some((f) => f.delta !== null);
  return block(
    heading(view.figuresTitle, hasDeltas ? view.sinceLastRun : null) +
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows.join('')}</table>`,
  );
}

function figureCell(f: FigureView): string {
  const delta = f.delta
    ? `<div style="font-size:12px;line-height:16px;color:${DELTA_COLOUR[f.delta.tone]};">${e(f.delta.text)}</div>`
    : '';
  return (
    `<td width="33%" valign="top" style="padding:8px 8px 8px 0;${FONT}">` +
    `<div style="font-size:22px;line-height:28px;font-weight:bold;color:#202124;">${e(f.value)}</div>` +
    `<div style="font-size:12px;line-height:16px;${MUTED}">${e(f.label)}</div>${delta}</td>`
  );
}

/** What each source could see: the trend's small table, with a note per source whose removals stop at review. */
function sight(s: SightView): string {
  const notes = s.notes.map((n) => `<p style="margin:6px 0 0 0;font-size:12px;line-height:16px;${MUTED}">${e(n)}</p>`).join('');
  const api = (s.api ?? [])
    .map(
      (a) =>
        `<p style="margin:8px 0 0 0;font-size:13px;line-height:18px;color:#202124;">${e(a.line)}</p>` +
        (a.skipped ? `<p style="margin:2px 0 0 12px;font-size:12px;line-height:16px;${MUTED}">${e(a.skipped)}</p>` : ''),
    )
    .join('');
  if (s.rows.length === 0) return block(heading(s.title, null) + notes + api, 'border-top:1px solid #e8eaed;');
  return trend(s, 'border-top:1px solid #e8eaed;', notes + api, false);
}

/** A small table; `numeric`: every column but the first holds numbers, aligned right. */
function trend(t: TrendView, style = '', after = '', numeric = true): string {
  const cell = (text: string, head: boolean, first: boolean) =>
    `<td align="${first || !numeric ? 'left' : 'right'}"${numeric ? '' : ' valign="top"'} style="padding:4px 6px;border-bottom:1px solid #e8eaed;font-size:12px;line-height:16px;${head ? 'font-weight:bold;' : ''}color:#202124;${FONT}">${e(text)}</td>`;
  const rows = [t.header, ...t.rows].map((r, i) => `<tr>${r.map((text, j) => cell(text, i === 0, j === 0)).join('')}</tr>`);
  return block(heading(t.title, null) + `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows.join('')}</table>${after}`, style);
}

function heading(title: string, note: string | null): string {
  return (
    `<h2 style="margin:0 0 8px 0;font-size:17px;line-height:24px;color:#202124;${FONT}">${e(title)}` +
    (note ? ` <span style="font-size:12px;font-weight:normal;${MUTED}">${e(note)}</span>` : '') +
    `</h2>`
  );
}

function section(s: SectionView): string {
  const intro = `<p style="margin:0 0 8px 0;font-size:13px;line-height:18px;${MUTED}">${e(s.intro)}</p>`;
  const content = s.empty !== null ? `<p style="margin:0;font-size:14px;${MUTED}">${e(s.empty)}</p>` : s.groups.map(group).join('');
  return block(heading(`${s.title} (${s.count})`, null) + intro + content, 'border-top:1px solid #e8eaed;');
}

function group(g: GroupView): string {
  const title = g.title ? `<h3 style="margin:12px 0 2px 0;font-size:15px;line-height:20px;color:#202124;${FONT}">${e(g.title)}</h3>` : '';
  const intro = g.intro ? `<p style="margin:0 0 4px 0;font-size:13px;line-height:18px;${MUTED}">${e(g.intro)}</p>` : '';
  const more = g.more ? `<p style="margin:6px 0 0 0;font-size:13px;font-style:italic;${MUTED}">${e(g.more)}</p>` : '';
  const rows = g.rows.length > 0 ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${g.rows.map(rowHtml).join('')}</table>` : '';
  return `${title}${intro}${rows}${more}${g.bulk ? `<p style="margin:8px 0 0 0;">${linkButton(g.bulk)}</p>` : ''}`;
}

/** One contact's row; exported so the size budget can weigh rows before choosing how many to show. */
export function rowHtml(r: RowView): string {
  // One cell, styled once: rows are most of the email, and Gmail clips messages past ~102 KB.
  const nameStyle = 'font-size:15px;font-weight:bold;text-decoration:none;';
  const name = r.href
    ? `<a href="${e(r.href)}" style="${nameStyle}color:#1a56c4;">${e(r.name)}</a>`
    : `<span style="${nameStyle}color:#202124;">${e(r.name)}</span>`;
  const lines = [
    // A contact without a display name (an Instagram export's followers) is named by its handle: once is enough.
    `${name} ${r.name === r.handle ? '' : `${e(r.handle)} · `}${e(r.platform)} · ${e(r.relation)}`,
    ...(r.reasons ? [`<span style="color:#202124;">${e(r.reasons)}</span>`] : []),
    // The sentences that explain the reasons read darker than the figures under them.
    ...why(r),
  ];
  // The label link sits under the quote it is about, upright (the quote is italic), before the row's decisions.
  const label = r.quote && r.quoteLink ? `<div style="font-style:normal;font-size:12px;margin:2px 0 0 0;">${rowLink(r.quoteLink)}</div>` : '';
  const quote = r.quote
    ? `<div style="margin:4px 0 0 0;padding:4px 8px;border-left:3px solid #dadce0;font-style:italic;color:#3c4043;">“${e(r.quote)}”${label}</div>`
    : '';
  // Plain links, one colour set on the line: three bordered buttons per row cost ~450 bytes, and Gmail clips past ~102 KB.
  const actions = r.actions && r.actions.length > 0 ? `<div style="margin:4px 0 0 0;font-size:13px;">${r.actions.map(rowLink).join(' · ')}</div>` : '';
  return `<tr><td style="padding:8px 0;border-bottom:1px solid #f1f3f4;font-size:13px;line-height:18px;${MUTED}${FONT}">${lines.join('<br>')}${quote}${actions}</td></tr>`;
}

/** The row's facts: the sentences saying why in one span (one style for them all, for the size budget), then the figures. */
function why(r: RowView): string[] {
  const n = Math.min(r.because ?? 0, r.facts.length);
  const lines = r.facts.map(e);
  if (n === 0) return lines;
  return [`<span style="color:#3c4043;">${lines.slice(0, n).join('<br>')}</span>`, ...lines.slice(n)];
}

function rowLink(link: LinkView): string {
  return `<a href="${e(link.href)}" style="color:#1a56c4;font-weight:bold;">${e(link.label)}</a>`;
}

/** A decision link drawn as a small button: a plain <a>, which every mail client keeps. */
function linkButton(link: LinkView): string {
  const colours = 'background:#1a56c4;color:#fff;border:1px solid #1a56c4';
  return `<a href="${e(link.href)}" style="display:inline-block;margin:2px 4px 2px 0;padding:2px 8px;border-radius:4px;font-size:12px;text-decoration:none;${colours}">${e(link.label)}</a>`;
}
