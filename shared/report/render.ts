/** Renders a report JSON into everything a delivery needs: subject, HTML, text, CSV, JSON. */
import type { DecisionLinks } from './decision-links.ts';
import type { RenderedReport } from '../ports/mailer.ts';
import { messagesFor } from './i18n.ts';
import { withCsvBytes } from './csv-bytes.ts';
import { renderCsv, renderCsvBytes } from './render-csv.ts';
import { HTML_BUDGET_BYTES, htmlPartBytes } from './email-size.ts';
import type { SectionId } from './i18n.ts';
import { renderHtml, rowHtml } from './render-html.ts';
import { renderText } from './render-text.ts';
import { buildReportView, type ReportView, type ViewLimits } from './report-view.ts';
import type { ReportJson } from './report-schema.ts';

export interface RenderOptions {
  /** Signs the decision links under each suggestion (only when the profile has a decision page). */
  links?: DecisionLinks;
  /** The most the HTML part may weigh, quoted-printable (see email-size.ts); defaults to HTML_BUDGET_BYTES. */
  htmlBudgetBytes?: number;
  /** The CSV of only the contacts named in a section, and a footer that says so (RenderedReport.sectionsOnly). */
  csvOfSections?: boolean;
  /** With csvOfSections: only the first this many contacts of each section (RenderedReport.sectionsUpTo). */
  csvPerSection?: number;
}

export function renderReport(report: ReportJson, options: RenderOptions = {}): RenderedReport {
  const subject = reportSubject(report);
  const named = sectionKeys(report);
  const perSection = options.csvOfSections === true ? options.csvPerSection : undefined;
  const only = options.csvOfSections === true ? (perSection !== undefined ? sectionKeys(report, perSection) : named) : undefined;
  const csvNote: CsvNote | undefined = only === undefined ? undefined : { rows: only.size, ...(perSection !== undefined ? { perSection, named: named.size } : {}) };
  const { view, html } = fitEmail(report, subject, options, csvNote);
  let json: string | undefined;
  const rendered: RenderedReport = {
    baseName: reportBaseName(report),
    subject,
    html,
    // The text part tells the same as the HTML, rows left out included.
    text: renderText(view),
    // Written when read, as the JSON: a mailer takes the bytes (csvBytesOf), and a CSV held here would stay
    // for the rest of the run (over 100 MB at a million contacts).
    get csv(): string {
      return renderCsv(report, only);
    },
    // Serialised when read: only the outbox and the CLI write it. For 100,000 contacts it is a 72 MB
    // string that an SES delivery in a 1 GB function never needs.
    get json(): string {
      json ??= `${JSON.stringify(report, null, 2)}\n`;
      return json;
    },
  };
  // Only when it would be smaller (some contacts are in no section). Not enumerable: a rendered report is
  // its data (two renderings of the same report are equal), and this is a way to get another one.
  withCsvBytes(rendered, () => renderCsvBytes(report, only));
  Object.defineProperty(rendered, 'csvContacts', { value: only?.size ?? report.contacts.length, enumerable: false });
  if (only === undefined && named.size < report.contacts.length) {
    Object.defineProperty(rendered, 'sectionsOnly', { value: () => renderReport(report, { ...options, csvOfSections: true }), enumerable: false });
  }
  if (only === undefined) {
    // Only a message too big for its mailer asks: the sections' sizes are counted then, not on every render.
    const upTo = (maxRows: number): RenderedReport => {
      const sizes = sectionLists(report).map((keys) => keys.length);
      return renderReport(report, { ...options, csvOfSections: true, csvPerSection: perSectionFor(sizes, maxRows) });
    };
    Object.defineProperty(rendered, 'sectionsUpTo', { value: upTo, enumerable: false });
  }
  return rendered;
}

/** What the footer says of a CSV that cannot hold every contact. */
export interface CsvNote {
  rows: number;
  perSection?: number;
  named?: number;
}

/**
 * The most contacts of each section (the same for all) that keep the CSV within `maxRows`: a section smaller than
 * that goes whole, so every section is in the CSV as far as it can be.
 */
export function perSectionFor(sizes: readonly number[], maxRows: number): number {
  const rowsAt = (k: number): number => sizes.reduce((n, s) => n + Math.min(s, k), 0);
  let low = 0;
  let high = Math.max(0, ...sizes);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (rowsAt(mid) <= maxRows) low = mid;
    else high = mid - 1;
  }
  return low;
}

export function reportSubject(report: ReportJson): string {
  // The profile name comes from config: keep it on one line whatever it holds, so it is safe as a header.
  const profile = (report.meta.profileName ?? report.meta.profileId).replace(/[\u0000-\u001F\u007F]+/g, ' ').replace(/\s+/g, ' ').trim();
  return messagesFor(report.meta.locale).subject({
    profile: profile || report.meta.profileId,
    unfollow: report.sections.unfollow.count,
    followBack: report.sections.followBack.count,
    dryRun: report.meta.dryRun,
  });
}

