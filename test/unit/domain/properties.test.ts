/**
 * The judgement rules that never bend (DESIGN.md), checked over thousands of
 * random communities rather than a handful of examples. Each property judges
 * the input with its own small oracle (what "engaged in the window", "stale"
 * or "allowlisted" means, read straight from the input), not with the
 * analysis' own figures, so a bug in those figures cannot hide a broken rule.
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { Analysis, AnalysisInput, ContactVerdict, ReasonCode, TrackedContact } from '../../../shared/domain/analysis-types.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { analysisInputArb, DAY_MS, type Generated } from './arbitraries.ts';

const RUNS = 2000;
const keyOf = (c: { sourceId: string; id: string }) => `${c.sourceId}:${c.id}`;

/** The verdict analyse() gave each current contact (a contact listed twice is judged once, as the first listing). */
function currentVerdicts(input: AnalysisInput, analysis: Analysis): { contact: TrackedContact; verdict: ContactVerdict }[] {
  const byKey = new Map(analysis.verdicts.filter((v) => v.relation !== 'former_follower').map((v) => [v.key, v]));
  const seen = new Set<string>();
  const out: { contact: TrackedContact; verdict: ContactVerdict }[] = [];
  for (const contact of input.current) {
    const key = keyOf(contact);
    if (seen.has(key)) continue;
    seen.add(key);
    const verdict = byKey.get(key);
    if (verdict === undefined) throw new Error(`current contact ${key} has no verdict`);
    out.push({ contact, verdict });
  }
  return out;
}

/** Oracle for rule 1: any like, repost, reply, quote or mention from them, dated inside [now - lookback, now]. */
function engagedInWindow(input: AnalysisInput, c: TrackedContact): boolean {
  const nowMs = Date.parse(input.now);
  const startMs = nowMs - input.policy.lookbackDays * DAY_MS;
  return [...input.interactions].some((i) => {
    const at = Date.parse(i.at);
    return i.sourceId === c.sourceId && i.contactId === c.id && i.direction === 'inbound' && i.kind !== 'follow' && at >= startMs && at <= nowMs;
  });
}

const normalise = (name: string) => name.trim().replace(/^@/, '').toLowerCase();
const names = (c: TrackedContact) => (entry: string) => entry.trim() === keyOf(c) || normalise(entry) === normalise(c.handle);

/** Oracle for rule 3: allowlisted, or snoozed until a time still ahead (a date-only `until` lasts to the end of that UTC day). */
function protectedByOwner(input: AnalysisInput, c: TrackedContact): boolean {
  const nowMs = Date.parse(input.now);
  const endOf = (until: string) => (/^\d{4}-\d{2}-\d{2}$/.test(until) ? Date.parse(`${until}T00:00:00Z`) + DAY_MS : Date.parse(until));
  return input.decisions.allowlist.some(names(c)) || input.decisions.snoozed.some((s) => names(c)(s.contact) && nowMs < endOf(s.until));
}

/** Reasons concluded from what did not happen: on stale interactions they may only be carried over. */
const ABSENCE_REASONS: readonly ReasonCode[] = ['never_engaged', 'dormant', 'one_sided', 'critic_only'];

