import { describe, expect, it } from 'vitest';
import { ACT_WINDOW_MS, applyActions, confirmAndApply, howToEnable, recordConfirmation, undoAction, type ApplyDeps } from '../../../shared/app/apply-actions.ts';
import { withConfirmationMac } from '../../../shared/decide/confirmation-mac.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { ProfileConfig } from '../../../shared/config/schema.ts';
import type { TrackedContact } from '../../../shared/domain/analysis-types.ts';
import type { Interaction } from '../../../shared/domain/model.ts';
import type { ActResult, Actor, ActTarget, FreshLook } from '../../../shared/ports/actor.ts';
import type { ConfirmedAction, StoredDecision } from '../../../shared/ports/store.ts';
import { MemoryActionStore } from '../../helpers/memory-action-store.ts';

const REPORT_AT = '2026-11-23T08:00:00.000Z';

function profileWith(act: { enabled: boolean; maxPerRun?: number; pacingSeconds?: number }, extra: Record<string, unknown> = {}): ProfileConfig {
  return ProfileConfig.parse({ id: 'p', sources: [{ type: 'mastodon', instanceUrl: 'https://m.example', accessToken: { env: 'T' } }], report: { recipients: ['a@example.com'], sender: 'b@example.com' }, act, ...extra });
}

function contact(id: string, handle = `${id}@m.example`): TrackedContact {
  return { id, handle, displayName: '', bio: '', relation: 'following', state: 'active', sourceId: 'mastodon', platform: 'mastodon', firstSeenAt: '2026-01-01T00:00:00Z', lastSeenAt: REPORT_AT };
}

/** A network that remembers whom you follow; every call is logged with the fake clock's time. */
class FakeActor implements Actor {
  readonly sourceId = 'mastodon';
  readonly platform = 'mastodon';
  readonly calls: { call: string; id: string; at: number }[] = [];
  inbound = new Map<string, string>();
  gone = new Set<string>();
  failWrites = false;
  failLooks = false;
  /** Writes never answer: they end only when the caller's signal aborts (a server slower than the deadline). */
  hangWrites = false;
  constructor(
    readonly following: Set<string>,
    private readonly now: () => number,
  ) {}
  async look(target: ActTarget): Promise<FreshLook> {
    this.calls.push({ call: 'look', id: target.id, at: this.now() });
    if (this.failLooks) throw new Error('GET /api/v1/accounts/relationships: HTTP 503 (gave up after 6 attempts)');
    const inbound = this.inbound.get(target.id);
    return { following: this.following.has(target.id), gone: this.gone.has(target.id), ...(inbound ? { inboundSince: inbound } : {}), answer: { status: 200, summary: `following=${this.following.has(target.id)}` } };
  }
  async unfollow(target: ActTarget, signal?: AbortSignal): Promise<ActResult> {
    this.calls.push({ call: 'unfollow', id: target.id, at: this.now() });
    if (this.failWrites) throw new Error('POST /api/v1/accounts/x/unfollow: HTTP 500');
    if (this.hangWrites) {
      await new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true })));
      return { outcome: 'failed', answer: { summary: 'POST /api/v1/accounts/x/unfollow: aborted' } };
    }
    this.following.delete(target.id);
    return { outcome: 'done', answer: { status: 200, summary: 'following=false' } };
  }
  async follow(target: ActTarget): Promise<ActResult> {
    this.calls.push({ call: 'follow', id: target.id, at: this.now() });
    this.following.add(target.id);
    return { outcome: 'done', answer: { status: 200, summary: 'following=true' } };
  }
}

function world(ids: string[], opts: { decisions?: StoredDecision[]; interactions?: (Interaction & { sourceId: string })[] } = {}) {
  let nowMs = Date.parse('2026-11-24T10:00:00Z');
  const clock = () => new Date(nowMs);
  const actor = new FakeActor(new Set(ids), () => nowMs);
  const actions = new MemoryActionStore();
  const sleeps: number[] = [];
  const deps: ApplyDeps = {
    actions,
    store: {
      loadProfileState: async () => ({ contacts: ids.map((id) => contact(id)), sources: [], lastRun: null, decisions: opts.decisions ?? [] }),
      loadInteractions: async (_p, since) => (opts.interactions ?? []).filter((i) => i.at >= since),
    },
    actorFor: (sourceId) => (sourceId === 'mastodon' ? actor : undefined),
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      actor.calls.push({ call: 'sleep', id: '', at: nowMs });
      nowMs += ms;
    },
  };
  const confirm = (profile: ProfileConfig, id: string, action: 'unfollow' | 'follow' = 'unfollow') =>
    recordConfirmation(profile, deps, { contactKey: `mastodon:${id}`, handle: `${id}@m.example`, action, reportAt: REPORT_AT, confirmation: { kind: 'cli', ref: 'test' } }).then((r) => {
      nowMs += 1000;
      return r;
    });
  const advance = (ms: number): void => {
    nowMs += ms;
  };
  return { deps, actor, actions, sleeps, confirm, advance, clock };
}

