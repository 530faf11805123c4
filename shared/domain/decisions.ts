/**
 * The owner's explicit decisions (allowlist, snoozes) matched against contacts.
 * An entry names a contact either by handle (case-insensitive, leading "@"
 * optional, so "@Alice@Example.social" matches "alice@example.social") or by
 * its exact key `sourceId:contactId` (ids such as Bluesky DIDs contain colons,
 * so the key is compared whole, never split).
 */
import type { OwnerDecisions, TrackedContact } from './analysis-types.ts';
import { DAY_MS, parseInstant } from './time.ts';

export interface ContactDecision {
  /** The allowlist entry that matched. */
  allowlistedBy?: string;
  /** The active snooze, as the owner wrote its `until`. */
  snoozedUntil?: string;
}

export interface DecisionMatcher {
  decisionFor(contact: Pick<TrackedContact, 'sourceId' | 'id' | 'handle'>): ContactDecision;
}

export function normaliseHandle(handle: string): string {
  return handle.trim().replace(/^@/, '').toLowerCase();
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * When a snooze stops applying (exclusive). A date-only `until` means "to the
 * end of that day, UTC", so the snooze holds until the next midnight UTC.
 */
export function snoozeEndMs(until: string, what: string): number {
  if (DATE_ONLY.test(until)) return parseInstant(`${until}T00:00:00Z`, what) + DAY_MS;
  return parseInstant(until, what);
}

interface ActiveSnooze {
  until: string;
  endMs: number;
}

export function matchDecisions(decisions: OwnerDecisions, nowMs: number): DecisionMatcher {
  // Every entry is indexed both ways: as an exact key and as a handle.
  const allowedByKey = new Map<string, string>();
  const allowedByHandle = new Map<string, string>();
  for (const entry of decisions.allowlist) {
    allowedByKey.set(entry.trim(), entry);
    allowedByHandle.set(normaliseHandle(entry), entry);
  }

  const snoozedByKey = new Map<string, ActiveSnooze>();
  const snoozedByHandle = new Map<string, ActiveSnooze>();
  decisions.snoozed.forEach((s, index) => {
    const endMs = snoozeEndMs(s.until, `decisions.snoozed[${index}].until`);
    if (nowMs >= endMs) return; // expired: the contact is judged again
    const snooze = { until: s.until, endMs };
    keepLongest(snoozedByKey, s.contact.trim(), snooze);
    keepLongest(snoozedByHandle, normaliseHandle(s.contact), snooze);
  });

  return {
    decisionFor(contact) {
      const key = `${contact.sourceId}:${contact.id}`;
      const handle = normaliseHandle(contact.handle);
      const allowlistedBy = allowedByKey.get(key) ?? allowedByHandle.get(handle);
      const snooze = longest(snoozedByKey.get(key), snoozedByHandle.get(handle));
      return {
        ...(allowlistedBy !== undefined ? { allowlistedBy } : {}),
        ...(snooze !== undefined ? { snoozedUntil: snooze.until } : {}),
      };
    },
  };
}

function longest(a: ActiveSnooze | undefined, b: ActiveSnooze | undefined): ActiveSnooze | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.endMs > a.endMs ? b : a;
}

/** Two snoozes for one contact: the one that lasts longer wins. */
function keepLongest(map: Map<string, ActiveSnooze>, name: string, snooze: ActiveSnooze): void {
  map.set(name, longest(map.get(name), snooze) ?? snooze);
}