describe('the rules that never bend, over random communities', () => {
  test.prop([analysisInputArb], { numRuns: RUNS })('nobody who engaged inbound inside the lookback window is ever unfollow', (input: Generated) => {
    for (const { contact, verdict } of currentVerdicts(input, analyse(input))) {
      if (engagedInWindow(input, contact)) expect(verdict.recommendation, `${verdict.key} engaged in the window`).not.toBe('unfollow');
    }
  });

  test.prop([analysisInputArb], { numRuns: RUNS })('a partial or failed pull (or tone classifier) yields no new lost_follower, new_follower, never_engaged or critic_only', (input: Generated) => {
    const analysis = analyse(input);
    const sources = new Map(input.sources.map((s) => [s.sourceId, s]));
    const contactsComplete = (sourceId: string) => sources.get(sourceId)?.contacts === 'complete';
    const bothListsComplete = (sourceId: string) => contactsComplete(sourceId) && sources.get(sourceId)?.previousContactsComplete === true;
    const interactionsComplete = (sourceId: string) => sources.get(sourceId)?.interactions === 'complete';

    for (const v of analysis.verdicts) {
      // A follower missing from a list that was not complete (now or last time) may simply not have been read.
      if (v.reasons.includes('lost_follower')) expect(bothListsComplete(v.sourceId), `${v.key} lost on an incomplete list`).toBe(true);
      if (v.reasons.includes('new_follower')) expect(contactsComplete(v.sourceId), `${v.key} new on an incomplete list`).toBe(true);
    }
    for (const { contact, verdict } of currentVerdicts(input, analysis)) {
      if (interactionsComplete(contact.sourceId)) continue;
      expect(verdict.stale, `${verdict.key} of a stale source is marked stale`).toBe(true);
      const before = new Set(contact.previousReasons ?? []);
      for (const reason of ABSENCE_REASONS) {
        if (verdict.reasons.includes(reason)) expect(before.has(reason), `${verdict.key}: ${reason} newly concluded on stale data`).toBe(true);
      }
    }
    if (input.classifiers?.toneFailed === true) {
      // A failed tone classifier is missing data too: criticism is carried over, never concluded.
      for (const { contact, verdict } of currentVerdicts(input, analysis)) {
        if (verdict.reasons.includes('critic_only')) expect(contact.previousReasons ?? [], `${verdict.key}: critic_only without a classifier`).toContain('critic_only');
      }
    }
    const stale = input.sources.filter((s) => s.contacts !== 'complete' || s.interactions !== 'complete').map((s) => s.sourceId);
    expect(analysis.staleSources.map((s) => s.sourceId)).toEqual(stale);
  });

  test.prop([analysisInputArb], { numRuns: RUNS })('an allowlisted or snoozed contact is never recommended for removal', (input: Generated) => {
    for (const { contact, verdict } of currentVerdicts(input, analyse(input))) {
      if (!protectedByOwner(input, contact)) continue;
      expect(verdict.recommendation, `${verdict.key} is protected by the owner`).not.toBe('unfollow');
      expect(verdict.recommendation, `${verdict.key} is protected by the owner`).not.toBe('review');
    }
  });

  test.prop([analysisInputArb], { numRuns: RUNS })('no contact of a source that cannot see inbound engagement (none seen, or a kind hidden) is ever unfollow', (input: Generated) => {
    // Oracle, from the declaration alone: some inbound kind is hidden and not also seen, or nothing inbound is seen.
    const blind = new Set(
      input.sources
        .filter((s) => s.observes !== undefined && (s.observes.inbound.length === 0 || (s.observes.inboundHidden ?? []).some((k) => !s.observes?.inbound.includes(k))))
        .map((s) => s.sourceId),
    );
    for (const { contact, verdict } of currentVerdicts(input, analyse(input))) {
      if (!blind.has(contact.sourceId)) continue;
      expect(verdict.recommendation, `${verdict.key}: its source cannot confirm silence`).not.toBe('unfollow');
    }
  });

  test.prop([analysisInputArb], { numRuns: RUNS })('silence is never concluded where no inbound kind is seen, nor criticism where no reply, quote or mention is', (input: Generated) => {
    const sight = new Map(input.sources.map((s) => [s.sourceId, s.observes]));
    for (const { contact, verdict } of currentVerdicts(input, analyse(input))) {
      const o = sight.get(contact.sourceId);
      if (o === undefined) continue;
      if (o.inbound.length === 0) {
        expect(verdict.reasons, `${verdict.key}: no inbound kind is seen`).not.toContain('never_engaged');
        expect(verdict.reasons, `${verdict.key}: no inbound kind is seen`).not.toContain('dormant');
      }
      if (!o.inbound.some((k) => k === 'reply' || k === 'quote' || k === 'mention')) expect(verdict.reasons).not.toContain('critic_only');
      if (o.outbound.length === 0) expect(verdict.reasons).not.toContain('one_sided');
    }
  });

  test.prop([analysisInputArb], { numRuns: 500 })('the same input gives the same analysis and the same rendered report, and is left untouched', (input: Generated) => {
    const before = JSON.stringify(input);
    const render = (a: Analysis) =>
      renderReport(buildReport({ profileId: 'p', locale: 'en', runId: 'r', generatedAt: input.now, dryRun: false, analysis: a, trend: [], maxRowsPerSection: 25 }));
    const first = analyse(input);
    const second = analyse(input);
    expect(second).toEqual(first);
    expect(render(second)).toEqual(render(first));
    expect(JSON.stringify(input)).toBe(before);
  });
});
