/**
 * What the decision page adds to the email's view: links under each
 * suggestion, a bulk link per unfollow group, and the list of what the owner
 * decided since the last report. The links come through the `DecisionLinks`
 * port (decision-links.ts); without one the report stays exactly as it was.
 */
import type { DecisionLinks, LinkAction } from './decision-links.ts';
import { safeHttpUrl } from './escape-html.ts';
import { capList, daysBetween, truncate, type Formatter } from './format.ts';
import { messagesFor } from './i18n.ts';
import type { SectionId } from './i18n.ts';
import { linkLabelsFor } from './link-labels.ts';
import type { ReportJson } from './report-schema.ts';
import type { LinkView, RowView, SectionView } from './report-view.ts';

/** A handle or contact key is untrusted and unbounded: shortened like the names in the rows. */
const WHO_CHARS = 120;

const ROW_ACTIONS: Partial<Record<SectionId, LinkAction[]>> = {
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
  const link = (label: string, action: LinkAction, keys: readonly string[]): LinkView[] => {
    // Only http(s) becomes a link, whatever the configured base URL holds.
    // A key no link can name (an id from a hostile server) gets no link rather than failing the whole report.
    const href = links && keys.every((k) => links.canLink(k)) ? safeHttpUrl(links.linkFor(action, keys)) : null;
    return href === null ? [] : [{ label, href }];
  };
  // Beside a quote whose reply the evidence names: "this is not criticism" under a criticism, "this is criticism" under a supporter's reply.
  const labelLink = (r: RowView): LinkView | null => {
    if (links?.labelLinkFor === undefined || r.quote === null || r.quoteReply === undefined || !links.canLink(r.key)) return null;
    const href = safeHttpUrl(links.labelLinkFor(r.quoteReply.label, r.key, r.quoteReply) ?? undefined);
    return href === null ? null : { label: r.quoteReply.label === 'not_criticism' ? labels.notCriticism : labels.criticism, href };
  };
  return {
    rows(section, rows) {
      const actions = ROW_ACTIONS[section];
      if (links === undefined) return rows;
      return rows.map((r) => {
        const quoteLink = labelLink(r);
        return { ...r, ...(actions !== undefined ? { actions: actions.flatMap((a) => link(labels[a], a, [r.key])) } : {}), ...(quoteLink !== null ? { quoteLink } : {}) };
      });
    },
    bulk(keys, total) {
      if (links === undefined || keys.length === 0) return null;
      const covered = keys.slice(0, links.maxKeysPerLink);
      return link(labels.unfollowGroup(covered.length, total), 'unfollow', covered)[0] ?? null;
    },
  };
}

/**
 * The footer's line on what the links are: a capability for whoever holds the
 * email, until they expire. Only when the email as sent carries at least one
 * (the size budget can leave none).
 */
export function linksWarning(report: ReportJson, links: DecisionLinks | undefined, sections: readonly SectionView[], f: Formatter): string | null {
  const linked = sections.some((s) => s.groups.some((g) => Boolean(g.bulk) || g.rows.some((r) => (r.actions?.length ?? 0) > 0 || r.quoteLink !== undefined)));
  if (links === undefined || !linked) return null;
  const expires = links.expiresAt.toISOString();
  return messagesFor(report.meta.locale).linksWarning({ days: daysBetween(report.meta.generatedAt, expires), until: f.date(expires) });
}

/** `items`: at most this many decisions (the email's size budget); the others are counted in `more`. */
export function decidedView(report: ReportJson, f: Formatter, items = Infinity): { title: string; lines: string[]; more: string | null } | null {
  const decided = report.ownerDecisions ?? [];
  if (decided.length === 0) return null;
  const labels = linkLabelsFor(report.meta.locale);
  const { shown, more } = capList(decided, items, messagesFor(report.meta.locale));
  const handles = new Map(shown.map((d) => [d.contact, undefined as string | undefined]));
  for (const c of report.contacts) if (handles.has(c.key)) handles.set(c.key, c.handle);
  return {
    title: labels.decidedTitle,
    lines: shown.map((d) =>
      labels.decided({ who: truncate(d.handle ?? handles.get(d.contact) ?? d.contact, WHO_CHARS), decision: d.decision, until: d.until !== undefined ? f.date(d.until) : null, at: f.date(d.at) }),
    ),
    more,
  };
}