describe('applyActions', () => {
  it('with acting off records the confirmation but never calls the network, and says how to turn it on', async () => {
    const w = world(['1']);
    const profile = profileWith({ enabled: false });
    const { request, apply } = await confirmAndApply(profile, w.deps, { contactKey: 'mastodon:1', handle: '1@m.example', action: 'unfollow', reportAt: REPORT_AT, confirmation: { kind: 'link', ref: 'tok-1' } });
    expect(apply.enabled).toBe(false);
    expect(request.status).toBe('pending');
    expect(apply.stillPending.map((r) => r.id)).toEqual([request.id]);
    expect(w.actor.calls).toEqual([]);
    expect(w.actor.following.has('1')).toBe(true);
    expect(howToEnable('p')).toContain('"act": { "enabled": true');
    expect(howToEnable('p')).toContain('write:follows');
  });

  it('carries out at most maxPerRun actions per call and leaves the rest pending for the next', async () => {
    const ids = ['1', '2', '3', '4', '5'];
    const w = world(ids);
    const profile = profileWith({ enabled: true, maxPerRun: 2, pacingSeconds: 0 });
    for (const id of ids) await w.confirm(profile, id);
    const first = await applyActions(profile, w.deps);
    expect(first.acted).toBe(2);
    expect(first.stillPending).toHaveLength(3);
    expect([...w.actor.following].sort()).toEqual(['3', '4', '5']);
    // The cap is per hour, whoever acts: an apply right after sends nothing and says until when.
    const again = await applyActions(profile, w.deps);
    expect(again.acted).toBe(0);
    expect(again.stopped).toEqual({ reason: 'cap', until: new Date(w.clock().getTime() + ACT_WINDOW_MS).toISOString() });
    expect([...w.actor.following].sort()).toEqual(['3', '4', '5']);
    w.advance(ACT_WINDOW_MS);
    const second = await applyActions(profile, w.deps);
    expect(second.acted).toBe(2);
    expect([...w.actor.following]).toEqual(['5']);
  });

  it('waits pacingSeconds after each write, and looks again after the wait, just before acting', async () => {
    const w = world(['1', '2', '3']);
    const profile = profileWith({ enabled: true, pacingSeconds: 5 });
    for (const id of ['1', '2', '3']) await w.confirm(profile, id);
    await applyActions(profile, w.deps);
    expect(w.sleeps).toEqual([5000, 5000]);
    expect(w.actor.calls.map((c) => `${c.call}${c.id}`)).toEqual(['look1', 'unfollow1', 'sleep', 'look2', 'unfollow2', 'sleep', 'look3', 'unfollow3']);
    const writes = w.actor.calls.filter((c) => c.call === 'unfollow').map((c) => c.at);
    expect(writes[1]! - writes[0]!).toBeGreaterThanOrEqual(5000);
  });

  it('a deadline reached while pacing leaves the next action pending, not failed, and sends nothing more', async () => {
    const w = world(['1', '2', '3']);
    const profile = profileWith({ enabled: true, pacingSeconds: 5 });
    for (const id of ['1', '2', '3']) await w.confirm(profile, id);
    const deadline = new AbortController();
    const pacing = w.deps.sleep;
    w.deps.sleep = async (ms, signal) => {
      await pacing?.(ms, signal);
      deadline.abort();
    };
    const result = await applyActions(profile, w.deps, { signal: deadline.signal });
    expect(result.acted).toBe(1);
    expect(result.results.map((r) => r.outcome)).toEqual(['done']);
    expect(result.stillPending).toHaveLength(2);
    expect(w.actor.calls.map((c) => `${c.call}${c.id}`)).toEqual(['look1', 'unfollow1', 'sleep']);
    const next = await applyActions(profile, w.deps);
    expect(next.acted).toBe(2);
  });

  it('never unfollows an allowlisted or snoozed contact, nor one who engaged after the report (stored or fresh)', async () => {
    const w = world(['1', '2', '3', '4', '5'], {
      decisions: [{ contact: 'mastodon:2', kind: 'snooze', until: '2027-01-01', at: REPORT_AT }],
      interactions: [{ id: 'n1', contactId: '3', kind: 'like', direction: 'inbound', at: '2026-11-23T12:00:00.000Z', sourceId: 'mastodon' }],
    });
    w.actor.inbound.set('4', '2026-11-24T09:00:00.000Z');
    const profile = profileWith({ enabled: true, pacingSeconds: 0 }, { allowlist: ['@1@M.example'] });
    for (const id of ['1', '2', '3', '4', '5']) await w.confirm(profile, id);
    const result = await applyActions(profile, w.deps);
    expect(w.actor.calls.filter((c) => c.call === 'unfollow').map((c) => c.id)).toEqual(['5']);
    const reasons = Object.fromEntries(result.results.map((r) => [r.request.contactKey, `${r.outcome}: ${r.reason ?? ''}`]));
    expect(reasons).toEqual({
      'mastodon:1': 'skipped: allowlisted (@1@M.example)',
      'mastodon:2': 'skipped: snoozed until 2027-01-01',
      'mastodon:3': 'skipped: engaged since the report (2026-11-23T12:00:00.000Z)',
      'mastodon:4': 'skipped: engaged since the report (2026-11-24T09:00:00.000Z)',
      'mastodon:5': 'done: ',
    });
    expect(w.actions.audits.map((a) => a.outcome)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'done']);
  });

  it('sends nothing when the relationship is already what the action wants, and skips a gone account', async () => {
    const w = world(['1']);
    w.actor.following.delete('1');
    w.actor.following.add('2');
    w.actor.gone.add('3');
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    await w.confirm(profile, '1');
    await w.confirm(profile, '2', 'follow');
    await w.confirm(profile, '3');
    const result = await applyActions(profile, w.deps);
    expect(result.acted).toBe(0);
    expect(result.results.map((r) => [r.outcome, r.reason, r.request.status])).toEqual([
      ['already', 'already not following', 'skipped'],
      ['already', 'already following', 'skipped'],
      ['skipped', 'the account is gone', 'skipped'],
    ]);
  });

  it('audits every attempt with when, which confirmation and the platform answer', async () => {
    const w = world(['1']);
    const profile = profileWith({ enabled: true });
    await confirmAndApply(profile, w.deps, { contactKey: 'mastodon:1', handle: '1@m.example', action: 'unfollow', reportAt: REPORT_AT, confirmation: { kind: 'link', ref: 'tok-9' } });
    expect(w.actions.audits).toHaveLength(1);
    expect(w.actions.audits[0]).toMatchObject({ what: 'unfollow', outcome: 'done', contactKey: 'mastodon:1', confirmation: { kind: 'link', ref: 'tok-9' }, platformAnswer: { status: 200, summary: 'following=false' } });
    expect(Date.parse(w.actions.audits[0]!.at)).toBeGreaterThan(Date.parse(REPORT_AT));
  });

  it('a failed write or a failed look is audited as failed; a failed look never acts blind', async () => {
    const w = world(['1', '2']);
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    await w.confirm(profile, '1');
    w.actor.failWrites = true;
    const first = await applyActions(profile, w.deps);
    expect(first.results[0]).toMatchObject({ outcome: 'failed', request: { status: 'failed' } });
    expect(w.actions.audits[0]!.platformAnswer?.summary).toContain('HTTP 500');
    await w.confirm(profile, '2');
    w.actor.failLooks = true;
    const second = await applyActions(profile, w.deps);
    expect(second.results[0]?.reason).toContain('could not look at the account');
    expect(w.actor.calls.filter((c) => c.call === 'unfollow' && c.id === '2')).toEqual([]);
  });

  it('undo follows again after an unfollow, audited as an undo, and only once', async () => {
    const w = world(['1']);
    const profile = profileWith({ enabled: true });
    const { request } = await confirmAndApply(profile, w.deps, { contactKey: 'mastodon:1', handle: '1@m.example', action: 'unfollow', reportAt: REPORT_AT, confirmation: { kind: 'cli', ref: 'me' } });
    expect(request.status).toBe('done');
    expect(w.actor.following.has('1')).toBe(false);
    const undo = await undoAction(profile, w.deps, request.id, { kind: 'cli', ref: 'me' });
    expect(undo.request).toMatchObject({ action: 'follow', status: 'done', undoOf: request.id });
    expect(w.actor.following.has('1')).toBe(true);
    expect(w.actions.audits.at(-1)).toMatchObject({ what: 'follow', outcome: 'done', undoOf: request.id });
    await expect(undoAction(profile, w.deps, request.id, { kind: 'cli', ref: 'me' })).rejects.toThrow(/already undone/);
    await expect(undoAction(profile, w.deps, 'nope', { kind: 'cli', ref: 'me' })).rejects.toThrow(/no action nope/);
  });

  it('two applies at the same time carry out each action once', async () => {
    const w = world(['1', '2', '3']);
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    for (const id of ['1', '2', '3']) await w.confirm(profile, id);
    const [a, b] = await Promise.all([applyActions(profile, w.deps), applyActions(profile, w.deps)]);
    expect(a.acted + b.acted).toBe(3);
    expect(w.actor.calls.filter((c) => c.call === 'unfollow').map((c) => c.id).sort()).toEqual(['1', '2', '3']);
  });

  it('a source that cannot act (file, demo) fails the action with the reason, nothing else happens', async () => {
    const w = world(['1']);
    const profile = profileWith({ enabled: true });
    await recordConfirmation(profile, w.deps, { contactKey: 'file:ada', handle: 'ada', action: 'unfollow', reportAt: REPORT_AT, confirmation: { kind: 'cli', ref: 'me' } });
    const result = await applyActions(profile, w.deps);
    expect(result.results[0]?.reason).toContain('source "file" cannot act');
    expect(w.actor.calls).toEqual([]);
  });
});

