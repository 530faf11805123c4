/**
 * The parts of the AT Protocol lexicons followback reads, as zod schemas.
 * Checked against bluesky-social/atproto `lexicons/`: com.atproto.server.createSession /
 * refreshSession, app.bsky.graph.getFollowers / getFollows, app.bsky.actor.getProfiles and
 * getProfile (profileViewDetailed), app.bsky.feed.getAuthorFeed (feedViewPost), app.bsky.notification.listNotifications,
 * com.atproto.repo.listRecords, and the record types app.bsky.feed.like / repost / post,
 * app.bsky.graph.follow.
 *
 * Objects are not `.strict()`: lexicons evolve by adding fields, and an unknown
 * field must never fail a pull. Open enums (`knownValues`) are plain strings.
 */
import { z } from 'zod';

/** com.atproto.label.defs#label (only what we read). */
export const Label = z.object({
  val: z.string(),
  /** A negation label withdraws an earlier one. */
  neg: z.boolean().optional(),
});

/** app.bsky.actor.defs#profileView */
export const ProfileView = z.object({
  did: z.string().min(1),
  handle: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  labels: z.array(Label).optional(),
  createdAt: z.string().optional(),
  indexedAt: z.string().optional(),
  /** app.bsky.actor.defs#viewerState, as seen by the signed-in account: `following` is its follow record's URI. Unreadable, it is left out. */
  viewer: z.object({ following: z.string().optional() }).optional().catch(undefined),
});
export type ProfileView = z.infer<typeof ProfileView>;

/** app.bsky.actor.defs#profileViewDetailed */
export const ProfileViewDetailed = ProfileView.extend({
  followersCount: z.number().int().nonnegative().optional(),
  followsCount: z.number().int().nonnegative().optional(),
  postsCount: z.number().int().nonnegative().optional(),
});
export type ProfileViewDetailed = z.infer<typeof ProfileViewDetailed>;

/** Output of com.atproto.server.createSession and refreshSession (tokens are secrets). */
export const SessionOutput = z.object({
  did: z.string().min(1),
  handle: z.string().min(1),
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
});
export type SessionOutput = z.infer<typeof SessionOutput>;

export const GetFollowersOutput = z.object({
  cursor: z.string().optional(),
  followers: z.array(ProfileView),
});

export const GetFollowsOutput = z.object({
  cursor: z.string().optional(),
  follows: z.array(ProfileView),
});

export const GetProfilesOutput = z.object({
  profiles: z.array(ProfileViewDetailed),
});

/** app.bsky.notification.listNotifications#notification; `record` is `unknown` in the lexicon. */
export const Notification = z.object({
  uri: z.string().min(1),
  cid: z.string().optional(),
  author: ProfileView,
  reason: z.string(),
  reasonSubject: z.string().optional(),
  record: z.unknown(),
  isRead: z.boolean().optional(),
  indexedAt: z.string().min(1),
});
export type Notification = z.infer<typeof Notification>;

export const ListNotificationsOutput = z.object({
  cursor: z.string().optional(),
  notifications: z.array(Notification),
});

/** com.atproto.repo.listRecords#record; each `value` is checked against its own record schema. */
export const ListRecordsOutput = z.object({
  cursor: z.string().optional(),
  records: z.array(z.object({ uri: z.string().min(1), cid: z.string().optional(), value: z.unknown() })),
});
export type RepoRecord = z.infer<typeof ListRecordsOutput>['records'][number];

/** com.atproto.repo.strongRef */
export const StrongRef = z.object({ uri: z.string().min(1), cid: z.string().optional() });

/** app.bsky.feed.like and app.bsky.feed.repost share this shape. */
export const SubjectRecord = z.object({ subject: StrongRef, createdAt: z.string() });

/** app.bsky.graph.follow: `subject` is a DID, not a strongRef. */
export const FollowRecord = z.object({ subject: z.string().min(1), createdAt: z.string() });

/** app.bsky.richtext.facet: features are an open union, told apart by `$type`. */
const Facet = z.object({
  features: z.array(z.looseObject({ $type: z.string().optional(), did: z.string().optional() })),
});

/**
 * app.bsky.feed.post, only what identifies the other party: reply.parent, the
 * quoted record (app.bsky.embed.record, or app.bsky.embed.recordWithMedia whose
 * `record` is itself an app.bsky.embed.record) and mention facets.
 */
export const PostRecord = z.object({
  text: z.string().default(''),
  createdAt: z.string(),
  reply: z.object({ root: StrongRef.optional(), parent: StrongRef }).optional(),
  embed: z
    .looseObject({
      $type: z.string().optional(),
      record: z.union([StrongRef, z.object({ record: StrongRef })]).optional(),
    })
    .optional(),
  facets: z.array(Facet).optional(),
});
export type PostRecord = z.infer<typeof PostRecord>;

/** The text and language tags of a notification's record (reply, mention, quote are app.bsky.feed.post). */
export const RecordWithText = z.object({ text: z.string(), langs: z.array(z.unknown()).optional() });

/** app.bsky.feed.defs#feedViewPost, only what dates it: the post, and the reason (a repost) it is in the feed for. */
export const FeedViewPost = z.object({
  post: z.object({ uri: z.string().min(1), indexedAt: z.string(), record: z.unknown() }),
  reason: z.looseObject({ $type: z.string().optional(), indexedAt: z.string().optional() }).optional(),
});
export type FeedViewPost = z.infer<typeof FeedViewPost>;

/** Output of app.bsky.feed.getAuthorFeed. */
export const GetAuthorFeedOutput = z.object({ cursor: z.string().optional(), feed: z.array(FeedViewPost) });

export const MENTION_FEATURE = 'app.bsky.richtext.facet#mention';
export const EMBED_RECORD = 'app.bsky.embed.record';
export const EMBED_RECORD_WITH_MEDIA = 'app.bsky.embed.recordWithMedia';
