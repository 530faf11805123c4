import type { EvidenceOf } from '../evidence.ts';
import { isFollowing } from '../stats.ts';
import { DAY_MS, parseInstant, wholeDays } from '../time.ts';
import type { ContactContext } from './rule.ts';

/**
 * Followed less than graceDays ago (exactly graceDays ago is judged). Without
 * followedAt, firstSeenAt stands in only when tracking was already running
 * when the contact appeared (firstSeenAt after the source's first pull): a
 * contact present at the first pull may have been followed years ago.
 */
export function gracePeriod(ctx: ContactContext, trackingSinceMs: number): EvidenceOf<'grace_period'> | null {
  const { contact, nowMs, policy } = ctx;
  if (!isFollowing(contact.relation) || policy.graceDays === 0) return null;
  let since: string;
  let basis: 'followedAt' | 'firstSeenAt';
  if (contact.followedAt !== undefined) {
    since = contact.followedAt;
    basis = 'followedAt';
  } else {
    const firstSeenMs = parseInstant(contact.firstSeenAt, () => `contact ${contact.sourceId}:${contact.id} firstSeenAt`);
    if (firstSeenMs <= trackingSinceMs) return null;
    since = contact.firstSeenAt;
    basis = 'firstSeenAt';
  }
  const sinceMs = parseInstant(since, () => `contact ${contact.sourceId}:${contact.id} ${basis}`);
  if (nowMs - sinceMs >= policy.graceDays * DAY_MS) return null;
  return { since, basis, daysSince: Math.max(0, wholeDays(sinceMs, nowMs)), graceDays: policy.graceDays };
}
