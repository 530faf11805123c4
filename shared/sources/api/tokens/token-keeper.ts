/**
 * Gives an API read its token, refreshed first when due, the new token kept where the old one was.
 *
 *  - Instagram and Threads: long-lived user tokens last 60 days from their issue or last refresh,
 *    and can be refreshed once at least 24 hours old (./meta-refresh.ts). Refreshed when the last
 *    refresh is 7 or more days old (or unknown) and followback has known the token for 24 hours,
 *    so a token never comes within 53 days of its end while runs happen.
 *  - Facebook: a Page token obtained from a long-lived user token has no expiry; nothing to do.
 *  - X: OAuth 2.0 access tokens last two hours and refresh tokens rotate (./x-refresh.ts):
 *    refreshed when the stored access token is not known to have 15 minutes left; the new refresh
 *    token is written back first, then the access token, and only then is the new token used.
 *
 * A token read from an environment variable cannot be written back, so it is not refreshed (an X
 * refresh would spend a refresh token the next run could not replace); `detail` says why.
 * What is known of a token (first seen, refreshed, expiry) is kept in the SessionStore under
 * `apitoken:<profile>:<source>` (./token-record.ts): never the token itself.
 *
 * No token ever reaches a message: the refresh clients name paths and OAuth error names only, and
 * every `detail` is scrubbed of the tokens in hand besides.
 */
import type { SecretRef } from '../../../config/schema.ts';
import type { ApiNetwork } from '../../../domain/model.ts';
import type { SecretResolver } from '../../../ports/secrets.ts';
import { SourceError, type SessionStore } from '../../../ports/source.ts';
import type { SecretWriter } from '../../../secrets/secret-writer.ts';
import type { CurrentToken, TokenKeeper } from '../api-reader.ts';
import { refreshMetaToken, type RefreshOutcome } from './meta-refresh.ts';
import { fingerprintOf, loadTokenRecord, saveTokenRecord, tokenRecordKey, type TokenRecord } from './token-record.ts';
import { refreshXToken } from './x-refresh.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Instagram and Threads: refresh a token this long after its last refresh. */
export const META_REFRESH_EVERY_MS = 7 * DAY_MS;
/** Instagram and Threads: a token younger than this cannot be refreshed. */
export const META_MIN_AGE_MS = DAY_MS;
/** X: an access token with less than this left is refreshed before a read (a read can last a while). */
export const X_EXPIRY_MARGIN_MS = 15 * 60_000;

export const DEFAULT_API_BASE_URL: Readonly<Record<ApiNetwork, string>> = {
  instagram: 'https://graph.instagram.com',
  threads: 'https://graph.threads.net',
  facebook: 'https://graph.facebook.com',
  x: 'https://api.x.com',
};

const NETWORK_NAME: Readonly<Record<ApiNetwork, string>> = { instagram: 'Instagram', threads: 'Threads', facebook: 'Facebook', x: 'X' };

/** The parts of a source's `api` block the keeper reads (InstagramApiConfig, ThreadsApiConfig, FacebookPageApiConfig, XApiConfig). */
export interface TokenKeeperApiConfig {
  accessToken: SecretRef;
  baseUrl?: string | undefined;
  /** X only. */
  refreshToken?: SecretRef | undefined;
  /** X only: the OAuth 2.0 client id of the owner's app (a public client). */
  clientId?: string | undefined;
}

export interface TokenKeeperOptions {
  network: ApiNetwork;
  profileId: string;
  sourceId: string;
  api: TokenKeeperApiConfig;
  /** Reads the references (EnvSecretResolver with the config's folder locally, SecretsManagerResolver deployed). */
  secrets: SecretResolver;
  /** Writes them back (FileSecretWriter locally, SecretsManagerSecretWriter deployed). */
  writer: SecretWriter;
  sessions: SessionStore;
  /** Tests: the local token server. */
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function createTokenKeeper(options: TokenKeeperOptions): TokenKeeper {
  switch (options.network) {
    case 'instagram':
    case 'threads':
      return new MetaTokenKeeper(options, options.network);
    case 'facebook':
      return new StaticTokenKeeper(options);
    case 'x':
      return new XTokenKeeper(options);
  }
}

abstract class BaseKeeper implements TokenKeeper {
  protected readonly key: string;
  protected readonly baseUrl: string;
  protected readonly name: string;

