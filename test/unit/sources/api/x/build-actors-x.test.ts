import { describe, expect, it } from 'vitest';
import { applyActions, recordConfirmation, type ApplyDeps } from '../../../../../shared/app/apply-actions.ts';
import { MemoryActionStore } from '../../../../helpers/memory-action-store.ts';
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

describe('an unfollow confirmed on an X contact', () => {
  it('fails with the reason X gives none to act, and nothing is sent anywhere', async () => {
    const actProfile = ProfileConfig.parse({
      id: 'p',
      sources: [{ type: 'x', id: 'x', exports: 'exports/x', api: { accessToken: { env: 'X_TOKEN' } } }],
      report: { recipients: ['a@example.com'], sender: 'b@example.com' },
      act: { enabled: true },
    });
    const reportAt = '2026-11-23T08:00:00.000Z';
    const applyDeps: ApplyDeps = {
      actions: new MemoryActionStore(),
      store: { loadProfileState: async () => ({ contacts: [], sources: [], lastRun: null, decisions: [] }), loadInteractions: async () => [] },
      actorFor: (sourceId) => buildActor(actProfile, sourceId, deps),
      clock: () => new Date('2026-11-24T10:00:00Z'),
      sleep: async () => undefined,
    };
    await recordConfirmation(actProfile, applyDeps, { contactKey: 'x:x:2001', handle: '@user1', action: 'unfollow', reportAt, confirmation: { kind: 'cli', ref: 'me' } });
    const result = await applyActions(actProfile, applyDeps);
    expect(result.results[0]?.outcome).toBe('failed');
    expect(result.results[0]?.reason).toBe(`source "x" cannot act: ${X_CANNOT_ACT}`);
  });
});
