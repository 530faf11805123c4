import type { z } from 'zod';
import type { HttpClient, Query } from '../http/http-client.ts';
import type { BlueskySession } from './session.ts';

/**
 * The two hosts a pull talks to. Everything goes to the PDS (or the bsky.social
 * entryway) with the session's token; the PDS proxies app.bsky.* reads to the
 * AppView on the account's behalf. When an `appViewUrl` is configured, the
 * public reads (follower lists, profiles) go there instead, without a token:
 * a PDS access token means nothing to an AppView and must not travel to a
 * second host.
 */
export class BlueskyXrpc {
  constructor(
    private readonly pds: HttpClient,
    private readonly appView: HttpClient | undefined,
    private readonly session: BlueskySession,
    private readonly signal?: AbortSignal,
  ) {}

  get requests(): number {
    return this.pds.requests + (this.appView?.requests ?? 0);
  }

  /** An authenticated query on the PDS. */
  async query<T>(nsid: string, query: Query, schema: z.ZodType<T>): Promise<T> {
    const signal = this.signal;
    return this.session.withAuth(async (headers) => {
      const res = await this.pds.getJson(`/xrpc/${nsid}`, schema, { query, headers, ...(signal ? { signal } : {}) });
      return res.data;
    }, signal);
  }

  /** A query any client may make: on the AppView when one is configured, else as `query`. */
  async publicQuery<T>(nsid: string, query: Query, schema: z.ZodType<T>): Promise<T> {
    if (this.appView === undefined) return this.query(nsid, query, schema);
    const res = await this.appView.getJson(`/xrpc/${nsid}`, schema, { query, ...(this.signal ? { signal: this.signal } : {}) });
    return res.data;
  }
}
