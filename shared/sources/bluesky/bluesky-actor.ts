/**
 * Follow and unfollow on Bluesky, for confirmed actions only. A follow is a
 * record in your own repo (app.bsky.graph.follow, `subject` = their DID):
 *   unfollow = com.atproto.repo.deleteRecord of that record (its rkey found
 *              with com.atproto.repo.listRecords);
 *   follow   = com.atproto.repo.createRecord of a new one, unless one exists.
 * The fresh look reads the same follow records, the profile (gone accounts
 * answer AccountTakedown / AccountDeactivated / "Profile not found") and the
 * notifications since the report.
 *
 * Writes go to the configured service (the PDS, or the bsky.social entryway,
 * which forwards repo writes to the account's PDS) through the stored session.
 * createRecord is not idempotent, so writes are sent once, without retries: a
 * write that may or may not have happened fails, and the next look tells.
 */
import { z } from 'zod';
import { normaliseHandle } from '../../domain/decisions.ts';
import type { ActResult, Actor, ActTarget, FreshLook } from '../../ports/actor.ts';
import type { SessionStore } from '../../ports/source.ts';
import { HttpClient, HttpError, type HttpClientOptions } from '../http/http-client.ts';
import { resultOfError } from '../mastodon/mastodon-actor.ts';
import { FollowRecord, ListNotificationsOutput, ListRecordsOutput } from './lexicon.ts';
import { BlueskySession } from './session.ts';

const FOLLOW = 'app.bsky.graph.follow';
const CreateRecordOutput = z.object({ uri: z.string().min(1), cid: z.string().min(1) });
const DeleteRecordOutput = z.looseObject({});
const ProfileOutput = z.looseObject({ did: z.string() });
/** Reasons that are someone engaging with you. */
const INBOUND_REASONS = new Set(['like', 'repost', 'reply', 'mention', 'quote', 'follow']);
const GONE_ERRORS = new Set(['AccountTakedown', 'AccountDeactivated']);
const MAX_RECORD_PAGES = 100;
const MAX_NOTIFICATION_PAGES = 10;

export interface BlueskyActorOptions {
  sourceId: string;
  serviceUrl: string;
  handle: string;
  /** Never logged, never in an error or an audit. */
  appPassword: string;
  /** The same session store as the source: the actor reuses its session instead of signing in. */
  sessions: SessionStore;
  http?: Partial<HttpClientOptions>;
}

export class BlueskyActor implements Actor {
  readonly platform = 'bluesky';
  readonly sourceId: string;
  private readonly reads: HttpClient;
  private readonly writes: HttpClient;
  private readonly session: BlueskySession;

  constructor(options: BlueskyActorOptions) {
    this.sourceId = options.sourceId;
    this.reads = new HttpClient({ maxRetries: 2, maxRateLimitWaitMs: 60_000, ...options.http, baseUrl: options.serviceUrl, sourceId: options.sourceId });
    this.writes = new HttpClient({ maxRateLimitWaitMs: 60_000, ...options.http, maxRetries: 0, baseUrl: options.serviceUrl, sourceId: options.sourceId });
    this.session = new BlueskySession({
      sourceId: options.sourceId,
      // The source's key (bluesky-source.ts sessionKey): one session per account, shared.
      key: `bluesky:${options.sourceId}:${normaliseHandle(options.handle)}`,
      store: options.sessions,
      pds: this.reads,
      identifier: options.handle,
      appPassword: options.appPassword,
    });
  }

  get requests(): number {
    return this.reads.requests + this.writes.requests;
  }

  async look(target: ActTarget, since: string, signal?: AbortSignal): Promise<FreshLook> {
    const gone = await this.isGone(target, signal);
    if (gone !== undefined) return { following: false, gone: true, answer: { status: 400, summary: gone } };
    const record = await this.followRecord(target, signal);
    const inboundSince = await this.inboundSince(target, since, signal);
    return {
      following: record !== undefined,
      gone: false,
      ...(inboundSince !== undefined ? { inboundSince } : {}),
      answer: { status: 200, summary: record !== undefined ? `follow record ${record.uri}` : 'no follow record' },
    };
  }

