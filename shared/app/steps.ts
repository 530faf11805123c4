/**
 * The steps of a firing, shared by AWS Step Functions (each step a Lambda
 * invocation, the waits Wait states) and the CLI (`runFiring`: the same steps
 * in-process, waiting in-process):
 *
 *   pullStep -> (done? no: wait waitSeconds -> pullStep) -> ... -> reportStep
 *
 * A pull step is bounded in time: each source reads until the step's budget
 * (or the host's rate limit) stops it, stages what it read in the store and
 * saves where it stopped (its checkpoint, inside a follower list too). The
 * next step goes on from there. The report step assembles each source's parts
 * into one pull and runs the report (merge, analyse, render, deliver once,
 * store). The profile's lease is claimed at the first pull step, renewed by
 * every step, and released after the report.
 */
import { randomUUID } from 'node:crypto';
import type { ProfileConfig } from '../config/schema.ts';
import { SourcePull } from '../domain/model.ts';
import type { FiringSource, FiringState, FiringStore } from '../ports/firing-store.ts';
import type { PullStepResult, Source } from '../ports/source.ts';
import { knownContacts, pullOne, pullStopOf } from './pull-sources.ts';
import { reportOutcomes } from './report-outcomes.ts';
import { assembleOutcomes, saveFingerprints, withUnchanged } from './unchanged-contacts.ts';
import { RunCancelledError } from './run-errors.ts';
import type { FiringInput, PullStepOutput } from './step-contract.ts';
import type { Log, RunReportDeps, RunReportResult } from './types.ts';

/** A step holds the profile's lease this long at most (the Lambda timeout is 15 minutes at most); waits add to it. */
export const LEASE_SECONDS = 15 * 60;
export const LEASE_KEY = 'lease';
/** The waits a step may ask for are capped by the contract (Step Functions Wait state). */
const MAX_WAIT_SECONDS = 3600;
/** Staged parts outlive the longest firing by a day, then expire. */
const STAGING_SLACK_SECONDS = 86_400;
/** Time left at the end of a step's budget for staging what was read. */
const STAGE_RESERVE_MS = 2_000;

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

export interface StepDeps extends RunReportDeps {
  /** Where the firing's progress and staged pages live; by default the store's own (`store.firingStore()`). */
  firings?: FiringStore;
  /** Requests a source may start per pull step (a page budget; tests use it to force many steps). */
  maxRequestsPerStep?: number;
  /** The in-process Wait state of `runReport` (tests record the waits instead of sleeping). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The wall clock of the steps (a step's start, its deadline, maxPullHours), epoch ms; `Date.now` by default (a simulation passes its virtual clock). */
  now?: () => number;
}

/** One firing as the steps see it: the contract's input resolved to a profile, plus in-process options. */
export interface Firing {
  profile: ProfileConfig;
  now: Date;
  dryRun: boolean;
  firingKey: string;
  /** Claim the firing key, so a second firing with the same key is a duplicate (false for a CLI run without a key). */
  claimFiring: boolean;
  /** Who holds the claims: the execution running the steps (a retried step of it is the same holder). */
  holder: string;
  /** Cancel (Ctrl-C): pulls stop, nothing is stored or delivered. */
  signal?: AbortSignal;
  /** No pull step goes past this (a single Lambda invocation's own deadline); unfinished sources become partial. */
  pullDeadline?: Date;
  /** Wall clock of the firing's first step, ISO (Step Functions: the execution's start). */
  startedAt?: string;
}

/** The contract's input, with the profile found by id. */
export function firingOf(input: FiringInput & { startedAt?: string; executionId?: string }, profile: ProfileConfig): Firing {
  const parsed = {
    profile,
    now: new Date(input.now),
    dryRun: input.dryRun ?? false,
    firingKey: input.firingKey,
    claimFiring: true,
    holder: input.executionId ?? input.firingKey,
    ...(input.startedAt !== undefined ? { startedAt: input.startedAt } : {}),
  };
  if (profile.id !== input.profile) throw new Error(`firing ${input.firingKey} is for profile ${input.profile}, not ${profile.id}`);
  return parsed;
}

const claimKeyOf = (firing: Firing): string => `key#${firing.firingKey}`;

function firingsOf(deps: StepDeps): FiringStore {
  const firings = deps.firings ?? deps.store.firingStore?.();
  if (!firings) throw new Error('the store keeps no firing state (it has no firingStore): pull steps cannot be resumed');
  return firings;
}

function stagingTtl(firing: Firing): number {
  return Math.ceil(firing.profile.policy.maxPullHours * 3600) + STAGING_SLACK_SECONDS;
}

