/**
 * The Threads API reader against a local Threads API (test/helpers/threads-graph-server.ts): what a
 * first read and a repeat read return and cost, how a cut-short read resumes, rate limits, a refused
 * token, a token without the mentions permission, a bad answer, and that the token never reaches a message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IsoInstant, type Interaction } from '../../../../../shared/domain/model.ts';
import { ApiAuthError, type ApiRead } from '../../../../../shared/sources/api/api-reader.ts';
import { API_OBSERVES } from '../../../../../shared/sources/api/observes.ts';
import { ThreadsApiReader } from '../../../../../shared/sources/api/threads/threads-reader.ts';
import type { ThreadsApiConfig } from '../../../../../shared/config/schema.ts';
import { SourceError } from '../../../../../shared/ports/source.ts';
import { startThreadsServer, type ThreadsServer, type ThreadsServerOptions } from '../../../../helpers/threads-graph-server.ts';
import { buildWorld, config, daysAgo, fakeClock, mention, NOW, OWNER, post, reply, TOKEN } from './world.ts';

const DAY = 86_400_000;
let server: ThreadsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<ThreadsServerOptions> = {}) {
  const built = buildWorld();
  server = await startThreadsServer({ token: TOKEN, world: built.world, now: () => NOW.getTime() + 60 * DAY, ...options });
  return { srv: server, ...built };
}

function readerFor(srv: ThreadsServer, overrides: Partial<ThreadsApiConfig> = {}, time = fakeClock(NOW)) {
  const reader = new ThreadsApiReader({ sourceId: 'threads', config: config({ baseUrl: srv.url, ...overrides }), sleep: time.sleep, now: time.now });
  return { reader, time };
}

const ids = (read: ApiRead): Set<string> => new Set(read.interactions.map((i) => i.id));
const byId = (read: ApiRead, id: string): Interaction | undefined => read.interactions.find((i) => i.id === id);

/** Reads again and again with the cursor until a read is complete; returns every read. */
async function readToTheEnd(reader: ThreadsApiReader, now: Date, cursor?: string, most = 40): Promise<ApiRead[]> {
  const reads: ApiRead[] = [];
  for (let k = 0; k < most; k++) {
    const read = await reader.read({ now, accessToken: TOKEN, ...(cursor !== undefined ? { cursor } : {}) });
    reads.push(read);
    cursor = read.cursor;
    if (read.completeness === 'complete') return reads;
  }
  throw new Error(`still partial after ${most} reads`);
}

describe('Threads API reader: first read', () => {
  it('returns every reply (nested ones too) and mention of the backfill, keyed by lower-cased username, and none of the owner’s own', async () => {
    const { srv, expectedIds, world } = await start();
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });

    expect(read.completeness).toBe('complete');
    expect(ids(read)).toEqual(expectedIds);
    expect(read.owner).toEqual({ id: OWNER.id, handle: '@ada.lovelace' });
    expect(read.observes).toEqual(API_OBSERVES.threads);
    expect(read.historySince).toBe(new Date(NOW.getTime() - 365 * DAY).toISOString());
    for (const i of read.interactions) {
      expect(i.direction).toBe('inbound');
      expect(i.contactId).toBe(i.contactId.toLowerCase());
      expect(i.contactId).not.toBe('ada.lovelace');
      expect(IsoInstant.safeParse(i.at).success).toBe(true);
    }
    // Upper-case usernames become the export's key; the text is kept for the tone classifier; the link is the reply's.
    const firstPost = world.posts[0]!;
    const dora = world.conversations[String(firstPost['id'])]!.find((r) => r['username'] === 'Bea')!;
    expect(byId(read, `th-reply:${dora['id']}`)).toEqual({
      id: `th-reply:${dora['id']}`,
      contactId: 'bea',
      kind: 'reply',
      direction: 'inbound',
      at: String(dora['timestamp']).replace('+0000', '+00:00'),
      postUrl: dora['permalink'],
      text: dora['text'],
    });
    const aMention = read.interactions.find((i) => i.kind === 'mention')!;
    expect(aMention.id).toMatch(/^th-mention:\d+$/);
    expect(aMention.text).toMatch(/@ada\.lovelace/);
    expect(aMention.postUrl).toMatch(/^https:\/\/www\.threads\.com\/@[a-z_.0-9]+\/post\/M\d+$/);
    // The private profile's reply is not counted, and the read says so.
    expect(read.problems).toEqual([expect.stringMatching(/1 reply came from private profiles/)]);
  });

  it('asks only what it needs: one page of mentions, two of posts, one conversation page per post with replies (three for the busy one)', async () => {
    const { srv, world } = await start();
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });

    const horizon = Math.floor((NOW.getTime() - 365 * DAY) / 1000);
    const inBackfill = world.posts.filter((p) => Date.parse(String(p['timestamp']).replace('+0000', 'Z')) / 1000 >= horizon);
    const withReplies = inBackfill.filter((p) => p['has_replies'] !== false && p['media_type'] !== 'REPOST_FACADE');
    expect(srv.count('me')).toBe(1);
    expect(srv.count('mentions')).toBe(1);
    expect(srv.count('threads')).toBe(2);
    expect(srv.count('conversation')).toBe(withReplies.length + 2);
    expect(read.requests).toBe(srv.log.length);
    // The posts are asked from the backfill horizon on; nothing older is read.
    const postQueries = srv.log.filter((e) => e.route === 'threads');
    expect(postQueries.map((e) => e.query.get('since'))).toEqual([String(horizon), String(horizon)]);
    expect(srv.log.filter((e) => e.route === 'mentions')[0]!.query.get('since')).toBe(String(horizon));
    // Every call carried the token, and the conversations asked newest first with the documented fields.
    expect(srv.log.every((e) => e.authorised)).toBe(true);
    const conv = srv.log.find((e) => e.route === 'conversation')!;
    expect(conv.query.get('reverse')).toBe('true');
    expect(conv.query.get('fields')).toBe('id,text,timestamp,username,permalink,replied_to,root_post,is_reply_owned_by_me,hide_status');
    expect(Buffer.byteLength(read.cursor ?? '')).toBeLessThanOrEqual(3000);
  });
});

