/**
 * The report says, per source, what it could and could not see (a small table
 * in the JSON, the HTML and the text part, in both locales), and each row's
 * evidence names the kinds it was judged on.
 */
import { describe, expect, it } from 'vitest';
import type { SourceSight } from '../../../shared/domain/analysis-types.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { analysis, sampleReport, sampleVerdicts, verdict } from './analysis-fixture.ts';

const ALL = ['like', 'repost', 'reply', 'quote', 'mention'] as const;
const SOURCES: SourceSight[] = [
  { sourceId: 'demo', platform: 'mastodon', inbound: [...ALL], outbound: [...ALL], inboundHidden: [], followDates: 'followers', reviewOnly: false },
  { sourceId: 'ig', platform: 'instagram', inbound: [], outbound: ['like', 'reply'], inboundHidden: ['like', 'reply', 'mention'], followDates: 'both', reviewOnly: true },
];

const quiet = verdict({
  id: 'quiet',
  sourceId: 'ig',
  platform: 'instagram',
  handle: 'quiet.person',
  recommendation: 'review',
  reasons: ['one_sided'],
  evidence: { one_sided: { outboundInWindow: 6, lookbackDays: 90, kindsSeen: [], kindsHidden: ['like', 'reply', 'mention'] } },
});
const silent = verdict({
  id: 'silent',
  handle: '@silent@example.social',
  recommendation: 'unfollow',
  reasons: ['never_engaged'],
  evidence: { never_engaged: { observedDays: 200, observedSince: '2026-05-09T08:00:00.000Z', kindsSeen: [...ALL] } },
});

function report(locale: 'en' | 'it') {
  return sampleReport({ locale, analysis: analysis({ verdicts: [...sampleVerdicts(), quiet, silent], sources: SOURCES }) });
}

describe('what each source could see', () => {
  it('is in the report JSON, and the JSON still parses against its schema', () => {
    const r = report('en');
    expect(r.meta.sources).toEqual(SOURCES);
    expect(ReportJson.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(r.contacts.find((c) => c.id === 'quiet')?.evidence.one_sided).toEqual({ outboundInWindow: 6, lookbackDays: 90, kindsSeen: [], kindsHidden: ['like', 'reply', 'mention'] });
  });

  it('is a table in the HTML and the text part (en), with a note for the source whose removals stop at review', () => {
    const { html, text } = renderReport(report('en'));
    expect(html).toContain('What each source could see');
    expect(html).toContain('Cannot see');
    expect(html).toContain('likes, reposts, replies, quotes, mentions');
    expect(html).toContain('ig (instagram): silence cannot be confirmed here, so its contacts go to review, never straight to unfollow.');
    expect(text).toContain('WHAT EACH SOURCE COULD SEE'.toLowerCase().replace(/^w/, 'W'));
    expect(text).toMatch(/ig \(instagram\)\n\s+From them\s+nothing\n\s+From you\s+likes, comments\n\s+Cannot see\s+likes, comments, tags\n\s+Follow dates\s+both/);
    expect(text).toMatch(/demo \(mastodon\)\n\s+From them\s+likes, reposts, replies, quotes, mentions/);
  });

  it('is a table in Italian too', () => {
    const { html, text } = renderReport(report('it'));
    expect(html).toContain('Cosa ha potuto vedere ogni fonte');
    expect(html).toContain('Non vede');
    expect(text).toMatch(/ig \(instagram\)\n\s+Da loro\s+niente\n\s+Da te\s+mi piace, commenti\n\s+Non vede\s+mi piace, commenti, tag\n\s+Date dei follow\s+entrambe/);
    expect(text).toContain('ig (instagram): qui il silenzio non si può confermare');
  });

  it('is left out of reports made before sources declared it', () => {
    const r = sampleReport();
    expect(r.meta.sources).toBeUndefined();
    expect(renderReport(r).html).not.toContain('What each source could see');
  });
});

/** The text part, its line wrapping undone. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('each row names the kinds it was judged on', () => {
  it('a full-sight source lists every kind in the sentence itself, and no separate line repeats them', () => {
    const text = flat(renderReport(report('en')).text);
    expect(text).toContain('No like, repost, reply, quote or mention in the 200 days followback has watched (since 9 May 2026).');
    expect(text).not.toContain('Judged on likes');
  });

  it('a partial-sight source says what it cannot show, and why that means review (en, it)', () => {
    expect(flat(renderReport(report('en')).text)).toContain('Judged on nothing; Instagram does not show who liked, commented or tagged you, so review rather than unfollow');
    expect(flat(renderReport(report('it')).text)).toContain('Valutato su niente; Instagram non mostra chi ha messo mi piace, chi ha commentato o chi ti ha taggato, quindi da valutare e non da togliere');
  });

  it('a critic on a source that cannot see likes is not said to have never liked', () => {
    const critic = verdict({
      id: 'critic',
      sourceId: 'ig',
      platform: 'instagram',
      recommendation: 'review',
      reasons: ['critic_only'],
      evidence: { critic_only: { count: 3, negative: 3, example: 'meh', exampleAt: '2026-11-20T10:00:00.000Z', kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] } },
    });
    const text = flat(renderReport(sampleReport({ analysis: analysis({ verdicts: [critic], sources: SOURCES }) })).text);
    expect(text).toContain('3 of their 3 comments and tags were negative; the latest negative one is from 20 Nov 2026.');
    expect(text).not.toContain('never liked');
  });
});
