/**
 * Issue 7, point 1: Mastodon (and snapshot files without dates) give no follow
 * date, yet the first pull reads a year of notifications. That history is
 * evidence from the first report on; the tracking that followback did itself
 * decides between "review" and "unfollow".
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { contact, daysAgo, follower, inbound, input, NOW, policy, source, verdictOf } from './builders.ts';

const firstPull = source({ historySince: daysAgo(365), trackingSince: NOW });
const undated = (id: string, firstSeenDaysAgo = 0) => contact(id, { followedAt: undefined, firstSeenAt: daysAgo(firstSeenDaysAgo) });

describe('silence without a follow date', () => {
  it('a followed account silent in a year of history is never_engaged on the first report, recommended review, with evidence that says so', () => {
    const v = verdictOf(analyse(input({ sources: [firstPull], current: [undated('quiet')] })).verdicts, 'quiet');
    expect(v.reasons).toContain('never_engaged');
    expect(v.recommendation).toBe('review');
    expect(v.evidence.never_engaged).toMatchObject({ observedDays: 365, followDateUnknown: true, trackedDays: 0, provisional: true, observedSince: daysAgo(365) });
  });

  it('once followback has tracked it for minObservationDays, the same silence means unfollow', () => {
    const tracked = source({ historySince: daysAgo(395), trackingSince: daysAgo(30) });
    const v = verdictOf(analyse(input({ sources: [tracked], current: [undated('quiet', 30)] })).verdicts, 'quiet');
    expect(v.recommendation).toBe('unfollow');
    expect(v.evidence.never_engaged).toMatchObject({ followDateUnknown: true, trackedDays: 30, provisional: false });
  });

  it('one day short of minObservationDays of tracking is still review', () => {
    const tracked = source({ historySince: daysAgo(394), trackingSince: daysAgo(29) });
    expect(verdictOf(analyse(input({ sources: [tracked], current: [undated('quiet', 29)] })).verdicts, 'quiet').recommendation).toBe('review');
  });

  it('history shorter than minObservationDays concludes nothing yet', () => {
    const short = source({ historySince: daysAgo(20), trackingSince: NOW });
    const v = verdictOf(analyse(input({ sources: [short], current: [undated('quiet')] })).verdicts, 'quiet');
    expect(v.reasons).not.toContain('never_engaged');
    expect(v.recommendation).toBe('keep');
  });

  it('a follow that appears after the first pull gets the grace period, not never_engaged', () => {
    const later = source({ historySince: daysAgo(425), trackingSince: daysAgo(60) });
    const v = verdictOf(analyse(input({ sources: [later], current: [undated('newbie', 7)] })).verdicts, 'newbie');
    expect(v.reasons).toEqual(['grace_period']);
    expect(v.recommendation).toBe('keep');
  });

  it('a follower without a follow date, silent in the history read, is never_engaged and not followed back', () => {
    const f = follower('lurker', { followerSince: undefined, firstSeenAt: NOW });
    const v = verdictOf(analyse(input({ sources: [firstPull], current: [f] })).verdicts, 'lurker');
    expect(v.reasons).toContain('never_engaged');
    expect(v.recommendation).toBe('no_follow_back');
  });

  it('an account that engaged inside the window is never unfollow, follow date or not', () => {
    const interactions = [inbound('fan', daysAgo(10))];
    const v = verdictOf(analyse(input({ sources: [firstPull], current: [undated('fan')], interactions })).verdicts, 'fan');
    expect(v.reasons).not.toContain('never_engaged');
    expect(v.recommendation).toBe('keep');
  });

  it('engagement long ago in the history read makes it dormant, not never_engaged', () => {
    const interactions = [inbound('old', daysAgo(300))];
    const v = verdictOf(analyse(input({ sources: [firstPull], current: [undated('old')], interactions })).verdicts, 'old');
    expect(v.reasons).toEqual(['dormant']);
  });

  it('a first pull whose notifications were partial concludes nothing from the silence', () => {
    const partial = source({ historySince: daysAgo(365), trackingSince: NOW, interactions: 'partial' });
    const v = verdictOf(analyse(input({ sources: [partial], current: [undated('quiet')] })).verdicts, 'quiet');
    expect(v.reasons).not.toContain('never_engaged');
    expect(v.recommendation).toBe('keep');
  });

  it('an allowlisted silent account is kept', () => {
    const v = verdictOf(
      analyse(input({ sources: [firstPull], current: [undated('mum')], decisions: { allowlist: ['mum@example.social'], snoozed: [] } })).verdicts,
      'mum',
    );
    expect(v.recommendation).toBe('keep');
  });

  it('with a known follow date nothing changes: observation starts at the follow', () => {
    const v = verdictOf(analyse(input({ sources: [firstPull], current: [contact('dated', { followedAt: daysAgo(20), firstSeenAt: NOW })], policy: policy({ graceDays: 0 }) })).verdicts, 'dated');
    expect(v.reasons).not.toContain('never_engaged');
  });
});
