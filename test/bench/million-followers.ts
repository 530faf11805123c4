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
 * Memory: a sampler reads the process's RSS every 20 ms of real time while a
 * step runs (its peak is the step's `peakRssMb`), and `process.resourceUsage().maxRSS`
 * (the kernel's high-water mark of the whole process, every step and the local
 * server included) is the figure the bench reports: an upper bound of any one step.
 *
 * The latency: on loopback a page answers in milliseconds; a real instance takes
 * longer, and a Lambda is billed while it waits. Each request's answer arrives
 * no sooner than `--latency-ms` of virtual time after it was sent (default
 * 300 ms); the steps' durations (and so the Lambda cost) include it.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { parseArgs } from 'node:util';
import { VirtualClock } from './virtual-clock.ts';

// The firing's clock: the next 5-minute mark (a schedule's time, aligned as the rate-limit periods are). Not a fixed
// date in the past: DynamoDB Local expires items by its own (real) clock, and the lease must outlive the waits.
const PERIOD_MS = 5 * 60_000;
const NOW = new Date(Math.ceil((Date.now() + 1000) / PERIOD_MS) * PERIOD_MS);
// Installed before anything else is built: the step loop, the source and the stores read Date.now() / new Date().
const clock = new VirtualClock(NOW.getTime());
clock.install();

const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
const { marshall } = await import('@aws-sdk/util-dynamodb');
const { pullStep } = await import('../../shared/app/steps.ts');
const { parseConfig } = await import('../../shared/config/load-config.ts');
const { DeployConfig } = await import('../../shared/config/schema.ts');
const { MastodonSource } = await import('../../shared/sources/mastodon/mastodon-source.ts');
const { accountToContact } = await import('../../shared/sources/mastodon/map-account.ts');
const { DynamoStore } = await import('../../shared/store/dynamo-store.ts');
const { firingPartition } = await import('../../shared/store/dynamo-firing-store.ts');
const { makeLocalClient } = await import('../../shared/store/local-dynamo.ts');
const { keys, SK_PREFIX } = await import('../../shared/store/table-schema.ts');
const { PULL_SAVE_MARGIN_MS } = await import('../../functions/pull-step.ts');
const { REPORT_STEP_MIN_MEMORY_MB } = await import('../../infra/bundling.ts');
const { REPORT_STEP_TIMEOUT_SECONDS } = await import('../../infra/followback-stack.ts');
const { startMastodonServer } = await import('../helpers/mastodon-server.ts');
const { owner } = await import('../integration/sources/mastodon/world.ts');
const { meterCapacity, ON_DEMAND_USD_PER_MILLION } = await import('./capacity-meter.ts');
const { generatedAccount, millionWorld } = await import('./million-world.ts');
import type { Firing } from '../../shared/app/steps.ts';
import type { RunChanges } from '../../shared/ports/store.ts';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    table: { type: 'string', default: 'bench' },
    followers: { type: 'string', default: '1000000' },
    'latency-ms': { type: 'string', default: '300' },
  },
});
const FOLLOWERS = Number(values.followers);
const LATENCY_MS = Number(values['latency-ms']);
if (values.endpoint === undefined || !Number.isInteger(FOLLOWERS) || FOLLOWERS < 1000 || !Number.isFinite(LATENCY_MS) || LATENCY_MS < 0) {
  throw new Error('million-followers: --endpoint is required; --followers a whole number ≥ 1000; --latency-ms ≥ 0');
}
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const MB = 1024 * 1024;

/**
 * Prices (us-east-1, on demand, list prices; written down 2026-12-07 from the pages below, not fetched by the
 * bench: these machines reach no network but the package registries):
 * - Lambda arm64 (the stack's functions are ARM_64, infra/constructs/job-function.ts): $0.0000133334 per
 *   GB-second (the first 7.5 billion GB-s a month) and $0.20 per million requests — aws.amazon.com/lambda/pricing.
 * - Step Functions standard workflows: $0.025 per 1,000 state transitions (after 4,000 free a month) —
 *   aws.amazon.com/step-functions/pricing (the figure docs/deploying-and-costs.md uses).
 * - DynamoDB on demand: $0.625 per million write request units, $0.125 per million read request units
 *   (since November 2024) — aws.amazon.com/dynamodb/pricing/on-demand; the constants of ./capacity-meter.ts.
 */
