/**
 * The account's XRPC session, kept across runs. createSession is limited to 30
 * per 5 minutes and 300 a day per account, and a scheduled job that signed in
 * on every run would burn through that, so the token pair is stored and
 * rotated with refreshSession; a new sign-in happens only when there is no
 * usable pair.
 *
 * The pair is sealed at rest (the store is a DynamoDB item): AES-256-GCM with a
 * key derived by HKDF-SHA256 from the app password, salted with the store key.
 * Whoever reads the table without the app password learns nothing usable, and
 * a new app password simply makes the old item unreadable (one new sign-in).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SourceError, type SessionStore } from '../../ports/source.ts';
import { HttpError, type HttpClient } from '../http/http-client.ts';
import { SessionOutput } from './lexicon.ts';

const StoredSession = z.object({
  did: z.string().min(1),
  handle: z.string().min(1),
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
});
type StoredSession = z.infer<typeof StoredSession>;

const CREATE_SESSION = '/xrpc/com.atproto.server.createSession';
const REFRESH_SESSION = '/xrpc/com.atproto.server.refreshSession';

const SEAL_VERSION = 'v1';
const SEAL_INFO = 'followback bluesky session';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function sealKey(appPassword: string, storeKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appPassword, storeKey, SEAL_INFO, 32));
}

/** `v1:<iv>:<tag>:<ciphertext>` (base64): the session text encrypted with AES-256-GCM. */
export function sealSession(text: string, appPassword: string, storeKey: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(appPassword, storeKey), iv);
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

/**
 * The session text of a sealed value. `not-sealed` for anything that is not a
 * v1 value (an older plaintext session, garbage); `undecryptable` when the key
 * does not open it (the app password changed) or it was tampered with.
 */
export function openSession(stored: string, appPassword: string, storeKey: string): { ok: true; text: string } | { ok: false; why: 'not-sealed' | 'undecryptable' } {
  const parts = stored.split(':');
  if (parts.length !== 4 || parts[0] !== SEAL_VERSION) return { ok: false, why: 'not-sealed' };
  const [, ivText = '', tagText = '', dataText = ''] = parts;
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return { ok: false, why: 'not-sealed' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(appPassword, storeKey), iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    const text = Buffer.concat([decipher.update(Buffer.from(dataText, 'base64')), decipher.final()]).toString('utf8');
    return { ok: true, text };
  } catch {
    return { ok: false, why: 'undecryptable' };
  }
}

/** Sign-in failed for good: wrong handle or app password, or the account cannot sign in. */
export class BlueskyAuthError extends SourceError {}

export interface BlueskySessionOptions {
  sourceId: string;
  /** Key in the session store (`bluesky:<source id>:<handle>`); also the salt of the sealing key. */
  key: string;
  store: SessionStore;
  /** Client for the account's PDS (or the bsky.social entryway); `usePds` switches it once the PDS is resolved. */
  pds: HttpClient;
  /** Handle (or email or DID) to sign in with. */
  identifier: string;
  appPassword: string;
}

export class BlueskySession {
  private current: StoredSession | undefined;
  /** The renewal under way, shared by every call the expired token failed. */
  private renewing: Promise<StoredSession> | undefined;
  private readonly notes: string[] = [];
  private pds: HttpClient;

  constructor(private readonly options: BlueskySessionOptions) {
    this.pds = options.pds;
  }

  /** Signs in and refreshes at the account's own PDS, once its DID document has named it. */
  usePds(pds: HttpClient): void {
    this.pds = pds;
  }

  /** The DID of the stored session, without a request; undefined when there is no usable one. */
  async storedDid(): Promise<string | undefined> {
    return (this.current ?? (await this.load()))?.did;
  }

  /** Things worth telling the owner (a corrupt stored session, a store that would not save). Never secret. */
  get problems(): readonly string[] {
    return this.notes;
  }

  /** The signed-in account: the stored session when there is one, else a new sign-in. */
  async start(signal?: AbortSignal): Promise<{ did: string; handle: string }> {
    const session = this.current ?? (await this.load()) ?? (await this.create(signal));
    return { did: session.did, handle: session.handle };
  }

