import { SourceError } from '../../ports/source.ts';

/**
 * A request that failed for good (after retries, or at once for a client error).
 * `endpoint` is the path only: query strings can carry cursors or tokens, so
 * they never reach a message or a log line.
 */
export class HttpError extends SourceError {
  readonly endpoint: string;
  readonly method: string;
  readonly status?: number;
  /** True when trying again later may succeed (5xx, network, rate limit); false for 4xx and bad payloads. */
  readonly retryable: boolean;
  /** The API's machine-readable error name, when it gave one (XRPC `ExpiredToken`, OAuth `invalid_token`). */
  readonly apiError?: string;
  /** The caller's signal ended the request (cancel, or the run's time limit): not a failure of the server. */
  readonly aborted: boolean;

  constructor(
    sourceId: string,
    details: { method: string; endpoint: string; status?: number; retryable: boolean; reason: string; apiError?: string; aborted?: boolean },
    options?: { cause?: unknown },
  ) {
    super(sourceId, `${details.method} ${details.endpoint}: ${details.reason}`, options);
    this.method = details.method;
    this.endpoint = details.endpoint;
    if (details.status !== undefined) this.status = details.status;
    this.retryable = details.retryable;
    if (details.apiError !== undefined) this.apiError = details.apiError;
    this.aborted = details.aborted === true;
  }

  /** 401/403: the credentials are wrong or lack a scope; retrying will not help and the pull cannot proceed. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}
