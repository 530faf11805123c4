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

// Stryker disable next-line Regex: equivalent for every until the config schema accepts (a plain date or a datetime with an offset): none ends in a date but a plain date
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

/** An allowlist or snooze entry that names no contact of the profile: the owner thinks someone is protected who is not. */
export interface UnmatchedDecision {
  entry: string;
  kind: 'allowlist' | 'snooze';
  /** The handle that looks most like the entry, when one is close enough to be a likely typo. */
  closest?: string;
}

/**
 * Entries that match no contact (by key or handle). Expired snoozes are not
 * reported: they protect nobody any more on purpose. Ordered as written.
 */
export function unmatchedDecisions(
  decisions: OwnerDecisions,
  contacts: readonly Pick<TrackedContact, 'sourceId' | 'id' | 'handle'>[],
  nowMs: number,
): UnmatchedDecision[] {
  // Most profiles have a handful of entries or none: skip indexing 100,000 contacts for nothing.
  // Stryker disable next-line ConditionalExpression: equivalent for `if (false)`: a shortcut, with no entries the loops below report nothing either
  if (decisions.allowlist.length === 0 && decisions.snoozed.length === 0) return [];
  const keys = new Set<string>();
  const handles = new Map<string, string>();
  for (const c of contacts) {
    keys.add(`${c.sourceId}:${c.id}`);
    handles.set(normaliseHandle(c.handle), c.handle);
  }
  const matches = (entry: string): boolean => keys.has(entry.trim()) || handles.has(normaliseHandle(entry));
  const out: UnmatchedDecision[] = [];
  const seen = new Set<string>();
  const report = (entry: string, kind: UnmatchedDecision['kind']): void => {
    const id = `${kind}\u0000${entry}`;
    if (seen.has(id) || matches(entry)) return;
    seen.add(id);
    const closest = closestHandle(normaliseHandle(entry), handles);
    out.push({ entry, kind, ...(closest !== undefined ? { closest } : {}) });
  };
  for (const entry of decisions.allowlist) report(entry, 'allowlist');
  decisions.snoozed.forEach((s, index) => {
    if (nowMs < snoozeEndMs(s.until, `decisions.snoozed[${index}].until`)) report(s.contact, 'snooze');
  });
  return out;
}

/**
 * The handle at the smallest edit distance, if that distance is small for the
 * entry's length (at most a third of it, and at most 6): a typo, not a stranger.
 * Ties go to the alphabetically first handle, for a stable report.
 */
function closestHandle(entry: string, handles: ReadonlyMap<string, string>): string | undefined {
  const limit = Math.min(6, Math.floor(entry.length / 3));
  let best: { distance: number; normalised: string; handle: string } | undefined;
  for (const [normalised, handle] of handles) {
    // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: the edit distance is at least the length difference, so the distance check below skips the same handles
    if (Math.abs(normalised.length - entry.length) > limit) continue;
    const distance = editDistance(entry, normalised, limit);
    if (distance > limit) continue;
    // Stryker disable next-line EqualityOperator: equivalent for `normalised <= best.normalised`: normalised handles are map keys, never equal (the other operator changes on this line are caught by owner-decisions.test.ts)
    if (best === undefined || distance < best.distance || (distance === best.distance && normalised < best.normalised)) best = { distance, normalised, handle };
  }
  return best?.handle;
}

/** Levenshtein distance, giving up (returning limit + 1) once every path exceeds the limit. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? Infinity) + 1, (current[j - 1] ?? Infinity) + 1, (previous[j - 1] ?? Infinity) + cost);
      current.push(value);
      // Stryker disable next-line EqualityOperator: equivalent, setting the row minimum to an equal value changes nothing
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? Infinity;
}
