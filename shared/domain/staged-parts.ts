/**
 * A source's staged parts as the report step reads them back (issue 20): each
 * part's own fields (contacts, completeness, cursor, problems...) as they
 * were, and the interactions of every part in one columnar `InteractionLog`
 * (./interaction-log.ts), in part order.
 *
 * A first import stages a million interactions. As objects they cost about
 * 270 bytes each, and the report step holding all of them (plus the copies
 * the merge made) was what needed a 2 GB function; as columns they cost their
 * id plus 22 bytes. The builder takes the staged chunks one at a time, so only
 * one chunk's decoded objects are ever alive.
 */
import { z } from 'zod';
import { positionGaps, positionsOf } from './contact-fingerprint.ts';
import { InteractionLog } from './interaction-log.ts';
import { SourcePull, type Interaction } from './model.ts';

/**
 * The contacts a pull step found unchanged: their positions in the source's fingerprint index of that
 * generation (shared/domain/contact-fingerprint.ts), sorted, as gaps (`positionGaps`).
 */
export const UnchangedAt = z.object({
  generation: z.string().regex(/^[0-9a-z]{1,32}$/, 'a fingerprint generation (letters and digits)'),
  gaps: z.array(z.number().int().min(0)),
});
export type UnchangedAt = z.infer<typeof UnchangedAt>;

/**
 * What a pull step stages: its pull, where `unchangedAt` names the contacts the source's fingerprint index
 * knows by their position in it, instead of their fields. `unchanged` is the first form of it, each entry
 * `<16 hex digits><id>`: parts staged so by an earlier version are still read.
 */
export const StagedPull = SourcePull.extend({
  unchangedAt: UnchangedAt.optional(),
  /** By id: how a version between the two staged them (read, never written: a part of a firing under way at an upgrade). */
  unchangedIds: z.array(z.string().min(1).max(512)).optional(),
  unchanged: z.array(z.string().regex(/^[0-9a-f]{16}./s, 'a fingerprint (16 hex digits) and a contact id')).optional(),
});
export type StagedPull = z.infer<typeof StagedPull>;

/** One staged part without its interactions; `interactionCount` of them are in the log, after the earlier parts'. */
export type StagedPartHead = Omit<StagedPull, 'interactions'> & { interactionCount: number };

export interface StagedParts {
  readonly parts: readonly StagedPartHead[];
  /** Every part's interactions, in part order, each with the source's id. */
  readonly interactions: InteractionLog;
}

/**
 * Builds a source's `StagedParts` chunk by chunk, in (part, chunk) order.
 * The first chunk of a part gives the part's own fields; later chunks add
 * contacts and interactions (as `chunked` in the firing store wrote them).
 */
export class StagedPartsBuilder {
  readonly #sourceId: string;
  readonly #parts: StagedPartHead[] = [];
  readonly #log = new InteractionLog();
  #current: StagedPartHead | undefined;

  constructor(sourceId: string) {
    this.#sourceId = sourceId;
  }

  /** Starts part `seq` (parts come in order) with its own fields. */
  startPart(head: Omit<StagedPartHead, 'interactionCount'>): void {
    this.#current = {
      ...head,
      contacts: [...head.contacts],
      ...(head.unchangedAt !== undefined ? { unchangedAt: { generation: head.unchangedAt.generation, gaps: [...head.unchangedAt.gaps] } } : {}),
      ...(head.unchangedIds !== undefined ? { unchangedIds: [...head.unchangedIds] } : {}),
      ...(head.unchanged !== undefined ? { unchanged: [...head.unchanged] } : {}),
      interactionCount: 0,
    };
    this.#parts.push(this.#current);
  }

  /** Contacts (and contacts staged as unchanged) of a later chunk of the current part. */
  addContacts(contacts: StagedPull['contacts'], unchanged: StagedPull['unchanged'] = [], unchangedAt?: UnchangedAt, unchangedIds: StagedPull['unchangedIds'] = []): void {
    const part = this.#requirePart();
    for (const c of contacts) part.contacts.push(c);
    if (unchangedIds.length > 0) {
      part.unchangedIds ??= [];
      for (const id of unchangedIds) part.unchangedIds.push(id);
    }
    if (unchangedAt !== undefined && unchangedAt.gaps.length > 0) {
      const before = part.unchangedAt;
      if (before !== undefined && before.generation !== unchangedAt.generation) {
        throw new Error(`staged parts of ${this.#sourceId}: one part's chunks name two fingerprint generations`);
      }
      part.unchangedAt = { generation: unchangedAt.generation, gaps: positionGaps([...positionsOf(before?.gaps ?? []), ...positionsOf(unchangedAt.gaps)]) };
    }
    if (unchanged.length > 0) {
      part.unchanged ??= [];
      for (const u of unchanged) part.unchanged.push(u);
    }
  }

  /** One interaction of the current part. */
  pushInteraction(interaction: Interaction, where: () => string): void {
    const part = this.#requirePart();
    this.#log.push({ ...interaction, sourceId: this.#sourceId }, where);
    part.interactionCount += 1;
  }

  /** A decoded chunk: the first of its part starts it, a later one adds to it. */
  addChunk(first: boolean, pull: StagedPull, where: string): void {
    if (first) {
      const { interactions: _i, ...head } = pull;
      this.startPart(head);
    } else this.addContacts(pull.contacts, pull.unchanged, pull.unchangedAt, pull.unchangedIds);
    pull.interactions.forEach((interaction, k) => this.pushInteraction(interaction, () => `${where} interactions[${k}]`));
  }

  result(): StagedParts {
    return { parts: this.#parts, interactions: this.#log };
  }

  #requirePart(): StagedPartHead {
    if (this.#current === undefined) throw new Error(`staged parts of ${this.#sourceId}: a chunk came before its part's first chunk`);
    return this.#current;
  }
}

/** Parts already in memory (a test, or a source pulled in-process) as the report step reads them back. */
export function stagedPartsOf(sourceId: string, pulls: readonly StagedPull[]): StagedParts {
  const builder = new StagedPartsBuilder(sourceId);
  pulls.forEach((pull, seq) => builder.addChunk(true, pull, `part ${seq}`));
  return builder.result();
}
