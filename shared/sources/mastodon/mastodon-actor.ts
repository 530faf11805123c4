/**
 * Follow and unfollow on Mastodon, for confirmed actions only
 * (docs.joinmastodon.org/methods/accounts):
 *   POST /api/v1/accounts/:id/follow     scope write:follows  -> Relationship
 *   POST /api/v1/accounts/:id/unfollow   scope write:follows  -> Relationship
 *   GET  /api/v1/accounts/relationships  scope read:follows   -> [Relationship] (the fresh look)
 *   GET  /api/v1/notifications?account_id=  scope read:notifications (engagement since the report)
 * Both writes are idempotent on the server (following twice, or unfollowing an
 * account you do not follow, answers the relationship as it is), so the
 * client's retry of a 5xx cannot double an action.
 */
import { z } from 'zod';
import type { ActResult, Actor, ActTarget, FreshLook } from '../../ports/actor.ts';
import { HttpClient, HttpError, type HttpClientOptions } from '../http/http-client.ts';
import { NOTIFICATION_TYPES } from './map-interactions.ts';
import { MastodonInstant } from './mastodon-schemas.ts';

const Relationship = z.object({
  id: z.string().min(1),
  following: z.boolean(),
  /** A follow request to a locked account waits for approval. */
  requested: z.boolean().optional(),
  followed_by: z.boolean().optional(),
});
type Relationship = z.infer<typeof Relationship>;
const Relationships = z.array(Relationship);
const NotificationTimes = z.array(z.object({ id: z.string(), type: z.string(), created_at: MastodonInstant }));

export interface MastodonActorOptions {
  sourceId: string;
  instanceUrl: string;
  /** Needs write:follows (and read) scope. Never logged, never in an error or an audit. */
  accessToken: string;
  http?: Partial<HttpClientOptions>;
}

export class MastodonActor implements Actor {
  readonly platform = 'mastodon';
  readonly sourceId: string;
  private readonly http: HttpClient;
  private readonly headers: Record<string, string>;

  constructor(options: MastodonActorOptions) {
    this.sourceId = options.sourceId;
    // A write is never worth a long wait: the owner is at the page or the terminal.
    this.http = new HttpClient({ maxRetries: 2, maxRateLimitWaitMs: 60_000, ...options.http, baseUrl: options.instanceUrl, sourceId: options.sourceId });
    this.headers = { Authorization: `Bearer ${options.accessToken}` };
  }

  get requests(): number {
    return this.http.requests;
  }

  async look(target: ActTarget, since: string, signal?: AbortSignal): Promise<FreshLook> {
    const opts = { headers: this.headers, ...(signal ? { signal } : {}) };
    let relationship: Relationship | undefined;
    let status: number;
    try {
      const res = await this.http.getJson('/api/v1/accounts/relationships', Relationships, { ...opts, query: { 'id[]': [target.id] } });
      relationship = res.data.find((r) => r.id === target.id);
      status = res.status;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return { following: false, gone: true, answer: { status: 404, summary: 'account not found' } };
      throw err;
    }
    // Mastodon leaves out ids it does not know: a deleted or suspended account.
    if (relationship === undefined) return { following: false, gone: true, answer: { status, summary: 'no relationship: account not found' } };
    const following = relationship.following || relationship.requested === true;
    const notes = await this.http.getJson('/api/v1/notifications', NotificationTimes, {
      ...opts,
      query: { account_id: target.id, 'types[]': [...NOTIFICATION_TYPES], limit: '5' },
    });
    const sinceMs = Date.parse(since);
    const inboundSince = notes.data.map((n) => n.created_at).filter((at) => Date.parse(at) > sinceMs).sort().at(-1);
    return {
      following,
      gone: false,
      ...(inboundSince !== undefined ? { inboundSince } : {}),
      answer: { status, summary: summarise(relationship) },
    };
  }

  unfollow(target: ActTarget, signal?: AbortSignal): Promise<ActResult> {
    return this.write('unfollow', target, signal);
  }

  follow(target: ActTarget, signal?: AbortSignal): Promise<ActResult> {
    return this.write('follow', target, signal);
  }

  private async write(verb: 'follow' | 'unfollow', target: ActTarget, signal?: AbortSignal): Promise<ActResult> {
    try {
      const res = await this.http.postJson(`/api/v1/accounts/${encodeURIComponent(target.id)}/${verb}`, undefined, Relationship, { headers: this.headers, ...(signal ? { signal } : {}) });
      const r = res.data;
      const ok = verb === 'unfollow' ? !r.following && r.requested !== true : r.following || r.requested === true;
      return { outcome: ok ? 'done' : 'failed', answer: { status: res.status, summary: summarise(r) } };
    } catch (err) {
      return resultOfError(err);
    }
  }
}

function summarise(r: Relationship): string {
  return `following=${r.following}${r.requested === true ? ' requested=true' : ''}${r.followed_by !== undefined ? ` followed_by=${r.followed_by}` : ''}`;
}

/** The HttpClient's messages carry no token (it redacts them); only the method, path, status and API error remain. */
export function resultOfError(err: unknown): ActResult {
  if (err instanceof HttpError) {
    const summary = err.message.slice(0, 300);
    const status = err.status;
    const answer = { ...(status !== undefined ? { status } : {}), summary };
    if (status === 404 || status === 410) return { outcome: 'gone', answer };
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return { outcome: 'refused', answer };
    return { outcome: 'failed', answer };
  }
  return { outcome: 'failed', answer: { summary: (err instanceof Error ? err.message : String(err)).slice(0, 300) } };
}
