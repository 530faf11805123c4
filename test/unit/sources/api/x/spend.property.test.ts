/**
 * The hard cap, by property: for any caps and prices and any sequence of answers from X (pages of any
 * size up to `max_results`, next tokens or not, 429s short and long, 5xx, 401/403, broken
 * connections after X billed, unreadable 2xx), over several runs threaded through the cursor:
 *  - what X bills a run (per resource returned, at the configured prices) never exceeds maxSpendUsd;
 *  - what X bills a UTC month never exceeds maxSpendUsdPerMonth;
 *  - the reader never reports less than X billed, nor more than its caps.
 * The fake X runs in process (no network): it answers whatever the generated script says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XApiConfig } from '../../../../../shared/config/schema.ts';
import { XApiReader } from '../../../../../shared/sources/api/x/x-reader.ts';

type Answer =
  | { kind: 'ok'; size: number; next: boolean }
  | { kind: '429'; resetIn: number }
  | { kind: '5xx' }
  | { kind: '401' | '403' }
  | { kind: 'broken'; billed: number }
  | { kind: 'unreadable'; billed: number }
  | { kind: 'malformed' };

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('ok' as const), size: fc.nat(1200), next: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('429' as const), resetIn: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('5xx' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('401' as const, '403' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('broken' as const), billed: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unreadable' as const), billed: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('malformed' as const) }) },
);

const usd = (max: number) => fc.oneof(fc.integer({ min: 0, max: max * 1000 }).map((n) => n / 1000), fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }));

const scenario = fc
  .record({
    maxSpendUsd: usd(2),
    extraMonth: usd(3),
    ownedRead: usd(0.02),
    user: usd(0.05),
    recentPosts: fc.integer({ min: 1, max: 30 }),
    listsEveryDays: fc.integer({ min: 1, max: 3 }),
    maxPages: fc.integer({ min: 1, max: 60 }),
    runs: fc.array(fc.record({ afterDays: fc.integer({ min: 0, max: 20 }), answers: fc.array(answer, { maxLength: 80 }) }), { minLength: 1, maxLength: 4 }),
  })
  .map((s) => ({ ...s, maxSpendUsdPerMonth: Math.min(100000, s.maxSpendUsd + s.extraMonth) }));

const ROUTE_PRICE: Record<string, 'user' | 'ownedRead'> = { me: 'user', liking_users: 'user', retweeted_by: 'user', mentions: 'ownedRead', tweets: 'ownedRead', followers: 'ownedRead', following: 'ownedRead' };

function routeOf(path: string): string {
  if (path === '/2/users/me') return 'me';
  return path.split('/').at(-1) ?? 'unknown';
}

/** A fake X: answers the script in order (then full last pages), and keeps what it billed. */
function fakeX(answers: Answer[], prices: { ownedRead: number; user: number }, now: () => number) {
  let i = 0;
  let nextId = 1_000_000;
  const billed = { usd: 0 };
  const bill = (route: string, n: number) => {
    billed.usd += n * prices[ROUTE_PRICE[route] ?? 'user'];
  };
  const item = (route: string): Record<string, unknown> => {
    nextId++;
    if (route === 'mentions' || route === 'tweets') {
      return {
        id: String(nextId),
        text: 'hi',
        author_id: String(nextId + 7),
        created_at: new Date(now() - (nextId % 1000) * 60_000).toISOString(),
        public_metrics: { like_count: nextId % 150, retweet_count: (nextId * 7) % 130 },
      };
    }
    return { id: String(nextId), username: `u${nextId}`, name: 'U' };
  };
  const fetchFn: typeof fetch = async (input) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const route = routeOf(url.pathname);
    const max = route === 'me' ? 1 : Number(url.searchParams.get('max_results') ?? '10');
    const a: Answer = answers[i++] ?? { kind: 'ok', size: max, next: false };
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
    switch (a.kind) {
      case 'ok': {
        const n = Math.min(a.size, max);
        bill(route, n);
        if (route === 'me') return json(200, { data: { id: '1000', username: 'ada', name: 'Ada', created_at: '2015-01-01T00:00:00.000Z', public_metrics: { followers_count: a.size % 700, following_count: (a.size * 3) % 500 } } });
        const data = Array.from({ length: n }, () => item(route));
        return json(200, { ...(n > 0 ? { data } : {}), meta: { result_count: n, ...(a.next ? { next_token: `tok${String(nextId).padStart(16, '0')}` } : {}) } });
      }
      case '429':
        return json(429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(now() / 1000) + a.resetIn) });
      case '5xx':
        return json(503, { title: 'Service Unavailable', type: 'about:blank', status: 503 });
      case '401':
        return json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      case '403':
        return json(403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
      case 'broken':
        // X answered (and billed) but the connection broke before the answer arrived.
        bill(route, Math.min(a.billed, max));
        throw new TypeError('fetch failed');
      case 'unreadable':
        bill(route, Math.min(a.billed, max));
        return new Response('{"data":[{"id":"1', { status: 200, headers: { 'content-type': 'application/json' } });
      case 'malformed':
        bill(route, Math.min(1, max));
        return json(200, { data: route === 'me' ? { id: 5 } : [{ id: 5 }] });
    }
  };
  return { fetchFn, billed };
}

describe('X spend cap (property)', () => {
  it('no sequence of answers makes a run spend more than maxSpendUsd, or a month more than maxSpendUsdPerMonth', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const config = XApiConfig.parse({
          accessToken: { env: 'X_TOKEN' },
          baseUrl: 'http://127.0.0.1:9',
          maxSpendUsd: s.maxSpendUsd,
          maxSpendUsdPerMonth: s.maxSpendUsdPerMonth,
          prices: { ownedRead: s.ownedRead, post: 0.005, user: s.user },
          recentPosts: s.recentPosts,
          listsEveryDays: s.listsEveryDays,
          maxPages: s.maxPages,
        });
        let t = Date.parse('2026-12-20T08:00:00Z');
        let cursor: string | undefined;
        const monthBill = new Map<string, number>();
        for (const run of s.runs) {
          t += run.afterDays * 86_400_000;
          const now = new Date(t);
          const x = fakeX(run.answers, { ownedRead: s.ownedRead, user: s.user }, () => t);
          const reader = new XApiReader({
            sourceId: 'x',
            config,
            fetch: x.fetchFn,
            now: () => t,
            sleep: async (ms) => {
              t += ms;
            },
          });
          let spent: number | undefined;
          let monthSpent: number | undefined;
          try {
            const read = await reader.read({ now, accessToken: 'tok', ...(cursor !== undefined ? { cursor } : {}) });
            cursor = read.cursor;
            spent = read.note?.spentUsd;
            monthSpent = read.note?.monthSpentUsd;
          } catch {
            // A run that throws read nothing X billed (its cursor is not kept).
            expect(x.billed.usd).toBe(0);
          }
          const month = now.toISOString().slice(0, 7);
          monthBill.set(month, (monthBill.get(month) ?? 0) + x.billed.usd);
          expect(x.billed.usd).toBeLessThanOrEqual(s.maxSpendUsd + 1e-9);
          expect(monthBill.get(month) ?? 0).toBeLessThanOrEqual(s.maxSpendUsdPerMonth + 1e-9);
          if (spent !== undefined) {
            expect(spent).toBeLessThanOrEqual(s.maxSpendUsd);
            expect(spent).toBeGreaterThanOrEqual(x.billed.usd - 1e-9);
            expect(monthSpent ?? Infinity).toBeLessThanOrEqual(s.maxSpendUsdPerMonth);
          }
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
