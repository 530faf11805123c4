import { afterEach, describe, expect, it } from 'vitest';
import { Interaction } from '../../../../../shared/domain/model.ts';
import { ApiAuthError, type ApiRead } from '../../../../../shared/sources/api/api-reader.ts';
import { SourceError } from '../../../../../shared/ports/source.ts';
import { API_OBSERVES } from '../../../../../shared/sources/api/observes.ts';
import { metaTime, startInstagramGraphServer, type IgServerOptions, type InstagramGraphServer } from '../../../../helpers/instagram-graph-server.ts';
import { buildWorld, comment, DAY, makeReader, NOW, OWNER, TOKEN } from './world.ts';

let server: InstagramGraphServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<IgServerOptions> = {}): Promise<InstagramGraphServer> {
  server = await startInstagramGraphServer({ token: TOKEN, world: buildWorld(), mediaPageSize: 10, commentsPageSize: 10, nestedRepliesSize: 3, repliesPageSize: 3, ...options });
  return server;
}

const ctx = (cursor?: string, now: Date = NOW) => ({ now, accessToken: TOKEN, ...(cursor !== undefined ? { cursor } : {}) });
const ids = (read: ApiRead): string[] => read.interactions.map((i) => i.id).sort();

/** What a read from `horizonMs` should find in the server's world: every comment and reply not by the owner, every tag. */
function expected(srv: InstagramGraphServer, horizonMs: number, tagHorizonMs = horizonMs): string[] {
  const out: string[] = [];
  const time = (t: string) => Date.parse(t.replace(/\+0000$/, 'Z'));
  for (const media of srv.world.media) {
    if (time(media.timestamp) < horizonMs) continue;
    for (const c of media.comments) {
      for (const x of [c, ...(c.replies ?? [])]) if (x.username.toLowerCase() !== OWNER.username.toLowerCase()) out.push(`ig-comment:${x.id}`);
    }
  }
  for (const t of srv.world.tags) if (time(t.timestamp) >= tagHorizonMs) out.push(`ig-tag:${t.id}`);
  return out.sort();
}

