/**
 * Reading the rate-limit headers of both networks.
 *  - Mastodon: `X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO date).
 *  - Bluesky PDS: `RateLimit-Remaining`, `RateLimit-Reset` (epoch seconds).
 *  - X API v2: `x-rate-limit-remaining`, `x-rate-limit-reset` (epoch seconds; docs.x.com rate limits).
 *  - Anyone: `Retry-After` (delta seconds or an HTTP-date) on 429/503.
 */

/** Milliseconds to wait according to `Retry-After`, or undefined when absent/unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.max(0, Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Epoch ms when the current rate-limit window resets, or undefined. */
export function rateLimitResetAt(headers: Headers, now: number): number | undefined {
  const value = (headers.get('x-ratelimit-reset') ?? headers.get('x-rate-limit-reset') ?? headers.get('ratelimit-reset'))?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    // Bluesky sends epoch seconds; the IETF draft sends delta seconds. An epoch is far larger.
    return n > 1e9 ? n * 1000 : now + n * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** Requests left in the current window, or undefined when the server does not say. */
export function rateLimitRemaining(headers: Headers): number | undefined {
  const value = (headers.get('x-ratelimit-remaining') ?? headers.get('x-rate-limit-remaining') ?? headers.get('ratelimit-remaining'))?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * What the latest responses said about each host's rate-limit window, so a
 * request waits only when the server's freshest word says it must.
 *
 * Freshest means the response noted last. Counters of different throttles
 * (Mastodon reports whichever of several is closest to its limit) and proxies
 * in front of the API do not agree with one another, so an older "nothing left
 * until the reset" must not outlive a newer "297 left": that is the five-minute
 * stall a single 429 used to cause.
 */
export class RateLimitWindows {
  private readonly pausedUntil = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Per host: the fewest requests left any answer reported in the current window, and when that window resets. */
  private readonly left = new Map<string, { remaining: number; reset: number | undefined }>();

  /**
   * Requests the host's current window has left, as its answers said (the fewest any of them reported: answers
   * to concurrent requests arrive out of order), or undefined when unknown or the window has reset since.
   * Only how many requests go out at once is bounded by it (a request never waits for it alone).
   */
  remaining(host: string, now: number): number | undefined {
    const left = this.left.get(host);
    if (left === undefined) return undefined;
    if (left.reset !== undefined && now >= left.reset) return undefined;
    return left.remaining;
  }

  private noteRemaining(host: string, remaining: number, reset: number | undefined): void {
    const known = this.left.get(host);
    // The same window: its resets differ by the requests' fractions of a second (Mastodon: request time + what is left of the period).
    const sameWindow = known !== undefined && known.reset !== undefined && reset !== undefined && Math.abs(known.reset - reset) < 1000;
    this.left.set(host, { remaining: sameWindow ? Math.min(known.remaining, remaining) : remaining, reset });
  }

  /**
   * Records what a response says about its host. Returns, for a 429, how long
   * that request should wait before it is sent again (Retry-After, else the
   * window's reset), or undefined when the server did not say.
   */
  note(host: string, status: number, headers: Headers, now: number): number | undefined {
    if (status === 429) {
      const reset = rateLimitResetAt(headers, now);
      // Retry-After is the server's answer for this request; the reset of a 429 is the fallback (Mastodon sends no Retry-After).
      const wait = retryAfterMs(headers, now) ?? (reset !== undefined ? Math.max(0, reset - now) : undefined);
      if (wait !== undefined) this.set(host, now + wait);
      this.noteRemaining(host, 0, reset ?? (wait !== undefined ? now + wait : undefined));
      return wait;
    }
    const remaining = rateLimitRemaining(headers);
    if (remaining === undefined) return undefined;
    this.noteRemaining(host, remaining, rateLimitResetAt(headers, now));
    if (remaining > 0) {
      this.set(host, undefined);
      return undefined;
    }
    const reset = rateLimitResetAt(headers, now);
    if (reset !== undefined) this.set(host, reset);
    return undefined;
  }

  /** Epoch ms before which no request should go to the host, if any. */
  until(host: string): number | undefined {
    return this.pausedUntil.get(host);
  }

  /** Resolves the next time what is known about the host changes (a waiter then looks again); `cancel` drops the listener. */
  changed(host: string): { promise: Promise<void>; cancel: () => void } {
    let wake: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const set = this.waiters.get(host) ?? new Set<() => void>();
    this.waiters.set(host, set);
    set.add(wake);
    return { promise, cancel: () => void set.delete(wake) };
  }

  private set(host: string, until: number | undefined): void {
    if (this.pausedUntil.get(host) === until) return;
    if (until === undefined) this.pausedUntil.delete(host);
    else this.pausedUntil.set(host, until);
    const listeners = this.waiters.get(host);
    if (!listeners) return;
    this.waiters.delete(host);
    for (const wake of listeners) wake();
  }
}
