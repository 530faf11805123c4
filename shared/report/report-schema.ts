/**
 * The report JSON: the machine-readable, versioned form of one run's report.
 * Everything else (HTML, text, CSV, subject) is rendered from it, so a stored
 * report can be re-rendered later. Bump `schemaVersion` on any breaking change;
 * additive optional fields keep version 1.
 */
import { z } from 'zod';
import { REASON_CODES, RECOMMENDATIONS } from '../domain/analysis-types.ts';
import type { Figures, FigureDeltas, ReasonCode } from '../domain/analysis-types.ts';
import { evidenceSchemaOf, type EvidenceOf } from '../domain/evidence.ts';
import { FiguresSchema } from '../domain/figures-schema.ts';
import { AccountState, ApiNetwork, Completeness, EngagementKind, FollowDates, InteractionKind, IsoInstant, SkippedRead, TokenProblem } from '../domain/model.ts';
import { ActionTakenJson } from './actions-taken.ts';
import { ConfigSuggestion, DecisionTally } from '../domain/suggestions.ts';

export const REPORT_SCHEMA_VERSION = 1 as const;

export const ReasonCodeJson = z.enum(REASON_CODES);
export const RecommendationJson = z.enum(RECOMMENDATIONS);
export const ReportLocale = z.enum(['en', 'it']);
export type ReportLocale = z.infer<typeof ReportLocale>;

/**
 * Unfollow suggestions are grouped by their first reason in this order: the
 * most clear-cut cause first, so the owner can act on the top groups quickly.
 */
export const UNFOLLOW_REASON_ORDER = [
  'inactive_account',
  'never_engaged',
  'dormant',
  'critic_only',
  'one_sided',
  'out_of_audience',
] as const satisfies readonly (typeof REASON_CODES)[number][];

const Count = z.number().int().nonnegative();

const figureShape = FiguresSchema.shape;
export const FiguresJson = z.object(figureShape).describe('Headline figures of one run.');
export const FigureDeltasJson = z
  .object(Object.fromEntries(Object.keys(figureShape).map((k) => [k, z.number()])) as { [K in keyof typeof figureShape]: z.ZodNumber })
  .describe('Change of each figure since the previous run (shares as a 0..1 difference).');

// Compile-time guards: the JSON schema and the analysis contract must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const figuresMatch: Same<z.infer<typeof FiguresJson>, Figures> = true;
const deltasMatch: Same<z.infer<typeof FigureDeltasJson>, FigureDeltas> = true;
void figuresMatch;
void deltasMatch;

/** Every reason's evidence, by the same schemas the rules are typed with (shared/domain/evidence.ts). */
export const EvidenceJson = z
  .object(Object.fromEntries(REASON_CODES.map((code) => [code, evidenceSchemaOf(code).optional()])) as { [C in ReasonCode]: z.ZodOptional<z.ZodType<EvidenceOf<C>>> })
  .strict()
  .describe('The facts behind each reason, one object per reason code; strings are untrusted text. A reason carried over on stale data has carriedOver: true.');

export const ContactStatsJson = z.object({
  inboundInWindow: Count,
  inboundByKind: z.partialRecord(InteractionKind, Count),
  outboundInWindow: Count,
  inboundTotal: Count,
  outboundTotal: Count,
  lastInboundAt: IsoInstant.optional(),
  lastOutboundAt: IsoInstant.optional(),
  followedForDays: z.number().nonnegative().optional(),
  observedDays: z.number().nonnegative(),
  score: z.number(),
});

export const ReportContact = z
  .object({
    /** `${sourceId}:${id}`, unique in the report. */
    key: z.string().min(1),
    sourceId: z.string().min(1),
    platform: z.string().min(1),
    id: z.string().min(1),
    handle: z.string(),
    displayName: z.string(),
    profileUrl: z.string().optional().describe('As the platform gave it (untrusted: renderers link only http/https).'),
    relation: z.enum(['following', 'follower', 'mutual', 'former_follower']),
    state: AccountState,
    recommendation: RecommendationJson.nullable().describe('null only for former followers (lost).'),
    reasons: z.array(ReasonCodeJson),
    evidence: EvidenceJson,
    stats: ContactStatsJson,
    followedAt: IsoInstant.optional(),
    lastPostAt: IsoInstant.optional(),
    stale: z.boolean().describe("True when this contact's source was stale: absence-based reasons were carried over, not concluded."),
  })
  .describe('One contact and the verdict on it.');
export type ReportContact = z.infer<typeof ReportContact>;

export const StaleSourceJson = z.object({
  sourceId: z.string(),
  platform: z.string(),
  contacts: Completeness,
  interactions: Completeness,
  lastCompleteAt: IsoInstant.optional().describe('Last fully complete pull; absent when never.'),
  problems: z.array(z.string()).describe('Why the pull was partial (untrusted text, never secrets).'),
});
export type StaleSourceJson = z.infer<typeof StaleSourceJson>;

