import type { ToneLabelStore } from './tone-labels.ts';
import type { InteractionLog } from '../domain/interaction-log.ts';
import type { Figures, ReasonCode, TrackedContact } from '../domain/analysis-types.ts';
import type { Completeness, Interaction } from '../domain/model.ts';
import type { SuggestedFor } from '../domain/suggestions.ts';
import type { ActionStore } from './action-store.ts';
import type { FiringStore } from './firing-store.ts';

/** What the store remembers of one source of one profile. */
export interface SourceState {
  sourceId: string;
  platform: string;
  cursor?: string;
  /** First pull of this source (tracking began). */
  trackingSince: string;
  /** Earliest time inbound interactions are covered (backfill horizon). */
  historySince: string;
  lastPullAt?: string;
  lastCompleteAt?: string;
  /** Last pull whose contact list was complete: the baseline new and lost followers are measured against. */
  contactsCompleteAt?: string;
  lastContacts: Completeness;
  lastInteractions: Completeness;
  problems: string[];
}

/** A stored run: the trend line of the report. */
export interface RunRecord {
  profileId: string;
  runId: string;
  /** The run's clock (`--now` or the scheduled time). */
  at: string;
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  figures: Figures;
  sources: { sourceId: string; platform: string; contacts: Completeness; interactions: Completeness; problems: string[] }[];
  writes: WriteStats;
  /** Where the report went (outbox path or SES message id), if delivered. */
  delivery?: { kind: 'outbox' | 'ses' | 'none'; ref?: string };
  /**
   * Set when the report was delivered but storing the run's changes failed (the
   * reason, without secrets). Only this record was written: the next run starts
   * from the state before it, reports its changes again and says why.
   */
  storeFailed?: string;
}

/** An owner decision stored in the table (besides the config's allowlist). */
export interface StoredDecision {
  /** `sourceId:contactId` or a handle. */
  contact: string;
  kind: 'allow' | 'snooze';
  until?: string;
  note?: string;
  at: string;
  /** What the last report suggested the contact for when the owner decided (absent on decisions stored before issue 19). */
  suggestedFor?: SuggestedFor;
}

/** Everything the use-case needs from the store before analysing a run. */
export interface ProfileState {
  contacts: TrackedContact[];
  sources: SourceState[];
  lastRun: RunRecord | null;
  decisions: StoredDecision[];
}

/** Only what changed since the last run; the store writes exactly these. */
export interface RunChanges {
  /** Contacts new or changed (any stored field differs), with their reasons of this run. */
  contacts: (TrackedContact & { reasons: ReasonCode[] })[];
  /** Contacts no longer followed/following in a complete pull: deleted from the current set. */
  removedContactKeys: string[];
  /** Interactions not stored before: plain, or columns (a first import's million, written from the columns). */
  interactions: readonly (Interaction & { sourceId: string })[] | InteractionLog;
  sources: SourceState[];
  run: RunRecord;
}

export interface WriteStats {
  contactsWritten: number;
  contactsRemoved: number;
  interactionsWritten: number;
  sourcesWritten: number;
  /** Total items put/deleted, run record included. */
  items: number;
}

/** The owner's keep/snooze decisions made from the CLI, stored beside the config's allowlist. */
export interface DecisionStore {
  putDecision(profileId: string, decision: StoredDecision): Promise<void>;
  /** True when a decision was there to forget. */
  deleteDecision(profileId: string, contact: string): Promise<boolean>;
}

/**
 * An unfollow or follow-back the owner confirmed (from the decision page): a request the
 * act engine carries out (if the profile opted in), never something the schedule starts.
 * One per contact: a later confirmation replaces an earlier one.
 */
export interface ConfirmedAction {
  /** `sourceId:contactId`. */
  key: string;
  action: 'unfollow' | 'follow_back';
  confirmedAt: string;
  /** When the link was issued (the report it came from): "engaged since the report" counts from here. Absent on older items. */
  reportAt?: string;
  /** The decision link's `jti`: which confirmation asked for it. */
  tokenId: string;
  /** `pending` until the act engine reports what it did. */
  status: 'pending' | 'done' | 'failed' | 'skipped';
  /** Set by the act engine. */
  doneAt?: string;
  detail?: string;
  /**
   * `<kid>.<base64url HMAC-SHA256>` under the decision signing key, written by the page's POST
   * (shared/decide/confirmation-mac.ts): the act engine ignores a confirmation without a valid one.
   */
  mac?: string;
  /** What the report suggested the contact for when the owner confirmed (absent on older items). Not covered by the MAC: it only feeds the report's suggestions. */
  suggestedFor?: SuggestedFor;
}

