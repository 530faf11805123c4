import { afterEach, describe, expect, it } from 'vitest';
import { SourcePull, type Interaction } from '../../../../shared/domain/model.ts';
import { SourceError, type ProgressEvent } from '../../../../shared/ports/source.ts';
import { MastodonSource } from '../../../../shared/sources/mastodon/mastodon-source.ts';
import { startMastodonServer, type MastodonServer, type MastodonWorld } from '../../../helpers/mastodon-server.ts';
import { account, addFavourites, addNotifications, addStatuses, buildWorld, fixture, NOW, owner, OWNER_ID, status } from './world.ts';

const TOKEN = 'mastodon-test-token-SECRET-4f9a1c';
const DAY = 86_400_000;
let server: MastodonServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(world: MastodonWorld): Promise<MastodonServer> {
  server = await startMastodonServer({ token: TOKEN, world });
  return server;
}

function source(url: string, options: { backfillDays?: number; maxPages?: number; token?: string; maxRetries?: number } = {}) {
  const waits: number[] = [];
  const src = new MastodonSource({
    id: 'mastodon',
    instanceUrl: url,
    accessToken: options.token ?? TOKEN,
    backfillDays: options.backfillDays ?? 365,
    maxPages: options.maxPages ?? 200,
    http: { sleep: async (ms) => void waits.push(ms), random: () => 0, maxRetries: options.maxRetries ?? 5 },
  });
  return { src, waits };
}

/** Mastodon's documented maxima (docs.joinmastodon.org/methods): the fewest pages are pages of this size. */
const PAGE_LIMITS = { accounts: 80, notifications: 80, statuses: 40, favourites: 40 };
const pages = (n: number, limit: number) => Math.floor(n / limit) + 1; // a short last page ends the walk; a full one needs one more look

function byKind(interactions: readonly Interaction[], direction: Interaction['direction']) {
  const counts: Record<string, number> = {};
  for (const i of interactions) if (i.direction === direction) counts[i.kind] = (counts[i.kind] ?? 0) + 1;
  return counts;
}

