/**
 * Local accounts are named with the instance's account domain (LOCAL_DOMAIN),
 * which a supported Mastodon setup serves from another host (WEB_DOMAIN): here
 * the API answers on 127.0.0.1 and the accounts live at social.example.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../../shared/ports/source.ts';
import { readCursor } from '../../../../shared/sources/mastodon/mastodon-cursor.ts';
import { MastodonSource } from '../../../../shared/sources/mastodon/mastodon-source.ts';
import { startMastodonServer, type MastodonServer, type MastodonServerOptions } from '../../../helpers/mastodon-server.ts';
import { account, buildWorld, NOW, OWNER_ID } from './world.ts';

const TOKEN = 'mastodon-domain-token-SECRET-31c0';
let server: MastodonServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<MastodonServerOptions> = {}): Promise<MastodonServer> {
  const world = buildWorld({ followers: 12, following: 8, mutual: 4, notifications: 10, statuses: 5, favourites: 5 });
  // Two local accounts (acct without a domain), one of them moved to another local account.
  world.followers.unshift(account('4001', { username: 'alice', acct: 'alice', url: 'https://mastodon.social.example/@alice' }));
  world.following.unshift(account('4002', { username: 'bob', acct: 'bob', moved: account('4003', { username: 'bob2', acct: 'bob2' }) }));
  server = await startMastodonServer({ token: TOKEN, world, domain: 'social.example', ...options });
  return server;
}

function source(url: string, maxRetries = 5) {
  return new MastodonSource({ id: 'mastodon', instanceUrl: url, accessToken: TOKEN, backfillDays: 365, maxPages: 50, http: { sleep: async () => undefined, random: () => 0, maxRetries } });
}

describe('Mastodon local accounts and the account domain', () => {
  it('names local accounts @user@<account domain>, not @user@<API host>', async () => {
    const srv = await start();
    const pull = await source(srv.url).pull({ now: NOW });
    expect(pull.owner).toEqual({ id: OWNER_ID, handle: '@trwnh@social.example' });
    const byId = new Map(pull.contacts.map((c) => [c.id, c]));
    expect(byId.get('4001')!.handle).toBe('@alice@social.example');
    expect(byId.get('4002')).toMatchObject({ handle: '@bob@social.example', state: 'moved', movedTo: '@bob2@social.example' });
    // Remote accounts keep their own domain.
    expect(byId.get('2000')!.handle).toBe('@user2000@remote.example');
    expect(pull.contacts.some((c) => c.handle.includes('127.0.0.1'))).toBe(false);
    expect(srv.requests.instance).toBe(1);
  });

  it('keeps the domain with the source state: later pulls do not ask again, an older cursor without it asks once', async () => {
    const srv = await start();
    const first = await source(srv.url).pull({ now: NOW });
    const stored = readCursor(first.cursor);
    expect(stored.ok && stored.cursor?.accountDomain).toEqual({ instance: srv.url, domain: 'social.example' });

    srv.reset();
    const second = await source(srv.url).pull({ now: NOW, cursor: first.cursor });
    expect(srv.requests.instance).toBe(0);
    expect(second.owner.handle).toBe('@trwnh@social.example');

    // A cursor written before the domain was kept: asked once, then stored.
    const { accountDomain: _dropped, ...older } = JSON.parse(first.cursor!) as Record<string, unknown>;
    srv.reset();
    const third = await source(srv.url).pull({ now: NOW, cursor: JSON.stringify(older) });
    expect(srv.requests.instance).toBe(1);
    expect(third.problems).toEqual([]);
    expect(third.contacts.find((c) => c.id === '4001')!.handle).toBe('@alice@social.example');
    expect(JSON.parse(third.cursor!)).toMatchObject({ accountDomain: { domain: 'social.example' } });
  });

  it('asks again when the source now points at another instance URL', async () => {
    const srv = await start();
    const foreign = JSON.stringify({ v: 1, accountDomain: { instance: 'https://elsewhere.example', domain: 'elsewhere.example' } });
    const pull = await source(srv.url).pull({ now: NOW, cursor: foreign });
    expect(srv.requests.instance).toBe(1);
    expect(pull.owner.handle).toBe('@trwnh@social.example');
  });

  it('reads the domain from /api/v1/instance on a Mastodon older than 4.0', async () => {
    const srv = await start({ onlyV1Instance: true });
    const pull = await source(srv.url).pull({ now: NOW });
    expect([srv.requests.instance, srv.requests.instance_v1]).toEqual([1, 1]);
    expect(pull.contacts.find((c) => c.id === '4001')!.handle).toBe('@alice@social.example');
  });

  it('fails the pull, saying why, rather than guess the domain from the host when the instance will not tell', async () => {
    const srv = await start();
    srv.fail('instance', { status: 503 }, { status: 503 });
    const err = await source(srv.url, 1).pull({ now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toBe(
      "could not read the instance's account domain, which names its local accounts (GET /api/v2/instance: HTTP 503 (We are sorry, but something went wrong on our end.) (gave up after 2 attempts))",
    );
    expect((err as Error).message).not.toContain(TOKEN);
  });
});
