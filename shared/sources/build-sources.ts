import { join, resolve } from 'node:path';
import type { ProfileConfig, SourceConfig } from '../config/schema.ts';
import { exportsPrefix } from '../ports/export-inbox.ts';
import type { SecretResolver } from '../ports/secrets.ts';
import { SourceError, type SessionStore, type Source } from '../ports/source.ts';
import type { SecretWriter } from '../secrets/secret-writer.ts';
import type { TokenKeeper } from './api/api-reader.ts';
import { CombinedSource } from './api/combined-source.ts';
import { apiReaderFor, type ApiSourceConfig } from './api/readers.ts';
import { createTokenKeeper } from './api/tokens/token-keeper.ts';
import { BlueskySource } from './bluesky/bluesky-source.ts';
import { DemoSource } from './demo/demo-source.ts';
import { ExportSource } from './exports/export-source.ts';
import { S3ExportInbox, type S3ReadClient, type TmpSpace } from './exports/s3-export-inbox.ts';
import { FileSource } from './file/file-source.ts';
import { MastodonSource } from './mastodon/mastodon-source.ts';

export interface BuildSourcesDeps {
  secrets: SecretResolver;
  sessions: SessionStore;
  /** Relative file-source paths are resolved against the config file's folder. */
  configDir: string;
  /** Deployed: export sources read the exports bucket (`exports/<profile>/<source>/`) instead of their local folder. */
  exportsBucket?: ExportsBucketDeps;
  /**
   * Where a refreshed API token is written back (a file locally, Secrets Manager deployed); without
   * one, tokens are used as they are and the email warns before they expire.
   */
  secretWriter?: SecretWriter;
  /**
   * Per source id, an API answered in process with a fixed token: the demo's Instagram
   * (shared/sources/demo/demo-instagram-api.ts). Never set from a config file.
   */
  apiOverrides?: Readonly<Record<string, { fetch: typeof fetch; accessToken: string }>>;
}

/** A writer for runs that cannot write secrets back: tokens are not refreshed, and the email says when they expire. */
const NO_WRITER: SecretWriter = {
  target: () => ({ writable: false, reason: 'this run cannot write secrets back, so the token is not refreshed' }),
  write: async () => {
    throw new Error('this run cannot write secrets back');
  },
};

export interface ExportsBucketDeps {
  client: S3ReadClient;
  bucket: string;
  /** Where exports are downloaded to be read (the Lambda's /tmp); each source gets its own folder under it. */
  tmpDir: string;
  /** /tmp shared by the export sources pulled at once (each download reserves its size first). */
  space?: TmpSpace;
}

/**
 * Builds one adapter per configured source. A source whose secret cannot be
 * resolved becomes a source that fails its pull, so the run goes on with the
 * others and the report says which one is stale.
 */
export async function buildSources(profile: ProfileConfig, deps: BuildSourcesDeps): Promise<Source[]> {
  return Promise.all(profile.sources.map((config) => buildSource(config, profile, deps)));
}

async function buildSource(config: SourceConfig, profile: ProfileConfig, deps: BuildSourcesDeps): Promise<Source> {
  switch (config.type) {
    case 'demo':
      return new DemoSource({ id: config.id, seed: config.seed, size: config.size });
    case 'file':
      return new FileSource({ id: config.id, path: resolve(deps.configDir, config.path) });
    case 'instagram':
    case 'threads':
    case 'facebook':
    case 'x':
    case 'linkedin':
    case 'tiktok':
    {
      const exports = exportSourceOf(config, profile, deps);
      const api = apiConfigOf(config);
      if (api === undefined) return exports;
      // One source, one set of contacts: the export's lists with the API's engagement.
      const override = deps.apiOverrides?.[config.id];
      const tokens: TokenKeeper =
        override !== undefined
          ? { current: async () => ({ accessToken: override.accessToken }) }
          : createTokenKeeper({ network: api.type, profileId: profile.id, sourceId: config.id, api: api.api, secrets: deps.secrets, writer: deps.secretWriter ?? NO_WRITER, sessions: deps.sessions });
      return new CombinedSource({ network: api.type, exports, reader: apiReaderFor(api, override !== undefined ? { fetch: override.fetch } : {}), tokens });
    }
    case 'mastodon': {
      const token = await secretOrFailure(config.id, 'mastodon', () => deps.secrets.resolve(config.accessToken));
      if (typeof token !== 'string') return token;
      return new MastodonSource({
        id: config.id,
        instanceUrl: config.instanceUrl,
        accessToken: token,
        backfillDays: config.backfillDays,
        maxPages: config.maxPages,
      });
    }
    case 'bluesky': {
      const password = await secretOrFailure(config.id, 'bluesky', () => deps.secrets.resolve(config.appPassword));
      if (typeof password !== 'string') return password;
      return new BlueskySource({
        id: config.id,
        serviceUrl: config.serviceUrl,
        ...(config.appViewUrl !== undefined ? { appViewUrl: config.appViewUrl } : {}),
        handle: config.handle,
        appPassword: password,
        sessions: deps.sessions,
        plcUrl: config.plcUrl,
        // Last posts are read only for contacts the analysis would judge, by the profile's own thresholds.
        judging: { graceDays: profile.policy.graceDays, inactiveDays: profile.policy.inactiveDays },
        backfillDays: config.backfillDays,
        maxPages: config.maxPages,
      });
    }
  }
}

type ExportConfig = Extract<SourceConfig, { exports: string }>;

function exportSourceOf(config: ExportConfig, profile: ProfileConfig, deps: BuildSourcesDeps): ExportSource {
  if (deps.exportsBucket !== undefined) {
    // Deployed: the source's prefix of the exports bucket; the config's folder is a path on the owner's machine.
    const { client, bucket, tmpDir, space } = deps.exportsBucket;
    const inbox = new S3ExportInbox({ client, bucket, prefix: exportsPrefix(profile.id, config.id), tmpDir: join(tmpDir, profile.id, config.id), ...(space !== undefined ? { space } : {}) });
    return new ExportSource({ id: config.id, network: config.type, dir: inbox.where, inbox, reminderDays: config.exportReminderDays });
  }
  // The exports folder, like a file source's path, is relative to the config file.
  return new ExportSource({ id: config.id, network: config.type, dir: resolve(deps.configDir, config.exports), reminderDays: config.exportReminderDays });
}

/** The source's `api` block with its network, when it has one (LinkedIn and TikTok have no such API). */
function apiConfigOf(config: ExportConfig): ApiSourceConfig | undefined {
  switch (config.type) {
    case 'instagram':
      return config.api !== undefined ? { type: 'instagram', id: config.id, api: config.api } : undefined;
    case 'threads':
      return config.api !== undefined ? { type: 'threads', id: config.id, api: config.api } : undefined;
    case 'facebook':
      return config.api !== undefined ? { type: 'facebook', id: config.id, api: config.api } : undefined;
    case 'x':
      return config.api !== undefined ? { type: 'x', id: config.id, api: config.api } : undefined;
    case 'linkedin':
    case 'tiktok':
      return undefined;
  }
}

async function secretOrFailure(id: string, platform: string, read: () => Promise<string>): Promise<string | Source> {
  try {
    return await read();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return new UnavailableSource(id, platform, `cannot read the credentials: ${reason}`);
  }
}

/** Stands in for a source that cannot be built; its pull fails with the reason. */
export class UnavailableSource implements Source {
  constructor(
    readonly id: string,
    readonly platform: string,
    private readonly reason: string,
  ) {}

  async pull(): Promise<never> {
    throw new SourceError(this.id, this.reason);
  }
}
