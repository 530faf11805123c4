/**
 * The Facebook Page reader against the local Graph server (test/helpers/facebook-graph-server.ts):
 * what a user relies on: one read sees the comments (replies too), reactions and tags of the Page's
 * posts keyed as the export keys people; a repeat read asks only for what can be new; a cut-short
 * read resumes where it stopped; Meta's rate limits are waited for or end the read partial; a bad
 * token is told apart; a broken payload is named; the token never leaks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Interaction } from '../../../../../shared/domain/model.ts';
import { ApiAuthError, FACEBOOK_NAME_PREFIX, type ApiRead } from '../../../../../shared/sources/api/api-reader.ts';
import { FacebookPageApiReader } from '../../../../../shared/sources/api/facebook/facebook-reader.ts';
import { API_OBSERVES } from '../../../../../shared/sources/api/observes.ts';
import { startFacebookGraphServer, type FacebookGraphServer, type FacebookGraphServerOptions } from '../../../../helpers/facebook-graph-server.ts';
import { buildWorld, config, fakeClock, NOW, PAGE_ID, permalink, post, postId, TOKEN } from './world.ts';

let server: FacebookGraphServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<FacebookGraphServerOptions> = {}): Promise<FacebookGraphServer> {
  server = await startFacebookGraphServer({ token: TOKEN, world: buildWorld(), ...options });
  return server;
}

function readerFor(srv: FacebookGraphServer, overrides: Record<string, unknown> = {}) {
  const time = fakeClock(NOW);
  const reader = new FacebookPageApiReader({ sourceId: 'facebook', config: config(srv.url, overrides), sleep: time.sleep, now: time.now });
  return { reader, time };
}

const byId = (read: ApiRead): Map<string, Interaction> => new Map(read.interactions.map((i) => [i.id, i]));
const name = (n: string): string => `${FACEBOOK_NAME_PREFIX}${n}`;
/** Every text a read shows a person or a log: messages, problems, the cursor. */
const textsOf = (read: ApiRead): string => JSON.stringify(read);

