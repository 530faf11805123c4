/**
 * One source's pull, assembled from the parts its pull steps staged. A list
 * read over several steps is one snapshot: each page was fetched once, so
 * every account is in one part; an account met in both lists (follower in one
 * step, followed in another) is a mutual, as in a pull read in one go.
 *
 * Followers are dated here too. A follow notification says when a follower
 * started following, but the notification and the follower are often read in
 * different steps, and carrying every date from step to step in the checkpoint
 * would make it grow with the follower count. The parts hold the notifications
 * anyway, so the dates are taken from all of them, by the rule the source's
 * whole pull uses, and a stepped pull dates every follower a whole pull dates.
 */
import type { Completeness, Contact, Interaction, SourcePull } from '../domain/model.ts';
import type { FiringSource } from '../ports/firing-store.ts';
import type { PullOutcome } from './merge-pulls.ts';

/** The problem a source unfinished at maxPullHours carries into the report. */
export const maxPullHoursProblem = (hours: number): string =>
  `not finished within maxPullHours (${hours} h): what was read is used, nothing is concluded from what was not (no lost followers from this list); the next firing reads it again`;

export function assemblePull(source: FiringSource, parts: SourcePull[], now: Date, maxPullHours: number): PullOutcome {
  const last = parts.at(-1);
  if (last === undefined) {
    return { sourceId: source.sourceId, platform: source.platform, ok: false, problem: source.problem ?? 'no pull step reached this source' };
  }
  const interactions = parts.flatMap((p) => p.interactions);
  const contacts = withFollowerSince(mergeContacts(parts.flatMap((p) => p.contacts)), interactions, FOLLOW_DATE_RULE[source.platform]);
  const problems = [...new Set(parts.flatMap((p) => p.problems))];
  // Only a finished read knows its completeness; one cut short is partial, whatever its parts said so far.
  const finished = source.phase === 'complete' || (source.phase === 'partial' && source.checkpoint === undefined);
  const cut = (c: Completeness): Completeness => (finished ? c : contacts.length + interactions.length === 0 && c === 'failed' ? 'failed' : c === 'complete' ? 'partial' : c);
  if (!finished) problems.push(source.phase === 'failed' && source.problem !== undefined ? `failed after part of the read: ${source.problem}` : maxPullHoursProblem(maxPullHours));
  const historySince = [...parts].reverse().find((p) => p.historySince !== undefined)?.historySince;
  const cursor = [...parts].reverse().find((p) => p.cursor !== undefined)?.cursor;
  const observes = [...parts].reverse().find((p) => p.observes !== undefined)?.observes;
  const exportAge = [...parts].reverse().find((p) => p.exportAge !== undefined)?.exportAge;
  const pull: SourcePull = {
    sourceId: source.sourceId,
    platform: source.platform,
    takenAt: now.toISOString(),
    owner: last.owner,
    contacts,
    interactions,
    contactsCompleteness: cut(last.contactsCompleteness),
    interactionsCompleteness: cut(last.interactionsCompleteness),
    ...(historySince !== undefined ? { historySince } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    problems,
    requests: parts.reduce((n, p) => n + p.requests, 0),
    ...(observes !== undefined ? { observes } : {}),
    ...(exportAge !== undefined ? { exportAge } : {}),
  };
  return { sourceId: source.sourceId, platform: source.platform, ok: true, pull };
}

/** Contacts by id; a relation met twice (follower in one part, followed in another) is mutual. */
function mergeContacts(all: Contact[]): Contact[] {
  const byId = new Map<string, Contact>();
  for (const c of all) {
    const seen = byId.get(c.id);
    if (seen === undefined) {
      byId.set(c.id, c);
      continue;
    }
    const relation = seen.relation === c.relation ? c.relation : 'mutual';
    const followedAt = c.followedAt ?? seen.followedAt;
    const followerSince = c.followerSince ?? seen.followerSince;
    byId.set(c.id, { ...seen, ...c, relation, ...(followedAt !== undefined ? { followedAt } : {}), ...(followerSince !== undefined ? { followerSince } : {}) });
  }
  return [...byId.values()];
}

/**
 * Which follow notification dates a follower when there are several (an
 * unfollow and a follow again), as each platform's whole pull decides it:
 * Bluesky keeps the first (bluesky/inbound.ts), Mastodon the last
 * (mastodon-source.ts withFollowerSince). A platform not listed dates its
 * followers in its parts.
 */
const FOLLOW_DATE_RULE: Readonly<Partial<Record<string, 'earliest' | 'latest'>>> = { bluesky: 'earliest', mastodon: 'latest' };

/** Sets followerSince on every follower (and mutual) that a follow notification in any part dates. */
function withFollowerSince(contacts: Contact[], interactions: readonly Interaction[], rule: 'earliest' | 'latest' | undefined): Contact[] {
  if (rule === undefined) return contacts;
  const since = new Map<string, string>();
  for (const i of interactions) {
    if (i.kind !== 'follow' || i.direction !== 'inbound') continue;
    const known = since.get(i.contactId);
    if (known === undefined || (rule === 'earliest' ? i.at < known : i.at > known)) since.set(i.contactId, i.at);
  }
  if (since.size === 0) return contacts;
  return contacts.map((c) => {
    const at = since.get(c.id);
    return at !== undefined && c.relation !== 'following' ? { ...c, followerSince: at } : c;
  });
}
