import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { TrackedContact } from '../../../shared/domain/analysis-types.ts';
import { handleDecision, UNDO_WINDOW_SECONDS, type DecideDeps, type DecideRequest, type PageActOutcome, type PageActRequest, type PageUndoRequest } from '../../../shared/decide/handler.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { signToken, verifyToken, type TokenAction } from '../../../shared/decide/token.ts';
import type { ConfirmedAction, DecisionLedger, StoredDecision } from '../../../shared/ports/store.ts';

const now = new Date('2026-12-01T08:00:00Z');
const keyringJson = newKeyringJson('k1');
const keyring = keyringOf(keyringJson);
const PAGE = 'https://decide.example.org/decide';
const ORIGIN = 'https://decide.example.org';
const profileBase = { id: 'demo', sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com', locale: 'it', decisionsUrl: PAGE } };
const config = parseConfig({ profiles: [profileBase] }, 'test config');
const actingConfig = parseConfig({ profiles: [{ ...profileBase, report: { ...profileBase.report, locale: 'en' }, act: { enabled: true, maxPerRun: 2, pacingSeconds: 0 } }] }, 'test config');

type Stored = TrackedContact;
/** Contacts by key: demo:42 (followed, suggested for unfollow) unless a test says otherwise. */
function contact(key: string, extra: Partial<Stored> = {}): Stored {
  return { sourceId: 'demo', id: key.slice(5), handle: '<b>@eve</b>', displayName: '<script>x</script>', bio: '', relation: 'following', state: 'active', firstSeenAt: now.toISOString(), lastSeenAt: now.toISOString(), platform: 'demo', previousReasons: ['never_engaged'], previousRecommendation: 'unfollow', ...extra };
}

/** A contact stored before runs kept their recommendation. */
function withoutRecommendation(c: Stored): Stored {
  const { previousRecommendation: _none, ...rest } = c;
  return rest;
}

function fakes(stored: Record<string, Stored | null> = {}) {
  const decisions: StoredDecision[] = [];
  const used = new Set<string>();
  const actions: ConfirmedAction[] = [];
  const reads: string[][] = [];
  const lookup = (key: string): Stored | null => (key in stored ? (stored[key] ?? null) : contact(key));
  const ledger: DecisionLedger = {
    consumeToken: async (_p, id) => (used.has(id) ? false : (used.add(id), true)),
    releaseToken: async (_p, id) => void used.delete(id),
    isTokenUsed: async (_p, id) => used.has(id),
    putConfirmedAction: async (_p, a) => void actions.push(a),
    listConfirmedActions: async () => actions,
    findContact: async (_p, key) => lookup(key),
    findContacts: async (_p, keys) => {
      reads.push([...keys]);
      return new Map(keys.map((k) => [k, lookup(k)]));
    },
  };
  const deps: DecideDeps = { keyring: async () => keyring, profile: (id) => config.profiles.find((p) => p.id === id), decisions: { putDecision: async (_p, d) => void decisions.push(d), deleteDecision: async () => false }, ledger, clock: () => now };
  return { deps, decisions, used, actions, reads };
}

const token = (action: TokenAction = 'keep', profile = 'demo', keys = ['demo:42'], at = now) => signToken({ profile, keys, action, now: at }, keyring).token;

/** A fake act engine: records each call and answers with the given outcomes. */
function withAct(deps: DecideDeps, outcomes: (r: PageActRequest) => PageActOutcome[], acting = true) {
  const calls: PageActRequest[] = [];
  const undos: PageUndoRequest[] = [];
  const d: DecideDeps = {
    ...deps,
    profile: (id) => (acting ? actingConfig : config).profiles.find((p) => p.id === id),
    act: async (_profile, r) => {
      calls.push(r);
      return outcomes(r);
    },
    undo: async (_profile, r) => {
      undos.push(r);
      return r.actions.map((a) => ({ key: a.key, outcome: 'done', actionId: '20261201-bbbbbb' }));
    },
  };
  return { deps: d, calls, undos };
}
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const get = (t: string, path = '/decide'): DecideRequest => ({ method: 'GET', path, query: { t }, body: '', headers: {} });
const post = (t: string, headers: Record<string, string> = {}, fields: Record<string, string> = {}): DecideRequest => ({
  method: 'POST',
  path: '/decide',
  query: {},
  body: new URLSearchParams({ t, ...fields }).toString(),
  headers: { ...FORM, ...headers },
});
/** The POST of the page's form with the box ticked, as a browser sends it. */
const confirmed = (t: string, count = 1): DecideRequest => post(t, { origin: ORIGIN, 'sec-fetch-site': 'same-origin' }, { confirm: String(count) });
const formToken = (html: string): string => /name="t" value="([^"]+)"/.exec(html)?.[1] ?? '';

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
    expect(res.headers['referrer-policy']).toBe('same-origin');
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
    const res = await handleDecision(confirmed(token('unfollow')), f.deps);
    expect(res.status).toBe(200);
    expect(f.actions).toEqual([expect.objectContaining({ key: 'demo:42', action: 'unfollow', status: 'pending' })]);
    expect(res.body).toContain('&quot;act&quot;: { &quot;enabled&quot;: true }');
  });

  it('a cross-site POST, a token for a profile not served here, and other methods change nothing', async () => {
    const f = fakes();
    expect((await handleDecision(post(token(), { 'sec-fetch-site': 'cross-site' }), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: 'https://evil.example', host: '127.0.0.1:8787' }), f.deps)).status).toBe(403);
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
    const res = await handleDecision(confirmed(t, 4), a.deps);
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
    expect((await handleDecision(confirmed(t, 4), a.deps)).status).toBe(409);
    expect(a.calls).toHaveLength(1);
  });

  it('with acting on, GET never acts, and Keep / Snooze never act', async () => {
    const f = fakes({ 'demo:7': contact('demo:7', { relation: 'follower', previousRecommendation: 'follow_back' }) });
    const a = withAct(f.deps, () => []);
    expect((await handleDecision(get(token('unfollow')), a.deps)).status).toBe(200);
    expect((await handleDecision({ ...get(token('follow_back', 'demo', ['demo:7'])), method: 'HEAD' }, a.deps)).status).toBe(200);
    expect((await handleDecision(post(token('keep')), a.deps)).status).toBe(200);
    expect(a.calls).toEqual([]);
  });

  it('with acting off, the POST records the confirmation and never acts', async () => {
    const f = fakes({ 'demo:7': contact('demo:7', { relation: 'follower', previousRecommendation: 'follow_back' }) });
    const a = withAct(f.deps, () => [], false);
    const res = await handleDecision(confirmed(token('follow_back', 'demo', ['demo:7'])), a.deps);
    expect(res.status).toBe(200);
    expect(a.calls).toEqual([]);
    expect(f.actions).toEqual([expect.objectContaining({ key: 'demo:7', action: 'follow_back', status: 'pending' })]);
    expect(res.body).toContain('&quot;act&quot;: { &quot;enabled&quot;: true }');
  });

  it('when acting fails, the confirmation stays recorded, the link stays used, and the page says the next apply retries', async () => {
    const f = fakes();
    const a = withAct(f.deps, () => {
      throw new Error('network down');
    });
    const t = token('unfollow');
    const res = await handleDecision(confirmed(t), a.deps);
    expect(res.status).toBe(200);
    expect(res.body).toContain('the next followback apply --confirm tries again');
    expect(f.actions).toHaveLength(1);
    expect((await handleDecision(confirmed(t), a.deps)).status).toBe(409);
  });
});

