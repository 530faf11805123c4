/**
 * The embedded sample community behind `--demo`: about `size` contacts over
 * years of churn, with every kind of tie the report talks about. Pure and
 * deterministic: the same seed and instant give the same pull, on any machine.
 */
import type { Audience } from '../../config/schema.ts';
import type { Contact, Interaction, SourcePull } from '../../domain/model.ts';
import { SourceError, type PullContext, type Source } from '../../ports/source.ts';
import { contactAt, identityOf } from './account.ts';
import { interactionsOf } from './activity.ts';
import { seedKey } from './prng.ts';
import { DAY_MS, RESERVED_ACCOUNTS, tenuresOverlapping } from './timeline.ts';

/** Handles of two demo accounts that would be pruned without the allowlist; they exist at every instant after 2018. */
export const DEMO_ALLOWLIST: string[] = RESERVED_ACCOUNTS.map((a) => a.handle);

export const DEMO_OWNER = { id: 'demo-owner', handle: '@you@demo.social' } as const;

/** An audience that puts the demo's foreign-language and off-topic profiles outside it. */
export const DEMO_AUDIENCE: Audience = {
  languages: ['en', 'it'],
  keywords: ['web', 'accessibility', 'accessibilità', 'open source', 'design', 'javascript', 'typescript', 'css', 'frontend'],
  excludeKeywords: ['crypto', 'forex', 'betting', 'casino', 'nft', 'buy likes'],
};

/** How far back the first pull reports interactions. */
export const DEMO_BACKFILL_DAYS = 180;
export const DEMO_DEFAULT_SIZE = 1000;
const PROGRESS_EVERY = 250;

export interface DemoSourceOptions {
  id: string;
  seed: number;
  /** Contacts at any instant (default 1000). */
  size?: number;
}

export class DemoSource implements Source {
  readonly id: string;
  readonly platform = 'demo';
  /** The seed folded to 32 bits, the first coordinate of every draw. */
  private readonly seed: number;
  private readonly size: number;

  constructor(options: DemoSourceOptions) {
    const size = options.size ?? DEMO_DEFAULT_SIZE;
    if (!Number.isInteger(options.seed)) throw new SourceError(options.id, `demo source: seed must be an integer, got ${String(options.seed)}`);
    if (!Number.isInteger(size) || size < 1) throw new SourceError(options.id, `demo source: size must be a positive integer, got ${String(size)}`);
    this.id = options.id;
    this.seed = seedKey(options.seed);
    this.size = size;
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    const now = ctx.now.getTime();
    if (!Number.isFinite(now)) throw new SourceError(this.id, 'demo source: the run clock is not a valid date');
    const problems: string[] = [];
    let since = ctx.cursor === undefined ? Number.NaN : Date.parse(ctx.cursor);
    if (ctx.cursor !== undefined && Number.isNaN(since)) {
      // A cursor that cannot be read must not wedge the source: backfill again, the store drops duplicates.
      problems.push(`demo source: stored cursor ${JSON.stringify(ctx.cursor.slice(0, 40))} is not an instant; backfilled ${DEMO_BACKFILL_DAYS} days`);
    }
    const firstPull = Number.isNaN(since);
    if (firstPull) since = now - DEMO_BACKFILL_DAYS * DAY_MS;

    const contacts: Contact[] = [];
    const interactions: Interaction[] = [];
    for (let slot = 0; slot < this.size; slot++) {
      if (ctx.signal?.aborted) throw new SourceError(this.id, `demo source: pull aborted after ${slot} of ${this.size} contacts`);
      // Tenures that ended inside the window still count: former contacts' likes happened.
      for (const tenure of tenuresOverlapping(this.seed, slot, since, now)) {
        const identity = identityOf(tenure);
        if (tenure.start <= now && now < tenure.end) contacts.push(contactAt(tenure, identity, now));
        interactionsOf(tenure, identity, since, now, interactions);
      }
      if ((slot + 1) % PROGRESS_EVERY === 0 || slot + 1 === this.size) {
        ctx.onProgress?.({ sourceId: this.id, phase: 'contacts', done: contacts.length, total: this.size });
        ctx.onProgress?.({ sourceId: this.id, phase: 'interactions', done: interactions.length });
      }
    }

    const takenAt = new Date(now).toISOString();
    return {
      sourceId: this.id,
      platform: this.platform,
      takenAt,
      owner: { ...DEMO_OWNER },
      contacts,
      interactions,
      contactsCompleteness: 'complete',
      interactionsCompleteness: 'complete',
      ...(firstPull ? { historySince: new Date(since).toISOString() } : {}),
      cursor: takenAt,
      problems,
      requests: 0,
    };
  }
}
