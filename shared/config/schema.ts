/**
 * The one config file, shared by the CLI, the Lambda and the CDK app.
 * Secrets are referenced, never inlined: `{ "env": "NAME" }` is read from the
 * environment locally, `{ "file": "secrets/NAME" }` from a file readable by its
 * owner only (locally; relative to the config file's folder), `{ "secretName": "..." }`
 * from Secrets Manager in AWS.
 */
import { z } from 'zod';

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a slug of lower-case letters, digits and dashes (max 40)');

export const SecretRef = z
  .object({
    /** Environment variable holding the secret (CLI, local runs). */
    env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as MASTODON_TOKEN').optional(),
    /** Secrets Manager secret name (deployed stack); the CDK creates it empty. */
    secretName: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'a Secrets Manager secret name').optional(),
    /**
     * A file holding the secret, relative to the config file's folder (local runs). It must be
     * readable by its owner only (chmod 600). Locally a file wins over `env`: it is the one local
     * kind followback can write a refreshed token back to (shared/secrets/file-secrets.ts).
     */
    file: z
      .string()
      .min(1)
      .max(1024)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f]+$/, 'a file path without control characters')
      .optional(),
  })
  .strict()
  .refine((r) => r.env !== undefined || r.secretName !== undefined || r.file !== undefined, 'a secret reference needs "file", "env" or "secretName"');
export type SecretRef = z.infer<typeof SecretRef>;

export const MastodonSourceConfig = z
  .object({
    type: z.literal('mastodon'),
    id: Slug.default('mastodon'),
    instanceUrl: z.url({ protocol: /^https?$/ }),
    accessToken: SecretRef,
    /** How far back the first pull reads notifications (the server may keep less). */
    backfillDays: z.number().int().min(1).max(3650).default(365),
    /** Hard cap on pages of notifications/statuses/favourites per pull. */
    maxPages: z.number().int().min(1).max(10000).default(200),
  })
  .strict();

