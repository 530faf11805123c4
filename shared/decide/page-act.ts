/**
 * The decision page's `act` dependency: carries out the Unfollow / Follow back
 * a link just confirmed, through the act engine (shared/app/apply-actions.ts),
 * so the re-checks, the cap (`act.maxPerRun`), the pacing and the audit are the
 * ones `followback apply --confirm` uses. Built by `followback serve` and the
 * decision Lambda; the handler stays pure.
 *
 * Only the link's own confirmations are attempted here (what the owner just
 * pressed); anything else pending waits for the next apply. The engine takes
 * the profile's acting lease (one actor at a time, the CLI included), reserves
 * each action's slot in the profile's window (the cap and the pacing across
 * every request and command) and gets a deadline: the request's time budget,
 * as an AbortSignal that reaches every network call. A request cannot wait for
 * minutes of pacing: what does not fit stays pending and the page says
 * "waiting"; an action the deadline cuts off is audited and pending again.
 *
 * Only confirmations with a valid MAC under the decision signing key are
 * believed (the page's POST writes it): `keyring` is the same one the handler
 * verifies links with.
 */
import { ActionInputError, adoptLedgerActions, applyActions, undoAction, type ActionResult, type ApplyDeps, type ApplyOptions } from '../app/apply-actions.ts';
import type { ProfileConfig } from '../config/schema.ts';
import type { ActionRequest, ActionStore } from '../ports/action-store.ts';
import type { SecretResolver } from '../ports/secrets.ts';
import type { SessionStore } from '../ports/source.ts';
import type { DecisionLedger, ProfileStore } from '../ports/store.ts';
import { buildActor } from '../sources/build-actors.ts';
import type { HttpClientOptions } from '../sources/http/http-client.ts';
import type { PageAct, PageActOutcome, PageUndo } from './handler.ts';
import type { Keyring } from './keyring.ts';

/** A look and a write, generously: how long one action may take besides its pacing. */
export const ACTION_ESTIMATE_MS = 4_000;

export interface PageActDeps {
  /** The store: profile state and interactions for the re-checks, sessions for Bluesky. */
  store: Pick<ProfileStore, 'loadProfileState' | 'loadInteractions'> & SessionStore;
  actions: ActionStore;
  ledger: Pick<DecisionLedger, 'listConfirmedActions' | 'putConfirmedAction'>;
  /** The decision signing keys (the handler's): a confirmation is acted on only with a valid MAC under one of them. */
  keyring(): Promise<Keyring>;
  /** The sources' tokens (environment locally, Secrets Manager in AWS). */
  secrets: SecretResolver;
  /** Milliseconds this request may still spend acting (a Lambda's remaining time less a margin). */
  budgetMs(): number;
  clock?: () => Date;
  sleep?: ApplyDeps['sleep'];
  http?: Partial<HttpClientOptions>;
}

/** What one page request acts with: the engine's deps, and its deadline in real time. */
interface RequestActing {
  applyDeps: ApplyDeps;
  budget: number;
  endsAt: number;
  signal: AbortSignal;
}

