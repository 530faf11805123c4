/**
 * What a source can see, as the rules read it (the declaration itself is
 * `Observability` in ./model.ts). Pure helpers: a declaration in canonical
 * form, and the questions the rules ask of it.
 */
import type { EngagementKind, Observability } from './model.ts';

/** Every kind of engagement, in vocabulary order (the order evidence and reports list them in). */
export const ENGAGEMENT_KINDS: readonly EngagementKind[] = ['like', 'repost', 'reply', 'quote', 'mention'];

/** Kinds that carry the contact's own words (what critic_only reads). */
const TALKING_KINDS: readonly EngagementKind[] = ['reply', 'quote', 'mention'];

/** A source that sees every kind both ways and both follow dates: Mastodon, Bluesky, the demo, and any source that declares nothing (as before declarations existed). */
export const SEES_EVERYTHING: Observability = Object.freeze({
  inbound: [...ENGAGEMENT_KINDS],
  outbound: [...ENGAGEMENT_KINDS],
  inboundHidden: [],
  followDates: 'both',
}) as Observability;

/** A declaration with its kinds deduplicated and in vocabulary order; a kind both seen and hidden counts as seen. */
export function canonicalSight(o: Observability): Required<Observability> {
  const inbound = ordered(o.inbound);
  return {
    inbound,
    outbound: ordered(o.outbound),
    inboundHidden: ordered(o.inboundHidden ?? []).filter((k) => !inbound.includes(k)),
    followDates: o.followDates,
  };
}

function ordered(kinds: readonly EngagementKind[]): EngagementKind[] {
  return ENGAGEMENT_KINDS.filter((k) => kinds.includes(k));
}

/**
 * The source cannot confirm that someone gives nothing back: it sees no inbound
 * engagement at all, or the network has engagement it cannot see. A removal
 * from such a source stops at `review`.
 */
export function silenceUnconfirmed(o: Observability): boolean {
  return o.inbound.length === 0 || (o.inboundHidden ?? []).some((k) => !o.inbound.includes(k));
}

/** Some inbound kind is seen: silence can be judged at all (never_engaged, dormant). */
export function seesInbound(o: Observability): boolean {
  return o.inbound.length > 0;
}

/** Inbound replies, quotes or mentions are seen: their texts can be judged (critic_only). */
export function seesTalk(o: Observability): boolean {
  return o.inbound.some((k) => TALKING_KINDS.includes(k));
}

/** Some outbound kind is seen: what the owner gives can be counted (one_sided). */
export function seesOutbound(o: Observability): boolean {
  return o.outbound.length > 0;
}

/** The kinds evidence names for each declaration (by identity: a run judges every contact of a source with one). */
const KINDS_OF = new WeakMap<Observability, { kindsSeen: EngagementKind[]; kindsHidden?: EngagementKind[] }>();

/**
 * The kinds a judgement of silence rests on, for its evidence: `kindsHidden` only when some are. The lists are
 * made once per declaration, to their exact length, and shared (frozen): the evidence of a million contacts
 * keeps them, and a list each was 72 bytes a contact. A new object each call; its lists are the shared ones.
 */
export function kindsEvidence(o: Observability): { kindsSeen: EngagementKind[]; kindsHidden?: EngagementKind[] } {
  let kinds = KINDS_OF.get(o);
  if (kinds === undefined) {
    const c = canonicalSight(o);
    const seen = Object.freeze(c.inbound.slice()) as EngagementKind[];
    kinds = c.inboundHidden.length > 0 ? { kindsSeen: seen, kindsHidden: Object.freeze(c.inboundHidden.slice()) as EngagementKind[] } : { kindsSeen: seen };
    KINDS_OF.set(o, kinds);
  }
  return kinds.kindsHidden !== undefined ? { kindsSeen: kinds.kindsSeen, kindsHidden: kinds.kindsHidden } : { kindsSeen: kinds.kindsSeen };
}