describe('Threads API reader: repeat read', () => {
  it('reads only what is new: new posts, new replies on posts of the lookback, mentions since the last read', async () => {
    const { srv, world } = await start();
    const { reader } = readerFor(srv);
    const firstRead = await reader.read({ now: NOW, accessToken: TOKEN });
    const later = new Date(NOW.getTime() + DAY);

    // A day later: a new post with a reply, a reply on the busy post (20 days old), a reply on a post of
    // 100 days ago (past the lookback: not read, by design), a new mention.
    const fresh = post(later.getTime() - 3_600_000);
    world.posts.push(fresh);
    const onFresh = reply(fresh, later.getTime() - 1_800_000, 'Ivy');
    world.conversations[String(fresh['id'])] = [onFresh];
    const busy = world.posts.find((p) => world.conversations[String(p['id'])]?.length === 130)!;
    const onBusy = reply(busy, later.getTime() - 7_200_000, 'Jon');
    world.conversations[String(busy['id'])]!.push(onBusy);
    const old = world.posts.find((p) => Date.parse(String(p['timestamp']).replace('+0000', 'Z')) < daysAgo(95) && world.conversations[String(p['id'])]!.length > 0)!;
    const onOld = reply(old, later.getTime() - 7_000_000, 'Kim');
    world.conversations[String(old['id'])]!.push(onOld);
    const newMention = mention(later.getTime() - 600_000, 'Lou');
    world.mentions.push(newMention);
    srv.reset();

    const read = await reader.read({ now: later, accessToken: TOKEN, cursor: firstRead.cursor! });
    expect(read.completeness).toBe('complete');
    expect(read.historySince).toBeUndefined();
    const got = ids(read);
    expect(got).toContain(`th-reply:${onFresh['id']}`);
    expect(got).toContain(`th-reply:${onBusy['id']}`);
    expect(got).toContain(`th-mention:${newMention['id']}`);
    expect(got).not.toContain(`th-reply:${onOld['id']}`);

    // Posts since 30 days before the new run; mentions since an hour before the first run.
    const lookback = Math.floor(later.getTime() / 1000) - 30 * 86_400;
    expect(srv.log.filter((e) => e.route === 'threads').map((e) => e.query.get('since'))).toEqual([String(lookback)]);
    expect(srv.log.filter((e) => e.route === 'mentions').map((e) => e.query.get('since'))).toEqual([String(Math.floor(NOW.getTime() / 1000) - 3600)]);
    // The busy post's 131 replies are three pages, but only the newest page holds anything since the last read.
    const postsInLookback = world.posts.filter((p) => Date.parse(String(p['timestamp']).replace('+0000', 'Z')) / 1000 >= lookback && p['has_replies'] !== false && p['media_type'] !== 'REPOST_FACADE');
    expect(srv.count('conversation')).toBe(postsInLookback.length);
    expect(srv.log.filter((e) => e.route === 'conversation' && e.url.includes(`/${busy['id']}/`))).toHaveLength(1);
  });
});

