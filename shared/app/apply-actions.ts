/**
 * Carrying out what the owner confirmed: unfollow, or follow back, through the
 * network's API. Only two callers: `followback apply --confirm` / `followback
 * undo` (functions/commands/apply.ts) and the decision page's POST, after it
 * recorded the confirmation (`confirmAndApply`). The schedule never calls this.
 *
 * Just before each action it looks again, and skips the action when:
 *  - the contact is allowlisted or snoozed now (config or `followback keep`),
 *    for an unfollow;
 *  - the contact engaged inbound after the report the recommendation came
 *    from, for an unfollow: read from the store (interactions the last runs
 *    stored) and from the network (the actor's fresh look: Mastodon's
 *    notifications from that account, Bluesky's notifications since then);
 *  - the relationship is already what the action wants (not following any
 *    more, or already following): nothing is sent;
 *  - the account is gone.
 * An action that cannot look (network down, no write-capable source) fails;
 * it never acts blind.
 *
 * Capped and paced per profile, in the store, across every caller: one actor
 * at a time (a lease item, taken with a conditional write, renewed while acting,
 * given back at the end, taken over once it ran out); at most `act.maxPerRun`
 * actions reach the network in any ACT_WINDOW_MS (one hour, rolling) and per
 * call (skips do not count); `act.pacingSeconds` between two actions of any
 * caller. A slot of the window is reserved with a conditional write just before
 * each write; what does not fit stays pending. Deadline: the call's signal
 * reaches every network request; an action it cuts off is audited and goes back
 * to pending. Audited: every attempt (done, skipped, failed) is an audit record
 * with the platform's answer. Confirmations from the page are believed only with
 * a valid MAC (shared/decide/confirmation-mac.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProfileConfig } from '../config/schema.ts';
import type { OwnerDecisions } from '../domain/analysis-types.ts';
import { matchDecisions } from '../domain/decisions.ts';
import { macProblemText, verifyConfirmationMac } from '../decide/confirmation-mac.ts';
import type { Keyring } from '../decide/keyring.ts';
import type { ActionAudit, ActionConfirmation, ActionKind, ActionRequest, ActionStore, ActWindow, AuditOutcome } from '../ports/action-store.ts';
import type { ActResult, Actor, ActTarget, PlatformAnswer } from '../ports/actor.ts';
import type { ConfirmedAction, DecisionLedger, ProfileStore, StoredDecision } from '../ports/store.ts';

export interface ApplyDeps {
  actions: ActionStore;
  store: Pick<ProfileStore, 'loadProfileState' | 'loadInteractions'>;
  /** The write adapter of a source, or undefined when that source cannot act (file, demo, no credentials). */
  actorFor(sourceId: string): Actor | undefined | Promise<Actor | undefined>;
  /**
   * The decision page's ledger (shared/store/dynamo-decision-ledger.ts): its pending confirmed
   * actions are taken over as requests of this engine, and their outcome written back to it.
   */
  ledger?: Pick<DecisionLedger, 'listConfirmedActions' | 'putConfirmedAction'>;
  /**
   * The decision signing keys: a page confirmation is carried out only with a valid MAC under one of
   * them. Without a keyring no page confirmation is carried out (they wait, unchecked); a keyring that
   * cannot be read fails the call.
   */
  keyring?: () => Promise<Keyring>;
  clock?: () => Date;
  /** Injected in tests: records the pacing instead of waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ActionResult {
  request: ActionRequest;
  outcome: AuditOutcome;
  reason?: string;
  answer?: PlatformAnswer;
}

export interface ApplyResult {
  /** False when the profile has not opted in: nothing was carried out. */
  enabled: boolean;
  results: ActionResult[];
  /** Confirmed actions still pending after this call (over the cap, or acting is off). */
  stillPending: ActionRequest[];
  /** Actions that reached the network in this call. */
  acted: number;
  /** Page confirmations refused now: not signed by this deployment's key. Never carried out. */
  refused: RefusedConfirmation[];
  /** Actions the deadline (or a lost lease) cut off mid-way: audited, pending again. Also in `stillPending`. */
  interrupted: ActionRequest[];
  /** Why the call stopped before the end of its list, if it did. */
  stopped?: ApplyStop;
}

