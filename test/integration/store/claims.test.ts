import { describe, it, expect } from 'vitest';
import { freshTable } from '../../helpers/dynamo.ts';
import { COMPLETED_CLAIM_TTL_SECONDS, DynamoStore } from '../../../shared/store/dynamo-store.ts';

/** A clock the test moves by hand. */
function manualClock(start: string): { now: () => Date; advance(seconds: number): void } {
  let ms = Date.parse(start);
  return { now: () => new Date(ms), advance: (seconds) => (ms += seconds * 1000) };
}

describe('DynamoStore run claims (DynamoDB Local)', () => {
  it('of ten concurrent claims of the same run key, exactly one wins', async () => {
    const { store } = await freshTable();
    const results = await Promise.all(Array.from({ length: 10 }, () => store.claimRun('alice', 'schedule:2026-11-25T08:00Z', 900)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('two stores on the same table racing for one key: exactly one wins', async () => {
    const first = await freshTable();
    const second = new DynamoStore({ client: first.client, tableName: first.tableName });
    const [a, b] = await Promise.all([first.store.claimRun('alice', 'k', 900), second.claimRun('alice', 'k', 900)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
  });

  it('claims of different keys or profiles do not block each other', async () => {
    const { store } = await freshTable();
    expect(await store.claimRun('alice', 'k1', 900)).toBe(true);
    expect(await store.claimRun('alice', 'k2', 900)).toBe(true);
    expect(await store.claimRun('bob', 'k1', 900)).toBe(true);
  });

  it('a running claim blocks until its lease expires, then can be taken again', async () => {
    const clock = manualClock('2026-11-25T08:00:00Z');
    const { store } = await freshTable({ clock: clock.now });
    expect(await store.claimRun('alice', 'lease', 900)).toBe(true);
    clock.advance(899);
    expect(await store.claimRun('alice', 'lease', 900)).toBe(false);
    clock.advance(2);
    expect(await store.claimRun('alice', 'lease', 900)).toBe(true);
  });

  it('a completed run stays claimed for 35 days, so a late redelivery does nothing', async () => {
    const clock = manualClock('2026-11-25T08:00:00Z');
    const { store } = await freshTable({ clock: clock.now });
    expect(await store.claimRun('alice', 'key#x', 900)).toBe(true);
    await store.completeRun('alice', 'key#x', 'run-42');
    expect(await store.getClaim('alice', 'key#x')).toMatchObject({ status: 'done', runId: 'run-42' });
    clock.advance(30 * 86_400);
    expect(await store.claimRun('alice', 'key#x', 900)).toBe(false);
    clock.advance(COMPLETED_CLAIM_TTL_SECONDS - 30 * 86_400 + 1);
    expect(await store.claimRun('alice', 'key#x', 900)).toBe(true);
  });

  it('a released claim can be taken again at once', async () => {
    const { store } = await freshTable();
    expect(await store.claimRun('alice', 'k', 900)).toBe(true);
    await store.releaseRun('alice', 'k');
    expect(await store.getClaim('alice', 'k')).toBeNull();
    expect(await store.claimRun('alice', 'k', 900)).toBe(true);
  });

  it('releasing a claim that does not exist is harmless', async () => {
    const { store } = await freshTable();
    await expect(store.releaseRun('alice', 'never-claimed')).resolves.toBeUndefined();
  });

  it('claims never appear as contacts, sources or runs', async () => {
    const { store } = await freshTable();
    await store.claimRun('alice', 'k', 900);
    expect(await store.loadProfileState('alice')).toEqual({ contacts: [], sources: [], lastRun: null, decisions: [] });
  });
});
