import { BlueskySource, type BlueskySourceOptions } from '../../../../shared/sources/bluesky/bluesky-source.ts';
import { openSession } from '../../../../shared/sources/bluesky/session.ts';
import type { SessionStore } from '../../../../shared/ports/source.ts';
import type { FakeBlueskyServer } from '../../../helpers/bluesky-server.ts';
import { OWNER } from '../../../fixtures/bluesky/world.ts';

/** The SessionStore port in memory, shared between pulls like the DynamoDB one would be. */
export class MemorySessions implements SessionStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async put(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}

export interface Harness {
  source: BlueskySource;
  /** Every wait the HttpClient asked for (no real sleeping in tests). */
  waits: number[];
}

export function makeSource(server: FakeBlueskyServer, sessions: SessionStore, overrides: Partial<BlueskySourceOptions> = {}): Harness {
  const waits: number[] = [];
  const source = new BlueskySource({
    id: 'bsky',
    serviceUrl: server.url,
    // The fake server also plays the PLC directory: no test ever reaches plc.directory.
    plcUrl: server.url,
    handle: OWNER.handle,
    appPassword: OWNER.password,
    sessions,
    backfillDays: 365,
    maxPages: 200,
    ...overrides,
    http: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      timeoutMs: 5_000,
      ...overrides.http,
    },
  });
  return { source, waits };
}

export const pages = (n: number, size = 100): number => Math.max(1, Math.ceil(n / size));

/** The session store key of the test account's source (`id` bsky). */
export const SESSION_KEY = `bluesky:bsky:${OWNER.handle}`;

export interface StoredTokens {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
}

/** The stored session of the test account, opened with its app password; undefined when there is none. */
export function storedSession(sessions: MemorySessions, key = SESSION_KEY, appPassword: string = OWNER.password): StoredTokens | undefined {
  const raw = sessions.values.get(key);
  if (raw === undefined) return undefined;
  const opened = openSession(raw, appPassword, key);
  if (!opened.ok) throw new Error(`the stored session does not open (${opened.why})`);
  return JSON.parse(opened.text) as StoredTokens;
}