  constructor(protected readonly options: TokenKeeperOptions) {
    this.key = tokenRecordKey(options.profileId, options.sourceId);
    this.baseUrl = options.api.baseUrl ?? DEFAULT_API_BASE_URL[options.network];
    this.name = NETWORK_NAME[options.network];
  }

  abstract current(now: Date, signal?: AbortSignal): Promise<CurrentToken>;

  protected async resolve(ref: SecretRef, what: string): Promise<string> {
    try {
      return await this.options.secrets.resolve(ref);
    } catch (err) {
      throw new SourceError(this.options.sourceId, `cannot read the ${this.name} ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** The token's record; a store that cannot be read counts as "nothing known" (no refresh is decided on a guess). */
  protected async load(token: string): Promise<TokenRecord | undefined | 'unreadable'> {
    try {
      return await loadTokenRecord(this.options.sessions, this.key, token);
    } catch {
      return 'unreadable';
    }
  }

  /** Records what is known; a store that cannot be written loses dates only (the token itself is already saved). */
  protected async save(record: TokenRecord): Promise<void> {
    try {
      await saveTokenRecord(this.options.sessions, this.key, record);
    } catch {
      // The next run sees the token as new: it waits a day before refreshing (Meta) or refreshes at once (X).
    }
  }

  /** A CurrentToken whose detail holds none of `secrets` (a belt to the refresh clients' braces). */
  protected answer(token: CurrentToken, secrets: readonly string[]): CurrentToken {
    if (token.detail === undefined) return token;
    let detail = token.detail;
    for (const secret of secrets) if (secret.length >= 4) detail = detail.split(secret).join('[redacted]');
    return { ...token, detail };
  }
}

/** Facebook Page tokens (from a long-lived user token) do not expire: used as they are. */
class StaticTokenKeeper extends BaseKeeper {
  async current(): Promise<CurrentToken> {
    return { accessToken: await this.resolve(this.options.api.accessToken, 'access token') };
  }
}

class MetaTokenKeeper extends BaseKeeper {
  constructor(
    options: TokenKeeperOptions,
    private readonly network: 'instagram' | 'threads',
  ) {
    super(options);
  }

  async current(now: Date, signal?: AbortSignal): Promise<CurrentToken> {
    const ref = this.options.api.accessToken;
    const token = await this.resolve(ref, 'access token');
    const loaded = await this.load(token);
    if (loaded === 'unreadable') return { accessToken: token };
    const record = loaded;
    const known = knownOf(record);
    const target = this.options.writer.target(ref);
    if (!target.writable) return this.answer({ accessToken: token, ...known, detail: target.reason }, [token]);

    if (record === undefined) {
      // A token followback has not seen: its age is unknown, so the 24-hour clock starts now.
      await this.save({ v: 1, fingerprint: fingerprintOf(token), seenAt: now.toISOString() });
      return { accessToken: token };
    }
    const t = now.getTime();
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= t) {
      return { accessToken: token, ...known, problem: 'expired', detail: `the ${this.name} token expired on ${day(record.expiresAt)} and cannot be refreshed any more: create a new one (docs/api-tokens.md)` };
    }
    const lastRefresh = record.refreshedAt !== undefined ? Date.parse(record.refreshedAt) : undefined;
    const due = (lastRefresh === undefined || t - lastRefresh >= META_REFRESH_EVERY_MS) && t - Date.parse(record.seenAt) >= META_MIN_AGE_MS;
    if (!due) return { accessToken: token, ...known };

    const outcome = await refreshMetaToken({
      network: this.network,
      baseUrl: this.baseUrl,
      sourceId: this.options.sourceId,
      accessToken: token,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!outcome.ok) return this.answer(this.failed(token, known, outcome), [token]);

    const fresh = outcome.accessToken;
    const expiresAt = new Date(t + outcome.expiresInSeconds * 1000).toISOString();
    try {
      await this.options.writer.write(ref, fresh);
    } catch (err) {
      // The new token works for this run; the stored one is the old one, still valid until its own end.
      return this.answer(
        { accessToken: fresh, ...known, problem: 'refresh_failed', detail: `the ${this.name} token was refreshed but could not be saved to ${target.where} (${messageOf(err)}); the old one is used next time until it expires` },
        [token, fresh],
      );
    }
    await this.save({ v: 1, fingerprint: fingerprintOf(fresh), seenAt: now.toISOString(), refreshedAt: now.toISOString(), expiresAt });
    return { accessToken: fresh, expiresAt, refreshedAt: now.toISOString() };
  }

  private failed(token: string, known: Pick<CurrentToken, 'expiresAt' | 'refreshedAt'>, outcome: Extract<RefreshOutcome, { ok: false }>): CurrentToken {
    if (outcome.problem === 'refresh_failed') {
      const until = known.expiresAt !== undefined ? ` until it expires on ${day(known.expiresAt)}` : '';
      return { accessToken: token, ...known, problem: 'refresh_failed', detail: `could not refresh the ${this.name} token (${outcome.reason}); the current one is used${until}` };
    }
    return { accessToken: token, ...known, problem: outcome.problem, detail: `${this.name} refused to refresh the token (${outcome.reason}): create a new one (docs/api-tokens.md)` };
  }
}

class XTokenKeeper extends BaseKeeper {
  async current(now: Date, signal?: AbortSignal): Promise<CurrentToken> {
    const { accessToken: accessRef, refreshToken: refreshRef, clientId } = this.options.api;
    const access = await this.resolve(accessRef, 'access token');
    const loaded = await this.load(access);
    // Unreadable: the access token's expiry is unknown, so it is refreshed (the refresh token is what matters).
    const record = loaded === 'unreadable' ? undefined : loaded;
    const known = knownOf(record);
    if (refreshRef === undefined || clientId === undefined) return { accessToken: access, ...known };

    const refreshTarget = this.options.writer.target(refreshRef);
    // Refreshing spends the refresh token: without a place to keep the new one, the next run could not refresh.
    if (!refreshTarget.writable) return this.answer({ accessToken: access, ...known, detail: refreshTarget.reason }, [access]);

    const t = now.getTime();
    if (record?.expiresAt !== undefined && Date.parse(record.expiresAt) - t > X_EXPIRY_MARGIN_MS) return { accessToken: access, ...known };

    const refresh = await this.resolve(refreshRef, 'refresh token');
    const outcome = await refreshXToken({ baseUrl: this.baseUrl, sourceId: this.options.sourceId, clientId, refreshToken: refresh, ...(this.options.fetch ? { fetch: this.options.fetch } : {}), ...(signal ? { signal } : {}) });
    if (!outcome.ok) {
      const detail =
        outcome.problem === 'expired'
          ? `${outcome.reason}: authorise followback on X again and put the new tokens in place (docs/api-tokens.md)`
          : `could not refresh the X token (${outcome.reason}); the current access token is used`;
      return this.answer({ accessToken: access, ...known, problem: outcome.problem, detail }, [access, refresh]);
    }

    const fresh = outcome.accessToken;
    const secrets = [access, refresh, fresh, ...(outcome.refreshToken !== undefined ? [outcome.refreshToken] : [])];
    const expiresAt = new Date(t + outcome.expiresInSeconds * 1000).toISOString();
    const refreshedAt = now.toISOString();
    // The rotated refresh token first: the old one is spent, and it alone lets the next run refresh.
    if (outcome.refreshToken !== undefined && outcome.refreshToken !== refresh) {
      try {
        await this.options.writer.write(refreshRef, outcome.refreshToken);
      } catch (err) {
        return this.answer(
          {
            accessToken: fresh,
            expiresAt,
            refreshedAt,
            problem: 'refresh_failed',
            detail: `X gave a new refresh token that could not be saved to ${refreshTarget.where} (${messageOf(err)}): the next run cannot refresh; authorise followback on X again (docs/api-tokens.md)`,
          },
          secrets,
        );
      }
    }
    // Then the access token, where the reference allows; otherwise the next run refreshes again.
    let stored = false;
    if (this.options.writer.target(accessRef).writable) {
      try {
        await this.options.writer.write(accessRef, fresh);
        stored = true;
      } catch {
        // Not fatal: the refresh token is saved, so the next run simply refreshes again.
      }
    }
    if (stored) await this.save({ v: 1, fingerprint: fingerprintOf(fresh), seenAt: refreshedAt, refreshedAt, expiresAt });
    return { accessToken: fresh, expiresAt, refreshedAt };
  }
}

function knownOf(record: TokenRecord | undefined): Pick<CurrentToken, 'expiresAt' | 'refreshedAt'> {
  return { ...(record?.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}), ...(record?.refreshedAt !== undefined ? { refreshedAt: record.refreshedAt } : {}) };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

