/**
 * Followers and follows of the account, as Contacts.
 *
 * Four endpoints, each chosen for what the others lack:
 *  - app.bsky.graph.getFollowers / getFollows: the two relations (profileView:
 *    handle, name, bio, labels), 100 a page.
 *  - com.atproto.repo.listRecords app.bsky.graph.follow on the owner's repo: the
 *    follow records carry `createdAt`, the only source of `followedAt`
 *    (profileView's `viewer.following` is just the record's URI). One request
 *    per 100 follows buys a followedAt for every account followed, which the
 *    grace period and the observation window need. The records also reveal
 *    follows the AppView no longer lists (deleted or deactivated accounts).
 *  - app.bsky.actor.getProfiles, 25 actors a call: counts (posts, followers,
 *    follows), and whether the account is still shown.
 *  - Per account, only where that is not enough (account-checks.ts): one
 *    app.bsky.actor.getProfile for each account getProfiles left out, and one
 *    app.bsky.feed.getAuthorFeed?limit=1 for each account the analysis would
 *    judge on its last post, unless the store remembers it and the post count
 *    did not move (account-checks.ts lastPostStillKnown; the run keeps the
 *    stored date, merge-pulls.ts).
 *
 * Account state: `suspended` when the account carries a `!takedown` or
 * `!suspend` label or getProfile answers `AccountTakedown`; `deactivated` for
 * `AccountDeactivated` (its owner may switch it back on); `deleted` for
 * "Profile not found". A missing account has no profile view: its handle is
 * the bare DID, and the merge keeps the last known handle and name.
 */
import type { Completeness, Contact } from '../../domain/model.ts';
import { DAY_MS } from '../../domain/time.ts';
import type { ProgressListener } from '../../ports/source.ts';
import { HttpError } from '../http/http-error.ts';
import { forEachDid, knownFailureProblem, lastPostOf, lastPostsToRead, whyMissing, type KnownLookup, type MissingVerdict } from './account-checks.ts';
import { profileWebUrl } from './at-uri.ts';
import { runInOrder } from './in-order.ts';
import { FollowRecord, GetFollowersOutput, GetFollowsOutput, GetProfilesOutput, ListRecordsOutput, type ProfileView, type ProfileViewDetailed } from './lexicon.ts';
import { collectPages, type Collected } from './paging.ts';
import { problemOf } from './problems.ts';
import { BlueskyAuthError } from './session.ts';
import type { BlueskyXrpc } from './xrpc.ts';

export const PAGE_LIMIT = 100;
export const PROFILES_PER_CALL = 25;
export const SUSPENDED_LABELS = new Set(['!takedown', '!suspend']);

/**
 * The lists are read in full whatever maxPages says (it caps notifications and
 * own records only): a partial list would be mistaken for unfollows.
 */
