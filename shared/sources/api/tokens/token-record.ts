/**
 * What followback remembers of an API token between runs, in the SessionStore under
 * `apitoken:<profile>:<source>`: when it first saw the token, when it refreshed it, when it
 * expires. Never the token: a short fingerprint (the first 16 hex digits of its SHA-256) tells the
 * token followback knows from one the owner replaced by hand, whose age and expiry are unknown.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IsoInstant } from '../../../domain/model.ts';
import type { SessionStore } from '../../../ports/source.ts';

export const TokenRecord = z
  .object({
    v: z.literal(1),
    /** SHA-256 of the access token, 16 hex digits: not the token, enough to tell two apart. */
    fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
    /** When followback first saw this token (issued or refreshed): the least age it can have. */
    seenAt: IsoInstant,
    /** When followback last refreshed it. */
    refreshedAt: IsoInstant.optional(),
    /** When it expires, as the platform said at the last refresh. */
    expiresAt: IsoInstant.optional(),
  })
  .strict();
export type TokenRecord = z.infer<typeof TokenRecord>;

export function tokenRecordKey(profileId: string, sourceId: string): string {
  return `apitoken:${profileId}:${sourceId}`;
}

export function fingerprintOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

/** The record of this very token, or undefined (none yet, unreadable, or of another token). */
export async function loadTokenRecord(sessions: SessionStore, key: string, token: string): Promise<TokenRecord | undefined> {
  const text = await sessions.get(key);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = TokenRecord.safeParse(json);
  if (!parsed.success || parsed.data.fingerprint !== fingerprintOf(token)) return undefined;
  return parsed.data;
}

export async function saveTokenRecord(sessions: SessionStore, key: string, record: TokenRecord): Promise<void> {
  await sessions.put(key, JSON.stringify(TokenRecord.parse(record)));
}
