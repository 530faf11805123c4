/**
 * Per-account calls, made only where a list cannot answer.
 *
 *  - Why an account is missing. The AppView leaves taken-down, deactivated and
 *    deleted accounts out of getProfiles (and of follower lists), so a label
 *    never arrives. app.bsky.actor.getProfile tells them apart by its error
 *    (packages/bsky/src/api/app/bsky/actor/getProfile.ts): 400 `AccountTakedown`
 *    ("Account has been suspended"), 400 `AccountDeactivated`, and 400
 *    `InvalidRequest` "Profile not found" for an account that no longer exists.
 *  - When an account last posted. No profile view carries it; the author feed's
 *    newest item does (app.bsky.feed.getAuthorFeed, limit=1: posts, replies and
 *    reposts, pins left out). One request per account, so only for the accounts
 *    the analysis would judge on it.
 */
import type { AccountState } from '../../domain/model.ts';
import { HttpError } from '../http/http-error.ts';
import { GetAuthorFeedOutput, ProfileViewDetailed, type FeedViewPost } from './lexicon.ts';
import { BlueskyAuthError } from './session.ts';
import type { BlueskyXrpc } from './xrpc.ts';

/** Calls in flight at once: a few, so a long follow list does not take minutes, and far below any rate limit. */
const CONCURRENCY = 4;

export type MissingVerdict =
  | { kind: 'gone'; state: Extract<AccountState, 'suspended' | 'deactivated' | 'deleted'> }
  /** getProfile answered after all (the account came back between the two calls). */
  | { kind: 'found'; profile: ProfileViewDetailed }
  | { kind: 'unknown'; error: unknown };

/** One getProfile for an account getProfiles left out. */
export async function whyMissing(xrpc: BlueskyXrpc, did: string): Promise<MissingVerdict> {
  try {
    return { kind: 'found', profile: await xrpc.publicQuery('app.bsky.actor.getProfile', { actor: did }, ProfileViewDetailed) };
  } catch (err) {
    // A session that cannot be renewed, or a stop of the signal, is the whole pull's business.
    if (err instanceof BlueskyAuthError || (err instanceof HttpError && err.aborted)) throw err;
    if (!(err instanceof HttpError) || err.retryable || err.status !== 400) return { kind: 'unknown', error: err };
    if (err.apiError === 'AccountTakedown') return { kind: 'gone', state: 'suspended' };
    if (err.apiError === 'AccountDeactivated') return { kind: 'gone', state: 'deactivated' };
    if (err.apiError === 'InvalidRequest' || err.apiError === 'NotFound' || err.apiError === 'ProfileNotFound') return { kind: 'gone', state: 'deleted' };
    return { kind: 'unknown', error: err };
  }
}

/**
 * When the newest item of an author feed was made: a repost at the repost's
 * time; a post at the earlier of its `createdAt` and `indexedAt`, as the
 * AppView sorts feeds (a backdated import is not fresh, a clock in the future
 * does not make it so either). Undefined when neither date reads.
 */