describe('Threads API reader: a read cut short', () => {
  it('with maxPages, keeps what it read and resumes until everything the full read gets was read', async () => {
    const { srv, expectedIds } = await start();
    const { reader } = readerFor(srv, { maxPages: 12 });
    const reads = await readToTheEnd(reader, NOW);

    expect(reads.length).toBeGreaterThan(5);
    expect(reads.slice(0, -1).every((r) => r.completeness === 'partial')).toBe(true);
    expect(reads[0]!.problems.join(' ')).toMatch(/maxPages \(12\) reached/);
    const union = new Set(reads.flatMap((r) => [...ids(r)]));
    expect(union).toEqual(expectedIds);
    for (const r of reads) expect(Buffer.byteLength(r.cursor ?? '')).toBeLessThanOrEqual(3000);
  });

  it('continues a conversation longer than one run may read from the page it stopped at', async () => {
    const { srv, world } = await start();
    const busy = world.posts.find((p) => world.conversations[String(p['id'])]?.length === 130)!;
    // Only the busy post: 130 replies, three pages; two pages per run (mentions, posts, then one conversation page).
    world.posts = [busy];
    world.mentions = [];
    const { reader } = readerFor(srv, { maxPages: 3 });
    const reads = await readToTheEnd(reader, NOW);

    expect(reads).toHaveLength(3);
    const union = new Set(reads.flatMap((r) => [...ids(r)]));
    expect(union.size).toBe(130);
    // No conversation page was asked twice: each run went on from the kept cursor.
    const pagesAsked = srv.log.filter((e) => e.route === 'conversation').map((e) => e.query.get('after') ?? 'first');
    expect(new Set(pagesAsked).size).toBe(pagesAsked.length);
  });
});

describe('Threads API reader: a cancelled run', () => {
  it('keeps what it read before the cancel, and the next run reads the rest', async () => {
    const { srv, expectedIds } = await start();
    const controller = new AbortController();
    let sent = 0;
    const counting: typeof fetch = (input, init) => {
      if (++sent === 12) controller.abort();
      return fetch(input, init);
    };
    const time = fakeClock(NOW);
    const reader = new ThreadsApiReader({ sourceId: 'threads', config: config({ baseUrl: srv.url }), fetch: counting, sleep: time.sleep, now: time.now });
    const cut = await reader.read({ now: NOW, accessToken: TOKEN, signal: controller.signal });
    expect(cut.completeness).toBe('partial');
    expect(cut.problems.join(' ')).toMatch(/cancelled/);
    expect(cut.interactions.length).toBeGreaterThan(0);
    const rest = await readToTheEnd(readerFor(srv).reader, NOW, cut.cursor);
    expect(new Set([...ids(cut), ...rest.flatMap((r) => [...ids(r)])])).toEqual(expectedIds);
  });
});

