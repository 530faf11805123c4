import { afterEach, describe, expect, it } from 'vitest';
import { MastodonActor } from '../../../shared/sources/mastodon/mastodon-actor.ts';
import { startMastodonServer, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { account, notification, owner } from '../sources/mastodon/world.ts';

const TOKEN = 'tok-write-123456';
let server: MastodonServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function world(): MastodonWorld {
  return { me: owner(), followers: [account('200')], following: [account('100'), account('101')], notifications: [], statuses: [], favourites: [], accounts: [account('300')] };
}

async function actorFor(scopes?: string[]): Promise<{ actor: MastodonActor; server: MastodonServer }> {
  server = await startMastodonServer({ token: TOKEN, world: world(), ...(scopes ? { scopes } : {}) });
  const actor = new MastodonActor({ sourceId: 'mastodon', instanceUrl: server.url, accessToken: TOKEN, http: { sleep: async () => {}, random: () => 0.5 } });
  return { actor, server };
}

describe('MastodonActor against the local instance', () => {
  it('unfollows with write:follows: the account leaves your following list and the relationship is the recorded answer', async () => {
    const { actor, server } = await actorFor(['read', 'write:follows']);
    const result = await actor.unfollow({ id: '100', handle: 'user100@remote.example' });
    expect(result).toEqual({ outcome: 'done', answer: { status: 200, summary: 'following=false followed_by=false' } });
    expect(server.world.following.map((a) => a['id'])).toEqual(['101']);
    expect(server.log.at(-1)).toMatchObject({ route: 'unfollow', url: '/api/v1/accounts/100/unfollow', status: 200 });
  });

  it('follows back a follower', async () => {
    const { actor, server } = await actorFor();
    const result = await actor.follow({ id: '200', handle: 'user200@remote.example' });
    expect(result.outcome).toBe('done');
    expect(result.answer.summary).toBe('following=true followed_by=true');
    expect(server.world.following.map((a) => a['id'])).toContain('200');
  });

  it('a token without write scope gets 403: refused, nothing changes, the token is in no answer', async () => {
    const { actor, server } = await actorFor(['read']);
    const result = await actor.unfollow({ id: '100', handle: 'user100@remote.example' });
    expect(result.outcome).toBe('refused');
    expect(result.answer.status).toBe(403);
    expect(result.answer.summary).toContain('outside the authorized scopes');
    expect(result.answer.summary).not.toContain(TOKEN);
    expect(server.world.following.map((a) => a['id'])).toEqual(['100', '101']);
  });

  it('an account the instance no longer knows is gone (404), for the write and for the fresh look', async () => {
    const { actor } = await actorFor();
    const result = await actor.follow({ id: '999', handle: 'gone@remote.example' });
    expect(result).toMatchObject({ outcome: 'gone', answer: { status: 404 } });
    const look = await actor.look({ id: '999', handle: 'gone@remote.example' }, '2026-11-23T08:00:00Z');
    expect(look.gone).toBe(true);
  });

  it('the fresh look reads the relationship and engagement from that account after the report only', async () => {
    const { actor, server } = await actorFor();
    server.world.notifications.push(notification(1, 'favourite', account('100'), new Date('2026-11-20T10:00:00Z')));
    const quiet = await actor.look({ id: '100', handle: 'user100@remote.example' }, '2026-11-23T08:00:00Z');
    expect(quiet).toMatchObject({ following: true, gone: false });
    expect(quiet.inboundSince).toBeUndefined();
    server.world.notifications.push(notification(2, 'mention', account('100'), new Date('2026-11-24T10:00:00Z')));
    server.world.notifications.push(notification(3, 'favourite', account('101'), new Date('2026-11-24T11:00:00Z')));
    const engaged = await actor.look({ id: '100', handle: 'user100@remote.example' }, '2026-11-23T08:00:00Z');
    expect(engaged.inboundSince).toBe('2026-11-24T10:00:00.000Z');
    const notFollowed = await actor.look({ id: '300', handle: 'user300@remote.example' }, '2026-11-23T08:00:00Z');
    expect(notFollowed).toMatchObject({ following: false, gone: false });
  });
});
