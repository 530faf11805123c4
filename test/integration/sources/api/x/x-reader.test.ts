import { afterEach, describe, expect, it } from 'vitest';
import { Interaction } from '../../../../../shared/domain/model.ts';
import { ApiAuthError, type ApiRead } from '../../../../../shared/sources/api/api-reader.ts';
import { XApiReader } from '../../../../../shared/sources/api/x/x-reader.ts';
import { startXServer, type XServer } from '../../../../helpers/x-api-server.ts';
import { billedUsd, config, mention, OWNER_ID, post, TOKEN, user, world } from './x-world.ts';

const NOW = new Date('2026-12-01T08:00:00Z');
const DAY = 86_400_000;

let server: XServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fake clock the reader's HTTP client and the server share; sleeping moves it. */
function clock(start = NOW.getTime()) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    set: (ms: number) => {
      t = ms;
    },
  };
}

async function setup(opts: { scopes?: string[]; rateLimits?: Record<string, number> } = {}) {
  const c = clock();
  server = await startXServer({ token: TOKEN, world: world(), now: c.now, ...(opts.scopes ? { scopes: opts.scopes } : {}), ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}) });
  return { server, c };
}

function reader(s: XServer, c: ReturnType<typeof clock>, extra: Record<string, unknown> = {}) {
  return new XApiReader({ sourceId: 'x', config: config({ baseUrl: s.url, ...extra }), sleep: c.sleep, now: c.now });
}

const byKind = (read: ApiRead, kind: string) =>
  read.interactions
    .filter((i) => i.kind === kind)
    .map((i) => i.contactId)
    .sort();

