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
import { InteractionLog } from './interaction-log.ts';
import type { Interaction, SourcePull } from './model.ts';

/** One staged part without its interactions; `interactionCount` of them are in the log, after the earlier parts'. */
export type StagedPartHead = Omit<SourcePull, 'interactions'> & { interactionCount: number };

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
    this.#current = { ...head, contacts: [...head.contacts], interactionCount: 0 };
    this.#parts.push(this.#current);
  }

  /** Contacts of a later chunk of the current part. */
  addContacts(contacts: SourcePull['contacts']): void {
    const part = this.#requirePart();
    for (const c of contacts) part.contacts.push(c);
  }

  /** One interaction of the current part. */
  pushInteraction(interaction: Interaction, where: () => string): void {
    const part = this.#requirePart();
    this.#log.push({ ...interaction, sourceId: this.#sourceId }, where);
    part.interactionCount += 1;
  }

  /** A decoded chunk: the first of its part starts it, a later one adds to it. */
  addChunk(first: boolean, pull: SourcePull, where: string): void {
    if (first) {
      const { interactions: _i, ...head } = pull;
      this.startPart(head);
    } else this.addContacts(pull.contacts);
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
export function stagedPartsOf(sourceId: string, pulls: readonly SourcePull[]): StagedParts {
  const builder = new StagedPartsBuilder(sourceId);
  pulls.forEach((pull, seq) => builder.addChunk(true, pull, `part ${seq}`));
  return builder.result();
}
