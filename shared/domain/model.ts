/**
 * The vocabulary of followback (see DESIGN.md). These zod schemas are the single
 * source of truth for contacts, interactions and snapshots: every source (file,
 * demo, Mastodon, Bluesky) produces values of these shapes, the store persists
 * them and the analysis reads them.
 */
import { z } from 'zod';

/** ISO-8601 instant with offset (`2026-11-25T08:00:00Z`). */
export const IsoInstant = z.iso.datetime({ offset: true });
export type IsoInstant = z.infer<typeof IsoInstant>;

/** A lower-case slug: `mastodon`, `bluesky`, `threads`, `demo`. */
export const Platform = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lower-case platform slug such as "mastodon"');
export type Platform = z.infer<typeof Platform>;

/** Relation of a contact to the profile owner. */
export const Relation = z.enum(['following', 'follower', 'mutual']);
export type Relation = z.infer<typeof Relation>;

/** `deactivated`: the owner switched the account off (Bluesky); it can come back, so it is judged gently. */
export const AccountState = z.enum(['active', 'moved', 'suspended', 'deleted', 'deactivated']);
export type AccountState = z.infer<typeof AccountState>;

export const Contact = z.object({
  /** The platform's stable account id (Mastodon account id, Bluesky DID, ...). */
  id: z.string().min(1).max(512),
  handle: z.string().min(1).max(512),
  displayName: z.string().max(2048).default(''),
  bio: z.string().max(20000).default(''),
  profileUrl: z.url().optional(),
  relation: Relation,
  /** When the owner started following this contact, if the platform says. */
  followedAt: IsoInstant.optional(),
  /** When this contact started following the owner, if the platform says. */
  followerSince: IsoInstant.optional(),
  /** The contact's own latest post, if known. */
  lastPostAt: IsoInstant.optional(),
  state: AccountState.default('active'),
  /** For `moved`: where the account went. */
  movedTo: z.string().max(512).optional(),
  /** BCP-47 language tags the contact posts in, most used first, if known. */
  languages: z.array(z.string().min(2).max(35)).max(20).optional(),
  postsCount: z.number().int().nonnegative().optional(),
  followersCount: z.number().int().nonnegative().optional(),
  followingCount: z.number().int().nonnegative().optional(),
  /** Platform labels (Bluesky moderation labels, Mastodon `bot`, ...). */
  labels: z.array(z.string().max(128)).max(50).optional(),
});
export type Contact = z.infer<typeof Contact>;

export const InteractionKind = z.enum(['like', 'repost', 'reply', 'quote', 'mention', 'follow']);
export type InteractionKind = z.infer<typeof InteractionKind>;

/** inbound = they did it to you or your content; outbound = you did it to them. */
export const Direction = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof Direction>;

export const Interaction = z.object({
  /** Stable id, unique within a source (notification id, record URI, or a content hash). */
  id: z.string().min(1).max(1024),
  /** The `Contact.id` of the other party. */
  contactId: z.string().min(1).max(512),
  kind: InteractionKind,
  direction: Direction,
  at: IsoInstant,
  postUrl: z.string().max(2048).optional(),
  /** Text of the reply, quote or mention, when there is one (untrusted). */
  text: z.string().max(10000).optional(),
  /** Language of `text` as the platform tagged it (Mastodon `status.language`, Bluesky `langs[0]`), when it did. */
  lang: z.string().min(2).max(35).optional(),
});
export type Interaction = z.infer<typeof Interaction>;
/** An interaction with the source it came from: ids are unique per source. */
export type SourcedInteraction = Interaction & { sourceId: string };

/** The kinds of engagement (a `follow` is a relation, not engagement). */
export const EngagementKind = z.enum(['like', 'repost', 'reply', 'quote', 'mention']);
export type EngagementKind = z.infer<typeof EngagementKind>;

/** Which side's follow dates a source can give (for some contacts or all): when you followed them, when they followed you. */
export const FollowDates = z.enum(['both', 'following', 'followers', 'none']);
export type FollowDates = z.infer<typeof FollowDates>;

/**
 * What a source can see (DESIGN: what a source cannot see is not absence
 * either). Silence is judged only over the `inbound` kinds; `inboundHidden`
 * are kinds of engagement the network has but this source cannot see (an
 * Instagram export sees no inbound likes or comments at all): while any is
 * hidden, no removal goes past `review`.
 */
export const Observability = z
  .object({
    /** Engagement from them (to you or your content) this source reads. */
    inbound: z.array(EngagementKind).max(5),
    /** Engagement from you (to them or their content) this source reads. */
    outbound: z.array(EngagementKind).max(5),
    /** Engagement the network has and this source cannot see. */
    inboundHidden: z.array(EngagementKind).max(5).optional(),
    followDates: FollowDates,
  })
  .strict();
