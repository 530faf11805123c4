/**
 * The API reader of each network, from the `api` block of its source's config
 * (shared/config/schema.ts): one place that maps a network to its reader.
 */
import type { FacebookPageApiConfig, InstagramApiConfig, ThreadsApiConfig, XApiConfig } from '../../config/schema.ts';
import type { ApiReader } from './api-reader.ts';
import { FacebookPageApiReader } from './facebook/facebook-reader.ts';
import { InstagramApiReader } from './instagram/instagram-reader.ts';
import { ThreadsApiReader } from './threads/threads-reader.ts';
import { XApiReader } from './x/x-reader.ts';

export type ApiSourceConfig =
  | { type: 'instagram'; id: string; api: InstagramApiConfig }
  | { type: 'threads'; id: string; api: ThreadsApiConfig }
  | { type: 'facebook'; id: string; api: FacebookPageApiConfig }
  | { type: 'x'; id: string; api: XApiConfig };

export interface ApiReaderDeps {
  /** The demo's in-process Instagram, or a test's server. */
  fetch?: typeof fetch;
}

export function apiReaderFor(source: ApiSourceConfig, deps: ApiReaderDeps = {}): ApiReader {
  const common = { sourceId: source.id, ...(deps.fetch !== undefined ? { fetch: deps.fetch } : {}) };
  switch (source.type) {
    case 'instagram':
      return new InstagramApiReader({ ...common, config: source.api });
    case 'threads':
      return new ThreadsApiReader({ ...common, config: source.api });
    case 'facebook':
      return new FacebookPageApiReader({ ...common, config: source.api });
    case 'x':
      return new XApiReader({ ...common, config: source.api });
  }
}
