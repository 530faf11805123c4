/**
 * The evidence of silence speaks each network's words and names the network properly: on
 * Instagram replies are comments and mentions tags; on Facebook likes are reactions too; Threads
 * and X keep replies, mentions, reposts and likes; other platforms keep the catalog's words. In
 * the text and the HTML, en and it.
 */
import { describe, expect, it } from 'vitest';
import type { ContactVerdict } from '../../../shared/domain/analysis-types.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { parseHtml, textOf } from '../../helpers/parse-html.ts';
import { analysis, sampleReport, verdict } from './analysis-fixture.ts';

type Kind = 'like' | 'repost' | 'reply' | 'quote' | 'mention';

function quiet(platform: string, kindsSeen: Kind[], kindsHidden: Kind[], inboundByKind: Partial<Record<Kind, number>> = {}): ContactVerdict {
  const inbound = Object.values(inboundByKind).reduce((n, k) => n + k, 0);
  return verdict({
    id: `quiet-${platform}`,
    sourceId: platform,
    platform,
    handle: `quiet.${platform}`,
    recommendation: 'review',
    reasons: ['one_sided'],
    evidence: { one_sided: { outboundInWindow: 6, lookbackDays: 90, kindsSeen, ...(kindsHidden.length > 0 ? { kindsHidden } : {}) } },
    stats: { inboundInWindow: inbound, inboundByKind, outboundInWindow: 6, inboundTotal: inbound, outboundTotal: 6, observedDays: 200, followedForDays: 300, score: 0 },
  });
}

function both(locale: 'en' | 'it', v: ContactVerdict): { text: string; html: string } {
  const { text, html } = renderReport(sampleReport({ locale, analysis: analysis({ verdicts: [v] }) }));
  const parsed = parseHtml(html);
  expect(parsed.errors).toEqual([]);
  return { text: text.replace(/\s+/g, ' '), html: textOf(parsed.document).replace(/\s+/g, ' ') };
}

/** A one-sided row: its sentence names the kinds seen, in the network's words; a second sentence says what the source cannot show. */
const CASES: { platform: string; seen: Kind[]; hidden: Kind[]; en: string[]; it: string[] }[] = [
  {
    platform: 'instagram',
    seen: ['reply', 'mention'],
    hidden: ['like'],
    en: ['You interacted with them 6 times in the last 90 days, and got no comment or tag back.', 'Instagram does not show who liked, so review rather than unfollow.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, senza ricevere in cambio alcun commento o tag.', 'Instagram non mostra chi ha messo mi piace, quindi da valutare e non da togliere.'],
  },
  {
    platform: 'facebook',
    seen: ['like', 'reply', 'mention'],
    hidden: ['repost'],
    en: ['You interacted with them 6 times in the last 90 days, and got no reaction, comment or tag back.', 'Facebook does not show who shared, so review rather than unfollow.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, senza ricevere in cambio alcuna reazione, commento o tag.', 'Facebook non mostra chi ha condiviso, quindi da valutare e non da togliere.'],
  },
  {
    platform: 'threads',
    seen: ['reply', 'mention'],
    hidden: ['like', 'repost', 'quote'],
    en: ['You interacted with them 6 times in the last 90 days, and got no reply or mention back.', 'Threads does not show who liked, reposted or quoted you, so review rather than unfollow.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, senza ricevere in cambio alcuna risposta o menzione.', 'Threads non mostra chi ha messo mi piace, chi ha condiviso o chi ti ha citato, quindi da valutare e non da togliere.'],
  },
  {
    platform: 'x',
    seen: ['like', 'repost', 'reply', 'quote', 'mention'],
    hidden: ['like', 'repost'],
    en: ['You interacted with them 6 times in the last 90 days, and got no like, repost, reply, quote or mention back.', 'X does not show who liked or reposted, so review rather than unfollow.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, senza ricevere in cambio alcun mi piace, repost, risposta, citazione o menzione.', 'X non mostra chi ha messo mi piace o chi ha fatto repost, quindi da valutare e non da togliere.'],
  },
  {
    platform: 'bluesky',
    seen: ['like', 'repost', 'reply', 'quote', 'mention'],
    hidden: [],
    en: ['You interacted with them 6 times in the last 90 days, and got no like, repost, reply, quote or mention back.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, senza ricevere in cambio alcun mi piace, condivisione, risposta, citazione o menzione.'],
  },
  {
    platform: 'linkedin',
    seen: [],
    hidden: ['like', 'reply'],
    en: ['You interacted with them 6 times in the last 90 days, and got nothing back that LinkedIn shows.', 'Judged on nothing; LinkedIn does not show who liked or replied, so review rather than unfollow.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, e LinkedIn non mostra nulla da parte loro.', 'Valutato su niente; LinkedIn non mostra chi ha messo mi piace o chi ha risposto, quindi da valutare e non da togliere.'],
  },
];

describe("the kinds a row was judged on, in its network's words", () => {
  for (const c of CASES) {
    it(`${c.platform} (en, it; text and HTML)`, () => {
      const v = quiet(c.platform, c.seen, c.hidden);
      const en = both('en', v);
      const it = both('it', v);
      for (const sentence of c.en) {
        expect(en.text).toContain(sentence);
        expect(en.html).toContain(sentence);
      }
      for (const sentence of c.it) {
        expect(it.text).toContain(sentence);
        expect(it.html).toContain(sentence);
      }
      // The kinds seen are said once, in the sentence: no "Judged on ..." line repeats them.
      if (c.seen.length > 0) {
        expect(en.text).not.toContain('Judged on');
        expect(it.text).not.toContain('Valutato su');
      }
    });
  }

  it('a platform no catalog knows keeps its id and the catalog words', () => {
    const { text } = both('en', quiet('myspace', ['reply'], ['like']));
    expect(text).toContain('and got no reply back.');
    expect(text).toContain('myspace does not show who liked, so review rather than unfollow.');
  });

  it("the row's counts by kind use the same words", () => {
    const { text, html } = both('en', quiet('instagram', ['reply', 'mention'], ['like'], { reply: 2, mention: 1 }));
    expect(text).toContain('Last 90 days: 3 from them (comments 2, tags 1), 6 from you');
    expect(html).toContain('(comments 2, tags 1)');
    expect(both('it', quiet('facebook', ['like', 'reply'], [], { like: 4 })).text).toContain('4 da loro (reazioni 4)');
  });
});
