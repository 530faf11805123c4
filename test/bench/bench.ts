/**
 * Performance figures of the job at a given size, printed (not asserted):
 *
 *   npm run bench -- [--contacts 10000] [--interactions 100000] [--json] [--skip store,requests,million,bundle]
 *                    [--million-size 1000000] [--million-latency-ms 300] [--bluesky-size N] [--no-million]
 *
 * - analysisMs: `analyse` of the synthetic community (./synthetic-community.ts), its history as the columns a run
 *   loads from the store, median of 3 after a warm-up;
 * - a first run and a repeat run (1% of contacts changed, one new interaction each) of the whole job
 *   (load from the store, pull, classify, analyse, render, deliver as SES would, store) against DynamoDB Local,
 *   each bundled as the functions are deployed (./bundle-run-once.ts) and run in a process of its own with
 *   the V8 heap limit of a 1 GB function (infra/bundling.ts), its pull read in steps as a network hands it
 *   over (./synthetic-source.ts): items written, write units consumed (ReturnConsumedCapacity), the
 *   on-demand cost in dollars, peak RSS (firstRunPeakRssMb the first run's, the whole history imported;
 *   runPeakRssMb the repeat run's: the steady state of a schedule);
 * - requests of a first pull of 20,000 followers from the local Mastodon and Bluesky servers, against the
 *   fewest the documented page sizes allow; and Bluesky's repeat run a week later (blueskyRepeatExtraRequests:
 *   its requests besides the lists, at most one per account that changed, blueskyRepeatChangedAccounts);
 * - a firing of a Mastodon account with a million followers (--million-size) through the pull steps the state
 *   machine runs, against the local server's real rate limit under a virtual clock (./million-followers.ts, in a
 *   process of its own with the pull function's heap limit): its virtual hours against the rate-limit bound, its
 *   peak RSS and the cost of one repeat run; --no-million (or --skip million) leaves it out;
 * - the same for a Bluesky account (--bluesky-size, default the --million-size; ./bluesky-million.ts) at the
 *   PDS's 3,000 requests per 5 minutes, with its bounds (rate limit, and the requests' latency one after the
 *   other), peak RSS and repeat-run cost; --skip bluesky-million leaves it out;
 * - the deployed bundle's size and cold import time (infra/scripts/measure-bundle.ts).
 * With --json, stdout is one JSON object; progress goes to stderr.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { analyse } from '../../shared/domain/analyse.ts';
import { InteractionLog } from '../../shared/domain/interaction-log.ts';
import { MastodonSource } from '../../shared/sources/mastodon/mastodon-source.ts';
import { makeLocalClient, startLocalDynamo } from '../../shared/store/local-dynamo.ts';
import { createTable } from '../../shared/store/table-schema.ts';
import { BUNDLE, heapLimitMb } from '../../infra/bundling.ts';
import { measure } from '../../infra/scripts/measure-bundle.ts';
import { FakeBlueskyServer, type BlueskyWorld } from '../helpers/bluesky-server.ts';
import { startMastodonServer } from '../helpers/mastodon-server.ts';
import { scaledWorld, type WorldSize } from '../fixtures/bluesky/world.ts';
import { buildWorld } from '../integration/sources/mastodon/world.ts';
import { makeSource, MemorySessions } from '../integration/sources/bluesky/setup.ts';
import { blueskyRepeat } from './bluesky-repeat.ts';
import { bundleRunOnce } from './bundle-run-once.ts';
import type { CapacityTotals } from './capacity-meter.ts';
import { simulateFiring } from './simulated-firings.ts';
import { syntheticInput } from './synthetic-community.ts';
import { changedInRound } from './synthetic-source.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000' },
    interactions: { type: 'string', default: '100000' },
    json: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    'million-size': { type: 'string', default: '1000000' },
    'million-latency-ms': { type: 'string', default: '300' },
    'bluesky-size': { type: 'string' },
    'no-million': { type: 'boolean', default: false },
  },
});
const contacts = Number(values.contacts);
const interactions = Number(values.interactions);
for (const [flag, n] of [['--contacts', contacts], ['--interactions', interactions]] as const) {
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new Error(`${flag} must be a whole number from 1 to 10,000,000, got "${String(n)}"`);
}
const skip = new Set(values.skip.split(',').filter((s) => s !== ''));
if (values['no-million']) skip.add('million');
const millionSize = Number(values['million-size']);
const millionLatencyMs = Number(values['million-latency-ms']);
if (!Number.isInteger(millionSize) || millionSize < 1000 || millionSize > 10_000_000) throw new Error(`--million-size must be a whole number from 1,000 to 10,000,000, got "${values['million-size']}"`);
if (!Number.isFinite(millionLatencyMs) || millionLatencyMs < 0) throw new Error(`--million-latency-ms must be a number of milliseconds, got "${values['million-latency-ms']}"`);
const blueskyMillionSize = Number(values['bluesky-size'] ?? millionSize);
if (!Number.isInteger(blueskyMillionSize) || blueskyMillionSize < 1000 || blueskyMillionSize > 10_000_000) throw new Error(`--bluesky-size must be a whole number from 1,000 to 10,000,000, got "${values['bluesky-size']}"`);
const log = (line: string): void => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const round1 = (n: number): number => Math.round(n * 10) / 10;
/** Dollars to five decimals (a hundredth of a cent), without binary-fraction tails. */
const dollars = (usd: number): number => Number(usd.toFixed(5));

