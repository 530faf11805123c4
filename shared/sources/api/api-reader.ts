/**
 * The official API of a closed network (Instagram, Threads, Facebook Pages, X), read beside the
 * network's exports in one source (./combined-source.ts): the export gives the lists and your own
 * activity, the API the engagement of others no export holds.
 *
 * A reader reads one network's API for one run. It:
 *  - keys every person as the export of its network does (snapshot-to-pull.ts), so one person is
 *    one contact: Instagram and Threads the lower-cased username (`id` "ada", handle "@ada"); X
 *    `x:<numeric id>`; Facebook a display name (`FACEBOOK_NAME_PREFIX` + name), resolved to the
 *    export's contact by the combined source;
 *  - pages to the end, keeping its place in its own `cursor` (so a cut-short read resumes), and
 *    a repeat run reads only what is new (newer posts, plus the comments of the last
 *    `lookbackDays` of posts);
 *  - honours the platform's rate-limit signals (waits, or stops with what it read, partial);
 *  - tells a bad token (`ApiAuthError`) apart from a transient failure (`SourceError`/`HttpError`).
 */
import type { ApiNote, Completeness, Contact, Interaction, Observability, TokenProblem } from '../../domain/model.ts';
import type { ProgressListener } from '../../ports/source.ts';
import { SourceError } from '../../ports/source.ts';

/** Facebook's API names people as the export does not (page-scoped ids): matched to contacts by display name. */
export const FACEBOOK_NAME_PREFIX = 'fbname:';

export interface ApiReadContext {
  now: Date;
  /** The reader's own cursor from the previous run (undefined on the first). */
  cursor?: string;
  /** The access token to use (already refreshed when it was due). */
  accessToken: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface ApiRead {
  /** The account the token belongs to. */
  owner?: { id: string; handle: string };
  /** X only: the follower and following lists, when this run read them. */
  contacts?: { list: Contact[]; completeness: Completeness };
  /** Inbound engagement (and, where the API gives it, outbound), keyed as the export keys people. */
  interactions: Interaction[];
  /** `complete` when every page the run meant to read was read; `partial` when it stopped early (rate limit, budget, maxPages). */
  completeness: Completeness;
  /** From when on this read covers inbound engagement (the first read's backfill horizon). */
  historySince?: string;
  /** The reader's state for the next run (paging position, newest post read, X's month spend). At most 3 kB. */
  cursor?: string;
  problems: string[];
  requests: number;
  /** What this read could see (the network's API declaration, or less when a permission was missing). */
  observes: Observability;
  /** Spend and skipped reads (X); the combined source adds the token's state. */
  note?: Pick<ApiNote, 'spentUsd' | 'monthSpentUsd' | 'maxSpendUsd' | 'maxSpendUsdPerMonth' | 'skipped'>;
}

export interface ApiReader {
  read(ctx: ApiReadContext): Promise<ApiRead>;
}

/** The token was refused: expired, revoked or lacking a permission. Retrying will not help; the owner must renew it. */
export class ApiAuthError extends SourceError {
  constructor(
    sourceId: string,
    readonly problem: TokenProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(sourceId, message, options);
  }
}

/** The token a read uses now, and what is known about it. */
export interface CurrentToken {
  accessToken: string;
  /** When it expires, when known (Instagram and Threads: 60 days after it was issued or refreshed). */
  expiresAt?: string;
  /** When followback last refreshed it. */
  refreshedAt?: string;
  /** A refresh that failed this run: the old token is used until it expires, and the email says so. */
  problem?: TokenProblem;
  /** Why (no secret in it), for the source's problems. */
  detail?: string;
}

/**
 * Gives a read its token, refreshing it first when due (Instagram and Threads: long-lived tokens
 * refreshed well before their 60 days end; X: OAuth 2.0, whose access tokens last two hours and whose
 * refresh tokens rotate) and keeping the new one where the old one was. Implemented in ./tokens/.
 */
export interface TokenKeeper {
  current(now: Date, signal?: AbortSignal): Promise<CurrentToken>;
}