describe('Instagram API reader: the first read', () => {
  it('reads comments, nested replies and tags back to the backfill horizon, keyed and dated as followback stores them', async () => {
    const srv = await start();
    const read = await makeReader(srv).reader.read(ctx());

    expect(read.completeness).toBe('complete');
    expect(read.problems).toEqual([]);
    expect(read.owner).toEqual({ id: 'ada.creates', handle: '@ada.creates' });
    expect(ids(read)).toEqual(expected(srv, NOW.getTime() - 365 * DAY));
    expect(read.historySince).toBe(new Date(NOW.getTime() - 365 * DAY).toISOString());
    expect(read.observes).toEqual(API_OBSERVES.instagram);
    // Every interaction is valid for the store: `+0000` normalised, usernames lower-cased.
    for (const i of read.interactions) expect(() => Interaction.parse(i)).not.toThrow();

    const first = read.interactions.find((i) => i.id === 'ig-comment:1790100001');
    expect(first).toEqual({
      id: 'ig-comment:1790100001',
      contactId: 'bob',
      kind: 'reply',
      direction: 'inbound',
      at: new Date(NOW.getTime() - DAY + 3_600_000).toISOString(),
      postUrl: 'https://www.instagram.com/p/C0abc/',
      text: 'Love this one (0)',
    });
    const tag = read.interactions.find((i) => i.id === 'ig-tag:18000');
    expect(tag).toMatchObject({ contactId: 'dave.k', kind: 'mention', direction: 'inbound', postUrl: 'https://www.instagram.com/p/T0xyz/', text: 'With @ada.creates at the show 0' });
    expect(read.interactions.find((i) => i.id === 'ig-tag:18004')).toBeUndefined(); // 400 days old
  });

  it('counts the replies nested under comments, paging them past the nested first page', async () => {
    const srv = await start();
    const read = await makeReader(srv).reader.read(ctx());
    const thread = read.interactions.filter((i) => /^ig-comment:17901006(60|7\d)$/.test(i.id));
    // The starter plus the four replies not written by the owner (8 replies, every other one the owner's).
    expect(thread.map((i) => i.contactId).sort()).toEqual(['replier', 'replier', 'replier', 'replier', 'threadstarter']);
    expect(srv.log.filter((e) => e.route === 'replies').map((e) => e.path)).toEqual(['/1790100660/replies', '/1790100660/replies']);
  });

  it("leaves the owner's own comments and replies out, whatever the case of the username", async () => {
    const srv = await start();
    const read = await makeReader(srv).reader.read(ctx());
    expect(read.interactions.some((i) => i.contactId === 'ada.creates')).toBe(false);
    expect(read.interactions.some((i) => i.id === 'ig-comment:1790100003')).toBe(false);
  });

  it('sends the fewest requests: one per page, comments only for media that have some, replies only when the nested page says more', async () => {
    const srv = await start();
    const read = await makeReader(srv).reader.read(ctx());
    const inRange = srv.world.media.filter((m) => Date.parse(m.timestamp.replace('+0000', 'Z')) >= NOW.getTime() - 365 * DAY);
    const withComments = inRange.filter((m) => m.comments.length > 0);
    expect(srv.count('me')).toBe(1);
    // 53 media in range at 10 a page: 6 pages, the last one holding the first media past the horizon.
    expect(srv.count('media')).toBe(6);
    // One page per media with comments, two more for the media with 27 top-level comments.
    expect(srv.count('comments')).toBe(withComments.length + 2);
    expect(srv.log.filter((e) => e.route === 'comments').every((e) => withComments.some((m) => e.path === `/${m.id}/comments`))).toBe(true);
    // Tags: one page of five reaches a tag past the horizon and stops.
    expect(srv.count('tags')).toBe(1);
    expect(read.requests).toBe(srv.total());
    expect(srv.tokenSightings).toEqual([]);
    // The fields asked for are the documented ones.
    expect(srv.log.find((e) => e.route === 'me')?.query['fields']).toBe('user_id,username');
    expect(srv.log.find((e) => e.route === 'comments')?.query['fields']).toBe('id,text,timestamp,username,from{id,username},replies{id,text,timestamp,username,from{id,username}}');
  });

  it('sets historySince to the oldest media when the account is younger than the backfill', async () => {
    const srv = await start();
    srv.world.media.splice(10);
    const read = await makeReader(srv).reader.read(ctx());
    const oldest = srv.world.media.at(-1)!.timestamp;
    expect(read.historySince).toBe(new Date(Date.parse(oldest.replace('+0000', 'Z'))).toISOString());
    expect(srv.count('media')).toBe(1);
  });

  it('pages tags to the end although their pages never carry `next`', async () => {
    const srv = await start({ tagsPageSize: 2 });
    const read = await makeReader(srv, { backfillDays: 3650 }).reader.read(ctx());
    expect(read.interactions.filter((i) => i.kind === 'mention')).toHaveLength(5);
    // 2 + 2 + 1, then the empty page past the end that the missing `next` makes necessary.
    expect(srv.count('tags')).toBe(4);
  });
});

