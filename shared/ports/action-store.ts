/**
 * Confirmed actions and their audit trail. An action request exists only
 * because the owner confirmed it (a signed link's page, or `followback apply
 * --confirm`); the schedule never creates one. Every attempt to carry one out,
 * skipped or not, leaves an audit record.
 */

export type ActionKind = 'unfollow' | 'follow';

/** pending: confirmed, not yet carried out; acting: claimed by one apply (no second one may act). */
export type ActionStatus = 'pending' | 'acting' | 'done' | 'skipped' | 'failed';

export interface ActionConfirmation {
  kind: 'link' | 'cli';
  /** The link's token id or the command line's user/host: never a secret. */
  ref: string;
}

export interface ActionRequest {
  /** Short, unique, given to the owner for `followback undo ID`. */
  id: string;
  profileId: string;
  /** `sourceId:contactId`, as in the report's CSV. */
  contactKey: string;
  /** The handle at confirmation time, for messages. */
  handle: string;
  action: ActionKind;
  /** The report the recommendation came from (its run time): engagement after it cancels the action. */
  reportAt: string;
  confirmedAt: string;
  confirmation: ActionConfirmation;
  status: ActionStatus;
  /** Set on an undo: the action it reverses. */
  undoOf?: string;
  /** Last status change. */
  updatedAt: string;
  /** Why it was skipped or failed, or what the platform said when done. */
  detail?: string;
}

export type AuditOutcome = 'done' | 'already' | 'skipped' | 'failed' | 'not_enabled';

export interface ActionAudit {
  actionId: string;
  profileId: string;
  contactKey: string;
  handle: string;
  at: string;
  what: ActionKind;
  outcome: AuditOutcome;
  /** Why it was skipped (allowlisted, snoozed, engaged since the report, ...). */
  reason?: string;
  platformAnswer?: { status?: number; summary: string };
  confirmation: ActionConfirmation;
  undoOf?: string;
}

export interface ActionStore {
  /** Stores a new request; false when one with this id exists already. */
  putActionRequest(request: ActionRequest): Promise<boolean>;
  getActionRequest(profileId: string, id: string): Promise<ActionRequest | null>;
  /** Oldest confirmation first. */
  listActionRequests(profileId: string, status?: ActionStatus): Promise<ActionRequest[]>;
  /**
   * Moves a request from `from` to `to` only if it is still in `from` (a conditional write):
   * false when someone else moved it first, so two applies never act twice.
   */
  transitionAction(profileId: string, id: string, from: ActionStatus, to: ActionStatus, updatedAt: string, detail?: string): Promise<boolean>;
  appendAudit(audit: ActionAudit): Promise<void>;
  /** Audit records with `at >= since`, oldest first. */
  listAudits(profileId: string, since?: string): Promise<ActionAudit[]>;

  /**
   * The profile's acting lease: one actor at a time (the page's POSTs, `followback apply`, `undo`).
   * Taken when nobody holds it, when its holder's time ran out, or when `owner` holds it already
   * (a conditional write): false while another owner holds it.
   */
  takeActLease(profileId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean>;
  /** Extends the lease, only while `owner` still holds it (a conditional write); false when it was lost. */
  renewActLease(profileId: string, owner: string, untilIso: string): Promise<boolean>;
  /** Gives the lease back, only if `owner` holds it. */
  releaseActLease(profileId: string, owner: string): Promise<void>;
  /** The profile's acting window: when actions reached the network lately (version 0: none ever). */
  getActWindow(profileId: string): Promise<ActWindow>;
  /**
   * Stores the window only if it is still at `expectedVersion` (a conditional write), which is how a
   * slot is reserved before an action reaches the network: false when another actor reserved one first.
   */
  putActWindow(profileId: string, next: ActWindow, expectedVersion: number): Promise<boolean>;
}

/**
 * When actions of a profile reached the network, for the cap and the pacing across every request
 * and command: `recent` holds the reservation instants inside the cap's window (older ones are
 * dropped on the next write), `lastAt` the latest one.
 */
export interface ActWindow {
  recent: string[];
  lastAt?: string;
  /** Bumped by every write: the condition that keeps two reservations from both passing. */
  version: number;
}
