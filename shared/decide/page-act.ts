/**
 * The decision page's `act` dependency: carries out the Unfollow / Follow back
 * a link just confirmed, through the act engine (shared/app/apply-actions.ts),
 * so the re-checks, the cap (`act.maxPerRun`), the pacing and the audit are the
 * ones `followback apply --confirm` uses. Built by `followback serve` and the
 * decision Lambda; the handler stays pure.
 *
 * Only the link's own confirmations are attempted here (what the owner just
 * pressed); anything else pending waits for the next apply. A request cannot
 * wait for minutes of pacing, so at most as many actions as fit in the time
 * budget are attempted; the rest stay pending and the page says so.
 */
import { adoptLedgerActions, applyActions, type ApplyDeps } from '../app/apply-actions.ts';
import type { ProfileConfig } from '../config/schema.ts';
import type { ActionStore } from '../ports/action-store.ts';
import type { SecretResolver } from '../ports/secrets.ts';
import type { SessionStore } from '../ports/source.ts';
import type { DecisionLedger, ProfileStore } from '../ports/store.ts';
import { buildActor } from '../sources/build-actors.ts';
import type { HttpClientOptions } from '../sources/http/http-client.ts';
import type { PageAct, PageActOutcome } from './handler.ts';

/** A look and a write, generously: how long one action may take besides its pacing. */
export const ACTION_ESTIMATE_MS = 4_000;

export interface PageActDeps {
  /** The store: profile state and interactions for the re-checks, sessions for Bluesky. */
  store: Pick<ProfileStore, 'loadProfileState' | 'loadInteractions'> & SessionStore;
  actions: ActionStore;
  ledger: Pick<DecisionLedger, 'listConfirmedActions' | 'putConfirmedAction'>;
  /** The sources' tokens (environment locally, Secrets Manager in AWS). */
  secrets: SecretResolver;
  /** Milliseconds this request may still spend acting (a Lambda's remaining time less a margin). */
  budgetMs(): number;
  clock?: () => Date;
  sleep?: ApplyDeps['sleep'];
  http?: Partial<HttpClientOptions>;
}

export function engineAct(deps: PageActDeps): PageAct {
  return async (profile: ProfileConfig, link) => {
    const applyDeps: ApplyDeps = {
      actions: deps.actions,
      store: deps.store,
      ledger: deps.ledger,
      actorFor: (sourceId) => buildActor(profile, sourceId, { secrets: deps.secrets, sessions: deps.store, ...(deps.http ? { http: deps.http } : {}) }),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    };
    // The page's confirmations become engine requests (ids derived from the link and the contact).
    await adoptLedgerActions(profile, applyDeps, deps.ledger);
    const mine = (await deps.actions.listActionRequests(profile.id)).filter(
      (r) => r.confirmation.kind === 'link' && r.confirmation.ref === link.tokenId && link.keys.includes(r.contactKey),
    );
    const perAction = profile.act.pacingSeconds * 1000 + ACTION_ESTIMATE_MS;
    const fits = Math.max(1, Math.floor(deps.budgetMs() / perAction));
    const attempt = mine.filter((r) => r.status === 'pending').slice(0, fits);
    const result = attempt.length === 0 ? undefined : await applyActions(profile, applyDeps, { onlyIds: attempt.map((r) => r.id) });

    return link.keys.map((key): PageActOutcome => {
      const request = mine.find((r) => r.contactKey === key);
      if (request === undefined) return { key, outcome: 'waiting' };
      const handle = request.handle !== key ? { handle: request.handle } : {};
      const done = result?.results.find((r) => r.request.id === request.id);
      if (done === undefined) {
        // Not attempted now: over the cap or the time budget, or already settled / taken by another apply.
        const status = request.status;
        return status === 'done' || status === 'skipped' || status === 'failed'
          ? { key, ...handle, outcome: status, actionId: request.id, ...(request.detail !== undefined ? { reason: request.detail } : {}) }
          : { key, ...handle, outcome: 'waiting', actionId: request.id };
      }
      const outcome = done.outcome === 'not_enabled' ? 'waiting' : done.outcome;
      const reason = done.reason ?? (done.outcome === 'done' ? undefined : done.answer?.summary);
      return { key, ...handle, outcome, actionId: request.id, ...(reason !== undefined ? { reason } : {}) };
    });
  };
}
