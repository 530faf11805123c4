/**
 * The trend at a glance: the last runs (12 at most, this one included) as
 * horizontal bars of followers, following, and the engaged share of each, with
 * the change since the last report.
 *
 * Email-safe by construction: a bar is a table cell with a background colour
 * and a width in percent, given both as attributes (`bgcolor`, `width`, which
 * Outlook's Word engine reads) and as inline styles (which Gmail and Apple Mail
 * read). No images, no SVG, no scripts, no <style>, no external CSS. Counts are
 * scaled to the largest value shown (a longer bar is a bigger number); shares
 * are drawn on their own 0–100% scale.
 *
 * The plain-text part gets the same chart in characters.
 */
import { escapeHtml } from './escape-html.ts';
import type { Formatter } from './format.ts';
import type { ReportJson, ReportLocale } from './report-schema.ts';

/** This run and the 11 before it. */
export const CHART_RUNS = 12;
const TEXT_BAR = 8;
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";

export type SeriesKey = 'followers' | 'following' | 'engagedFollowingShare' | 'engagedFollowerShare';
const SERIES: { key: SeriesKey; share: boolean }[] = [
  { key: 'followers', share: false },
  { key: 'following', share: false },
  { key: 'engagedFollowingShare', share: true },
  { key: 'engagedFollowerShare', share: true },
];
/** Presentation only, by series position: never taken from the view (which is data). */
const COLOURS = ['#1a73e8', '#7b1fa2', '#188038', '#e37400'] as const;

interface ChartMessages {
  title(runs: number): string;
  series: Record<SeriesKey, string>;
  since(date: string): string;
  now: string;
}

/** Per report locale, so a missing translation is a compile error. */
const CHART_MESSAGES: Record<ReportLocale, ChartMessages> = {
  en: {
    title: (runs) => `Trend of the last ${runs} runs`,
    series: { followers: 'Followers', following: 'You follow', engagedFollowingShare: 'Engaged, of those you follow', engagedFollowerShare: 'Engaged, of your followers' },
    since: (date) => `Since the last report (${date})`,
    now: 'now',
  },
  it: {
    title: (runs) => `Andamento delle ultime ${runs} esecuzioni`,
    series: { followers: 'Follower', following: 'Segui', engagedFollowingShare: 'Coinvolti, tra chi segui', engagedFollowerShare: 'Coinvolti, tra i follower' },
    since: (date) => `Dall'ultimo report (${date})`,
    now: 'ora',
  },
};

export interface ChartBar {
  /** 0..100, the bar's share of its cell. */
  widthPct: number;
  text: string;
}

export interface TrendChartView {
  title: string;
  series: { label: string }[];
  /** Oldest first; the last row is this run. */
  rows: { label: string; current: boolean; bars: ChartBar[] }[];
  /** One line per series: "Followers 1,020 ▲ +12". */
  change: { title: string; items: { label: string; value: string; delta: string }[] };
}

/** Null with fewer than two runs: a trend needs a previous point. */
export function trendChartView(report: ReportJson, f: Formatter): TrendChartView | null {
  const m = CHART_MESSAGES[report.meta.locale];
  const previous = [...report.trend].sort((a, b) => b.at.localeCompare(a.at));
  const last = previous[0];
  if (last === undefined) return null;
  const points = [{ at: report.meta.generatedAt, figures: report.figures, current: true }, ...previous.map((t) => ({ ...t, current: false }))].slice(0, CHART_RUNS).reverse();
  const max = new Map(SERIES.map((s) => [s.key, Math.max(0, ...points.map((p) => p.figures[s.key]))]));
  const widthOf = (key: SeriesKey, share: boolean, value: number): number => {
    const top = share ? 1 : (max.get(key) ?? 0);
    if (!Number.isFinite(value) || !Number.isFinite(top) || top <= 0 || value <= 0) return 0;
    // A non-zero value always shows a sliver.
    return Math.max(1, Math.min(100, Math.round((value / top) * 100)));
  };
  return {
    title: m.title(points.length),
    series: SERIES.map((s) => ({ label: m.series[s.key] })),
    rows: points.map((p) => ({
      label: p.current ? `${f.date(p.at)} (${m.now})` : f.date(p.at),
      current: p.current,
      bars: SERIES.map((s) => ({ widthPct: widthOf(s.key, s.share, p.figures[s.key]), text: s.share ? f.percent(p.figures[s.key]) : f.number(p.figures[s.key]) })),
    })),
    change: {
      title: m.since(f.date(last.at)),
      items: SERIES.map((s) => ({
        label: m.series[s.key],
        value: s.share ? f.percent(report.figures[s.key]) : f.number(report.figures[s.key]),
        delta: f.delta(report.figures[s.key] - last.figures[s.key], s.share).text,
      })),
    },
  };
}

