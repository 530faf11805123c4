import type { ProfileConfig } from '../config/schema.ts';
import type { DecisionPageDeps } from '../decide/report-parts.ts';
import type { Figures, StaleSource } from '../domain/analysis-types.ts';
import type { LanguageDetector, ToneClassifier } from '../ports/classifiers.ts';
import type { DeliveryResult, Mailer, RenderedReport } from '../ports/mailer.ts';
import type { ProgressListener, Source } from '../ports/source.ts';
import type { ProfileStore, WriteStats } from '../ports/store.ts';

/** Structured logger (Powertools Logger in Lambda, a console one in the CLI). Never pass secrets. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface RunReportDeps {
  store: ProfileStore;
  /** Builds the sources of a profile (adapters get their clients and secrets here). */
  sourcesFor(profile: ProfileConfig): Promise<Source[]> | Source[];
  /** Null when delivery is not wanted (dry run). */
  mailer: Mailer | null;
  log?: Log;
  onProgress?: ProgressListener;
  /** The profile's tone classifier (lexicon or Comprehend); without one, `critic_only` is never concluded. */
  toneClassifierFor?(profile: ProfileConfig): ToneClassifier | undefined;
  /** Language detector for `out_of_audience`; without one, only exclude keywords put a contact outside the audience. */
  languageDetector?: LanguageDetector;
  /** How long a source told to stop may take to hand back a partial pull (default 5 s). */
  stopGraceMs?: number;
  /** The decision page: signed links in the email, confirmed actions listed in the next report. */
  decisionPage?: DecisionPageDeps;
}

export interface RunReportRequest {
  profile: ProfileConfig;
  /** The run's clock: scheduled time, `--now`, or the real time. */
  now: Date;
  /** Everything but delivery. */
  dryRun: boolean;
  /**
   * Idempotency key of the trigger (e.g. `schedule:<profile>:<scheduledTime>`).
   * A second run with the same key does nothing and returns status `duplicate`.
   */
  runKey?: string;
  /** Cancels the run (Ctrl-C): pulls stop, nothing is stored or delivered, the lease is released. */
  signal?: AbortSignal;
  /**
   * Wall-clock time by which pulling must stop, leaving time to store and deliver
   * (the Lambda's remaining time). What was pulled by then is kept, marked partial.
   */
  pullDeadline?: Date;
}

/** What one source's pull brought, for the run's log and the CLI's per-source line. */
export interface PullSummary {
  sourceId: string;
  platform: string;
  ok: boolean;
  contacts: number;
  interactions: number;
  requests: number;
  contactsCompleteness: 'complete' | 'partial' | 'failed';
  interactionsCompleteness: 'complete' | 'partial' | 'failed';
  /** Problems of a pull that completed, or why it failed. */
  problems: string[];
}

export interface RunReportResult {
  status: 'completed' | 'duplicate' | 'busy';
  profileId: string;
  /** For `busy`: when the lease of the run in progress (or of a killed one) expires, if known. */
  busyUntil?: string;
  /** For `completed`: one entry per source. */
  pulls?: PullSummary[];
  runId?: string;
  figures?: Figures;
  staleSources?: StaleSource[];
  writes?: WriteStats;
  report?: RenderedReport;
  delivery?: DeliveryResult;
  contacts?: number;
}
