/**
 * The report step's share of "decisions become suggestions" (issue 19, point 4):
 * the owner's stored decisions (keep, snooze: D# items; unfollow, follow back:
 * the decision page's confirmed actions) with what each contact was suggested
 * for when the owner decided, turned into per-reason tallies and config
 * suggestions by the pure shared/domain/suggestions.ts. It never changes the
 * config.
 *
 * Facts recorded with the decision win; what was not recorded (your outbound
 * interactions in the window always, older decisions' other facts) is read
 * from this run's verdict of the same contact, when it is still there.
 */
import type { Policy, Audience } from '../config/schema.ts';
import type { ContactVerdict, TrackedContact } from '../domain/analysis-types.ts';
import { DAY_MS } from '../domain/time.ts';
import {
  DEFAULT_SUGGESTION_OPTIONS,
  suggestConfigChanges,
  type ConfigSuggestion,
  type DecidedContact,
  type DecisionFacts,
  type DecisionTally,
  type SuggestedFor,
  type SuggestionOptions,
} from '../domain/suggestions.ts';
import type { ConfirmedAction, StoredDecision } from '../ports/store.ts';

export interface DecisionSuggestionsInput {
  now: string;
  policy: Pick<Policy, 'oneSidedThreshold' | 'minObservationDays' | 'dormantDays' | 'inactiveDays'>;
  audience: Pick<Audience, 'languages'>;
  /** The stored keep / snooze decisions (ProfileState.decisions). */
  decisions: readonly StoredDecision[];
  /** The decision page's confirmed unfollows and follow-backs (empty without a decision page). */
  confirmedActions: readonly ConfirmedAction[];
  /** This run's verdicts and contacts: the facts a decision did not record. */
  verdicts: readonly ContactVerdict[];
  contacts: readonly Pick<TrackedContact, 'sourceId' | 'id' | 'languages'>[];
  options?: SuggestionOptions;
}

/** The two optional report fields; empty arrays are left out. */
export interface DecisionSuggestions {
  configSuggestions?: ConfigSuggestion[];
  decisionTallies?: DecisionTally[];
}

export function decisionSuggestions(input: DecisionSuggestionsInput): DecisionSuggestions {
  const { tallies, suggestions } = suggestConfigChanges(
    decidedContacts(input),
    {
      languages: input.audience.languages,
      oneSidedThreshold: input.policy.oneSidedThreshold,
      minObservationDays: input.policy.minObservationDays,
      dormantDays: input.policy.dormantDays,
      inactiveDays: input.policy.inactiveDays,
    },
    input.options ?? DEFAULT_SUGGESTION_OPTIONS,
  );
  return { ...(suggestions.length > 0 ? { configSuggestions: suggestions } : {}), ...(tallies.length > 0 ? { decisionTallies: tallies } : {}) };
}

/** Every decision that recorded what it was a decision on, with its facts completed from this run. */
export function decidedContacts(input: Omit<DecisionSuggestionsInput, 'policy' | 'audience' | 'options'>): DecidedContact[] {
  const verdicts = new Map(input.verdicts.map((v) => [v.key, v]));
  const languages = new Map(input.contacts.map((c) => [`${c.sourceId}:${c.id}`, c.languages?.[0]]));
  const nowMs = Date.parse(input.now);
  const daysSince = (iso: string | undefined): number | undefined => (iso === undefined || Number.isNaN(Date.parse(iso)) ? undefined : Math.max(0, Math.floor((nowMs - Date.parse(iso)) / DAY_MS)));

  const one = (contact: string, outcome: DecidedContact['outcome'], at: string, suggestedFor: SuggestedFor | undefined): DecidedContact[] => {
    if (suggestedFor === undefined || suggestedFor.reasons.length === 0) return [];
    const v = verdicts.get(contact);
    const recorded = suggestedFor.facts ?? {};
    const lang = languages.get(contact)?.toLowerCase().split(/[-_]/)[0];
    const now: DecisionFacts = {
      ...(lang !== undefined && /^[a-z]{2,3}$/.test(lang) ? { language: lang } : {}),
      ...(v !== undefined ? { observedDays: Math.floor(v.stats.observedDays), outboundInWindow: v.stats.outboundInWindow } : {}),
      ...(v?.stats.lastInboundAt !== undefined ? { daysSinceInbound: daysSince(v.stats.lastInboundAt) } : {}),
      ...(v?.lastPostAt !== undefined ? { daysSincePost: daysSince(v.lastPostAt) } : {}),
    };
    const facts = Object.fromEntries(Object.entries({ ...now, ...recorded }).filter(([, value]) => value !== undefined)) as DecisionFacts;
    return [{ contact, outcome, at, reasons: suggestedFor.reasons, facts }];
  };

  const all = [
    ...input.decisions.flatMap((d) => one(d.contact, d.kind === 'allow' ? 'kept' : 'snoozed', d.at, d.suggestedFor)),
    ...input.confirmedActions.flatMap((a) => one(a.key, 'acted', a.confirmedAt, a.suggestedFor)),
  ];
  // One contact kept and later unfollowed (or the other way) is one owner's mind: the latest decision counts.
  const latest = new Map<string, DecidedContact>();
  for (const d of all) {
    const seen = latest.get(d.contact);
    if (seen === undefined || d.at > seen.at) latest.set(d.contact, d);
  }
  return [...latest.values()];
}
