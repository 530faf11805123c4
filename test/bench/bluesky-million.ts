/**
 * A firing of a Bluesky account with a large following (issue 20, point 3:
 * "the same for Bluesky at its limits"), simulated under a virtual clock as
 * ./million-followers.ts simulates Mastodon's: the local Bluesky server
 * (test/helpers/bluesky-server.ts) plays the PDS, the AppView and the PLC
 * directory, and answers every request with the PDS's RateLimit-* headers
 * (ratelimit-limit 3000, -remaining, -reset, -policy "3000;w=300") and a 429
 * past them, on the same clock as the client.
 *
 * Bluesky's limits (bsky-docs, docs/advanced-guides/rate-limits.md, "Hosted
 * Account (PDS) Limits"): overall API requests 3,000 per 5 minutes by IP;
 * createSession 30 per 5 minutes per account; the AppView's direct endpoints
 * have "generous" limits, not published. The source reads through the PDS (no
 * appViewUrl), so every request counts against the 3,000. Page sizes (the
 * lexicons): followers, follows, records and notifications 100 a page,
 * app.bsky.actor.getProfiles 25 actors a call.
 *
 * The pull runs through `pullStep` (shared/app/steps.ts) with the pull
 * function's budget, staging into DynamoDB Local through the real firing store;
 * the session lives in the same table (DynamoStore is the SessionStore). Every
 * step runs in this one process: run it with the pull function's heap limit.
 *
 *   node --max-old-space-size=512 --import tsx test/bench/bluesky-million.ts --endpoint URL [--followers 1000000] [--latency-ms 300]
 *
 * Prints one JSON line (progress on stderr), the figures of ./million-followers.ts.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import type { Firing, StepDeps } from '../../shared/app/steps.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { Contact } from '../../shared/domain/model.ts';
import { BlueskySource } from '../../shared/sources/bluesky/bluesky-source.ts';
import { FakeBlueskyServer, type BlueskyWorld } from '../helpers/bluesky-server.ts';
import { OWNER } from '../fixtures/bluesky/world.ts';
import { blueskyMillionWorld, generatedProfile, type BlueskyMillionSize } from './bluesky-million-world.ts';
import { BUDGET_MS, firingFigures, profileUnitsPerContact, PULL_MEMORY_MB, PULL_TIMEOUT_S, readBackStaged, repeatFiring, repeatFiringCost, round2, round3, runPullSteps, simulationSetup } from './million-firing.ts';
import { VirtualClock } from './virtual-clock.ts';

/** The PDS's overall limit: 3,000 requests per 5 minutes by IP (the local server's GLOBAL_LIMIT and WINDOW_SEC). */
const LIMIT = 3000;
const PERIOD_MS = 5 * 60_000;
const DAY = 86_400_000;
const NOW = new Date(Math.ceil((Date.now() + 1000) / PERIOD_MS) * PERIOD_MS);
const clock = new VirtualClock(NOW.getTime());

const { endpoint, table, followers: FOLLOWERS, latencyMs: LATENCY_MS, reportSeconds, log, client, meter, staged, store } = simulationSetup('bluesky-million', clock);

const size: BlueskyMillionSize = { followers: FOLLOWERS, follows: 500, mutual: 250, notifications: 300 };
const world = blueskyMillionWorld(size, NOW.getTime());
const server = await FakeBlueskyServer.start({ world, now: clock.now });
const fetchWithLatency = clock.fetchWithLatency(LATENCY_MS);

const profile = parseConfig(
  { profiles: [{ id: 'bsky-million', sources: [{ type: 'file', id: 'bsky', path: 'unused.json' }], report: { recipients: ['owner@example.com'], sender: 'followback@example.com' } }] },
  'Bluesky million bench',
).profiles[0]!;
const firing: Firing = {
  profile,
  now: NOW,
  dryRun: false,
  firingKey: `schedule:bsky-million:${NOW.toISOString()}`,
  claimFiring: true,
  holder: 'arn:aws:states:bench:execution:bsky-million',
  startedAt: NOW.toISOString(),
};
const deps: StepDeps = {
  store,
  mailer: null,
  now: clock.now,
  // A fresh source each step, as a Lambda invocation builds it; the session comes back from the table.
  sourcesFor: () => [
    new BlueskySource({
      id: 'bsky',
      serviceUrl: server.url,
      plcUrl: server.url,
      handle: OWNER.handle,
      appPassword: OWNER.password,
      sessions: store,
      backfillDays: 365,
      maxPages: 1000,
      http: { fetch: fetchWithLatency, sleep: clock.sleep, now: clock.now, random: () => 0.5 },
    }),
  ],
};

