import type { Contact } from '../model.ts';
import { DAY_MS, parseInstant, wholeDays } from '../time.ts';
import type { ReasonRule } from './rule.ts';

/** States in which the account cannot be part of anyone's community any more (deactivated may come back). */
export function isGoneState(state: Contact['state']): boolean {
  return state === 'moved' || state === 'suspended' || state === 'deleted';
}

/** Not posting at all right now: gone, or switched off by its owner. */
function isOffState(state: Contact['state']): boolean {
  return isGoneState(state) || state === 'deactivated';
}

/**
 * The account itself is gone (moved, suspended, deleted) or has not posted for
 * more than inactiveDays. Evidence says which: `state` or `lastPostAt`.
 */
export const inactiveAccount: ReasonRule<'inactive_account'> = {
  code: 'inactive_account',
  basis: 'available-data',
  evaluate({ contact, nowMs, policy }) {
    if (isOffState(contact.state)) {
      return { state: contact.state, ...(contact.movedTo !== undefined ? { movedTo: contact.movedTo } : {}) };
    }
    if (contact.lastPostAt === undefined) return null;
    const lastPostMs = parseInstant(contact.lastPostAt, () => `contact ${contact.sourceId}:${contact.id} lastPostAt`);
    if (nowMs - lastPostMs <= policy.inactiveDays * DAY_MS) return null;
    return { lastPostAt: contact.lastPostAt, daysSincePost: wholeDays(lastPostMs, nowMs) };
  },
};