describe('what a valid link may act on (issue 15, point 3)', () => {
  it('a link for a contact the store never held records nothing, keeps the link unused and says why', async () => {
    const f = fakes({ 'demo:999': null });
    const a = withAct(f.deps, () => []);
    for (const action of ['unfollow', 'keep', 'snooze'] as const) {
      const t = token(action, 'demo', ['demo:999']);
      const res = await handleDecision(confirmed(t), a.deps);
      expect(res.status).toBe(422);
      expect(res.body).toContain('not in the store');
    }
    expect(f.actions).toEqual([]);
    expect(f.decisions).toEqual([]);
    expect(f.used.size).toBe(0);
    expect(a.calls).toEqual([]);
  });

  it('unfollow only someone you follow whom the last report suggested removing; follow back only a follower it suggested', async () => {
    const f = fakes({
      'demo:1': contact('demo:1', { relation: 'follower', previousRecommendation: 'follow_back' }),
      'demo:2': contact('demo:2', { relation: 'following', previousRecommendation: 'keep' }),
      'demo:3': contact('demo:3', { relation: 'mutual', previousRecommendation: 'review' }),
      'demo:4': contact('demo:4', { relation: 'mutual', previousRecommendation: 'follow_back' }),
      'demo:5': contact('demo:5', { relation: 'follower', previousRecommendation: 'no_follow_back' }),
      'demo:6': withoutRecommendation(contact('demo:6', { relation: 'following' })),
    });
    const a = withAct(f.deps, (r) => r.keys.map((key) => ({ key, outcome: 'done' as const })));
    const refusedUnfollow = async (key: string, why: string) => {
      const res = await handleDecision(confirmed(token('unfollow', 'demo', [key])), a.deps);
      expect(res.status, key).toBe(422);
      expect(res.body).toContain(why);
    };
    await refusedUnfollow('demo:1', 'you do not follow them');
    await refusedUnfollow('demo:2', 'does not suggest this any more');
    await refusedUnfollow('demo:6', 'does not suggest this any more');
    const followBack = async (key: string) => handleDecision(confirmed(token('follow_back', 'demo', [key])), a.deps);
    expect((await followBack('demo:4')).body).toContain('you already follow them');
    expect((await followBack('demo:5')).status).toBe(422);
    expect((await followBack('demo:6')).body).toContain('they do not follow you');
    expect(a.calls).toEqual([]);
    expect(f.actions).toEqual([]);
    // What the report did suggest goes through.
    expect((await handleDecision(confirmed(token('unfollow', 'demo', ['demo:3'])), a.deps)).status).toBe(200);
    expect((await followBack('demo:1')).status).toBe(200);
    expect(a.calls.map((c) => [c.action, c.keys])).toEqual([
      ['unfollow', ['demo:3']],
      ['follow_back', ['demo:1']],
    ]);
  });

  it('a group link acts on the contacts it may, and lists the others with the reason', async () => {
    const f = fakes({ 'demo:2': contact('demo:2', { relation: 'follower', handle: '@gone', previousRecommendation: 'follow_back' }), 'demo:3': null });
    const a = withAct(f.deps, (r) => r.keys.map((key) => ({ key, outcome: 'done' as const })));
    const t = token('unfollow', 'demo', ['demo:1', 'demo:2', 'demo:3']);
    const page = await handleDecision(get(t), a.deps);
    expect(page.body).toContain('value="1"'); // the box counts only what it may act on
    expect(page.body).toContain('you do not follow them');
    const res = await handleDecision(confirmed(t, 1), a.deps);
    expect(res.status).toBe(200);
    expect(a.calls.map((c) => c.keys)).toEqual([['demo:1']]);
    expect(f.actions.map((x) => x.key)).toEqual(['demo:1']);
    expect(res.body).toContain('Left out (2): @gone: you do not follow them');
    expect(res.body).toContain('demo:3: not in the store');
  });

  it('a group link reads its contacts with one batch read', async () => {
    const f = fakes();
    const keys = Array.from({ length: 50 }, (_, i) => `demo:${i}`);
    expect((await handleDecision(get(token('unfollow', 'demo', keys)), f.deps)).status).toBe(200);
    expect(f.reads).toEqual([keys]);
  });

  it('a stored contact that cannot be read shows as unknown; a store that fails answers a page, not an error', async () => {
    const f = fakes({ 'demo:9': null });
    const res = await handleDecision(get(token('keep', 'demo', ['demo:9'])), f.deps);
    expect(res.status).toBe(200);
    expect(res.body).toContain("demo:9 (non più nell&#39;archivio)");
    f.deps.ledger.findContacts = async () => {
      throw new Error('ProvisionedThroughputExceeded');
    };
    const failed = await handleDecision(get(token()), f.deps);
    expect(failed.status).toBe(503);
    expect(failed.body).toContain('Qualcosa è andato storto');
    expect(failed.body).not.toContain('ProvisionedThroughput');
  });
});

