/**
 * Interactions of one tenure, generated day by day from the persona's rates.
 * Counts and times are draws at (tenure, day, n), so an interaction has the
 * same id and time in every pull that covers it, and pulls over adjacent
 * windows add up to one pull over both.
 */
import type { Direction, Interaction, InteractionKind } from '../../domain/model.ts';
import { DEMO_WEB, postingEnds, stateChangeAt, type Identity } from './account.ts';
import { OUTBOUND_REPLIES, repliesFor } from './demo-text.ts';
import { INBOUND_KIND_TABLES, NEW_TIE_BOOST, OUTBOUND_KIND_TABLE, PERSONA_SPECS } from './personas.ts';
import { Salt, between, pickFrom, poisson, unit, type WeightedTable } from './prng.ts';
import { DAY_MS, type Tenure } from './timeline.ts';

/** The owner's handle user part, for the URLs of the owner's posts. */
const OWNER_USER = 'you';
const OWNER_POSTS_PER_DAY = 3;
const TEXT_KINDS: ReadonlySet<InteractionKind> = new Set(['reply', 'quote', 'mention']);

interface Stream {
  direction: Direction;
  perDay: number;
  /** Interactions happen in [from, until). */
  until: number;
  kinds: WeightedTable<InteractionKind>;
  texts: readonly string[];
  salt: number;
}

function streamsOf(tenure: Tenure): Stream[] {
  const spec = PERSONA_SPECS[tenure.persona];
  // An account that moved, was suspended or deleted does nothing afterwards, in either direction.
  const accountEnds = Math.min(tenure.end, stateChangeAt(tenure) ?? Infinity, postingEnds(tenure));
  const inboundEnds = spec.activeDays
    ? Math.min(accountEnds, tenure.start + between(unit(tenure.key, Salt.activeDays), ...spec.activeDays) * DAY_MS)
    : accountEnds;
  const streams: Stream[] = [];
  const inboundKinds = INBOUND_KIND_TABLES[tenure.persona];
  if (spec.inboundPerDay > 0 && inboundKinds) {
    streams.push({ direction: 'inbound', perDay: spec.inboundPerDay, until: inboundEnds, kinds: inboundKinds, texts: repliesFor(spec.tone), salt: Salt.inboundCount });
  }
  if (spec.outboundPerDay > 0) {
    streams.push({ direction: 'outbound', perDay: spec.outboundPerDay, until: accountEnds, kinds: OUTBOUND_KIND_TABLE, texts: OUTBOUND_REPLIES, salt: Salt.outboundCount });
  }
  return streams;
}

/** Appends to `out` the interactions of `tenure` with `at` in (from, to]. */
export function interactionsOf(tenure: Tenure, identity: Identity, from: number, to: number, out: Interaction[]): void {
  const streams = streamsOf(tenure);
  if (streams.length === 0) return;
  const { key } = tenure;
  const boostUntil = tenure.start + NEW_TIE_BOOST.days * DAY_MS;
  for (const stream of streams) {
    const first = Math.floor(Math.max(from, tenure.start) / DAY_MS);
    const last = Math.floor(Math.min(to, stream.until) / DAY_MS);
    for (let day = first; day <= last; day++) {
      const dayStart = day * DAY_MS;
      const mean = stream.perDay * (dayStart < boostUntil ? NEW_TIE_BOOST.factor : 1);
      const count = poisson(mean, unit(key, day, stream.salt));
      for (let n = 0; n < count; n++) {
        const at = dayStart + Math.floor(unit(key, day, n, stream.salt, Salt.time) * 86_400) * 1000;
        if (at <= from || at > to || at < tenure.start || at >= stream.until) continue;
        const kind = stream.kinds.pick(unit(key, day, n, stream.salt, Salt.kind));
        const postDraw = unit(key, day, n, stream.salt, Salt.post);
        const interaction: Interaction = {
          id: `${identity.id}-${day}-${stream.direction === 'inbound' ? 'i' : 'o'}${n}`,
          contactId: identity.id,
          kind,
          direction: stream.direction,
          at: new Date(at).toISOString(),
          postUrl: postUrl(stream.direction, identity, day, postDraw),
        };
        if (TEXT_KINDS.has(kind)) {
          const text = pickFrom(stream.texts, unit(key, day, n, stream.salt, Salt.text));
          interaction.text = kind === 'mention' ? `@${OWNER_USER} ${text}` : text;
        }
        out.push(interaction);
      }
    }
  }
}

/** Inbound: one of the owner's posts of the last three days. Outbound: one of theirs. */
function postUrl(direction: Direction, identity: Identity, day: number, draw: number): string {
  const postDay = day - Math.floor(draw * 3);
  const number = postDay * OWNER_POSTS_PER_DAY + Math.floor(((draw * 3) % 1) * OWNER_POSTS_PER_DAY) + 1;
  return direction === 'inbound' ? `${DEMO_WEB}/@${OWNER_USER}/${number}` : `${DEMO_WEB}/@${identity.user}/${number}`;
}