/** What the decision page needs from the store besides `DecisionStore`: single use of links, confirmed actions. */
export interface DecisionLedger {
  /** Marks a link used (a conditional put of its id, expiring with the link): true the first time only. */
  consumeToken(profileId: string, tokenId: string, expiresAtEpochSeconds: number): Promise<boolean>;
  /** Undoes `consumeToken` when the decision could not be stored, so the owner can try the link again. */
  releaseToken(profileId: string, tokenId: string): Promise<void>;
  isTokenUsed(profileId: string, tokenId: string): Promise<boolean>;
  putConfirmedAction(profileId: string, action: ConfirmedAction): Promise<void>;
  /** Every confirmed action of the profile (pending and settled). */
  listConfirmedActions(profileId: string): Promise<ConfirmedAction[]>;
  /** The stored contact (`sourceId:contactId`), for the page to say who and why; null when unknown or unreadable. */
  findContact(profileId: string, key: string): Promise<(TrackedContact & { previousReasons?: ReasonCode[] }) | null>;
  /**
   * Every contact of a link in one read (a batch, however many keys): an entry for each key asked,
   * null for a contact not stored, not a valid key, or stored but unreadable (logged, so one bad item
   * shows as an unknown contact instead of failing the page).
   */
  findContacts(profileId: string, keys: readonly string[]): Promise<Map<string, (TrackedContact & { previousReasons?: ReasonCode[] }) | null>>;
}

/** What `forgetContact` found and deleted about one contact. */
export interface ForgetResult {
  /** The contact item (profile, relation, lifetime totals, last reasons) was there. */
  contact: boolean;
  interactions: number;
  /** `yyyy-mm` month buckets that held some of those interactions, oldest first. */
  interactionMonths: string[];
  /** Owner decisions (keep, snooze) deleted. */
  decisions: number;
  /** Confirmed actions deleted: the page's confirmation (A#) and the act engine's requests (ACT#). */
  actions: number;
  /** Audit records of actions on them (AUD#) deleted. */
  audits: number;
  /** The owner's tone labels on their replies ("this is (not) criticism") deleted. */
  labels: number;
  /** Month buckets searched for interactions. */
  monthsSearched: number;
}

/** Deletes what is stored about a person, for someone who asks to be removed. */
export interface ContactEraser {
  /**
   * Deletes the contact item, its interactions in every month bucket and the
   * decisions stored under the given names; nothing of other contacts. Safe to
   * repeat: a second call finds nothing.
   */
  forgetContact(profileId: string, target: { sourceId: string; contactId: string; decisions: string[] }): Promise<ForgetResult>;
}

export interface ProfileStore {
  loadProfileState(profileId: string): Promise<ProfileState>;
  /** The owner's tone labels kept beside the profile (DynamoDB: the same table), when this store keeps them. */
  toneLabelStore?(): Pick<ToneLabelStore, 'listLabels'>;
  /** The stored state (cursors) of each source alone: what a pull step needs, without the contacts. */
  loadSourceStates(profileId: string): Promise<SourceState[]>;
  /**
   * The stored contacts of these keys (`sourceId:contactId`) alone, read by key (DynamoDB: BatchGetItem,
   * 100 keys a call): what a pull needs of a few contacts (PullContext.known), never all of them. A key
   * not stored, or stored but unreadable, is absent. A store without it gives sources no memory.
   */
  loadContacts?(profileId: string, keys: readonly string[]): Promise<Map<string, TrackedContact>>;
  /** Interactions with `at >= since` (at least up to `until` and the real clock), oldest first. */
  loadInteractions(profileId: string, since: string, until?: string): Promise<(Interaction & { sourceId: string })[]>;
  /**
   * The same interactions as columns (./../domain/interaction-log.ts), read page by page: what a run
   * loads, so a million of them fit in a 1 GB function. Same order as `loadInteractions`.
   */
  loadHistory(profileId: string, since: string, until?: string): Promise<InteractionLog>;
  /** Writes the changes (batched, UnprocessedItems retried with backoff); the run record goes last. */
  applyRun(profileId: string, changes: RunChanges, retentionDays: number, onProgress?: (written: number, total: number) => void): Promise<WriteStats>;
  /** Most recent runs first. */
  listRuns(profileId: string, limit: number): Promise<RunRecord[]>;
  /** Writes a run record alone (a delivered run whose changes could not be stored). */
  recordRun(profileId: string, run: RunRecord): Promise<void>;
  /**
   * Claims a run slot so a firing delivered twice produces one run: true for the
   * first claimant of (profileId, runKey), false afterwards. The claim expires after ttlSeconds
   * unless `completeRun` marks it done.
   */
  claimRun(profileId: string, runKey: string, ttlSeconds: number): Promise<boolean>;
  completeRun(profileId: string, runKey: string, runId: string): Promise<void>;
  /** The claim on (profileId, runKey), if any: still running, or done (by which run). */
  getClaim(profileId: string, runKey: string): Promise<{ status: 'running' | 'done'; expiresAt: number; runId?: string } | null>;
  releaseRun(profileId: string, runKey: string): Promise<void>;
  /** Where a firing keeps its progress and staged pages between pull steps (see shared/app/steps.ts). */
  firingStore?(): FiringStore;
  /** Confirmed actions and their audit (shared/ports/action-store.ts): the next report lists what was done. */
  actionStore?(): ActionStore;
}