export const BlueskySourceConfig = z
  .object({
    type: z.literal('bluesky'),
    id: Slug.default('bluesky'),
    serviceUrl: z.url({ protocol: /^https?$/ }).default('https://bsky.social'),
    /** AppView for public reads (profiles, follows); defaults to the PDS/entryway. */
    appViewUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** PLC directory for did:plc documents (where the account's PDS is named). */
    plcUrl: z.url({ protocol: /^https?$/ }).default('https://plc.directory'),
    handle: z.string().min(3).max(253),
    appPassword: SecretRef,
    backfillDays: z.number().int().min(1).max(3650).default(365),
    maxPages: z.number().int().min(1).max(10000).default(200),
  })
  .strict();

export const FileSourceConfig = z
  .object({
    type: z.literal('file'),
    id: Slug.default('file'),
    /** Path to a snapshot JSON file (relative paths are relative to the config file). */
    path: z.string().min(1),
  })
  .strict();

export const DemoSourceConfig = z
  .object({
    type: z.literal('demo'),
    id: Slug.default('demo'),
    seed: z.number().int().default(42),
    /** Roughly how many contacts the sample community has at any time. */
    size: z.number().int().min(10).max(100000).default(1000),
  })
  .strict();

/**
 * A closed network read from its official exports (shared/sources/exports/): `exports` is a folder
 * (relative paths are relative to the config file) holding the export ZIPs or unpacked folders;
 * each run reads the newest one not read yet.
 */
function exportSourceConfig<const T extends string>(type: T) {
  return z
    .object({
      type: z.literal(type),
      id: Slug.default(type),
      /** Folder of export ZIPs / unpacked exports (relative paths are relative to the config file). */
      exports: z.string().min(1),
      /** The email reminds the owner when the newest export is older than this many days. */
      exportReminderDays: z.number().int().min(1).max(3650).default(30),
    })
    .strict();
}

/**
 * The official API of a closed network, read beside its exports in the same source
 * (shared/sources/api/): the inbound engagement no export holds. Read-only tokens only.
 */
const ApiCommon = {
  /** The long-lived access token (Instagram/Threads: 60 days, refreshed by followback; Facebook: a Page token). */
  accessToken: SecretRef,
  /** Another host for the API (a proxy, a test server); default the platform's own. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** A repeat run reads new comments on posts newer than the last one read, plus those on posts of the last this many days. */
  lookbackDays: z.number().int().min(1).max(3650).default(30),
  /** How far back the first read goes. */
  backfillDays: z.number().int().min(1).max(3650).default(365),
  /** Hard cap on pages of one read. */
  maxPages: z.number().int().min(1).max(100000).default(500),
};

export const InstagramApiConfig = z.object({ ...ApiCommon }).strict();
export const ThreadsApiConfig = z.object({ ...ApiCommon }).strict();
export const FacebookPageApiConfig = z
  .object({
    ...ApiCommon,
    /** The id of the Page you manage (its Page token is `accessToken`). */
    pageId: z.string().regex(/^[0-9]{1,32}$/, 'a numeric Facebook Page id'),
  })
  .strict();
export const XApiConfig = z
  .object({
    ...ApiCommon,
    /** OAuth 2.0 refresh token (offline.access): X's access tokens last two hours and its refresh tokens rotate. */
    refreshToken: SecretRef.optional(),
    /** The OAuth 2.0 client id of your X app (needed to refresh). */
    clientId: z.string().min(1).max(256).optional(),
    /** The most one run may spend on X's pay-per-use reads, in US dollars; never exceeded. */
    maxSpendUsd: z.number().min(0).max(10000).default(1),
    /** The most all runs of a calendar month (UTC) may spend together. */
    maxSpendUsdPerMonth: z.number().min(0).max(100000).default(10),
    /** The follower and following lists are read at most this often (they cost most). */
    listsEveryDays: z.number().int().min(1).max(365).default(7),
    /** Who liked and reposted: read for this many of your newest posts. */
    recentPosts: z.number().int().min(1).max(800).default(20),
    /**
     * Price per returned resource, in US dollars (X's pay-per-use table, 2026): an owned read (your own
     * followers, following, mentions, posts, when the app is yours) $0.001; a post $0.005; a user $0.010
     * (who liked or reposted a post). Set yours when they differ.
     */
    prices: z
      .object({
        ownedRead: z.number().min(0).max(1).default(0.001),
        post: z.number().min(0).max(1).default(0.005),
        user: z.number().min(0).max(1).default(0.01),
      })
      .strict()
      .default({ ownedRead: 0.001, post: 0.005, user: 0.01 }),
  })
  .strict()
  .refine((x) => x.refreshToken === undefined || x.clientId !== undefined, { message: 'a refreshToken needs the clientId of your X app', path: ['clientId'] })
  .refine((x) => x.maxSpendUsd <= x.maxSpendUsdPerMonth, { message: 'maxSpendUsd (per run) cannot be more than maxSpendUsdPerMonth', path: ['maxSpendUsd'] });
export type InstagramApiConfig = z.infer<typeof InstagramApiConfig>;
export type ThreadsApiConfig = z.infer<typeof ThreadsApiConfig>;
export type FacebookPageApiConfig = z.infer<typeof FacebookPageApiConfig>;
export type XApiConfig = z.infer<typeof XApiConfig>;

export const InstagramSourceConfig = exportSourceConfig('instagram').extend({ api: InstagramApiConfig.optional() }).strict();
export const ThreadsSourceConfig = exportSourceConfig('threads').extend({ api: ThreadsApiConfig.optional() }).strict();
export const FacebookSourceConfig = exportSourceConfig('facebook').extend({ api: FacebookPageApiConfig.optional() }).strict();
export const XSourceConfig = exportSourceConfig('x').extend({ api: XApiConfig.optional() }).strict();
export const LinkedInSourceConfig = exportSourceConfig('linkedin');
export const TikTokSourceConfig = exportSourceConfig('tiktok');

export const SourceConfig = z.discriminatedUnion('type', [
  MastodonSourceConfig,
  BlueskySourceConfig,
  FileSourceConfig,
  DemoSourceConfig,
  InstagramSourceConfig,
  ThreadsSourceConfig,
  FacebookSourceConfig,
  XSourceConfig,
  LinkedInSourceConfig,
  TikTokSourceConfig,
]);
export type SourceConfig = z.infer<typeof SourceConfig>;
/** The config of a source read from exports (any of the six networks). */
export type ExportSourceConfig = Extract<SourceConfig, { exports: string }>;
export type MastodonSourceConfig = z.infer<typeof MastodonSourceConfig>;
export type BlueskySourceConfig = z.infer<typeof BlueskySourceConfig>;
export type FileSourceConfig = z.infer<typeof FileSourceConfig>;
export type DemoSourceConfig = z.infer<typeof DemoSourceConfig>;

export const Policy = z
  .object({
    /** Window for "engaged recently", one-sided and top supporters. */
    lookbackDays: z.number().int().min(1).max(3650).default(90),
    /** How long a followed contact must be observed before `never_engaged`. */
    minObservationDays: z.number().int().min(1).max(3650).default(30),
    /** Accounts you followed less than this many days ago are not judged. */
    graceDays: z.number().int().min(0).max(3650).default(14),
    /** Engaged before, nothing inbound for this long: `dormant`. */
    dormantDays: z.number().int().min(1).max(3650).default(120),
    /** The account itself has not posted for this long: `inactive_account`. */
    inactiveDays: z.number().int().min(1).max(3650).default(180),
    /** Outbound interactions in the window with none back: `one_sided`. */
    oneSidedThreshold: z.number().int().min(1).max(10000).default(5),
    /** How many top supporters the report lists. */
    topSupporters: z.number().int().min(0).max(1000).default(10),
    /** Inbound interactions in the window a follower needs for `follow_back`. */
    followBackMinInteractions: z.number().int().min(1).max(1000).default(1),
    /** Interactions older than this are expired from the table (DynamoDB TTL). */
    retentionDays: z.number().int().min(30).max(3650).default(730),
    /**
     * How long one firing may keep pulling (pull steps and rate-limit waits); past it, sources not
     * finished are reported as partial, and nothing is concluded from what they did not read.
     */
    maxPullHours: z.number().min(0.1).max(24).default(6),
  })
  .strict()
  .refine((p) => p.retentionDays >= p.lookbackDays, { message: 'retentionDays must be at least lookbackDays', path: ['retentionDays'] });
export type Policy = z.infer<typeof Policy>;

export const Audience = z
  .object({
    /** Languages you serve (BCP-47 primary tags such as "en", "it"); empty = any. */
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'a primary language tag such as "en"')).default([]),
    /** Topics that put a profile inside the audience (matched in bio and name). */
    keywords: z.array(z.string().min(1).max(100)).default([]),
    /** Topics that put a profile outside the audience. */
    excludeKeywords: z.array(z.string().min(1).max(100)).default([]),
  })
  .strict();