  /**
   * Runs an authenticated call. An expired or rejected access token is renewed
   * (refresh first, a new sign-in only if the refresh token is dead too) and the
   * call is tried once more.
   */
  async withAuth<T>(call: (headers: Record<string, string>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const session = this.current ?? (await this.load()) ?? (await this.create(signal));
    try {
      return await call(bearer(session.accessJwt));
    } catch (err) {
      if (!isTokenRejection(err)) throw err;
    }
    // Calls run a few at a time (account checks): when the token expires under them, one renewal serves them
    // all. Each refreshing on its own would spend a refresh token already rotated, and fall back to a new sign-in
    // (createSession, the scarcest limit) for every call but the first.
    const renewed = this.current !== undefined && this.current.accessJwt !== session.accessJwt ? this.current : await this.renewOnce(signal);
    try {
      return await call(bearer(renewed.accessJwt));
    } catch (err) {
      if (isTokenRejection(err)) throw this.authError('the server rejected a freshly issued session', err);
      throw err;
    }
  }

  private async load(): Promise<StoredSession | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.options.store.get(this.options.key);
    } catch (err) {
      this.notes.push(`the stored session could not be read (${errorText(err)}); signed in again`);
      return undefined;
    }
    if (raw === undefined) return undefined;
    const opened = openSession(raw, this.options.appPassword, this.options.key);
    if (!opened.ok) {
      // A plaintext session left by an older version is not reused either: the new sign-in stores it sealed.
      if (opened.why === 'undecryptable') this.notes.push('the stored session could not be decrypted (was the app password changed?); signed in again');
      else if (!StoredSession.safeParse(parseJson(raw)).success) this.notes.push('the stored session was unreadable; signed in again');
      return undefined;
    }
    const parsed = StoredSession.safeParse(parseJson(opened.text));
    if (!parsed.success) {
      this.notes.push('the stored session was unreadable; signed in again');
      return undefined;
    }
    // A session of another account (the config now names a different handle) is not reused.
    const id = this.options.identifier.toLowerCase();
    if (parsed.data.handle.toLowerCase() !== id && parsed.data.did.toLowerCase() !== id) return undefined;
    this.current = parsed.data;
    return parsed.data;
  }

  private async create(signal?: AbortSignal): Promise<StoredSession> {
    let data: SessionOutput;
    try {
      const res = await this.pds.postJson(
        CREATE_SESSION,
        { identifier: this.options.identifier, password: this.options.appPassword },
        SessionOutput,
        signal ? { signal } : {},
      );
      data = res.data;
    } catch (err) {
      throw this.authError('sign-in failed', err);
    }
    return this.save(data);
  }

  private renewOnce(signal?: AbortSignal): Promise<StoredSession> {
    this.renewing ??= this.renew(signal).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renew(signal?: AbortSignal): Promise<StoredSession> {
    const refreshJwt = this.current?.refreshJwt;
    if (refreshJwt !== undefined) {
      try {
        const res = await this.pds.postJson(REFRESH_SESSION, undefined, SessionOutput, {
          headers: bearer(refreshJwt),
          ...(signal ? { signal } : {}),
        });
        return await this.save(res.data);
      } catch (err) {
        // A dead refresh token (expired, revoked, already rotated) calls for one new sign-in; anything else is a real failure.
        if (!isTokenRejection(err)) throw this.redacted(err);
      }
    }
    return this.create(signal);
  }

  private async save(data: SessionOutput): Promise<StoredSession> {
    const session: StoredSession = { did: data.did, handle: data.handle, accessJwt: data.accessJwt, refreshJwt: data.refreshJwt };
    this.current = session;
    try {
      await this.options.store.put(this.options.key, sealSession(JSON.stringify(session), this.options.appPassword, this.options.key));
    } catch (err) {
      this.notes.push(`the session could not be stored (${errorText(err)}); the next run signs in again`);
    }
    return session;
  }

  /** The message says what to check and never carries the handle's password or a token. */
  private authError(what: string, cause: unknown): SourceError {
    // A server that is down, or a pull stopped by its signal, says nothing about the credentials.
    if (cause instanceof HttpError && (cause.retryable || cause.aborted)) return this.redacted(cause);
    const detail = cause instanceof Error ? ` (${this.redact(cause.message)})` : '';
    return new BlueskyAuthError(
      this.options.sourceId,
      `Bluesky ${what}${detail}: check the handle and the app password configured for source "${this.options.sourceId}"`,
    );
  }

  /** Re-throws a failure with every credential cut from its message. */
  private redacted(err: unknown): SourceError {
    const message = err instanceof Error ? this.redact(err.message) : 'unknown error';
    return new SourceError(this.options.sourceId, message);
  }

  private redact(text: string): string {
    const secrets = [this.options.appPassword, this.current?.accessJwt, this.current?.refreshJwt].filter(
      (s): s is string => s !== undefined && s.length >= 4,
    );
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * True when the server refused the token itself: XRPC answers 400 `ExpiredToken`
 * for an expired JWT, `InvalidToken` for a revoked or malformed one, and 401 when
 * authentication is missing or wrong.
 */
export function isTokenRejection(err: unknown): boolean {
  if (!(err instanceof HttpError) || err.retryable) return false;
  if (err.status === 401) return true;
  return err.status === 400 && (err.apiError === 'ExpiredToken' || err.apiError === 'InvalidToken');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'unknown error';
}
