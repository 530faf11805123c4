/**
 * Proving a Bluesky handle and app password work: one sign-in (`com.atproto.server.createSession`)
 * through the source's own session code (shared/sources/bluesky/session.ts), kept in memory only.
 * The app password is never part of a message.
 */
import { BlueskyAuthError, BlueskySession } from '../../../shared/sources/bluesky/session.ts';
import { HttpClient } from '../../../shared/sources/http/http-client.ts';
import { terminalLine } from '../../../shared/logging/terminal-line.ts';
import { AnswerError } from './prompter.ts';
import { InstanceError } from './mastodon-setup.ts';

export const DEFAULT_BLUESKY_SERVICE = 'https://bsky.social';
/** Bluesky's app passwords: four groups of four letters and digits. */
const APP_PASSWORD_SHAPE = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i;

/** `@ada.bsky.social`, `ada` → `ada.bsky.social`; a DID is kept as it is. */
export function parseHandle(text: string): string {
  let t = text.trim().replace(/^@/, '').toLowerCase();
  if (t === '') throw new AnswerError('type your Bluesky handle, such as ada.bsky.social');
  if (t.startsWith('did:')) {
    if (!/^did:(plc|web):[a-z0-9._:%-]+$/.test(t)) throw new AnswerError(`"${terminalLine(text.trim(), 100)}" is not a DID`);
    return t;
  }
  if (!t.includes('.')) t = `${t}.bsky.social`;
  if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(t) || t.length > 253) {
    throw new AnswerError(`"${terminalLine(text.trim(), 100)}" is not a Bluesky handle such as ada.bsky.social`);
  }
  return t;
}

/** Refuses an empty or multi-line value; never repeats it. */
export function parseAppPassword(text: string): string {
  const t = text.trim();
  if (t === '') throw new AnswerError('the app password is empty: make one in Bluesky (Settings → Privacy and security → App passwords) and paste it');
  if (/[\r\n]/.test(t)) throw new AnswerError('the app password must be on one line');
  return t;
}

/** True when the value is not shaped like an app password (maybe the account's main password). */
export function looksUnlikeAppPassword(value: string): boolean {
  return !APP_PASSWORD_SHAPE.test(value);
}

/** Signs in once; the account's DID and handle, or AnswerError (refused) / InstanceError (service trouble). */
export async function checkBluesky(serviceUrl: string, handle: string, appPassword: string, signal?: AbortSignal): Promise<{ did: string; handle: string }> {
  const pds = new HttpClient({ baseUrl: serviceUrl, sourceId: 'bluesky', maxRetries: 1, timeoutMs: 20_000, maxRateLimitWaitMs: 0 });
  const memory = new Map<string, string>();
  const session = new BlueskySession({
    sourceId: 'bluesky',
    key: `bluesky:init:${handle}`,
    store: { get: async (k) => memory.get(k), put: async (k, v) => void memory.set(k, v) },
    pds,
    identifier: handle,
    appPassword,
  });
  try {
    return await session.start(signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    const cut = (m: string): string => terminalLine(m.split(appPassword).join('[redacted]'), 300);
    if (err instanceof BlueskyAuthError) {
      const elsewhere = serviceUrl === DEFAULT_BLUESKY_SERVICE ? '; an account on its own PDS (not bsky.social) needs init --bluesky-service https://your.pds' : '';
      throw new AnswerError(`Bluesky did not accept the handle ${handle} with that app password: check both (an app password looks like xxxx-xxxx-xxxx-xxxx)${elsewhere}`);
    }
    throw new InstanceError(`could not sign in at ${serviceUrl}: ${cut(err instanceof Error ? err.message : String(err))}`);
  }
}
