/**
 * What the simulated big firings share (./million-followers.ts for Mastodon,
 * ./bluesky-million.ts for Bluesky): the step loop the state machine runs,
 * under a virtual clock, with each step's virtual duration and memory; the
 * staged items' sizes as they are written; the report step's read of the
 * staged parts; the profile's read and write units per contact, measured on a
 * sample of real contact items; and the cost of one repeat run.
 *
 * The loop is infra/constructs/firing-state-machine.ts's:
 *
 *   gate (Name the firing, Start the firing, Started) -> Start -> Pull -> All pulled? -> Wait -> Pull ... -> Report -> Delivered
 *
 * `pullStep` of shared/app/steps.ts with the budget functions/pull-step.ts gives
 * it (the function's timeout less PULL_SAVE_MARGIN_MS), the waits slept on the
 * virtual clock.
 */
import { parseArgs } from 'node:util';
import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { LEASE_KEY, pullStep, type Firing, type StepDeps } from '../../shared/app/steps.ts';
import { contactFingerprint, FingerprintIndex, stagedFingerprint } from '../../shared/domain/contact-fingerprint.ts';
import { readStagedChunk } from '../../shared/store/staged-columns.ts';
import { DeployConfig } from '../../shared/config/schema.ts';
import type { Contact } from '../../shared/domain/model.ts';
import type { RunChanges } from '../../shared/ports/store.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { firingPartition } from '../../shared/store/dynamo-firing-store.ts';
import { makeLocalClient } from '../../shared/store/local-dynamo.ts';
import { keys, SK_PREFIX } from '../../shared/store/table-schema.ts';
import { PULL_SAVE_MARGIN_MS } from '../../functions/pull-step.ts';
import { REPORT_STEP_MIN_MEMORY_MB } from '../../infra/bundling.ts';
import { REPORT_STEP_TIMEOUT_SECONDS } from '../../infra/followback-stack.ts';
import { meterCapacity, ON_DEMAND_USD_PER_MILLION, type CapacityTotals } from './capacity-meter.ts';
import type { VirtualClock } from './virtual-clock.ts';

const MB = 1024 * 1024;
const HOURS_PER_MONTH = 730;

/**
 * Prices (us-east-1, list prices; written down 2026-12-07 from the pages named, not fetched by the bench:
 * these machines reach no network but the package registries):
 * - Lambda arm64 (the stack's functions are ARM_64, infra/constructs/job-function.ts): $0.0000133334 per
 *   GB-second (the first 7.5 billion GB-s a month) and $0.20 per million requests: aws.amazon.com/lambda/pricing.
 * - Step Functions standard workflows: $0.025 per 1,000 state transitions (after 4,000 free a month):
 *   aws.amazon.com/step-functions/pricing (the figure docs/deploying-and-costs.md uses).
 * - DynamoDB on demand: $0.625 per million write request units, $0.125 per million read request units (since
 *   November 2024): aws.amazon.com/dynamodb/pricing/on-demand, the constants of ./capacity-meter.ts. Storage
 *   $0.25 per GB-month (after the first 25 GB), and continuous backups (PITR, on in the stack) $0.20 per
 *   GB-month of table size: the same page. An item is billed its size plus 100 bytes of overhead.
 * - TTL deletes expired items free, "typically within two days of expiration" (DynamoDB API reference,
 *   UpdateTimeToLive; developer guide, howitworks-ttl): staged parts are stored until then.
 * No free tier is counted.
 */
export const PRICES = {
  lambdaArmUsdPerGbSecond: 0.0000133334,
  lambdaUsdPerRequest: 0.2 / 1_000_000,
  stepFunctionsUsdPerTransition: 0.025 / 1000,
  dynamoUsdPerWriteUnit: ON_DEMAND_USD_PER_MILLION.write / 1_000_000,
  dynamoUsdPerReadUnit: ON_DEMAND_USD_PER_MILLION.read / 1_000_000,
  dynamoStorageUsdPerGbMonth: 0.25,
  dynamoPitrUsdPerGbMonth: 0.2,
  ttlDeletionLagHours: 48,
  itemOverheadBytes: 100,
  source:
    'us-east-1 list prices: aws.amazon.com/lambda/pricing (arm64), /step-functions/pricing, /dynamodb/pricing/on-demand (requests, storage, PITR); TTL lag: DynamoDB UpdateTimeToLive reference; as of 2026-12-07',
} as const;
/** DynamoDB's item limit. */
export const ITEM_LIMIT_BYTES = 400 * 1024;