describe('Instagram API reader: repeat reads', () => {
  it('reads only new media and the media of the last lookbackDays, and keeps new comments on them', async () => {
    const srv = await start();
    const first = await makeReader(srv).reader.read(ctx());
    const later = new Date(NOW.getTime() + 2 * DAY);
    const newMedia = { id: '17909999', timestamp: metaTime(NOW.getTime() + DAY), permalink: 'https://www.instagram.com/p/Cnew/', comments: [comment('1790999901', NOW.getTime() + DAY + 60_000, 'Newcomer', 'First!')] };
    srv.world.media.push(newMedia);
    srv.world.media[0]!.comments.push(comment('1790100099', NOW.getTime() + 3_600_000, 'LateFan', 'Still here'));
    // A new comment on a media older than the lookback is not looked for again.
    srv.world.media[9]!.comments.push(comment('1790100999', NOW.getTime() + 3_600_000, 'Archivist', 'Old but gold'));
    srv.reset();

    const second = await makeReader(srv, {}, { ms: later.getTime() }).reader.read(ctx(first.cursor, later));
    expect(second.completeness).toBe('complete');
    expect(second.historySince).toBeUndefined();
    const got = ids(second);
    expect(got).toContain('ig-comment:1790999901');
    expect(got).toContain('ig-comment:1790100099');
    expect(got).not.toContain('ig-comment:1790100999');
    expect(got).toEqual(expected(srv, later.getTime() - 30 * DAY));
    // New media plus the 30-day lookback fit one media page; only media with comments are opened.
    expect(srv.count('media')).toBe(1);
    const recentWithComments = srv.world.media.filter((m) => Date.parse(m.timestamp.replace('+0000', 'Z')) >= later.getTime() - 30 * DAY && m.comments.length > 0);
    // One comments page each, two more for the media with 27 comments (22 days old, within the lookback).
    expect(recentWithComments.map((m) => m.id)).toContain('17901003');
    expect(srv.count('comments')).toBe(recentWithComments.length + 2);
    expect(second.requests).toBeLessThan(first.requests / 3);
  });

  it('reads media newer than the newest read even when the last read is older than the lookback', async () => {
    const srv = await start();
    const first = await makeReader(srv).reader.read(ctx());
    const muchLater = new Date(NOW.getTime() + 90 * DAY);
    srv.world.media.push({ id: '17908888', timestamp: metaTime(NOW.getTime() + 20 * DAY), permalink: 'https://www.instagram.com/p/Cmid/', comments: [comment('1790888801', NOW.getTime() + 21 * DAY, 'Midway', 'nice')] });
    srv.reset();
    const second = await makeReader(srv, {}, { ms: muchLater.getTime() }).reader.read(ctx(first.cursor, muchLater));
    expect(ids(second)).toContain('ig-comment:1790888801');
  });
});

describe('Instagram API reader: reads cut short', () => {
  it('stops at maxPages with what it read, and the next run resumes there so the two reads together miss nothing', async () => {
    const srv = await start();
    const full = await makeReader(srv).reader.read(ctx());
    srv.reset();

    const seen = new Set<string>();
    let cursor: string | undefined;
    let runs = 0;
    let read: ApiRead;
    do {
      read = await makeReader(srv, { maxPages: 7 }).reader.read(ctx(cursor));
      read.interactions.forEach((i) => seen.add(i.id));
      expect(read.cursor!.length).toBeLessThanOrEqual(3000);
      cursor = read.cursor;
      runs++;
      if (read.completeness === 'partial') expect(read.problems.join(' ')).toMatch(/maxPages/);
    } while (read.completeness === 'partial' && runs < 20);

    expect(read.completeness).toBe('complete');
    expect(runs).toBeGreaterThan(2);
    expect([...seen].sort()).toEqual(ids(full));
    // A resumed first read still says from when it covers.
    expect(read.historySince).toBe(full.historySince);
    // After the resumed pass, the next run is an ordinary repeat read.
    srv.reset();
    const repeat = await makeReader(srv).reader.read(ctx(cursor));
    expect(repeat.completeness).toBe('complete');
    expect(srv.count('media')).toBe(1);
  });

  it('resumes mid-media: a comments page that fails is read again next run, not skipped', async () => {
    const srv = await start();
    // The media with 27 comments is the 4th; its second comments page is the 4th comments request.
    srv.fail('comments', 'ok', 'ok', 'ok', { rateLimit: 4 });
    const first = await makeReader(srv).reader.read(ctx());
    expect(first.completeness).toBe('partial');
    expect(first.problems.join(' ')).toMatch(/rate limit/i);
    expect(first.interactions.length).toBeGreaterThan(0);
    const resume = JSON.parse(first.cursor!) as { resume?: { comments?: string; stage: string } };
    expect(resume.resume?.stage).toBe('media');
    expect(resume.resume?.comments).toBeDefined();

    srv.reset();
    const second = await makeReader(srv).reader.read(ctx(first.cursor));
    expect(second.completeness).toBe('complete');
    const all = new Set([...ids(first), ...ids(second)]);
    expect([...all].sort()).toEqual(expected(srv, NOW.getTime() - 365 * DAY));
    // The resumed read starts at the media page and comments page where the first stopped.
    expect(srv.log.find((e) => e.route === 'comments')?.query['after']).toBe(resume.resume?.comments);
    expect(second.historySince).toBeDefined();
  });

  it('ends partial when the run is aborted, keeping what it read', async () => {
    const srv = await start();
    const controller = new AbortController();
    const { reader } = makeReader(srv);
    const reading = reader.read({ ...ctx(), signal: controller.signal, onProgress: (e) => (e.done > 5 ? controller.abort() : undefined) });
    const read = await reading;
    expect(read.completeness).toBe('partial');
    expect(read.problems.join(' ')).toMatch(/stopped/);
    expect(JSON.parse(read.cursor!)).toHaveProperty('resume');
  });
});

