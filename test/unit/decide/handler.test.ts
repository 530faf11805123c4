import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load-config.ts';
import { handleDecision, type DecideDeps, type DecideRequest, type PageActOutcome, type PageActRequest } from '../../../shared/decide/handler.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { signToken } from '../../../shared/decide/token.ts';
import type { ConfirmedAction, DecisionLedger, StoredDecision } from '../../../shared/ports/store.ts';

const now = new Date('2026-12-01T08:00:00Z');
const keyring = keyringOf(newKeyringJson('k1'));
const config = parseConfig({
  profiles: [{ id: 'demo', sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com', locale: 'it' } }],
}, 'test config');

function fakes() {
  const decisions: StoredDecision[] = [];
  const used = new Set<string>();
  const actions: ConfirmedAction[] = [];
  const ledger: DecisionLedger = {
    consumeToken: async (_p, id) => (used.has(id) ? false : (used.add(id), true)),
    releaseToken: async (_p, id) => void used.delete(id),
    isTokenUsed: async (_p, id) => used.has(id),
    putConfirmedAction: async (_p, a) => void actions.push(a),
    listConfirmedActions: async () => actions,
    findContact: async (_p, key) => ({ sourceId: 'demo', id: key.slice(5), handle: '<b>@eve</b>', displayName: '<script>x</script>', bio: '', relation: 'following', state: 'active', firstSeenAt: now.toISOString(), lastSeenAt: now.toISOString(), platform: 'demo', previousReasons: ['never_engaged'] }),
  };
  const deps: DecideDeps = { keyring: async () => keyring, profile: (id) => config.profiles.find((p) => p.id === id), decisions: { putDecision: async (_p, d) => void decisions.push(d), deleteDecision: async () => false }, ledger, clock: () => now };
  return { deps, decisions, used, actions };
}

const token = (action: 'keep' | 'snooze' | 'unfollow' | 'follow_back' = 'keep', profile = 'demo', keys = ['demo:42']) => signToken({ profile, keys, action, now }, keyring).token;

const actingConfig = parseConfig({
  profiles: [{ id: 'demo', sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' }, act: { enabled: true, maxPerRun: 2, pacingSeconds: 0 } }],
}, 'test config');

/** A fake act engine: records each call and answers with the given outcomes. */
function withAct(deps: DecideDeps, outcomes: (r: PageActRequest) => PageActOutcome[], acting = true) {
  const calls: PageActRequest[] = [];
  const d: DecideDeps = {
    ...deps,
    profile: (id) => (acting ? actingConfig : config).profiles.find((p) => p.id === id),
    act: async (_profile, r) => {
      calls.push(r);
      return outcomes(r);
    },
  };
  return { deps: d, calls };
}
const get = (t: string): DecideRequest => ({ method: 'GET', path: '/decide', query: { t }, body: '', headers: {} });
const post = (t: string, headers: Record<string, string> = {}): DecideRequest => ({ method: 'POST', path: '/decide', query: {}, body: new URLSearchParams({ t }).toString(), headers });

describe('decision page handler', () => {
  it('GET shows who and why, escaped, in the profile language, with the security headers, and stores nothing', async () => {
    const f = fakes();
    const res = await handleDecision(get(token()), f.deps);
    expect(res.status).toBe(200);
    expect(res.body).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('lang="it"');
    expect(res.body).toContain('Tieni');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(f.decisions).toEqual([]);
    expect(f.used.size).toBe(0);
  });

  it('POST stores the decision once; the same token again is refused and changes nothing', async () => {
    const f = fakes();
    const t = token('snooze');
    expect((await handleDecision(post(t), f.deps)).status).toBe(200);
    expect(f.decisions).toEqual([expect.objectContaining({ contact: 'demo:42', kind: 'snooze', until: '2027-03-01T08:00:00.000Z' })]);
    expect((await handleDecision(post(t), f.deps)).status).toBe(409);
    expect((await handleDecision(get(t), f.deps)).status).toBe(409);
    expect(f.decisions).toHaveLength(1);
  });

  it('an unfollow is recorded as a confirmed request, not acted on here', async () => {
    const f = fakes();
    const res = await handleDecision(post(token('unfollow')), f.deps);
    expect(res.status).toBe(200);
    expect(f.actions).toEqual([expect.objectContaining({ key: 'demo:42', action: 'unfollow', status: 'pending' })]);
    expect(res.body).toContain('&quot;act&quot;: { &quot;enabled&quot;: true }');
  });

  it('a cross-site POST, a token for a profile not served here, and other methods change nothing', async () => {
    const f = fakes();
    expect((await handleDecision(post(token(), { 'sec-fetch-site': 'cross-site' }), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: 'https://evil.example', host: '127.0.0.1:8787' }), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: 'null', 'sec-fetch-site': 'same-origin' }), fakes().deps)).status).toBe(200);
    expect((await handleDecision(get(token('keep', 'other')), f.deps)).status).toBe(400);
    expect((await handleDecision({ ...get(token()), method: 'PUT' }, f.deps)).status).toBe(405);
    expect(f.decisions).toEqual([]);
  });

  it('when storing fails the link is given back, so the owner can retry', async () => {
    const f = fakes();
    f.deps.decisions.putDecision = async () => {
      throw new Error('throttled');
    };
    const t = token();
    expect((await handleDecision(post(t), f.deps)).status).toBe(503);
    expect(f.used.size).toBe(0);
  });

  it('with acting on, the POST carries out the link once with its confirmed keys and shows each outcome', async () => {
    const f = fakes();
    const keys = ['demo:1', 'demo:2', 'demo:3', 'demo:4'];
    const a = withAct(f.deps, (r) => [
      { key: r.keys[0] ?? '', handle: '@one<b>', outcome: 'done', actionId: '20261201-aaaaaa' },
      { key: r.keys[1] ?? '', outcome: 'skipped', reason: 'engaged since the report (2026-11-30T10:00:00.000Z)' },
      { key: r.keys[2] ?? '', outcome: 'failed', reason: 'the platform refused (does the token have write scope?)' },
    ]);
    const t = token('unfollow', 'demo', keys);
    const res = await handleDecision(post(t), a.deps);
    expect(res.status).toBe(200);
    expect(a.calls).toHaveLength(1);
    expect(a.calls[0]).toEqual({ tokenId: expect.any(String), keys, action: 'unfollow', reportAt: now.toISOString() });
    // Recorded first (with the link's issue time), then acted on.
    expect(f.actions.map((x) => x.key)).toEqual(keys);
    expect(f.actions.every((x) => x.reportAt === now.toISOString() && x.tokenId === a.calls[0]?.tokenId)).toBe(true);
    expect(res.body).toContain('@one&lt;b&gt;</span>: done (undo: followback undo 20261201-aaaaaa)');
    expect(res.body).toContain('skipped: engaged since the report');
    expect(res.body).toContain('failed: the platform refused');
    expect(res.body).toContain('demo:4</span>: still waiting');
    expect(res.body).toContain('1 done, 1 skipped, 1 failed, 1 still waiting');
    // The link is used: a second POST neither records nor acts again.
    expect((await handleDecision(post(t), a.deps)).status).toBe(409);
    expect(a.calls).toHaveLength(1);
  });

  it('with acting on, GET never acts, and Keep / Snooze never act', async () => {
    const f = fakes();
    const a = withAct(f.deps, () => []);
    expect((await handleDecision(get(token('unfollow')), a.deps)).status).toBe(200);
    expect((await handleDecision({ ...get(token('follow_back')), method: 'HEAD' }, a.deps)).status).toBe(200);
    expect((await handleDecision(post(token('keep')), a.deps)).status).toBe(200);
    expect(a.calls).toEqual([]);
  });

  it('with acting off, the POST records the confirmation and never acts', async () => {
    const f = fakes();
    const a = withAct(f.deps, () => [], false);
    const res = await handleDecision(post(token('follow_back')), a.deps);
    expect(res.status).toBe(200);
    expect(a.calls).toEqual([]);
    expect(f.actions).toEqual([expect.objectContaining({ key: 'demo:42', action: 'follow_back', status: 'pending' })]);
    expect(res.body).toContain('&quot;act&quot;: { &quot;enabled&quot;: true }');
  });

  it('when acting fails, the confirmation stays recorded, the link stays used, and the page says the next apply retries', async () => {
    const f = fakes();
    const a = withAct(f.deps, () => {
      throw new Error('network down');
    });
    const t = token('unfollow');
    const res = await handleDecision(post(t), a.deps);
    expect(res.status).toBe(200);
    expect(res.body).toContain('the next followback apply --confirm tries again');
    expect(f.actions).toHaveLength(1);
    expect((await handleDecision(post(t), a.deps)).status).toBe(409);
  });
});