const keyring = keyringOf(newKeyringJson('k1'));
const signed = (a: ConfirmedAction): ConfirmedAction => withConfirmationMac(keyring, 'p', a);

describe('confirmations from the decision page (the ledger)', () => {
  it('are taken over once, carried out, and settled back in the ledger with what happened', async () => {
    const w = world(['1', '2']);
    w.deps.keyring = async () => keyring;
    const ledgerItems: ConfirmedAction[] = [
      signed({ key: 'mastodon:1', action: 'unfollow', confirmedAt: '2026-11-24T09:00:00.000Z', tokenId: 'jti-1', status: 'pending' }),
      signed({ key: 'mastodon:2', action: 'follow_back', confirmedAt: '2026-11-24T09:01:00.000Z', tokenId: 'jti-2', status: 'pending' }),
    ];
    w.actor.following.delete('2');
    const ledger = {
      listConfirmedActions: async () => ledgerItems.map((a) => ({ ...a })),
      putConfirmedAction: async (_p: string, a: ConfirmedAction) => {
        ledgerItems.splice(ledgerItems.findIndex((x) => x.key === a.key), 1, a);
      },
    };
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    const [a, b] = await Promise.all([applyActions(profile, { ...w.deps, ledger }), applyActions(profile, { ...w.deps, ledger })]);
    expect(a.acted + b.acted).toBe(2);
    expect(w.actor.calls.filter((c) => c.call !== 'look').map((c) => `${c.call}${c.id}`).sort()).toEqual(['follow2', 'unfollow1']);
    expect(ledgerItems.map((x) => x.status)).toEqual(['done', 'done']);
    expect(w.actions.audits.map((x) => x.confirmation)).toEqual(expect.arrayContaining([{ kind: 'link', ref: 'jti-1' }, { kind: 'link', ref: 'jti-2' }]));
    await applyActions(profile, { ...w.deps, ledger });
    expect(w.actor.calls.filter((c) => c.call !== 'look')).toHaveLength(2);
  });
});

