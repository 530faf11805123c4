/**
 * A small hand-made `Analysis` for the report tests (the real analysis is tested
 * on its own). Builders take overrides so each test states what matters to it.
 */
import type { Analysis, ContactVerdict, Figures, StaleSource } from '../../../shared/domain/analysis-types.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import type { ReportInput } from '../../../shared/report/build-report.ts';
import type { ReportJson } from '../../../shared/report/report-schema.ts';

export const NOW = '2026-11-25T08:00:00.000Z';
export const WINDOW_START = '2026-08-27T08:00:00.000Z';

let counter = 0;

export function verdict(overrides: Partial<ContactVerdict> & { handle?: string } = {}): ContactVerdict {
  counter += 1;
  const id = overrides.id ?? `id-${counter}`;
  const sourceId = overrides.sourceId ?? 'demo';
  const handle = overrides.handle ?? `@user${counter}@example.social`;
  return {
    key: `${sourceId}:${id}`,
    sourceId,
    platform: 'mastodon',
    id,
    handle,
    displayName: `User ${counter}`,
    profileUrl: `https://example.social/@user${counter}`,
    relation: 'following',
    state: 'active',
    recommendation: 'keep',
    reasons: [],
    evidence: {},
    stats: {
      inboundInWindow: 0,
      inboundByKind: {},
      outboundInWindow: 0,
      inboundTotal: 0,
      outboundTotal: 0,
      observedDays: 200,
      followedForDays: 300,
      score: 0,
    },
    followedAt: '2025-11-01T00:00:00.000Z',
    stale: false,
    ...overrides,
  };
}

export function figures(overrides: Partial<Figures> = {}): Figures {
  return {
    following: 120,
    followers: 95,
    mutuals: 40,
    engagedFollowingShare: 0.38,
    engagedFollowerShare: 0.5,
    engagedFollowing: 46,
    engagedFollowers: 48,
    suggestedUnfollows: 5,
    suggestedReviews: 1,
    suggestedFollowBacks: 1,
    newFollowers: 1,
    lostFollowers: 1,
    inboundInWindow: 340,
    outboundInWindow: 210,
    ...overrides,
  };
}

