/**
 * The X reader's cursor: where the mentions stand, what was read of the newest posts, when the lists
 * were last read in full, and what this UTC month has spent. At most 3 kB (older posts' counts are
 * dropped first).
 */
import { z } from 'zod';
import { IsoInstant } from '../../../domain/model.ts';
import { XId } from './x-schemas.ts';

export const CURSOR_MAX_BYTES = 3000;

const Count = z.number().int().nonnegative();

export const XCursor = z
  .object({
    v: z.literal(1),
    /** The account read (a token for another account starts over, the month's spend kept). */
    owner: XId.optional(),
    /** From when on engagement is covered (the first read's horizon). */
    since: IsoInstant.optional(),
    /**
     * Mentions: every mention up to `since` is read. A pass cut short leaves a gap: the mentions
     * between `since` and `until` (both excluded) are still to read, and `top` is the newest of the
     * pass, which becomes `since` once the gap is read.
     */
    m: z.object({ since: XId.optional(), until: XId.optional(), top: XId.optional() }).strict().optional(),
    /** Newest posts first: [post id, like count whose likers were read, repost count whose reposters were read]. */
    p: z.array(z.tuple([XId, Count, Count])).max(800).optional(),
    /** When both lists were last read in full. */
    lists: IsoInstant.optional(),
    /** This UTC month's spend, in micro-dollars. */
    spend: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), micros: Count }).strict().optional(),
  })
  .strict();
export type XCursor = z.infer<typeof XCursor>;

export function readXCursor(text: string | undefined): { cursor: XCursor; problem?: string } {
  if (text === undefined || text === '') return { cursor: { v: 1 } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { cursor: { v: 1 }, problem: 'the saved X reading position could not be read; reading starts over' };
  }
  const parsed = XCursor.safeParse(json);
  if (!parsed.success) return { cursor: { v: 1 }, problem: 'the saved X reading position could not be read; reading starts over' };
  return { cursor: parsed.data };
}

/** The cursor as JSON within CURSOR_MAX_BYTES: the oldest posts' counts go first. */
export function writeXCursor(cursor: XCursor): string {
  let c = cursor;
  let text = JSON.stringify(c);
  while (Buffer.byteLength(text) > CURSOR_MAX_BYTES && (c.p?.length ?? 0) > 0) {
    const p = c.p ?? [];
    const keep = Math.max(0, Math.min(p.length - 1, Math.floor(p.length * 0.8)));
    c = { ...c, p: p.slice(0, keep) };
    text = JSON.stringify(c);
  }
  return text;
}

/** Decimal ids beyond 2^53 compare by length, then text. */
export function compareXIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