describe('Instagram API reader: rate limits', () => {
  it('pauses when a usage header says 95% or more, then goes on', async () => {
    const srv = await start();
    srv.fail('media', { headers: { 'x-app-usage': JSON.stringify({ call_count: 96, total_cputime: 10, total_time: 12 }) } });
    const { reader, waits } = makeReader(srv);
    const read = await reader.read(ctx());
    expect(read.completeness).toBe('complete');
    expect(waits).toContain(60_000);
  });

  it("pauses on the server's own Business Use Case header as it nears the limit, and stays under it", async () => {
    // The first read sends 30 requests; at 30 calls a window, the 29th answer says 96%.
    const srv = await start({ callLimit: 30 });
    const { reader, waits } = makeReader(srv);
    const read = await reader.read(ctx());
    expect(read.completeness).toBe('complete');
    expect(srv.total()).toBe(30);
    expect(waits).toEqual([60_000]);
    expect(srv.log.every((e) => e.status === 200)).toBe(true);
  });

  it('waits out a rate-limit error when Meta says access comes back within a minute (codes 4, 17, 32 and BUC)', async () => {
    for (const code of [4, 17, 32, 80002] as const) {
      const srv = await start();
      srv.fail('comments', 'ok', { rateLimit: code, regainMinutes: 1 });
      const { reader, waits } = makeReader(srv);
      const read = await reader.read(ctx());
      expect(read.completeness, `code ${code}`).toBe('complete');
      expect(waits, `code ${code}`).toContain(60_000);
      expect(read.requests).toBe(srv.total());
      await srv.close();
      server = undefined;
    }
  });

  it('stops with what it read when the wait would be longer than a minute', async () => {
    const srv = await start();
    srv.fail('comments', 'ok', 'ok', { rateLimit: 80002, regainMinutes: 30 });
    const { reader, waits } = makeReader(srv);
    const read = await reader.read(ctx());
    expect(read.completeness).toBe('partial');
    expect(read.interactions.length).toBeGreaterThan(0);
    expect(waits.every((w) => w <= 60_000)).toBe(true);
    expect(read.problems.join(' ')).toMatch(/30 min/);
  });

  it('throws when the very first list page is rate limited (nothing read)', async () => {
    const srv = await start();
    srv.fail('media', { rateLimit: 4 });
    await expect(makeReader(srv).reader.read(ctx())).rejects.toThrow(SourceError);
  });

  it('retries a transient Meta error and a dropped connection', async () => {
    const srv = await start();
    srv.fail('comments', { error: 'transient' }, 'drop');
    const read = await makeReader(srv).reader.read(ctx());
    expect(read.completeness).toBe('complete');
    expect(ids(read)).toEqual(expected(srv, NOW.getTime() - 365 * DAY));
  });
});