/** A pull step that found the firing already done or the profile busy: the state machine goes to its end. */
export type PullStepStatus = PullStepOutput;

/**
 * One pull step: claims the firing and the profile's lease on the first step
 * (renews the lease on later ones), lets every unfinished source read for at
 * most `budgetMs`, stages what each read and saves where it stopped.
 */
export async function pullStep(firing: Firing, budgetMs: number, deps: StepDeps): Promise<PullStepStatus> {
  const stepStart = (deps.now ?? Date.now)();
  const { profile } = firing;
  const log = deps.log ?? silent;
  const firings = firingsOf(deps);

  const loaded = await firings.loadFiring(profile.id, firing.firingKey);
  if (loaded !== null) {
    // A firing delivered but not cleaned up (storing failed after the email went out) is done.
    if (firing.claimFiring && (await deps.store.getClaim(profile.id, claimKeyOf(firing)))?.status === 'done') {
      log.info('duplicate trigger: this firing already ran', { profile: profile.id, runKey: firing.firingKey });
      return { done: true, waitSeconds: 0, iteration: loaded.iteration, sources: [], outcome: 'duplicate' };
    }
    if (loaded.holder !== firing.holder) {
      // Someone else's firing under this key: a second delivery of the trigger (not a later step of the same
      // execution). It may continue only by taking the claims, which it gets only if their holder stopped
      // (they expired); while the first runs, even in its report step, this one is busy.
      const claimed = await claimFiring(firing, deps, firings, log);
      if (claimed !== true) return { done: true, waitSeconds: 0, iteration: loaded.iteration, sources: [], ...claimed };
      loaded.holder = firing.holder;
    }
    return continuePull(firing, budgetMs, deps, loaded, undefined, stepStart);
  }
  const claimed = await claimFiring(firing, deps, firings, log);
  if (claimed !== true) return { done: true, waitSeconds: 0, iteration: 1, sources: [], ...claimed };
  try {
    const sources = await deps.sourcesFor(profile);
    const state: FiringState = {
      firingKey: firing.firingKey,
      holder: firing.holder,
      iteration: 0,
      startedAt: firing.startedAt ?? new Date(stepStart).toISOString(),
      staging: randomUUID().replaceAll('-', '').slice(0, 12),
      sources: sources.map((s) => ({ sourceId: s.id, platform: s.platform, phase: 'in_progress', parts: [], requests: 0, items: 0 })),
    };
    return await continuePull(firing, budgetMs, deps, state, sources, stepStart);
  } catch (err) {
    // The first step failed: nothing was delivered, so the trigger may run again and the profile is free.
    await releaseClaims(firing, deps, false);
    throw err;
  }
}

async function continuePull(firing: Firing, budgetMs: number, deps: StepDeps, state: FiringState, known: Source[] | undefined, stepStart: number): Promise<PullStepStatus> {
  const { profile } = firing;
  const log = deps.log ?? silent;
  const store = deps.store;
  const firings = firingsOf(deps);
  const ttl = stagingTtl(firing);
  const now = deps.now ?? Date.now;
  let sources = known;
  if (known === undefined && !(await firings.renewClaim(profile.id, LEASE_KEY, state.holder, LEASE_SECONDS))) {
    throw new Error(`firing ${firing.firingKey} of profile ${profile.id} lost the profile's lease (it expired or another run took it); start the firing again`);
  }
  state.iteration += 1;

  const open = state.sources.filter((s) => s.phase === 'in_progress');
  if (open.length > 0) {
    sources ??= await deps.sourcesFor(profile);
    // The cursors alone: a pull step never loads the stored contacts (100,000 of them take seconds to read);
    // a source asks the store for the few it needs by key (PullContext.known).
    const cursors = new Map((await store.loadSourceStates(profile.id)).map((s) => [s.sourceId, s.cursor]));
    const budgetEnd = stepStart + budgetMs;
    const stepDeadline = Math.min(budgetEnd, firing.pullDeadline?.getTime() ?? Number.POSITIVE_INFINITY);
    const pullEnd = Date.parse(state.startedAt) + profile.policy.maxPullHours * 3_600_000;
    const stop = pullStopOf({ profile, now: firing.now, dryRun: firing.dryRun, ...(firing.signal ? { signal: firing.signal } : {}), pullDeadline: new Date(Math.min(stepDeadline, pullEnd)) }, now);
    try {
      await Promise.all(
        open.map(async (entry) => {
          const source = sources?.find((s) => s.id === entry.sourceId);
          if (!source) {
            entry.phase = 'failed';
            entry.problem = 'the source is no longer in the profile';
            return;
          }
          const result = await pullSourceStep(source, entry, cursors.get(source.id), firing, deps, log, stop.signal, Math.min(stepDeadline, pullEnd) - stageReserveMs(budgetMs));
          if (firing.signal?.aborted) return;
          await stage(firings, firing, state.staging, entry, result, ttl);
        }),
      );
    } finally {
      stop.dispose();
    }
    if (firing.signal?.aborted) throw new RunCancelledError();
    // Past maxPullHours (or the invocation's own deadline, for a firing in one Lambda run): report what there is.
    const stopHere = now() >= pullEnd || (firing.pullDeadline !== undefined && now() >= firing.pullDeadline.getTime());
    if (stopHere) for (const entry of state.sources) if (entry.phase === 'in_progress') entry.phase = 'partial';
  }

  const waitMs = Math.max(0, ...state.sources.filter((s) => s.phase === 'in_progress').map((s) => waits.get(s) ?? 0));
  const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.ceil(waitMs / 1000));
  const done = state.sources.every((s) => s.phase !== 'in_progress');
  await firings.saveFiring(profile.id, state, ttl);
  // The lease must outlive the wait before the next step, and that step itself.
  await firings.renewClaim(profile.id, LEASE_KEY, state.holder, LEASE_SECONDS + waitSeconds);
  const output: PullStepOutput = {
    done,
    waitSeconds: done ? 0 : waitSeconds,
    iteration: state.iteration,
    sources: state.sources.map((s) => ({ sourceId: s.sourceId, state: s.phase, requests: s.requests, items: s.items })),
  };
  log.info('pull step', { profile: profile.id, firingKey: firing.firingKey, ...output });
  return output;
}

