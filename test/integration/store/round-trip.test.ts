import { describe, it, expect } from 'vitest';
import { freshTable } from '../../helpers/dynamo.ts';
import { changes, contact, interaction, runRecord, sourceState } from './fixtures.ts';

describe('DynamoStore round trip (DynamoDB Local)', () => {
  it('a contact comes back with its snapshot fields, lifetime aggregates and this run as previousReasons', async () => {
    const { store } = await freshTable();
    const written = contact('109', {
      handle: 'bob@example.social',
      displayName: 'Bob <b>',
      bio: 'Writes about birds. "Quotes" & ampersands',
      profileUrl: 'https://example.social/@bob',
      relation: 'mutual',
      followedAt: '2025-06-01T10:00:00.000Z',
      followerSince: '2025-07-01T10:00:00.000Z',
      lastPostAt: '2026-11-20T10:00:00.000Z',
      languages: ['it', 'en'],
      postsCount: 1200,
      followersCount: 300,
      followingCount: 250,
      labels: ['bot'],
      lifetime: { inbound: 14, outbound: 3, lastInboundAt: '2026-11-19T09:00:00.000Z' },
      previousReasons: ['dormant'],
      reasons: ['top_supporter'],
    });
    await store.applyRun('alice', changes({ contacts: [written] }), 730);

    const state = await store.loadProfileState('alice');
    const { reasons, previousReasons: _old, ...rest } = written;
    expect(state.contacts).toEqual([{ ...rest, previousReasons: reasons }]);
  });

  it('a moved account keeps its state and destination', async () => {
    const { store } = await freshTable();
    await store.applyRun('alice', changes({ contacts: [contact('7', { state: 'moved', movedTo: 'new@else.where' })] }), 730);
    const [back] = (await store.loadProfileState('alice')).contacts;
    expect(back?.state).toBe('moved');
    expect(back?.movedTo).toBe('new@else.where');
  });

  it('source state comes back with its cursor and problems', async () => {
    const { store } = await freshTable();
    const state = sourceState({
      cursor: 'notif:123456',
      lastPullAt: '2026-11-25T08:00:00.000Z',
      lastCompleteAt: '2026-11-24T08:00:00.000Z',
      lastContacts: 'partial',
      problems: ['followers page 3 timed out'],
    });
    await store.applyRun('alice', changes({ sources: [state, sourceState({ sourceId: 'bsky', platform: 'bluesky' })] }), 730);
    const loaded = await store.loadProfileState('alice');
    expect(loaded.sources.find((s) => s.sourceId === 'mastodon')).toEqual(state);
    expect(loaded.sources.map((s) => s.sourceId).sort()).toEqual(['bsky', 'mastodon']);
    // What a pull step reads: the same source states, without the contacts.
    expect(await store.loadSourceStates('alice')).toEqual(loaded.sources);
    expect(await store.loadSourceStates('nobody')).toEqual([]);
  });

  it('the last run is the newest by run time, and listRuns returns newest first up to the limit', async () => {
    const { store } = await freshTable();
    // Written out of order, and one with an offset: order must follow the instant, not the text.
    for (const [id, at] of [
      ['r2', '2026-10-02T08:00:00.000Z'],
      ['r3', '2026-11-02T09:30:00+02:00'],
      ['r1', '2026-09-02T08:00:00.000Z'],
    ] as const) {
      await store.applyRun('alice', changes({ run: runRecord(id, at, { delivery: { kind: 'ses', ref: `msg-${id}` } }) }), 730);
    }
    const state = await store.loadProfileState('alice');
    expect(state.lastRun?.runId).toBe('r3');
    expect(state.lastRun?.delivery).toEqual({ kind: 'ses', ref: 'msg-r3' });
    expect((await store.listRuns('alice', 10)).map((r) => r.runId)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.listRuns('alice', 2)).map((r) => r.runId)).toEqual(['r3', 'r2']);
    expect(await store.listRuns('alice', 0)).toEqual([]);
  });

  it('a run record keeps figures, sources and write stats exactly', async () => {
    const { store } = await freshTable();
    const run = runRecord('r9', '2026-11-25T08:00:00.000Z', { dryRun: true });
    await store.applyRun('alice', changes({ run }), 730);
    expect(await store.listRuns('alice', 1)).toEqual([run]);
  });

  it('owner decisions come back with the profile state', async () => {
    const { store } = await freshTable();
    const allow = { contact: 'mastodon:109', kind: 'allow' as const, at: '2026-11-01T00:00:00.000Z', note: 'my sister' };
    const snooze = { contact: '@carol@example.social', kind: 'snooze' as const, until: '2027-01-01T00:00:00.000Z', at: '2026-11-02T00:00:00.000Z' };
    await store.putDecision('alice', allow);
    await store.putDecision('alice', snooze);
    const { decisions } = await store.loadProfileState('alice');
    expect(decisions).toHaveLength(2);
    expect(decisions).toContainEqual(allow);
    expect(decisions).toContainEqual(snooze);
  });

  it('an interaction comes back with every field and its source', async () => {
    const { store } = await freshTable({ clock: () => new Date('2026-11-25T08:00:00Z') });
    const reply = interaction('n-1', '2026-11-20T10:00:00.000Z', {
      kind: 'reply',
      contactId: '109',
      postUrl: 'https://example.social/@alice/1',
      text: 'Totally <script>alert(1)</script> wrong',
    });
    await store.applyRun('alice', changes({ interactions: [reply] }), 730);
    expect(await store.loadInteractions('alice', '2026-11-01T00:00:00Z')).toEqual([reply]);
  });

  it('profiles do not see each other', async () => {
    const { store } = await freshTable({ clock: () => new Date('2026-11-25T08:00:00Z') });
    await store.applyRun('alice', changes({ contacts: [contact('1')], interactions: [interaction('i', '2026-11-20T00:00:00Z')] }), 730);
    await store.applyRun('alice2', changes({ contacts: [contact('2')] }), 730);
    expect((await store.loadProfileState('alice')).contacts.map((c) => c.id)).toEqual(['1']);
    expect((await store.loadProfileState('alice2')).contacts.map((c) => c.id)).toEqual(['2']);
    expect(await store.loadInteractions('alice2', '2026-01-01T00:00:00Z')).toEqual([]);
  });

  it('an unknown profile has an empty state and no last run', async () => {
    const { store } = await freshTable();
    expect(await store.loadProfileState('nobody')).toEqual({ contacts: [], sources: [], lastRun: null, decisions: [] });
  });

  it('a session value is stored by key, replaced on put, and absent keys give undefined', async () => {
    const { store } = await freshTable();
    expect(await store.get('bluesky:alice')).toBeUndefined();
    await store.put('bluesky:alice', '{"accessJwt":"a1"}');
    await store.put('bluesky:alice', '{"accessJwt":"a2"}');
    await store.put('bluesky:bob', 'other');
    expect(await store.get('bluesky:alice')).toBe('{"accessJwt":"a2"}');
    expect(await store.get('bluesky:bob')).toBe('other');
  });

  it('sessions never show up in a profile state', async () => {
    const { store } = await freshTable();
    await store.put('alice', 'secret-token');
    const state = await store.loadProfileState('alice');
    expect(JSON.stringify(state)).not.toContain('secret-token');
  });
});
