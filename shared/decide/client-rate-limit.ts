/**
 * A per-client token bucket in front of the decision page (the Lambda keys it by
 * `requestContext.http.sourceIp`, `followback serve` by the socket's remote address).
 *
 * Each client has `burst` tokens, refilled at `perMinute` a minute; a request
 * spends one, and a client with none left is answered 429 with the seconds
 * until its next token (`Retry-After`). The owner clicking through an email
 * never meets it; a script hammering the page does, before the page reads a
 * key, a contact or anything else.
 *
 * Memory is bounded: clients are kept in least-recently-seen order, a client
 * idle long enough to have refilled its bucket is forgotten (forgetting it
 * changes nothing: it would start full anyway), and past `maxClients` the
 * least recently seen is dropped (it then starts again with a full bucket,
 * which only ever errs on the lenient side).
 *
 * In memory, so in AWS it counts per warm instance: with reserved concurrency 5
 * a client gets at most five times the rate. See the README ("The decision page").
 */

export interface ClientRateLimitOptions {
  /** Sustained requests per minute per client. */
  perMinute?: number;
  /** Requests a client may make at once before the rate applies. */
  burst?: number;
  /** Clients tracked at most; the least recently seen is dropped beyond. */
  maxClients?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export const RATE_LIMIT_DEFAULTS = { perMinute: 30, burst: 30, maxClients: 10_000 } as const;

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class ClientRateLimit {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  /** Insertion order = least recently seen first (a client is re-inserted on each request). */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: ClientRateLimitOptions = {}) {
    const perMinute = options.perMinute ?? RATE_LIMIT_DEFAULTS.perMinute;
    this.burst = options.burst ?? RATE_LIMIT_DEFAULTS.burst;
    this.maxClients = options.maxClients ?? RATE_LIMIT_DEFAULTS.maxClients;
    if (!(perMinute > 0) || !(this.burst >= 1) || !(this.maxClients >= 1)) throw new Error('rate limit: perMinute > 0, burst >= 1 and maxClients >= 1');
    this.perMs = perMinute / 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Spends one of the client's tokens, or says how long until it has one. */
  take(client: string): RateLimitVerdict {
    const now = this.now();
    this.forgetIdle(now);
    const previous = this.buckets.get(client);
    const tokens = previous === undefined ? this.burst : Math.min(this.burst, previous.tokens + Math.max(0, now - previous.at) * this.perMs);
    this.buckets.delete(client);
    if (tokens < 1) {
      this.buckets.set(client, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
    }
    this.buckets.set(client, { tokens: tokens - 1, at: now });
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    return { ok: true };
  }

  /** Clients tracked now (for tests and the curious). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops, from the least recently seen end, the clients whose bucket has refilled: they would start full anyway. */
  private forgetIdle(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs < this.burst) break;
      this.buckets.delete(client);
    }
  }
}
