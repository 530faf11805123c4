/**
 * An optional tone classifier that handed replies to the local one (Bedrock past its cost cap, or
 * failing) says so in the email, in the report language; the JSON carries it as a notice.
 */
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../shared/report/render.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { sampleReport } from './analysis-fixture.ts';

const DETAIL = 'Bedrock reached this run\'s cost cap ($0.10) after 400 replies; the local classifier judged the other 120 <b>';
const flat = (t: string): string => t.replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('a tone classifier that fell back to the local one', () => {
  it('is a notice in the JSON and a line in the HTML and the text, escaped', () => {
    const report = sampleReport({ classifierNotices: [DETAIL] });
    expect(report.notices).toContainEqual({ kind: 'classifier_fallback', detail: DETAIL });
    expect(ReportJson.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    const { html, text } = renderReport(report);
    expect(flat(html)).toContain(`Tone was judged, in part by the local classifier: ${DETAIL}`);
    expect(html).not.toContain('120 <b>');
    expect(text.replace(/\s+/g, ' ')).toContain('Tone was judged, in part by the local classifier:');
  });

  it('speaks Italian in an Italian report, and is absent when nothing fell back', () => {
    const it_ = renderReport(sampleReport({ locale: 'it', classifierNotices: [DETAIL] }));
    expect(flat(it_.html)).toContain('Il tono è stato valutato, in parte dal classificatore locale:');
    const none = sampleReport();
    expect(none.notices.some((n) => n.kind === 'classifier_fallback')).toBe(false);
  });
});
