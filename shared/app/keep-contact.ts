/**
 * "Keep this contact" (for ever, or until a date): the one path by which an owner's
 * decision is stored, whether typed (`followback keep`) or clicked (the decision page).
 */
import type { SuggestedFor } from '../domain/suggestions.ts';
import type { DecisionStore, StoredDecision } from '../ports/store.ts';

export interface KeepRequest {
  /** `sourceId:contactId` (resolved: decisions are stored under the key, so a handle change does not undo them). */
  contact: string;
  /** ISO instant the keep ends; absent: for ever. */
  until?: string;
  note?: string;
  now: Date;
  /** What the last report suggested the contact for (the decision page records it; it feeds the report's config suggestions). */
  suggestedFor?: SuggestedFor;
}

export function keepDecision(req: KeepRequest): StoredDecision {
  return {
    contact: req.contact,
    kind: req.until === undefined ? 'allow' : 'snooze',
    ...(req.until !== undefined ? { until: req.until } : {}),
    ...(req.note !== undefined ? { note: req.note } : {}),
    at: req.now.toISOString(),
    ...(req.suggestedFor !== undefined ? { suggestedFor: req.suggestedFor } : {}),
  };
}

export async function keepContact(store: DecisionStore, profileId: string, req: KeepRequest): Promise<StoredDecision> {
  const decision = keepDecision(req);
  await store.putDecision(profileId, decision);
  return decision;
}