export const PRICES = {
  lambdaArmUsdPerGbSecond: 0.0000133334,
  lambdaUsdPerRequest: 0.2 / 1_000_000,
  stepFunctionsUsdPerTransition: 0.025 / 1000,
  dynamoUsdPerWriteUnit: ON_DEMAND_USD_PER_MILLION.write / 1_000_000,
  dynamoUsdPerReadUnit: ON_DEMAND_USD_PER_MILLION.read / 1_000_000,
  source: 'us-east-1 list prices: aws.amazon.com/lambda/pricing (arm64), /step-functions/pricing, /dynamodb/pricing/on-demand; as of 2026-12-07',
} as const;
/** DynamoDB's item limit. */
const ITEM_LIMIT_BYTES = 400 * 1024;

// ---- the stack's function sizes (the defaults a config gets: shared/config/schema.ts DeployConfig) ----
const deploy = DeployConfig.parse({ sesIdentity: 'bench.example' });
const PULL_MEMORY_MB = deploy.memoryMb;
const PULL_TIMEOUT_S = deploy.timeoutSeconds;
const REPORT_MEMORY_MB = Math.max(deploy.memoryMb, REPORT_STEP_MIN_MEMORY_MB);
// What functions/pull-step.ts hands pullStep: the invocation's remaining time less the margin to stage and save.
const BUDGET_MS = PULL_TIMEOUT_S * 1000 - PULL_SAVE_MARGIN_MS;

// ---- the store, metered; the staged items' sizes seen as they are written ----
const client = makeLocalClient(values.endpoint);
const meter = meterCapacity(client);
const staged: { bytes: number; units: number }[] = [];
client.middlewareStack.add(
  (next, context) => async (args) => {
    // Before lib-dynamodb's marshalling the item is plain values; after it, attribute values: size the latter.
    const raw = (args.input as { Item?: Record<string, unknown> }).Item;
    const out = await next(args);
    const item = raw === undefined ? undefined : typeof raw['entity'] === 'string' ? marshall(raw, { removeUndefinedValues: true }) : (raw as Record<string, AttributeValue>);
    if (context.commandName === 'PutItemCommand' && item?.['entity']?.S === 'firing-part') {
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      staged.push({ bytes: itemSize(item), units: consumed?.CapacityUnits ?? 0 });
    }
    return out;
  },
  { step: 'initialize', name: 'benchStagedItemSizes' },
);
const store = new DynamoStore({ client, tableName: values.table });

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
const deps = {
  store,
  mailer: null,
  // As the Lambda does on each invocation: the sources are built for the step (a fresh HTTP client, no carried state).
  sourcesFor: () => [new MastodonSource({ id: 'masto', instanceUrl: server.url, accessToken: TOKEN, backfillDays: 365, maxPages: 1000, http: { fetch: fetchWithLatency, sleep: clock.sleep, now: clock.now, random: () => 0.5 } })],
};

// ---- memory: a sampler during each step, the kernel's high-water mark after it ----
let stepPeak = 0;
const sampler = setInterval(() => {
  stepPeak = Math.max(stepPeak, process.memoryUsage.rss());
}, 20);

interface StepFigures {
  step: number;
  virtualMs: number;
  requests: number;
  items: number;
  waitSeconds: number;
  peakRssMb: number;
  maxRssMb: number;
  heapUsedMb: number;
}
const steps: StepFigures[] = [];
const pullStarted = clock.now();
const realStarted = performance.now();
let transitions = 3 + 1; // the gate's 3, the loop's Start
let lastRequests = 0;
for (;;) {
  stepPeak = process.memoryUsage.rss();
  const t0 = clock.now();
  const out = await pullStep(firing, BUDGET_MS, deps);
  const virtualMs = clock.now() - t0;
  stepPeak = Math.max(stepPeak, process.memoryUsage.rss());
  transitions += 2; // Pull, All pulled?
  if (out.outcome !== undefined) throw new Error(`the firing ended as ${out.outcome}`);
  const source = out.sources[0];
  const figures: StepFigures = {
    step: out.iteration,
    virtualMs,
    requests: (source?.requests ?? 0) - lastRequests,
    items: source?.items ?? 0,
    waitSeconds: out.waitSeconds,
    peakRssMb: Math.round(stepPeak / MB),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / MB),
  };
  lastRequests = source?.requests ?? 0;
  steps.push(figures);
  if (out.iteration === 1 || out.iteration % 10 === 0 || out.done) {
    log(`  step ${figures.step}: ${figures.requests} requests, ${(virtualMs / 1000).toFixed(1)} s virtual, wait ${out.waitSeconds} s, ${figures.items} items so far, RSS peak ${figures.peakRssMb} MB (${((performance.now() - realStarted) / 1000).toFixed(0)} s real)`);
  }
  if (out.done) {
    if (source?.state !== 'complete') throw new Error(`the pull ended ${source?.state ?? 'without a source'}, not complete`);
    break;
  }
  transitions += 1; // Wait
  await clock.sleep(out.waitSeconds * 1000);
}
const pullEnded = clock.now();
clearInterval(sampler);
const pullCapacity = meter.totals();

