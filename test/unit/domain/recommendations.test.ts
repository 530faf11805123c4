import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { contact, daysAgo, follower, inbound, input, outbound, policy, verdictOf } from './builders.ts';

describe('recommendations', () => {
  it('an account you follow that engages in the window is kept', () => {
    const v = verdictOf(analyse(input({ current: [contact('friend')], interactions: [inbound('friend', daysAgo(10))] })).verdicts, 'friend');
    expect(v).toMatchObject({ recommendation: 'keep', reasons: [] });
  });

  it('a mutual is judged as an account you follow', () => {
    const v = verdictOf(analyse(input({ current: [contact('m', { relation: 'mutual', followerSince: daysAgo(400) })] })).verdicts, 'm');
    expect(v.recommendation).toBe('unfollow');
  });

  it('a follower with enough inbound in the window gets follow_back', () => {
    const p = policy({ followBackMinInteractions: 2 });
    const interactions = [inbound('fan', daysAgo(1)), inbound('fan', daysAgo(2)), inbound('shy', daysAgo(1))];
    const { verdicts } = analyse(input({ policy: p, current: [follower('fan'), follower('shy')], interactions }));
    expect(verdictOf(verdicts, 'fan').recommendation).toBe('follow_back');
    expect(verdictOf(verdicts, 'shy').recommendation).toBe('no_follow_back');
  });

  it('a follower engaged only before the window gets no_follow_back', () => {
    const v = verdictOf(analyse(input({ current: [follower('past')], interactions: [inbound('past', daysAgo(95))] })).verdicts, 'past');
    expect(v.recommendation).toBe('no_follow_back');
  });

  it('a follower outside the audience is not followed back, however engaged', () => {
    const classifiers = { audience: () => ({ language: 'de', confidence: 0.9, languageShare: 1, textsRead: 4 }) };
    const v = verdictOf(analyse(input({ current: [follower('f')], interactions: [inbound('f', daysAgo(1))], classifiers })).verdicts, 'f');
    expect(v.recommendation).toBe('no_follow_back');
  });

  it('a follower who is only a critic is not followed back', () => {
    const interactions = [inbound('f', daysAgo(1), 'reply', { text: 'a' }), inbound('f', daysAgo(2), 'mention', { text: 'b' })];
    const v = verdictOf(analyse(input({ current: [follower('f')], interactions, classifiers: { tone: () => 'negative' } })).verdicts, 'f');
    expect(v.recommendation).toBe('no_follow_back');
  });

  it('one_sided with a quiet account is review, not unfollow', () => {
    const interactions = [...Array.from({ length: 5 }, (_, k) => outbound('c', daysAgo(k))), inbound('c', daysAgo(100))];
    const v = verdictOf(analyse(input({ current: [contact('c', { lastPostAt: daysAgo(200) })], interactions })).verdicts, 'c');
    expect(v.reasons).toEqual(['one_sided', 'inactive_account']);
    expect(v.recommendation).toBe('review');
  });
});

describe('verdict order', () => {
  it('sorts unfollow, review, follow_back, keep, no_follow_back, former followers, then by handle', () => {
    const current = [
      follower('z-lurker'),
      contact('b-keep'),
      follower('c-fan'),
      contact('y-ghost'),
      contact('a-ghost'),
      contact('x-quiet', { lastPostAt: daysAgo(300) }),
      contact('A-keep'),
    ];
    const interactions = ['b-keep', 'c-fan', 'x-quiet', 'A-keep'].map((id) => inbound(id, daysAgo(1)));
    const { verdicts } = analyse(input({ current, interactions, previous: [...current, follower('left')] }));
    expect(verdicts.map((v) => `${v.recommendation}:${v.id}`)).toEqual([
      'unfollow:a-ghost',
      'unfollow:y-ghost',
      'review:x-quiet',
      'follow_back:c-fan',
      'keep:A-keep',
      'keep:b-keep',
      'no_follow_back:z-lurker',
      'null:left',
    ]);
  });

  it('gives the same result for the same input, whatever the order of contacts and interactions', () => {
    const current = ['d', 'a', 'c', 'b'].map((id) => contact(id));
    const interactions = [inbound('a', daysAgo(1)), inbound('c', daysAgo(2), 'reply'), outbound('b', daysAgo(1))];
    const one = analyse(input({ policy: policy({ topSupporters: 3 }), current, interactions }));
    const two = analyse(input({ policy: policy({ topSupporters: 3 }), current: [...current].reverse(), interactions: [...interactions].reverse() }));
    expect(two).toEqual(one);
  });
});