export function feedItemAt(item: FeedViewPost): string | undefined {
  const reason = item.reason;
  if (reason?.$type === 'app.bsky.feed.defs#reasonRepost' && typeof reason.indexedAt === 'string') {
    const ms = Date.parse(reason.indexedAt);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  const record = item.post.record;
  const created = record !== null && typeof record === 'object' && 'createdAt' in record && typeof record.createdAt === 'string' ? Date.parse(record.createdAt) : Number.NaN;
  const indexed = Date.parse(item.post.indexedAt);
  const dates = [created, indexed].filter((ms) => !Number.isNaN(ms));
  return dates.length === 0 ? undefined : new Date(Math.min(...dates)).toISOString();
}

/** The newest item of the account's author feed: its date, `none` for an empty feed. */
export async function lastPostOf(xrpc: BlueskyXrpc, did: string): Promise<string | 'none' | undefined> {
  let page;
  try {
    page = await xrpc.publicQuery('app.bsky.feed.getAuthorFeed', { actor: did, limit: 1 }, GetAuthorFeedOutput);
  } catch (err) {
    // A block between the two accounts hides the feed: unknown, and nothing to report.
    if (err instanceof HttpError && err.status === 400 && (err.apiError === 'BlockedActor' || err.apiError === 'BlockedByActor')) return undefined;
    throw err;
  }
  const first = page.feed[0];
  return first === undefined ? 'none' : feedItemAt(first);
}

export interface EachResult<R> {
  results: Map<string, R>;
  failures: number;
  firstFailure?: unknown;
  /** The signal stopped the calls: the rest was not asked. */
  stopped: boolean;
}

/** Runs `call` for each DID, a few at a time; a renewal that fails for good ends everything, as elsewhere. */
export async function forEachDid<R>(dids: readonly string[], call: (did: string) => Promise<R>, signal: AbortSignal | undefined, onDone?: (done: number) => void): Promise<EachResult<R>> {
  const out: EachResult<R> = { results: new Map(), failures: 0, stopped: false };
  let next = 0;
  let done = 0;
  let fatal: unknown;
  const worker = async (): Promise<void> => {
    while (next < dids.length && fatal === undefined && !out.stopped) {
      if (signal?.aborted) {
        out.stopped = true;
        return;
      }
      const did = dids[next++] as string;
      try {
        out.results.set(did, await call(did));
      } catch (err) {
        if (signal?.aborted || (err instanceof HttpError && err.aborted)) {
          out.stopped = true;
          return;
        }
        if (err instanceof BlueskyAuthError) {
          fatal = err;
          return;
        }
        out.failures++;
        out.firstFailure ??= err;
      }
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, dids.length) }, worker));
  if (fatal !== undefined) throw fatal;
  return out;
}

/** What the store remembers of an account's posts (PullContext.known). */
export interface KnownPosts {
  postsCount?: number;
  lastPostAt?: string;
}
export type KnownLookup = (ids: readonly string[]) => Promise<ReadonlyMap<string, KnownPosts>>;

/**
 * Whether the stored last post still answers for the account, so its author
 * feed need not be asked: the post count getProfiles gave now is the stored
 * one (no post made or deleted since), and the stored date is within
 * inactiveDays of the run (`activeSinceMs`). The date only moves forward
 * without a new post when the account reposts, and a later date can only keep
 * a recent one recent: inactive_account gives the same verdict. A stored date
 * past inactiveDays is read again, since a repost would clear the verdict; an
 * unknown one (never read, or an empty feed) is read.
 */
export function lastPostStillKnown(postsCount: number | undefined, known: KnownPosts | undefined, activeSinceMs: number): boolean {
  if (known === undefined || postsCount === undefined || known.postsCount !== postsCount || known.lastPostAt === undefined) return false;
  const at = Date.parse(known.lastPostAt);
  return !Number.isNaN(at) && at >= activeSinceMs;
}

/**
 * The judged accounts whose last post must be read: all of them without a
 * lookup, or when the lookup fails (the store's read is a saving, never a
 * condition of the pull: `failure` says why, for a problem line); else those
 * `lastPostStillKnown` does not spare.
 */
export async function lastPostsToRead<C extends { id: string; postsCount?: number }>(
  judged: readonly C[],
  known: KnownLookup | undefined,
  activeSinceMs: number,
  signal: AbortSignal | undefined,
): Promise<{ toRead: C[]; failure?: unknown }> {
  if (known === undefined || judged.length === 0 || signal?.aborted) return { toRead: [...judged] };
  let stored: ReadonlyMap<string, KnownPosts>;
  try {
    stored = await known(judged.map((c) => c.id));
  } catch (failure) {
    return { toRead: [...judged], failure };
  }
  return { toRead: judged.filter((c) => !lastPostStillKnown(c.postsCount, stored.get(c.id), activeSinceMs)) };
}

/** The problem line of a store that could not say what it remembers: nothing was spared, nothing is missing. */
export const knownFailureProblem = (why: string): string => `stored last posts could not be read, so every judged account's last post was read: ${why}`;
