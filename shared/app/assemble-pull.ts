/**
 * One source's pull, assembled from the parts its pull steps staged. A list
 * read over several steps is one snapshot: each page was fetched once, so
 * every account is in one part; an account met in both lists (follower in one
 * step, followed in another) is a mutual, as in a pull read in one go.
 */
import type { Completeness, Contact, SourcePull } from '../domain/model.ts';
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
  const contacts = mergeContacts(parts.flatMap((p) => p.contacts));
  const interactions = parts.flatMap((p) => p.interactions);
  const problems = [...new Set(parts.flatMap((p) => p.problems))];
  // Only a finished read knows its completeness; one cut short is partial, whatever its parts said so far.
  const finished = source.phase === 'complete' || (source.phase === 'partial' && source.checkpoint === undefined);
  const cut = (c: Completeness): Completeness => (finished ? c : contacts.length + interactions.length === 0 && c === 'failed' ? 'failed' : c === 'complete' ? 'partial' : c);
  if (!finished) problems.push(source.phase === 'failed' && source.problem !== undefined ? `failed after part of the read: ${source.problem}` : maxPullHoursProblem(maxPullHours));
  const historySince = [...parts].reverse().find((p) => p.historySince !== undefined)?.historySince;
  const cursor = [...parts].reverse().find((p) => p.cursor !== undefined)?.cursor;
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
