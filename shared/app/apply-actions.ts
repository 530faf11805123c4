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
 * Capped: at most `act.maxPerRun` actions reach the network per call (skips do
 * not count); the rest stay pending for the next apply. Paced:
 * `act.pacingSeconds` between a write and the next request. Audited: every
 * attempt (done, skipped, failed) is an audit record with the platform's answer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ProfileConfig } from '../config/schema.ts';
import type { OwnerDecisions } from '../domain/analysis-types.ts';
import { matchDecisions } from '../domain/decisions.ts';
import type { ActionAudit, ActionConfirmation, ActionKind, ActionRequest, ActionStore, AuditOutcome } from '../ports/action-store.ts';
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
  signal?: AbortSignal,
): Promise<{ request: ActionRequest; apply: ApplyResult }> {
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
  const apply = await applyActions(profile, deps, { onlyIds: [request.id], ...(signal ? { signal } : {}) });
  const own = apply.results.find((r) => r.request.id === request.id)?.request ?? (await deps.actions.getActionRequest(profile.id, request.id)) ?? request;
  return { request: own, apply };
}

/** Bad input to an action command (unknown id, nothing to undo): exit code 2, not a failure of the store. */
export class ActionInputError extends Error {
  override readonly name = 'ActionInputError';
}

/**
 * Carries out the profile's pending confirmed actions, oldest first, re-checked,
 * capped and paced (see the file comment). With `act.enabled` false it changes nothing.
 */
export async function applyActions(profile: ProfileConfig, deps: ApplyDeps, options: { signal?: AbortSignal; onlyIds?: string[] } = {}): Promise<ApplyResult> {
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  if (deps.ledger !== undefined) await adoptLedgerActions(profile, deps, deps.ledger);
  const pending = (await deps.actions.listActionRequests(profile.id, 'pending')).filter((r) => options.onlyIds === undefined || options.onlyIds.includes(r.id));
  if (!profile.act.enabled) return { enabled: false, results: [], stillPending: pending, acted: 0 };

  const state = await deps.store.loadProfileState(profile.id);
  const results: ActionResult[] = [];
  let acted = 0;
  let mustPause = false;
  const actors = new Map<string, Actor | undefined>();
  const stillPending: ActionRequest[] = [];

  for (const [index, request] of pending.entries()) {
    if (acted >= profile.act.maxPerRun || options.signal?.aborted) {
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

      if (mustPause) {
        await sleep(profile.act.pacingSeconds * 1000, options.signal);
        mustPause = false;
        if (options.signal?.aborted) {
          // Stopped while pacing (a deadline): nothing was sent for this one, so it waits for the next apply.
          await deps.actions.transitionAction(profile.id, request.id, 'acting', 'pending', clock().toISOString());
          stillPending.push(...pending.slice(index));
          break;
        }
      }
      let look;
      try {
        look = await actor.look(target, request.reportAt, options.signal);
      } catch (err) {
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

      let result: ActResult;
      try {
        result = request.action === 'unfollow' ? await actor.unfollow(target, options.signal) : await actor.follow(target, options.signal);
      } catch (err) {
        result = { outcome: 'failed', answer: { summary: messageOf(err) } };
      }
      acted++;
      mustPause = true;
      const outcome: AuditOutcome = result.outcome === 'done' ? 'done' : result.outcome === 'already' ? 'already' : result.outcome === 'gone' ? 'skipped' : 'failed';
      const reason = result.outcome === 'gone' ? 'the account is gone' : result.outcome === 'refused' ? 'the platform refused (does the token have write scope?)' : undefined;
      await finish(outcome, reason, result.answer);
    } catch (err) {
      // The store failed mid-way: leave the action failed and audited if the store allows it, and stop.
      await finish('failed', messageOf(err), undefined).catch(() => undefined);
      throw err;
    }
  }
  return { enabled: true, results, stillPending, acted };
}

/**
 * Takes over the decision page's pending confirmations (one per contact, `A#` items) as requests
 * of this engine. The request id comes from the link's id and the contact, so taking one over
 * twice (two applies at once) stores it once. The report time is the latest run at or before
 * the confirmation: the email the link came from.
 */
export async function adoptLedgerActions(profile: ProfileConfig, deps: Pick<ApplyDeps, 'actions' | 'store' | 'clock'>, ledger: Pick<DecisionLedger, 'listConfirmedActions'>): Promise<number> {
  const waiting = (await ledger.listConfirmedActions(profile.id)).filter((a) => a.status === 'pending');
  if (waiting.length === 0) return 0;
  const state = await deps.store.loadProfileState(profile.id);
  const nowIso = (deps.clock ?? (() => new Date()))().toISOString();
  let adopted = 0;
  for (const confirmed of waiting) {
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
    if (await deps.actions.putActionRequest(request)) adopted++;
  }
  return adopted;
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