/** Runs `work` with the engine's deps and a deadline from the request's budget (every network call made while acting gets it). */
async function withDeadline<T>(deps: PageActDeps, profile: ProfileConfig, work: (acting: RequestActing) => Promise<T>): Promise<T> {
  const budget = Math.max(0, deps.budgetMs());
  const endsAt = Date.now() + budget;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`the request's ${budget} ms to act ran out`, 'TimeoutError')), budget);
  try {
    const applyDeps: ApplyDeps = {
      actions: deps.actions,
      store: deps.store,
      ledger: deps.ledger,
      keyring: () => deps.keyring(),
      actorFor: (sourceId) => buildActor(profile, sourceId, { secrets: deps.secrets, sessions: deps.store, ...(deps.http ? { http: deps.http } : {}) }),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    };
    return await work({ applyDeps, budget, endsAt, signal: deadline.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** The engine's options for a web request: its deadline, a lease wait and pacing it can afford. */
function requestOptions(acting: RequestActing): Omit<ApplyOptions, 'onlyIds'> {
  return {
    signal: acting.signal,
    // Another actor (the CLI, another press) may hold the lease: wait for it while the request has time.
    leaseWaitMs: Math.max(0, acting.budget - ACTION_ESTIMATE_MS),
    // Pacing longer than what is left (less one action) leaves the rest pending: the page says "waiting".
    mayWaitMs: () => acting.endsAt - Date.now() - ACTION_ESTIMATE_MS,
  };
}

export function engineAct(deps: PageActDeps): PageAct {
  return (profile: ProfileConfig, link) =>
    withDeadline(deps, profile, async (acting) => {
      const { applyDeps } = acting;
      // The page's confirmations become engine requests (ids derived from the link and the contact); unsigned ones are refused.
      await adoptLedgerActions(profile, applyDeps, deps.ledger);
      const mine = (await deps.actions.listActionRequests(profile.id)).filter(
        (r) => r.confirmation.kind === 'link' && r.confirmation.ref === link.tokenId && link.keys.includes(r.contactKey),
      );
      const attempt = mine.filter((r) => r.status === 'pending');
      const result = attempt.length === 0 ? undefined : await applyActions(profile, applyDeps, { ...requestOptions(acting), onlyIds: attempt.map((r) => r.id) });

      return link.keys.map((key): PageActOutcome => {
        const request = mine.find((r) => r.contactKey === key);
        if (request === undefined) return { key, outcome: 'waiting' };
        return outcomeOf(key, request, result?.results.find((r) => r.request.id === request.id));
      });
    });
}

/**
 * The decision page's `undo` dependency: the Undo button of a page that acted reverses those
 * actions through the engine's `undoAction` (an action of its own: looked at first, capped,
 * paced, audited with the id it reverses). An id whose contact is not the one the undo link
 * names, or that is not done, is not undone.
 */
export function engineUndo(deps: PageActDeps): PageUndo {
  return (profile: ProfileConfig, request) =>
    withDeadline(deps, profile, async (acting) => {
      const outcomes: PageActOutcome[] = [];
      for (const { actionId, key } of request.actions) {
        const original = await deps.actions.getActionRequest(profile.id, actionId);
        if (original === null || original.contactKey !== key) {
          outcomes.push({ key, outcome: 'failed', reason: `no action ${actionId} for this contact` });
          continue;
        }
        try {
          const { request: undo, apply } = await undoAction(profile, acting.applyDeps, actionId, { kind: 'link', ref: request.tokenId }, requestOptions(acting));
          outcomes.push(outcomeOf(key, undo, apply.results.find((r) => r.request.id === undo.id)));
        } catch (err) {
          if (!(err instanceof ActionInputError)) throw err;
          outcomes.push({ key, handle: original.handle, outcome: 'skipped', reason: err.message });
        }
      }
      return outcomes;
    });
}

/** One contact's line on the page, from its request and what this call did with it. */
function outcomeOf(key: string, request: ActionRequest, done: ActionResult | undefined): PageActOutcome {
  const handle = request.handle !== key ? { handle: request.handle } : {};
  if (done === undefined) {
    // Not attempted now (over the cap, the pacing or the time budget, interrupted), or settled / taken by another apply.
    const status = request.status;
    return status === 'done' || status === 'skipped' || status === 'failed'
      ? { key, ...handle, outcome: status, actionId: request.id, ...(request.detail !== undefined ? { reason: request.detail } : {}) }
      : { key, ...handle, outcome: 'waiting', actionId: request.id };
  }
  const outcome = done.outcome === 'not_enabled' ? 'waiting' : done.outcome;
  const reason = done.reason ?? (done.outcome === 'done' ? undefined : done.answer?.summary);
  return { key, ...handle, outcome, actionId: request.id, ...(reason !== undefined ? { reason } : {}) };
}