// ---- the stack's function sizes (the defaults a config gets: shared/config/schema.ts DeployConfig, infra/followback-stack.ts) ----
const deploy = DeployConfig.parse({ sesIdentity: 'bench.example' });
export const PULL_MEMORY_MB = deploy.memoryMb;
export const PULL_TIMEOUT_S = deploy.timeoutSeconds;
export const REPORT_MEMORY_MB = Math.max(deploy.memoryMb, REPORT_STEP_MIN_MEMORY_MB);
/** What functions/pull-step.ts hands pullStep: the invocation's remaining time less the margin to stage and save. */
export const BUDGET_MS = PULL_TIMEOUT_S * 1000 - PULL_SAVE_MARGIN_MS;

/** The staged items' sizes, seen as they are written (a middleware on the client, before the store's own code runs). */
export function watchStagedItems(client: DynamoDBClient): { bytes: number; units: number }[] {
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
  return staged;
}

export interface StepFigures {
  step: number;
  virtualMs: number;
  requests: number;
  items: number;
  waitSeconds: number;
  peakRssMb: number;
  maxRssMb: number;
  heapUsedMb: number;
}

export interface LoopFigures {
  steps: StepFigures[];
  /** State transitions of the execution so far (the gate's, the loop's; Report and Delivered not yet). */
  transitions: number;
  pullStarted: number;
  pullEnded: number;
  realStarted: number;
}

/** Pull steps until the firing is done, as the state machine runs them, sleeping each Wait on the virtual clock. */
export async function runPullSteps(firing: Firing, deps: StepDeps, clock: VirtualClock, log: (line: string) => void): Promise<LoopFigures> {
  let stepPeak = 0;
  const sampler = setInterval(() => {
    stepPeak = Math.max(stepPeak, process.memoryUsage.rss());
  }, 20);
  const steps: StepFigures[] = [];
  const pullStarted = clock.now();
  const realStarted = performance.now();
  let transitions = 3 + 1; // the gate's 3, the loop's Start
  let lastRequests = 0;
  try {
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
  } finally {
    clearInterval(sampler);
  }
  return { steps, transitions, pullStarted, pullEnded: clock.now(), realStarted };
}

/**
 * What the report step reads of the staged parts: one consistent query per source over the firing's
 * partition. Select COUNT costs the same read units as reading the items (DynamoDB charges what it reads,
 * not what it returns), without holding a million contacts in a process limited to the pull function's heap.
 */
export async function readBackStaged(client: DynamoDBClient, table: string, profileId: string, firingKey: string): Promise<number> {
  let start: Record<string, AttributeValue> | undefined;
  let count = 0;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': { S: firingPartition(profileId, firingKey) }, ':sk': { S: 'part#' } },
        ConsistentRead: true,
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
}

/**
 * The report step's own reads and writes of the profile, per contact, on a sample of real contact items:
 * a repeat run loads every stored contact (loadProfileState, a consistent query) and writes those that
 * changed; both are linear in the contacts.
 */
export async function profileUnitsPerContact(endpoint: string, table: string, contacts: Contact[], at: string): Promise<{ wcuPerContact: number; rcuPerContact: number }> {
  const client = makeLocalClient(endpoint);
  try {
    const meter = meterCapacity(client);
    const store = new DynamoStore({ client, tableName: table });
    const changes = { contacts, removedContactKeys: [], interactions: [], sources: [], run: { runId: 'sample', at } } as unknown as RunChanges;
    await store.applyRun('sample', changes, 400);
    const written = meter.totals();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': { S: keys.profile('sample') }, ':sk': { S: SK_PREFIX.contact } },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      if (page.Items === undefined) throw new Error('the sample query returned no items');
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    const read = meter.totals();
    // Less the run record.
    return { wcuPerContact: (written.writeUnits - 1) / contacts.length, rcuPerContact: (read.readUnits - written.readUnits) / contacts.length };
  } finally {
    client.destroy();
  }
}

