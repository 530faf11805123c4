/**
 * The account's XRPC session, kept across runs. createSession is limited to 30
 * per 5 minutes and 300 a day per account, and a scheduled job that signed in
 * on every run would burn through that, so the token pair is stored and
 * rotated with refreshSession; a new sign-in happens only when there is no
 * usable pair.
 */
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

/** Sign-in failed for good: wrong handle or app password, or the account cannot sign in. */
export class BlueskyAuthError extends SourceError {}

export interface BlueskySessionOptions {
  sourceId: string;
  /** Key in the session store (`bluesky:<source id>`). */
  key: string;
  store: SessionStore;
  /** Client for the account's PDS (or the bsky.social entryway). */
  pds: HttpClient;
  /** Handle (or email or DID) to sign in with. */
  identifier: string;
  appPassword: string;
}

export class BlueskySession {
  private current: StoredSession | undefined;
  private readonly notes: string[] = [];

  constructor(private readonly options: BlueskySessionOptions) {}

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
    const renewed = await this.renew(signal);
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
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = StoredSession.safeParse(json);
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
      const res = await this.options.pds.postJson(
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

  private async renew(signal?: AbortSignal): Promise<StoredSession> {
    const refreshJwt = this.current?.refreshJwt;
    if (refreshJwt !== undefined) {
      try {
        const res = await this.options.pds.postJson(REFRESH_SESSION, undefined, SessionOutput, {
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
      await this.options.store.put(this.options.key, JSON.stringify(session));
    } catch (err) {
      this.notes.push(`the session could not be stored (${errorText(err)}); the next run signs in again`);
    }
    return session;
  }

  /** The message says what to check and never carries the handle's password or a token. */
  private authError(what: string, cause: unknown): SourceError {
    if (cause instanceof HttpError && cause.retryable) return this.redacted(cause);
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'unknown error';
}
