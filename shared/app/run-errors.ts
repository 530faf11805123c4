/** How a run (a firing) ends when it does not complete. */

/**
 * The report went out but its changes could not be stored. The trigger counts
 * as done (a retry is a duplicate and sends nothing); a run record marked
 * `storeFailed` was written if the store allowed it, so the next run reports
 * these changes again and says why.
 */
export class DeliveredNotStoredError extends Error {
  override readonly name = 'DeliveredNotStoredError';
  constructor(
    readonly runId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the report was delivered, but storing the run failed (${reason}); do not run this report again: the next run reports what this one could not store`, options);
  }
}

/** The run was cancelled before anything was stored or delivered. */
export class RunCancelledError extends Error {
  override readonly name = 'RunCancelledError';
  constructor() {
    super('run cancelled: nothing was stored or delivered');
  }
}