export interface RepeatCostInput {
  loop: LoopFigures;
  /** Capacity of the pull steps (staging, state, claims, the firing index). */
  pull: CapacityTotals;
  /** Read units of the report step's read of the parts. */
  stagedReadUnits: number;
  /** Write units of finishing the firing (its state deleted; the parts left to TTL). */
  finishWriteUnits: number;
  /** Write units of the contact fingerprints the report step leaves for the next run (shared/domain/contact-fingerprint.ts). */
  fingerprintWriteUnits: number;
  /** The report step's own fingerprint work (RepeatFiring.reportFingerprints): added to its seconds and reads. */
  reportFingerprints: { cpuSeconds: number; readUnits: number };
  staged: { bytes: number; units: number }[];
  contacts: number;
  /** Share of contacts a repeat run writes (they changed). */
  changedShare: number;
  units: { wcuPerContact: number; rcuPerContact: number };
  maxPullHours: number;
  /**
   * The report step's billed seconds at this size, when the bench measured them (`--report-seconds`: its own
   * repeat run's report step, scaled to these contacts, ./bench.ts reportStepSeconds); else its bound, the
   * whole timeout.
   */
  reportSeconds?: number;
}

/** One repeat run's cost in dollars: each line, the total and the units behind them. */
export function repeatCost(input: RepeatCostInput) {
  const { loop, pull } = input;
  const transitions = loop.transitions + 2; // Report, Delivered
  const pullGbSeconds = loop.steps.reduce((sum, s) => sum + (s.virtualMs / 1000) * (PULL_MEMORY_MB / 1024), 0);
  // Not simulated here: the report step itself, at the seconds the bench measured for it, else at its bound (the
  // whole timeout at its memory); never past the bound (the step would have been stopped).
  const reportSeconds = Math.min(input.reportSeconds === undefined ? REPORT_STEP_TIMEOUT_SECONDS : input.reportSeconds + input.reportFingerprints.cpuSeconds, REPORT_STEP_TIMEOUT_SECONDS);
  const reportGbSeconds = reportSeconds * (REPORT_MEMORY_MB / 1024);
  const changedContacts = Math.round(input.contacts * input.changedShare);
  const dynamo = {
    pullWriteUnits: pull.writeUnits,
    pullReadUnits: pull.readUnits,
    stagedReadUnits: input.stagedReadUnits,
    finishWriteUnits: input.finishWriteUnits,
    fingerprintWriteUnits: input.fingerprintWriteUnits,
    profileReadUnits: Math.round(input.units.rcuPerContact * input.contacts),
    reportIndexReadUnits: input.reportFingerprints.readUnits,
    // The changed contacts, the source state and the run record.
    changedWriteUnits: Math.round(input.units.wcuPerContact * changedContacts) + 2,
  };
  const writeUnits = dynamo.pullWriteUnits + dynamo.finishWriteUnits + dynamo.fingerprintWriteUnits + dynamo.changedWriteUnits;
  const readUnits = dynamo.pullReadUnits + dynamo.stagedReadUnits + dynamo.profileReadUnits + dynamo.reportIndexReadUnits;
  // The parts are stored (and backed up by PITR) from their write until TTL deletes them: maxPullHours and the
  // staging slack of a day after the write (shared/app/steps.ts), then TTL's lag.
  const stagedGb = input.staged.reduce((sum, s) => sum + s.bytes + PRICES.itemOverheadBytes, 0) / 1e9;
  const storedMonths = (input.maxPullHours + 24 + PRICES.ttlDeletionLagHours) / HOURS_PER_MONTH;
  const cost = {
    lambdaPullUsd: pullGbSeconds * PRICES.lambdaArmUsdPerGbSecond + loop.steps.length * PRICES.lambdaUsdPerRequest,
    lambdaReportUsd: reportGbSeconds * PRICES.lambdaArmUsdPerGbSecond + PRICES.lambdaUsdPerRequest,
    stepFunctionsUsd: transitions * PRICES.stepFunctionsUsdPerTransition,
    dynamoWriteUsd: writeUnits * PRICES.dynamoUsdPerWriteUnit,
    dynamoReadUsd: readUnits * PRICES.dynamoUsdPerReadUnit,
    dynamoStagedStorageUsd: stagedGb * storedMonths * (PRICES.dynamoStorageUsdPerGbMonth + PRICES.dynamoPitrUsdPerGbMonth),
  };
  const totalUsd = Object.values(cost).reduce((a, b) => a + b, 0);
  return {
    totalUsd,
    breakdownUsd: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, Number(v.toFixed(5))])),
    dynamo: { ...dynamo, writeUnits, readUnits, wcuPerContact: round3(input.units.wcuPerContact), rcuPerContact: round3(input.units.rcuPerContact), changedContacts },
    transitions,
    lambdaGbSeconds: { pull: Math.round(pullGbSeconds), report: Math.round(reportGbSeconds) },
    reportStepSeconds: Math.round(reportSeconds),
    reportStepBasis: reportSeconds < REPORT_STEP_TIMEOUT_SECONDS ? 'measured (--report-seconds)' : 'bound (the whole timeout)',
  };
}