describe('MastodonSource mapping (docs example entities)', () => {
  function smallWorld(): MastodonWorld {
    const me = owner();
    const noiob = fixture('account-remote.json');
    const mention = fixture('notification-mention.json');
    const zsc = mention['account'] as Record<string, unknown>;
    const favourite = fixture('notification-favourite.json');
    const gargron = (fixture('status-quote.json')['quote'] as { quoted_status: { account: Record<string, unknown> } }).quoted_status.account;
    const moved = account('3001', { moved: account('3002', { acct: 'newhome@elsewhere.example' }) });
    const suspended = account('3003', { suspended: true, last_status_at: null });
    const bot = account('3004', { bot: true, group: true, acct: 'localbot' });
    const at = (iso: string) => new Date(iso);
    const plainMention: Record<string, unknown> = { ...fixture('notification-mention.json'), id: '34975900', created_at: '2019-11-24T10:00:00.000Z' };
    plainMention['status'] = { ...(plainMention['status'] as Record<string, unknown>), id: '103186126728899999', in_reply_to_account_id: null };
    return {
      me,
      followers: [noiob, zsc],
      following: [noiob, gargron, moved, suspended, bot],
      notifications: [
        mention,
        favourite,
        plainMention,
        { id: '34975950', type: 'reblog', created_at: '2019-11-25T00:00:00.000Z', account: noiob, status: favourite['status'] },
        { id: '34975960', type: 'follow', created_at: '2019-11-26T00:00:00.000Z', account: zsc },
        { id: '34975970', type: 'quote', created_at: '2019-11-27T00:00:00.000Z', account: noiob, status: status('103186200000000000', noiob, at('2019-11-27T00:00:00Z'), { content: '<p>quoting you: nope</p>' }) },
      ],
      statuses: [
        fixture('status-quote.json'),
        status('103270300000000000', me, at('2019-12-09T00:00:00Z'), {
          in_reply_to_account_id: '3001',
          mentions: [
            { id: '3001', acct: 'user3001@remote.example', username: 'user3001' },
            { id: '3004', acct: 'localbot', username: 'localbot' },
            { id: OWNER_ID, acct: 'trwnh', username: 'trwnh' },
          ],
        }),
        status('103270400000000000', me, at('2019-12-10T00:00:00Z'), { reblog: status('103270000000000001', noiob, at('2019-12-01T00:00:00Z')) }),
        status('103270500000000000', me, at('2019-12-11T00:00:00Z'), { in_reply_to_account_id: OWNER_ID }),
      ],
      favourites: [{ favouriteId: '77', status: status('103270600000000000', gargron, at('2019-12-12T00:00:00Z')) }],
    };
  }

  it('maps every notification type to the inbound interaction it means', async () => {
    const srv = await start(smallWorld());
    const pull = await source(srv.url, { backfillDays: 3650 }).src.pull({ now: NOW });
    const inbound = pull.interactions.filter((i) => i.direction === 'inbound').sort((a, b) => a.at.localeCompare(b.at));
    expect(inbound.map((i) => [i.id, i.kind, i.contactId])).toEqual([
      ['notification:34975535', 'like', '297420'],
      ['notification:34975861', 'reply', '971724'],
      ['notification:34975900', 'mention', '971724'],
      ['notification:34975950', 'repost', '23634'],
      ['notification:34975960', 'follow', '971724'],
      ['notification:34975970', 'quote', '23634'],
    ]);
    const reply = inbound.find((i) => i.kind === 'reply')!;
    expect(reply.text).toBe('@trwnh sounds good <3 see you there');
    expect(reply.postUrl).toBe('https://mastodon.social/@zsc/103186126728896492');
    expect(reply.at).toBe('2019-11-23T07:49:02.064Z');
    expect(inbound.find((i) => i.kind === 'like')!.text).toBeUndefined();
    expect(inbound.find((i) => i.kind === 'quote')!.text).toBe('quoting you: nope');
  });

  it('maps your replies, boosts, mentions, quotes and favourites to outbound interactions, never to yourself', async () => {
    const srv = await start(smallWorld());
    const pull = await source(srv.url, { backfillDays: 3650 }).src.pull({ now: NOW });
    const outbound = pull.interactions.filter((i) => i.direction === 'outbound');
    expect(outbound.map((i) => [i.kind, i.contactId]).sort()).toEqual(
      [
        ['quote', '1'],
        ['reply', '3001'],
        ['mention', '3004'],
        ['repost', '23634'],
        ['like', '1'],
      ].sort(),
    );
    expect(outbound.some((i) => i.contactId === OWNER_ID)).toBe(false);
    const like = outbound.find((i) => i.kind === 'like')!;
    expect(like.at).toBe('2019-12-12T00:00:00.000Z');
    const quote = outbound.find((i) => i.kind === 'quote')!;
    expect(quote.text).toBe('this is why you double-check');
    expect(outbound.find((i) => i.kind === 'repost')!.postUrl).toBe('https://remote.example/@noiob/103270000000000001');
  });

  it('merges followers and following into contacts with relation, handle, bio, state and labels', async () => {
    const srv = await start(smallWorld());
    const pull = await source(srv.url, { backfillDays: 3650 }).src.pull({ now: NOW });
    expect(() => SourcePull.parse(pull)).not.toThrow();
    // Local accounts take the account domain the instance reports, not the host the API answers on (127.0.0.1).
    expect(pull.owner).toEqual({ id: OWNER_ID, handle: '@trwnh@mastodon.social' });
    const byId = new Map(pull.contacts.map((c) => [c.id, c]));
    expect(pull.contacts).toHaveLength(6);
    const noiob = byId.get('23634')!;
    expect(noiob.relation).toBe('mutual');
    expect(noiob.handle).toBe('@noiob@awoo.space');
    expect(noiob.displayName).toBe('ikea shark fan account');
    expect(noiob.bio).toBe(':ms_rainbow_flag: :ms_bisexual_flagweb: :ms_nonbinary_flag: #awoo.space #admin ~ compsci student ~ likes video #games and weird/ old electronics & will post obsessively about both ~ avatar by @dzuk');
    expect(noiob.lastPostAt).toBe('2019-11-17T00:00:00.000Z');
    expect(noiob).toMatchObject({ profileUrl: 'https://awoo.space/@noiob', postsCount: 28468, followersCount: 547, followingCount: 404, state: 'active' });
    const zsc = byId.get('971724')!;
    expect(zsc.relation).toBe('follower');
    expect(zsc.handle).toBe('@zsc@mastodon.social');
    expect(zsc.followerSince).toBe('2019-11-26T00:00:00.000Z');
    expect(byId.get('1')!.relation).toBe('following');
    expect(byId.get('1')!.lastPostAt).toBe('2019-12-10T08:14:44.811Z');
    expect(byId.get('3001')).toMatchObject({ state: 'moved', movedTo: '@newhome@elsewhere.example' });
    expect(byId.get('3003')!.state).toBe('suspended');
    expect(byId.get('3003')!.lastPostAt).toBeUndefined();
    expect(byId.get('3004')).toMatchObject({ handle: '@localbot@mastodon.social', labels: ['bot', 'group'] });
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.problems).toEqual([]);
  });
});

