import type { z } from 'zod';
import { describeZodError } from './http/zod-issue.ts';

export type CursorReading<T> = { ok: true; cursor: T | undefined } | { ok: false; problem: string };

const RESTART = 'interactions were pulled again from the backfill horizon';

/**
 * Reads the cursor a source stored after its previous pull. A cursor that
 * cannot be read is reported and the pull starts over as a first pull would,
 * rather than failing every run from now on.
 */
export function readStoredCursor<T>(schema: z.ZodType<T>, text: string | undefined): CursorReading<T> {
  if (text === undefined || text === '') return { ok: true, cursor: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: `the stored cursor is not JSON; ${RESTART}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `the stored cursor is invalid (${describeZodError(parsed.error)}); ${RESTART}` };
  return { ok: true, cursor: parsed.data };
}
