/**
 * Interactions grouped once by contact, so every per-contact step reads only
 * its own list (10,000 contacts × 200,000 interactions stays linear). Nested
 * maps (source, then contact id) avoid building a key string per interaction,
 * which is most of the cost at that size.
 */
import type { AnalysisInput } from './analysis-types.ts';
import type { Direction, InteractionKind } from './model.ts';
import { parseInstant } from './time.ts';

export interface TimedInteraction {
  id: string;
  kind: InteractionKind;
  direction: Direction;
  at: string;
  atMs: number;
  text: string | undefined;
  /** The platform's language tag of `text`, if any. */
  lang: string | undefined;
}

const NONE: readonly TimedInteraction[] = [];

export class InteractionIndex {
  readonly #bySource = new Map<string, Map<string, TimedInteraction[]>>();

  /** This contact's interactions, in input order. */
  of(sourceId: string, contactId: string): readonly TimedInteraction[] {
    return this.#bySource.get(sourceId)?.get(contactId) ?? NONE;
  }

  *all(): Iterable<TimedInteraction> {
    for (const byContact of this.#bySource.values()) for (const list of byContact.values()) yield* list;
  }

  /** @internal used by indexInteractions only. */
  add(sourceId: string, contactId: string, interaction: TimedInteraction): void {
    let byContact = this.#bySource.get(sourceId);
    if (byContact === undefined) this.#bySource.set(sourceId, (byContact = new Map()));
    const list = byContact.get(contactId);
    if (list === undefined) byContact.set(contactId, [interaction]);
    else list.push(interaction);
  }
}

/**
 * Duplicates (same source and id, as when stored and freshly pulled history
 * overlap) count once. Interactions after `now` are left out: a run with a
 * fixed clock (a backfill) judges the world as it was at that time. A `follow`
 * is a relation, not engagement (DESIGN: like, repost, reply, quote, mention),
 * so it never makes a silent follower look engaged.
 */
export function indexInteractions(interactions: AnalysisInput['interactions'], nowMs: number): InteractionIndex {
  const index = new InteractionIndex();
  const seenBySource = new Map<string, Set<string>>();
  for (let position = 0; position < interactions.length; position++) {
    const interaction = interactions[position];
    if (interaction === undefined || interaction.kind === 'follow') continue;
    // Inline check: the hot loop of the analysis, no closure per interaction.
    let atMs = Date.parse(interaction.at);
    if (Number.isNaN(atMs)) atMs = parseInstant(interaction.at, `interactions[${position}].at`);
    if (atMs > nowMs) continue;
    let seen = seenBySource.get(interaction.sourceId);
    if (seen === undefined) seenBySource.set(interaction.sourceId, (seen = new Set()));
    if (seen.has(interaction.id)) continue;
    seen.add(interaction.id);
    // One object shape for all (text may be undefined), which keeps the per-contact loops monomorphic.
    index.add(interaction.sourceId, interaction.contactId, { id: interaction.id, kind: interaction.kind, direction: interaction.direction, at: interaction.at, atMs, text: interaction.text, lang: interaction.lang });
  }
  return index;
}
