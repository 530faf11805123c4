/**
 * What the decision page adds to the email's view: signed links under each
 * suggestion, a bulk link per unfollow group, and the list of what the owner
 * decided since the last report. Kept apart from report-view.ts so the report
 * without a decision page stays exactly as it was.
 */
import { safeHttpUrl } from '../report/escape-html.ts';
import type { Formatter } from '../report/format.ts';
import type { SectionId } from '../report/i18n.ts';
import type { ReportJson } from '../report/report-schema.ts';
import type { LinkView, RowView } from '../report/report-view.ts';
import type { DecisionLinks } from './links.ts';
import { linkLabelsFor } from './page-messages.ts';
import { MAX_KEYS_PER_TOKEN, type DecisionAction } from './token.ts';

const ROW_ACTIONS: Partial<Record<SectionId, DecisionAction[]>> = {
  unfollow: ['keep', 'snooze', 'unfollow'],
  review: ['keep', 'snooze', 'unfollow'],
  followBack: ['keep', 'snooze', 'follow_back'],
};

export interface RowLinks {
  rows(section: SectionId, rows: RowView[]): RowView[];
  bulk(keys: readonly string[], total: number): LinkView | null;
}

export function decisionRowLinks(report: ReportJson, links: DecisionLinks | undefined): RowLinks {
  const labels = linkLabelsFor(report.meta.locale);
  const link = (label: string, action: DecisionAction, keys: readonly string[]): LinkView[] => {
    // Only http(s) becomes a link, whatever the configured base URL holds.
    const href = links ? safeHttpUrl(links.linkFor(action, keys)) : null;
    return href === null ? [] : [{ label, href }];
  };
  return {
    rows(section, rows) {
      const actions = ROW_ACTIONS[section];
      if (links === undefined || actions === undefined) return rows;
      return rows.map((r) => ({ ...r, actions: actions.flatMap((a) => link(labels[a], a, [r.key])) }));
    },
    bulk(keys, total) {
      if (links === undefined || keys.length === 0) return null;
      const covered = keys.slice(0, MAX_KEYS_PER_TOKEN);
      return link(labels.unfollowGroup(covered.length, total), 'unfollow', covered)[0] ?? null;
    },
  };
}

export function decidedView(report: ReportJson, f: Formatter): { title: string; lines: string[] } | null {
  const decided = report.ownerDecisions ?? [];
  if (decided.length === 0) return null;
  const labels = linkLabelsFor(report.meta.locale);
  const handles = new Map(report.contacts.map((c) => [c.key, c.handle]));
  return {
    title: labels.decidedTitle,
    lines: decided.map((d) =>
      labels.decided({ who: d.handle ?? handles.get(d.contact) ?? d.contact, decision: d.decision, until: d.until !== undefined ? f.date(d.until) : null, at: f.date(d.at) }),
    ),
  };
}