describe('XApiReader against a local X API v2', () => {
  it('first read: mentions (reply, mention, quote), who liked and reposted the newest posts, and both lists, keyed as the X archive keys people', async () => {
    const { server: s, c } = await setup();
    const read = await reader(s, c).read({ now: NOW, accessToken: TOKEN });

    expect(read.owner).toEqual({ id: OWNER_ID, handle: '@Ada' });
    expect(byKind(read, 'reply')).toEqual(['x:2001']);
    expect(byKind(read, 'mention')).toEqual(['x:2005']);
    expect(byKind(read, 'quote')).toEqual(['x:2003']);
    expect(byKind(read, 'like')).toEqual(['x:2001', 'x:2002', 'x:2004']);
    expect(byKind(read, 'repost')).toEqual(['x:2003']);
    // Ada's own post in her mentions is not an interaction.
    expect(read.interactions.some((i) => i.contactId === `x:${OWNER_ID}`)).toBe(false);
    for (const i of read.interactions) expect(Interaction.safeParse(i).success).toBe(true);

    const reply = read.interactions.find((i) => i.kind === 'reply');
    expect(reply).toMatchObject({ id: 'x-reply:5001', direction: 'inbound', at: '2026-11-20T10:00:00.000Z', text: '@Ada lovely post!', lang: 'en', postUrl: 'https://x.com/i/web/status/5001' });
    const like = read.interactions.find((i) => i.kind === 'like' && i.contactId === 'x:2004');
    expect(like).toMatchObject({ id: 'x-like:9002:2004', at: '2026-11-25T09:00:00.000Z', postUrl: 'https://x.com/Ada/status/9002' });

    expect(read.contacts?.completeness).toBe('complete');
    const contacts = new Map(read.contacts?.list.map((ct) => [ct.id, ct]));
    expect([...contacts.keys()].sort()).toEqual(['x:2001', 'x:2002', 'x:2003', 'x:2004']);
    expect(contacts.get('x:2002')?.relation).toBe('mutual');
    expect(contacts.get('x:2001')?.relation).toBe('follower');
    expect(contacts.get('x:2004')?.relation).toBe('following');
    expect(contacts.get('x:2001')).toMatchObject({ handle: '@user1', displayName: 'User 1', bio: 'bio of user 1', profileUrl: 'https://x.com/user1', followersCount: 10, followingCount: 1, postsCount: 101 });

    expect(read.completeness).toBe('complete');
    expect(read.historySince).toBe(new Date(NOW.getTime() - 365 * DAY).toISOString());
    expect([...read.observes.inbound].sort()).toEqual(['like', 'mention', 'quote', 'reply', 'repost']);
    expect([...(read.observes.inboundHidden ?? [])].sort()).toEqual(['like', 'repost']);

    // The bearer token on every request; never in a URL.
    expect(s.log.every((e) => e.authorization === `Bearer ${TOKEN}` && !e.url.includes(TOKEN))).toBe(true);
    const mentionsUrl = s.log.find((e) => e.route === 'mentions')?.url ?? '';
    expect(mentionsUrl).toContain('tweet.fields=created_at%2Cauthor_id%2Creferenced_tweets%2Cin_reply_to_user_id%2Clang');
    expect(mentionsUrl).toContain('start_time=');
    expect(s.log.find((e) => e.route === 'tweets')?.url).toContain('exclude=retweets%2Creplies');
    // Posts without likes or reposts cost nothing more: no liking_users for 9000, no retweeted_by for 9001.
    expect(s.log.filter((e) => e.route === 'liking_users').map((e) => e.url.split('?')[0])).toEqual(['/2/tweets/9002/liking_users', '/2/tweets/9001/liking_users']);
    expect(s.log.filter((e) => e.route === 'retweeted_by').map((e) => e.url.split('?')[0])).toEqual(['/2/tweets/9002/retweeted_by']);
    // Only as many likers as the post has are asked for (and priced).
    expect(s.log.find((e) => e.url.startsWith('/2/tweets/9002/liking_users'))?.maxResults).toBe(2);

    // What the reader says it spent is what X bills for the answers: me $0.01, 3 mentions... at $0.001, 4 users at $0.01.
    expect(read.note?.spentUsd).toBeCloseTo(billedUsd(s.log), 9);
    expect(read.note?.spentUsd).toBeCloseTo(0.01 + 0.004 + 0.003 + 0.04 + 0.005, 9);
    expect(read.note).toMatchObject({ maxSpendUsd: 1, maxSpendUsdPerMonth: 10, skipped: [] });
    expect(read.note?.monthSpentUsd).toBeCloseTo(read.note?.spentUsd ?? -1, 9);
    expect(Buffer.byteLength(read.cursor ?? '')).toBeLessThanOrEqual(3000);
  });

  it('repeat read: only new mentions (since_id), posts whose counts moved, and the lists not before listsEveryDays', async () => {
    const { server: s, c } = await setup();
    const first = await reader(s, c).read({ now: NOW, accessToken: TOKEN });
    s.reset();
    s.world.mentions.push(mention('5010', 2, '2026-12-01T09:00:00.000Z'));
    s.world.posts[0] = post('9002', '2026-11-25T09:00:00.000Z', 3, 1);
    s.world.likers['9002'] = [user(6), user(1), user(4)];
    const later = new Date(NOW.getTime() + 2 * DAY);
    c.set(later.getTime());
    const second = await reader(s, c).read({ now: later, accessToken: TOKEN, ...(first.cursor ? { cursor: first.cursor } : {}) });

    expect(s.log.find((e) => e.route === 'mentions')?.url).toContain('since_id=5004');
    expect(second.interactions.filter((i) => i.kind === 'mention').map((i) => i.id)).toEqual(['x-mention:5010']);
    // 9002's likes moved (2 → 3): read again; 9001 and the reposts did not.
    expect(s.log.filter((e) => e.route === 'liking_users').map((e) => e.url.split('?')[0])).toEqual(['/2/tweets/9002/liking_users']);
    expect(s.count('retweeted_by')).toBe(0);
    expect(byKind(second, 'like')).toEqual(['x:2001', 'x:2004', 'x:2006']);
    expect(s.count('followers') + s.count('following')).toBe(0);
    expect(second.contacts).toBeUndefined();
    expect(second.historySince).toBe(first.historySince);
    expect(second.completeness).toBe('complete');
    expect(second.note?.monthSpentUsd).toBeCloseTo((first.note?.spentUsd ?? 0) + (second.note?.spentUsd ?? 0), 9);

    // A week after the first full read, the lists are due again.
    s.reset();
    const week = new Date(NOW.getTime() + 7 * DAY);
    c.set(week.getTime());
    const third = await reader(s, c).read({ now: week, accessToken: TOKEN, ...(second.cursor ? { cursor: second.cursor } : {}) });
    expect(s.count('followers')).toBe(1);
    expect(s.count('following')).toBe(1);
    expect(third.contacts?.completeness).toBe('complete');
  });

  it('a budget too small for everything: mentions first, then the newest posts, the lists skipped and named; never more than maxSpendUsd', async () => {
    const { server: s, c } = await setup();
    s.world.likers['9002'] = Array.from({ length: 40 }, (_, i) => user(10 + i));
    s.world.posts[0] = post('9002', '2026-11-25T09:00:00.000Z', 40, 1);
    // $0.20: me 0.01 + mentions 0.004 + posts 0.003 leaves 0.183 → 18 of the 40 likers of 9002.
    const read = await reader(s, c, { maxSpendUsd: 0.2 }).read({ now: NOW, accessToken: TOKEN });

    expect(s.log.find((e) => e.url.startsWith('/2/tweets/9002/liking_users'))?.maxResults).toBe(18);
    expect(byKind(read, 'like')).toHaveLength(18);
    expect(read.note?.spentUsd).toBeLessThanOrEqual(0.2);
    expect(read.note?.spentUsd).toBeCloseTo(billedUsd(s.log), 9);
    expect(read.note?.skipped).toEqual([{ what: 'likers', posts: 2 }, { what: 'reposters', posts: 1 }, { what: 'followers' }, { what: 'following' }]);
    expect(s.count('followers')).toBe(0);
    expect(read.completeness).toBe('partial');
    expect(read.contacts).toBeUndefined();
    // The reply, mention and quote were read before anything else.
    expect(read.interactions.filter((i) => i.kind === 'reply' || i.kind === 'mention' || i.kind === 'quote')).toHaveLength(3);

    // Next run (a new budget) reads the likers of 9002 again (its count was not read in full), then the rest.
    s.reset();
    const next = await reader(s, c, { maxSpendUsd: 1 }).read({ now: new Date(NOW.getTime() + DAY), accessToken: TOKEN, ...(read.cursor ? { cursor: read.cursor } : {}) });
    expect(s.log.find((e) => e.url.startsWith('/2/tweets/9002/liking_users'))?.maxResults).toBe(40);
    expect(next.contacts?.completeness).toBe('complete');
    expect(next.note?.skipped).toEqual([]);
  });

  it('the month cap holds across runs through the cursor, and a new UTC month starts afresh', async () => {
    const { server: s, c } = await setup();
    const cfg = { maxSpendUsd: 0.05, maxSpendUsdPerMonth: 0.08 };
    const one = await reader(s, c, cfg).read({ now: NOW, accessToken: TOKEN });
    expect(one.note?.spentUsd).toBeLessThanOrEqual(0.05);
    s.reset();
    const day2 = new Date(NOW.getTime() + DAY);
    const two = await reader(s, c, cfg).read({ now: day2, accessToken: TOKEN, ...(one.cursor ? { cursor: one.cursor } : {}) });
    expect(two.note?.monthSpentUsd).toBeLessThanOrEqual(0.08);
    expect(two.note?.monthSpentUsd).toBeCloseTo((one.note?.spentUsd ?? 0) + (two.note?.spentUsd ?? 0), 9);
    expect(billedUsd(s.log)).toBeCloseTo(two.note?.spentUsd ?? -1, 9);
    s.reset();
    const three = await reader(s, c, cfg).read({ now: new Date(NOW.getTime() + 2 * DAY), accessToken: TOKEN, ...(two.cursor ? { cursor: two.cursor } : {}) });
    // The month is used up (less than one /2/users/me is left): nothing is sent.
    if ((two.note?.monthSpentUsd ?? 0) > 0.07) {
      expect(s.log).toHaveLength(0);
      expect(three.note?.skipped[0]).toMatchObject({ what: 'everything', cap: expect.stringMatching(/^month/) });
      expect(three.completeness).toBe('partial');
    }
    expect(three.note?.monthSpentUsd).toBeLessThanOrEqual(0.08);

    s.reset();
    const january = new Date('2027-01-02T08:00:00Z');
    c.set(january.getTime());
    const four = await reader(s, c, cfg).read({ now: january, accessToken: TOKEN, ...(three.cursor ? { cursor: three.cursor } : {}) });
    expect(s.count('me')).toBe(1);
    expect(four.note?.monthSpentUsd).toBeCloseTo(four.note?.spentUsd ?? -1, 9);
    expect(four.note?.spentUsd).toBeGreaterThan(0);
  });

  it('resumes after a read cut short: the mentions left behind are read next run, without reading the others again', async () => {
    const { server: s, c } = await setup();
    s.world.mentions = Array.from({ length: 150 }, (_, i) => mention(String(6000 + i), 1 + (i % 3), new Date(Date.parse('2026-06-01T00:00:00Z') + i * DAY).toISOString()));
    // A page of 100, then a rate limit that will not reset within the minute a read may wait.
    const cfg = { recentPosts: 5 };
    s.fail('mentions', 'ok', { status: 429, reset: Math.floor(NOW.getTime() / 1000) + 900 });
    const first = await reader(s, c, cfg).read({ now: NOW, accessToken: TOKEN });
    expect(first.completeness).toBe('partial');
    expect(first.problems.join('\n')).toMatch(/could not read your mentions/);
    const firstIds = first.interactions.filter((i) => i.id.startsWith('x-mention:')).map((i) => i.id);
    expect(firstIds).toHaveLength(s.log.find((e) => e.route === 'mentions')?.maxResults ?? -1);

    s.reset();
    const later = new Date(NOW.getTime() + DAY);
    c.set(later.getTime());
    s.world.mentions.push(mention('7000', 2, '2026-12-01T12:00:00.000Z'));
    const second = await reader(s, c, { recentPosts: 5 }).read({ now: later, accessToken: TOKEN, ...(first.cursor ? { cursor: first.cursor } : {}) });
    const urls = s.log.filter((e) => e.route === 'mentions').map((e) => e.url);
    expect(urls[0]).toContain(`until_id=${firstIds.map((id) => id.slice('x-mention:'.length)).sort().at(0) ?? ''}`);
    const secondIds = second.interactions.filter((i) => i.id.startsWith('x-mention:')).map((i) => i.id);
    expect(new Set([...firstIds, ...secondIds]).size).toBe(151);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
    expect(second.completeness).toBe('complete');

    // And the run after reads only what is newer than 7000.
    s.reset();
    const third = await reader(s, c, { recentPosts: 5 }).read({ now: new Date(later.getTime() + DAY), accessToken: TOKEN, ...(second.cursor ? { cursor: second.cursor } : {}) });
    expect(s.log.find((e) => e.route === 'mentions')?.url).toContain('since_id=7000');
    expect(third.interactions.filter((i) => i.id.startsWith('x-mention:'))).toEqual([]);
  });

  it('waits out a short rate limit (x-rate-limit-reset) and goes on', async () => {
    const { server: s, c } = await setup();
    s.fail('liking_users', { status: 429, reset: Math.floor(NOW.getTime() / 1000) + 30 });
    const read = await reader(s, c).read({ now: NOW, accessToken: TOKEN });
    expect(c.sleeps.some((ms) => ms >= 29_000 && ms <= 31_000)).toBe(true);
    expect(byKind(read, 'like')).toEqual(['x:2001', 'x:2002', 'x:2004']);
    expect(read.completeness).toBe('complete');
    expect(read.note?.spentUsd).toBeCloseTo(billedUsd(s.log), 9);
  });

  it('a bad token is an ApiAuthError (invalid) whose message holds no token', async () => {
    const { server: s, c } = await setup();
    const err = await reader(s, c)
      .read({ now: NOW, accessToken: 'wrong-token-value' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAuthError);
    expect((err as ApiAuthError).problem).toBe('invalid');
    expect((err as Error).message).toMatch(/X refused the access token .*Unauthorized/);
    expect((err as Error).message).not.toContain('wrong-token-value');
    expect(s.log).toHaveLength(1);
  });

  it('a token without users.read is missing_permission; one without like.read reads everything but who liked, and says so', async () => {
    const { server: s, c } = await setup({ scopes: ['tweet.read', 'follows.read'] });
    const err = await reader(s, c)
      .read({ now: NOW, accessToken: TOKEN })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAuthError);
    expect((err as ApiAuthError).problem).toBe('missing_permission');
    await s.close();

    const { server: s2, c: c2 } = await setup({ scopes: ['tweet.read', 'users.read', 'follows.read', 'offline.access'] });
    const read = await reader(s2, c2).read({ now: NOW, accessToken: TOKEN });
    expect(byKind(read, 'like')).toEqual([]);
    expect(byKind(read, 'repost')).toEqual(['x:2003']);
    expect(read.contacts?.completeness).toBe('complete');
    expect(read.observes.inbound).not.toContain('like');
    expect(read.observes.inboundHidden).toContain('like');
    expect(read.problems.join('\n')).toMatch(/like\.read/);
    // One refused liking_users, not one per post.
    expect(s2.count('liking_users')).toBe(1);
  });

  it('a malformed payload is a clear error naming the field, and what was read before it is kept', async () => {
    const { server: s, c } = await setup();
    s.fail('mentions', 'malformed');
    const read = await reader(s, c).read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('partial');
    expect(read.problems.join('\n')).toMatch(/could not read your mentions \(GET \/2\/users\/1000\/mentions: data\[0\]\.id: expected string, received number\)/);
    expect(byKind(read, 'like')).toHaveLength(3);
    // X answered 2xx: the page is charged in full (it may have been billed).
    expect(read.note?.spentUsd).toBeGreaterThanOrEqual(billedUsd(s.log));

    s.reset();
    s.fail('me', 'malformed');
    const failed = await reader(s, c).read({ now: NOW, accessToken: TOKEN });
    expect(failed.completeness).toBe('failed');
    expect(failed.problems.join('\n')).toMatch(/X could not be read: GET \/2\/users\/me: data\.id: expected string, received number/);
    expect(failed.note?.spentUsd).toBeCloseTo(0.01, 9);
    expect(failed.interactions).toEqual([]);
  });

  it('an X usage cap (429 usage-capped) stops the read at once instead of waiting', async () => {
    const { server: s, c } = await setup();
    s.fail('tweets', { status: 429, usageCapped: true });
    const read = await reader(s, c).read({ now: NOW, accessToken: TOKEN });
    expect(read.problems.join('\n')).toMatch(/out of credits or over its spending limit/);
    expect(s.count('tweets')).toBe(1);
    expect(s.count('followers')).toBe(0);
    expect(c.sleeps).toEqual([]);
    expect(read.completeness).toBe('partial');
    expect(read.interactions.filter((i) => i.kind === 'reply')).toHaveLength(1);
  });

  it('an app without credits (402 CreditsDepleted) on the first request: a clear error, nothing billed', async () => {
    const { server: s, c } = await setup();
    // The body as public X clients report it (not in X's docs).
    s.fail('me', { status: 402, body: { title: 'CreditsDepleted', detail: 'Your enrolled account does not have any credits to fulfill this request.', type: 'https://api.x.com/2/problems/credits' } });
    await expect(reader(s, c).read({ now: NOW, accessToken: TOKEN })).rejects.toThrow(/X could not be read: the app is out of credits or over its spending limit .*CreditsDepleted/);
    expect(s.count('me')).toBe(1);
  });

  it('a server error on /2/users/me after retries throws a SourceError (nothing was read or billed)', async () => {
    const { server: s, c } = await setup();
    s.fail('me', ...Array.from({ length: 6 }, () => ({ status: 503 as const })));
    await expect(reader(s, c).read({ now: NOW, accessToken: TOKEN })).rejects.toThrow(/X could not be read: GET \/2\/users\/me: HTTP 503/);
  });

  it('a run stopped mid-way (its signal) keeps what it read, partial, and the next run goes on', async () => {
    const { server: s, c } = await setup();
    const stop = new AbortController();
    const read = await reader(s, c).read({
      now: NOW,
      accessToken: TOKEN,
      signal: stop.signal,
      onProgress: (e) => {
        if (e.phase === 'posts') stop.abort(new Error('the run\'s time is up'));
      },
    });
    expect(read.completeness).toBe('partial');
    expect(read.interactions.filter((i) => i.kind === 'reply' || i.kind === 'mention' || i.kind === 'quote')).toHaveLength(3);
    expect(s.count('liking_users')).toBe(0);
    expect(s.count('followers')).toBe(0);
    expect(read.problems.join('\n')).toMatch(/cut short/);

    s.reset();
    const next = await reader(s, c).read({ now: new Date(NOW.getTime() + 3_600_000), accessToken: TOKEN, ...(read.cursor ? { cursor: read.cursor } : {}) });
    expect(s.log.find((e) => e.route === 'mentions')?.url).toContain('since_id=5004');
    expect(byKind(next, 'like')).toEqual(['x:2001', 'x:2002', 'x:2004']);
    expect(next.contacts?.completeness).toBe('complete');
    expect(next.completeness).toBe('complete');
  });

  it('maxPages ends the run partial and says so', async () => {
    const { server: s, c } = await setup();
    const read = await reader(s, c, { maxPages: 2 }).read({ now: NOW, accessToken: TOKEN });
    expect(s.count('mentions')).toBe(1);
    expect(s.count('tweets')).toBe(1);
    expect(s.count('liking_users')).toBe(0);
    expect(read.completeness).toBe('partial');
    expect(read.problems).toContain('stopped after 2 pages (maxPages); the next run goes on');
  });

  it('a connection broken after the request was sent is charged in full (X may have billed it), and the retry too', async () => {
    const { server: s, c } = await setup();
    s.fail('liking_users', 'drop');
    const read = await reader(s, c).read({ now: NOW, accessToken: TOKEN });
    expect(byKind(read, 'like')).toEqual(['x:2001', 'x:2002', 'x:2004']);
    // The dropped request asked for 2 likers of 9002: $0.02 on top of what X answered.
    expect(read.note?.spentUsd).toBeCloseTo(billedUsd(s.log) + 0.02, 9);

    // With no room for a second full price, the broken request is not sent again.
    s.reset();
    s.fail('liking_users', 'drop');
    const tight = await reader(s, c, { maxSpendUsd: 0.01 + 0.004 + 0.003 + 0.02 + 0.019 }).read({ now: NOW, accessToken: TOKEN });
    expect(s.log.filter((e) => e.url.startsWith('/2/tweets/9002/liking_users'))).toHaveLength(1);
    expect(tight.note?.spentUsd).toBeLessThanOrEqual(0.056);
    expect(tight.note?.skipped).toContainEqual(expect.objectContaining({ cap: 'retry' }));
  });
});
