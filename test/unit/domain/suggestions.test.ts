/**
 * Decisions become suggestions (issue 19, point 4): the pure tally and the config
 * changes it suggests, by table and by property; and that a Keep already stops
 * the same contact being suggested again (a Snooze only for its while).
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { ReasonCode } from '../../../shared/domain/analysis-types.ts';
import {
  ConfigSuggestion,
  DEFAULT_SUGGESTION_OPTIONS,
  smallestLeavingOut,
  SUGGESTION_REASONS,
  suggestConfigChanges,
  suggestedForOf,
  type CurrentSettings,
  type DecidedContact,
  type DecisionFacts,
  type DecisionOutcome,
} from '../../../shared/domain/suggestions.ts';
import { NOW, contact, daysAgo, input, outbound, verdictOf } from './builders.ts';

const SETTINGS: CurrentSettings = { languages: ['en', 'it'], oneSidedThreshold: 5, minObservationDays: 30, dormantDays: 120, inactiveDays: 180 };

let n = 0;
function decided(outcome: DecisionOutcome, reasons: ReasonCode[], facts: DecisionFacts = {}, at = daysAgo(1)): DecidedContact {
  n += 1;
  return { contact: `masto:${n}`, outcome, at, reasons, facts };
}
const times = <T>(k: number, make: (i: number) => T): T[] => Array.from({ length: k }, (_, i) => make(i));

describe('suggestConfigChanges: out_of_audience', () => {
  it('8 of 10 kept, all writing Spanish: add "es" to audience.languages, with the figures', () => {
    const ds = [...times(8, () => decided('kept', ['out_of_audience'], { language: 'es' })), decided('acted', ['out_of_audience'], { language: 'es' }), decided('snoozed', ['out_of_audience'], { language: 'es' })];
    const { suggestions, tallies } = suggestConfigChanges(ds, SETTINGS);
    expect(suggestions).toEqual([{ reason: 'out_of_audience', setting: 'audience.languages', change: 'add', language: 'es', decided: 10, kept: 8, snoozed: 1, acted: 1 }]);
    expect(tallies).toEqual([{ reason: 'out_of_audience', decided: 10, kept: 8, snoozed: 1, acted: 1 }]);
  });

  it.each([
    ['7 kept of 10 (70 %) is enough', 7, 3, true],
    ['6 kept of 10 (60 %) is not', 6, 4, false],
    ['7 kept of 7 is too few decisions', 7, 0, false],
    ['8 kept of 8 is enough', 8, 0, true],
  ])('%s', (_label, kept, acted, suggests) => {
    const ds = [...times(kept, () => decided('kept', ['out_of_audience'], { language: 'es' })), ...times(acted, () => decided('acted', ['out_of_audience'], { language: 'es' }))];
    expect(suggestConfigChanges(ds, SETTINGS).suggestions.length > 0).toBe(suggests);
  });

  it('counts each language on its own, and never suggests a language already served', () => {
    const ds = [
      ...times(5, () => decided('kept', ['out_of_audience'], { language: 'es' })),
      ...times(5, () => decided('kept', ['out_of_audience'], { language: 'de' })),
      ...times(9, () => decided('kept', ['out_of_audience'], { language: 'en' })),
    ];
    expect(suggestConfigChanges(ds, SETTINGS, { ...DEFAULT_SUGGESTION_OPTIONS, lastDecisions: 100 }).suggestions).toEqual([]);
  });

  it('only the last 20 decisions of a reason count: old keeps are outweighed by recent unfollows', () => {
    const ds = [...times(20, (i) => decided('kept', ['out_of_audience'], { language: 'es' }, daysAgo(100 + i))), ...times(20, (i) => decided('acted', ['out_of_audience'], { language: 'es' }, daysAgo(1 + i)))];
    const { suggestions, tallies } = suggestConfigChanges(ds, SETTINGS);
    expect(suggestions).toEqual([]);
    expect(tallies).toEqual([{ reason: 'out_of_audience', decided: 20, kept: 0, snoozed: 0, acted: 20 }]);
  });

  it('keeps without a known language are tallied but suggest nothing', () => {
    const ds = times(10, () => decided('kept', ['out_of_audience']));
    expect(suggestConfigChanges(ds, SETTINGS)).toEqual({ tallies: [{ reason: 'out_of_audience', decided: 10, kept: 10, snoozed: 0, acted: 0 }], suggestions: [] });
  });
});

describe('suggestConfigChanges: thresholds', () => {
  it('one_sided kept mostly: the smallest oneSidedThreshold that leaves out 70 % of the kept, from their outbound counts', () => {
    // Outbound counts of the kept: 5,5,6,6,6,7,8,20,30 (9 kept) and one unfollowed.
    const counts = [5, 5, 6, 6, 6, 7, 8, 20, 30];
    const ds = [...counts.map((c) => decided('kept', ['one_sided'], { outboundInWindow: c })), decided('acted', ['one_sided'], { outboundInWindow: 9 })];
    const [s] = suggestConfigChanges(ds, SETTINGS).suggestions;
    // 70 % of 9 is 6.3: seven must be below N; the 7th smallest is 8, so N = 9.
    expect(s).toEqual({ reason: 'one_sided', setting: 'policy.oneSidedThreshold', change: 'raise', current: 5, to: 9, decided: 10, kept: 9, snoozed: 0, acted: 1, measured: 9, leftOut: 7 });
  });

  it.each([
    ['never_engaged', 'policy.minObservationDays', 'observedDays', 30, [31, 32, 33, 34, 35, 36, 37, 38, 39, 40], 38],
    ['dormant', 'policy.dormantDays', 'daysSinceInbound', 120, [121, 121, 125, 130, 130, 140, 150, 160, 300, 400], 151],
    ['inactive_account', 'policy.inactiveDays', 'daysSincePost', 180, [200, 200, 200, 200, 200, 200, 200, 200], 201],
  ] as const)('%s kept mostly: raise %s', (reason, setting, fact, current, figures, to) => {
    const ds = figures.map((f) => decided('kept', [reason], { [fact]: f }));
    const [s] = suggestConfigChanges(ds, SETTINGS).suggestions;
    expect(s).toMatchObject({ reason, setting, change: 'raise', current, to, measured: figures.length });
    expect(s?.leftOut).toBeGreaterThanOrEqual(Math.ceil(0.7 * figures.length));
  });

  it('without figures the suggestion says only which setting, not a value', () => {
    const ds = times(8, () => decided('kept', ['dormant']));
    expect(suggestConfigChanges(ds, SETTINGS).suggestions).toEqual([{ reason: 'dormant', setting: 'policy.dormantDays', change: 'raise', current: 120, decided: 8, kept: 8, snoozed: 0, acted: 0, measured: 0 }]);
  });

  it('a value at or below the current one is not suggested (the figures moved since)', () => {
    const ds = times(8, () => decided('kept', ['one_sided'], { outboundInWindow: 2 }));
    const [s] = suggestConfigChanges(ds, SETTINGS).suggestions;
    expect(s?.to).toBeUndefined();
    expect(s?.leftOut).toBeUndefined();
  });

  it('critic_only is tallied but has no setting to suggest', () => {
    const ds = times(10, () => decided('kept', ['critic_only']));
    const r = suggestConfigChanges(ds, SETTINGS);
    expect(r.suggestions).toEqual([]);
    expect(r.tallies).toEqual([{ reason: 'critic_only', decided: 10, kept: 10, snoozed: 0, acted: 0 }]);
  });

  it('a contact with two reasons counts under each; other reason codes are ignored', () => {
    const ds = [decided('kept', ['one_sided', 'dormant', 'grace_period'])];
    expect(suggestConfigChanges(ds, SETTINGS).tallies.map((t) => t.reason)).toEqual(['dormant', 'one_sided']);
  });

  it.each([
    [[], 0.7, undefined],
    [[3], 0.7, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.7, 8],
    [[10, 1], 1, 11],
  ])('smallestLeavingOut(%j, %d) = %s', (figures, share, expected) => {
    expect(smallestLeavingOut(figures, share)).toBe(expected);
  });
});

const reasonArb = fc.subarray([...SUGGESTION_REASONS, 'grace_period', 'top_supporter'] as ReasonCode[], { minLength: 1 });
const factsArb: fc.Arbitrary<DecisionFacts> = fc.record(
  {
    language: fc.constantFrom('es', 'de', 'en', 'fr'),
    observedDays: fc.integer({ min: 0, max: 4000 }),
    daysSinceInbound: fc.integer({ min: 0, max: 4000 }),
    daysSincePost: fc.integer({ min: 0, max: 4000 }),
    outboundInWindow: fc.integer({ min: 0, max: 50 }),
  },
  { requiredKeys: [] },
);
const decidedArb = fc.array(
  fc.record({
    contact: fc.string({ minLength: 1, maxLength: 6 }),
    outcome: fc.constantFrom<DecisionOutcome>('kept', 'snoozed', 'acted'),
    at: fc.integer({ min: 0, max: 400 }).map((d) => daysAgo(d)),
    reasons: reasonArb,
    facts: factsArb,
  }),
  { maxLength: 80 },
);
const optionsArb = fc.record({ minDecided: fc.integer({ min: 1, max: 15 }), keptShare: fc.double({ min: 0.5, max: 1, noNaN: true }), lastDecisions: fc.integer({ min: 1, max: 30 }) });

describe('suggestConfigChanges: properties', () => {
  fcTest.prop([decidedArb, optionsArb])('never suggests a change from fewer decisions than the minimum, or fewer kept than the share', (ds, options) => {
    for (const s of suggestConfigChanges(ds, SETTINGS, options).suggestions) {
      expect(s.decided).toBeGreaterThanOrEqual(options.minDecided);
      expect(s.kept).toBeGreaterThanOrEqual(options.keptShare * s.decided);
      expect(ConfigSuggestion.safeParse(s).success).toBe(true);
    }
  });

  fcTest.prop([decidedArb, optionsArb])('figures add up', (ds, options) => {
    const { tallies, suggestions } = suggestConfigChanges(ds, SETTINGS, options);
    for (const t of tallies) {
      expect(t.kept + t.snoozed + t.acted).toBe(t.decided);
      expect(t.decided).toBeLessThanOrEqual(options.lastDecisions);
      expect(t.decided).toBe(Math.min(options.lastDecisions, ds.filter((d) => d.reasons.includes(t.reason)).length));
    }
    for (const s of suggestions) {
      expect(s.kept + s.snoozed + s.acted).toBe(s.decided);
      const tally = tallies.find((t) => t.reason === s.reason);
      expect(s.decided).toBeLessThanOrEqual(tally?.decided ?? -1);
      if (s.change === 'raise') {
        expect(s.measured).toBeLessThanOrEqual(s.kept);
        if (s.to !== undefined) {
          expect(s.to).toBeGreaterThan(s.current ?? Infinity);
          expect(s.leftOut).toBeLessThanOrEqual(s.measured ?? -1);
          expect(s.leftOut).toBeGreaterThanOrEqual(Math.ceil(options.keptShare * (s.measured ?? 0) - 1e-9));
        }
      } else {
        expect(SETTINGS.languages).not.toContain(s.language);
      }
    }
  });

  fcTest.prop([fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0.01, max: 1, noNaN: true })])('smallestLeavingOut is the smallest N leaving out the share', (figures, share) => {
    const to = smallestLeavingOut(figures, share) ?? NaN;
    const leftOut = (k: number): number => figures.filter((f) => f < k).length;
    expect(leftOut(to)).toBeGreaterThanOrEqual(share * figures.length - 1e-9);
    expect(leftOut(to - 1)).toBeLessThan(share * figures.length - 1e-9);
  });
});

describe('suggestedForOf: what is recorded with a decision', () => {
  it('the last report\'s reasons and recommendation, and the facts the stored contact gives', () => {
    const c = contact('a', { previousReasons: ['one_sided', 'out_of_audience'], previousRecommendation: 'unfollow', languages: ['es-MX', 'en'], followedAt: daysAgo(100), lastPostAt: daysAgo(3), lifetime: { inbound: 1, outbound: 9, lastInboundAt: daysAgo(200) } });
    expect(suggestedForOf(c, new Date(NOW))).toEqual({ reasons: ['one_sided', 'out_of_audience'], recommendation: 'unfollow', facts: { language: 'es', observedDays: 100, daysSinceInbound: 200, daysSincePost: 3 } });
  });

  it('a contact with nothing to say records empty reasons', () => {
    const { followedAt: _f, ...bare } = contact('b');
    expect(suggestedForOf({ ...bare, firstSeenAt: 'not a date' }, new Date(NOW))).toEqual({ reasons: [] });
  });
});

describe('a Keep already stops the same suggestion (today\'s behaviour, kept)', () => {
  // A followed contact you gave 6 likes to in the window, nothing back: one_sided, and never_engaged too.
  const oneSided = () => ({ current: [contact('k')], interactions: times(6, (i) => outbound('k', daysAgo(i + 1))) });
  const suggested = (r: string | null): boolean => r === 'unfollow' || r === 'review';

  it('without a decision the contact is suggested (one_sided)', () => {
    const v = verdictOf(analyse(input(oneSided())).verdicts, 'k');
    expect(v.reasons).toContain('one_sided');
    expect(suggested(v.recommendation)).toBe(true);
  });

  it('kept (allowlisted, as the decision page\'s Keep stores it): recommended `keep` at every later run; the reason stays as evidence only', () => {
    for (const days of [0, 30, 60]) {
      const later = new Date(Date.parse(NOW) + days * 86_400_000).toISOString();
      const v = verdictOf(analyse(input({ ...oneSided(), now: later, decisions: { allowlist: ['masto:k'], snoozed: [] } })).verdicts, 'k');
      expect(v.reasons).toContain('allowlisted');
      expect(v.recommendation).toBe('keep');
    }
  });

  it('snoozed: not suggested while the snooze lasts, suggested again once it ends', () => {
    const snoozed = { allowlist: [], snoozed: [{ contact: 'masto:k', until: daysAgo(-10) }] };
    expect(verdictOf(analyse(input({ ...oneSided(), decisions: snoozed })).verdicts, 'k').recommendation).toBe('keep');
    const after = new Date(Date.parse(NOW) + 11 * 86_400_000).toISOString();
    const v = verdictOf(analyse(input({ ...oneSided(), now: after, decisions: snoozed })).verdicts, 'k');
    expect(v.reasons).toContain('one_sided');
    expect(suggested(v.recommendation)).toBe(true);
  });
});
