/**
 * What a source cannot see is not absence either (DESIGN.md): silence is
 * judged only over the inbound kinds a source sees, the evidence names them,
 * and where a kind the network has is hidden a removal stops at review.
 * The declarations below stand for the coming export and API sources.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { Observability } from '../../../shared/domain/model.ts';
import { canonicalSight, ENGAGEMENT_KINDS, kindsEvidence, SEES_EVERYTHING, silenceUnconfirmed } from '../../../shared/domain/observability.ts';
import { contact, daysAgo, follower, inbound, input, outbound, source, verdictOf } from './builders.ts';

/** An Instagram export: your likes and comments, nobody else's. */
const EXPORT: Observability = { inbound: [], outbound: ['like', 'reply'], inboundHidden: ['like', 'reply', 'mention'], followDates: 'both' };
/** The Instagram API: comments and tags on your posts, likes only as a count. */
const API: Observability = { inbound: ['reply', 'mention'], outbound: ['like', 'reply'], inboundHidden: ['like'], followDates: 'both' };
/** A source that sees replies only, and says nothing is hidden from it. */
const REPLIES_ONLY: Observability = { inbound: ['reply'], outbound: [], followDates: 'none' };

const negative = () => 'negative' as const;
const judge = (observes: Observability | undefined, rest: Parameters<typeof input>[0] = {}) =>
  analyse(input({ sources: [source(observes !== undefined ? { observes } : {})], ...rest }));

describe('a source that sees no inbound engagement (an export)', () => {
  it('concludes no never_engaged and no dormant, and never unfollow', () => {
    const current = [contact('silent'), contact('once', { lifetime: { inbound: 1, outbound: 0, lastInboundAt: daysAgo(300) } }), contact('gone', { state: 'deleted' })];
    const { verdicts } = judge(EXPORT, { current });
    expect(verdictOf(verdicts, 'silent').reasons).toEqual([]);
    expect(verdictOf(verdicts, 'silent').recommendation).toBe('keep');
    expect(verdictOf(verdicts, 'once').reasons).not.toContain('dormant');
    expect(verdictOf(verdicts, 'gone').reasons).toEqual(['inactive_account']);
    expect(verdictOf(verdicts, 'gone').recommendation).toBe('review');
  });

  it('still finds one_sided from what you gave, and its evidence says nothing from them is seen', () => {
    const gifts = Array.from({ length: 5 }, (_, k) => outbound('star', daysAgo(k + 1), 'like'));
    const v = verdictOf(judge(EXPORT, { current: [contact('star')], interactions: gifts }).verdicts, 'star');
    expect(v.reasons).toEqual(['one_sided']);
    expect(v.evidence.one_sided).toEqual({ outboundInWindow: 5, lookbackDays: 90, kindsSeen: [], kindsHidden: ['like', 'reply', 'mention'] });
    expect(v.recommendation).toBe('review');
  });

  it('carries over no silence from a previous run on a stale pull: it was never observable', () => {
    const current = [contact('ghost', { previousReasons: ['never_engaged', 'dormant'] })];
    const v = verdictOf(analyse(input({ sources: [source({ interactions: 'partial', observes: EXPORT })], current })).verdicts, 'ghost');
    expect(v.reasons).toEqual([]);
    expect(v.recommendation).toBe('keep');
  });

  it('follows back nobody on engagement it cannot see, and still reports new followers from complete lists', () => {
    const previous = [contact('old')];
    const current = [contact('old'), follower('fresh')];
    const { verdicts } = analyse(input({ sources: [source({ previousContactsComplete: true, observes: EXPORT })], current, previous }));
    expect(verdictOf(verdicts, 'fresh').reasons).toEqual(['new_follower']);
    expect(verdictOf(verdicts, 'fresh').recommendation).toBe('no_follow_back');
  });
});

describe('a source that sees some inbound kinds (an API that shows comments, not likes)', () => {
  it('a contact silent in every kind seen is never_engaged, names the kinds seen and hidden, and stops at review', () => {
    const v = verdictOf(judge(API, { current: [contact('quiet')] }).verdicts, 'quiet');
    expect(v.reasons).toEqual(['never_engaged']);
    expect(v.evidence.never_engaged).toMatchObject({ kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] });
    expect(v.recommendation).toBe('review');
  });

  it('a dormant commenter stops at review, with the kinds in the evidence', () => {
    const v = verdictOf(judge(API, { current: [contact('sleepy')], interactions: [inbound('sleepy', daysAgo(200), 'reply')] }).verdicts, 'sleepy');
    expect(v.evidence.dormant).toEqual({ lastInboundAt: daysAgo(200), daysSinceInbound: 200, kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] });
    expect(v.recommendation).toBe('review');
  });

  it('an engaged commenter is protected exactly as on Mastodon', () => {
    const v = verdictOf(judge(API, { current: [contact('fan')], interactions: [inbound('fan', daysAgo(3), 'reply')] }).verdicts, 'fan');
    expect(v.reasons).toEqual([]);
    expect(v.recommendation).toBe('keep');
  });

  it('a commenter who only criticises is critic_only, at review: they may like you where it cannot be seen', () => {
    const interactions = [inbound('critic', daysAgo(100), 'reply', { text: 'bad' }), inbound('critic', daysAgo(101), 'reply', { text: 'worse' })];
    const v = verdictOf(judge(API, { current: [contact('critic')], interactions, classifiers: { tone: negative } }).verdicts, 'critic');
    expect(v.reasons).toContain('critic_only');
    expect(v.evidence.critic_only).toMatchObject({ kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] });
    expect(v.recommendation).toBe('review');
  });
});