const e = escapeHtml;

/** One table row of the email's outer table (`<tr><td>…</td></tr>`), like the other blocks. */
export function trendChartHtml(chart: TrendChartView): string {
  const head =
    `<h2 style="margin:0 0 4px 0;font-size:17px;line-height:24px;color:#202124;${FONT}">${e(chart.title)}</h2>` +
    `<p style="margin:0 0 8px 0;font-size:13px;line-height:18px;color:#3c4043;${FONT}">${e(chart.change.title)}: ` +
    chart.change.items.map((i) => `${e(i.label)} <b>${e(i.value)}</b> (${e(i.delta)})`).join(' · ') +
    `</p>`;
  const legend = `<tr><td width="22%" style="padding:2px 4px 2px 0;${FONT}"></td>${chart.series
    .map((s, i) => `<td width="19%" valign="bottom" style="padding:2px 4px;font-size:11px;line-height:14px;color:#5f6368;${FONT}"><span style="color:${colourAt(i)};">■</span> ${e(s.label)}</td>`)
    .join('')}</tr>`;
  const rows = chart.rows.map((r) => {
    const weight = r.current ? 'font-weight:bold;' : '';
    // The font is set once per cell (Outlook does not inherit it into tables); the bar's own table holds no text.
    const cells = r.bars.map((b, i) => `<td style="padding:3px 4px;font-size:11px;line-height:14px;color:#3c4043;${weight}${FONT}">${bar(b, colourAt(i))}</td>`).join('');
    // Column widths come from the legend row; data rows repeat none of them.
    return `<tr><td style="padding:3px 4px 3px 0;font-size:12px;line-height:16px;color:#202124;${weight}${FONT}">${e(r.label)}</td>${cells}</tr>`;
  });
  return `<tr><td style="padding:16px 24px;${FONT}">${head}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${legend}${rows.join('')}</table></td></tr>`;
}

/** The value, then the bar: a one-cell table `width`% of the cell wide (Gmail clips emails past ~102 KB, so every byte counts here). */
function bar(b: ChartBar, colour: string): string {
  if (b.widthPct <= 0) return e(b.text);
  return (
    `${e(b.text)}<table role="presentation" width="${b.widthPct}%" cellpadding="0" cellspacing="0" border="0">` +
    `<tr><td height="8" bgcolor="${colour}" style="line-height:8px;font-size:1px;background-color:${colour};">&nbsp;</td></tr></table>`
  );
}

function colourAt(i: number): string {
  return COLOURS[i % COLOURS.length] ?? '#5f6368';
}

/** The chart in characters, for the plain-text part: one block per series, one line per run. */
export function trendChartText(chart: TrendChartView): string[] {
  const labelWidth = Math.max(...chart.rows.map((r) => [...r.label].length));
  const out = [chart.title, `${chart.change.title}:`];
  for (const i of chart.change.items) out.push(`  ${i.label}: ${i.value} (${i.delta})`);
  chart.series.forEach((s, k) => {
    out.push('', `  ${s.label}`);
    const texts = chart.rows.map((r) => r.bars[k]?.text ?? '');
    const valueWidth = Math.max(...texts.map((t) => [...t].length));
    for (const r of chart.rows) {
      const b = r.bars[k];
      if (b === undefined) continue;
      const filled = b.widthPct <= 0 ? 0 : Math.max(1, Math.round((b.widthPct / 100) * TEXT_BAR));
      const label = r.label + ' '.repeat(labelWidth - [...r.label].length);
      const value = ' '.repeat(valueWidth - [...b.text].length) + b.text;
      out.push(`  ${label}  ${value} ${'#'.repeat(filled)}${'.'.repeat(TEXT_BAR - filled)}`);
    }
  });
  return out;
}