export type Audience = z.infer<typeof Audience>;

/**
 * A Bedrock model id or cross-Region inference profile id (`amazon.nova-micro-v1:0`,
 * `us.amazon.nova-micro-v1:0`); not an ARN: the IAM grant is built from the id.
 */
const BEDROCK_MODEL_ID = /^(?:[a-z]{2,6}\.)?[a-z0-9-]+\.[A-Za-z0-9._-]+(?::[A-Za-z0-9._-]+)*$/;
/** The `tone` fields only the Bedrock classifier reads. */
const BEDROCK_ONLY = ['modelId', 'maxCostUsd', 'batchSize', 'usdPer1kInputTokens', 'usdPer1kOutputTokens'] as const;

/**
 * Which tone classifier judges replies for `critic_only`. `lexicon` runs inside
 * the function, offline, for Italian and English; `comprehend` asks Amazon
 * Comprehend (DetectSentiment, batched) and costs money per text; `bedrock`
 * asks a small model on Amazon Bedrock (Converse, replies batched), with a
 * per-run cost cap past which, or on any failure, the local classifier answers.
 */
export const ToneConfig = z
  .object({
    classifier: z.enum(['lexicon', 'comprehend', 'bedrock']).default('lexicon'),
    /** Comprehend's or Bedrock's region; defaults to the function's (or the SDK's) region. */
    region: z.string().min(1).optional(),
    /** Bedrock only: the model or inference profile id (default Amazon Nova Micro, `amazon.nova-micro-v1:0`). */
    modelId: z.string().regex(BEDROCK_MODEL_ID, 'a Bedrock model id such as "amazon.nova-micro-v1:0" (or a cross-Region profile such as "us.amazon.nova-micro-v1:0"), not an ARN').optional(),
    /** Bedrock only: the most a run may spend, in US dollars by the estimate; past it the local classifier answers (default 0.10). */
    maxCostUsd: z.number().nonnegative().max(1000).optional(),
    /** Bedrock only: replies per request (default 25). */
    batchSize: z.number().int().min(1).max(100).optional(),
    /** Bedrock only: the model's price per 1,000 input tokens, for the estimate (default: Nova Micro's on-demand price). */
    usdPer1kInputTokens: z.number().nonnegative().max(1).optional(),
    /** Bedrock only: the model's price per 1,000 output tokens, for the estimate (default: Nova Micro's on-demand price). */
    usdPer1kOutputTokens: z.number().nonnegative().max(1).optional(),
  })
  .strict()
  .superRefine((tone, ctx) => {
    if (tone.classifier === 'bedrock') return;
    for (const key of BEDROCK_ONLY) {
      if (tone[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only read when "classifier" is "bedrock" (it is "${tone.classifier}")` });
    }
  });
export type ToneConfig = z.infer<typeof ToneConfig>;

export const Snooze = z
  .object({
    /** A handle (`@alice@example.social`, `alice.bsky.social`) or `sourceId:contactId`. */
    contact: z.string().min(1),
    until: z.iso.date().or(z.iso.datetime({ offset: true })),
    note: z.string().max(500).optional(),
  })
  .strict();

export const Locale = z.enum(['en', 'it']);
export type Locale = z.infer<typeof Locale>;

const Email = z.email();

/** 127.0.0.0/8, ::1 or localhost, as a URL's `hostname` spells them (the WHATWG parser already turned `127.1` into `127.0.0.1`). */
export function isLoopbackHostname(hostname: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(hostname);
}
/** The links carry a single-use capability: in clear text only where it never leaves the machine. */
const DECISIONS_URL_HTTPS = 'must be https:// (http is allowed only for 127.0.0.1, ::1 or localhost)';
/** An http:// URL to any other host (what is not a URL at all, or not http(s), is z.url's to report). */
function plainHttpOffLoopback(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !isLoopbackHostname(parsed.hostname);
}

export const SuggestionSettings = z
  .object({
    minDecided: z.number().int().min(1).max(1000).default(8),
    keptShare: z.number().min(0.5).max(1).default(0.7),
    lastDecisions: z.number().int().min(1).max(1000).default(20),
  })
  .strict()
  .refine((s) => s.minDecided <= s.lastDecisions, { message: 'minDecided must not exceed lastDecisions (only the last lastDecisions decisions per reason count)', path: ['minDecided'] });

export const ReportConfig = z
  .object({
    recipients: z.array(Email).min(1),
    sender: Email,
    locale: Locale.default('en'),
    /** Rows shown per section of the email; the CSV always has every contact. */
    maxRowsPerSection: z.number().int().min(1).max(1000).default(25),
    /**
     * The decision page's URL (the stack's output, or `followback serve`'s): when set and a signing key
     * is available, every suggestion in the email carries signed links (keep, snooze, unfollow/follow back).
     */
    decisionsUrl: z
      .url({ protocol: /^https?$/ })
      .refine((url) => !plainHttpOffLoopback(url), DECISIONS_URL_HTTPS)
      .optional(),
    /**
     * When the report suggests a config change from the owner's decisions (docs/report.md): a reason
     * (or a language) needs `minDecided` decisions among its last `lastDecisions`, `keptShare` of them kept.
     */
    suggestions: SuggestionSettings.prefault({}),
  })
  .strict();

export const Schedule = z
  .object({
    /** EventBridge Scheduler cron expression, e.g. "cron(0 7 ? * MON *)". */
    expression: z.string().regex(/^(cron|rate)\(.+\)$/, 'a Scheduler expression such as "cron(0 7 ? * MON *)"').default('cron(0 7 ? * MON *)'),
    timezone: z.string().min(1).default('UTC'),
    enabled: z.boolean().default(true),
  })
  .strict();

/**
 * Acting on confirmed recommendations (unfollow, follow back) through the network's API.
 * Off by default: the owner opts in per profile, with a token that has write scope.
 * Nothing is ever done by the schedule alone; only a confirmation (the decision page, or
 * `followback apply --confirm`) starts an action, and then at most `maxPerRun` of them in any
 * 60 minutes and `pacingSeconds` apart, counted per profile in the store across the page, `apply`
 * and `undo` (shared/app/apply-actions.ts).
 */
export const ActConfig = z
  .object({
    enabled: z.boolean().default(false),
    /** Actions that reach the network in any 60 minutes, page and CLI together; the rest wait. */
    maxPerRun: z.number().int().min(1).max(200).default(20),
    /** Seconds between two actions on the network. */
    pacingSeconds: z.number().min(0).max(600).default(5),
  })
  .strict();
export type ActConfig = z.infer<typeof ActConfig>;

export const ProfileConfig = z
  .object({
    id: Slug,
    name: z.string().min(1).max(200).optional(),
    sources: z.array(SourceConfig).min(1),
    audience: Audience.prefault({}),
    tone: ToneConfig.prefault({}),
    policy: Policy.prefault({}),
    /** Handles or `sourceId:contactId` kept for ever. */
    allowlist: z.array(z.string().min(1)).default([]),
    snoozed: z.array(Snooze).default([]),
    report: ReportConfig,
    schedule: Schedule.prefault({}),
    act: ActConfig.prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.sources.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"; give each source of a profile its own id` });
      seen.add(s.id);
    });
  });