export type Observability = z.infer<typeof Observability>;

/** How complete one part of a pull is. Missing data is never read as absence. */
export const Completeness = z.enum(['complete', 'partial', 'failed']);
export type Completeness = z.infer<typeof Completeness>;

/**
 * What one source returns for one pull of one profile.
 *  - `contacts`: every account followed by or following the owner, as far as
 *    `contactsCompleteness` says.
 *  - `interactions`: interactions newer than the cursor the pull was given (the
 *    first pull backfills); duplicates of stored ones are fine (same `id`).
 *  - `historySince`: from when on this source's inbound interactions are covered
 *    (the backfill horizon). Observation periods never start before it.
 */
export const SourcePull = z.object({
  sourceId: z.string().min(1),
  platform: Platform,
  takenAt: IsoInstant,
  owner: z.object({ id: z.string().min(1), handle: z.string().min(1) }),
  contacts: z.array(Contact),
  interactions: z.array(Interaction),
  contactsCompleteness: Completeness,
  interactionsCompleteness: Completeness,
  historySince: IsoInstant.optional(),
  /** Opaque cursor to pass to the next pull for incremental interactions. */
  cursor: z.string().max(4096).optional(),
  /** Why the pull is partial: human-readable, never containing secrets. */
  problems: z.array(z.string()).default([]),
  /** Requests this pull made, for the "fewest requests" checks and the run log. */
  requests: z.number().int().nonnegative().default(0),
  /** What this pull could see, when it differs from what the source's type declares (an export without its notifications). */
  observes: Observability.optional(),
  /**
   * Export sources only: the export date of the newest export read so far (this run's, or the last
   * one read; absent when none ever was) and after how many days the email asks for a new one.
   */
  exportAge: z.object({ newestExportAt: IsoInstant.optional(), reminderDays: z.number().int().min(1) }).optional(),
  /** Sources that read a closed network's official API beside its exports: how that read went (the report shows it). */
  api: z.lazy(() => ApiNote).optional(),
});
export type SourcePull = z.infer<typeof SourcePull>;

/** Why an API token cannot be used: the report says how to renew it. */
export const TokenProblem = z.enum([
  /** The platform says the token expired (Meta code 190 subcode 463, X 401 after a failed refresh). */
  'expired',
  /** The token was revoked, the password changed, or the app was removed (Meta 190 otherwise, X 401). */
  'invalid',
  /** Refreshing the token failed; the old one is still used until it expires. */
  'refresh_failed',
  /** The token lacks a permission (scope) a read needs (Meta code 10/200, X 403). */
  'missing_permission',
]);
export type TokenProblem = z.infer<typeof TokenProblem>;

export const ApiNetwork = z.enum(['instagram', 'threads', 'facebook', 'x']);
export type ApiNetwork = z.infer<typeof ApiNetwork>;

/**
 * A read the X reader left out to stay within a budget: what was not read and which cap stopped it
 * (`run`: this run's; `month`: the month's; `month_used_up`: nothing of the month's is left). The
 * report words it in its own language (shared/report/i18n.ts, `skippedRead`).
 */
export const SkippedRead = z
  .object({
    what: z.enum(['everything', 'mentions', 'mentions_rest', 'newest_posts', 'some_newest_posts', 'likers', 'reposters', 'followers', 'followers_rest', 'following', 'following_rest']),
    /** likers, reposters: of how many of your older posts. */
    posts: z.number().int().positive().optional(),
    /** `retry`: a connection broke, and reading it again would have gone past the budget. */
    cap: z.enum(['run', 'month', 'month_used_up', 'retry']).optional(),
  })
  .strict();
export type SkippedRead = z.infer<typeof SkippedRead>;

/** How a source's API read went this run. */
export const ApiNote = z
  .object({
    network: ApiNetwork,
    /** False when the read failed (nothing it would have seen is judged this run). */
    ok: z.boolean(),
    /** X: what this run's reads cost, in US dollars, and the month so far (this run included). */
    spentUsd: z.number().nonnegative().optional(),
    monthSpentUsd: z.number().nonnegative().optional(),
    maxSpendUsd: z.number().nonnegative().optional(),
    maxSpendUsdPerMonth: z.number().nonnegative().optional(),
    /** What the run did not read to stay within the budget; a plain English phrase in pulls staged before it was structured. */
    skipped: z.array(z.union([SkippedRead, z.string().max(500)])).max(50).default([]),
    token: z
      .object({
        /** When the token in use expires, when known. */
        expiresAt: IsoInstant.optional(),
        /** When followback last refreshed it. */
        refreshedAt: IsoInstant.optional(),
        problem: TokenProblem.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ApiNote = z.infer<typeof ApiNote>;