export interface ContactsRequest {
  ownerDid: string;
  /** When a follower's follow notification was indexed, from this pull's notifications. */
  followerSince: ReadonlyMap<string, string>;
  sourceId: string;
  /** The run's clock. */
  nowMs: number;
  /** Which accounts get their last post read; absent, none do. */
  lastPosts?: LastPostPolicy;
  /** What the store remembers of the judged accounts (PullContext.known): spares the last posts it still answers for. */
  known?: KnownLookup;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/**
 * What makes the last post worth a request: only an account you follow, still
 * active, out of its grace period, and not seen posting (a reply, mention or
 * quote in this pull) within `inactiveDays` can be judged `inactive_account`
 * on it. A follower you do not follow is never unfollowed for being quiet.
 */
export interface LastPostPolicy {
  graceDays: number;
  inactiveDays: number;
  /** DIDs seen posting in this pull, with the newest such date. */
  seenPosting: ReadonlyMap<string, string>;
}

export interface ContactsResult {
  contacts: Contact[];
  completeness: Completeness;
  problems: string[];
  /** The signal stopped the reading (cancel, or the run's time limit): what was read is returned. */
  stopped: boolean;
}

interface FollowEntry {
  subject: string;
  createdAt: string;
}

export async function pullContacts(xrpc: BlueskyXrpc, req: ContactsRequest): Promise<ContactsResult> {
  const problems: string[] = [];
  const progress = (phase: string) => (done: number) => req.onProgress?.({ sourceId: req.sourceId, phase, done });
  const common = req.signal ? { signal: req.signal } : {};

  const followers = await collectPages<ProfileView>({
    ...common,
    onPage: progress('followers'),
    fetchPage: async (cursor) => {
      const page = await xrpc.publicQuery('app.bsky.graph.getFollowers', { actor: req.ownerDid, limit: PAGE_LIMIT, cursor }, GetFollowersOutput);
      return { items: page.followers, cursor: page.cursor };
    },
  });
  const follows = await collectPages<ProfileView>({
    ...common,
    onPage: progress('following'),
    fetchPage: async (cursor) => {
      const page = await xrpc.publicQuery('app.bsky.graph.getFollows', { actor: req.ownerDid, limit: PAGE_LIMIT, cursor }, GetFollowsOutput);
      return { items: page.follows, cursor: page.cursor };
    },
  });
  let invalidFollowRecords = 0;
  const followRecords = await collectPages<FollowEntry | undefined>({
    ...common,
    shortPageEnds: PAGE_LIMIT,
    onPage: progress('follow-records'),
    fetchPage: async (cursor) => {
      const page = await xrpc.query(
        'com.atproto.repo.listRecords',
        { repo: req.ownerDid, collection: 'app.bsky.graph.follow', limit: PAGE_LIMIT, cursor },
        ListRecordsOutput,
      );
      const items = page.records.map((record) => {
        const value = FollowRecord.safeParse(record.value);
        const at = value.success ? Date.parse(value.data.createdAt) : Number.NaN;
        if (!value.success || Number.isNaN(at)) {
          invalidFollowRecords++;
          return undefined;
        }
        return { subject: value.data.subject, createdAt: new Date(at).toISOString() };
      });
      return { items, cursor: page.cursor };
    },
  });

  noteIncomplete(problems, 'followers (app.bsky.graph.getFollowers)', followers);
  noteIncomplete(problems, 'follows (app.bsky.graph.getFollows)', follows);
  noteIncomplete(problems, 'follow records (com.atproto.repo.listRecords app.bsky.graph.follow)', followRecords);
  if (invalidFollowRecords > 0) problems.push(`${invalidFollowRecords} follow record(s) without a valid subject/createdAt were skipped`);

  // The oldest record wins: a duplicate follow does not restart the observation period.
  const followedAt = new Map<string, string>();
  for (const entry of followRecords.items) {
    if (!entry) continue;
    const known = followedAt.get(entry.subject);
    if (known === undefined || Date.parse(entry.createdAt) < Date.parse(known)) followedAt.set(entry.subject, entry.createdAt);
  }

  const byDid = new Map<string, { view?: ProfileView; follower: boolean; following: boolean }>();
  for (const view of followers.items) byDid.set(view.did, { view, follower: true, following: false });
  for (const view of follows.items) {
    const entry = byDid.get(view.did);
    if (entry) entry.following = true;
    else byDid.set(view.did, { view, follower: false, following: true });
  }
  // Follows the AppView does not list: only trust the records when both lists are whole.
  if (follows.complete && followRecords.complete) {
    for (const did of followedAt.keys()) {
      const entry = byDid.get(did);
      if (entry) entry.following = true;
      else if (did !== req.ownerDid) byDid.set(did, { follower: false, following: true });
    }
  }
  byDid.delete(req.ownerDid);

  const profiles = await fetchProfiles(xrpc, [...byDid.keys()], problems, progress('profiles'), req.signal);

  const missing = await forEachDid([...profiles.missing], (did) => whyMissing(xrpc, did), req.signal, progress('missing-accounts'));
  const verdicts = new Map<string, MissingVerdict>(missing.results);
  const unexplained = [...verdicts.values()].filter((v) => v.kind === 'unknown').length + missing.failures;
  if (unexplained > 0) {
    const first = [...verdicts.values()].find((v) => v.kind === 'unknown');
    const why = first?.kind === 'unknown' ? first.error : missing.firstFailure;
    problems.push(`missing accounts (app.bsky.actor.getProfile): ${unexplained} not told apart, reported as deactivated (it can come back): ${problemOf(why)}`);
  }

  const contacts: Contact[] = [];
  for (const [did, entry] of byDid) {
    const verdict = verdicts.get(did);
    const detailed = profiles.found.get(did) ?? (verdict?.kind === 'found' ? verdict.profile : undefined);
    const view = detailed ?? entry.view;
    const labels = activeLabels(view);
    const contact: Contact = {
      id: did,
      handle: clip(view?.handle ?? did, 512),
      displayName: clip(view?.displayName ?? '', 2048),
      bio: clip(view?.description ?? '', 20000),
      profileUrl: profileWebUrl(did, view?.handle ?? did),
      relation: entry.follower && entry.following ? 'mutual' : entry.follower ? 'follower' : 'following',
      state: labels.some((l) => SUSPENDED_LABELS.has(l)) ? 'suspended' : missingState(profiles.missing.has(did), verdict),
    };
    const since = followedAt.get(did);
    if (entry.following && since !== undefined) contact.followedAt = since;
    const followerSince = req.followerSince.get(did);
    if (entry.follower && followerSince !== undefined) contact.followerSince = followerSince;
    if (labels.length > 0) contact.labels = labels;
    if (detailed?.postsCount !== undefined) contact.postsCount = detailed.postsCount;
    if (detailed?.followersCount !== undefined) contact.followersCount = detailed.followersCount;
    if (detailed?.followsCount !== undefined) contact.followingCount = detailed.followsCount;
    contacts.push(contact);
  }

  const lastPosts = req.lastPosts ? await readLastPosts(xrpc, contacts, req.lastPosts, req.nowMs, req.known, problems, progress('last-posts'), req.signal) : { stopped: false };

  const failed = !followers.complete && !follows.complete && followers.items.length === 0 && follows.items.length === 0;
  const completeness: Completeness = followers.complete && follows.complete ? 'complete' : failed ? 'failed' : 'partial';
  const stopped = followers.stopped || follows.stopped || followRecords.stopped || profiles.stopped || missing.stopped || lastPosts.stopped;
  return { contacts, completeness, problems, stopped };
}

/**
 * The state of an account by what getProfiles and getProfile said. Missing
 * without a verdict (getProfile failed, or the pull stopped before asking) is
 * judged gently: `deactivated`, a state that can come back, never `deleted`.
 */
export function missingState(missing: boolean, verdict: MissingVerdict | undefined): Contact['state'] {
  if (!missing || verdict?.kind === 'found') return 'active';
  return verdict?.kind === 'gone' ? verdict.state : 'deactivated';
}

/**
 * Sets `lastPostAt` on the contacts the analysis would judge on it (see
 * LastPostPolicy) whose stored date does not still answer (see `known`).
 */
async function readLastPosts(
  xrpc: BlueskyXrpc,
  contacts: Contact[],
  policy: LastPostPolicy,
  nowMs: number,
  known: KnownLookup | undefined,
  problems: string[],
  onProgress: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<{ stopped: boolean }> {
  const graceStart = nowMs - policy.graceDays * DAY_MS;
  const activeSince = nowMs - policy.inactiveDays * DAY_MS;
  const judged = contacts.filter((c) => {
    if (c.relation === 'follower' || c.state !== 'active') return false;
    // Without a follow date the analysis may still judge the account: read it.
    if (c.followedAt !== undefined && Date.parse(c.followedAt) > graceStart) return false;
    const seen = policy.seenPosting.get(c.id);
    return seen === undefined || Date.parse(seen) < activeSince;
  });
  const { toRead, failure } = await lastPostsToRead(judged, known, activeSince, signal);
  if (failure !== undefined) problems.push(knownFailureProblem(problemOf(failure)));
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const read = await forEachDid(toRead.map((c) => c.id), (did) => lastPostOf(xrpc, did), signal, onProgress);
  for (const [did, at] of read.results) {
    const contact = byId.get(did);
    if (contact && at !== undefined && at !== 'none') contact.lastPostAt = at;
  }
  if (read.failures > 0) {
    problems.push(`last posts (app.bsky.feed.getAuthorFeed): ${read.failures} of ${toRead.length} not read; judged on the stored last post where the post count did not change, inactivity unknown for the others: ${problemOf(read.firstFailure)}`);
  }
  return { stopped: read.stopped };
}

interface Profiles {
  found: Map<string, ProfileViewDetailed>;
  /** Asked for in a batch that answered, and not returned. */
  missing: Set<string>;
  /** The signal stopped the batches: counts and account state unknown for the rest. */
  stopped: boolean;
}

/** getProfiles batches in flight at once (the request slots keep them within the rate limit). */
const PROFILE_CONCURRENCY = 4;

/** Every account's profile, 25 a batch, a few batches at a time; read in the batches' order whatever order they answer in. */
async function fetchProfiles(xrpc: BlueskyXrpc, dids: readonly string[], problems: string[], onProgress: (done: number) => void, signal: AbortSignal | undefined): Promise<Profiles> {
  const found = new Map<string, ProfileViewDetailed>();
  const missing = new Set<string>();
  let failedBatches = 0;
  let firstFailure: unknown;
  let stopped = false;
  const batchAt = (i: number): string[] => dids.slice(i * PROFILES_PER_CALL, (i + 1) * PROFILES_PER_CALL);
  let answered = 0;
  const outcomes = await runInOrder(
    Math.ceil(dids.length / PROFILES_PER_CALL),
    PROFILE_CONCURRENCY,
    () => !signal?.aborted,
    async (i) => {
      try {
        return await xrpc.publicQuery('app.bsky.actor.getProfiles', { actors: batchAt(i) }, GetProfilesOutput);
      } finally {
        onProgress(Math.min(dids.length, ++answered * PROFILES_PER_CALL));
      }
    },
  );
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome === undefined) {
      stopped = true;
      break;
    }
    if (outcome.status === 'rejected') {
      const err: unknown = outcome.reason;
      if (signal?.aborted || (err instanceof HttpError && err.aborted)) {
        stopped = true;
        break;
      }
      if (err instanceof BlueskyAuthError) throw err;
      failedBatches++;
      firstFailure ??= err;
      continue;
    }
    for (const profile of outcome.value.profiles) found.set(profile.did, profile);
    for (const did of batchAt(i)) if (!found.has(did)) missing.add(did);
  }
  if (failedBatches > 0) {
    problems.push(`profiles (app.bsky.actor.getProfiles): ${failedBatches} batch(es) failed, counts and account state unknown for those contacts: ${problemOf(firstFailure)}`);
  }
  return { found, missing, stopped };
}

/** Label values in force on the account (negation labels withdraw earlier ones). */
export function activeLabels(view: ProfileView | undefined): string[] {
  const withdrawn = new Set((view?.labels ?? []).filter((l) => l.neg === true).map((l) => l.val));
  const vals = (view?.labels ?? []).filter((l) => l.neg !== true && !withdrawn.has(l.val)).map((l) => clip(l.val, 128));
  return [...new Set(vals)].slice(0, 50);
}

function noteIncomplete(problems: string[], what: string, part: Collected<unknown>): void {
  // A stop of the signal is said once for the whole pull.
  if (part.complete || part.stopped) return;
  problems.push(`${what}: ${problemOf(part.error)}`);
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