export type ProfileConfig = z.infer<typeof ProfileConfig>;

export const StorageConfig = z
  .object({
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name').default('followback'),
    region: z.string().min(1).optional(),
    /** DynamoDB endpoint (e.g. http://127.0.0.1:8000). Unset locally: the CLI starts an embedded DynamoDB Local. */
    endpoint: z.url().optional(),
    /** Use real AWS DynamoDB from the CLI (credentials from the usual AWS chain). */
    aws: z.boolean().default(false),
  })
  .strict();
export type StorageConfig = z.infer<typeof StorageConfig>;

export const DeliveryConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('outbox'), dir: z.string().min(1).default('outbox') }).strict(),
  z.object({ type: z.literal('ses'), region: z.string().min(1).optional(), endpoint: z.url().optional(), configurationSet: z.string().optional() }).strict(),
]);
export type DeliveryConfig = z.infer<typeof DeliveryConfig>;

export const DeployConfig = z
  .object({
    stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/).default('Followback'),
    /** SES identity (domain or address) the function may send from. */
    sesIdentity: z.string().min(3),
    alarmEmail: z.email().optional(),
    logRetentionDays: z.number().int().default(30),
    memoryMb: z.number().int().min(128).max(10240).default(1024),
    timeoutSeconds: z.number().int().min(10).max(900).default(600),
  })
  .strict();
export type DeployConfig = z.infer<typeof DeployConfig>;

export const Config = z
  .object({
    $schema: z.string().optional(),
    profiles: z.array(ProfileConfig).min(1),
    storage: StorageConfig.prefault({}),
    delivery: DeliveryConfig.default({ type: 'outbox', dir: 'outbox' }),
    deploy: DeployConfig.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.profiles.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['profiles', i, 'id'], message: `duplicate profile id "${p.id}"` });
      seen.add(p.id);
    });
  });
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
