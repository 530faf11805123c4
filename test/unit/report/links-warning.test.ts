/**
 * A decision link acts for whoever clicks it: an email that carries them says
 * so in its footer (forwarding it hands over the decisions) and says when the
 * links stop working. An email without links says nothing of the kind.
 */
import { describe, expect, it } from 'vitest';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import { escapeHtml } from '../../../shared/report/escape-html.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { analysis, NOW, sampleReport, verdict } from './analysis-fixture.ts';

const links = decisionLinks({ baseUrl: 'https://decide.example.org/d', keyring: keyringOf(newKeyringJson('k1')), profileId: 'demo', now: new Date(NOW) });

const WARNING = {
  en: "Anyone who has this email can use its links to keep, snooze, unfollow or follow back these accounts, so don't forward it. The links expire in 14 days, on 9 Dec 2026.",
  it: 'Chiunque abbia questa email può usarne i link per tenere, rimandare, smettere di seguire o seguire questi account: non inoltrarla. I link scadono tra 14 giorni, il 9 dic 2026.',
} as const;

/** The plain-text part's footer (below its last rule), lines joined again. */
const textFooter = (text: string): string => (text.split(`${'-'.repeat(78)}\n`).at(-1) ?? '').replace(/\s+/g, ' ');
/** The HTML's last block, the footer. */
const htmlFooter = (html: string): string => html.slice(html.lastIndexOf('<tr><td'));

describe('the footer of an email with decision links', () => {
  for (const locale of ['en', 'it'] as const) {
    it(`says in ${locale}, in both parts, that whoever holds the email can decide with its links, and when they expire`, () => {
      const out = renderReport(sampleReport({ locale }), { links });
      expect(out.html).toContain('?t=fb2.');
      expect(htmlFooter(out.html)).toContain(escapeHtml(WARNING[locale]));
      expect(textFooter(out.text)).toContain(WARNING[locale]);
      // First in the footer, before the run's details.
      expect(textFooter(out.text).trim().startsWith(WARNING[locale])).toBe(true);
    });

    it(`says nothing of it in ${locale} when the email has no decision links`, () => {
      const out = renderReport(sampleReport({ locale }));
      expect(out.html).not.toContain('?t=');
      for (const part of [out.html, out.text.replace(/\s+/g, ' ')]) {
        expect(part).not.toContain(escapeHtml(WARNING[locale]).slice(0, 40));
        expect(part).not.toContain(WARNING[locale].slice(0, 40));
      }
    });
  }

  it('says nothing of it when no row could get a link, even with a decision page (an id too long for any link)', () => {
    const hostile = verdict({ id: 'x'.repeat(700), recommendation: 'unfollow', reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 200, observedSince: '2026-05-09T08:00:00.000Z' } } });
    const out = renderReport(sampleReport({ analysis: analysis({ verdicts: [hostile] }) }), { links });
    expect(out.html).toContain(hostile.handle);
    expect(out.html).not.toContain('?t=');
    expect(out.text).not.toContain(WARNING.en.slice(0, 40));
  });
});
