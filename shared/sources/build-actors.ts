/**
 * The write adapter of a configured source, for confirmed actions: Mastodon and
 * Bluesky can act; file and demo sources cannot (undefined). Credentials are
 * the source's own (the token must carry write scope; see the README).
 */
import type { ProfileConfig } from '../config/schema.ts';
import type { Actor } from '../ports/actor.ts';
import type { SecretResolver } from '../ports/secrets.ts';
import type { SessionStore } from '../ports/source.ts';
import { BlueskyActor } from './bluesky/bluesky-actor.ts';
import type { HttpClientOptions } from './http/http-client.ts';
import { MastodonActor } from './mastodon/mastodon-actor.ts';

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
    case 'file':
    case 'demo':
      return undefined;
  }
}