export const NoticeJson = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('unmatched_decision'),
      decision: z.enum(['allowlist', 'snooze']),
      entry: z.string().describe('As the owner wrote it (untrusted).'),
      closest: z.string().optional().describe('The handle that looks most like it, if any.'),
    }),
    z.object({ kind: z.literal('classifier_failed'), detail: z.string() }),
    z.object({
      kind: z.literal('classifier_fallback'),
      detail: z.string().describe('Why an optional tone classifier (Bedrock) handed replies to the local one, or could not use the owner\'s labels.'),
    }),
    z.object({
      kind: z.literal('previous_run_unstored'),
      at: IsoInstant.describe('The run whose report was delivered but whose changes could not be stored.'),
      reason: z.string(),
    }),
    z.object({
      kind: z.literal('source_problems'),
      sourceId: z.string(),
      platform: z.string(),
      problems: z.array(z.string()).describe('What a complete pull still ran into (skipped records, page caps).'),
    }),
  ])
  .describe('Something the owner should know that is not about one contact.');
export type NoticeJson = z.infer<typeof NoticeJson>;

export const OwnerDecisionJson = z.object({
  contact: z.string().describe('The contact key (`sourceId:contactId`) or handle the decision was stored under.'),
  handle: z.string().optional().describe('The contact\'s handle, when known (untrusted).'),
  decision: z.enum(['keep', 'snooze', 'unfollow', 'follow_back']),
  until: IsoInstant.optional().describe('For a snooze: when it ends.'),
  at: IsoInstant.describe('When the owner decided.'),
});
export type OwnerDecisionJson = z.infer<typeof OwnerDecisionJson>;

const Keys = z.array(z.string()).describe('Contact keys (see `contacts`), in display order.');
export const ListSection = z.object({ count: Count, keys: Keys });
export type ListSection = z.infer<typeof ListSection>;
export const UnfollowGroup = z.object({ reason: ReasonCodeJson, count: Count, keys: Keys });
export type UnfollowGroup = z.infer<typeof UnfollowGroup>;

export const SourceSightJson = z
  .object({
    sourceId: z.string(),
    platform: z.string(),
    inbound: z.array(EngagementKind).describe('Engagement from them this source sees: silence is judged only over these kinds.'),
    outbound: z.array(EngagementKind).describe('Engagement from you this source sees.'),
    inboundHidden: z.array(EngagementKind).describe('Engagement the network has that this source cannot see.'),
    followDates: FollowDates.describe('Whose follow dates the source gives: both sides, whom you follow, your followers, or none.'),
    reviewOnly: z.boolean().describe('The source sees no inbound engagement, or some kind is hidden: none of its contacts is recommended for unfollow, at most for review.'),
  })
  .describe('What one source could and could not see this run.');
export type SourceSightJson = z.infer<typeof SourceSightJson>;

export const ExportReminderJson = z
  .object({
    sourceId: z.string(),
    platform: z.string().describe('The network: instagram, threads, facebook, x, linkedin or tiktok.'),
    newestExportAt: IsoInstant.optional().describe('The export date of the newest export read so far (this run or before); absent when none was ever read.'),
    daysSince: z.number().int().nonnegative().optional().describe('Whole days from newestExportAt to the run; absent when no export was ever read.'),
    reminderDays: z.number().int().min(1).describe("The source's exportReminderDays: the reminder comes once the newest export is older than this."),
  })
  .describe("An export source whose newest export is older than its exportReminderDays, or that has none yet: the email asks for a new export, with that network's steps.");
export type ExportReminderJson = z.infer<typeof ExportReminderJson>;

/** Where the config keeps a secret: the names only, never a value. */
export const SecretNameJson = z
  .object({
    file: z.string().optional().describe('The file holding it, relative to the config file (local runs; followback writes a refreshed token back there).'),
    env: z.string().optional().describe('The environment variable holding it (local runs).'),
    secretName: z.string().optional().describe('The Secrets Manager secret holding it (deployed stack).'),
  })
  .strict();
export type SecretNameJson = z.infer<typeof SecretNameJson>;