/** `followback-<profile>-<YYYY-MM-DD>` of generatedAt (UTC), safe as a file name on every OS. */
export function reportBaseName(report: ReportJson): string {
  const t = Date.parse(report.meta.generatedAt);
  const day = Number.isNaN(t) ? 'undated' : new Date(t).toISOString().slice(0, 10);
  const profile = report.meta.profileId.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'profile';
  return `followback-${profile}-${day}`;
}

/**
 * The contacts the email's sections name (every member, shown or counted in "…and N more"): what the CSV
 * must hold for the email to stay true when it cannot hold every contact.
 */
export function sectionKeys(report: ReportJson, perSection?: number): Set<string> {
  const keys = new Set<string>();
  for (const list of sectionLists(report)) for (const key of perSection === undefined ? list : list.slice(0, perSection)) keys.add(key);
  return keys;
}

/**
 * Each section's contacts in the order the email shows them: the unfollow section's groups taken in turn, as
 * its rows are (report-view.ts shares them round-robin), the other sections as listed.
 */
function sectionLists(report: ReportJson): string[][] {
  const { unfollow, ...lists } = report.sections;
  const unfollowKeys: string[] = [];
  const groups = unfollow.groups.map((g) => g.keys);
  for (let i = 0, more = true; more; i++) {
    more = false;
    for (const g of groups) {
      const key = g[i];
      if (key === undefined) continue;
      unfollowKeys.push(key);
      more = true;
    }
  }
  return [unfollowKeys, ...Object.values(lists).map((l) => [...l.keys])];
}

/** Display order, which is also the order of need: on a tie, rows go from the later section first. */
const SECTION_ORDER: SectionId[] = ['unfollow', 'review', 'followBack', 'newFollowers', 'lostFollowers', 'topSupporters'];

/**
 * The report's view and HTML, with as many rows as fit the budget: Gmail clips
 * a bigger HTML part, hiding the end of the email and its links. Rows go first,
 * from the section showing the most (so every section keeps some), each one
 * counted in its group's "…and N more (see the CSV attachment)"; only when no
 * row is left do the other lists (stale sources, notices, actions taken,
 * decisions made) shorten, counted the same way. Each step re-renders and
 * measures, so what is returned fits unless the fixed part alone (title,
 * figures, trend, headings, all of bounded length) does not, which
 * test/unit/report/email-budget.test.ts shows it does for hostile input.
 */
export function fitEmail(report: ReportJson, subject: string, options: RenderOptions = {}, csv?: CsvNote): { view: ReportView; html: string; bytes: number } {
  const budget = options.htmlBudgetBytes ?? HTML_BUDGET_BYTES;
  let limits: ViewLimits = csv !== undefined ? { csvRows: csv.rows, ...(csv.perSection !== undefined && csv.named !== undefined ? { csvPerSection: csv.perSection, csvNamed: csv.named } : {}) } : {};
  for (;;) {
    const view = buildReportView(report, options.links, limits);
    const html = renderHtml(view, subject);
    const bytes = htmlPartBytes(html);
    if (bytes <= budget) return { view, html, bytes };
    const rows = fewerRows(view, bytes - budget);
    const next = rows !== null ? { ...limits, rows } : fewerItems(report, limits);
    if (next === null) return { view, html, bytes };
    limits = next;
  }
}

/** Row caps that should save `over` bytes (estimated from the rows' own sizes); null when no row is shown. */
function fewerRows(view: ReportView, over: number): ViewLimits['rows'] | null {
  const rows = SECTION_ORDER.map((id) => view.sections.find((s) => s.id === id)?.groups.flatMap((g) => g.rows) ?? []);
  const counts = rows.map((r) => r.length);
  if (counts.every((c) => c === 0)) return null;
  const average = rows.map((r) => (r.length === 0 ? 0 : r.reduce((n, row) => n + htmlPartBytes(rowHtml(row)), 0) / r.length));
  let left = over;
  // At least one row goes, so every round shows fewer rows and the loop ends.
  do {
    let pick = -1;
    counts.forEach((c, i) => {
      if (c > 0 && (pick < 0 || c >= (counts[pick] ?? 0))) pick = i;
    });
    if (pick < 0) break;
    counts[pick] = (counts[pick] ?? 1) - 1;
    left -= average[pick] ?? 0;
  } while (left > 0);
  return Object.fromEntries(SECTION_ORDER.map((id, i) => [id, counts[i] ?? 0]));
}

/** Halves the entries of the lists that are not about contacts; null when they show none already. */
function fewerItems(report: ReportJson, limits: ViewLimits): ViewLimits | null {
  const longest = Math.max(5, report.staleSources.length, report.notices.length, report.actions?.length ?? 0, report.ownerDecisions?.length ?? 0);
  const items = Math.min(limits.items ?? Infinity, longest);
  if (items <= 0) return null;
  return { ...limits, items: Math.floor(items / 2) };
}
