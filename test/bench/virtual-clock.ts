/**
 * A virtual clock for a simulated firing: real time plus every wait skipped.
 *
 *   virtual now = real now + offset
 *
 * A sleep (the Step Functions Wait between pull steps, a rate-limit wait inside
 * a step) adds its length to the offset and returns at once; a request's
 * modelled network latency moves the clock to at least its start + latency.
 * Real work (parsing, validating, gzipping, staging) still takes real time and
 * shows in the virtual clock, so a step's virtual duration is what the Lambda
 * would be billed for, and the hours of waiting cost seconds.
 *
 * Nothing reads this clock unless it is handed over: the step loop takes it as
 * `StepDeps.now`, the sources as their HTTP client's `now` (their budget
 * checks and rate-limit waits read it too), the stores as their `clock`, the
 * local servers as their `now`. `Date` itself is left alone.
 */

export class VirtualClock {
  #offset: number;
  /** Total time skipped by sleeps (ms). */
  skippedMs = 0;
  /** Total modelled latency added (ms). */
  latencyMs = 0;

  constructor(start: number) {
    this.#offset = start - Date.now();
  }

  readonly now = (): number => Date.now() + this.#offset;

  /** A wait that costs no real time: the clock jumps, then the caller goes on (after a turn of the event loop). */
  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return;
    if (ms > 0) {
      this.#offset += ms;
      this.skippedMs += ms;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  /** Moves the clock forward to `at` if it is behind (a response that cannot arrive before start + latency). */
  advanceTo(at: number): void {
    const lag = at - this.now();
    if (lag > 0) {
      this.#offset += lag;
      this.latencyMs += lag;
    }
  }

  /** `fetch` whose answers arrive no sooner than `latencyMs` of virtual time after they were asked for. */
  fetchWithLatency(latencyMs: number, inner: typeof fetch = globalThis.fetch.bind(globalThis)): typeof fetch {
    return async (input, init) => {
      const started = this.now();
      const response = await inner(input, init);
      // The body is read by the caller; a page is small, so its transfer is part of the latency.
      this.advanceTo(started + latencyMs);
      return response;
    };
  }
}
