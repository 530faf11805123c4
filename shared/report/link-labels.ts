/** The words of the email's decision links, and of the list of what the owner decided, in the report's two languages. */
import type { LinkAction } from './decision-links.ts';
import type { ReportLocale } from './report-schema.ts';

/** The short links under each suggestion in the email, and the list of what the owner decided. */
export interface LinkLabels {
  keep: string;
  snooze: string;
  unfollow: string;
  follow_back: string;
  /** Beside a quoted criticism, and beside a top supporter's quoted reply. */
  notCriticism: string;
  criticism: string;
  /** The bulk link of an unfollow group: every member shown, or only the first `shown` of `total`. */
  unfollowGroup(shown: number, total: number): string;
  decidedTitle: string;
  decided(d: { who: string; decision: LinkAction; until: string | null; at: string }): string;
}

const enLinks: LinkLabels = {
  keep: 'Keep',
  snooze: 'Snooze 90 days',
  unfollow: 'Unfollow',
  follow_back: 'Follow back',
  notCriticism: 'This is not criticism',
  criticism: 'This is criticism',
  unfollowGroup: (shown, total) => (shown === total ? `Unfollow all ${total} in this group` : `Unfollow the ${shown} shown`),
  decidedTitle: 'What you decided since the last report',
  decided: ({ who, decision, until, at }) =>
    `${who}: ${{ keep: 'keep for ever', snooze: `snoozed until ${until ?? '?'}`, unfollow: 'unfollow confirmed', follow_back: 'follow back confirmed' }[decision]} (${at})`,
};

const itLinks: LinkLabels = {
  keep: 'Tieni',
  snooze: 'Rimanda 90 giorni',
  unfollow: 'Smetti di seguire',
  follow_back: 'Segui',
  notCriticism: 'Non è una critica',
  criticism: 'È una critica',
  unfollowGroup: (shown, total) => (shown === total ? `Smetti di seguire tutti i ${total} del gruppo` : `Smetti di seguire i ${shown} mostrati`),
  decidedTitle: 'Cosa hai deciso dall\'ultimo report',
  decided: ({ who, decision, until, at }) =>
    `${who}: ${{ keep: 'tenuto per sempre', snooze: `rimandato fino al ${until ?? '?'}`, unfollow: 'unfollow confermato', follow_back: 'follow confermato' }[decision]} (${at})`,
};

export function linkLabelsFor(locale: ReportLocale): LinkLabels {
  return locale === 'it' ? itLinks : enLinks;
}
