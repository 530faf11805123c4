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
 * `install()` makes `Date.now()` and `new Date()` read this clock process-wide:
 * the step loop (shared/app/steps.ts: the step's start, its deadline, maxPullHours),
 * the Mastodon source's budget checks and the stores' lease clocks call `Date.now()`
 * / `new Date()` directly and take no clock of their own. Install it before
 * anything is built; `uninstall()` restores the real Date.
 */

const RealDate = globalThis.Date;

export class VirtualClock {
  #offset: number;
  /** Total time skipped by sleeps (ms). */
  skippedMs = 0;
  /** Total modelled latency added (ms). */
  latencyMs = 0;
  #installed = false;

  constructor(start: number) {
    this.#offset = start - RealDate.now();
  }

  readonly now = (): number => RealDate.now() + this.#offset;

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

  install(): void {
    if (this.#installed) return;
    const clock = this;
    class VirtualDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.now());
        else super(...(args as [string | number | Date]));
      }
      static override now(): number {
        return clock.now();
      }
    }
    globalThis.Date = VirtualDate as DateConstructor;
    this.#installed = true;
  }

  uninstall(): void {
    if (!this.#installed) return;
    globalThis.Date = RealDate;
    this.#installed = false;
  }
}
