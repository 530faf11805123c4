/** Renders a report JSON into everything a delivery needs: subject, HTML, text, CSV, JSON. */
import type { DecisionLinks } from '../decide/links.ts';
import type { RenderedReport } from '../ports/mailer.ts';
import { messagesFor } from './i18n.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderText } from './render-text.ts';
import { buildReportView } from './report-view.ts';
import type { ReportJson } from './report-schema.ts';

/** `links`: signs the decision links under each suggestion (only when the profile has a decision page). */
export function renderReport(report: ReportJson, options: { links?: DecisionLinks } = {}): RenderedReport {
  const subject = reportSubject(report);
  const view = buildReportView(report, options.links);
  return {
    baseName: reportBaseName(report),
    subject,
    html: renderHtml(view, subject),
    text: renderText(view),
    csv: renderCsv(report),
    json: `${JSON.stringify(report, null, 2)}\n`,
  };
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
