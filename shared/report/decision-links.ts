/**
 * The port through which the email gets its decision links. The report says
 * which action on which contacts and draws the links (decision-view.ts); the
 * decision page's side (shared/decide/links.ts) implements this by signing.
 * The report knows nothing of tokens, keys or their limits beyond what this
 * port tells it.
 */
import type { OwnerDecisionJson } from './report-schema.ts';

/** What a link asks the decision page to do: the four decisions the report also lists as made. */
export type LinkAction = OwnerDecisionJson['decision'];

export interface DecisionLinks {
  /** The most contacts one link can name: a group's bulk link covers its first this many. */
  readonly maxKeysPerLink: number;
  /** When every link handed out stops working (the email's footer says so). */
  readonly expiresAt: Date;
  /**
   * Whether a link can name this contact. One that cannot (an over-long id
   * from a hostile server) goes without links rather than failing the report.
   */
  canLink(key: string): boolean;
  /** A URL for the page that confirms `action` on these contacts: at most `maxKeysPerLink`, each one `canLink`. */
  linkFor(action: LinkAction, keys: readonly string[]): string;
  /**
   * A URL for the page that labels one quoted reply of this contact ("this is not criticism" /
   * "this is criticism"); null when no link can name it. Absent: the email has no label links.
   */
  labelLinkFor?(label: 'not_criticism' | 'criticism', contactKey: string, reply: { interactionId: string; at: string }): string | null;
}