describe('judged only from what is observable', () => {
  it('no critic_only where no reply, quote or mention is seen', () => {
    const likesOnly: Observability = { inbound: ['like'], outbound: ['like'], followDates: 'both' };
    const interactions = [inbound('critic', daysAgo(100), 'reply', { text: 'bad' }), inbound('critic', daysAgo(101), 'reply', { text: 'worse' })];
    const v = verdictOf(judge(likesOnly, { current: [contact('critic')], interactions, classifiers: { tone: negative } }).verdicts, 'critic');
    expect(v.reasons).not.toContain('critic_only');
  });

  it('no one_sided where nothing you give is seen', () => {
    const gifts = Array.from({ length: 5 }, (_, k) => outbound('star', daysAgo(k + 1)));
    const v = verdictOf(judge(REPLIES_ONLY, { current: [contact('star'), contact('other')], interactions: gifts }).verdicts, 'star');
    expect(v.reasons).not.toContain('one_sided');
  });

  it('a source that sees some kinds and hides none judges as before: unfollow, with the kinds named', () => {
    const v = verdictOf(judge(REPLIES_ONLY, { current: [contact('quiet')] }).verdicts, 'quiet');
    expect(v.evidence.never_engaged).toMatchObject({ kindsSeen: ['reply'] });
    expect(v.evidence.never_engaged).not.toHaveProperty('kindsHidden');
    expect(v.recommendation).toBe('unfollow');
  });

  it('a source that declares nothing sees everything: unchanged judgement, every kind named', () => {
    const v = verdictOf(judge(undefined, { current: [contact('quiet')] }).verdicts, 'quiet');
    expect(v.evidence.never_engaged).toMatchObject({ kindsSeen: [...ENGAGEMENT_KINDS] });
    expect(v.recommendation).toBe('unfollow');
  });

  it('the analysis says what each source could see, in canonical form', () => {
    const messy: Observability = { inbound: ['mention', 'reply', 'reply'], outbound: ['reply', 'like'], inboundHidden: ['like', 'reply'], followDates: 'followers' };
    const a = analyse(input({ sources: [source({ observes: messy }), source({ sourceId: 'sky', platform: 'bluesky' })] }));
    expect(a.sources).toEqual([
      { sourceId: 'masto', platform: 'mastodon', inbound: ['reply', 'mention'], outbound: ['like', 'reply'], inboundHidden: ['like'], followDates: 'followers', reviewOnly: true },
      { sourceId: 'sky', platform: 'bluesky', inbound: [...ENGAGEMENT_KINDS], outbound: [...ENGAGEMENT_KINDS], inboundHidden: [], followDates: 'both', reviewOnly: false },
    ]);
  });
});

describe('the declaration helpers', () => {
  it('a kind both seen and hidden counts as seen', () => {
    expect(canonicalSight({ inbound: ['like'], outbound: [], inboundHidden: ['like'], followDates: 'none' }).inboundHidden).toEqual([]);
    expect(silenceUnconfirmed({ inbound: ['like'], outbound: [], inboundHidden: ['like'], followDates: 'none' })).toBe(false);
  });

  it('silence is unconfirmed with nothing inbound seen, or a kind hidden', () => {
    expect(silenceUnconfirmed(EXPORT)).toBe(true);
    expect(silenceUnconfirmed(API)).toBe(true);
    expect(silenceUnconfirmed({ inbound: [], outbound: [], followDates: 'none' })).toBe(true);
    expect(silenceUnconfirmed(REPLIES_ONLY)).toBe(false);
    expect(silenceUnconfirmed(SEES_EVERYTHING)).toBe(false);
  });

  it('the evidence lists kinds in vocabulary order, hidden ones only when there are some', () => {
    expect(kindsEvidence({ inbound: ['mention', 'like'], outbound: [], followDates: 'none' })).toEqual({ kindsSeen: ['like', 'mention'] });
    expect(kindsEvidence(API)).toEqual({ kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] });
  });
});