/** What the owner confirmed, before it becomes a request. */
export interface Confirmation {
  contactKey: string;
  handle: string;
  action: ActionKind;
  /** The report the recommendation came from. */
  reportAt: string;
  confirmation: ActionConfirmation;
}

/** What `apply` says when the profile has not opted in. */
export function howToEnable(profileId: string): string {
  return (
    `acting is off for profile "${profileId}": confirmed actions are recorded but not carried out. ` +
    `To turn it on, add "act": { "enabled": true, "maxPerRun": 20, "pacingSeconds": 5 } to the profile in the config, ` +
    `give the source a token with write scope (Mastodon: write:follows; Bluesky: an app password, which may write follow records), ` +
    `then run: followback apply --profile ${profileId} --confirm`
  );
}

/** Records a confirmed action (pending). It is carried out by `applyActions`, never by the schedule. */
export async function recordConfirmation(profile: ProfileConfig, deps: Pick<ApplyDeps, 'actions' | 'clock'>, input: Confirmation & { undoOf?: string }): Promise<ActionRequest> {
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  splitKey(input.contactKey); // refuses a malformed key before anything is stored
  for (let attempt = 0; attempt < 5; attempt++) {
    const request: ActionRequest = {
      id: newActionId(now),
      profileId: profile.id,
      contactKey: input.contactKey,
      handle: input.handle,
      action: input.action,
      reportAt: input.reportAt,
      confirmedAt: now,
      confirmation: input.confirmation,
      status: 'pending',
      ...(input.undoOf !== undefined ? { undoOf: input.undoOf } : {}),
      updatedAt: now,
    };
    if (await deps.actions.putActionRequest(request)) return request;
  }
  throw new Error('could not find a free action id after 5 tries');
}

/**
 * The decision page's entry point: records the owner's confirmation, then, if
 * the profile opted in, carries out that action (and any other pending one, up
 * to the cap). With acting off it records only; `apply.enabled` says so.
 */
export async function confirmAndApply(profile: ProfileConfig, deps: ApplyDeps, input: Confirmation, signal?: AbortSignal): Promise<{ request: ActionRequest; apply: ApplyResult }> {
  const request = await recordConfirmation(profile, deps, input);
  const apply = await applyActions(profile, deps, signal ? { signal } : {});
  const own = apply.results.find((r) => r.request.id === request.id)?.request ?? (await deps.actions.getActionRequest(profile.id, request.id)) ?? request;
  return { request: own, apply };
}

/**
 * Reverses one done action: follows again after an unfollow, unfollows again
 * after a follow. The undo is a confirmed action of its own (audited with
 * `undoOf`), carried out at once when acting is on.
 */
export async function undoAction(
  profile: ProfileConfig,
  deps: ApplyDeps,
  actionId: string,
  confirmation: ActionConfirmation,
  options: AbortSignal | Omit<ApplyOptions, 'onlyIds'> = {},
): Promise<{ request: ActionRequest; apply: ApplyResult }> {
  const applyOptions: Omit<ApplyOptions, 'onlyIds'> = options instanceof AbortSignal ? { signal: options } : options;
  const original = await deps.actions.getActionRequest(profile.id, actionId);
  if (original === null) throw new ActionInputError(`no action ${actionId} in profile "${profile.id}"`);
  if (original.status !== 'done') throw new ActionInputError(`action ${actionId} is ${original.status}, not done: there is nothing to undo`);
  const undos = (await deps.actions.listActionRequests(profile.id)).filter((r) => r.undoOf === actionId && r.status !== 'failed' && r.status !== 'skipped');
  if (undos.length > 0) throw new ActionInputError(`action ${actionId} is already undone or being undone (by ${undos.map((u) => u.id).join(', ')})`);
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  const request = await recordConfirmation(profile, deps, {
    contactKey: original.contactKey,
    handle: original.handle,
    action: original.action === 'unfollow' ? 'follow' : 'unfollow',
    reportAt: now,
    confirmation,
    undoOf: actionId,
  });
  const apply = await applyActions(profile, deps, { ...applyOptions, onlyIds: [request.id] });
  const own = apply.results.find((r) => r.request.id === request.id)?.request ?? (await deps.actions.getActionRequest(profile.id, request.id)) ?? request;
  return { request: own, apply };
}