describe('the cap, the pacing and the lease hold across calls (the page and the CLI at once)', () => {
  it('six single-contact confirmations pressed at once, maxPerRun 1: one reaches the network, the others wait with the cap', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    const w = world(ids);
    const profile = profileWith({ enabled: true, maxPerRun: 1, pacingSeconds: 30 });
    const link = (id: string) => ({ contactKey: `mastodon:${id}`, handle: `${id}@m.example`, action: 'unfollow' as const, reportAt: REPORT_AT, confirmation: { kind: 'link' as const, ref: `tok-${id}` } });
    const pages = await Promise.all(ids.map((id) => confirmAndApply(profile, w.deps, link(id))));
    expect(w.actor.calls.filter((c) => c.call === 'unfollow')).toHaveLength(1);
    expect(pages.reduce((n, p) => n + p.apply.acted, 0)).toBe(1);
    expect(pages.filter((p) => p.request.status === 'pending')).toHaveLength(5);
    expect(pages.filter((p) => p.apply.acted === 0).map((p) => p.apply.stopped?.reason)).toEqual(['cap', 'cap', 'cap', 'cap', 'cap']);
    expect(w.sleeps).toEqual([]);
    expect(w.actions.leases.size).toBe(0);
  });

  it('a second call a second after an action waits out the pacing (a terminal), or leaves it pending when it may not wait that long (a page)', async () => {
    const w = world(['1', '2', '3']);
    const profile = profileWith({ enabled: true, maxPerRun: 5, pacingSeconds: 30 });
    await w.confirm(profile, '1');
    expect((await applyActions(profile, w.deps)).acted).toBe(1);
    w.advance(1000);
    await w.confirm(profile, '2');
    // The page: 10 s left in its request, 28 s of pacing to go.
    const page = await applyActions(profile, w.deps, { mayWaitMs: () => 10_000 });
    expect(page.acted).toBe(0);
    expect(page.stopped).toMatchObject({ reason: 'pacing' });
    expect(page.stillPending.map((r) => r.contactKey)).toEqual(['mastodon:2']);
    expect(w.actor.calls.filter((c) => c.call !== 'sleep').map((c) => `${c.call}${c.id}`)).toEqual(['look1', 'unfollow1']);
    // The terminal waits what is left of the 30 s since the last action, whoever made it.
    const cli = await applyActions(profile, w.deps);
    expect(cli.acted).toBe(1);
    expect(w.sleeps).toEqual([28_000]);
    const writes = w.actor.calls.filter((c) => c.call === 'unfollow').map((c) => c.at);
    expect(writes[1]! - writes[0]!).toBe(30_000);
  });

  it('while another actor holds the lease nothing is sent; an expired lease is taken over and an action its holder left acting goes back to pending, audited', async () => {
    const w = world(['1', '2']);
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    const first = await w.confirm(profile, '1');
    const now = w.clock();
    expect(await w.actions.takeActLease('p', 'someone-else', now.toISOString(), new Date(now.getTime() + 60_000).toISOString())).toBe(true);
    // Someone else claimed it and died mid-action.
    expect(await w.actions.transitionAction('p', first.id, 'pending', 'acting', now.toISOString())).toBe(true);
    const busy = await applyActions(profile, w.deps, { leaseWaitMs: 0 });
    expect(busy).toMatchObject({ acted: 0, stopped: { reason: 'busy' } });
    expect(w.actor.calls).toEqual([]);
    expect(w.actions.leases.get('p')?.owner).toBe('someone-else');

    w.advance(61_000);
    const taken = await applyActions(profile, w.deps, { leaseWaitMs: 0 });
    expect(taken.acted).toBe(1);
    expect(w.actor.following.has('1')).toBe(false);
    expect(w.actions.audits.map((a) => `${a.outcome}: ${a.reason ?? ''}`)).toEqual([expect.stringMatching(/^failed: interrupted: the apply that claimed it stopped/), 'done: ']);
    expect(w.actions.leases.size).toBe(0);
  });

  it('a deadline reached mid-write: the attempt is audited as interrupted, the action is pending again and the lease is given back', async () => {
    const w = world(['1', '2']);
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    await w.confirm(profile, '1');
    await w.confirm(profile, '2');
    w.actor.hangWrites = true;
    const result = await applyActions(profile, w.deps, { signal: AbortSignal.timeout(200) });
    expect(result.results).toEqual([]);
    expect(result.interrupted.map((r) => [r.contactKey, r.status])).toEqual([['mastodon:1', 'pending']]);
    expect(result.stillPending.map((r) => r.contactKey)).toEqual(['mastodon:1', 'mastodon:2']);
    expect(result.stopped).toEqual({ reason: 'deadline' });
    expect(w.actions.audits).toEqual([expect.objectContaining({ contactKey: 'mastodon:1', outcome: 'failed', reason: expect.stringContaining('interrupted by the deadline') })]);
    expect((await w.actions.listActionRequests('p', 'acting'))).toEqual([]);
    expect(w.actions.leases.size).toBe(0);
    // The next apply looks again (the write may have happened) and carries on.
    w.actor.hangWrites = false;
    w.advance(ACT_WINDOW_MS);
    expect((await applyActions(profile, w.deps)).acted).toBe(2);
  });
});

