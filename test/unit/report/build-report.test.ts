import { describe, expect, it } from 'vitest';
import type { ContactVerdict } from '../../../shared/domain/analysis-types.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import { ReportJson, UNFOLLOW_REASON_ORDER, reportJsonSchema } from '../../../shared/report/report-schema.ts';
import { analysis, reportInput, sampleReport, sampleVerdicts, staleSource, verdict } from './analysis-fixture.ts';

describe('report JSON', () => {
  it('validates against the ReportJson schema, also after a JSON round trip', () => {
    const report = sampleReport({ analysis: analysis({ staleSources: [staleSource()] }) });
    expect(ReportJson.safeParse(report).error).toBeUndefined();
    const reparsed = ReportJson.parse(JSON.parse(JSON.stringify(report)));
    expect(reparsed).toEqual(report);
  });

  it('carries schema version 1, the profile, the run and the analysis window', () => {
    const report = sampleReport({ runId: 'run-xyz', locale: 'it' });
    expect(report.schemaVersion).toBe(1);
    expect(report.meta).toMatchObject({
      schemaVersion: 1,
      profileId: 'demo',
      profileName: 'Demo Community',
      runId: 'run-xyz',
      locale: 'it',
      windowStart: '2026-08-27T08:00:00.000Z',
      windowEnd: '2026-11-25T08:00:00.000Z',
      lookbackDays: 90,
    });
  });

  it('lists every verdict in contacts, each with its reasons, evidence and stats', () => {
    const verdicts = sampleVerdicts();
    const report = sampleReport({ analysis: analysis({ verdicts }) });
    expect(report.contacts.map((c) => c.key).sort()).toEqual(verdicts.map((v) => v.key).sort());
    const sleepy = report.contacts.find((c) => c.id === 'sleepy');
    expect(sleepy?.reasons).toEqual(['dormant', 'one_sided']);
    expect(sleepy?.evidence.dormant).toEqual({ daysSinceInbound: 140, lastInboundAt: '2026-07-08T10:00:00.000Z' });
    expect(sleepy?.stats.outboundInWindow).toBe(7);
  });

  it('gives the same report when it takes the verdicts over (the report step), and leaves none behind', () => {
    const verdicts = sampleVerdicts();
    const kept = analysis({ verdicts: structuredClone(verdicts) });
    const taken = analysis({ verdicts });
    const count = verdicts.length;
    const report = sampleReport({ analysis: taken, consumeVerdicts: true });
    expect(JSON.stringify(report)).toBe(JSON.stringify(sampleReport({ analysis: kept })));
    expect(taken.verdicts).toEqual([]);
    expect(kept.verdicts).toHaveLength(count);
  });

  it('groups suggested unfollows by primary reason in the fixed order, whatever order the reasons come in', () => {
    const verdicts = [
      verdict({ id: 'a', recommendation: 'unfollow', reasons: ['out_of_audience'] }),
      verdict({ id: 'b', recommendation: 'unfollow', reasons: ['one_sided', 'dormant'] }),
      verdict({ id: 'c', recommendation: 'unfollow', reasons: ['never_engaged', 'inactive_account'] }),
      verdict({ id: 'd', recommendation: 'unfollow', reasons: ['critic_only'] }),
      verdict({ id: 'e', recommendation: 'unfollow', reasons: ['never_engaged'] }),
    ];
    const { unfollow } = sampleReport({ analysis: analysis({ verdicts }) }).sections;
    expect(unfollow.groups.map((g) => g.reason)).toEqual(['inactive_account', 'never_engaged', 'dormant', 'critic_only', 'out_of_audience']);
    expect(unfollow.groups.find((g) => g.reason === 'dormant')?.keys).toEqual(['demo:b']);
    expect(unfollow.groups.find((g) => g.reason === 'inactive_account')?.keys).toEqual(['demo:c']);
    expect(unfollow.count).toBe(5);
    const order = unfollow.groups.map((g) => UNFOLLOW_REASON_ORDER.indexOf(g.reason as (typeof UNFOLLOW_REASON_ORDER)[number]));
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('fills review, follow-back, new, lost and top-supporter sections from recommendations and reasons', () => {
    const s = sampleReport().sections;
    expect(s.review.keys).toEqual(['demo:unsure']);
    expect(s.followBack.keys).toEqual(['demo:fan']);
    expect(s.newFollowers.keys).toEqual(['demo:fan']);
    expect(s.lostFollowers.keys).toEqual(['demo:leaver']);
    expect(s.topSupporters.keys).toEqual(['demo:fan', 'demo:friend']);
  });

  it('review lists those judged on the tone of their replies first (a critic engages, so by engagement alone they came last, past the rows the email shows), then the least engaged', () => {
    const stats = (inboundTotal: number): ContactVerdict['stats'] => ({ inboundInWindow: inboundTotal, inboundByKind: {}, outboundInWindow: 0, inboundTotal, outboundTotal: 0, observedDays: 200, followedForDays: 300, score: inboundTotal });
    const critic = { critic_only: { count: 9, negative: 9, example: 'meh', exampleAt: '2026-11-01T00:00:00.000Z' } };
    const verdicts = [
      verdict({ id: 'quiet', recommendation: 'review', reasons: ['never_engaged'], stats: stats(0) }),
      verdict({ id: 'loud-critic', recommendation: 'review', reasons: ['critic_only'], evidence: critic, stats: stats(9) }),
      verdict({ id: 'some', recommendation: 'review', reasons: ['one_sided'], stats: stats(2) }),
      verdict({ id: 'critic', recommendation: 'review', reasons: ['critic_only'], evidence: critic, stats: stats(3) }),
    ];
    expect(sampleReport({ analysis: analysis({ verdicts }) }).sections.review.keys).toEqual(['demo:critic', 'demo:loud-critic', 'demo:quiet', 'demo:some']);
  });

  it('files contacts by their recommendation, never by a removal reason: a kept or reviewed contact with one stays out of unfollow', () => {
    // Each of these carries a reason that files an unfollow under its group; only `gone` is recommended for it.
    const verdicts = [
      verdict({ id: 'gone', recommendation: 'unfollow', reasons: ['dormant'], evidence: { dormant: { daysSinceInbound: 200, lastInboundAt: '2026-05-01T00:00:00.000Z' } } }),
      // Kept although dormant: the owner allowlisted them.
      verdict({ id: 'kept', recommendation: 'keep', reasons: ['dormant', 'allowlisted'], evidence: { dormant: { daysSinceInbound: 200, lastInboundAt: '2026-05-01T00:00:00.000Z' }, allowlisted: { entry: '@kept' } } }),
      // Kept although silent: the reason was carried over on stale data.
      verdict({ id: 'stale', recommendation: 'keep', reasons: ['never_engaged'], evidence: { never_engaged: { carriedOver: true } }, stale: true }),
      verdict({ id: 'unsure', recommendation: 'review', reasons: ['critic_only'], evidence: { critic_only: { count: 3, negative: 3, example: 'wrong', exampleAt: '2026-11-01T00:00:00.000Z' } } }),
    ];
    const report = sampleReport({ analysis: analysis({ verdicts }) });
    expect(report.sections.unfollow.groups).toEqual([{ reason: 'dormant', count: 1, keys: ['demo:gone'] }]);
    expect(report.sections.unfollow.count).toBe(1);
    expect(report.sections.review.keys).toEqual(['demo:unsure']);
  });

  it('has null deltas on a first run and keeps the previous runs newest first', () => {
    const report = buildReport(
      reportInput({
        analysis: analysis({ deltas: null }),
        trend: [
          { at: '2026-11-04T08:00:00.000Z', figures: analysis().figures },
          { at: '2026-11-18T08:00:00.000Z', figures: analysis().figures },
        ],
      }),
    );
    expect(report.deltas).toBeNull();
    expect(report.trend.map((t) => t.at)).toEqual(['2026-11-18T08:00:00.000Z', '2026-11-04T08:00:00.000Z']);
  });

  it('reports stale sources with what failed and since when', () => {
    const report = sampleReport({ analysis: analysis({ staleSources: [staleSource()] }) });
    expect(report.staleSources).toEqual([
      expect.objectContaining({ sourceId: 'mastodon', contacts: 'partial', interactions: 'failed', lastCompleteAt: '2026-11-18T08:00:00.000Z' }),
    ]);
  });

  it('drops undefined evidence values so the JSON equals what it serialises to', () => {
    // A rule that spreads an optional fact it does not have (the type forbids it; a plain object spread can still do it).
    const loose = { never_engaged: { observedDays: 130, observedSince: '2026-07-01T00:00:00.000Z', followedForDays: undefined } } as unknown as ContactVerdict['evidence'];
    const report = sampleReport({ analysis: analysis({ verdicts: [verdict({ id: 'u', reasons: ['never_engaged'], evidence: loose })] }) });
    expect(report.contacts[0]?.evidence.never_engaged).toEqual({ observedDays: 130, observedSince: '2026-07-01T00:00:00.000Z' });
    expect(Object.keys(report.contacts[0]?.evidence.never_engaged ?? {})).toEqual(['observedDays', 'observedSince']);
  });

  it('publishes a JSON Schema that documents every section and the contact entry', () => {
    const schema = reportJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(['schemaVersion', 'meta', 'figures', 'deltas', 'trend', 'staleSources', 'notices', 'exportReminders', 'apiSources', 'tokenNotices', 'sections', 'contacts', 'actions', 'ownerDecisions', 'decisionTallies', 'configSuggestions']);
    expect(Object.keys(schema.properties['sections']?.properties ?? {})).toEqual(['unfollow', 'review', 'followBack', 'newFollowers', 'lostFollowers', 'topSupporters']);
    expect(JSON.stringify(schema)).toContain('"never_engaged"');
  });

  it('rejects a report whose contact has an unknown reason code', () => {
    const report = sampleReport();
    const broken = JSON.parse(JSON.stringify(report)) as { contacts: { reasons: string[] }[] };
    broken.contacts[0]!.reasons = ['vibes'];
    const result = ReportJson.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['contacts', 0, 'reasons', 0]);
  });
});