/** Bad input to an action command (unknown id, nothing to undo): exit code 2, not a failure of the store. */
export class ActionInputError extends Error {
  override readonly name = 'ActionInputError';
}

/** The cap's window: at most `act.maxPerRun` actions reach the network in any such span, however many applies run. */
export const ACT_WINDOW_MS = 3_600_000;
/** How long a lease holds without renewal; renewed before every action and every few seconds while acting. */
export const ACT_LEASE_MS = 120_000;
/** How often a holder renews its lease while acting (real time). */
const LEASE_RENEW_EVERY_MS = 20_000;
/** How often a waiting actor asks for the lease again (real time). */
const LEASE_POLL_MS = 100;
/** How long `followback apply` waits for another actor (the page, another apply) to finish by default. */
export const DEFAULT_LEASE_WAIT_MS = 60_000;

export interface ApplyOptions {
  /** The deadline: every network call made while acting gets it; an action it interrupts returns to pending. */
  signal?: AbortSignal;
  onlyIds?: string[];
  /** How long to wait (real time) while another actor holds the profile's lease. Default 60 s. */
  leaseWaitMs?: number;
  /**
   * How long this call may still wait for the pacing, in ms (a web request: what is left of its time).
   * A longer wait leaves the action pending (`stopped: pacing`). Default: no limit.
   */
  mayWaitMs?: () => number;
}

/** Why a call stopped before the end of its list (the rest stays pending). */
export interface ApplyStop {
  reason: 'cap' | 'pacing' | 'busy' | 'deadline' | 'lease_lost';
  /** When the next action may reach the network (cap, pacing). */
  until?: string;
}

/** Whether an action may reach the network now, given the profile's window. */
export function admitAction(window: ActWindow, nowMs: number, act: Pick<ProfileConfig['act'], 'maxPerRun' | 'pacingSeconds'>, windowMs = ACT_WINDOW_MS): { ok: true; next: ActWindow } | { ok: false; reason: 'cap' | 'pacing'; untilMs: number } {
  const recent = window.recent.filter((at) => Date.parse(at) > nowMs - windowMs).sort();
  if (recent.length >= act.maxPerRun) {
    const freeing = recent[recent.length - act.maxPerRun];
    return { ok: false, reason: 'cap', untilMs: Date.parse(freeing ?? recent[0] ?? new Date(nowMs).toISOString()) + windowMs };
  }
  const lastMs = window.lastAt !== undefined ? Date.parse(window.lastAt) : undefined;
  if (lastMs !== undefined && nowMs < lastMs + act.pacingSeconds * 1000) return { ok: false, reason: 'pacing', untilMs: lastMs + act.pacingSeconds * 1000 };
  const at = new Date(nowMs).toISOString();
  return { ok: true, next: { recent: [...recent, at], lastAt: at, version: window.version + 1 } };
}

/**
 * Carries out the profile's pending confirmed actions, oldest first, re-checked,
 * capped and paced (see the file comment). With `act.enabled` false it changes nothing.
 *
 * One actor at a time per profile: the call takes the profile's lease (waiting up to
 * `leaseWaitMs` for another holder), renews it while it acts and gives it back at the end.
 * Before an action reaches the network a slot is reserved in the profile's window (a
 * conditional write), so the cap (`maxPerRun` in any ACT_WINDOW_MS) and the pacing hold
 * across the page's requests, `followback apply` and `undo`, whatever runs at once.
 */