  async unfollow(target: ActTarget, signal?: AbortSignal): Promise<ActResult> {
    try {
      const record = await this.followRecord(target, signal);
      if (record === undefined) return { outcome: 'already', answer: { status: 200, summary: 'no follow record' } };
      const { did } = await this.session.start(signal);
      const res = await this.session.withAuth(
        (headers) => this.writes.postJson('/xrpc/com.atproto.repo.deleteRecord', { repo: did, collection: FOLLOW, rkey: record.rkey }, DeleteRecordOutput, { headers, ...(signal ? { signal } : {}) }),
        signal,
      );
      return { outcome: 'done', answer: { status: res.status, summary: `deleted ${record.uri}` } };
    } catch (err) {
      return resultOfError(err);
    }
  }

  async follow(target: ActTarget, signal?: AbortSignal): Promise<ActResult> {
    try {
      const existing = await this.followRecord(target, signal);
      if (existing !== undefined) return { outcome: 'already', answer: { status: 200, summary: `follow record ${existing.uri}` } };
      const { did } = await this.session.start(signal);
      const record = { $type: FOLLOW, subject: target.id, createdAt: new Date().toISOString() };
      const res = await this.session.withAuth(
        (headers) => this.writes.postJson('/xrpc/com.atproto.repo.createRecord', { repo: did, collection: FOLLOW, record }, CreateRecordOutput, { headers, ...(signal ? { signal } : {}) }),
        signal,
      );
      return { outcome: 'done', answer: { status: res.status, summary: `created ${res.data.uri}` } };
    } catch (err) {
      return resultOfError(err);
    }
  }

  /** Your follow record of `target`, if any: your repo's follow records, paged. */
  private async followRecord(target: ActTarget, signal?: AbortSignal): Promise<{ uri: string; rkey: string } | undefined> {
    const { did } = await this.session.start(signal);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_RECORD_PAGES; page++) {
      const query = { repo: did, collection: FOLLOW, limit: 100, ...(cursor !== undefined ? { cursor } : {}) };
      const out = await this.session.withAuth(async (headers) => (await this.reads.getJson('/xrpc/com.atproto.repo.listRecords', ListRecordsOutput, { query, headers, ...(signal ? { signal } : {}) })).data, signal);
      for (const r of out.records) {
        const value = FollowRecord.safeParse(r.value);
        if (value.success && value.data.subject === target.id) return { uri: r.uri, rkey: r.uri.slice(r.uri.lastIndexOf('/') + 1) };
      }
      if (out.cursor === undefined || out.records.length === 0) return undefined;
      cursor = out.cursor;
    }
    throw new Error(`more than ${MAX_RECORD_PAGES * 100} follow records: could not find the one of ${target.handle}`);
  }

  /** Why the account is gone, or undefined when the AppView shows it. */
  private async isGone(target: ActTarget, signal?: AbortSignal): Promise<string | undefined> {
    try {
      await this.session.withAuth(async (headers) => (await this.reads.getJson('/xrpc/app.bsky.actor.getProfile', ProfileOutput, { query: { actor: target.id }, headers, ...(signal ? { signal } : {}) })).data, signal);
      return undefined;
    } catch (err) {
      if (err instanceof HttpError && err.status === 400 && (GONE_ERRORS.has(err.apiError ?? '') || /Profile not found/i.test(err.message))) return `account gone (${err.apiError ?? 'Profile not found'})`;
      throw err;
    }
  }

  /** The newest inbound notification from `target` after `since`, reading back until notifications older than it. */
  private async inboundSince(target: ActTarget, since: string, signal?: AbortSignal): Promise<string | undefined> {
    const sinceMs = Date.parse(since);
    let cursor: string | undefined;
    let newest: string | undefined;
    for (let page = 0; page < MAX_NOTIFICATION_PAGES; page++) {
      const query = { limit: 100, ...(cursor !== undefined ? { cursor } : {}) };
      const out = await this.session.withAuth(async (headers) => (await this.reads.getJson('/xrpc/app.bsky.notification.listNotifications', ListNotificationsOutput, { query, headers, ...(signal ? { signal } : {}) })).data, signal);
      let older = false;
      for (const n of out.notifications) {
        const at = Date.parse(n.indexedAt);
        if (at <= sinceMs) older = true;
        else if (n.author.did === target.id && INBOUND_REASONS.has(n.reason) && (newest === undefined || n.indexedAt > newest)) newest = new Date(at).toISOString();
      }
      if (older || out.cursor === undefined || out.notifications.length === 0) return newest;
      cursor = out.cursor;
    }
    return newest;
  }
}