/** One contact per section, plus hostile strings where a renderer could slip. */
export function sampleVerdicts(): ContactVerdict[] {
  return [
    verdict({
      id: 'ghost',
      handle: '@ghost@example.social',
      displayName: 'Ghost Account',
      recommendation: 'unfollow',
      reasons: ['never_engaged'],
      evidence: { never_engaged: { observedDays: 200, observedSince: '2026-05-09T08:00:00.000Z', followedForDays: 200 } },
    }),
    verdict({
      id: 'sleepy',
      handle: '@sleepy@example.social',
      displayName: 'Sleepy',
      recommendation: 'unfollow',
      reasons: ['dormant', 'one_sided'],
      evidence: { dormant: { daysSinceInbound: 140, lastInboundAt: '2026-07-08T10:00:00.000Z' }, one_sided: { outboundInWindow: 7, lookbackDays: 90 } },
      stats: { inboundInWindow: 0, inboundByKind: {}, outboundInWindow: 7, inboundTotal: 4, outboundTotal: 20, lastInboundAt: '2026-07-08T10:00:00.000Z', lastOutboundAt: '2026-11-20T10:00:00.000Z', observedDays: 400, followedForDays: 400, score: 0 },
    }),
    verdict({
      id: 'gone',
      handle: '@gone@old.example',
      displayName: 'Gone Away',
      state: 'moved',
      recommendation: 'unfollow',
      reasons: ['inactive_account'],
      lastPostAt: '2025-12-01T00:00:00.000Z',
      evidence: { inactive_account: { state: 'moved', movedTo: '@gone@new.example' } },
    }),
    verdict({
      id: 'troll',
      handle: '@troll@example.social',
      displayName: '"><img src=x onerror=alert(1)>',
      profileUrl: 'javascript:alert(document.cookie)',
      recommendation: 'unfollow',
      reasons: ['critic_only'],
      evidence: { critic_only: { count: 10, negative: 9, example: '<script>alert("pwned")</script> you are wrong & always will be', exampleAt: '2026-11-20T10:00:00.000Z' } },
      stats: { inboundInWindow: 0, inboundByKind: {}, outboundInWindow: 0, inboundTotal: 6, outboundTotal: 0, observedDays: 200, followedForDays: 200, score: 0 },
    }),
    verdict({
      id: 'formula',
      handle: '=HYPERLINK("http://evil.example","click")',
      displayName: '<script>alert(1)</script>, "quoted"\nnew line',
      recommendation: 'unfollow',
      reasons: ['out_of_audience'],
      evidence: { out_of_audience: { language: 'de', confidence: 0.9, languageShare: 1, textsRead: 3 } },
    }),
    verdict({
      id: 'unsure',
      handle: '@unsure@example.social',
      displayName: 'Unsure Person',
      recommendation: 'review',
      reasons: ['one_sided'],
      evidence: { one_sided: { outboundInWindow: 5, lookbackDays: 90 } },
    }),
    verdict({
      id: 'fan',
      handle: '@fan@example.social',
      displayName: 'Big Fan',
      relation: 'follower',
      followedAt: undefined,
      recommendation: 'follow_back',
      reasons: ['new_follower', 'top_supporter'],
      stats: { inboundInWindow: 12, inboundByKind: { like: 8, reply: 4 }, outboundInWindow: 0, inboundTotal: 12, outboundTotal: 0, lastInboundAt: '2026-11-24T10:00:00.000Z', observedDays: 20, score: 30 },
    }),
    verdict({
      id: 'friend',
      handle: '@friend@example.social',
      displayName: 'Old Friend',
      relation: 'mutual',
      recommendation: 'keep',
      reasons: ['top_supporter'],
      stats: { inboundInWindow: 9, inboundByKind: { repost: 9 }, outboundInWindow: 3, inboundTotal: 80, outboundTotal: 30, lastInboundAt: '2026-11-22T10:00:00.000Z', observedDays: 700, followedForDays: 700, score: 20 },
    }),
    verdict({
      id: 'leaver',
      handle: '@leaver@example.social',
      displayName: 'Left Us',
      relation: 'former_follower',
      recommendation: null,
      reasons: ['lost_follower'],
      followedAt: undefined,
    }),
  ];
}

export function analysis(overrides: Partial<Analysis> = {}): Analysis {
  const verdicts = overrides.verdicts ?? sampleVerdicts();
  return {
    now: NOW,
    windowStart: WINDOW_START,
    verdicts,
    figures: figures(),
    deltas: { ...zeroDeltas(), following: -3, followers: 4, engagedFollowingShare: 0.025, suggestedUnfollows: 2 },
    staleSources: [],
    unmatchedDecisions: [],
    ...overrides,
  };
}

export function zeroDeltas(): { [K in keyof Figures]: number } {
  const f = figures();
  return Object.fromEntries(Object.keys(f).map((k) => [k, 0])) as { [K in keyof Figures]: number };
}

export function staleSource(overrides: Partial<StaleSource> = {}): StaleSource {
  return {
    sourceId: 'mastodon',
    platform: 'mastodon',
    contacts: 'partial',
    interactions: 'failed',
    lastCompleteAt: '2026-11-18T08:00:00.000Z',
    problems: ['GET https://example.social/api/v1/notifications answered 503 <b>Service Unavailable</b>'],
    ...overrides,
  };
}

export function reportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    profileId: 'demo',
    profileName: 'Demo Community',
    locale: 'en',
    runId: 'run-0001',
    generatedAt: NOW,
    dryRun: false,
    analysis: analysis(),
    trend: [
      { at: '2026-11-18T08:00:00.000Z', figures: figures({ following: 123, followers: 91 }) },
      { at: '2026-11-11T08:00:00.000Z', figures: figures({ following: 125, followers: 88 }) },
    ],
    maxRowsPerSection: 25,
    ...overrides,
  };
}

export function sampleReport(overrides: Partial<ReportInput> = {}): ReportJson {
  return buildReport(reportInput(overrides));
}