// ---- what the report step does with the staged parts: read them back (one consistent query per source), then finish the firing (its state deleted, the parts left to TTL) ----
// Read with Select COUNT: the same read units as reading the items (DynamoDB charges what it reads, not what it returns),
// without holding a million contacts in a process limited to the pull function's heap.
let countStart: Record<string, AttributeValue> | undefined;
let stagedItems = 0;
do {
  const page = await client.send(
    new QueryCommand({
      TableName: values.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': { S: firingPartition(profile.id, firing.firingKey) }, ':sk': { S: 'part#' } },
      ConsistentRead: true,
      Select: 'COUNT',
      ...(countStart ? { ExclusiveStartKey: countStart } : {}),
    }),
  );
  stagedItems += page.Count ?? 0;
  countStart = page.LastEvaluatedKey;
} while (countStart !== undefined);
const afterRead = meter.totals();
await store.firingStore().finishFiring(profile.id, firing.firingKey);
const afterDelete = meter.totals();

// ---- the report step's own reads and writes of the profile, measured on a sample of stored contacts and scaled ----
// A repeat run loads every stored contact (loadProfileState) and writes those that changed (1%, as the bench's
// repeat run): both linear in the contacts, so a sample of 2,000 real contact items gives the units per contact.
const SAMPLE = 2000;
const sampleClient = makeLocalClient(values.endpoint);
const sampleMeter = meterCapacity(sampleClient);
const sampleStore = new DynamoStore({ client: sampleClient, tableName: values.table });
const seen = NOW.toISOString();
const sampleChanges = {
  contacts: Array.from({ length: SAMPLE }, (_, k) => ({
    ...accountToContact(generatedAccount(10_000_001 + k, NOW.getTime()) as never, 'follower', 'mastodon.social'),
    sourceId: 'masto',
    platform: 'mastodon',
    firstSeenAt: seen,
    lastSeenAt: seen,
    reasons: [],
  })),
  removedContactKeys: [],
  interactions: [],
  sources: [],
  run: { runId: 'sample', at: seen },
} as unknown as RunChanges;
await sampleStore.applyRun('sample', sampleChanges, 400);
const sampleWrite = sampleMeter.totals();
// What loadProfileState reads of them: the contacts' query (consistent, as the store asks), every page.
let sampleStart: Record<string, AttributeValue> | undefined;
do {
  const page = await sampleClient.send(
    new QueryCommand({
      TableName: values.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': { S: keys.profile('sample') }, ':sk': { S: SK_PREFIX.contact } },
      ConsistentRead: true,
      ...(sampleStart ? { ExclusiveStartKey: sampleStart } : {}),
    }),
  );
  if (page.Items === undefined) throw new Error('the sample query returned no items');
  sampleStart = page.LastEvaluatedKey;
} while (sampleStart !== undefined);
const sampleRead = sampleMeter.totals();
const wcuPerContact = (sampleWrite.writeUnits - 1) / SAMPLE; // less the run record
const rcuPerContact = (sampleRead.readUnits - sampleWrite.readUnits) / SAMPLE;
sampleClient.destroy();

await server.close();
client.destroy();

