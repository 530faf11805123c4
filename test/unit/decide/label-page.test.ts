/**
 * The decision page's label links, with the store faked: GET and HEAD store
 * nothing and show the reply escaped; the POST stores the label under the
 * reply's interaction; a store that fails gives the link back; a page without
 * a label store, another site's POST and a reply not theirs change nothing.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load-config.ts';
import { handleDecision, type DecideDeps, type DecideRequest } from '../../../shared/decide/handler.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { signToken } from '../../../shared/decide/token.ts';
import type { DecisionLedger } from '../../../shared/ports/store.ts';
import type { ReplyLabelStore, StoredReply, ToneLabel } from '../../../shared/ports/tone-labels.ts';
import { parseHtml, textOf } from '../../helpers/parse-html.ts';

const now = new Date('2026-12-01T08:00:00Z');
const keyring = keyringOf(newKeyringJson('k1'));
const PAGE = 'https://decide.example.org/decide';
const HOSTILE = '</blockquote><script>alert(1)</script> "questo post spacca" & <b>mi hai steso</b> 😂';
const REPLY = { interactionId: 'st-9', at: '2026-11-30T10:00:00.000Z' };

function setup(locale: 'en' | 'it' = 'en', stored: Partial<StoredReply> | null = {}) {
  const config = parseConfig({ profiles: [{ id: 'demo', sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com', locale, decisionsUrl: PAGE } }] }, 'test config');
  const labels: ToneLabel[] = [];
  const used = new Set<string>();
  let failPut = false;
  const store: ReplyLabelStore = {
    findReply: async (_p, r) => (stored === null || r.contactId !== '42' ? null : { sourceId: r.sourceId, contactId: r.contactId, interactionId: r.interactionId, at: r.at, text: HOSTILE, ...stored }),
    getLabel: async (_p, ref) => labels.find((l) => l.ref === ref) ?? null,
    putLabel: async (_p, l) => {
      if (failPut) throw new Error('throttled');
      labels.splice(0, labels.length, ...labels.filter((x) => x.ref !== l.ref), l);
    },
  };
  const ledger: DecisionLedger = {
    consumeToken: async (_p, id) => (used.has(id) ? false : (used.add(id), true)),
    releaseToken: async (_p, id) => void used.delete(id),
    isTokenUsed: async (_p, id) => used.has(id),
    putConfirmedAction: async () => {},
    listConfirmedActions: async () => [],
    findContact: async () => null,
    findContacts: async (_p, keys) => new Map(keys.map((k) => [k, null])),
  };
  const deps: DecideDeps = { keyring: async () => keyring, profile: (id) => config.profiles.find((p) => p.id === id), decisions: { putDecision: async () => {}, deleteDecision: async () => false }, ledger, labels: store, clock: () => now };
  return { deps, labels, used, failPuts: () => void (failPut = true) };
}

const token = (action: 'label_not_criticism' | 'label_criticism' = 'label_not_criticism', key = 'demo:42') => signToken({ profile: 'demo', keys: [key], action, reply: REPLY, now }, keyring).token;
const get = (t: string, method = 'GET'): DecideRequest => ({ method, path: '/decide', query: { t }, body: '', headers: {} });
const post = (t: string, headers: Record<string, string> = {}): DecideRequest => ({ method: 'POST', path: '/decide', query: {}, body: `t=${encodeURIComponent(t)}`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

describe('label links on the decision page', () => {
  it('GET and HEAD store nothing; GET shows the reply as text (escaped) and one button', async () => {
    const { deps, labels, used } = setup();
    const t = token();
    const page = await handleDecision(get(t), deps);
    expect(page.status).toBe(200);
    const html = parseHtml(page.body);
    expect(html.elements.filter((e) => e.tagName === 'script')).toEqual([]);
    const quote = html.elements.find((e) => e.tagName === 'blockquote');
    expect(quote && textOf(quote)).toBe(HOSTILE);
    expect(html.elements.filter((e) => e.tagName === 'button').map(textOf)).toEqual(['This is not criticism']);
    expect(page.body).toContain('followback label --remove i:demo:st-9');
    expect((await handleDecision(get(t, 'HEAD'), deps)).body).toBe('');
    expect(labels).toEqual([]);
    expect(used.size).toBe(0);
  });

  it('POST stores the label under the reply, with its text, author and "page"; it answers in the profile\'s language', async () => {
    const { deps, labels } = setup('it');
    const done = await handleDecision(post(token('label_criticism')), deps);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Salvato: è una critica');
    expect(labels).toEqual([{ ref: 'i:demo:st-9', sourceId: 'demo', interactionId: 'st-9', contactId: '42', textHash: expect.stringMatching(/^[0-9a-f]{16}$/), text: HOSTILE, label: 'criticism', at: now.toISOString(), by: 'page' }]);
  });

  it('a GET after the label is stored says so; pressing again is "saved", not an error', async () => {
    const { deps } = setup();
    const t = token();
    await handleDecision(post(t), deps);
    const again = await handleDecision(post(t), deps);
    expect(again.status).toBe(200);
    expect(again.body).toContain('Saved: not criticism');
    const other = await handleDecision(get(token()), deps);
    expect(other.body).toContain('You already said this is not criticism');
  });

  it('a store that fails gives the link back (503, try again); a page without a label store changes nothing', async () => {
    const s = setup();
    s.failPuts();
    const t = token();
    const failed = await handleDecision(post(t), s.deps);
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('60');
    expect(s.used.size).toBe(0);
    const { labels: _none, ...withoutLabels } = setup().deps;
    const unavailable = await handleDecision(post(token()), withoutLabels);
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toContain('cannot store labels');
  });

  it('another site\'s POST, and a link to a reply not stored or not theirs, store nothing', async () => {
    const { deps, labels } = setup();
    expect((await handleDecision(post(token(), { origin: 'https://evil.example' }), deps)).status).toBe(403);
    expect((await handleDecision(post(token('label_not_criticism', 'demo:7')), deps)).status).toBe(410);
    const gone = setup('en', null);
    const page = await handleDecision(get(token()), gone.deps);
    expect(page.status).toBe(410);
    expect(page.body).not.toContain('<form');
    expect(labels).toEqual([]);
    expect(gone.labels).toEqual([]);
  });
});