const figures: Record<string, unknown> = { contacts, interactions, node: process.version, loadAverageAtStart: load() };

// ---- analysis ----
const NOW = new Date('2026-11-25T08:00:00Z');
{
  // The history as a run hands it to the analysis: the columns the store loads (shared/domain/interaction-log.ts).
  const plain = syntheticInput(contacts, interactions, NOW);
  const input = { ...plain, interactions: InteractionLog.from(plain.interactions) };
  plain.interactions = [];
  analyse(input); // warm-up: measure the work, not the JIT
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    analyse(input);
    samples.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuSamples.push((used.user + used.system) / 1000);
  }
  figures['analysisMs'] = Math.round(median(samples));
  // CPU time (all of the process's threads, the GC's helpers included): on a busy shared machine it moves far less than wall time.
  figures['analysisCpuMs'] = Math.round(median(cpuSamples));
  log(`analysis of ${contacts} contacts x ${interactions} interactions: ${figures['analysisMs']} ms wall, ${figures['analysisCpuMs']} ms CPU (medians of 3; wall ${samples.map((s) => s.toFixed(0)).join(', ')}; load ${load()})`);
}

// ---- whole runs against DynamoDB Local ----
/** The function size a run must fit: the stack's default job function. */
const ONE_GB_FUNCTION_MB = 1024;
interface RunFigures {
  writes: { items: number; contactsWritten: number; interactionsWritten: number; sourcesWritten: number };
  capacity: CapacityTotals;
  wallMs: number;
  peakRssMb: number;
  htmlBytes: number;
  messageBytes: number;
  /** Memory at each step the run logs (./run-once.ts): where the peak comes from. */
  phases: { at: string; ms: number; cpuMs: number; rssMb: number; heapMb: number; peakSoFarMb: number }[];
}
/**
 * The report step's billed seconds per contact, from the bench's own repeat run: the CPU time from its last
 * pull step to "run stored" (on DynamoDB Local the wall time is mostly the emulator's), plus 20 ms for each
 * DynamoDB request the run made (DynamoDB answers in single-digit milliseconds; every request counted as if
 * it waited alone). Linear in the contacts (the work is: loading, merging, judging, writing what changed).
 * Set by the store figures; without them (`--skip store`) the million-follower cost counts the report step
 * at its bound.
 */
