/**
 * The Facebook Page reader's pure parts and its requests, with a fake fetch: Meta's times become
 * instants the domain accepts; `api.baseUrl` replaces the host and keeps the Graph version; a saved
 * position that cannot be read starts over from the backfill instead of failing the run.
 */
import { describe, expect, it } from 'vitest';
import { FacebookPageApiConfig } from '../../../../../shared/config/schema.ts';
import { IsoInstant } from '../../../../../shared/domain/model.ts';
import { FACEBOOK_GRAPH_VERSION, FacebookPageApiReader } from '../../../../../shared/sources/api/facebook/facebook-reader.ts';
import { FbComment, normaliseMetaTime } from '../../../../../shared/sources/api/facebook/facebook-schemas.ts';

describe('normaliseMetaTime', () => {
  it.each([
    ['2017-05-01T13:21:41+0000', '2017-05-01T13:21:41.000Z'],
    ['2017-05-01T13:21:41+0200', '2017-05-01T11:21:41.000Z'],
    ['2017-05-01T13:21:41-05:30', '2017-05-01T18:51:41.000Z'],
    ['2017-05-01T13:21:41Z', '2017-05-01T13:21:41.000Z'],
    ['2017-05-01T13:21:41.5+0000', '2017-05-01T13:21:41.500Z'],
  ])('%s is %s', (meta, iso) => {
    expect(normaliseMetaTime(meta)).toBe(iso);
    expect(IsoInstant.safeParse(normaliseMetaTime(meta)).success).toBe(true);
  });

  it.each(['2017-05-01', '1493644901', 'yesterday', '2017-13-45T99:99:99+0000', ''])('refuses %j', (text) => {
    expect(normaliseMetaTime(text)).toBeUndefined();
  });

  it('a comment with an unreadable time fails naming the field', () => {
    const parsed = FbComment.safeParse({ id: '1', created_time: 'yesterday' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['created_time']);
  });
});

const NOW = new Date('2026-12-01T12:00:00.000Z');
const TOKEN = 'EAAunitTOKENsecret';

/** Answers like Graph for an empty Page; records the URLs asked for. */
function fakeGraph() {
  const urls: URL[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    urls.push(url);
    const body = /\/\d+$/.test(url.pathname) ? { id: '42', name: 'Tiny Page' } : { data: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { urls, fetch };
}

const config = (overrides: Record<string, unknown> = {}): FacebookPageApiConfig => FacebookPageApiConfig.parse({ pageId: '42', accessToken: { env: 'FB_PAGE_TOKEN' }, ...overrides });

describe('FacebookPageApiReader requests', () => {
  it('asks graph.facebook.com with the Graph version, the token as access_token', async () => {
    const graph = fakeGraph();
    const read = await new FacebookPageApiReader({ sourceId: 'facebook', config: config(), fetch: graph.fetch }).read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('complete');
    expect(graph.urls.map((u) => `${u.origin}${u.pathname}`)).toEqual([
      `https://graph.facebook.com/${FACEBOOK_GRAPH_VERSION}/42`,
      `https://graph.facebook.com/${FACEBOOK_GRAPH_VERSION}/42/tagged`,
      `https://graph.facebook.com/${FACEBOOK_GRAPH_VERSION}/42/posts`,
    ]);
    expect(graph.urls.every((u) => u.searchParams.get('access_token') === TOKEN)).toBe(true);
    expect(read.owner).toEqual({ id: '42', handle: 'Tiny Page' });
  });

  it('api.baseUrl replaces the host and keeps the version (a proxy with a path too)', async () => {
    const graph = fakeGraph();
    await new FacebookPageApiReader({ sourceId: 'facebook', config: config({ baseUrl: 'http://127.0.0.1:9/meta/' }), fetch: graph.fetch }).read({ now: NOW, accessToken: TOKEN });
    expect(graph.urls[0]!.toString()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:9/meta/${FACEBOOK_GRAPH_VERSION.replace('.', '\\.')}/42\\?`));
  });

  it('a saved position it cannot read is a problem line and a read from the backfill horizon, not a failure', async () => {
    const graph = fakeGraph();
    const read = await new FacebookPageApiReader({ sourceId: 'facebook', config: config({ backfillDays: 10 }), fetch: graph.fetch }).read({
      now: NOW,
      accessToken: TOKEN,
      cursor: '{"v":99}',
    });
    expect(read.completeness).toBe('complete');
    expect(read.problems).toEqual(['Facebook Page: the saved reading position could not be read; this run reads from the backfill horizon again']);
    expect(read.historySince).toBe('2026-11-21T12:00:00.000Z');
    expect(graph.urls[2]!.searchParams.get('since')).toBe(String(Date.parse('2026-11-21T12:00:00.000Z') / 1000));
  });

  it('an empty Page still leaves a cursor, so the next read starts from where this one looked', async () => {
    const graph = fakeGraph();
    const reader = new FacebookPageApiReader({ sourceId: 'facebook', config: config({ backfillDays: 10, lookbackDays: 3 }), fetch: graph.fetch });
    const first = await reader.read({ now: NOW, accessToken: TOKEN });
    // 40 days later and no post in between: the next read goes back to where the first one looked, not only 3 days.
    const later = new Date(NOW.getTime() + 40 * 86_400_000);
    graph.urls.length = 0;
    const second = await reader.read({ now: later, accessToken: TOKEN, cursor: first.cursor! });
    expect(second.historySince).toBeUndefined();
    expect(graph.urls[2]!.searchParams.get('since')).toBe(String(Date.parse('2026-11-21T12:00:00.000Z') / 1000));
  });
});
