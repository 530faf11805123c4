/**
 * A `Source` that hands back the synthetic community of ./synthetic-community.ts
 * at any size, as a network would: the first pull carries every contact and
 * the whole history; a later pull (round r > 0) carries every contact again,
 * with `changedShare` of them changed (a new display name) and one new
 * inbound interaction each, and only the interactions newer than the cursor.
 * Read in steps (`pullStep`), it hands them over `itemsPerStep` at a time, as
 * a network's pages reach a firing's pull steps.
 */
import type { Contact, Interaction, SourcePull } from '../../shared/domain/model.ts';
import type { PullContext, PullStepResult, Source } from '../../shared/ports/source.ts';
import { syntheticContact, syntheticInteraction } from './synthetic-community.ts';

export interface SyntheticSourceOptions {
  id?: string;
  contacts: number;
  interactions: number;
  /** 0 for the first pull, 1.. for later ones. */
  round: number;
  /** Share of contacts that change in a later round (default 0.01). */
  changedShare?: number;
  /** The clock of the first round: the history ends there. */
  firstNow: Date;
  /**
   * Contacts, and interactions, a pull step reads at most (default 50,000 of each): a network hands a
   * first import over in pages, many steps apart, never a million interactions in one step.
   */
  itemsPerStep?: number;
}

/** Contacts changed in round `round` (every 1/share-th, shifted by the round so rounds differ). */
export function changedInRound(k: number, round: number, share: number): boolean {
  if (round === 0) return false;
  const every = Math.max(1, Math.round(1 / share));
  return (k + round) % every === 0;
}

export class SyntheticSource implements Source {
  readonly id: string;
  readonly platform = 'mastodon';
  readonly #options: SyntheticSourceOptions;

  constructor(options: SyntheticSourceOptions) {
    this.id = options.id ?? 's';
    this.#options = options;
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    return this.#read(ctx, 0, Number.POSITIVE_INFINITY, true);
  }

  /** Step s reads contacts and history interactions [s * itemsPerStep, (s + 1) * itemsPerStep). */
  async pullStep(ctx: PullContext): Promise<PullStepResult> {
    const per = this.#options.itemsPerStep ?? 50_000;
    if (!Number.isInteger(per) || per < 1) throw new Error(`itemsPerStep must be a whole number of at least 1, got ${per}`);
    const step = ctx.checkpoint === undefined ? 0 : Number(/^step:(\d+)$/.exec(ctx.checkpoint)?.[1] ?? Number.NaN);
    if (!Number.isInteger(step)) throw new Error(`synthetic source: unreadable checkpoint ${JSON.stringify(ctx.checkpoint)}`);
    const history = this.#options.round === 0 ? this.#options.interactions : 0;
    const last = (step + 1) * per >= Math.max(this.#options.contacts, history);
    const pull = await this.#read(ctx, step * per, per, last);
    return last ? { pull } : { pull, checkpoint: `step:${step + 1}` };
  }

  async #read(ctx: PullContext, from: number, count: number, last: boolean): Promise<SourcePull> {
    const { contacts: n, interactions: m, round, firstNow } = this.#options;
    const share = this.#options.changedShare ?? 0.01;
    const contacts: Contact[] = [];
    const interactions: Interaction[] = [];
    for (let k = from; k < Math.min(n, from + count); k++) {
      const { sourceId: _s, platform: _p, firstSeenAt: _f, lastSeenAt: _l, ...contact } = syntheticContact(k, firstNow, this.id);
      const changed = changedInRound(k, round, share);
      contacts.push(changed ? { ...contact, displayName: `Contact ${k} (round ${round})` } : contact);
      if (changed) {
        interactions.push({ id: `r${round}-${k}`, contactId: `c${k}`, kind: 'like', direction: 'inbound', at: new Date(ctx.now.getTime() - 60_000).toISOString() });
      }
    }
    if (round === 0) {
      for (let k = from; k < Math.min(m, from + count); k++) {
        const { sourceId: _s, ...interaction } = syntheticInteraction(k, n, firstNow, this.id);
        interactions.push(interaction);
      }
    }
    return {
      sourceId: this.id,
      platform: 'mastodon',
      takenAt: ctx.now.toISOString(),
      owner: { id: 'owner', handle: '@owner@bench.social' },
      contacts,
      interactions,
      contactsCompleteness: 'complete',
      interactionsCompleteness: 'complete',
      historySince: '2025-01-01T00:00:00.000Z',
      ...(last ? { cursor: `round-${round}` } : {}),
      problems: [],
      requests: 0,
    };
  }
}