let reportSecondsPerContact: number | undefined;
const DYNAMO_REQUEST_SECONDS = 0.02;
if (!skip.has('store')) {
  const dynamo = await startLocalDynamo({ startTimeoutMs: 60_000 });
  try {
    const client = makeLocalClient(dynamo.endpoint);
    await createTable(client, 'bench');
    client.destroy();
    // Bundled as the functions are deployed (./bundle-run-once.ts): the memory of the code a Lambda runs, not of tsx.
    const script = await bundleRunOnce();
    const runOnce = async (round: number, heapMb: number): Promise<RunFigures> => {
      // The V8 heap limit the deployed function runs with (infra/bundling.ts): without it V8 collects lazily
      // on a big machine and the resident size says more about the machine than about the run.
      const args = ['--enable-source-maps', `--max-old-space-size=${heapMb}`, script, '--endpoint', dynamo.endpoint, '--table', 'bench', '--contacts', String(contacts), '--interactions', String(interactions), '--round', String(round)];
      const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, env: process.env });
      const last = stdout.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as RunFigures;
    };
    // Both as a 1 GB function: the first run stores the whole history, read back from the staged parts as
    // columns (issue 20), and must fit the same function as a schedule's steady state, the repeat run.
    const firstHeapMb = heapLimitMb(ONE_GB_FUNCTION_MB);
    const repeatHeapMb = heapLimitMb(ONE_GB_FUNCTION_MB);
    const first = await runOnce(0, firstHeapMb);
    log(`first run: ${first.writes.items} items, ${first.capacity.writeUnits} WCU, $${first.capacity.costUsd.toFixed(4)} on demand, ${first.wallMs} ms, peak RSS ${first.peakRssMb} MB (load ${load()})`);
    log(`first run, memory by phase: ${first.phases.map((p) => `${p.at} @${p.ms} ms rss ${p.rssMb} heap ${p.heapMb} peak ${p.peakSoFarMb}`).join('; ')}`);
    const repeat = await runOnce(1, repeatHeapMb);
    // What really changed: the 1% of contacts and their one new interaction each, the source state, the run record.
    const changedContacts = countChanged(contacts);
    const repeatChanged = changedContacts * 2 + 1 + 1;
    log(`repeat run (${changedContacts} contacts changed): ${repeat.writes.items} items for ${repeatChanged} changed, ${repeat.capacity.writeUnits} WCU, ${repeat.capacity.readUnits} RCU, $${repeat.capacity.costUsd.toFixed(4)} on demand, ${repeat.wallMs} ms, peak RSS ${repeat.peakRssMb} MB, email HTML ${(repeat.htmlBytes / 1024).toFixed(1)} KiB (load ${load()})`);
    const pullEnd = repeat.phases.filter((p) => p.at === 'pull step').at(-1);
    const stored = repeat.phases.find((p) => p.at === 'run stored');
    if (pullEnd !== undefined && stored !== undefined) {
      const cpuSeconds = (stored.cpuMs - pullEnd.cpuMs) / 1000;
      const requests = repeat.capacity.readRequests + repeat.capacity.writeRequests;
      figures['repeatReportStepCpuMs'] = stored.cpuMs - pullEnd.cpuMs;
      reportSecondsPerContact = (cpuSeconds + requests * DYNAMO_REQUEST_SECONDS) / contacts;
      log(`repeat run's report step: ${cpuSeconds.toFixed(1)} s of CPU and ${requests} DynamoDB requests for ${contacts} contacts`);
    }
    Object.assign(figures, {
      firstRunItems: first.writes.items,
      firstRunWcu: first.capacity.writeUnits,
      firstRunRcu: first.capacity.readUnits,
      firstRunCostUsd: dollars(first.capacity.costUsd),
      firstRunMs: first.wallMs,
      firstRunPeakRssMb: first.peakRssMb,
      firstRunHeapLimitMb: firstHeapMb,
      repeatRunItems: repeat.writes.items,
      repeatRunChangedItems: repeatChanged,
      repeatRunWcu: repeat.capacity.writeUnits,
      repeatRunRcu: repeat.capacity.readUnits,
      repeatRunCostUsd: dollars(repeat.capacity.costUsd),
      repeatRunMs: repeat.wallMs,
      runPeakRssMb: repeat.peakRssMb,
      runHeapLimitMb: repeatHeapMb,
      emailMessageKiB: round1(repeat.messageBytes / 1024),
      emailHtmlKiB: round1(repeat.htmlBytes / 1024),
    });
  } finally {
    await dynamo.stop();
  }
}

function countChanged(n: number): number {
  let changed = 0;
  for (let k = 0; k < n; k++) if (changedInRound(k, 1, 0.01)) changed += 1;
  return changed;
}

