/**
 * A firing of a Mastodon account with a million followers (issue 20, point 3),
 * simulated under a virtual clock (./virtual-clock.ts): the local Mastodon
 * server (test/helpers/mastodon-server.ts, rack-attack's 300 requests per 5
 * minutes with its X-RateLimit-* headers) reads the same clock as the client,
 * so 3.5 hours of rate-limit waits take the real time of the requests alone.
 *
 * The pull runs through the step loop the state machine runs
 * (infra/constructs/firing-state-machine.ts: Pull -> All pulled? -> Wait
 * $.pull.waitSeconds -> Pull ...): `pullStep` of shared/app/steps.ts with the
 * budget functions/pull-step.ts gives it (the function's timeout less
 * PULL_SAVE_MARGIN_MS), staging into DynamoDB Local through the real firing
 * store. Every step runs in this one process; run it with the pull function's
 * heap limit (node --max-old-space-size=512 for the 1 GB function).
 *
 *   node --max-old-space-size=512 --import tsx test/bench/million-followers.ts --endpoint URL [--followers 1000000] [--latency-ms 300]
 *
 * Prints one JSON line (progress on stderr): steps, requests against the
 * fewest possible, the virtual hours against the rate-limit bound, each step's
 * virtual duration and memory, the staged items' sizes, the capacity
 * DynamoDB reported, and the cost of one repeat run.
 *
 * The clock is handed to everything that reads time (StepDeps.now, the source's
 * HTTP client, the store's clock, the server): `Date` is left alone.
 *
 * Memory: a sampler reads the process's RSS every 20 ms of real time while a
 * step runs (its peak is the step's `peakRssMb`), and `process.resourceUsage().maxRSS`
 * (the kernel's high-water mark of the whole process, every step and the local
 * server included) is the figure the bench reports: an upper bound of any one step.
 *
 * The latency: on loopback a page answers in milliseconds; a real instance takes
 * longer, and a Lambda is billed while it waits. Each request's answer arrives
 * no sooner than `--latency-ms` of virtual time after it was sent (default
 * 300 ms); the steps' durations (and so the Lambda cost) include it. Requests
 * in flight together wait together: the repeat firing's list walks overlap
 * (shared/sources/mastodon/list-bounds.ts), and the clock moves once for them.
 *
 * The cursor: the repeat firing starts from the first one's (its list
 * boundaries), as it would from the source state the first firing's report
 * step stores. No report step runs here, so the cursor the first firing's last
 * pull step returned is put in the source state the repeat's steps read (the
 * real read of the profile's source states is made and metered; the cursor's
 * 6 KB are about 1.5 RRU more for each step that reads them).
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import type { Firing, StepDeps } from '../../shared/app/steps.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { PullContext, PullStepResult } from '../../shared/ports/source.ts';
import type { ProfileStore } from '../../shared/ports/store.ts';
import { MastodonSource } from '../../shared/sources/mastodon/mastodon-source.ts';
import { accountToContact } from '../../shared/sources/mastodon/map-account.ts';
import { startMastodonServer } from '../helpers/mastodon-server.ts';
import { owner } from '../integration/sources/mastodon/world.ts';
import { BUDGET_MS, firingFigures, profileUnitsPerContact, PULL_MEMORY_MB, PULL_TIMEOUT_S, readBackStaged, repeatFiring, repeatFiringCost, round2, round3, runPullSteps, simulationSetup } from './million-firing.ts';
import { generatedAccount, millionWorld } from './million-world.ts';
import { VirtualClock } from './virtual-clock.ts';
import type { Contact } from '../../shared/domain/model.ts';

// The firing's clock: the next 5-minute mark (a schedule's time, aligned as the rate-limit periods are).
const PERIOD_MS = 5 * 60_000;
const NOW = new Date(Math.ceil((Date.now() + 1000) / PERIOD_MS) * PERIOD_MS);
const clock = new VirtualClock(NOW.getTime());

const { endpoint, table, followers: FOLLOWERS, latencyMs: LATENCY_MS, reportSeconds, log, client, meter, staged, store } = simulationSetup('million-followers', clock);

// ---- the instance ----
const world = millionWorld({ followers: FOLLOWERS, following: 500, mutual: 250 }, NOW.getTime(), owner());
const TOKEN = 'bench-token';
const server = await startMastodonServer({ token: TOKEN, world, now: clock.now });
const fetchWithLatency = clock.fetchWithLatency(LATENCY_MS);

const profile = parseConfig(
  { profiles: [{ id: 'million', sources: [{ type: 'file', id: 'masto', path: 'unused.json' }], report: { recipients: ['owner@example.com'], sender: 'followback@example.com' } }] },
  'million-follower bench',
).profiles[0]!;
const firing: Firing = {
  profile,
  now: NOW,
  dryRun: false,
  firingKey: `schedule:million:${NOW.toISOString()}`,
  claimFiring: true,
  holder: 'arn:aws:states:bench:execution:million',
  startedAt: NOW.toISOString(),
};
// The cursor the first firing's last pull step returned (what its report step would store for the next).
let lastCursor: string | undefined;
// The largest checkpoint a step handed on (it goes into the firing's state item, written each step).
let largestCheckpointBytes = 0;
class CursorKeepingSource extends MastodonSource {
  override async pullStep(ctx: PullContext): Promise<PullStepResult> {
    const result = await super.pullStep(ctx);
    if (result.checkpoint !== undefined) largestCheckpointBytes = Math.max(largestCheckpointBytes, Buffer.byteLength(result.checkpoint, 'utf8'));
    if (result.checkpoint === undefined && result.pull.cursor !== undefined) lastCursor = result.pull.cursor;
    return result;
  }
}
const deps: StepDeps = {
  store,
  mailer: null,
  now: clock.now,
  // As the Lambda does on each invocation: the sources are built for the step (a fresh HTTP client, no carried state).
  sourcesFor: () => [new CursorKeepingSource({ id: 'masto', instanceUrl: server.url, accessToken: TOKEN, backfillDays: 365, maxPages: 1000, http: { fetch: fetchWithLatency, sleep: clock.sleep, now: clock.now, random: () => 0.5 } })],
};

const loop = await runPullSteps(firing, deps, clock, log);

// ---- what the report step does with the staged parts: read them back, then finish the firing (its state deleted, the parts left to TTL) ----
const stagedItems = await readBackStaged(client, table, profile.id, firing.firingKey);
await store.firingStore().finishFiring(profile.id, firing.firingKey);

// ---- the next run: the fingerprints the report would have left (1 % changed since), and the same firing an hour later ----
const firstStaged = staged.slice();
// The first firing's requests (the repeat asks the same lists again: its own count is below).
const requests = server.total();
const followerListRequests = server.requests.followers;
const throttled = server.log.filter((r) => r.status === 429).length;
const firstCursor = lastCursor;
if (firstCursor === undefined) throw new Error('the first firing left no cursor');
const listBounds = (JSON.parse(firstCursor) as { listBounds?: { followers?: string[] } }).listBounds?.followers?.length ?? 0;
// The repeat's steps read the source state the first firing's report would have stored: its cursor.
deps.store = new Proxy(store, {
  get(target, key, receiver) {
    if (key === 'loadSourceStates') {
      return async (profileId: string) => {
        const states = await target.loadSourceStates(profileId);
        const at = NOW.toISOString();
        const others = states.filter((x) => x.sourceId !== 'masto');
        const own = states.find((x) => x.sourceId === 'masto') ?? { sourceId: 'masto', platform: 'mastodon', trackingSince: at, historySince: at, lastContacts: 'complete' as const, lastInteractions: 'complete' as const, problems: [] };
        return [...others, { ...own, cursor: firstCursor }];
      };
    }
    const value: unknown = Reflect.get(target, key, receiver);
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  },
}) as ProfileStore;
const logBefore = server.log.length;
const repeat = await repeatFiring(firing, 'masto', deps, clock, { client, table, store, meter, staged }, 0.01, log);

// ---- the report step's own reads and writes of the profile, on a sample of 2,000 real contact items ----
const seen = NOW.toISOString();
const sample = Array.from({ length: 2000 }, (_, k): Contact => ({
  ...accountToContact(generatedAccount(10_000_001 + k, NOW.getTime()) as never, 'follower', 'mastodon.social'),
  sourceId: 'masto',
  platform: 'mastodon',
  firstSeenAt: seen,
  lastSeenAt: seen,
  reasons: [],
}) as unknown as Contact);
const units = await profileUnitsPerContact(endpoint, table, sample, seen);

await server.close();
client.destroy();

// ---- figures ----
const contactsTotal = FOLLOWERS + 500 - 250;
const pageOf = (n: number, per: number): number => Math.floor(n / per) + 1;
// verify_credentials and the instance; the follower and following lists (a full last page needs one more look);
// notifications, statuses, favourites: one (empty) page each.
const minimumRequests = 2 + pageOf(FOLLOWERS, 80) + pageOf(500, 80) + 3;
const virtualPullMs = loop.pullEnded - loop.pullStarted;
const rateLimitBoundMs = (FOLLOWERS / 80 / 300) * 5 * 60_000;
const longestStepMs = Math.max(...loop.steps.map((s) => s.virtualMs));
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
  longestStepMinutes: round2(longestStepMs / 60_000),
  requests,
  minimumRequests,
  followerListRequests,
  throttled,
  repeatRequests: server.total() - requests,
  repeatFollowerListRequests: server.log.slice(logBefore).filter((r) => r.route === 'followers').length,
  repeatThrottled: server.log.slice(logBefore).filter((r) => r.status === 429).length,
  listBounds,
  cursorBytes: Buffer.byteLength(firstCursor, 'utf8'),
  largestCheckpointBytes,
  repeatPullHours: round3((repeat.loop.pullEnded - repeat.loop.pullStarted) / 3_600_000),
  repeatOverBoundPercent: round2(((repeat.loop.pullEnded - repeat.loop.pullStarted - rateLimitBoundMs) / rateLimitBoundMs) * 100),
  repeatLongestStepSeconds: round2(Math.max(...repeat.loop.steps.map((s) => s.virtualMs)) / 1000),
  repeatLargestStepPeakRssMb: Math.max(...repeat.loop.steps.map((s) => s.peakRssMb)),
  pullHours: round3(virtualPullMs / 3_600_000),
  rateLimitBoundHours: round3(rateLimitBoundMs / 3_600_000),
  overBoundPercent: round2(((virtualPullMs - rateLimitBoundMs) / rateLimitBoundMs) * 100),
  ...firingFigures({ loop, firstStaged, stagedItemsReadBack: stagedItems, repeat, cost }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
