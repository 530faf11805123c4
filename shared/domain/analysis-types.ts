/**
 * Inputs and outputs of the pure analysis (`analyse` in ./analyse.ts).
 * The report JSON is built from `Analysis`, so names here are stable vocabulary.
 */
import type { InteractionLog } from './interaction-log.ts';
import type { Audience, Policy } from '../config/schema.ts';
import type { UnmatchedDecision } from './decisions.ts';
import type { EvidenceByReason, EvidenceOf } from './evidence.ts';
import type { Completeness, Contact, EngagementKind, FollowDates, Interaction, InteractionKind, Observability } from './model.ts';

export const REASON_CODES = [
  'never_engaged',
  'dormant',
  'one_sided',
  'critic_only',
  'out_of_audience',
  'inactive_account',
  'new_follower',
  'lost_follower',
  'top_supporter',
  'grace_period',
  'allowlisted',
  'snoozed',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** For accounts you follow: unfollow | review | keep. For followers you don't follow: follow_back | no_follow_back. */
export const RECOMMENDATIONS = ['unfollow', 'review', 'keep', 'follow_back', 'no_follow_back'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** A contact as the store knows it: the latest snapshot data plus tracking facts. */
export interface TrackedContact extends Contact {
  sourceId: string;
  platform: string;
  /** First time any pull saw this contact (fallback for an unknown followedAt). */
  firstSeenAt: string;
  /** Last pull that saw this contact in a list. */
  lastSeenAt: string;
  /** Running totals kept by the store, so history survives interaction TTL. */
  lifetime?: { inbound: number; outbound: number; lastInboundAt?: string; lastOutboundAt?: string };
  /** Reason codes the previous run gave (carried over when this run's data is stale). */
  previousReasons?: ReasonCode[];
  /** What the previous run recommended (the decision page acts only on what a report recommended). */
  previousRecommendation?: Recommendation;
  /** The reply the previous report quoted as this contact's criticism (critic_only): the decision page shows it with "this is not criticism". */
  previousCriticism?: { interactionId: string; at: string };
}

/** How one source's pull went in this run, and what the store remembers of it. */
export interface SourceRunState {
  sourceId: string;
  platform: string;
  contacts: Completeness;
  interactions: Completeness;
  /** Inbound interactions are covered from here on (backfill horizon / tracking start). */
  historySince: string;
  /**
   * The first pull of this source. A contact first seen then may have been followed
   * years before, so its first sighting says nothing about when the follow began.
   * Defaults to historySince.
   */
  trackingSince?: string;
  /** Last time this source's pull was complete on both counts, if ever. */
  lastCompleteAt?: string;
  /** Whether the previous run's contact list of this source was complete. */
  previousContactsComplete: boolean;
  problems: string[];
  /** What this source can see (its declaration, or what its pull said it saw); absent: everything, as before sources declared it. */
  observes?: Observability;
}

/** The owner's explicit decisions: config allowlist/snoozes plus stored ones. */
export interface OwnerDecisions {
  /** Handles (case-insensitive, leading @ optional) or `sourceId:contactId`. */
  allowlist: string[];
  snoozed: { contact: string; until: string }[];
}

/** Tone of one text: negative when it criticises. */
export type Tone = 'negative' | 'neutral' | 'positive';

/** A text the contact wrote (bio, reply, mention, quote), with the platform's language tag if any. */
export interface ContactText {
  text: string;
  lang?: string;
}

/**
 * The judgements that need more than counting. The analysis stays pure: the app
 * classifies texts before analyse() (a remote classifier is asynchronous and
 * batched) and hands in lookups.
 */
export interface Classifiers {
  /**
   * Evidence when the contact is outside the audience, else null. `texts` are
   * the bio and the contact's own recent texts the history holds, newest first.
   * Never called for a contact the owner protected (allowlisted, snoozed).
   */
  audience?: (contact: TrackedContact, texts: readonly ContactText[], audience: Audience) => EvidenceOf<'out_of_audience'> | null;
  /** Tone of one inbound text; undefined when the classifier could not tell (counts as neither criticism nor support). */
  tone?: (text: string) => Tone | undefined;
  /** Which tone classifier answered (`lexicon`, `comprehend`), for the evidence. */
  toneClassifier?: string;
  /** The tone classifier failed this run: critic_only is carried over from the previous run, not concluded. */
  toneFailed?: boolean;
}

export interface AnalysisInput {
  now: string;
  policy: Policy;
  audience: Audience;
  decisions: OwnerDecisions;
  sources: SourceRunState[];
  /** Every contact currently followed or following (for a failed source: the last known list). */
  current: TrackedContact[];
  /** Contacts as of the previous run (null on the first run). Used for new/lost followers. */
  previous: TrackedContact[] | null;
  /**
   * For each contact of `current`, the position of its previous form in `previous` (-1: none), when the caller
   * knows it (the report step: the merge's `storedIndex`): new and lost followers are then found without
   * matching the two lists by key.
   */
  previousIndex?: Int32Array;
  /**
   * Interaction history available for this profile (at least the lookback window, ideally all retained):
   * plain interactions, or the columns a run loads from the store (a million of them fit in a 1 GB function).
   */
  interactions: readonly (Interaction & { sourceId: string })[] | InteractionLog;
  previousFigures?: Figures | null;
  classifiers?: Classifiers;
  /**
   * Called for each contact of `current` (each position, a contact listed twice too) with its verdict, as
   * that verdict is made, in no particular order; a caller that still needs the contacts with their
   * verdicts (the report step: what it stores) works with them here.
   */
  onVerdict?: (contact: TrackedContact, verdict: ContactVerdict, position: number) => void;
  /**
   * Empties `current` once every contact is judged, and lets each contact go once its verdict is made: a
   * million contacts and a million verdicts do not fit side by side in a 1 GB function. Empties `previous`
   * too, once the new and lost followers are found. Off by default.
   */
  consumeCurrent?: boolean;
}

export interface ContactStats {
  inboundInWindow: number;
  inboundByKind: Partial<Record<InteractionKind, number>>;
  outboundInWindow: number;
  inboundTotal: number;
  outboundTotal: number;
  lastInboundAt?: string;
  lastOutboundAt?: string;
  /** Days since the owner followed them (following/mutual), if known. */
  followedForDays?: number;
  /** Days of observed history for this contact (see observationOf in stats.ts). */
  observedDays: number;
  /**
   * Set when the tie's start date is unknown (no follow date from the platform)
   * and the contact was already there at the source's first pull: the history
   * that pull read is the evidence, and this counts the days followback has
   * itself tracked the contact since.
   */
  trackedDays?: number;
  /** Weighted engagement score in the window (used for top supporters). */
  score: number;
}

/** Facts behind one reason; each code's exact shape is in ./evidence.ts. */
export interface Evidence {
  [key: string]: string | number | boolean | undefined;
}

export interface ContactVerdict {
  key: string; // `${sourceId}:${id}`
  sourceId: string;
  platform: string;
  id: string;
  handle: string;
  displayName: string;
  profileUrl?: string;
  relation: 'following' | 'follower' | 'mutual' | 'former_follower';
  state: Contact['state'];
  recommendation: Recommendation | null; // null only for former followers (lost)
  reasons: ReasonCode[];
  evidence: EvidenceByReason;
  stats: ContactStats;
  followedAt?: string;
  lastPostAt?: string;
  /** True when this contact's source was stale this run: absence-based reasons were carried over, not concluded. */
  stale: boolean;
}

export interface Figures {
  following: number;
  followers: number;
  mutuals: number;
  /** Share (0..1) of accounts you follow that engaged inbound in the window. */
  engagedFollowingShare: number;
  engagedFollowerShare: number;
  engagedFollowing: number;
  engagedFollowers: number;
  suggestedUnfollows: number;
  suggestedReviews: number;
  suggestedFollowBacks: number;
  newFollowers: number;
  lostFollowers: number;
  inboundInWindow: number;
  outboundInWindow: number;
}

export type FigureDeltas = { [K in keyof Figures]: number };

export interface StaleSource {
  sourceId: string;
  platform: string;
  contacts: Completeness;
  interactions: Completeness;
  lastCompleteAt?: string;
  problems: string[];
}

/** What one source of the run could and could not see, for the report's table. */
export interface SourceSight {
  sourceId: string;
  platform: string;
  inbound: EngagementKind[];
  outbound: EngagementKind[];
  inboundHidden: EngagementKind[];
  followDates: FollowDates;
  /** The source cannot confirm silence (sees no inbound, or some kind is hidden): its removals stop at review. */
  reviewOnly: boolean;
}

export interface Analysis {
  now: string;
  windowStart: string;
  verdicts: ContactVerdict[];
  /** Allowlist and snooze entries that name no contact of the profile (the owner believes someone is protected who is not). */
  unmatchedDecisions: UnmatchedDecision[];
  figures: Figures;
  /** Change since the previous run (null on the first run). */
  deltas: FigureDeltas | null;
  staleSources: StaleSource[];
  /** What each source of the run could see, in the order of the run's sources. */
  sources?: SourceSight[];
}