const loop = await runPullSteps(firing, deps, clock, log);
const stagedItems = await readBackStaged(client, table, profile.id, firing.firingKey);
await store.firingStore().finishFiring(profile.id, firing.firingKey);

// ---- the next run: the fingerprints the report would have left (1 % changed since), and the same firing an hour later ----
const firstStaged = staged.slice();
// The first firing's requests (the repeat's own count is below).
const requests = server.totalRequests;
const throttled = server.log.filter((r) => r.status === 429).length;
const counts = Object.fromEntries(server.counts);
const repeat = await repeatFiring(firing, 'bsky', deps, clock, { client, table, store, meter, staged }, 0.01, log);

const seen = NOW.toISOString();
const sample = Array.from({ length: 2000 }, (_, k): Contact => {
  const p = generatedProfile(k, NOW.getTime());
  return {
    id: p.did,
    handle: p.handle,
    displayName: p.displayName,
    ...(p.description !== undefined ? { bio: p.description } : {}),
    relation: 'follower',
    state: 'active',
    profileUrl: `https://bsky.app/profile/${p.handle}`,
    postsCount: p.postsCount,
    followersCount: p.followersCount,
    followingCount: p.followsCount,
    sourceId: 'bsky',
    platform: 'bluesky',
    firstSeenAt: seen,
    lastSeenAt: seen,
    reasons: [],
  } as unknown as Contact;
});
const units = await profileUnitsPerContact(endpoint, table, sample, seen);
const repeatRequests = server.totalRequests - requests;
await server.close();
client.destroy();

const contactsTotal = size.followers + size.follows - size.mutual;
const minimumRequests = blueskyMinimum(world, size, profile.policy.graceDays, profile.policy.inactiveDays);
const virtualPullMs = loop.pullEnded - loop.pullStarted;
const rateLimitBoundMs = (minimumRequests / LIMIT) * PERIOD_MS;
// The repeat run's cost: its own pull steps, its staged parts, what its report step reads, writes and leaves.
const cost = repeatFiringCost(repeat, { contacts: contactsTotal, units, maxPullHours: profile.policy.maxPullHours, reportSeconds });
const result = {
  followers: FOLLOWERS,
  contacts: contactsTotal,
  latencyMs: LATENCY_MS,
  pullMemoryMb: PULL_MEMORY_MB,
  pullTimeoutSeconds: PULL_TIMEOUT_S,
  stepBudgetSeconds: BUDGET_MS / 1000,
  pullSteps: loop.steps.length,
  completedInOneExecution: true,
  longestStepMinutes: round2(Math.max(...loop.steps.map((s) => s.virtualMs)) / 60_000),
  requests,
  minimumRequests,
  requestsByRoute: counts,
  repeatRequests,
  throttled,
  pullHours: round3(virtualPullMs / 3_600_000),
  rateLimitBoundHours: round3(rateLimitBoundMs / 3_600_000),
  overBoundPercent: round2(((virtualPullMs - rateLimitBoundMs) / rateLimitBoundMs) * 100),
  // The requests one after the other, each waiting its latency: the other bound, when it is the higher.
  latencyBoundHours: round3((requests * LATENCY_MS) / 3_600_000),
  ...firingFigures({ loop, firstStaged, stagedItemsReadBack: stagedItems, repeat, cost }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);

/**
 * The fewest requests: handle, DID document, session; pages of 100 for the lists and records (the empty own
 * collections one page each), profiles 25 at a time (each account once),
 * one author feed per follow the inactive_account rule judges (followed at least graceDays ago, not seen
 * replying, mentioning or quoting within inactiveDays).
 */
function blueskyMinimum(w: BlueskyWorld, s: BlueskyMillionSize, graceDays: number, inactiveDays: number): number {
  const pages = (n: number, per = 100): number => Math.max(1, Math.ceil(n / per));
  const nowMs = NOW.getTime();
  const talking = new Set(w.notifications.filter((n) => ['reply', 'mention', 'quote'].includes(n.reason) && Date.parse(n.indexedAt) >= nowMs - inactiveDays * DAY).map((n) => n.author.did));
  const followedAt = new Map(
    (w.records.get('app.bsky.graph.follow') ?? []).map((r) => {
      const value = r.value as { subject: string; createdAt: string };
      return [value.subject, Date.parse(value.createdAt)] as const;
    }),
  );
  const judged = w.follows.filter((did) => (followedAt.get(did) ?? 0) <= nowMs - graceDays * DAY && !talking.has(did)).length;
  // A record list's full last page returns a cursor: one more (empty) page says it ended.
  const recordPages = (n: number): number => Math.floor(n / 100) + 1;
  return 3 + pages(s.notifications) + pages(s.follows) + 3 + pages(s.followers) + recordPages(s.follows) + pages(s.followers + s.follows - s.mutual, 25) + judged;
}
