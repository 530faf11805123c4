/**
 * The evidence of every reason code: one zod schema per code, the single
 * contract between the rules that emit it, the report JSON schema that
 * documents it and the renderers that label it. A rule returning a renamed or
 * unknown key, or a catalog missing a label, is a type error.
 *
 * A reason carried over from the previous run on stale data carries
 * `carriedOver: true`; when what this run saw cannot rebuild its facts, that
 * flag is all the evidence there is.
 */
import { z } from 'zod';
import type { ReasonCode } from './analysis-types.ts';
import { AccountState, EngagementKind, IsoInstant } from './model.ts';

const Days = z.number().nonnegative();
const Count = z.number().int().nonnegative();
const Share = z.number().min(0).max(1);
const CarriedOver = z.literal(true).optional();
/** The inbound kinds the judgement rests on: what the contact's source sees (absent only in reports made before sources declared it). */
const KindsSeen = z.array(EngagementKind).optional();
/** Kinds of engagement the network has that the source cannot see: the judgement cannot rule them out, so it stops at review. */
const KindsHidden = z.array(EngagementKind).optional();
const Kinds = { kindsSeen: KindsSeen, kindsHidden: KindsHidden };
/** An interaction's id on its source (a Mastodon status id, a Bluesky at:// URI). */
const ExampleId = z.string().min(1);

export const EVIDENCE_SCHEMAS = {
  never_engaged: z
    .object({
      observedDays: Days,
      observedSince: IsoInstant,
      followedForDays: Days.optional(),
      /** No follow date: the silence is read from the history the first pull covered. */
      followDateUnknown: z.literal(true).optional(),
      /** Days followback itself has tracked the contact (with followDateUnknown). */
      trackedDays: Days.optional(),
      /** Tracked for less than minObservationDays: review, not unfollow. */
      provisional: z.boolean().optional(),
      ...Kinds,
      carriedOver: CarriedOver,
    })
    .strict(),
  dormant: z.object({ lastInboundAt: IsoInstant, daysSinceInbound: Days, ...Kinds, carriedOver: CarriedOver }).strict(),
  one_sided: z.object({ outboundInWindow: Count, lookbackDays: Count, ...Kinds, carriedOver: CarriedOver }).strict(),
  critic_only: z
    .object({
      /** Inbound replies, mentions and quotes held. */
      count: Count,
      /** Of those, judged negative. */
      negative: Count,
      /** The most recent negative one, shortened (untrusted text). */
      example: z.string(),
      exampleAt: IsoInstant,
      /** The id of the quoted interaction on its source (the owner's "this is not criticism" names it); absent in evidence stored before it was kept. */
      exampleId: ExampleId.optional(),
      ...Kinds,
      carriedOver: CarriedOver,
    })
    .strict(),
  out_of_audience: z.union([
    z.object({ excludedKeyword: z.string(), field: z.enum(['name', 'bio']) }).strict(),
    z
      .object({
        language: z.string(),
        confidence: Share,
        languageShare: Share,
        textsRead: Count,
        /** Judged on a shorter text because it is written in a script no audience language uses (ISO 15924: Hani, Jpan, Kore, Thai, Cyrl, Grek, Arab, Hebr). */
        script: z.string().optional(),
      })
      .strict(),
  ]),
  inactive_account: z.union([
    z.object({ state: AccountState, movedTo: z.string().optional() }).strict(),
    z.object({ lastPostAt: IsoInstant, daysSincePost: Days }).strict(),
  ]),
  new_follower: z.object({ previousRelation: z.enum(['following', 'absent']), followerSince: IsoInstant.optional() }).strict(),
  lost_follower: z.object({ previousRelation: z.enum(['follower', 'mutual']), stillFollowed: z.boolean() }).strict(),
  top_supporter: z
    .object({
      rank: z.number().int().min(1),
      score: z.number().nonnegative(),
      /** Their most recent reply, mention or quote with text in the window, shortened (untrusted text): the report quotes it. */
      example: z.string().optional(),
      exampleAt: IsoInstant.optional(),
      /** The id of that interaction (the owner's "this is criticism" names it). */
      exampleId: ExampleId.optional(),
    })
    .strict(),
  grace_period: z.object({ since: IsoInstant, basis: z.enum(['followedAt', 'firstSeenAt']), daysSince: Days, graceDays: Count }).strict(),
  allowlisted: z.object({ entry: z.string() }).strict(),
  snoozed: z.object({ until: z.string() }).strict(),
} as const satisfies Record<ReasonCode, z.ZodType>;

/** Only the flag: a reason carried over whose facts this run's data could not rebuild. */
export const CarriedOverOnly = z.object({ carriedOver: z.literal(true) }).strict();

/** The reasons that rest on the interaction history, and so can be carried over on stale data. */
export const CARRIED_CODES = ['never_engaged', 'dormant', 'one_sided', 'critic_only'] as const satisfies readonly ReasonCode[];
export type CarriedCode = (typeof CARRIED_CODES)[number];

/** The evidence one reason code carries. */
export type EvidenceOf<C extends ReasonCode> = z.infer<(typeof EVIDENCE_SCHEMAS)[C]> | (C extends CarriedCode ? z.infer<typeof CarriedOverOnly> : never);

/** Evidence for every reason of a contact, each under its own code. */
export type EvidenceByReason = { [C in ReasonCode]?: EvidenceOf<C> };

/** The schema of one code's evidence, carried-over form included (the report JSON schema uses it). */
export function evidenceSchemaOf<C extends ReasonCode>(code: C): z.ZodType<EvidenceOf<C>> {
  const schema = (CARRIED_CODES as readonly ReasonCode[]).includes(code) ? z.union([EVIDENCE_SCHEMAS[code], CarriedOverOnly]) : EVIDENCE_SCHEMAS[code];
  return schema as unknown as z.ZodType<EvidenceOf<C>>;
}

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
/** Every key any evidence can have: the label catalogs of the report must name each one. */
export type EvidenceKey = { [C in ReasonCode]: KeysOfUnion<EvidenceOf<C>> }[ReasonCode];