describe('possession of the email is not full authority (issue 15, point 4)', () => {
  it('a link says nothing of whom it is about: profile, contact and action are encrypted', () => {
    const t = token('unfollow', 'demo', ['mastodon:109876543210']);
    const decoded = t.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1')).join(' ');
    for (const secret of ['demo', 'mastodon', '109876543210', 'unfollow']) {
      expect(t).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
  });

  it('Unfollow needs the ticked box with the count shown: a scanner pressing the button changes nothing', async () => {
    const f = fakes();
    const a = withAct(f.deps, (r) => r.keys.map((key) => ({ key, outcome: 'done' as const })));
    const t = token('unfollow', 'demo', ['demo:1', 'demo:2']);
    const page = await handleDecision(get(t), a.deps);
    expect(page.body).toMatch(/<input type="checkbox" name="confirm" value="2" required><span>Yes, unfollow these 2 accounts<\/span>/);
    // The button alone (what a scanner submits), or a box for another count.
    for (const fields of [{}, { confirm: '1' }, { confirm: 'on' }] as Record<string, string>[]) {
      const res = await handleDecision(post(t, { origin: ORIGIN }, fields), a.deps);
      expect(res.status).toBe(400);
      expect(res.body).toContain('tick the box');
    }
    expect(f.actions).toEqual([]);
    expect(a.calls).toEqual([]);
    expect(f.used.size).toBe(0);
    expect((await handleDecision(confirmed(t, 2), a.deps)).status).toBe(200);
    expect(a.calls).toHaveLength(1);
  });

  it('after acting, the page offers an Undo that works once, for a few minutes, through the act engine', async () => {
    const f = fakes();
    let clock = now;
    const a = withAct({ ...f.deps, clock: () => clock }, (r) => r.keys.map((key, i) => ({ key, outcome: 'done' as const, actionId: `20261201-00000${i}` })));
    const res = await handleDecision(confirmed(token('unfollow', 'demo', ['demo:1', 'demo:2']), 2), a.deps);
    expect(res.body).toContain('Undo all 2');
    expect(res.body).toContain('for the next 10 minutes');
    const undoToken = formToken(res.body);
    // The undo link is as opaque as the others, and names the actions only inside.
    expect(verifyToken(undoToken, keyring, now)).toMatchObject({ ok: true, payload: { action: 'undo', actions: ['20261201-000000', '20261201-000001'] } });
    expect(undoToken).not.toContain('20261201');
    clock = new Date(now.getTime() + 60_000);
    const undone = await handleDecision(post(undoToken, { origin: ORIGIN }), a.deps);
    expect(undone.status).toBe(200);
    expect(undone.body).toContain('demo:1</span>: reversed: back as it was before');
    expect(undone.body).not.toContain('followback undo');
    expect(a.undos).toEqual([{ tokenId: expect.any(String), actions: [{ actionId: '20261201-000000', key: 'demo:1' }, { actionId: '20261201-000001', key: 'demo:2' }] }]);
    expect((await handleDecision(post(undoToken, { origin: ORIGIN }), a.deps)).status).toBe(409);
    // Another acted page: its Undo has expired after the window.
    const later = await handleDecision(confirmed(token('unfollow', 'demo', ['demo:3'])), a.deps);
    clock = new Date(clock.getTime() + UNDO_WINDOW_SECONDS * 1000);
    expect((await handleDecision(post(formToken(later.body), { origin: ORIGIN }), a.deps)).status).toBe(410);
    expect(a.undos).toHaveLength(1);
  });

  it('no Undo button where nothing was done, or where the deployment cannot undo', async () => {
    const f = fakes();
    const skipped = withAct(f.deps, (r) => r.keys.map((key) => ({ key, outcome: 'skipped' as const, reason: 'allowlisted' })));
    expect((await handleDecision(confirmed(token('unfollow')), skipped.deps)).body).not.toContain('Undo');
    const done = withAct(fakes().deps, (r) => r.keys.map((key) => ({ key, outcome: 'done' as const, actionId: '20261201-000000' })));
    const { undo: _none, ...noUndo } = done.deps;
    expect((await handleDecision(confirmed(token('unfollow')), noUndo)).body).not.toContain('name="t"');
  });
});

describe("the page's edges (issue 15, point 5)", () => {
  it('Origin is compared with the configured page, never with Host or X-Forwarded-Host', async () => {
    const f = fakes();
    const spoofed = { origin: 'https://evil.example', host: 'evil.example', 'x-forwarded-host': 'evil.example' };
    expect((await handleDecision(post(token(), spoofed), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: 'http://decide.example.org' }), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: ORIGIN, host: 'whatever.example' }), f.deps)).status).toBe(200);
    expect(f.decisions).toHaveLength(1);
  });

  it('a token of the wrong form is refused without reading the keys (each read is a Secrets Manager call in AWS)', async () => {
    const f = fakes();
    let reads = 0;
    const deps = { ...f.deps, keyring: async () => (reads++, keyring) };
    for (const t of ['', 'garbage', 'a.b.c.d', `fb2.k1.${'A'.repeat(9000)}`, 'fb2.k1.AAAA']) expect((await handleDecision(get(t), deps)).status).toBe(400);
    expect(reads).toBe(0);
    expect((await handleDecision(get(token()), deps)).status).toBe(200);
    expect(reads).toBe(1);
  });

  it('Origin: null passes only with Sec-Fetch-Site: same-origin', async () => {
    const f = fakes();
    expect((await handleDecision(post(token(), { origin: 'null' }), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: 'null', 'sec-fetch-site': 'none' }), f.deps)).status).toBe(403);
    expect((await handleDecision(post(token(), { origin: 'null', 'sec-fetch-site': 'same-origin' }), f.deps)).status).toBe(200);
  });

  it('only a urlencoded form is accepted', async () => {
    const f = fakes();
    const t = token();
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', undefined]) {
      const req = post(t);
      const res = await handleDecision({ ...req, headers: type === undefined ? {} : { 'content-type': type } }, f.deps);
      expect(res.status, String(type)).toBe(415);
    }
    expect(f.decisions).toEqual([]);
    expect((await handleDecision({ ...post(t), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } }, f.deps)).status).toBe(200);
  });

  it('the form posts to the configured path; any other path is not the page', async () => {
    const f = fakes();
    const page = await handleDecision(get(token()), f.deps);
    expect(page.body).toContain('<form method="post" action="/decide">');
    for (const path of ['//evil.example', '/decide/', '/other', '//evil.example/decide']) {
      const res = await handleDecision(get(token(), path), f.deps);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('<form');
    }
    // Without a configured page URL, a path that a browser would read as another host never becomes the form's action.
    const bare = parseConfig({ profiles: [{ ...profileBase, report: { recipients: ['a@example.com'], sender: 'b@example.com' } }] }, 'bare');
    const g = fakes();
    const deps = { ...g.deps, profile: (id: string) => bare.profiles.find((p) => p.id === id) };
    expect((await handleDecision(get(token(), '//evil.example'), deps)).status).toBe(404);
    expect((await handleDecision(get(token(), '/decide'), deps)).body).toContain('action="/decide"');
  });

  it('a token in a non-canonical encoding, of an older format, or claiming a lifetime over the maximum is refused', async () => {
    const f = fakes();
    const t = token();
    // The last base64url character carries unused bits: flipping them decodes to the same bytes.
    const last = t.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = [...alphabet].find((c) => c !== last && Buffer.from(t.slice(t.lastIndexOf('.') + 1, -1) + c, 'base64url').equals(Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url')));
    expect(sameBytes).toBeDefined();
    expect(verifyToken(`${t.slice(0, -1)}${sameBytes ?? ''}`, keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(`${t}=`, keyring, now)).toEqual({ ok: false, problem: 'malformed' });
    // A link of the first format (readable JSON and a MAC): refused, with a page that says why.
    const v1 = `${Buffer.from(JSON.stringify({ v: 1, kid: 'k1', profile: 'demo', keys: ['demo:42'], action: 'keep', exp: 1_900_000_000, jti: 'aaaaaaaaaaaaaaaa' })).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    const old = await handleDecision(get(v1), f.deps);
    expect(old.status).toBe(400);
    expect(old.body).toContain('older version of followback');
    // Sealed with the right key, but claiming 30 days, or issued tomorrow.
    expect(verifyToken(sealed({ i: now.getTime() / 1000, e: now.getTime() / 1000 + 30 * 86_400 }), keyring, now)).toMatchObject({ ok: false, problem: 'bad_lifetime' });
    expect(verifyToken(sealed({ i: now.getTime() / 1000 + 86_400, e: now.getTime() / 1000 + 2 * 86_400 }), keyring, now)).toMatchObject({ ok: false, problem: 'bad_lifetime' });
    expect(verifyToken(sealed({ i: now.getTime() / 1000, e: now.getTime() / 1000 + 86_400 }), keyring, now)).toMatchObject({ ok: true });
    expect((await handleDecision(get(sealed({ i: now.getTime() / 1000, e: now.getTime() / 1000 + 30 * 86_400 })), f.deps)).status).toBe(400);
  });
});

/** A token made as signToken makes it (fb2, HKDF-SHA256, AES-256-GCM), with any issue and expiry times. */
function sealed(times: { i: number; e: number }): string {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(keyringJson.keys['k1'] ?? '', 'base64'), Buffer.alloc(0), 'followback decision link v2', 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from('fb2.k1'));
  const body = Buffer.concat([cipher.update(JSON.stringify({ p: 'demo', k: ['demo:42'], a: 'keep', ...times })), cipher.final(), cipher.getAuthTag()]);
  return `fb2.k1.${Buffer.concat([nonce, body]).toString('base64url')}`;
}
