import { describe, expect, it } from 'vitest';
import { ProfileConfig } from '../../../../../shared/config/schema.ts';
import { buildActor, X_CANNOT_ACT, type BuildActorDeps } from '../../../../../shared/sources/build-actors.ts';

const profile = ProfileConfig.parse({
  id: 'me',
  sources: [
    { type: 'x', id: 'x', exports: 'exports/x', api: { accessToken: { env: 'X_TOKEN' } } },
    { type: 'demo', id: 'demo' },
  ],
  report: { recipients: ['me@example.com'], sender: 'fb@example.com' },
});

const deps: BuildActorDeps = {
  secrets: {
    resolve: async (): Promise<string> => {
      throw new Error('no secret should be read for X');
    },
  },
  sessions: { get: async () => undefined, put: async () => undefined },
};

describe('buildActor on X', () => {
  it('refuses to act on an X source and says why (X follow/unfollow are Enterprise-only since April 2026)', async () => {
    await expect(buildActor(profile, 'x', deps)).rejects.toThrow(X_CANNOT_ACT);
    expect(X_CANNOT_ACT).toMatch(/Enterprise/);
    expect(X_CANNOT_ACT).toMatch(/cannot follow or unfollow on X/);
  });

  it('still answers undefined (cannot act, no reason needed) for a demo source', async () => {
    await expect(buildActor(profile, 'demo', deps)).resolves.toBeUndefined();
  });
});
