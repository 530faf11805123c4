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
}

/**
 * A network or file that yields snapshots. A source that cannot reach its data
 * throws a `SourceError`; one that got part of it returns a pull marked partial.
 */
export interface Source {
  readonly id: string;
  readonly platform: string;
  pull(ctx: PullContext): Promise<SourcePull>;
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