describe('Instagram API reader: tokens and bad answers', () => {
  it('an expired token is ApiAuthError("expired"); a revoked one "invalid"; a wrong one "invalid"', async () => {
    const srv = await start();
    srv.fail('me', { error: 'expired' });
    await expect(makeReader(srv).reader.read(ctx())).rejects.toMatchObject({ problem: 'expired' });
    srv.fail('media', { error: 'invalid' });
    const err = await makeReader(srv).reader.read(ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAuthError);
    expect((err as ApiAuthError).problem).toBe('invalid');
    const wrong = await makeReader(srv).reader.read({ ...ctx(), accessToken: 'IGAAsomeoneElse' }).catch((e: unknown) => e);
    expect((wrong as ApiAuthError).problem).toBe('invalid');
  });

  it('a token that expires mid-read is still ApiAuthError, not a partial read', async () => {
    const srv = await start();
    srv.fail('comments', 'ok', 'ok', { error: 'expired' });
    await expect(makeReader(srv).reader.read(ctx())).rejects.toBeInstanceOf(ApiAuthError);
  });

  it('a malformed first page fails the read with a message naming the endpoint and the field', async () => {
    const srv = await start();
    srv.fail('media', { malformed: (body) => ({ ...body, data: (body['data'] as Record<string, unknown>[]).map((m, i) => (i === 2 ? { ...m, timestamp: 'yesterday' } : m)) }) });
    const err = await makeReader(srv).reader.read(ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(/GET \/v25\.0\/17841400000000001\/media: data\[2\]\.timestamp: not a timestamp/);
  });

  it('a malformed later page ends the read partial with a problem naming the endpoint and the field', async () => {
    const srv = await start();
    srv.fail('comments', 'ok', { malformed: (body) => ({ ...body, data: (body['data'] as Record<string, unknown>[]).map((c, i) => (i === 0 ? { ...c, id: 12345 } : c)) }) });
    const read = await makeReader(srv).reader.read(ctx());
    expect(read.completeness).toBe('partial');
    expect(read.problems.join(' ')).toMatch(/GET \/v25\.0\/\d+\/comments: data\[0\]\.id: expected string/);
  });

  it('never lets the token into an error, a problem or the cursor', async () => {
    const srv = await start();
    const texts: string[] = [];
    srv.fail('comments', 'ok', { rateLimit: 4, regainMinutes: 45 });
    const partial = await makeReader(srv).reader.read(ctx());
    texts.push(...partial.problems, partial.cursor ?? '', JSON.stringify(partial.interactions));
    for (const failure of [{ error: 'expired' } as const, { error: 'permission' } as const, { malformed: () => ({ nope: true }) }]) {
      srv.fail('me', failure);
      const err = await makeReader(srv).reader.read(ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      let e: unknown = err;
      while (e instanceof Error) {
        texts.push(e.message, String(e.stack));
        e = e.cause;
      }
    }
    for (const text of texts) expect(text).not.toContain(TOKEN);
  });

  it('a token that may not read tags leaves them unseen and says so; comments are still read', async () => {
    for (const tagsUnavailable of ['unsupported', 'permission'] as const) {
      const srv = await start({ tagsUnavailable });
      const read = await makeReader(srv).reader.read(ctx());
      expect(read.completeness).toBe('complete');
      expect(read.interactions.some((i) => i.kind === 'mention')).toBe(false);
      expect(read.interactions.some((i) => i.kind === 'reply')).toBe(true);
      expect(read.observes.inbound).toEqual(['reply']);
      expect(read.observes.inboundHidden).toEqual(['like', 'mention']);
      expect(read.problems.join(' ')).toMatch(/tagged in/);
      await srv.close();
      server = undefined;
    }
  });

  it('an unreadable cursor starts over from the backfill horizon and says so', async () => {
    const srv = await start();
    const read = await makeReader(srv).reader.read(ctx('{"v":9}'));
    expect(read.completeness).toBe('complete');
    expect(read.problems.join(' ')).toMatch(/could not be read/);
    expect(read.historySince).toBeDefined();
  });
});
