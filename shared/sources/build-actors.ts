/**
 * The write adapter of a configured source, for confirmed actions: Mastodon and
 * Bluesky can act; file and demo sources cannot (undefined). Credentials are
 * the source's own (the token must carry write scope; see docs/deciding-and-acting.md).
 *
 * X is refused with its reason: since 2026-04-20 X's follow and unfollow endpoints
 * are Enterprise-only ("Following, Likes, and Quote-Posts via the API have been
 * removed from all self-serve tiers", xdevplatform/docs changelog.mdx, Apr 16 2026;
 * `follow-user` and `unfollow-user` are in its ENTERPRISE_ONLY_SLUGS).
 */
import type { ProfileConfig } from '../config/schema.ts';
import type { Actor } from '../ports/actor.ts';
import type { SecretResolver } from '../ports/secrets.ts';
import type { SessionStore } from '../ports/source.ts';
import { BlueskyActor } from './bluesky/bluesky-actor.ts';
import type { HttpClientOptions } from './http/http-client.ts';
import { MastodonActor } from './mastodon/mastodon-actor.ts';

/** Why an X source cannot act (shown as `source "x" cannot act: …` in the action's outcome). */
export const X_CANNOT_ACT =
  "X's follow and unfollow API is for Enterprise plans only since April 2026, so followback cannot follow or unfollow on X: do it in the X app";

export interface BuildActorDeps {
  secrets: SecretResolver;
  sessions: SessionStore;
  http?: Partial<HttpClientOptions>;
}

/** Throws when the source's credentials cannot be read (the engine records the action as failed, with the reason). */
export async function buildActor(profile: ProfileConfig, sourceId: string, deps: BuildActorDeps): Promise<Actor | undefined> {
  const config = profile.sources.find((s) => s.id === sourceId);
  if (config === undefined) return undefined;
  switch (config.type) {
    case 'mastodon':
      return new MastodonActor({ sourceId, instanceUrl: config.instanceUrl, accessToken: await deps.secrets.resolve(config.accessToken), ...(deps.http ? { http: deps.http } : {}) });
    case 'bluesky':
      return new BlueskyActor({ sourceId, serviceUrl: config.serviceUrl, handle: config.handle, appPassword: await deps.secrets.resolve(config.appPassword), sessions: deps.sessions, ...(deps.http ? { http: deps.http } : {}) });
    case 'x':
      throw new Error(X_CANNOT_ACT);
    case 'file':
    case 'demo':
      return undefined;
  }
}