describe('Facebook Page reader: first read', () => {
  it('reads comments with their replies, reactions and tags back to the backfill horizon, keyed by display name', async () => {
    const srv = await start();
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });

    expect(read.completeness).toBe('complete');
    expect(read.owner).toEqual({ id: PAGE_ID, handle: 'Ada Bakes' });
    expect(read.observes).toEqual(API_OBSERVES.facebook);
    expect(read.historySince).toBe('2025-12-01T12:00:00.000Z');
    const got = byId(read);

    // A top-level comment and a reply by someone else: both `reply`, text kept, on the post's link.
    expect(got.get('fb-comment:1001_1')).toEqual({
      id: 'fb-comment:1001_1',
      contactId: name('Bob Smith'),
      kind: 'reply',
      direction: 'inbound',
      at: new Date(NOW.getTime() - 44 * 3_600_000).toISOString(),
      postUrl: permalink(1),
      text: 'Lovely!',
    });
    expect(got.get('fb-comment:1001_3')).toMatchObject({ contactId: name('Cleo Diaz'), kind: 'reply', text: 'Agreed, best bread in town' });
    // The Page's own reply and reaction are not engagement.
    expect(got.has('fb-comment:1001_2')).toBe(false);
    expect(got.has(`fb-reaction:${postId(1)}:${PAGE_ID}`)).toBe(false);
    // Reactions of any type are likes, dated with the post (Graph gives reactions no time).
    expect(got.get(`fb-reaction:${postId(1)}:503`)).toEqual({
      id: `fb-reaction:${postId(1)}:503`,
      contactId: name('Dana Ek'),
      kind: 'like',
      direction: 'inbound',
      at: new Date(NOW.getTime() - 2 * 86_400_000).toISOString(),
      postUrl: permalink(1),
    });
    expect(got.get(`fb-reaction:${postId(2)}:504`)).toMatchObject({ contactId: name('Eve Ray'), kind: 'like' });
    // All 150 comments of the busy post (two pages), and the old posts' within the backfill.
    expect([...got.keys()].filter((id) => id.startsWith('fb-comment:1002_'))).toHaveLength(150);
    expect(got.get('fb-comment:1003_1')).toMatchObject({ contactId: name('Finn Obi') });
    expect(got.get('fb-comment:1004_1')).toMatchObject({ contactId: name('Gus Lee') });
    // A post that tags the Page is a mention by its author; the Page tagging itself is not.
    expect(got.get('fb-tag:777_1')).toEqual({
      id: 'fb-tag:777_1',
      contactId: name('Ivan Petrov'),
      kind: 'mention',
      direction: 'inbound',
      at: new Date(NOW.getTime() - 3 * 86_400_000).toISOString(),
      postUrl: 'https://www.facebook.com/777/posts/1',
      text: 'Great cake at Ada Bakes',
    });
    expect(got.has('fb-tag:777_2')).toBe(false);
    // Older than the backfill: neither read nor asked for.
    expect(got.has('fb-comment:1005_1')).toBe(false);
    expect(got.has('fb-tag:777_3')).toBe(false);
    expect(srv.log.some((e) => e.path === `/${postId(5)}/comments`)).toBe(false);
    // The comment whose author Graph hides is counted, not guessed.
    expect(got.has('fb-comment:1001_4')).toBe(false);
    expect(read.problems).toEqual([expect.stringMatching(/^Facebook Page: 1 comment names no author/)]);
  });

  it('asks for replies with filter=stream, the documented fields, and follows the time pages of /posts', async () => {
    const srv = await start();
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });

    const comments = srv.log.filter((e) => e.route === 'comments');
    expect(comments.every((e) => e.query['filter'] === 'stream' && e.query['fields'] === 'id,from{id,name},message,created_time')).toBe(true);
    expect(srv.log.filter((e) => e.route === 'reactions').every((e) => e.query['fields'] === 'id,name,type')).toBe(true);
    const posts = srv.log.filter((e) => e.route === 'posts');
    // 116 posts in the backfill: two pages, the second reached through `until` and `__paging_token`.
    expect(posts).toHaveLength(2);
    expect(posts[0]!.query).toMatchObject({
      fields: 'id,created_time,permalink_url,comments.limit(0).summary(true),reactions.limit(0).summary(true)',
      limit: '100',
      since: String(Math.floor(NOW.getTime() / 1000) - 365 * 86_400),
    });
    expect(posts[1]!.query['__paging_token']).toBeDefined();
    // Comments are asked for only where the post's count says there are some: posts 1 to 4 (two
    // pages for the busy post 2) and the 37 of the 110 older posts that have one.
    expect(comments).toHaveLength(4 + 1 + 37);
    expect(srv.log.filter((e) => e.route === 'reactions')).toHaveLength(2 + 110);
    // The two posts nobody engaged with cost nothing beyond the list.
    expect(srv.log.some((e) => e.path.includes(postId(300)) || e.path.includes(postId(301)))).toBe(false);
    expect(srv.log.every((e) => e.tokenOk && e.status === 200)).toBe(true);
    expect(read.requests).toBe(srv.log.length);
    // Every time is an ISO instant the domain schema accepts (Graph writes +0000).
    for (const interaction of read.interactions) expect(Interaction.parse(interaction).at).toMatch(/\.000Z$/);
  });

  it('counts every comment when the token is not a Page token (Graph then leaves the authors out)', async () => {
    const srv = await start({ tokenKind: 'user' });
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.interactions.filter((i) => i.kind === 'reply')).toEqual([]);
    expect(read.problems).toEqual([expect.stringMatching(/^Facebook Page: 193 comments name no author \(Facebook leaves the author out without a Page access token/)]);
    // Reactions and tags still name people.
    expect(read.interactions.some((i) => i.kind === 'like')).toBe(true);
  });
});

