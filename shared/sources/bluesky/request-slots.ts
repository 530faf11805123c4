/**
 * How many requests may go to one host at once, so that requests in flight
 * together never spend more than the rate-limit window has left.
 *
 * The server's `RateLimit-Remaining` counts the requests it has seen; those
 * still on their way are not in it. So after each answer the allowance is
 * what it says is left, less every other request in flight (whether the
 * server counted them or not: the safe side), and each request sent takes one
 * from it. A request goes out only while the allowance is above zero, or when
 * nothing is in flight: that one request meets the HTTP client's own window
 * (it waits for the reset, or the step ends on a long wait, as a request one
 * after the other always did), and its answer says what the new window allows.
 * At most `max` are in flight whatever the window says.
 *
 * Waiters go in the order they asked, so requests start in the order a pull
 * asks for them. A waiter whose signal aborts goes at once: the HTTP client
 * then refuses to send it (an aborted request), so a cancelled pull never
 * waits here.
 */
export const MAX_IN_FLIGHT = 8;

export class RequestSlots {
  private inFlight = 0;
  /** Undefined until an answer says how many requests its window has left. */
  private allowance: number | undefined;
  private readonly waiting: (() => void)[] = [];
  private readonly watched = new WeakSet<AbortSignal>();
  /** The most requests in flight at once so far (tests check the bound). */
  peak = 0;

  constructor(private readonly max = MAX_IN_FLIGHT) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`RequestSlots: max must be a whole number ≥ 1, got ${max}`);
  }

  /** Resolves when a request may be sent; `release` must follow, whatever the request's outcome. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || (this.waiting.length === 0 && this.canStart())) {
      this.start();
      return Promise.resolve();
    }
    if (signal !== undefined) this.watch(signal);
    return new Promise<void>((resolve) => {
      this.waiting.push(() => {
        this.start();
        resolve();
      });
    });
  }

  /** One listener for all the waiters (a pull has one signal): an abort lets every one go. */
  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        for (const go of this.waiting.splice(0)) go();
      },
      { once: true },
    );
  }

  /** A request is over; `remaining` is its answer's RateLimit-Remaining, undefined when there was no answer or no header. */
  release(remaining: number | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (remaining !== undefined) this.allowance = remaining - this.inFlight;
    while (this.waiting.length > 0 && this.canStart()) this.waiting.shift()?.();
  }

  private canStart(): boolean {
    if (this.inFlight >= this.max) return false;
    return this.inFlight === 0 || this.allowance === undefined || this.allowance > 0;
  }

  private start(): void {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    if (this.allowance !== undefined) this.allowance--;
  }
}