/**
 * The cost of a simulation's repeat firing (`repeatFiring`): its pull steps, staged parts and fingerprints as
 * measured, and its report step reading `contacts` stored contacts and writing the 1 % that changed (the
 * bench's repeat run), at `reportSeconds` when the bench measured them.
 */
export function repeatFiringCost(repeat: RepeatFiring, input: { contacts: number; units: RepeatCostInput['units']; maxPullHours: number; reportSeconds: number | undefined }) {
  return repeatCost({
    loop: repeat.loop,
    pull: repeat.pull,
    stagedReadUnits: repeat.stagedReadUnits,
    finishWriteUnits: repeat.finishWriteUnits,
    fingerprintWriteUnits: repeat.fingerprints.writeUnits,
    reportFingerprints: repeat.reportFingerprints,
    staged: repeat.staged,
    contacts: input.contacts,
    changedShare: 0.01,
    units: input.units,
    maxPullHours: input.maxPullHours,
    ...(input.reportSeconds !== undefined ? { reportSeconds: input.reportSeconds } : {}),
  });
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The V8 heap limit this process runs with (--max-old-space-size), null without one. */
export function heapLimitOf(): number | null {
  const arg = process.execArgv.find((a) => a.startsWith('--max-old-space-size='));
  return arg === undefined ? null : Number(arg.split('=')[1]);
}

/** DynamoDB's item size: each attribute's name plus its value (strings as UTF-8, binary as bytes, numbers about a byte per two digits). */
export function itemSize(item: Record<string, AttributeValue>): number {
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

/**
 * What both simulations start with: their flags (`--endpoint URL [--table bench] [--followers 1000000]
 * [--latency-ms 300] [--report-seconds S]`), checked, and the table they stage into, metered, on the virtual clock (leases and
 * expiries), with the staged items' sizes seen as they are written.
 */
export function simulationSetup(script: string, clock: VirtualClock) {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      table: { type: 'string', default: 'bench' },
      followers: { type: 'string', default: '1000000' },
      'latency-ms': { type: 'string', default: '300' },
      'report-seconds': { type: 'string' },
    },
  });
  const followers = Number(values.followers);
  const latencyMs = Number(values['latency-ms']);
  const reportSeconds = values['report-seconds'] === undefined ? undefined : Number(values['report-seconds']);
  if (reportSeconds !== undefined && !(Number.isFinite(reportSeconds) && reportSeconds > 0)) throw new Error(`${script}: --report-seconds must be a positive number of seconds`);
  if (values.endpoint === undefined || !Number.isInteger(followers) || followers < 1000 || !Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new Error(`${script}: --endpoint is required; --followers a whole number ≥ 1000; --latency-ms ≥ 0`);
  }
  const client = makeLocalClient(values.endpoint);
  return {
    endpoint: values.endpoint,
    table: values.table,
    followers,
    latencyMs,
    ...(reportSeconds !== undefined ? { reportSeconds } : {}),
    log: (line: string): void => void process.stderr.write(`${line}\n`),
    client,
    meter: meterCapacity(client),
    staged: watchStagedItems(client),
    store: new DynamoStore({ client, tableName: values.table, clock: () => new Date(clock.now()) }),
  };
}

/** What the meter counted between two of its totals. */
export function since(after: CapacityTotals, before: CapacityTotals): CapacityTotals {
  return {
    writeRequests: after.writeRequests - before.writeRequests,
    writeUnits: after.writeUnits - before.writeUnits,
    readRequests: after.readRequests - before.readRequests,
    readUnits: after.readUnits - before.readUnits,
    costUsd: after.costUsd - before.costUsd,
  };
}

