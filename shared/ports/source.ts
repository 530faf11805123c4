import type { SourcePull } from '../domain/model.ts';

/** Progress of a long pull, shown by the CLI and logged by the Lambda. */
export interface ProgressEvent {
  sourceId: string;
  /** e.g. "followers", "following", "notifications", "favourites", "store". */
  phase: string;
  /** Items fetched so far in this phase. */
  done: number;
  /** Total items, when the API says. */
  total?: number;
}
export type ProgressListener = (event: ProgressEvent) => void;

export interface PullContext {
  /** The clock of the run (a fixed one with --now). */
  now: Date;
  /** Cursor stored after the previous pull of this source (undefined on the first pull). */
  cursor?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /**
   * Where the previous pull step of this firing stopped (opaque, from `PullStepResult.checkpoint`).
   * With one, the pull continues that read instead of starting a new one.
   */
  checkpoint?: string;
  /** Bounds of one pull step; without it the pull reads to the end in one go. */
  budget?: PullBudget;
  /**
   * What the store remembers of these contacts (ids of this source), for a source that can spare a
   * request when nothing changed (Bluesky: the last post of an account whose post count is the
   * stored one). Asked for a few accounts at a time, never the whole list; an id not stored is
   * absent from the answer. Without it (or when it fails) the source reads as if nothing were stored.
   */
  known?: (ids: readonly string[]) => Promise<ReadonlyMap<string, { postsCount?: number; lastPostAt?: string }>>;
}

/** How much one pull step may do before it hands back a checkpoint. */
export interface PullBudget {
  /** Epoch ms: no request is started after it. */
  deadline: number;
  /** Requests (pages) this step may start, across all the source's lists; for tests and cautious instances. */
  maxRequests?: number;
  /** A rate-limit wait up to this long is slept in the step; a longer one ends the step with `waitMs`. Default 10 s. */
  inStepWaitMs?: number;
}

/** One step of a resumable pull: what was read in this step, and where to go on from if it is not finished. */
export interface PullStepResult {
  /**
   * What this step read (contacts and interactions of this step only). Without a checkpoint the
   * read is finished, and the completeness, problems, cursor and historySince describe all of it.
   */
  pull: SourcePull;
  /** Present while the read is not finished: pass it back as `PullContext.checkpoint`. At most 32 kB. */
  checkpoint?: string;
  /** How long the host's rate limit asks to wait before the next step, when that is why the step ended. */
  waitMs?: number;
}

/**
 * A network or file that yields snapshots. A source that cannot reach its data
 * throws a `SourceError`; one that got part of it returns a pull marked partial.
 */
export interface Source {
  readonly id: string;
  readonly platform: string;
  pull(ctx: PullContext): Promise<SourcePull>;
  /**
   * A source that can read a long list over several bounded steps implements this; one that
   * cannot (files, the demo) is pulled whole by `pull` in the first step of a firing.
   */
  pullStep?(ctx: PullContext): Promise<PullStepResult>;
}

/** A failure of one source; the message names the endpoint/record and field, never a secret. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly sourceId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Small key-value persistence for a source's session (Bluesky tokens). Values are secrets: never log them. */
export interface SessionStore {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
}