export async function applyActions(profile: ProfileConfig, deps: ApplyDeps, options: ApplyOptions = {}): Promise<ApplyResult> {
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  const refused = deps.ledger !== undefined ? (await adoptLedgerActions(profile, deps, deps.ledger)).refused : [];
  const mine = (r: ActionRequest): boolean => options.onlyIds === undefined || options.onlyIds.includes(r.id);
  const all = await deps.actions.listActionRequests(profile.id);
  const waiting = all.filter((r) => r.status === 'pending' && mine(r));
  if (!profile.act.enabled) return { enabled: false, results: [], stillPending: waiting, acted: 0, refused, interrupted: [] };
  if (waiting.length === 0 && !all.some((r) => r.status === 'acting')) return { enabled: true, results: [], stillPending: [], acted: 0, refused, interrupted: [] };

  const owner = `${hostname()}/${process.pid}/${randomBytes(6).toString('hex')}`;
  const lease = await takeLease(profile.id, deps, owner, clock, options.leaseWaitMs ?? DEFAULT_LEASE_WAIT_MS, options.signal);
  if (lease === 'busy' || lease === 'aborted') {
    return { enabled: true, results: [], stillPending: waiting, acted: 0, refused, interrupted: [], stopped: { reason: lease === 'busy' ? 'busy' : 'deadline' } };
  }
  // The deadline and a lost lease both stop every network call under way.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let leaseLost = false;
  const renew = async (extraMs = 0): Promise<boolean> => {
    if (leaseLost) return false;
    if (!(await deps.actions.renewActLease(profile.id, owner, new Date(clock().getTime() + ACT_LEASE_MS + extraMs).toISOString()))) {
      leaseLost = true;
      stop.abort(new Error('lost the acting lease'));
    }
    return !leaseLost;
  };
  const renewer = setInterval(() => void renew().catch(() => undefined), LEASE_RENEW_EVERY_MS);
  renewer.unref();
  try {
    await recoverOrphans(profile, deps, clock);
    // Listed again with the lease in hand: another actor may have settled some while this one waited.
    const pending = (await deps.actions.listActionRequests(profile.id, 'pending')).filter(mine);
    return { ...(await actUnderLease(profile, deps, options, pending, { clock, sleep, signal: stop.signal, renew, lost: () => leaseLost })), refused };
  } finally {
    clearInterval(renewer);
    options.signal?.removeEventListener('abort', onAbort);
    await deps.actions.releaseActLease(profile.id, owner).catch(() => undefined);
  }
}

/** Takes the profile's lease, asking again every LEASE_POLL_MS (real time) for up to `waitMs`. */
async function takeLease(profileId: string, deps: ApplyDeps, owner: string, clock: () => Date, waitMs: number, signal: AbortSignal | undefined): Promise<'taken' | 'busy' | 'aborted'> {
  const giveUpAt = Date.now() + Math.max(0, waitMs);
  for (;;) {
    if (signal?.aborted) return 'aborted';
    const now = clock();
    if (await deps.actions.takeActLease(profileId, owner, now.toISOString(), new Date(now.getTime() + ACT_LEASE_MS).toISOString())) return 'taken';
    if (Date.now() >= giveUpAt) return 'busy';
    await realSleep(Math.min(LEASE_POLL_MS, Math.max(1, giveUpAt - Date.now())), signal);
  }
}

/**
 * Requests left `acting` when the holder of the lease before us stopped mid-action (a killed process, a
 * function that ran out of time): only a lease holder claims one, so with the lease in hand any such request
 * is an orphan. Each goes back to pending (the next look tells whether its write happened), audited.
 */
async function recoverOrphans(profile: ProfileConfig, deps: ApplyDeps, clock: () => Date): Promise<void> {
  for (const orphan of await deps.actions.listActionRequests(profile.id, 'acting')) {
    const at = clock().toISOString();
    if (!(await deps.actions.transitionAction(profile.id, orphan.id, 'acting', 'pending', at, INTERRUPTED_BEFORE))) continue;
    await deps.actions.appendAudit(auditOf(orphan, at, 'failed', INTERRUPTED_BEFORE, undefined));
  }
}

const INTERRUPTED_BEFORE = 'interrupted: the apply that claimed it stopped before it finished; back to pending';
const INTERRUPTED = 'interrupted by the deadline before the platform answered; back to pending (the next apply looks again)';

interface Acting {
  clock: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The call's deadline and the lease: aborted when either ends. */
  signal: AbortSignal;
  renew(extraMs?: number): Promise<boolean>;
  lost(): boolean;
}

