/**
 * zod schemas of the items as they come back from the table. The table is
 * external data: a hand-edited or half-migrated item must fail loudly, naming
 * its key, rather than flow into the analysis.
 */
import { z } from 'zod';
import { REASON_CODES, RECOMMENDATIONS, type Figures, type TrackedContact } from '../domain/analysis-types.ts';
import { FiguresSchema } from '../domain/figures-schema.ts';
import { Completeness, Contact, Interaction, IsoInstant } from '../domain/model.ts';
import { SuggestedFor } from '../domain/suggestions.ts';
import type { RunRecord, SourceState, StoredDecision } from '../ports/store.ts';

const ReasonCode = z.enum(REASON_CODES);

export const StoredContact = Contact.extend({
  sourceId: z.string().min(1),
  platform: z.string().min(1),
  firstSeenAt: IsoInstant,
  lastSeenAt: IsoInstant,
  lifetime: z
    .object({
      inbound: z.number().int().nonnegative(),
      outbound: z.number().int().nonnegative(),
      lastInboundAt: IsoInstant.optional(),
      lastOutboundAt: IsoInstant.optional(),
    })
    .optional(),
  previousReasons: z.array(ReasonCode).optional(),
  previousRecommendation: z.enum(RECOMMENDATIONS).optional(),
  previousCriticism: z.object({ interactionId: z.string().min(1).max(300), at: IsoInstant }).strict().optional(),
});

export const StoredSourceState = z.object({
  sourceId: z.string().min(1),
  platform: z.string().min(1),
  cursor: z.string().optional(),
  trackingSince: IsoInstant,
  historySince: IsoInstant,
  lastPullAt: IsoInstant.optional(),
  lastCompleteAt: IsoInstant.optional(),
  contactsCompleteAt: IsoInstant.optional(),
  lastContacts: Completeness,
  lastInteractions: Completeness,
  problems: z.array(z.string()),
});

const Count = z.number().int().nonnegative();

export const StoredFigures = FiguresSchema;

export const StoredWriteStats = z.object({
  contactsWritten: Count,
  contactsRemoved: Count,
  interactionsWritten: Count,
  sourcesWritten: Count,
  items: Count,
});

export const StoredRunRecord = z.object({
  profileId: z.string().min(1),
  runId: z.string().min(1),
  at: IsoInstant,
  startedAt: IsoInstant,
  finishedAt: IsoInstant,
  dryRun: z.boolean(),
  figures: StoredFigures,
  sources: z.array(
    z.object({
      sourceId: z.string().min(1),
      platform: z.string().min(1),
      contacts: Completeness,
      interactions: Completeness,
      problems: z.array(z.string()),
    }),
  ),
  writes: StoredWriteStats,
  delivery: z.object({ kind: z.enum(['outbox', 'ses', 'none']), ref: z.string().optional() }).optional(),
  storeFailed: z.string().optional(),
});

export const StoredDecisionItem = z.object({
  contact: z.string().min(1),
  kind: z.enum(['allow', 'snooze']),
  until: IsoInstant.optional(),
  note: z.string().optional(),
  at: IsoInstant,
  /** Optional: decisions stored before issue 19 carry no reason. */
  suggestedFor: SuggestedFor.optional(),
});

export const StoredInteraction = Interaction.extend({ sourceId: z.string().min(1) });

export const StoredClaim = z.object({
  status: z.enum(['running', 'done']),
  expiresAt: z.number().int(),
  claimedAt: IsoInstant,
  runId: z.string().optional(),
});

export const StoredSession = z.object({ value: z.string() });

// The ports declare these shapes as interfaces; these lines fail to compile if a schema drifts from them.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<z.infer<typeof StoredFigures>, Figures>,
  Same<z.infer<typeof StoredSourceState>, SourceState>,
  Same<z.infer<typeof StoredRunRecord>, RunRecord>,
  Same<z.infer<typeof StoredDecisionItem>, StoredDecision>,
] = [true, true, true, true];
const contactFits: z.infer<typeof StoredContact> extends TrackedContact ? true : false = true;
void sameShapes;
void contactFits;

/** Parses one item, or throws an error naming the table, its key and the bad fields. */
export function parseItem<S extends z.ZodType>(
  schema: S,
  item: Record<string, unknown>,
  tableName: string,
): z.infer<S> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const where = `pk=${JSON.stringify(item['pk'])} sk=${JSON.stringify(item['sk'])}`;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(item)'}: ${issue.message}`)
    .join('; ');
  throw new CorruptItemError(`corrupt item in DynamoDB table ${tableName} (${where}): ${problems}`);
}

export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

/**
 * One string per distinct value among the fields many stored contacts repeat (run instants, relation, state,
 * platform, source id, reason codes, recommendations). Each item read back from DynamoDB comes with strings of
 * its own: a million contacts held the same few timestamps and codes a million times over (some 19 MB of a
 * 250,000-contact report step). At most `limit` distinct values are kept; past it a new value is left as it
 * came (a field whose values are all distinct, a last post date, would only grow the table).
 */
export class SharedStrings {
  readonly #known = new Map<string, string>();
  readonly #limit: number;

  constructor(limit = 65_536) {
    this.#limit = limit;
  }

  /** The shared copy of `value` (equal to it). */
  of<S extends string>(value: S): S {
    const known = this.#known.get(value);
    if (known !== undefined) return known as S;
    if (this.#known.size < this.#limit) this.#known.set(value, value);
    return value;
  }

  /** The contact, its repeated fields made the shared copies, in place (no field is added or removed). */
  contact<C extends TrackedContact>(c: C): C {
    c.sourceId = this.of(c.sourceId);
    c.platform = this.of(c.platform);
    c.relation = this.of(c.relation);
    c.state = this.of(c.state);
    c.firstSeenAt = this.of(c.firstSeenAt);
    c.lastSeenAt = this.of(c.lastSeenAt);
    if (c.followedAt !== undefined) c.followedAt = this.of(c.followedAt);
    if (c.followerSince !== undefined) c.followerSince = this.of(c.followerSince);
    if (c.lastPostAt !== undefined) c.lastPostAt = this.of(c.lastPostAt);
    if (c.previousRecommendation !== undefined) c.previousRecommendation = this.of(c.previousRecommendation);
    if (c.previousReasons !== undefined) this.#all(c.previousReasons);
    if (c.languages !== undefined) this.#all(c.languages);
    if (c.labels !== undefined) this.#all(c.labels);
    const lifetime = c.lifetime;
    if (lifetime !== undefined) {
      if (lifetime.lastInboundAt !== undefined) lifetime.lastInboundAt = this.of(lifetime.lastInboundAt);
      if (lifetime.lastOutboundAt !== undefined) lifetime.lastOutboundAt = this.of(lifetime.lastOutboundAt);
    }
    return c;
  }

  #all<S extends string>(values: S[]): void {
    for (let k = 0; k < values.length; k++) values[k] = this.of(values[k] as S);
  }
}