describe('confirmations not signed by this deployment', () => {
  it('are refused, recorded once as failed, audited and settled; never sent, never adopted; a signed one is carried out', async () => {
    const w = world(['1', '2', '3', '4']);
    w.deps.keyring = async () => keyring;
    const other = keyringOf(newKeyringJson('k1'));
    const good = signed({ key: 'mastodon:1', action: 'unfollow', confirmedAt: '2026-11-24T09:00:00.000Z', tokenId: 'jti-1', status: 'pending' });
    const ledgerItems: ConfirmedAction[] = [
      good,
      { key: 'mastodon:2', action: 'unfollow', confirmedAt: '2026-11-24T09:01:00.000Z', tokenId: 'jti-2', status: 'pending' },
      withConfirmationMac(other, 'p', { key: 'mastodon:3', action: 'unfollow' as const, confirmedAt: '2026-11-24T09:02:00.000Z', tokenId: 'jti-3', status: 'pending' as const }),
      // A good MAC moved onto another contact.
      { key: 'mastodon:4', action: 'unfollow', confirmedAt: '2026-11-24T09:03:00.000Z', tokenId: 'jti-1', status: 'pending', ...(good.mac !== undefined ? { mac: good.mac } : {}) },
    ];
    const ledger = {
      listConfirmedActions: async () => ledgerItems.map((a) => ({ ...a })),
      putConfirmedAction: async (_p: string, a: ConfirmedAction) => {
        ledgerItems.splice(ledgerItems.findIndex((x) => x.key === a.key), 1, a);
      },
    };
    const profile = profileWith({ enabled: true, pacingSeconds: 0 });
    const [a, b] = await Promise.all([applyActions(profile, { ...w.deps, ledger }), applyActions(profile, { ...w.deps, ledger })]);
    expect(w.actor.calls.filter((c) => c.call === 'unfollow').map((c) => c.id)).toEqual(['1']);
    expect(a.refused.map((r) => [r.key, r.reason])).toEqual([
      ['mastodon:2', "not signed by this deployment's key: ignored (no MAC)"],
      ['mastodon:3', "not signed by this deployment's key: ignored (wrong MAC)"],
      ['mastodon:4', "not signed by this deployment's key: ignored (wrong MAC)"],
    ]);
    expect(b.refused).toHaveLength(3);
    expect(ledgerItems.map((x) => x.status)).toEqual(['done', 'failed', 'failed', 'failed']);
    const refusedAudits = w.actions.audits.filter((x) => x.reason?.startsWith('not signed'));
    expect(refusedAudits.map((x) => x.contactKey).sort()).toEqual(['mastodon:2', 'mastodon:3', 'mastodon:4']);
    expect((await w.actions.listActionRequests('p')).filter((r) => r.status !== 'done').map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    // Without a keyring nothing from the page is believed.
    const w2 = world(['1']);
    const none = await applyActions(profile, { ...w2.deps, ledger: { listConfirmedActions: async () => [good], putConfirmedAction: async () => undefined } });
    expect(none.refused.map((r) => [r.checked, r.reason])).toEqual([[false, expect.stringContaining('no decision signing key')]]);
    expect(w2.actions.requests.size).toBe(0);
    expect(w2.actor.calls).toEqual([]);
  });
});

describe('nothing acts by the schedule alone', () => {
  it('no step of a scheduled firing imports the apply engine', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    const dir = new URL('../../../shared/app/', import.meta.url);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && f !== 'apply-actions.ts');
    const handler = ['../../../functions/handler.ts', '../../../functions/pull-step.ts', '../../../functions/report-step.ts'];
    const texts = [...(await Promise.all(files.map((f) => readFile(new URL(f, dir), 'utf8')))), ...(await Promise.all(handler.map((h) => readFile(new URL(h, import.meta.url), 'utf8').catch(() => ''))))];
    for (const text of texts) expect(text).not.toMatch(/apply-actions/);
  });
});