describe('MastodonSource requests', () => {
  const size = { followers: 170, following: 95, mutual: 30, notifications: 200, statuses: 90, favourites: 50 };

  it('a first pull makes the fewest requests: one per page of each collection plus verify_credentials and the instance (for its domain)', async () => {
    const srv = await start(buildWorld(size));
    const progress: ProgressEvent[] = [];
    const pull = await source(srv.url).src.pull({ now: NOW, onProgress: (e) => progress.push(e) });
    expect(srv.requests).toEqual({
      verify_credentials: 1,
      instance: 1,
      instance_v1: 0,
      followers: pages(size.followers, PAGE_LIMITS.accounts),
      following: pages(size.following, PAGE_LIMITS.accounts),
      notifications: pages(size.notifications, PAGE_LIMITS.notifications),
      statuses: pages(size.statuses, PAGE_LIMITS.statuses),
      favourites: pages(size.favourites, PAGE_LIMITS.favourites),
      // A pull only reads: the write endpoints (for confirmed actions) are never called.
      relationships: 0,
      follow: 0,
      unfollow: 0,
    });
    expect(pull.requests).toBe(srv.total());
    expect(pull.contacts).toHaveLength(size.followers + size.following - size.mutual);
    expect(pull.contacts.filter((c) => c.relation === 'mutual')).toHaveLength(size.mutual);
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(size.notifications);
    const expected: Record<string, number> = {};
    for (const n of srv.world.notifications) {
      const reply = (n['status'] as Record<string, unknown> | undefined)?.['in_reply_to_account_id'] === OWNER_ID;
      const kind = { favourite: 'like', reblog: 'repost', mention: reply ? 'reply' : 'mention', follow: 'follow', quote: 'quote' }[String(n['type'])];
      if (kind) expected[kind] = (expected[kind] ?? 0) + 1;
    }
    expect(Object.keys(expected).sort()).toEqual(['follow', 'like', 'mention', 'quote', 'reply', 'repost']);
    expect(byKind(pull.interactions, 'inbound')).toEqual(expected);
    expect(pull.interactionsCompleteness).toBe('complete');
    // The server ran out before the 365-day horizon: coverage starts at the oldest notification.
    const oldest = Math.min(...srv.world.notifications.filter((n) => n['type'] !== 'poll').map((n) => Date.parse(String(n['created_at']))));
    expect(pull.historySince).toBe(new Date(oldest).toISOString());
    expect(progress.filter((e) => e.phase === 'followers').map((e) => e.done)).toEqual([80, 160, 170]);
    expect(progress.find((e) => e.phase === 'followers')!.total).toBe(821);
    for (const entry of srv.log) expect(entry.authorization).toBe(`Bearer ${TOKEN}`);
    expect(srv.log.filter((e) => e.route === 'notifications').every((e) => e.url.includes('types%5B%5D=favourite') || e.url.includes('types[]=favourite'))).toBe(true);
  });

  it('a second pull fetches only the new page(s) of interactions, forwards from the stored ids', async () => {
    const world = buildWorld(size);
    const srv = await start(world);
    const first = await source(srv.url).src.pull({ now: NOW });
    const later = new Date(NOW.getTime() + 30 * DAY);
    addNotifications(world, 100, later);
    addStatuses(world, 5, later);
    addFavourites(world, 3, later);
    srv.reset();
    const second = await source(srv.url).src.pull({ now: later, cursor: first.cursor });
    // The account domain came with the cursor: the instance is not asked again.
    expect(srv.requests.instance).toBe(0);
    expect(srv.requests.notifications).toBe(pages(100, PAGE_LIMITS.notifications));
    expect(srv.requests.statuses).toBe(1);
    expect(srv.requests.favourites).toBe(1);
    expect(srv.log.filter((e) => e.route === 'notifications')[0]!.url).toContain('min_id=');
    expect(second.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(100);
    const firstIds = new Set(first.interactions.map((i) => i.id));
    expect(second.interactions.some((i) => firstIds.has(i.id))).toBe(false);
    expect(second.interactions.filter((i) => i.kind === 'like' && i.direction === 'outbound')).toHaveLength(3);
    expect(second.historySince).toBeUndefined();
    expect(second.requests).toBe(srv.total());

    srv.reset();
    const third = await source(srv.url).src.pull({ now: later, cursor: second.cursor });
    expect(third.interactions).toEqual([]);
    expect([srv.requests.notifications, srv.requests.statuses, srv.requests.favourites]).toEqual([1, 1, 1]);
  });

  it('a first pull stops at the backfill horizon and starts coverage there', async () => {
    const srv = await start(buildWorld(size));
    const pull = await source(srv.url, { backfillDays: 30 }).src.pull({ now: NOW });
    // 2 notifications a day: 30 days are ~61 of them, all on the first page.
    expect(srv.requests.notifications).toBe(1);
    expect(pull.historySince).toBe(new Date(NOW.getTime() - 30 * DAY).toISOString());
    for (const i of pull.interactions) expect(Date.parse(i.at)).toBeGreaterThanOrEqual(NOW.getTime() - 30 * DAY);
    expect(pull.interactionsCompleteness).toBe('complete');
  });

  it('a maxPages cut makes the interactions partial with a problem, and coverage starts where it stopped', async () => {
    const srv = await start(buildWorld(size));
    const pull = await source(srv.url, { maxPages: 2 }).src.pull({ now: NOW });
    expect(srv.requests.notifications).toBe(2);
    expect(pull.interactionsCompleteness).toBe('partial');
    expect(pull.problems.join('\n')).toMatch(/notifications: stopped after 2 pages \(maxPages\)/);
    const inbound = pull.interactions.filter((i) => i.direction === 'inbound');
    expect(inbound).toHaveLength(160);
    expect(pull.historySince).toBe(inbound.map((i) => i.at).sort()[0]);
    expect(pull.contactsCompleteness).toBe('complete');
  });

  it('a corrupt cursor is reported and the pull starts over as a first pull', async () => {
    const srv = await start(buildWorld(size));
    const pull = await source(srv.url).src.pull({ now: NOW, cursor: '{"v":2,"notificationsSinceId":7}' });
    expect(pull.problems.some((p) => p.startsWith('the stored cursor is invalid (v'))).toBe(true);
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(size.notifications);
    expect(pull.historySince).toBeDefined();
    expect(JSON.parse(pull.cursor!)).toMatchObject({ v: 1, notificationsSinceId: expect.any(String), statusesSinceId: expect.any(String), favouritesSinceId: expect.any(String) });
  });
});

describe('MastodonSource failures', () => {
  const size = { followers: 170, following: 95, mutual: 30, notifications: 200, statuses: 90, favourites: 50 };
  const messages: string[] = [];

  afterEach(() => {
    for (const m of messages) expect(m).not.toContain(TOKEN);
  });

  it('honours a 429 Retry-After and then succeeds', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('notifications', 'ok', { status: 429, retryAfter: '7' });
    const { src, waits } = source(srv.url);
    const pull = await src.pull({ now: NOW });
    expect(waits).toContain(7000);
    expect(srv.requests.notifications).toBe(pages(size.notifications, PAGE_LIMITS.notifications) + 1);
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.requests).toBe(srv.total());
  });

  it('retries a 500 and a dropped connection', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('followers', { status: 500 }, 'ok', 'drop');
    const pull = await source(srv.url).src.pull({ now: NOW });
    expect(srv.requests.followers).toBe(pages(size.followers, PAGE_LIMITS.accounts) + 2);
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.contacts).toHaveLength(size.followers + size.following - size.mutual);
  });

  it('retries a truncated JSON body', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('statuses', 'truncate');
    const pull = await source(srv.url).src.pull({ now: NOW });
    expect(srv.requests.statuses).toBe(pages(size.statuses, PAGE_LIMITS.statuses) + 1);
    expect(pull.interactionsCompleteness).toBe('complete');
  });

  it('a malformed page fails with endpoint and field path, is not retried, and leaves the pull partial', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('notifications', 'ok', 'malformed');
    const pull = await source(srv.url).src.pull({ now: NOW });
    messages.push(...pull.problems);
    expect(srv.requests.notifications).toBe(2);
    expect(pull.interactionsCompleteness).toBe('partial');
    expect(pull.problems).toContain('notifications incomplete: GET /api/v1/notifications: [3].id: expected string, received number');
    expect(pull.contactsCompleteness).toBe('complete');
    // What was read before the bad page still counts, and the horizon says how far it reached.
    expect(pull.interactions.filter((i) => i.direction === 'inbound')).toHaveLength(80);
    expect(pull.historySince).toBeDefined();
  });

  it('a followers endpoint failing after every retry makes the contacts partial, naming the endpoint', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('followers', { status: 503 }, { status: 503 }, { status: 503 });
    const pull = await source(srv.url, { maxRetries: 2 }).src.pull({ now: NOW });
    messages.push(...pull.problems);
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.problems).toEqual([`followers incomplete: GET /api/v1/accounts/${OWNER_ID}/followers: HTTP 503 (We are sorry, but something went wrong on our end.) (gave up after 3 attempts)`]);
    expect(pull.interactionsCompleteness).toBe('complete');
  });

  it('a malformed verify_credentials throws a SourceError naming the field', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('verify_credentials', 'malformed');
    const err = await source(srv.url).src.pull({ now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    messages.push((err as Error).message);
    expect((err as Error).message).toBe('GET /api/v1/accounts/verify_credentials: id: expected string, received number');
    // Only the two opening requests (sent together): no collection was read.
    expect(srv.requests.verify_credentials).toBe(1);
    expect(srv.total() - srv.requests.instance).toBe(1);
  });

  it('a wrong token throws a SourceError that does not contain the token', async () => {
    const srv = await start(buildWorld(size));
    const err = await source(srv.url, { token: `${TOKEN}-wrong` }).src.pull({ now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    const text = `${(err as Error).message}\n${(err as Error).stack}`;
    messages.push(text);
    expect(text).not.toContain(`${TOKEN}-wrong`);
    expect((err as Error).message).toBe('GET /api/v1/accounts/verify_credentials: HTTP 401 (The access token is invalid)');
  });

  it('a token revoked in the middle of a pull throws instead of returning a partial pull', async () => {
    const srv = await start(buildWorld(size));
    srv.fail('favourites', { status: 403 });
    const err = await source(srv.url).src.pull({ now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    messages.push((err as Error).message);
    expect((err as Error).message).toMatch(/^GET \/api\/v1\/favourites: HTTP 403/);
  });
});

describe('MastodonSource notification policy (Mastodon 4.3+)', () => {
  it('asks for filtered notifications too, on every page, and reads them', async () => {
    const world = buildWorld({ followers: 20, following: 10, mutual: 5, notifications: 100, statuses: 5, favourites: 5 });
    // The policy filters some notifications (e.g. from accounts the owner does not follow).
    const filtered = world.notifications.filter((_, i) => i % 10 === 3 && world.notifications[i]!['type'] !== 'poll');
    world.notifications = world.notifications.filter((n) => !filtered.includes(n));
    world.filteredNotifications = filtered;
    const srv = await start(world);
    const pull = await source(srv.url).src.pull({ now: NOW });
    const notificationRequests = srv.log.filter((e) => e.route === 'notifications');
    expect(notificationRequests.length).toBeGreaterThan(1);
    for (const entry of notificationRequests) expect(new URL(entry.url, srv.url).searchParams.get('include_filtered')).toBe('true');
    const inboundIds = new Set(pull.interactions.filter((i) => i.direction === 'inbound').map((i) => i.id));
    expect(filtered.length).toBeGreaterThan(0);
    for (const n of filtered) expect([...inboundIds].some((id) => id.includes(String(n['id'])))).toBe(true);
  });
});

describe('MastodonSource stopped by its signal (the run time limit)', () => {
  const size = { followers: 170, following: 95, mutual: 30, notifications: 200, statuses: 90, favourites: 50 };

  it('hands back what it read as a partial pull whose cursor resumes where it stopped', async () => {
    const world = buildWorld(size);
    const srv = await start(world);
    const first = await source(srv.url).src.pull({ now: NOW });
    const later = new Date(NOW.getTime() + 30 * DAY);
    addNotifications(world, 200, later);

    const stop = new AbortController();
    const second = await source(srv.url).src.pull({
      now: later,
      cursor: first.cursor,
      signal: stop.signal,
      onProgress: (e) => {
        if (e.phase === 'notifications') stop.abort();
      },
    });
    expect(SourcePull.safeParse(second).success).toBe(true);
    expect(second.interactionsCompleteness).toBe('partial');
    expect(second.problems).toContain("stopped at the run's time limit before everything was read; what was not read is read next time");
    expect(second.problems.join('\n')).not.toMatch(/aborted/);
    const secondInbound = second.interactions.filter((i) => i.direction === 'inbound');
    expect(secondInbound).toHaveLength(PAGE_LIMITS.notifications);

    const third = await source(srv.url).src.pull({ now: later, cursor: second.cursor });
    const thirdInbound = third.interactions.filter((i) => i.direction === 'inbound');
    const ids = new Set([...secondInbound, ...thirdInbound].map((i) => i.id));
    // Nothing skipped, nothing read twice: the 200 new notifications over the two pulls.
    expect(ids.size).toBe(200);
    expect(secondInbound.length + thirdInbound.length).toBe(200);
  });
});