describe('Facebook Page reader: repeat reads', () => {
  it('reads only new posts and the last lookbackDays of posts again, finding their new comments', async () => {
    const srv = await start();
    const first = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    expect(first.cursor!.length).toBeLessThanOrEqual(3000);

    // A day later: a new post with a comment, and a new comment on the 20-day-old post.
    const later = new Date(NOW.getTime() + 86_400_000);
    srv.world.posts.push(post(6, -0.5, [{ id: '1006_1', from: { id: '510', name: 'Kim Alba' }, message: 'New!', created_time: new Date(later.getTime() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+0000') }]));
    srv.world.posts[1]!.comments.push({ id: '1002_new', from: { id: '511', name: 'Lou Chen' }, message: 'late to the party', created_time: new Date(later.getTime() - 7_200_000).toISOString().replace(/\.\d{3}Z$/, '+0000') });
    srv.reset();
    const time = fakeClock(later);
    const second = await new FacebookPageApiReader({ sourceId: 'facebook', config: config(srv.url), sleep: time.sleep, now: time.now }).read({
      now: later,
      accessToken: TOKEN,
      cursor: first.cursor!,
    });

    expect(second.completeness).toBe('complete');
    expect(second.historySince).toBeUndefined();
    const got = byId(second);
    expect(got.get('fb-comment:1006_1')).toMatchObject({ contactId: name('Kim Alba'), text: 'New!' });
    expect(got.get('fb-comment:1002_new')).toMatchObject({ contactId: name('Lou Chen') });
    // Only the posts of the last 30 days (6, 1, 2) are read again; the 60-day-old and older are not.
    const commented = new Set(srv.log.filter((e) => e.route === 'comments').map((e) => e.path));
    expect(commented).toEqual(new Set([`/${postId(6)}/comments`, `/${postId(1)}/comments`, `/${postId(2)}/comments`]));
    expect(srv.count('posts')).toBe(1);
    expect(srv.log.find((e) => e.route === 'posts')!.query['since']).toBe(String(Math.floor(later.getTime() / 1000) - 30 * 86_400));
    expect(srv.count('tagged')).toBe(1);
  });
});

describe('Facebook Page reader: cut short and resumed', () => {
  it('stops at maxPages with what it read, then the next run reads the rest without reading the done posts again', async () => {
    const srv = await start();
    const full = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    srv.reset();

    // 40 requests: the Page, the tags, the first page of posts, then a few posts' comments and reactions.
    const cut = await readerFor(srv, { maxPages: 40 }).reader.read({ now: NOW, accessToken: TOKEN });
    expect(cut.completeness).toBe('partial');
    expect(cut.problems).toContainEqual(expect.stringMatching(/stopped after 40 requests \(api\.maxPages\); what was read is kept/));
    expect(srv.log).toHaveLength(40);
    expect(cut.interactions.length).toBeGreaterThan(0);
    expect(cut.cursor!.length).toBeLessThanOrEqual(3000);
    const firstRunPosts = new Set(srv.log.filter((e) => e.route === 'reactions').map((e) => e.path.split('/')[1]));

    srv.reset();
    const rest = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN, cursor: cut.cursor! });
    expect(rest.completeness).toBe('complete');
    // Together the two runs saw exactly what one full read sees.
    const union = new Set([...cut.interactions, ...rest.interactions].map((i) => i.id));
    expect(union).toEqual(new Set(full.interactions.map((i) => i.id)));
    // The second run did not read the posts the first one finished again (those are older than the lookback window).
    const again = srv.log.filter((e) => e.route === 'reactions').map((e) => e.path.split('/')[1]).filter((id) => firstRunPosts.has(id) && !['1001', '1002'].some((n) => id!.endsWith(`_${n}`)));
    expect(again).toEqual([]);
  });

  it('resumes inside a post with many comments at the comments page it stopped at', async () => {
    const srv = await start();
    // The Page, tags, posts, post 1 (comments, reactions), post 2's first comments page: stop before its second.
    // A 10-day lookback, so the next run does not read the 20-day-old post 2 again as a recent one.
    const cut = await readerFor(srv, { maxPages: 6, lookbackDays: 10 }).reader.read({ now: NOW, accessToken: TOKEN });
    expect(cut.completeness).toBe('partial');
    expect([...byId(cut).keys()].filter((id) => id.startsWith('fb-comment:1002_'))).toHaveLength(100);
    srv.reset();
    const rest = await readerFor(srv, { lookbackDays: 10 }).reader.read({ now: NOW, accessToken: TOKEN, cursor: cut.cursor! });
    expect(rest.completeness).toBe('complete');
    // Post 2's comments are read on from the page after the one read: one request.
    const post2 = srv.log.filter((e) => e.path === `/${postId(2)}/comments`);
    expect(post2.map((e) => e.query['after'] !== undefined)).toEqual([true]);
    expect([...byId(rest).keys()].filter((id) => id.startsWith('fb-comment:1002_'))).toHaveLength(50);
  });

  it('reads the post again from its start when the saved Graph cursor is no longer valid', async () => {
    const srv = await start();
    const cut = await readerFor(srv, { maxPages: 6, lookbackDays: 10 }).reader.read({ now: NOW, accessToken: TOKEN });
    srv.reset();
    // Post 1's comments read fine; the resumed page of post 2 is refused as an unknown cursor.
    srv.fail('comments', 'ok', 'invalid-parameter');
    const rest = await readerFor(srv, { lookbackDays: 10 }).reader.read({ now: NOW, accessToken: TOKEN, cursor: cut.cursor! });
    expect(rest.completeness).toBe('complete');
    const post2 = srv.log.filter((e) => e.path === `/${postId(2)}/comments`);
    expect(post2.map((e) => [e.status, e.query['after'] !== undefined])).toEqual([
      [400, true],
      [200, false],
      [200, true],
    ]);
    expect([...byId(rest).keys()].filter((id) => id.startsWith('fb-comment:1002_'))).toHaveLength(150);
  });
  it('a read cut short on every run still gets through the backlog, its cursor never over 3 kB', async () => {
    const srv = await start();
    const full = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    const seen = new Set<string>();
    let cursor: string | undefined;
    let runs = 0;
    let completeness: ApiRead['completeness'] = 'partial';
    // Every six hours a run with room for 20 requests; a one-day lookback, so the backlog is what remains.
    while (completeness !== 'complete' && runs < 40) {
      const at = new Date(NOW.getTime() + runs * 6 * 3_600_000);
      const time = fakeClock(at);
      const read = await new FacebookPageApiReader({ sourceId: 'facebook', config: config(srv.url, { maxPages: 20, lookbackDays: 1 }), sleep: time.sleep, now: time.now }).read({
        now: at,
        accessToken: TOKEN,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      for (const i of read.interactions) seen.add(i.id);
      expect(read.cursor!.length).toBeLessThanOrEqual(3000);
      cursor = read.cursor;
      completeness = read.completeness;
      runs++;
    }
    expect(completeness).toBe('complete');
    // About 16 requests of progress a run for 230 of backlog: well under 40 runs.
    expect(runs).toBeLessThan(25);
    expect(seen).toEqual(new Set(full.interactions.map((i) => i.id)));
  });
  it("stops when the run's signal aborts (its time limit), keeping what it read, and the next run goes on", async () => {
    const srv = await start();
    const full = await readerFor(srv, { lookbackDays: 1 }).reader.read({ now: NOW, accessToken: TOKEN });
    srv.reset();
    const controller = new AbortController();
    let sent = 0;
    const counting: typeof fetch = async (input, init) => {
      if (++sent === 30) controller.abort(new Error('time limit'));
      return fetch(input, init);
    };
    const time = fakeClock(NOW);
    const cut = await new FacebookPageApiReader({ sourceId: 'facebook', config: config(srv.url, { lookbackDays: 1 }), fetch: counting, sleep: time.sleep, now: time.now }).read({
      now: NOW,
      accessToken: TOKEN,
      signal: controller.signal,
    });
    expect(cut.completeness).toBe('partial');
    expect(cut.problems).toContainEqual(expect.stringMatching(/stopped early: the run was cancelled or ran out of time/));
    expect(srv.log.length).toBeLessThanOrEqual(30);
    const rest = await readerFor(srv, { lookbackDays: 1 }).reader.read({ now: NOW, accessToken: TOKEN, cursor: cut.cursor! });
    expect(rest.completeness).toBe('complete');
    expect(new Set([...cut.interactions, ...rest.interactions].map((i) => i.id))).toEqual(new Set(full.interactions.map((i) => i.id)));
  });
});

describe("Facebook Page reader: Meta's rate limits", () => {
  it('waits the minute the Business Use Case header asks for (code 32), then reads to the end', async () => {
    const srv = await start();
    srv.fail('comments', 'ok', { rateLimit: 32, regainMinutes: 1 });
    const { reader, time } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('complete');
    expect(time.clock.waits).toContain(60_000);
    expect(srv.log.filter((e) => e.status === 400)).toHaveLength(1);
  });

  it('ends partial when access comes back only in 30 minutes (code 80001), without sleeping, and the next run goes on', async () => {
    const srv = await start();
    // Reactions of post 1, post 2, then the first older post (100 days): throttled.
    srv.fail('reactions', 'ok', 'ok', { rateLimit: 80001, regainMinutes: 30 });
    const { reader, time } = readerFor(srv);
    const cut = await reader.read({ now: NOW, accessToken: TOKEN });
    expect(cut.completeness).toBe('partial');
    expect(cut.problems).toContainEqual(expect.stringMatching(/rate limited \(code 80001\).*longer than the 60 s a pull may wait.*next run goes on/));
    expect(time.clock.waits.every((ms) => ms < 60_000)).toBe(true);
    // It stopped at the throttled request: nothing after it.
    expect(srv.log.at(-1)!.status).toBe(400);

    srv.reset();
    const rest = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN, cursor: cut.cursor! });
    expect(rest.completeness).toBe('complete');
    // That post is taken up at its reactions: its comments were read before the limit.
    expect(srv.log.some((e) => e.path === `/${postId(100)}/comments`)).toBe(false);
    expect(srv.log.some((e) => e.path === `/${postId(100)}/reactions`)).toBe(true);
    expect(byId(cut).has('fb-comment:q0_1')).toBe(true);
    expect(byId(rest).get('fb-comment:1004_1')).toMatchObject({ contactId: name('Gus Lee') });
    expect(byId(cut).has('fb-comment:1004_1')).toBe(false);
  });

  it('pauses a minute before each call once the usage header says 95 % of the Page budget is used, without an error', async () => {
    // A budget of 100 calls: from the 95th answer on, every call waits for the window.
    const srv = await start({ bucCallLimit: 100 });
    const { reader, time } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('complete');
    expect(srv.log.every((e) => e.status === 200)).toBe(true);
    const waits = time.clock.waits.filter((ms) => ms === 60_000);
    expect(waits.length).toBe(srv.log.length - 95);
  });

  it('retries a transient Graph error and completes', async () => {
    const srv = await start();
    srv.fail('posts', { transient: 503 });
    const read = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('complete');
    expect(srv.log.filter((e) => e.route === 'posts').map((e) => e.status)).toEqual([503, 200, 200]);
  });
});

describe('Facebook Page reader: token and payload failures', () => {
  it.each([
    ['expired', 'expired' as const, /Facebook refused the access token \(it has expired/],
    ['revoked', 'invalid' as const, /Facebook refused the access token \(it was revoked or is no longer valid/],
  ])('an %s token throws ApiAuthError, never a partial read', async (state, problem, message) => {
    const srv = await start({ tokenState: state as 'expired' | 'revoked' });
    const error = await readerFor(srv)
      .reader.read({ now: NOW, accessToken: TOKEN })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(ApiAuthError);
    expect((error as ApiAuthError).problem).toBe(problem);
    expect((error as Error).message).toMatch(message);
    expect(String((error as Error).message)).not.toContain(TOKEN);
    expect(srv.log).toHaveLength(1);
  });

  it('a token Graph cannot parse throws ApiAuthError (invalid)', async () => {
    const srv = await start();
    const { reader } = readerFor(srv);
    const reading = reader.read({ now: NOW, accessToken: 'not-the-token' });
    await expect(reading).rejects.toBeInstanceOf(ApiAuthError);
    await expect(reading).rejects.toMatchObject({ problem: 'invalid' });
  });

  it('a malformed first page fails naming the endpoint and the field', async () => {
    const srv = await start();
    srv.fail('tagged', 'malformed');
    const reading = readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    await expect(reading).rejects.toThrow(`GET /v26.0/${PAGE_ID}/tagged: data[0].created_time: expected string, received number`);
  });

  it('a malformed page later in the read ends it partial with a problem naming the endpoint and the field', async () => {
    const srv = await start();
    srv.fail('comments', 'ok', 'malformed');
    const read = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('partial');
    expect(read.problems).toContainEqual(expect.stringContaining(`GET /v26.0/${postId(2)}/comments: data[0].created_time: expected string, received number`));
    // What came before is kept.
    expect(byId(read).has('fb-comment:1001_1')).toBe(true);
  });

  it('without the permission for tags, reads the rest and says mentions are not seen', async () => {
    const srv = await start();
    srv.fail('tagged', { permission: 10 });
    const read = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('complete');
    expect(read.observes.inbound).toEqual(['reply', 'like']);
    expect(read.observes.inboundHidden).toContain('mention');
    expect(read.problems).toContainEqual(expect.stringMatching(/posts that tag the Page could not be read .*mentions are not judged/));
    expect(read.interactions.some((i) => i.kind === 'reply')).toBe(true);
  });

  it('never puts the token in a problem, an error or the cursor, whatever fails', async () => {
    const srv = await start();
    // Post 2's comments fail six times: the client gives up after its retries.
    srv.fail('comments', 'ok', { transient: 500 }, { transient: 500 }, { transient: 500 }, { transient: 500 }, { transient: 500 }, { transient: 500 });
    const read = await readerFor(srv).reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('partial');
    expect(read.problems.length).toBeGreaterThan(0);
    expect(textsOf(read)).not.toContain(TOKEN);
    // Graph's own next links carry the token: the cursor keeps only the position.
    expect(read.cursor).not.toContain('access_token');

    srv.setTokenState('expired');
    const error = await readerFor(srv)
      .reader.read({ now: NOW, accessToken: TOKEN, cursor: read.cursor! })
      .then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    expect(error).toBeInstanceOf(ApiAuthError);
    expect(`${error!.message} ${String(error!.stack)}`).not.toContain(TOKEN);
  });
});