export interface RepeatFiring {
  loop: LoopFigures;
  /** The capacity of the repeat firing's pull steps alone. */
  pull: CapacityTotals;
  stagedReadUnits: number;
  finishWriteUnits: number;
  /** The items the repeat firing staged. */
  staged: { bytes: number; units: number }[];
  fingerprints: { count: number; writeUnits: number };
  /**
   * What the repeat's report step adds for the fingerprints, measured here (no report step runs in the
   * simulation): reading the index once, finding the fingerprint each stored contact is known by there, so as to
   * know which one each staged position is (shared/domain/contact-fingerprint.ts stagedFingerprint, timed on a
   * sample and scaled), and building
   * and packing the next index.
   */
  reportFingerprints: { cpuSeconds: number; readUnits: number };
  /** Contacts staged whole, and as unchanged entries, by the repeat firing. */
  stagedWhole: number;
  stagedUnchanged: number;
}

/** The bodies of every chunk a firing staged (eventually consistent: the bench reads what it wrote long before). */
async function stagedBodies(client: DynamoDBClient, table: string, profileId: string, firingKey: string): Promise<Uint8Array[]> {
  const bodies: Uint8Array[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page: QueryCommandOutput = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': { S: firingPartition(profileId, firingKey) }, ':sk': { S: 'part#' } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) if (item['body']?.B !== undefined) bodies.push(item['body'].B);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return bodies;
}

interface SimulationTable {
  client: DynamoDBClient;
  table: string;
  store: DynamoStore;
  meter: ReturnType<typeof meterCapacity>;
  staged: { bytes: number; units: number }[];
}

/**
 * The run after `first` (whose pull steps ran and whose parts are staged), as a schedule's next firing meets
 * it: the contact fingerprints the first firing's stored report would have left (built here from its staged
 * contacts, as the report step builds them, less `changedShare` of them: the contacts that changed since),
 * then the same firing an hour later through the same step loop, then what its report step reads.
 *
 * Two simplifications, both against the savings: the contacts of the following list are left out of the
 * fingerprints (a mutual's staged forms are not its assembled one; the 500 are staged whole), and no report
 * step stored the first firing's contacts, so a source that asks the store (Bluesky's last posts) asks again.
 */
export async function repeatFiring(first: Firing, sourceId: string, deps: StepDeps, clock: VirtualClock, sim: SimulationTable, changedShare: number, log: (line: string) => void): Promise<RepeatFiring> {
  const { client, table, store, meter, staged } = sim;
  const profileId = first.profile.id;
  // ---- the fingerprints: every staged contact of the first firing, but the following list and the changed share ----
  const bodies = await stagedBodies(client, table, profileId, first.firingKey);
  const every = Math.round(1 / changedShare);
  const values: bigint[] = [];
  const sample: Contact[] = [];
  let seen = 0;
  for (const [k, body] of bodies.entries()) {
    for (const contact of readStagedChunk(body, `staged chunk ${k}`).contacts) {
      if (contact.relation !== 'follower') continue;
      seen += 1;
      if (seen % every === 0) continue; // changed since
      values.push(contactFingerprint(contact));
      if (sample.length < FINGERPRINT_SAMPLE) sample.push(contact);
    }
  }
  bodies.length = 0;
  const beforeIndex = meter.totals();
  const packCpu = process.cpuUsage();
  const built = new FingerprintIndex(BigUint64Array.from(values));
  await store.firingStore().saveFingerprints(profileId, sourceId, built);
  const packSeconds = cpuSecondsSince(packCpu);
  const fingerprints = { count: values.length, writeUnits: since(meter.totals(), beforeIndex).writeUnits };
  log(`  the previous report's fingerprints: ${values.length} contacts (${seen - values.length} changed since), ${fingerprints.writeUnits} WCU`);
  values.length = 0;
  // ---- what the report step will add for them: the index read once, each unchanged contact's fingerprint found again ----
  const beforeLoad = meter.totals();
  const loadCpu = process.cpuUsage();
  const known = await store.firingStore().loadFingerprints(profileId, sourceId);
  if (known === null) throw new Error('the fingerprints just saved did not read back');
  const { index } = known;
  const loadSeconds = cpuSecondsSince(loadCpu);
  const indexReadUnits = since(meter.totals(), beforeLoad).readUnits;
  const findCpu = process.cpuUsage();
  for (const contact of sample) if (stagedFingerprint(contact, index) === undefined) throw new Error(`contact ${contact.id} is not in the index it was fingerprinted into`);
  const findSecondsPerContact = cpuSecondsSince(findCpu) / Math.max(1, sample.length);
  sample.length = 0;

  // ---- the repeat firing, an hour later ----
  await store.releaseRun(profileId, LEASE_KEY);
  await clock.sleep(3_600_000);
  const at = new Date(clock.now());
  const repeat: Firing = { ...first, now: at, firingKey: `${first.firingKey}:repeat`, holder: `${first.holder}:repeat`, startedAt: at.toISOString() };
  const stagedBefore = staged.length;
  const beforePull = meter.totals();
  log('  the repeat firing:');
  const loop = await runPullSteps(repeat, deps, clock, log);
  const afterPull = meter.totals();
  const readBack = await readBackStaged(client, table, profileId, repeat.firingKey);
  const afterRead = meter.totals();
  await store.firingStore().finishFiring(profileId, repeat.firingKey);
  const afterFinish = meter.totals();
  // What went whole and what as unchanged entries.
  let stagedWhole = 0;
  let stagedUnchanged = 0;
  for (const [k, body] of (await stagedBodies(client, table, profileId, repeat.firingKey)).entries()) {
    const pull = readStagedChunk(body, `repeat chunk ${k}`);
    stagedWhole += pull.contacts.length;
    stagedUnchanged += pull.unchangedAt?.gaps.length ?? 0;
  }
  log(`  the repeat staged ${stagedWhole} contacts whole and ${stagedUnchanged} as unchanged, in ${readBack} items`);
  // The report step packs the next index (as the one above was) and finds the fingerprint each stored contact of
  // the source is known by (to know which one each staged position is).
  const reportFingerprints = { cpuSeconds: packSeconds + loadSeconds + findSecondsPerContact * (stagedUnchanged + stagedWhole), readUnits: indexReadUnits };
  log(`  its report step's fingerprint work: ${reportFingerprints.cpuSeconds.toFixed(1)} s of CPU (find ${(findSecondsPerContact * 1e6).toFixed(1)} µs a contact), ${indexReadUnits} RRU`);
  return {
    loop,
    pull: since(afterPull, beforePull),
    stagedReadUnits: afterRead.readUnits - afterPull.readUnits,
    finishWriteUnits: afterFinish.writeUnits - afterRead.writeUnits,
    staged: staged.slice(stagedBefore),
    fingerprints,
    reportFingerprints,
    stagedWhole,
    stagedUnchanged,
  };
}

/** Contacts the report step's fingerprint search is timed on. */
const FINGERPRINT_SAMPLE = 50_000;

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** What both simulations print alike: time, memory, the staged items of both firings, the repeat run's cost, each step. */
export function firingFigures(input: { loop: LoopFigures; firstStaged: { bytes: number; units: number }[]; stagedItemsReadBack: number; repeat: RepeatFiring; cost: ReturnType<typeof repeatCost> }) {
  const { loop, firstStaged, repeat, cost } = input;
  return {
    realSeconds: Math.round((performance.now() - loop.realStarted) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    largestStepPeakRssMb: Math.max(...loop.steps.map((s) => s.peakRssMb)),
    heapLimitMb: heapLimitOf(),
    stagedItems: firstStaged.length,
    stagedItemsReadBack: input.stagedItemsReadBack,
    largestStagedItemBytes: Math.max(0, ...firstStaged.map((s) => s.bytes)),
    stagedItemLimitBytes: ITEM_LIMIT_BYTES,
    stagedBytes: firstStaged.reduce((a, s) => a + s.bytes, 0),
    stagedWriteUnits: firstStaged.reduce((a, s) => a + s.units, 0),
    repeatStagedItems: repeat.staged.length,
    repeatStagedBytes: repeat.staged.reduce((a, x) => a + x.bytes, 0),
    repeatStagedWhole: repeat.stagedWhole,
    repeatStagedUnchanged: repeat.stagedUnchanged,
    repeatPullSteps: repeat.loop.steps.length,
    fingerprints: repeat.fingerprints,
    dynamo: cost.dynamo,
    transitions: cost.transitions,
    lambdaGbSeconds: cost.lambdaGbSeconds,
    reportStepSeconds: cost.reportStepSeconds,
    reportStepBasis: cost.reportStepBasis,
    repeatCostUsd: Number(cost.totalUsd.toFixed(5)),
    repeatCostBreakdownUsd: cost.breakdownUsd,
    prices: PRICES,
    steps: loop.steps.map((s) => ({ ...s, virtualSeconds: round2(s.virtualMs / 1000) })),
  };
}
