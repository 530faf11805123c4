/**
 * The criticism a confirmation page quotes (issue 19, point 3). A Keep or
 * Snooze page about a contact the last report judged `critic_only` shows the
 * reply that report quoted, read again from the store, with a "this is not
 * criticism" link: the same signed label link as the email's, so the owner
 * who keeps a critic because the "criticism" was a joke can say so there.
 *
 * The reply is read, never taken from the link: one GetItem per contact on its
 * interaction item, which also proves it is still stored and is that
 * contact's. A reply gone (expired, forgotten), or a store that fails, leaves
 * the contact without a quote; the page itself still works.
 */
import type { Keyring } from './keyring.ts';
import { signableKey, signableReply, signToken } from './token.ts';
import type { ReplyLabelStore } from '../ports/tone-labels.ts';
import type { TrackedContact } from '../domain/analysis-types.ts';

/** Quotes on one page at most (a bulk link names up to 50 contacts; each quote costs a read). */
export const MAX_PAGE_QUOTES = 10;

export interface PageQuote {
  text: string;
  at: string;
  /** The label page's address for this reply ("this is not criticism"). */
  href: string;
}

export interface PageQuoteDeps {
  labels: ReplyLabelStore | undefined;
  keyring: Keyring;
  profileId: string;
  /** The page's path: the label link opens the same page with its own token. */
  path: string;
  now: Date;
  /** The link's own expiry: the label link lives no longer. */
  expiresAt: number;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export async function criticismQuotes(judged: readonly { key: string; contact: TrackedContact | null }[], deps: PageQuoteDeps): Promise<Map<string, PageQuote>> {
  const out = new Map<string, PageQuote>();
  const labels = deps.labels;
  if (labels === undefined) return out;
  const quoted = judged
    .filter((j) => j.contact !== null && j.contact.previousCriticism !== undefined && (j.contact.previousReasons ?? []).includes('critic_only') && signableKey(j.key))
    .slice(0, MAX_PAGE_QUOTES);
  const ttlSeconds = Math.max(1, deps.expiresAt - Math.floor(deps.now.getTime() / 1000));
  await Promise.all(
    quoted.map(async ({ key, contact }) => {
      const reply = contact?.previousCriticism;
      if (contact === null || reply === undefined || !signableReply(reply)) return;
      try {
        const stored = await labels.findReply(deps.profileId, { sourceId: contact.sourceId, contactId: contact.id, interactionId: reply.interactionId, at: reply.at });
        if (stored === null) return;
        const { token } = signToken({ profile: deps.profileId, keys: [key], action: 'label_not_criticism', reply, now: deps.now, ttlSeconds }, deps.keyring);
        out.set(key, { text: stored.text, at: stored.at, href: `${deps.path}?t=${encodeURIComponent(token)}` });
      } catch (err) {
        // A quote is a courtesy: the page works without it.
        deps.warn('a quoted criticism could not be read for the page', { problem: (err instanceof Error ? err.message : String(err)).slice(0, 200) });
      }
    }),
  );
  return out;
}
