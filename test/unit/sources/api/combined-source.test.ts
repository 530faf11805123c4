/**
 * The export and the API of one network as one source: one contact per person, the engagement the
 * API read attached to the export's contacts, what the source sees as the union of the two, both
 * cursors kept, and a refused token or a failed read seen as what it is (the pull then sees only
 * what the export sees). The export side is the real ExportSource over a real folder; the API
 * side is a scripted reader (the readers have their own tests against local API servers).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourcePull, type Contact, type Interaction } from '../../../../shared/domain/model.ts';
import { ApiAuthError, type ApiRead, type ApiReadContext, type ApiReader, type CurrentToken, type TokenKeeper } from '../../../../shared/sources/api/api-reader.ts';
import { CombinedSource, parseCombinedCursor, resolveNames } from '../../../../shared/sources/api/combined-source.ts';
import { API_OBSERVES } from '../../../../shared/sources/api/observes.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';
import { declaredObservability } from '../../../../shared/sources/observes.ts';
import { NOV, writeFolder, writeZip } from '../../../integration/sources/exports/export-source-fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fb-combined-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
const freshDir = async (): Promise<string> => {
  const dir = join(root, `exports-${++n}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

const comment = (id: string, who: string, at: string, text = 'Love this'): Interaction => ({ id: `ig-comment:${id}`, contactId: who, kind: 'reply', direction: 'inbound', at, text });

class ScriptedReader implements ApiReader {
  readonly calls: ApiReadContext[] = [];
  constructor(private readonly answer: (ctx: ApiReadContext) => ApiRead | Promise<ApiRead>) {}
  async read(ctx: ApiReadContext): Promise<ApiRead> {
    this.calls.push(ctx);
    return this.answer(ctx);
  }
}

const token = (t: Partial<CurrentToken> = {}): TokenKeeper => ({ current: async () => ({ accessToken: 'IGQ-secret-token', ...t }) });

const readOf = (over: Partial<ApiRead> = {}): ApiRead => ({
  interactions: [comment('1', 'ada', '2026-10-20T10:00:00Z'), comment('2', 'stranger.one', '2026-10-21T10:00:00Z')],
  completeness: 'complete',
  cursor: '{"newest":"2026-10-30T00:00:00Z"}',
  problems: [],
  requests: 4,
  observes: API_OBSERVES.instagram,
  historySince: '2025-11-05T08:00:00.000Z',
  ...over,
});

const combined = (dir: string, reader: ApiReader, tokens: TokenKeeper = token()): CombinedSource =>
  new CombinedSource({ network: 'instagram', exports: new ExportSource({ id: 'instagram', network: 'instagram', dir }), reader, tokens });

const pull = async (source: CombinedSource, cursor?: string): Promise<SourcePull> =>
  SourcePull.parse(await source.pull({ now: new Date('2026-11-05T08:00:00Z'), ...(cursor !== undefined ? { cursor } : {}) }));

describe('an export and its API in one source', () => {
  it('keeps one contact per person and attaches the comments to the export contacts', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const reader = new ScriptedReader(() => readOf());
    const p = await pull(combined(dir, reader));
    const ids = p.contacts.map((c: Contact) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('ada');
    expect(p.contactsCompleteness).toBe('complete');
    // The comment by a follower is on that contact; a stranger's comment is kept (it counts if they follow later).
    expect(p.interactions.filter((i) => i.kind === 'reply').map((i) => i.contactId).sort()).toEqual(['ada', 'stranger.one']);
    expect(p.observes).toEqual({ inbound: ['reply', 'mention'], outbound: ['like', 'reply'], inboundHidden: ['like'], followDates: 'both' });
    expect(p.historySince).toBe('2025-11-05T08:00:00.000Z');
    expect(p.api).toMatchObject({ network: 'instagram', ok: true });
    expect(p.requests).toBe(4);
    expect(parseCombinedCursor(p.cursor)).toEqual({ e: '2026-11-02T00:00:00.000Z', a: '{"newest":"2026-10-30T00:00:00Z"}' });
    expect(reader.calls[0]?.accessToken).toBe('IGQ-secret-token');
  });

  it('passes each side its own cursor on the next run, and reads the API when there is no new export', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const reader = new ScriptedReader(() => readOf({ interactions: [comment('3', 'ada', '2026-11-04T10:00:00Z')], cursor: '{"newest":"2026-11-04T00:00:00Z"}' }));
    const p = await pull(combined(dir, reader), JSON.stringify({ v: 1, e: '2026-11-02T00:00:00.000Z', a: '{"newest":"2026-10-30T00:00:00Z"}' }));
    expect(reader.calls[0]?.cursor).toBe('{"newest":"2026-10-30T00:00:00Z"}');
    expect(p.contacts).toEqual([]);
    expect(p.contactsCompleteness).toBe('partial');
    expect(p.problems.some((l) => l.startsWith('no new Instagram export since 2026-11-02'))).toBe(true);
    expect(p.interactions.map((i) => i.id)).toEqual(['ig-comment:3']);
    expect(p.interactionsCompleteness).toBe('complete');
    expect(parseCombinedCursor(p.cursor)).toEqual({ e: '2026-11-02T00:00:00.000Z', a: '{"newest":"2026-11-04T00:00:00Z"}' });
  });

  it('reads a plain cursor (a source that had no API before) as the export cursor', () => {
    expect(parseCombinedCursor('2026-11-02T00:00:00.000Z')).toEqual({ e: '2026-11-02T00:00:00.000Z' });
    expect(parseCombinedCursor('{not json')).toEqual({});
  });

  it('a refused token: reported, nothing judged on the API, its cursor kept, the export still read', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const reader = new ScriptedReader(() => {
      throw new ApiAuthError('instagram', 'expired', 'Instagram refused the access token (it has expired; GET /me: HTTP 400)');
    });
    const p = await pull(combined(dir, reader), JSON.stringify({ v: 1, a: 'A1' }));
    expect(p.contactsCompleteness).toBe('complete');
    expect(p.api).toMatchObject({ network: 'instagram', ok: false, token: { problem: 'expired' } });
    // What the export alone sees: no inbound kind, so nobody is judged silent on comments that were not read.
    expect(p.observes?.inbound).toEqual([]);
    expect(p.problems.join('\n')).toContain('the Instagram API was not read');
    expect(p.problems.join('\n')).not.toContain('IGQ-secret-token');
    expect(parseCombinedCursor(p.cursor).a).toBe('A1');
  });

  it('does not read with a token the keeper knows is expired', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const reader = new ScriptedReader(() => readOf());
    const p = await pull(combined(dir, reader, token({ problem: 'expired', expiresAt: '2026-11-01T00:00:00.000Z' })));
    expect(reader.calls).toHaveLength(0);
    expect(p.api).toMatchObject({ ok: false, token: { problem: 'expired', expiresAt: '2026-11-01T00:00:00.000Z' } });
  });

  it('a failed refresh still reads with the old token, and says so', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const reader = new ScriptedReader(() => readOf());
    const p = await pull(combined(dir, reader, token({ problem: 'refresh_failed', detail: 'the refresh failed (network error)' })));
    expect(reader.calls).toHaveLength(1);
    expect(p.api).toMatchObject({ ok: true, token: { problem: 'refresh_failed' } });
    expect(p.problems).toContain('Instagram token: the refresh failed (network error)');
  });

  it('a transient API failure: the run goes on with the export, the API is not judged this run', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const reader = new ScriptedReader(() => {
      throw new Error('GET /me/media: HTTP 503 (gave up after 6 attempts)');
    });
    const p = await pull(combined(dir, reader));
    expect(p.api?.ok).toBe(false);
    expect(p.observes?.inbound).toEqual([]);
    expect(p.problems.join('\n')).toContain('its engagement is not judged this run');
  });

  it('a failed read that returns its cursor (X: the spend so far) keeps that cursor and is not ok', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const p = await pull(combined(dir, new ScriptedReader(() => readOf({ completeness: 'failed', interactions: [], cursor: '{"month":"2026-11","spent":420}', problems: ['out of credits'] }))));
    expect(p.api?.ok).toBe(false);
    expect(p.observes?.inbound).toEqual([]);
    expect(p.problems).toContain('out of credits');
    expect(parseCombinedCursor(p.cursor).a).toBe('{"month":"2026-11","spent":420}');
  });

  it('a partial API read makes the interactions partial (no silence concluded from it)', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'nov.zip'), NOV);
    const p = await pull(combined(dir, new ScriptedReader(() => readOf({ completeness: 'partial' }))));
    expect(p.interactionsCompleteness).toBe('partial');
  });

  it('a broken export does not stop the API read: a problem line, the last known list stands', async () => {
    const dir = await freshDir();
    await writeFolder(join(dir, 'instagram-me.brand-2026-11-02-Ab3dE'), { 'connections/followers_and_following/followers_1.json': '{ broken' });
    const p = await pull(combined(dir, new ScriptedReader(() => readOf())));
    expect(p.contactsCompleteness).toBe('partial');
    expect(p.problems.join('\n')).toContain('the Instagram export could not be read');
    expect(p.interactions).toHaveLength(2);
  });
});

describe('what a source with an API block declares it sees', () => {
  it('the union of export and API; kinds the API sees only in part stay hidden', () => {
    expect(declaredObservability({ type: 'instagram' })).toMatchObject({ inbound: [] });
    expect(declaredObservability({ type: 'instagram', api: {} })).toEqual({ inbound: ['reply', 'mention'], outbound: ['like', 'reply'], inboundHidden: ['like'], followDates: 'both' });
    expect(declaredObservability({ type: 'x', api: {} }).inboundHidden).toEqual(['like', 'repost']);
    expect(declaredObservability({ type: 'facebook', api: {} }).inboundHidden).toEqual(['repost', 'quote']);
  });
});

describe('Facebook names', () => {
  const contact = (id: string, displayName: string): Contact => ({ id, handle: displayName, displayName, bio: '', relation: 'mutual', state: 'active' });
  it('match the one contact that bears the name; homonyms and strangers are kept under the name and counted', () => {
    const contacts = [contact('name:Ada Rossi@2019-01-01', 'Ada Rossi'), contact('name:Gio Esposito@2014-06-02', 'Gio Esposito'), contact('name:Gio Esposito@2019-10-21', 'Gio Esposito')];
    const i = (id: string, name: string): Interaction => ({ id, contactId: `fbname:${name}`, kind: 'reply', direction: 'inbound', at: '2026-11-01T00:00:00Z' });
    const out = resolveNames([i('a', 'Ada Rossi'), i('b', 'Gio Esposito'), i('c', 'Nobody Known')], contacts);
    expect(out.interactions.map((x) => x.contactId)).toEqual(['name:Ada Rossi@2019-01-01', 'fbname:Gio Esposito', 'fbname:Nobody Known']);
    expect(out.unresolved).toBe(2);
  });
});