function stageReserveMs(budgetMs: number): number {
  return Math.min(STAGE_RESERVE_MS, Math.floor(budgetMs / 10));
}

/** The rate-limit wait each unfinished source asked for in this process's latest step. */
const waits = new WeakMap<FiringSource, number>();

async function pullSourceStep(
  source: Source,
  entry: FiringSource,
  cursor: string | undefined,
  firing: Firing,
  deps: StepDeps,
  log: Log,
  signal: AbortSignal | undefined,
  deadline: number,
): Promise<PullStepResult | { failed: string }> {
  const req = { profile: firing.profile, now: firing.now, dryRun: firing.dryRun, ...(firing.signal ? { signal: firing.signal } : {}) };
  if (!source.pullStep) {
    // A source that cannot resume is pulled whole in one step, stopped by the step's signal as before.
    const outcome = await pullOne(source, cursor, req, deps, log, signal);
    return outcome.ok ? { pull: outcome.pull } : { failed: outcome.problem };
  }
  try {
    // The stored contacts the source asks about, a batch at a time (never all of them in a step).
    const known = knownContacts(deps.store, firing.profile.id, source.id);
    const result = await source.pullStep({
      now: firing.now,
      ...(cursor !== undefined ? { cursor } : {}),
      ...(known !== undefined ? { known } : {}),
      ...(entry.checkpoint !== undefined ? { checkpoint: entry.checkpoint } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      ...(signal ? { signal } : {}),
      budget: { deadline, ...(deps.maxRequestsPerStep !== undefined ? { maxRequests: deps.maxRequestsPerStep } : {}) },
    });
    const step = SourcePull.safeParse(result.pull);
    if (!step.success) {
      const first = step.error.issues[0];
      return { failed: `returned an invalid snapshot (${first ? `${first.path.join('.')}: ${first.message}` : 'unknown field'})` };
    }
    log.info('source step', { profile: firing.profile.id, sourceId: source.id, contacts: step.data.contacts.length, interactions: step.data.interactions.length, requests: step.data.requests, finished: result.checkpoint === undefined });
    return { ...result, pull: step.data };
  } catch (err) {
    const problem = err instanceof Error ? err.message : String(err);
    log.error('source failed', { profile: firing.profile.id, sourceId: source.id, problem });
    return { failed: problem };
  }
}

async function stage(firings: FiringStore, firing: Firing, staging: string | undefined, entry: FiringSource, result: PullStepResult | { failed: string }, ttl: number): Promise<void> {
  if ('failed' in result) {
    entry.phase = 'failed';
    entry.problem = result.failed;
    delete entry.checkpoint;
    return;
  }
  const pull: SourcePull = result.pull;
  const chunks = await firings.putPart(firing.profile.id, firing.firingKey, entry.sourceId, entry.parts.length, await withUnchanged(firings, firing.profile.id, pull), ttl, staging);
  entry.parts.push(chunks);
  entry.requests += pull.requests;
  entry.items += pull.contacts.length + pull.interactions.length;
  if (result.checkpoint !== undefined) {
    entry.checkpoint = result.checkpoint;
    if (result.waitMs !== undefined) waits.set(entry, result.waitMs);
    return;
  }
  delete entry.checkpoint;
  entry.phase = pull.contactsCompleteness === 'complete' && pull.interactionsCompleteness === 'complete' ? 'complete' : 'partial';
}

/** Claims the firing key (if asked) and the profile's lease, and marks both as this holder's. */
async function claimFiring(firing: Firing, deps: StepDeps, firings: FiringStore, log: Log): Promise<true | { outcome: 'duplicate' | 'busy'; busyUntil?: string }> {
  const { profile } = firing;
  const store = deps.store;
  const claimKey = claimKeyOf(firing);
  if (firing.claimFiring && !(await store.claimRun(profile.id, claimKey, LEASE_SECONDS))) {
    // A retried first step of the same execution finds its own claim.
    if (!(await firings.renewClaim(profile.id, claimKey, firing.holder, LEASE_SECONDS))) {
      // Only a finished run makes a repeat a duplicate; one still "running" may have been killed,
      // and the trigger must stay retryable (the handler turns `busy` into a retryable error).
      const claim = await store.getClaim(profile.id, claimKey);
      if (claim?.status === 'done') {
        log.info('duplicate trigger: this firing already ran', { profile: profile.id, runKey: firing.firingKey });
        return { outcome: 'duplicate' };
      }
      log.warn('this trigger is already running', { profile: profile.id, runKey: firing.firingKey });
      return { outcome: 'busy', ...busyUntilOf(claim) };
    }
  } else if (firing.claimFiring) await firings.renewClaim(profile.id, claimKey, firing.holder, LEASE_SECONDS, { adopt: true });
  const leased = await store.claimRun(profile.id, LEASE_KEY, LEASE_SECONDS);
  if (!leased && !(await firings.renewClaim(profile.id, LEASE_KEY, firing.holder, LEASE_SECONDS))) {
    if (firing.claimFiring) await store.releaseRun(profile.id, claimKey);
    const lease = await store.getClaim(profile.id, LEASE_KEY).catch(() => null);
    log.warn('another run of this profile is in progress', { profile: profile.id, ...busyUntilOf(lease) });
    return { outcome: 'busy', ...busyUntilOf(lease) };
  }
  if (leased) await firings.renewClaim(profile.id, LEASE_KEY, firing.holder, LEASE_SECONDS, { adopt: true });
  return true;
}

/** After a failure before delivery: the trigger may run again, and the profile is free. */
async function releaseClaims(firing: Firing, deps: StepDeps, delivered: boolean, runId?: string): Promise<void> {
  const store = deps.store;
  if (firing.claimFiring) {
    if (!delivered) await store.releaseRun(firing.profile.id, claimKeyOf(firing)).catch(() => undefined);
    // Delivered: the trigger stays done, whatever failed after (marking it again in case that was the failure).
    else if (runId !== undefined) await store.completeRun(firing.profile.id, claimKeyOf(firing), runId).catch(() => undefined);
  }
  await store.releaseRun(firing.profile.id, LEASE_KEY).catch(() => undefined);
}

function busyUntilOf(claim: { expiresAt: number } | null): { busyUntil?: string } {
  return claim !== null && Number.isFinite(claim.expiresAt) ? { busyUntil: new Date(claim.expiresAt * 1000).toISOString() } : {};
}

/**
 * The report step: assembles each source's staged parts into one pull, then
 * merge, analyse, render, deliver once and store. Releases the lease whatever
 * happens; a delivered firing stays done (a retry is a duplicate).
 */
export async function reportStep(firing: Firing, deps: StepDeps): Promise<RunReportResult> {
  const { profile } = firing;
  const log = deps.log ?? silent;
  const store = deps.store;
  const firings = firingsOf(deps);
  const claimKey = claimKeyOf(firing);
  if (firing.claimFiring) {
    const claim = await store.getClaim(profile.id, claimKey);
    if (claim?.status === 'done') {
      log.info('duplicate trigger: this firing already ran', { profile: profile.id, runKey: firing.firingKey });
      return { status: 'duplicate', profileId: profile.id };
    }
  }
  const state = await firings.loadFiring(profile.id, firing.firingKey);
  if (state === null) throw new Error(`firing ${firing.firingKey} of profile ${profile.id} has no pull steps stored (expired, or the report step ran first)`);
  let deliveredRunId: string | undefined;
  try {
    if (!(await firings.renewClaim(profile.id, LEASE_KEY, state.holder, LEASE_SECONDS))) {
      throw new Error(`firing ${firing.firingKey} of profile ${profile.id} lost the profile's lease before its report; nothing was delivered`);
    }
    // The profile first: contacts a pull step staged as unchanged take their fields from it.
    const stored = await store.loadProfileState(profile.id);
    const { outcomes, fingerprints } = await assembleOutcomes(firing, state, firings, stored);
    // What this report stores replaces what the fingerprints describe: they go first, and come back only once it is stored.
    if (!firing.dryRun) await firings.dropFingerprints(profile.id, state.sources.map((s) => s.sourceId));
    for (const o of outcomes) {
      if (o.ok) log.info('source pulled', { profile: profile.id, sourceId: o.sourceId, contacts: o.pull.contacts.length, interactions: o.pull.interactions.length, contactsCompleteness: o.pull.contactsCompleteness, interactionsCompleteness: o.pull.interactionsCompleteness, requests: o.pull.requests, problems: o.pull.problems });
    }
    const req = { profile, now: firing.now, dryRun: firing.dryRun, ...(firing.signal ? { signal: firing.signal } : {}) };
    const result = await reportOutcomes(
      req,
      outcomes,
      deps,
      log,
      async (runId) => {
        // The email is the effect the owner sees: once it is out, a retry must not send it again.
        deliveredRunId = runId;
        if (firing.claimFiring) await store.completeRun(profile.id, claimKey, runId);
      },
      state.startedAt,
      stored,
    );
    if (!firing.dryRun && result.status === 'completed') await saveFingerprints(firings, profile.id, fingerprints, log);
    // A dry run is a preview: the same trigger may still run for real afterwards.
    if (firing.claimFiring && firing.dryRun) await store.releaseRun(profile.id, claimKey);
    // The staged parts are left to expire by TTL (free, where deleting them costs as much as writing them);
    // a dry run changes nothing, so it takes what it staged away with it.
    const end = firing.dryRun ? firings.discardFiring(profile.id, firing.firingKey) : firings.finishFiring(profile.id, firing.firingKey);
    await end.catch((err: unknown) => log.warn('could not finish the firing (its state expires by itself)', { profile: profile.id, problem: err instanceof Error ? err.message : String(err) }));
    return result;
  } catch (err) {
    await releaseClaims(firing, deps, deliveredRunId !== undefined, deliveredRunId);
    // Delivered: the firing is over, its staged pulls are of no more use.
    if (deliveredRunId !== undefined) await firings.finishFiring(profile.id, firing.firingKey).catch(() => undefined);
    throw err;
  } finally {
    await store.releaseRun(profile.id, LEASE_KEY).catch(() => undefined);
  }
}

export interface RunFiringOptions {
  /** Time budget of one pull step (a Lambda invocation's, less the time to stage). */
  budgetMs: number;
  /** The in-process Wait state; must end early when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after each pull step (the CLI shows it). */
  onStep?: (output: PullStepOutput) => void;
}

/**
 * The whole firing in-process: pull steps, the waits between them, then the
 * report step. The CLI and `runReport` run this; AWS runs the same steps
 * as a Step Functions execution.
 */
export async function runFiring(firing: Firing, deps: StepDeps, options: RunFiringOptions): Promise<RunReportResult> {
  const sleep = options.sleep ?? defaultSleep;
  let output: PullStepStatus;
  let claimed = false;
  try {
    for (;;) {
      output = await pullStep(firing, options.budgetMs, deps);
      if (output.outcome !== undefined) {
        return { status: output.outcome, profileId: firing.profile.id, ...(output.busyUntil !== undefined ? { busyUntil: output.busyUntil } : {}) };
      }
      claimed = true;
      options.onStep?.(output);
      if (output.done) break;
      if (output.waitSeconds > 0) {
        (deps.log ?? silent).info('waiting for the rate limit', { profile: firing.profile.id, seconds: output.waitSeconds });
        await sleep(output.waitSeconds * 1000, firing.signal);
      }
      if (firing.signal?.aborted) throw new RunCancelledError();
    }
  } catch (err) {
    // A first step that failed released its claims itself; a later one leaves them to this.
    if (claimed) await releaseClaims(firing, deps, false);
    // Stopped before its report (cancelled, or a step failed): nothing it read stays behind.
    await firingsOf(deps).discardFiring(firing.profile.id, firing.firingKey).catch(() => undefined);
    throw err;
  }
  return reportStep(firing, deps);
}

/** A fresh key for a firing that has none (a CLI run): it names the staged pulls, it claims nothing. */
export function adHocFiringKey(profileId: string, now: Date): string {
  return `run:${profileId}:${now.toISOString()}:${randomUUID().slice(0, 8)}`;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