export const ApiSourceJson = z
  .object({
    sourceId: z.string(),
    network: ApiNetwork,
    ok: z.boolean().describe('False when the API read failed: nothing it would have shown was judged this run.'),
    spentUsd: z.number().nonnegative().optional().describe("X: what this run's reads cost, in US dollars."),
    monthSpentUsd: z.number().nonnegative().optional().describe('X: the calendar month (UTC) so far, this run included.'),
    maxSpendUsd: z.number().nonnegative().optional().describe('The cap per run.'),
    maxSpendUsdPerMonth: z.number().nonnegative().optional().describe('The cap per month.'),
    skipped: z
      .array(z.union([SkippedRead, z.string()]))
      .describe('What the run did not read to stay within the budget: what (and, for likers and reposters, of how many older posts) and which cap stopped it; a plain English phrase (untrusted) from a pull made before this was structured.'),
    token: z
      .object({ expiresAt: IsoInstant.optional(), refreshedAt: IsoInstant.optional(), problem: TokenProblem.optional() })
      .strict()
      .optional(),
    tokenRef: z
      .object({ accessToken: SecretNameJson, refreshToken: SecretNameJson.optional() })
      .strict()
      .optional()
      .describe("Where the source's config keeps its token (names only); absent when the config was not at hand."),
  })
  .describe("How one source's read of a network's official API went this run: spend against the caps, what was skipped, the token's state.");
export type ApiSourceJson = z.infer<typeof ApiSourceJson>;

export const TokenNoticeJson = z
  .object({
    sourceId: z.string(),
    network: ApiNetwork,
    kind: z.enum([...TokenProblem.options, 'expires_soon']).describe('A token problem, or expires_soon: it expires within 7 days and has no problem yet.'),
    expiresAt: IsoInstant.optional(),
    daysLeft: z.number().int().nonnegative().optional().describe('expires_soon: whole days left.'),
  })
  .describe("An API token the owner must renew (or soon may have to): the email says how, per network, and where the config keeps it.");
export type TokenNoticeJson = z.infer<typeof TokenNoticeJson>;

export const ReportMeta = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  profileId: z.string().min(1),
  profileName: z.string().optional(),
  runId: z.string().min(1),
  generatedAt: IsoInstant,
  windowStart: IsoInstant,
  windowEnd: IsoInstant,
  lookbackDays: z.number().int().nonnegative(),
  locale: ReportLocale,
  dryRun: z.boolean(),
  /** Rows per section the email shows; the CSV and `contacts` always hold everyone. */
  maxRowsPerSection: z.number().int().min(1),
  /** What each source could see (absent in reports made before sources declared it). */
  sources: z.array(SourceSightJson).optional().describe('What each source of the run could and could not see, in the order of the configured sources.'),
});
export type ReportMeta = z.infer<typeof ReportMeta>;

export const ReportJson = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    meta: ReportMeta,
    figures: FiguresJson,
    deltas: FigureDeltasJson.nullable().describe('null on the first run.'),
    trend: z.array(z.object({ at: IsoInstant, figures: FiguresJson })).describe('Previous runs, newest first.'),
    staleSources: z.array(StaleSourceJson),
    notices: z.array(NoticeJson),
    exportReminders: z
      .array(ExportReminderJson)
      .optional()
      .describe('Export sources (Instagram, Threads, Facebook, X, LinkedIn, TikTok) due for a new export, in the order of the configured sources; absent when none is.'),
    apiSources: z.array(ApiSourceJson).optional().describe('Every source that read an official API this run, in the order of the configured sources; absent when none did.'),
    tokenNotices: z.array(TokenNoticeJson).optional().describe('API tokens to renew (a problem) or that expire within 7 days; absent when none.'),
    sections: z.object({
      unfollow: z.object({
        count: Count,
        groups: z.array(UnfollowGroup).describe(`Grouped by primary reason, in the order ${UNFOLLOW_REASON_ORDER.join(', ')}.`),
      }),
      review: ListSection,
      followBack: ListSection,
      newFollowers: ListSection,
      lostFollowers: ListSection,
      topSupporters: ListSection,
    }),
    contacts: z.array(ReportContact).describe('Every verdict of the run.'),
    actions: z.array(ActionTakenJson).optional().describe('Confirmed actions attempted since the previous report (done, skipped, failed), oldest first.'),
    ownerDecisions: z.array(OwnerDecisionJson).optional().describe('What the owner decided since the previous report (keep, snooze, confirmed unfollow or follow back), oldest first.'),
    decisionTallies: z
      .array(DecisionTally)
      .optional()
      .describe('Per reason code, what the owner did with the contacts suggested for it (the most recent decisions that recorded their reason): kept, snoozed, acted on; decided = kept + snoozed + acted. Absent when none.'),
    configSuggestions: z
      .array(ConfigSuggestion)
      .optional()
      .describe(
        'Config changes that would stop followback asking about the kinds of contact the owner keeps (at least 70 % kept of at least 8 decided, by default), with the figures behind each. followback never makes them itself. Absent when none.',
      ),
  })
  .describe('followback report, schema version 1');
export type ReportJson = z.infer<typeof ReportJson>;

/** The JSON Schema (draft 2020-12) of the report, for docs and for consumers in other languages. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    title: 'followback report',
    ...z.toJSONSchema(ReportJson, { target: 'draft-2020-12' }),
  };
}