async function actUnderLease(profile: ProfileConfig, deps: ApplyDeps, options: ApplyOptions, pending: ActionRequest[], acting: Acting): Promise<Omit<ApplyResult, 'refused'>> {
  const { clock, signal } = acting;
  const results: ActionResult[] = [];
  const interrupted: ActionRequest[] = [];
  const stillPending: ActionRequest[] = [];
  let stopped: ApplyStop | undefined;
  let acted = 0;
  const state = await deps.store.loadProfileState(profile.id);
  const actors = new Map<string, Actor | undefined>();
  const stopReason = (): ApplyStop => ({ reason: acting.lost() ? 'lease_lost' : 'deadline' });

  for (const [index, request] of pending.entries()) {
    if (acted >= profile.act.maxPerRun || signal.aborted || !(await acting.renew())) {
      stopped = acted >= profile.act.maxPerRun ? { reason: 'cap' } : stopReason();
      stillPending.push(...pending.slice(index));
      break;
    }
    const nowIso = clock().toISOString();
    // Claim it: a second apply running at the same time (the page and the CLI) finds it taken and leaves it.
    if (!(await deps.actions.transitionAction(profile.id, request.id, 'pending', 'acting', nowIso))) continue;

    const finish = async (outcome: AuditOutcome, reason: string | undefined, answer: PlatformAnswer | undefined): Promise<void> => {
      const at = clock().toISOString();
      const status = outcome === 'done' ? 'done' : outcome === 'failed' ? 'failed' : 'skipped';
      const detail = reason ?? answer?.summary;
      await deps.actions.appendAudit(auditOf(request, at, outcome, reason, answer));
      await deps.actions.transitionAction(profile.id, request.id, 'acting', status, at, detail);
      if (deps.ledger !== undefined && request.confirmation.kind === 'link') await settleLedger(deps.ledger, profile.id, request, status, at, detail);
      results.push({ request: { ...request, status, updatedAt: at, ...(detail !== undefined ? { detail } : {}) }, outcome, ...(reason !== undefined ? { reason } : {}), ...(answer !== undefined ? { answer } : {}) });
    };
    /** Not attempted (cap, pacing, deadline before anything was sent): pending again, no audit. */
    const putBack = async (why: ApplyStop): Promise<void> => {
      await deps.actions.transitionAction(profile.id, request.id, 'acting', 'pending', clock().toISOString());
      stillPending.push(...pending.slice(index));
      stopped = why;
    };
    /** Stopped by the deadline (or a lost lease) mid-action: audited, pending again. */
    const interrupt = async (answer: PlatformAnswer | undefined): Promise<void> => {
      const at = clock().toISOString();
      const reason = acting.lost() ? 'interrupted: lost the acting lease before the platform answered; back to pending' : INTERRUPTED;
      await deps.actions.appendAudit(auditOf(request, at, 'failed', reason, answer));
      await deps.actions.transitionAction(profile.id, request.id, 'acting', 'pending', at, reason);
      interrupted.push({ ...request, status: 'pending', updatedAt: at, detail: reason });
      stillPending.push(...pending.slice(index));
      stopped = stopReason();
    };

    try {
      const { sourceId, contactId } = splitKey(request.contactKey);
      const stored = state.contacts.find((c) => c.sourceId === sourceId && c.id === contactId);
      const target: ActTarget = { id: contactId, handle: stored?.handle ?? request.handle };
      const guarding = request.action === 'unfollow';

      if (guarding) {
        const kept = keptBy(profile, state.decisions, target, sourceId, clock().getTime());
        if (kept !== undefined) {
          await finish('skipped', kept, undefined);
          continue;
        }
      }
      if (guarding && request.undoOf === undefined) {
        const engaged = await storedEngagementSince(deps, profile.id, sourceId, contactId, request.reportAt, nowIso);
        if (engaged !== undefined) {
          await finish('skipped', `engaged since the report (${engaged})`, undefined);
          continue;
        }
      }

      if (!actors.has(sourceId)) {
        try {
          actors.set(sourceId, await deps.actorFor(sourceId));
        } catch (err) {
          await finish('failed', `source "${sourceId}" cannot act: ${messageOf(err)}`, undefined);
          continue;
        }
      }
      const actor = actors.get(sourceId);
      if (actor === undefined) {
        await finish('failed', `source "${sourceId}" cannot act (only Mastodon and Bluesky sources with credentials can)`, undefined);
        continue;
      }

      // The cap and the pacing, as the store has them (every request and command counts), before any request.
      const gate = await waitForSlot(profile, deps, options, acting);
      if (gate !== 'ok') {
        await putBack(gate);
        break;
      }
      let look;
      try {
        look = await actor.look(target, request.reportAt, signal);
      } catch (err) {
        if (signal.aborted) {
          await interrupt({ summary: messageOf(err) });
          break;
        }
        await finish('failed', `could not look at the account before acting: ${messageOf(err)}`, undefined);
        continue;
      }
      if (look.gone) {
        await finish('skipped', 'the account is gone', look.answer);
        continue;
      }
      if (request.action === 'unfollow' && !look.following) {
        await finish('already', 'already not following', look.answer);
        continue;
      }
      if (request.action === 'follow' && look.following) {
        await finish('already', 'already following', look.answer);
        continue;
      }
      if (guarding && request.undoOf === undefined && look.inboundSince !== undefined) {
        await finish('skipped', `engaged since the report (${look.inboundSince})`, look.answer);
        continue;
      }

      // Reserve the slot (a conditional write) just before the write reaches the network.
      const slot = await reserveSlot(profile, deps, clock);
      if (slot !== 'ok') {
        await putBack(slot);
        break;
      }
      if (signal.aborted) {
        await putBack(stopReason());
        break;
      }
      let result: ActResult;
      try {
        result = request.action === 'unfollow' ? await actor.unfollow(target, signal) : await actor.follow(target, signal);
      } catch (err) {
        result = { outcome: 'failed', answer: { summary: messageOf(err) } };
      }
      acted++;
      if (result.outcome === 'failed' && signal.aborted) {
        await interrupt(result.answer);
        break;
      }
      const outcome: AuditOutcome = result.outcome === 'done' ? 'done' : result.outcome === 'already' ? 'already' : result.outcome === 'gone' ? 'skipped' : 'failed';
      const reason = result.outcome === 'gone' ? 'the account is gone' : result.outcome === 'refused' ? 'the platform refused (does the token have write scope?)' : undefined;
      await finish(outcome, reason, result.answer);
    } catch (err) {
      // The store failed mid-way: leave the action failed and audited if the store allows it, and stop.
      await finish('failed', messageOf(err), undefined).catch(() => undefined);
      throw err;
    }
  }
  return { enabled: true, results, stillPending, acted, interrupted, ...(stopped !== undefined ? { stopped } : {}) };
}

