/**
 * Who lives in the demo community. Each persona is tuned against the default
 * policy (lookbackDays 90, minObservationDays 30, graceDays 14, dormantDays 120,
 * inactiveDays 180, oneSidedThreshold 5) so the reason codes it stands for are
 * hit clearly, not by luck at the threshold.
 */
import type { AccountState, InteractionKind, Relation } from '../../domain/model.ts';
import { WeightedTable } from './prng.ts';

export const PERSONAS = [
  'supporter',
  'casual',
  'dormant',
  'never',
  'one_sided',
  'critic',
  'silent',
  'moved',
  'suspended',
  'deleted',
  'fan',
  'lurker',
  'spam',
] as const;
export type Persona = (typeof PERSONAS)[number];

export type Tone = 'positive' | 'negative';

export interface PersonaSpec {
  /** Share of new tenures that get this persona. */
  weight: number;
  /** How long one account stays in the contact list (days, uniform). */
  durationDays: readonly [number, number];
  relations: Readonly<Partial<Record<Relation, number>>>;
  /** Mean inbound interactions per day while engaging. */
  inboundPerDay: number;
  /** Mean outbound interactions (the owner to them) per day. */
  outboundPerDay: number;
  inboundKinds: Readonly<Partial<Record<InteractionKind, number>>>;
  tone: Tone;
  /** Engaged only during the first `activeDays` of the tenure (the dormant ones). */
  activeDays?: readonly [number, number];
  /** The account changes state part-way through the tenure (fraction of the tenure, uniform). */
  stateChange?: { state: Exclude<AccountState, 'active'>; at: readonly [number, number] };
  /** The account stopped posting around the start of the tenure. */
  silent?: boolean;
}

const FRIENDLY_KINDS = { like: 60, repost: 18, reply: 16, quote: 3, mention: 3 } as const;
const CASUAL_KINDS = { like: 72, repost: 14, reply: 14 } as const;
const CRITIC_KINDS = { reply: 70, quote: 18, mention: 12 } as const;
const ACCOUNT_ISSUE_RELATIONS = { following: 60, mutual: 30, follower: 10 } as const;

export const PERSONA_SPECS: Readonly<Record<Persona, PersonaSpec>> = {
  // Frequent likes, replies and reposts: the top supporters.
  supporter: { weight: 9, durationDays: [200, 1200], relations: { mutual: 70, follower: 20, following: 10 }, inboundPerDay: 0.3, outboundPerDay: 0.1, inboundKinds: FRIENDLY_KINDS, tone: 'positive' },
  // A few interactions a month: ~5 in a 90-day window, so rarely zero.
  casual: { weight: 28, durationDays: [60, 900], relations: { mutual: 45, following: 35, follower: 20 }, inboundPerDay: 0.055, outboundPerDay: 0.02, inboundKinds: CASUAL_KINDS, tone: 'positive' },
  // Engaged for 40-160 days, then nothing: dormant once 120 days have passed.
  dormant: { weight: 10, durationDays: [320, 1000], relations: { mutual: 50, following: 40, follower: 10 }, inboundPerDay: 0.2, outboundPerDay: 0.015, inboundKinds: CASUAL_KINDS, tone: 'positive', activeDays: [40, 160] },
  // Followed or following, never a single interaction.
  never: { weight: 12, durationDays: [60, 900], relations: { following: 55, mutual: 30, follower: 15 }, inboundPerDay: 0, outboundPerDay: 0, inboundKinds: {}, tone: 'positive' },
  // The owner likes and replies ~18 times in 90 days; nothing comes back.
  one_sided: { weight: 7, durationDays: [90, 900], relations: { following: 75, mutual: 25 }, inboundPerDay: 0, outboundPerDay: 0.2, inboundKinds: {}, tone: 'positive' },
  // Only replies, quotes and mentions, all negative.
  critic: { weight: 3, durationDays: [60, 600], relations: { follower: 50, mutual: 25, following: 25 }, inboundPerDay: 0.08, outboundPerDay: 0, inboundKinds: CRITIC_KINDS, tone: 'negative' },
  // Stopped posting around when the tie began: inactive once 180 days have passed.
  silent: { weight: 4, durationDays: [200, 1000], relations: ACCOUNT_ISSUE_RELATIONS, inboundPerDay: 0, outboundPerDay: 0, inboundKinds: {}, tone: 'positive', silent: true },
  moved: { weight: 2, durationDays: [120, 900], relations: ACCOUNT_ISSUE_RELATIONS, inboundPerDay: 0.06, outboundPerDay: 0.03, inboundKinds: CASUAL_KINDS, tone: 'positive', stateChange: { state: 'moved', at: [0.05, 0.5] } },
  suspended: { weight: 1.5, durationDays: [120, 900], relations: ACCOUNT_ISSUE_RELATIONS, inboundPerDay: 0.06, outboundPerDay: 0.03, inboundKinds: CASUAL_KINDS, tone: 'positive', stateChange: { state: 'suspended', at: [0.05, 0.5] } },
  deleted: { weight: 1.5, durationDays: [120, 900], relations: ACCOUNT_ISSUE_RELATIONS, inboundPerDay: 0.06, outboundPerDay: 0.03, inboundKinds: CASUAL_KINDS, tone: 'positive', stateChange: { state: 'deleted', at: [0.05, 0.5] } },
  // Follow you and engage; you don't follow them: follow-back candidates.
  fan: { weight: 9, durationDays: [60, 700], relations: { follower: 100 }, inboundPerDay: 0.12, outboundPerDay: 0, inboundKinds: FRIENDLY_KINDS, tone: 'positive' },
  // Promotion accounts (crypto, betting, buy-likes bios) that follow you and like everything, to be followed back.
  spam: { weight: 2, durationDays: [30, 400], relations: { follower: 100 }, inboundPerDay: 0.6, outboundPerDay: 0, inboundKinds: { like: 85, repost: 15 }, tone: 'positive' },
  // Follow you and never engage.
  lurker: { weight: 13, durationDays: [60, 900], relations: { follower: 100 }, inboundPerDay: 0, outboundPerDay: 0, inboundKinds: {}, tone: 'positive' },
};

export const PERSONA_TABLE = new WeightedTable<Persona>(Object.fromEntries(PERSONAS.map((p) => [p, PERSONA_SPECS[p].weight])) as Record<Persona, number>);

/** Per persona, the draw tables of its relation and its inbound kinds. */
export const RELATION_TABLES = Object.fromEntries(PERSONAS.map((p) => [p, new WeightedTable<Relation>(PERSONA_SPECS[p].relations)])) as Record<Persona, WeightedTable<Relation>>;
export const INBOUND_KIND_TABLES = Object.fromEntries(
  PERSONAS.filter((p) => PERSONA_SPECS[p].inboundPerDay > 0).map((p) => [p, new WeightedTable<InteractionKind>(PERSONA_SPECS[p].inboundKinds)]),
) as Partial<Record<Persona, WeightedTable<InteractionKind>>>;

/** Accounts that just started a tie engage more: keeps casual ones from looking "never engaged" at 30 days. */
export const NEW_TIE_BOOST = { days: 30, factor: 2.5 } as const;

/** Outbound kinds: what the owner does to the people they follow. */
export const OUTBOUND_KIND_TABLE = new WeightedTable<InteractionKind>({ like: 70, reply: 18, repost: 12 });
