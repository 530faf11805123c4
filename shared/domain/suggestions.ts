/**
 * Decisions become suggestions (issue 19, point 4). What the owner did with
 * earlier suggestions, tallied per reason code (kept, snoozed, acted on), and
 * where the owner keeps most of one kind, the config change that would stop
 * followback asking, with the figures behind it. Pure: no I/O, no clock.
 *
 * followback recommends, the owner decides: these are sentences in the report,
 * never a change to the config.
 *
 * A decision counts once for each reason the contact was suggested for when
 * the owner decided (recorded with the decision since issue 19: `SuggestedFor`).
 * Decisions stored before that carry no reason and are not counted.
 */
import { z } from 'zod';
import { REASON_CODES, RECOMMENDATIONS, type ReasonCode, type TrackedContact } from './analysis-types.ts';
import { DAY_MS } from './time.ts';

/** The reasons a suggestion can come from: the ones that put a contact under Unfollow or Review. */
export const SUGGESTION_REASONS = ['never_engaged', 'dormant', 'one_sided', 'critic_only', 'out_of_audience', 'inactive_account'] as const satisfies readonly ReasonCode[];
export type SuggestionReason = (typeof SUGGESTION_REASONS)[number];

const Days = z.number().nonnegative();

/** Facts about the contact when the owner decided, as the store knew them. */
export const DecisionFacts = z
  .object({
    /** The primary language tag the contact posts in (the platform's), lower case. */
    language: z.string().regex(/^[a-z]{2,3}$/).optional(),
    /** Days the tie had been observed (since the follow date, else since first seen). */
    observedDays: Days.optional(),
    /** Days since their last inbound interaction. */
    daysSinceInbound: Days.optional(),
    /** Days since the account's last post. */
    daysSincePost: Days.optional(),
    /** Your interactions with them in the lookback window (filled in at report time when not recorded). */
    outboundInWindow: z.number().int().nonnegative().optional(),
  })
  .strict();
export type DecisionFacts = z.infer<typeof DecisionFacts>;

/**
 * What a contact was suggested for when the owner decided: stored with the decision
 * (keep, snooze) and with the confirmed action (unfollow, follow back). Optional in the
 * store: decisions made before it was recorded have none.
 */
export const SuggestedFor = z
  .object({
    reasons: z.array(z.enum(REASON_CODES)),
    recommendation: z.enum(RECOMMENDATIONS).optional(),
    facts: DecisionFacts.optional(),
  })
  .strict();
export type SuggestedFor = z.infer<typeof SuggestedFor>;

/** The reasons and facts of a stored contact as the owner decides on it (from its last report). */
export function suggestedForOf(contact: Pick<TrackedContact, 'previousReasons' | 'previousRecommendation' | 'languages' | 'followedAt' | 'firstSeenAt' | 'lifetime' | 'lastPostAt'>, now: Date): SuggestedFor {
  const nowMs = now.getTime();
  const daysSince = (iso: string | undefined): number | undefined => {
    if (iso === undefined) return undefined;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? undefined : Math.max(0, Math.floor((nowMs - ms) / DAY_MS));
  };
  const language = contact.languages?.[0]?.toLowerCase().split(/[-_]/)[0];
  const observedDays = daysSince(contact.followedAt ?? contact.firstSeenAt);
  const daysSinceInbound = daysSince(contact.lifetime?.lastInboundAt);
  const daysSincePost = daysSince(contact.lastPostAt);
  const facts: DecisionFacts = {
    ...(language !== undefined && /^[a-z]{2,3}$/.test(language) ? { language } : {}),
    ...(observedDays !== undefined ? { observedDays } : {}),
    ...(daysSinceInbound !== undefined ? { daysSinceInbound } : {}),
    ...(daysSincePost !== undefined ? { daysSincePost } : {}),
  };
  return {
    reasons: [...(contact.previousReasons ?? [])],
    ...(contact.previousRecommendation !== undefined ? { recommendation: contact.previousRecommendation } : {}),
    ...(Object.keys(facts).length > 0 ? { facts } : {}),
  };
}

export type DecisionOutcome = 'kept' | 'snoozed' | 'acted';

/** One decision of the owner on a suggested contact. */
export interface DecidedContact {
  /** `sourceId:contactId`. */
  contact: string;
  outcome: DecisionOutcome;
  /** When the owner decided. */
  at: string;
  reasons: readonly ReasonCode[];
  facts: DecisionFacts;
}

/** The settings a suggestion would change, as they are now. */
export interface CurrentSettings {
  languages: readonly string[];
  oneSidedThreshold: number;
  minObservationDays: number;
  dormantDays: number;
  inactiveDays: number;
}

export interface SuggestionOptions {
  /** A reason (or a language) needs at least this many decisions before anything is suggested. */
  minDecided: number;
  /** ...and at least this share of them kept (0..1). */
  keptShare: number;
  /** Only the most recent decisions per reason count. */
  lastDecisions: number;
}

export const DEFAULT_SUGGESTION_OPTIONS: SuggestionOptions = { minDecided: 8, keptShare: 0.7, lastDecisions: 20 };

const Count = z.number().int().nonnegative();

export const DecisionTally = z
  .object({
    reason: z.enum(SUGGESTION_REASONS),
    decided: Count.describe('Decisions counted: the most recent ones on contacts suggested for this reason.'),
    kept: Count,
    snoozed: Count,
    acted: Count.describe('Unfollowed or followed back (confirmed by the owner).'),
  })
  .strict();