/**
 * Waits until the profile's window lets an action through: the pacing since the last action of any
 * actor. Gives up (the action stays pending) when the cap is reached, when the wait is longer than
 * this call may wait, or at the deadline.
 */
async function waitForSlot(profile: ProfileConfig, deps: ApplyDeps, options: ApplyOptions, acting: Acting): Promise<'ok' | ApplyStop> {
  for (let round = 0; round < 5; round++) {
    const nowMs = acting.clock().getTime();
    const gate = admitAction(await deps.actions.getActWindow(profile.id), nowMs, profile.act);
    if (gate.ok) return 'ok';
    const until = new Date(gate.untilMs).toISOString();
    if (gate.reason === 'cap') return { reason: 'cap', until };
    const waitMs = gate.untilMs - nowMs;
    if (waitMs > (options.mayWaitMs?.() ?? Number.POSITIVE_INFINITY)) return { reason: 'pacing', until };
    if (!(await acting.renew(waitMs))) return { reason: 'lease_lost' };
    await acting.sleep(waitMs, acting.signal);
    if (acting.signal.aborted) return { reason: acting.lost() ? 'lease_lost' : 'deadline' };
  }
  return { reason: 'pacing' };
}

/** Reserves one slot of the window at the clock's now: a compare-and-swap on the window's version. */
async function reserveSlot(profile: ProfileConfig, deps: ApplyDeps, clock: () => Date): Promise<'ok' | ApplyStop> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const window = await deps.actions.getActWindow(profile.id);
    const gate = admitAction(window, clock().getTime(), profile.act);
    if (!gate.ok) return { reason: gate.reason, until: new Date(gate.untilMs).toISOString() };
    if (await deps.actions.putActWindow(profile.id, gate.next, window.version)) return 'ok';
  }
  return { reason: 'busy' };
}