// ---- requests of a 20,000-follower pull ----
if (!skip.has('requests')) {
  const FOLLOWERS = 20_000;
  const mastodonSize = { followers: FOLLOWERS, following: 1010, mutual: 500, notifications: 600, statuses: 210, favourites: 210 };
  const mastodon = await startMastodonServer({ token: 'bench-token', world: buildWorld(mastodonSize) });
  try {
    const source = new MastodonSource({ id: 'mastodon', instanceUrl: mastodon.url, accessToken: 'bench-token', backfillDays: 365, maxPages: 1000, http: { sleep: async () => {}, random: () => 0, maxRetries: 5 } });
    await source.pull({ now: NOW });
    // Sizes are no multiple of a page and the history fits the 365-day backfill (a notification every 12 hours),
    // so the fewest requests are plain arithmetic. Documented page maxima: 80 accounts or notifications, 40 statuses or favourites. A short last page ends
    // a walk; a full one needs one more look. Plus verify_credentials and the instance (its account domain).
    const pages = (n: number, limit: number): number => Math.floor(n / limit) + 1;
    figures['mastodonRequests'] = mastodon.total();
    figures['mastodonMinimumRequests'] =
      2 + pages(mastodonSize.followers, 80) + pages(mastodonSize.following, 80) + pages(mastodonSize.notifications, 80) + pages(mastodonSize.statuses, 40) + pages(mastodonSize.favourites, 40);
    log(`Mastodon first pull of ${FOLLOWERS} followers: ${figures['mastodonRequests']} requests (fewest possible ${figures['mastodonMinimumRequests']})`);
  } finally {
    await mastodon.close();
  }

  const blueskySize = { followers: FOLLOWERS, follows: 1010, mutual: 500, notifications: 2010, likes: 210, reposts: 50, posts: 110 };
  const world = scaledWorld(NOW.getTime(), blueskySize);
  const bluesky = await FakeBlueskyServer.start({ world });
  try {
    await makeSource(bluesky, new MemorySessions(), { maxPages: 1000 }).source.pull({ now: NOW });
    figures['blueskyRequests'] = bluesky.totalRequests;
    figures['blueskyMinimumRequests'] = blueskyMinimum(world, blueskySize);
    log(`Bluesky first pull of ${FOLLOWERS} followers: ${figures['blueskyRequests']} requests (fewest possible ${figures['blueskyMinimumRequests']})`);
  } finally {
    await bluesky.close();
  }
  // A week later, 2 follows posted and 1 was deactivated: the repeat run's requests besides the lists (./bluesky-repeat.ts).
  // They depend on what changed, not on the size: 2,000 followers and 300 follows keep it to seconds.
  const repeat = await blueskyRepeat({ followers: 2000, follows: 300, mutual: 100, notifications: 500, likes: 50, reposts: 10, posts: 20 }, 1000);
  figures['blueskyRepeatExtraRequests'] = repeat.extra;
  figures['blueskyRepeatChangedAccounts'] = repeat.changed;
  log(`Bluesky repeat run a week later, ${repeat.changed} accounts changed: ${repeat.extra} requests besides the lists (${repeat.repeatRunRequests} in all; the first run read ${repeat.firstRunAuthorFeeds} last posts)`);
}

/**
 * Bluesky's fewest: handle, DID document, session; pages of 100 for lists and records (a short page ends a
 * record list), profiles 25 at a time; one author feed per follow the inactive_account rule judges (followed
 * at least graceDays ago, not seen talking within inactiveDays).
 */
function blueskyMinimum(world: BlueskyWorld, size: WorldSize): number {
  const DAY = 86_400_000;
  const pages = (n: number, per = 100): number => Math.max(1, Math.ceil(n / per));
  const talking = new Set(world.notifications.filter((n) => ['reply', 'mention', 'quote'].includes(n.reason) && Date.parse(n.indexedAt) >= NOW.getTime() - 180 * DAY).map((n) => n.author.did));
  const followedAt = new Map(
    world.records.get('app.bsky.graph.follow')?.map((r) => {
      const value = r.value as { subject: string; createdAt: string };
      return [value.subject, Date.parse(value.createdAt)] as const;
    }),
  );
  const judged = world.follows.filter((did) => (followedAt.get(did) ?? 0) <= NOW.getTime() - 14 * DAY && !talking.has(did)).length;
  const contactsTotal = size.followers + size.follows - size.mutual;
  return 3 + pages(size.notifications) + pages(size.follows) + pages(size.likes) + pages(size.reposts) + pages(size.posts) + pages(size.followers) + pages(size.follows) + pages(contactsTotal, 25) + judged;
}

