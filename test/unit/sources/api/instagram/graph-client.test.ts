import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiAuthError } from '../../../../../shared/sources/api/api-reader.ts';
import { GraphClient, metaFetch, tokenProblemOf, usageOf } from '../../../../../shared/sources/api/meta/graph-client.ts';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');

function answer(status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch {
  return async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

describe('usageOf', () => {
  it('takes the highest percentage of X-App-Usage and of every BUC entry, and the longest regain time', () => {
    const headers = new Headers({
      'x-app-usage': JSON.stringify({ call_count: 12, total_cputime: 40, total_time: 33 }),
      'x-business-use-case-usage': JSON.stringify({
        '17841400000000001': [
          { type: 'instagram', call_count: 71, total_cputime: 5, total_time: 9, estimated_time_to_regain_access: 0 },
          { type: 'instagram', call_count: 3, total_cputime: 2, total_time: 2, estimated_time_to_regain_access: 7 },
        ],
      }),
    });
    expect(usageOf(headers)).toEqual({ percent: 71, regainMinutes: 7 });
  });

  it('is undefined without usage headers or with unreadable ones', () => {
    expect(usageOf(new Headers())).toBeUndefined();
    expect(usageOf(new Headers({ 'x-app-usage': 'not json' }))).toBeUndefined();
    expect(usageOf(new Headers({ 'x-business-use-case-usage': '{"1":"nope"}' }))).toBeUndefined();
  });
});

describe('tokenProblemOf', () => {
  it('tells an expired token (190/463) from an invalid one and from a missing permission', () => {
    expect(tokenProblemOf(190, 463)).toBe('expired');
    expect(tokenProblemOf(190, 460)).toBe('invalid');
    expect(tokenProblemOf(190, undefined)).toBe('invalid');
    expect(tokenProblemOf(10, undefined)).toBe('missing_permission');
    expect(tokenProblemOf(200, undefined)).toBe('missing_permission');
    expect(tokenProblemOf(299, undefined)).toBe('missing_permission');
    expect(tokenProblemOf(4, undefined)).toBeUndefined();
    expect(tokenProblemOf(100, 33)).toBeUndefined();
  });
});

describe('metaFetch', () => {
  it('turns a rate-limit error into a 429 with Retry-After: BUC minutes when given, ten minutes when not', async () => {
    const body = { error: { message: '(#17) User request limit reached', type: 'OAuthException', code: 17, is_transient: true } };
    const buc = JSON.stringify({ '1': [{ type: 'instagram', call_count: 100, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: 3 }] });
    const withBuc = await metaFetch(answer(400, body, { 'x-business-use-case-usage': buc }), () => NOW)('http://127.0.0.1/x');
    expect(withBuc.status).toBe(429);
    expect(withBuc.headers.get('retry-after')).toBe('180');
    const bare = await metaFetch(answer(400, { error: { message: 'limit', code: 4 } }), () => NOW)('http://127.0.0.1/x');
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBe('600');
    expect(await bare.json()).toMatchObject({ error: 'meta_4_' });
  });

  it('marks usage at 95% or more on a good answer as a used-up window until a minute from now (its own clock)', async () => {
    const res = await metaFetch(answer(200, { data: [] }, { 'x-app-usage': JSON.stringify({ call_count: 96 }) }), () => NOW)('http://127.0.0.1/x');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toBe(new Date(NOW + 60_000).toISOString());
    expect(await res.json()).toEqual({ data: [] });
    const calm = await metaFetch(answer(200, { data: [] }, { 'x-app-usage': JSON.stringify({ call_count: 50 }) }), () => NOW)('http://127.0.0.1/x');
    expect(calm.headers.get('x-ratelimit-remaining')).toBeNull();
  });

  it('keeps a token error as a 4xx named meta_<code>_<subcode>, and makes a transient one a 503', async () => {
    const expired = await metaFetch(answer(400, { error: { message: 'Session has expired', code: 190, error_subcode: 463 } }), () => NOW)('http://127.0.0.1/x');
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: 'meta_190_463', message: 'Session has expired' });
    const transient = await metaFetch(answer(500, { error: { message: 'try later', code: 2, is_transient: true } }), () => NOW)('http://127.0.0.1/x');
    expect(transient.status).toBe(503);
    const html = await metaFetch(async () => new Response('<html>bad gateway</html>', { status: 502 }), () => NOW)('http://127.0.0.1/x');
    expect(html.status).toBe(502);
    expect(await html.text()).toBe('<html>bad gateway</html>');
  });
});

describe('GraphClient', () => {
  const Item = z.object({ id: z.string() });

  it('maps 190/463 to ApiAuthError("expired") without the token in its message', async () => {
    const client = new GraphClient({
      baseUrl: 'http://127.0.0.1/v25.0',
      sourceId: 'instagram',
      networkName: 'Instagram',
      accessToken: 'SECRET-TOKEN-123',
      fetch: answer(400, { error: { message: 'Error validating access token: Session has expired', code: 190, error_subcode: 463 } }),
    });
    const err = await client.get('/me', Item).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAuthError);
    expect((err as ApiAuthError).problem).toBe('expired');
    expect((err as Error).message).toMatch(/Instagram refused the access token \(it has expired/);
    expect((err as Error).message).not.toContain('SECRET-TOKEN-123');
  });

  it('gives the next cursor only while Meta sends `next` (the last page still carries cursors)', async () => {
    const pages = [
      { data: [{ id: '1' }], paging: { cursors: { before: 'a', after: 'b' }, next: 'http://127.0.0.1/v25.0/x?after=b' } },
      { data: [{ id: '2' }], paging: { cursors: { before: 'b', after: 'c' } } },
    ];
    const seen: string[] = [];
    let call = 0;
    const client = new GraphClient({
      baseUrl: 'http://127.0.0.1/v25.0',
      sourceId: 'instagram',
      networkName: 'Instagram',
      accessToken: 'tok',
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(JSON.stringify(pages[call++]), { status: 200 });
      },
    });
    const first = await client.page('/x', Item, { fields: 'id' }, undefined);
    expect(first.after).toBe('b');
    const second = await client.page('/x', Item, { fields: 'id' }, first.after);
    expect(second.after).toBeUndefined();
    expect(seen[1]).toContain('after=b');
    expect(seen[0]).toContain('access_token=tok');
  });

  it('waits a usage pause on the injected clock, not the wall clock', async () => {
    const waits: number[] = [];
    let clock = NOW;
    let call = 0;
    const client = new GraphClient({
      baseUrl: 'http://127.0.0.1/v25.0',
      sourceId: 'instagram',
      networkName: 'Instagram',
      accessToken: 'tok',
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      maxRateLimitWaitMs: 60_000,
      fetch: async () => new Response(JSON.stringify({ id: String(call++) }), { status: 200, headers: call === 1 ? { 'x-app-usage': JSON.stringify({ call_count: 99 }) } : {} }),
    });
    await client.get('/a', Item);
    await client.get('/b', Item);
    expect(waits).toEqual([60_000]);
  });
});