/** A confirmation from the page that is not signed by this deployment's key: never acted on. */
export interface RefusedConfirmation {
  key: string;
  action: ConfirmedAction['action'];
  tokenId: string;
  confirmedAt: string;
  reason: string;
  /** False when it could not be checked (no keyring here): it stays pending, untouched, for an apply that has the keys. */
  checked: boolean;
}

/**
 * Takes over the decision page's pending confirmations (one per contact, `A#` items) as requests
 * of this engine. The request id comes from the link's id and the contact, so taking one over
 * twice (two applies at once) stores it once. The report time is the latest run at or before
 * the confirmation: the email the link came from.
 *
 * Only confirmations with a valid MAC (shared/decide/confirmation-mac.ts) under the decision
 * signing key are taken over. Any other (written straight into the table, or by another
 * deployment) is refused: stored as a failed request that is never carried out, audited, and
 * settled `failed` in the ledger, so it is reported once and never adopted.
 */
export async function adoptLedgerActions(
  profile: ProfileConfig,
  deps: Pick<ApplyDeps, 'actions' | 'store' | 'clock' | 'keyring'>,
  ledger: Pick<DecisionLedger, 'listConfirmedActions'> & Partial<Pick<DecisionLedger, 'putConfirmedAction'>>,
): Promise<{ adopted: number; refused: RefusedConfirmation[] }> {
  const waiting = (await ledger.listConfirmedActions(profile.id)).filter((a) => a.status === 'pending');
  if (waiting.length === 0) return { adopted: 0, refused: [] };
  const state = await deps.store.loadProfileState(profile.id);
  const keyring = deps.keyring !== undefined ? await deps.keyring() : undefined;
  const nowIso = (deps.clock ?? (() => new Date()))().toISOString();
  let adopted = 0;
  const refused: RefusedConfirmation[] = [];
  for (const confirmed of waiting) {
    const check = keyring !== undefined ? verifyConfirmationMac(keyring, profile.id, confirmed) : undefined;
    const { sourceId, contactId } = splitKey(confirmed.key);
    const handle = state.contacts.find((c) => c.sourceId === sourceId && c.id === contactId)?.handle ?? confirmed.key;
    const lastRunAt = state.lastRun?.at;
    // The link's issue time when the page recorded it; older items: the latest run before the confirmation.
    const reportAt = confirmed.reportAt ?? (lastRunAt !== undefined && lastRunAt <= confirmed.confirmedAt ? lastRunAt : confirmed.confirmedAt);
    const request: ActionRequest = {
      id: ledgerActionId(confirmed),
      profileId: profile.id,
      contactKey: confirmed.key,
      handle,
      action: confirmed.action === 'follow_back' ? 'follow' : 'unfollow',
      reportAt,
      confirmedAt: confirmed.confirmedAt,
      confirmation: { kind: 'link', ref: confirmed.tokenId },
      status: 'pending',
      updatedAt: nowIso,
    };
    if (check?.ok === true) {
      if (await deps.actions.putActionRequest(request)) adopted++;
      continue;
    }
    if (check === undefined) {
      // No keyring here (a terminal without the page's keys): it cannot be checked now, so it waits, untouched.
      refused.push({ key: confirmed.key, action: confirmed.action, tokenId: confirmed.tokenId, confirmedAt: confirmed.confirmedAt, reason: `not carried out: no decision signing key here to check it`, checked: false });
      continue;
    }
    const reason = macProblemText(check.problem);
    refused.push({ key: confirmed.key, action: confirmed.action, tokenId: confirmed.tokenId, confirmedAt: confirmed.confirmedAt, reason, checked: true });
    // Recorded once (a conditional put: two applies at once store and audit it once), never pending.
    if (await deps.actions.putActionRequest({ ...request, status: 'failed', detail: reason })) {
      await deps.actions.appendAudit(auditOf(request, nowIso, 'failed', reason, undefined));
      if (ledger.putConfirmedAction !== undefined) await ledger.putConfirmedAction(profile.id, { ...confirmed, status: 'failed', doneAt: nowIso, detail: reason });
    }
  }
  return { adopted, refused };
}