// ---- a million followers, simulated under a virtual clock (./simulated-firings.ts) ----
if (!skip.has('million')) {
  const m = await simulateFiring('million-followers.ts', millionSize, millionLatencyMs, log, reportSecondsPerContact === undefined ? undefined : reportSecondsPerContact * millionSize);
  Object.assign(figures, {
    millionFollowerSize: m.followers,
    millionFollowerPullHours: m.pullHours,
    rateLimitBoundHours: m.rateLimitBoundHours,
    millionFollowerOverBoundPercent: m.overBoundPercent,
    millionFollowerSteps: m.pullSteps,
    millionFollowerLongestStepMinutes: m.longestStepMinutes,
    millionFollowerRequests: m.requests,
    millionFollowerMinimumRequests: m.minimumRequests,
    millionFollowerPeakRssMb: m.peakRssMb,
    millionFollowerHeapLimitMb: m.heapLimitMb,
    millionFollowerLargestStagedItemKiB: round1(m.largestStagedItemBytes / 1024),
    millionFollowerRepeatStagedKiB: round1(m.repeatStagedBytes / 1024),
    millionFollowerRepeatStagedWhole: m.repeatStagedWhole,
    millionFollowerRepeatStagedUnchanged: m.repeatStagedUnchanged,
    millionFollowerRepeatCostUsd: m.repeatCostUsd,
    millionFollowerReportStepSeconds: m.reportStepSeconds,
    millionFollowerReportStepBasis: m.reportStepBasis,
    millionFollowerRepeatCostBreakdownUsd: m.repeatCostBreakdownUsd,
    millionFollowerLatencyMs: m.latencyMs,
  });
  log(
    `${m.followers} followers: ${m.pullSteps} pull steps in one execution (longest ${m.longestStepMinutes} min), ${m.requests} requests (fewest ${m.minimumRequests}), ${m.pullHours} h virtual against a bound of ${m.rateLimitBoundHours} h (${m.overBoundPercent}%), peak RSS ${m.peakRssMb} MB, largest staged item ${round1(m.largestStagedItemBytes / 1024)} KiB, a repeat run staged ${round1(m.repeatStagedBytes / 1048576)} MiB (${m.repeatStagedWhole} contacts whole, ${m.repeatStagedUnchanged} unchanged) and costs $${m.repeatCostUsd} (${JSON.stringify(m.repeatCostBreakdownUsd)}; DynamoDB units ${JSON.stringify(m.dynamo)}; staged ${m.stagedItems} items, ${round1(m.stagedBytes / 1048576)} MiB); ${m.realSeconds} s real (load ${load()})`,
  );
}
// The same for Bluesky at its limits (./bluesky-million.ts): the PDS's 3,000 requests per 5 minutes.
if (!skip.has('million') && !skip.has('bluesky-million')) {
  const b = await simulateFiring('bluesky-million.ts', blueskyMillionSize, millionLatencyMs, log, reportSecondsPerContact === undefined ? undefined : reportSecondsPerContact * blueskyMillionSize);
  Object.assign(figures, {
    blueskyMillionSize: b.followers,
    blueskyMillionPullHours: b.pullHours,
    blueskyRateLimitBoundHours: b.rateLimitBoundHours,
    blueskyLatencyBoundHours: b.latencyBoundHours,
    blueskyMillionSteps: b.pullSteps,
    blueskyMillionLongestStepMinutes: b.longestStepMinutes,
    blueskyMillionRequests: b.requests,
    blueskyMillionMinimumRequests: b.minimumRequests,
    blueskyMillionThrottled: b.throttled,
    blueskyMillionPeakRssMb: b.peakRssMb,
    blueskyMillionLargestStagedItemKiB: round1(b.largestStagedItemBytes / 1024),
    blueskyMillionRepeatStagedKiB: round1(b.repeatStagedBytes / 1024),
    blueskyMillionRepeatStagedWhole: b.repeatStagedWhole,
    blueskyMillionRepeatStagedUnchanged: b.repeatStagedUnchanged,
    blueskyMillionRepeatCostUsd: b.repeatCostUsd,
    blueskyMillionReportStepSeconds: b.reportStepSeconds,
    blueskyMillionRepeatCostBreakdownUsd: b.repeatCostBreakdownUsd,
  });
  log(
    `Bluesky, ${b.followers} followers: ${b.pullSteps} pull steps (longest ${b.longestStepMinutes} min), ${b.requests} requests (fewest ${b.minimumRequests}; ${JSON.stringify(b.requestsByRoute)}), ${b.throttled} answered 429, ${b.pullHours} h virtual against a rate-limit bound of ${b.rateLimitBoundHours} h and a latency bound of ${b.latencyBoundHours} h (the requests one after the other), peak RSS ${b.peakRssMb} MB, largest staged item ${round1(b.largestStagedItemBytes / 1024)} KiB, a repeat run staged ${round1(b.repeatStagedBytes / 1048576)} MiB (${b.repeatStagedWhole} contacts whole, ${b.repeatStagedUnchanged} unchanged) and costs $${b.repeatCostUsd} (${JSON.stringify(b.repeatCostBreakdownUsd)}); ${b.realSeconds} s real (load ${load()})`,
  );
}

// ---- bundle ----
if (!skip.has('bundle')) {
  const deployed = await measure(BUNDLE.bundleAwsSdk ? 'sdk-bundled' : 'sdk-from-runtime', 5);
  figures['bundleKiB'] = round1(deployed.bytes / 1024);
  figures['coldImportMs'] = Math.round(deployed.medianImportMs);
  log(`bundle (${deployed.variant}): ${figures['bundleKiB']} KiB, cold import ${figures['coldImportMs']} ms (median of 5)`);
}

figures['loadAverageAtEnd'] = load();
if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
