import { beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../../../shared/ports/action-store.ts';
import type { DynamoActionStore } from '../../../shared/store/dynamo-action-store.ts';
import { freshTable } from '../../helpers/dynamo.ts';

const request = (id: string, confirmedAt: string): ActionRequest => ({
  id,
  profileId: 'p',
  contactKey: 'bsky:did:plc:abc',
  handle: 'abc.test',
  action: 'unfollow',
  reportAt: '2026-11-23T08:00:00.000Z',
  confirmedAt,
  confirmation: { kind: 'link', ref: 'jti-1' },
  status: 'pending',
  updatedAt: confirmedAt,
});

describe('DynamoActionStore on DynamoDB Local', () => {
  let actions: DynamoActionStore;
  beforeAll(async () => {
    actions = (await freshTable()).store.actionStore();
  }, 60_000);

  it('stores a request once and reads it back as written; a second put of the id is refused', async () => {
    expect(await actions.putActionRequest(request('a1', '2026-11-24T10:00:00.000Z'))).toBe(true);
    expect(await actions.putActionRequest({ ...request('a1', '2026-11-24T11:00:00.000Z'), action: 'follow' })).toBe(false);
    expect(await actions.getActionRequest('p', 'a1')).toEqual(request('a1', '2026-11-24T10:00:00.000Z'));
    expect(await actions.getActionRequest('p', 'nope')).toBeNull();
  });

  it('lets exactly one of two concurrent claims move a pending action', async () => {
    await actions.putActionRequest(request('a2', '2026-11-24T09:00:00.000Z'));
    const claims = await Promise.all([1, 2, 3].map(() => actions.transitionAction('p', 'a2', 'pending', 'acting', '2026-11-24T12:00:00.000Z')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await actions.transitionAction('p', 'a2', 'acting', 'done', '2026-11-24T12:00:01.000Z', 'following=false')).toBe(true);
    expect(await actions.getActionRequest('p', 'a2')).toMatchObject({ status: 'done', detail: 'following=false' });
    expect(await actions.transitionAction('p', 'missing', 'pending', 'acting', '2026-11-24T12:00:00.000Z')).toBe(false);
    expect((await actions.listActionRequests('p', 'pending')).map((r) => r.id)).toEqual(['a1']);
    expect((await actions.listActionRequests('p')).map((r) => r.id)).toEqual(['a2', 'a1']);
  });

  it('lists audits since an instant, oldest first, two in the same millisecond both kept', async () => {
    const audit = { actionId: 'a2', profileId: 'p', contactKey: 'bsky:did:plc:abc', handle: 'abc.test', what: 'unfollow' as const, outcome: 'done' as const, confirmation: { kind: 'link' as const, ref: 'jti-1' } };
    await actions.appendAudit({ ...audit, at: '2026-11-20T00:00:00.000Z' });
    await actions.appendAudit({ ...audit, at: '2026-11-24T12:00:01.000Z', platformAnswer: { status: 200, summary: 'deleted at://x' } });
    await actions.appendAudit({ ...audit, at: '2026-11-24T12:00:01.000Z', outcome: 'failed', reason: 'HTTP 500' });
    const since = await actions.listAudits('p', '2026-11-23T08:00:00+00:00');
    expect(since).toHaveLength(2);
    expect(since.map((a) => a.outcome).sort()).toEqual(['done', 'failed']);
    expect((await actions.listAudits('p')).map((a) => a.at)[0]).toBe('2026-11-20T00:00:00.000Z');
  });
});
