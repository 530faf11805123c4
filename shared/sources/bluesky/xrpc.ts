import type { z } from 'zod';
import type { HttpClient, Query } from '../http/http-client.ts';
import { rateLimitRemaining } from '../http/rate-limit.ts';
import { MAX_IN_FLIGHT, RequestSlots } from './request-slots.ts';
import type { BlueskySession } from './session.ts';

/**
 * The two hosts a pull talks to. Everything goes to the PDS (or the bsky.social
 * entryway) with the session's token; the PDS proxies app.bsky.* reads to the
 * AppView on the account's behalf. When an `appViewUrl` is configured, the
 * public reads (follower lists, profiles) go there instead, without a token:
 * a PDS access token means nothing to an AppView and must not travel to a
 * second host.
 *
 * A pull asks some requests together (a page's profile batches, the account
 * checks): every request to a host takes one of that host's slots
 * (request-slots.ts), so together they never spend more than its rate-limit
 * window has left.
 */
export class BlueskyXrpc {
  private readonly pdsSlots: RequestSlots;
  private readonly appViewSlots: RequestSlots;

  constructor(
    private readonly pds: HttpClient,
    private readonly appView: HttpClient | undefined,
    private readonly session: BlueskySession,
    private readonly signal?: AbortSignal,
    maxInFlight = MAX_IN_FLIGHT,
  ) {
    this.pdsSlots = new RequestSlots(maxInFlight);
    this.appViewSlots = new RequestSlots(maxInFlight);
  }

  get requests(): number {
    return this.pds.requests + (this.appView?.requests ?? 0);
  }

  /** The most requests in flight at once to one host so far. */
  get peakInFlight(): number {
    return Math.max(this.pdsSlots.peak, this.appViewSlots.peak);
  }

  /** An authenticated query on the PDS. */
  async query<T>(nsid: string, query: Query, schema: z.ZodType<T>): Promise<T> {
    return this.session.withAuth((headers) => this.get(this.pds, this.pdsSlots, nsid, query, schema, headers), this.signal);
  }

  /** A query any client may make: on the AppView when one is configured, else as `query`. */
  async publicQuery<T>(nsid: string, query: Query, schema: z.ZodType<T>): Promise<T> {
    if (this.appView === undefined) return this.query(nsid, query, schema);
    return this.get(this.appView, this.appViewSlots, nsid, query, schema, undefined);
  }

  private async get<T>(client: HttpClient, slots: RequestSlots, nsid: string, query: Query, schema: z.ZodType<T>, headers: Record<string, string> | undefined): Promise<T> {
    const signal = this.signal;
    await slots.acquire(signal);
    let remaining: number | undefined;
    try {
      const res = await client.getJson(`/xrpc/${nsid}`, schema, { query, ...(headers ? { headers } : {}), ...(signal ? { signal } : {}) });
      remaining = rateLimitRemaining(res.headers);
      return res.data;
    } finally {
      slots.release(remaining);
    }
  }
}
