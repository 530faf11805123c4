/** What the report says about who started or stopped following you, and that a source the run knows nothing about concludes nothing. */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { followerChanges } from '../../../shared/domain/follower-changes.ts';
import { contact, daysAgo, follower, input, source, verdictOf } from '../domain/builders.ts';

describe('new_follower evidence', () => {
  it('an account you followed that follows you back: previously following, with the date they followed you', () => {
    const now = contact('back', { relation: 'mutual', followerSince: daysAgo(2) });
    const v = verdictOf(analyse(input({ current: [now], previous: [contact('back')] })).verdicts, 'back');
    expect(v.evidence.new_follower).toStrictEqual({ previousRelation: 'following', followerSince: daysAgo(2) });
  });

  it('without a follow date, the evidence does not invent one', () => {
    const f = follower('hello');
    delete f.followerSince;
    const v = verdictOf(analyse(input({ current: [f], previous: [] })).verdicts, 'hello');
    expect(v.evidence.new_follower).toStrictEqual({ previousRelation: 'absent' });
  });
});

describe('lost_follower evidence', () => {
  it('a mutual who unfollowed you and whom you still follow: previously mutual, still followed', () => {
    const v = verdictOf(analyse(input({ current: [contact('half')], previous: [contact('half', { relation: 'mutual' })] })).verdicts, 'half');
    expect(v.evidence.lost_follower).toEqual({ previousRelation: 'mutual', stillFollowed: true });
  });

  it('a follower who left entirely: previously a follower, not followed', () => {
    const v = verdictOf(analyse(input({ current: [], previous: [follower('bye')] })).verdicts, 'bye');
    expect(v.evidence.lost_follower).toEqual({ previousRelation: 'follower', stillFollowed: false });
  });

  it('a mutual who left entirely: previously mutual, not followed any more', () => {
    const v = verdictOf(analyse(input({ current: [], previous: [contact('gone', { relation: 'mutual' })] })).verdicts, 'gone');
    expect(v.evidence.lost_follower).toEqual({ previousRelation: 'mutual', stillFollowed: false });
  });
});

describe('a source this run has no state for', () => {
  it('yields no new or lost followers, and no error', () => {
    const sources = new Map([['masto', source()]]);
    const previous = [follower('left', { sourceId: 'sky' }), follower('stays', { sourceId: 'sky' })];
    const current = [follower('stays', { sourceId: 'sky' }), follower('arrived', { sourceId: 'sky' }), contact('back', { sourceId: 'sky', relation: 'mutual' })];
    const changes = followerChanges(current, [...previous, contact('back', { sourceId: 'sky' })], sources);
    expect(changes.newFollowers.size).toBe(0);
    expect(changes.lostStillContacts.size).toBe(0);
    expect(changes.formerFollowers).toEqual([]);
  });
});