export type DecisionTally = z.infer<typeof DecisionTally>;

const Setting = z.enum(['audience.languages', 'policy.oneSidedThreshold', 'policy.minObservationDays', 'policy.dormantDays', 'policy.inactiveDays']);
export type SuggestedSetting = z.infer<typeof Setting>;

export const ConfigSuggestion = z
  .object({
    reason: z.enum(SUGGESTION_REASONS),
    setting: Setting.describe('The config path the suggestion is about.'),
    change: z.enum(['add', 'raise']),
    language: z.string().optional().describe('add: the language to add to audience.languages.'),
    current: z.number().int().optional().describe('raise: the value now.'),
    to: z.number().int().optional().describe('raise: the smallest value that would have left out at least keptShare of the kept contacts with a figure; absent when their figures cannot say.'),
    decided: Count.describe('Decisions counted (for add: on contacts writing in that language).'),
    kept: Count,
    snoozed: Count,
    acted: Count,
    measured: Count.optional().describe('raise: kept contacts whose figure is known.'),
    leftOut: Count.optional().describe('raise: of those, how many the new value would have left out.'),
  })
  .strict();
export type ConfigSuggestion = z.infer<typeof ConfigSuggestion>;

export interface SuggestionResult {
  tallies: DecisionTally[];
  suggestions: ConfigSuggestion[];
}

type RaiseSetting = Exclude<SuggestedSetting, 'audience.languages'>;

/** The knob behind each reason, the figure of a kept contact it is compared with, and the highest value the config accepts. */
const RAISES: Partial<Record<SuggestionReason, { setting: RaiseSetting; current: (s: CurrentSettings) => number; figure: (f: DecisionFacts) => number | undefined; max: number }>> = {
  one_sided: { setting: 'policy.oneSidedThreshold', current: (s) => s.oneSidedThreshold, figure: (f) => f.outboundInWindow, max: 10_000 },
  never_engaged: { setting: 'policy.minObservationDays', current: (s) => s.minObservationDays, figure: (f) => f.observedDays, max: 3650 },
  dormant: { setting: 'policy.dormantDays', current: (s) => s.dormantDays, figure: (f) => f.daysSinceInbound, max: 3650 },
  inactive_account: { setting: 'policy.inactiveDays', current: (s) => s.inactiveDays, figure: (f) => f.daysSincePost, max: 3650 },
};

export function suggestConfigChanges(decided: readonly DecidedContact[], settings: CurrentSettings, options: SuggestionOptions = DEFAULT_SUGGESTION_OPTIONS): SuggestionResult {
  const newestFirst = [...decided].sort((a, b) => b.at.localeCompare(a.at) || a.contact.localeCompare(b.contact));
  const tallies: DecisionTally[] = [];
  const suggestions: ConfigSuggestion[] = [];
  const lastN = Math.max(1, Math.floor(options.lastDecisions));
  const enough = (t: Counts): boolean => t.decided >= options.minDecided && t.kept >= options.keptShare * t.decided;

  for (const reason of SUGGESTION_REASONS) {
    const recent = newestFirst.filter((d) => d.reasons.includes(reason)).slice(0, lastN);
    if (recent.length === 0) continue;
    const counts = countOf(recent);
    tallies.push({ reason, ...counts });

    if (reason === 'out_of_audience') {
      const known = new Set(settings.languages.map((l) => l.toLowerCase()));
      const byLanguage = new Map<string, DecidedContact[]>();
      for (const d of recent) {
        const lang = d.facts.language;
        if (lang !== undefined && !known.has(lang)) byLanguage.set(lang, [...(byLanguage.get(lang) ?? []), d]);
      }
      for (const [language, group] of [...byLanguage].sort(([a], [b]) => a.localeCompare(b))) {
        const c = countOf(group);
        if (enough(c)) suggestions.push({ reason, setting: 'audience.languages', change: 'add', language, ...c });
      }
      continue;
    }

    const raise = RAISES[reason];
    if (raise === undefined || !enough(counts)) continue;
    const current = raise.current(settings);
    const figures = recent.filter((d) => d.outcome === 'kept').flatMap((d) => {
      const v = raise.figure(d.facts);
      return v === undefined ? [] : [Math.floor(v)];
    });
    const to = smallestLeavingOut(figures, options.keptShare);
    const useful = to !== undefined && to > current && to <= raise.max;
    suggestions.push({
      reason,
      setting: raise.setting,
      change: 'raise',
      current,
      ...(useful ? { to } : {}),
      ...counts,
      measured: figures.length,
      ...(useful ? { leftOut: figures.filter((v) => v < to).length } : {}),
    });
  }
  return { tallies, suggestions };
}

interface Counts {
  decided: number;
  kept: number;
  snoozed: number;
  acted: number;
}

function countOf(decisions: readonly DecidedContact[]): Counts {
  const c = { decided: decisions.length, kept: 0, snoozed: 0, acted: 0 };
  for (const d of decisions) c[d.outcome]++;
  return c;
}

/**
 * The smallest N such that at least `share` of the figures are below N (a contact is
 * flagged at figure >= N, so those would have been left out); undefined with no figures.
 */
export function smallestLeavingOut(figures: readonly number[], share: number): number | undefined {
  if (figures.length === 0) return undefined;
  const sorted = [...figures].sort((a, b) => a - b);
  const needed = Math.min(sorted.length, Math.max(1, Math.ceil(share * sorted.length - 1e-9)));
  return (sorted[needed - 1] ?? 0) + 1;
}