describe('Threads API reader: rate limits', () => {
  it('waits out a short limit (usage at 100 %: one minute) and goes on', async () => {
    const { srv, expectedIds } = await start();
    srv.fail('conversation', 'ok', { rateLimit: true, headers: { 'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 40, total_time: 45 }) } });
    const { reader, time } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });

    expect(read.completeness).toBe('complete');
    expect(ids(read)).toEqual(expectedIds);
    expect(time.clock.waits).toContain(60_000);
    expect(srv.log.filter((e) => e.status === 400)).toHaveLength(1);
  });

  it('stops at a longer limit with what it read, without sleeping past a minute, and the next run goes on', async () => {
    const { srv, expectedIds } = await start();
    // Code 17 with no usage header: Meta's windows roll over an hour, so the client would have to wait ten minutes.
    srv.fail('conversation', 'ok', 'ok', 'ok', { rateLimit: true, code: 17 });
    const { reader, time } = readerFor(srv);
    const first = await reader.read({ now: NOW, accessToken: TOKEN });

    expect(first.completeness).toBe('partial');
    expect(first.problems.join(' ')).toMatch(/rate limit/);
    expect(first.interactions.length).toBeGreaterThan(0);
    expect(Math.max(0, ...time.clock.waits)).toBeLessThanOrEqual(60_000);
    const rest = await readToTheEnd(reader, NOW, first.cursor);
    expect(rest.at(-1)!.completeness).toBe('complete');
    expect(new Set([...ids(first), ...rest.flatMap((r) => [...ids(r)])])).toEqual(expectedIds);
  });

  it('with nothing read yet, a server that keeps failing is an error, not an empty read', async () => {
    const { srv } = await start();
    srv.fail('mentions', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const { reader } = readerFor(srv);
    const err = await reader.read({ now: NOW, accessToken: TOKEN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).not.toBeInstanceOf(ApiAuthError);
    expect(String((err as Error).message)).toMatch(/nothing could be read/);
  });
});

describe('Threads API reader: the token', () => {
  it('an expired token is an ApiAuthError (expired) and its text holds no token', async () => {
    const { srv } = await start({ expired: true });
    const { reader } = readerFor(srv);
    const err = await reader.read({ now: NOW, accessToken: TOKEN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAuthError);
    expect((err as ApiAuthError).problem).toBe('expired');
    expect((err as Error).message).toMatch(/Threads refused the access token \(it has expired/);
    expectNoToken(err);
  });

  it('a token revoked mid-read is an ApiAuthError (invalid), not a partial read', async () => {
    const { srv } = await start();
    srv.fail('conversation', 'ok', 'ok', { token: 'invalid' });
    const { reader } = readerFor(srv);
    const err = await reader.read({ now: NOW, accessToken: TOKEN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAuthError);
    expect((err as ApiAuthError).problem).toBe('invalid');
    expectNoToken(err);
  });

  it('without threads_manage_mentions the read goes on with replies, and says mentions were not seen', async () => {
    const { srv, expectedIds } = await start({ noMentionsPermission: true });
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });

    expect(read.completeness).toBe('complete');
    const replies = [...expectedIds].filter((id) => id.startsWith('th-reply:'));
    expect(ids(read)).toEqual(new Set(replies));
    expect(read.observes.inbound).toEqual(['reply']);
    expect(read.observes.inboundHidden).toEqual(['like', 'repost', 'quote', 'mention']);
    expect(read.problems.join(' ')).toMatch(/lacks threads_manage_mentions/);
  });

  it('the token never reaches an error, whatever fails', async () => {
    for (const failure of [{ status: 500 as const }, 'drop' as const, 'malformed' as const]) {
      const { srv } = await start();
      srv.fail('me', failure, failure, failure, failure, failure, failure);
      const { reader } = readerFor(srv);
      const err = await reader.read({ now: NOW, accessToken: TOKEN }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expectNoToken(err);
      await srv.close();
      server = undefined;
    }
  });
});

describe('Threads API reader: bad answers', () => {
  it('a payload of the wrong shape is a clear error naming what was wrong, not a partial read', async () => {
    const { srv } = await start();
    srv.fail('conversation', 'ok', 'malformed');
    const { reader } = readerFor(srv);
    const err = await reader.read({ now: NOW, accessToken: TOKEN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).not.toBeInstanceOf(ApiAuthError);
    expect((err as Error).message).toMatch(/Threads sent an answer followback cannot read while reading \/…\/conversation/);
    expect((err as Error).message).toMatch(/timestamp/);
    expectNoToken(err);
  });

  it('a post gone between the list and its replies is skipped with a word, and the rest is read', async () => {
    const { srv, world, expectedIds } = await start();
    const gone = world.posts[1]!;
    const goneReplies = new Set(world.conversations[String(gone['id'])]!.map((r) => `th-reply:${r['id']}`));
    delete world.conversations[String(gone['id'])];
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN });
    expect(read.completeness).toBe('complete');
    expect(ids(read)).toEqual(new Set([...expectedIds].filter((id) => !goneReplies.has(id))));
    expect(read.problems.join(' ')).toMatch(/replies of one post could not be read and were skipped/);
    expect(read.problems.join(' ')).not.toContain(TOKEN);
  });

  it('a cursor it cannot read is reported and the read starts over from the backfill', async () => {
    const { srv, expectedIds } = await start();
    const { reader } = readerFor(srv);
    const read = await reader.read({ now: NOW, accessToken: TOKEN, cursor: '{"v":1,"todo":"nope"}' });
    expect(read.completeness).toBe('complete');
    expect(ids(read)).toEqual(expectedIds);
    expect(read.problems.join(' ')).toMatch(/stored cursor is invalid/);
  });
});

function expectNoToken(err: unknown): void {
  const texts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 6; depth++) {
    texts.push(String(e), e instanceof Error ? String(e.stack) : '', JSON.stringify(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  for (const t of texts) expect(t).not.toContain(TOKEN);
}