function ledgerActionId(confirmed: ConfirmedAction): string {
  return `${confirmed.confirmedAt.slice(0, 10).replaceAll('-', '')}-${createHash('sha256').update(`${confirmed.tokenId}\n${confirmed.key}`).digest('hex').slice(0, 6)}`;
}

async function settleLedger(ledger: Pick<DecisionLedger, 'listConfirmedActions' | 'putConfirmedAction'>, profileId: string, request: ActionRequest, status: 'done' | 'failed' | 'skipped', at: string, detail: string | undefined): Promise<void> {
  // Only the confirmation this request came from: a newer one for the same contact replaced it and stays pending.
  const current = (await ledger.listConfirmedActions(profileId)).find((a) => a.key === request.contactKey && a.tokenId === request.confirmation.ref);
  if (current === undefined) return;
  await ledger.putConfirmedAction(profileId, { ...current, status, doneAt: at, ...(detail !== undefined ? { detail: detail.slice(0, 300) } : {}) });
}

/** `sourceId:contactId`; ids such as DIDs contain colons, source ids never do. */
export function splitKey(contactKey: string): { sourceId: string; contactId: string } {
  const colon = contactKey.indexOf(':');
  if (colon <= 0 || colon === contactKey.length - 1) throw new ActionInputError(`"${contactKey}" is not a contact key (sourceId:contactId, as in the report's CSV)`);
  return { sourceId: contactKey.slice(0, colon), contactId: contactKey.slice(colon + 1) };
}

/** `20261123-3f9a1c`: sortable by day, short enough to type in `followback undo`. */
export function newActionId(nowIso: string): string {
  return `${nowIso.slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

function keptBy(profile: ProfileConfig, stored: StoredDecision[], target: ActTarget, sourceId: string, nowMs: number): string | undefined {
  const decisions: OwnerDecisions = {
    allowlist: [...profile.allowlist, ...stored.filter((d) => d.kind === 'allow').map((d) => d.contact)],
    snoozed: [
      ...profile.snoozed.map((s) => ({ contact: s.contact, until: s.until })),
      ...stored.flatMap((d) => (d.kind === 'snooze' && d.until !== undefined ? [{ contact: d.contact, until: d.until }] : [])),
    ],
  };
  const decision = matchDecisions(decisions, nowMs).decisionFor({ sourceId, id: target.id, handle: target.handle });
  if (decision.allowlistedBy !== undefined) return `allowlisted (${decision.allowlistedBy})`;
  if (decision.snoozedUntil !== undefined) return `snoozed until ${decision.snoozedUntil}`;
  return undefined;
}

async function storedEngagementSince(deps: ApplyDeps, profileId: string, sourceId: string, contactId: string, since: string, now: string): Promise<string | undefined> {
  const interactions = await deps.store.loadInteractions(profileId, since, now);
  const sinceMs = Date.parse(since);
  const newest = interactions
    .filter((i) => i.sourceId === sourceId && i.contactId === contactId && i.direction === 'inbound' && Date.parse(i.at) > sinceMs)
    .map((i) => i.at)
    .sort()
    .at(-1);
  return newest;
}

function auditOf(request: ActionRequest, at: string, outcome: AuditOutcome, reason: string | undefined, answer: PlatformAnswer | undefined): ActionAudit {
  return {
    actionId: request.id,
    profileId: request.profileId,
    contactKey: request.contactKey,
    handle: request.handle,
    at,
    what: request.action,
    outcome,
    ...(reason !== undefined ? { reason } : {}),
    ...(answer !== undefined ? { platformAnswer: { ...(answer.status !== undefined ? { status: answer.status } : {}), summary: answer.summary.slice(0, 300) } } : {}),
    confirmation: request.confirmation,
    ...(request.undoOf !== undefined ? { undoOf: request.undoOf } : {}),
  };
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/** Real time, whatever clock the engine is given: waiting for another actor's lease. */
const realSleep = (ms: number, signal?: AbortSignal): Promise<void> => defaultSleep(ms, signal);

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