// ---- figures ----
const contactsTotal = FOLLOWERS + 500 - 250;
const pageOf = (n: number, per: number): number => Math.floor(n / per) + 1;
// verify_credentials and the instance; the follower and following lists (a full last page needs one more look);
// notifications, statuses, favourites: one (empty) page each.
const minimumRequests = 2 + pageOf(FOLLOWERS, 80) + pageOf(500, 80) + 3;
const requests = server.total();
const virtualPullMs = pullEnded - pullStarted;
const rateLimitBoundMs = (FOLLOWERS / 80 / 300) * 5 * 60_000;
const stepCount = steps.length;
transitions += 2; // Report, Delivered
const longestStepMs = Math.max(...steps.map((s) => s.virtualMs));
const pullGbSeconds = steps.reduce((sum, s) => sum + (s.virtualMs / 1000) * (PULL_MEMORY_MB / 1024), 0);
const reportGbSecondsBound = REPORT_STEP_TIMEOUT_SECONDS * (REPORT_MEMORY_MB / 1024);
const changedContacts = Math.round(contactsTotal * 0.01);
const dynamo = {
  pullWriteUnits: pullCapacity.writeUnits,
  pullReadUnits: pullCapacity.readUnits,
  stagedReadUnits: afterRead.readUnits - pullCapacity.readUnits,
  stagedDeleteUnits: afterDelete.writeUnits - afterRead.writeUnits,
  profileReadUnits: Math.round(rcuPerContact * contactsTotal),
  changedWriteUnits: Math.round(wcuPerContact * changedContacts) + 2,
};
const writeUnits = dynamo.pullWriteUnits + dynamo.stagedDeleteUnits + dynamo.changedWriteUnits;
const readUnits = dynamo.pullReadUnits + dynamo.stagedReadUnits + dynamo.profileReadUnits;
const cost = {
  lambdaPullUsd: pullGbSeconds * PRICES.lambdaArmUsdPerGbSecond + stepCount * PRICES.lambdaUsdPerRequest,
  lambdaReportUsdBound: reportGbSecondsBound * PRICES.lambdaArmUsdPerGbSecond + PRICES.lambdaUsdPerRequest,
  stepFunctionsUsd: transitions * PRICES.stepFunctionsUsdPerTransition,
  dynamoWriteUsd: writeUnits * PRICES.dynamoUsdPerWriteUnit,
  dynamoReadUsd: readUnits * PRICES.dynamoUsdPerReadUnit,
};
const totalUsd = Object.values(cost).reduce((a, b) => a + b, 0);
// What the explicit delete of the staged parts costs (a delete is billed by the item's size, as a put is; an item
// that expires by TTL is deleted for free): the repeat run without it, for the report.
const stagedDeleteUsd = dynamo.stagedDeleteUnits * PRICES.dynamoUsdPerWriteUnit;
const maxStagedBytes = Math.max(0, ...staged.map((s) => s.bytes));
const result = {
  followers: FOLLOWERS,
  contacts: contactsTotal,
  latencyMs: LATENCY_MS,
  pullMemoryMb: PULL_MEMORY_MB,
  pullTimeoutSeconds: PULL_TIMEOUT_S,
  stepBudgetSeconds: BUDGET_MS / 1000,
  pullSteps: stepCount,
  completedInOneExecution: true,
  longestStepMinutes: round2(longestStepMs / 60_000),
  requests,
  minimumRequests,
  followerListRequests: server.requests.followers,
  throttled: server.log.filter((r) => r.status === 429).length,
  pullHours: round3(virtualPullMs / 3_600_000),
  rateLimitBoundHours: round3(rateLimitBoundMs / 3_600_000),
  overBoundPercent: round2(((virtualPullMs - rateLimitBoundMs) / rateLimitBoundMs) * 100),
  realSeconds: Math.round((performance.now() - realStarted) / 1000),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  largestStepPeakRssMb: Math.max(...steps.map((s) => s.peakRssMb)),
  heapLimitMb: heapLimitOf(),
  stagedItems: staged.length,
  stagedItemsReadBack: stagedItems,
  largestStagedItemBytes: maxStagedBytes,
  stagedItemLimitBytes: ITEM_LIMIT_BYTES,
  stagedBytes: staged.reduce((a, s) => a + s.bytes, 0),
  stagedWriteUnits: staged.reduce((a, s) => a + s.units, 0),
  dynamo: { ...dynamo, writeUnits, readUnits, wcuPerContact: round3(wcuPerContact), rcuPerContact: round3(rcuPerContact), changedContacts },
  transitions,
  lambdaGbSeconds: { pull: Math.round(pullGbSeconds), reportBound: reportGbSecondsBound },
  repeatCostUsd: Number(totalUsd.toFixed(5)),
  repeatCostWithoutStagedDeletesUsd: Number((totalUsd - stagedDeleteUsd).toFixed(5)),
  repeatCostBreakdownUsd: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, Number(v.toFixed(5))])),
  prices: PRICES,
  steps: steps.map((s) => ({ ...s, virtualSeconds: round2(s.virtualMs / 1000) })),
};
process.stdout.write(`${JSON.stringify(result)}\n`);

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
function heapLimitOf(): number | null {
  const arg = process.execArgv.find((a) => a.startsWith('--max-old-space-size='));
  return arg === undefined ? null : Number(arg.split('=')[1]);
}

type AttributeValue = import('@aws-sdk/client-dynamodb').AttributeValue;

/** DynamoDB's item size: each attribute's name plus its value (strings as UTF-8, binary as bytes, numbers about a byte per two digits). */
function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name, 'utf8');
    if (value.S !== undefined) size += Buffer.byteLength(value.S, 'utf8');
    else if (value.B !== undefined) size += value.B.byteLength;
    else if (value.N !== undefined) size += Math.ceil(value.N.replace(/^-/, '').replace('.', '').length / 2) + 1;
    else size += 1;
  }
  return size;
}
