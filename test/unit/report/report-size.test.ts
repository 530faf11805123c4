/**
 * Gmail clips a message whose HTML passes about 102 KB ("[Message clipped]"),
 * hiding the end of the report and its links. The email shows at most
 * `maxRowsPerSection` rows per section (the CSV carries everyone), so its size
 * must not grow with the community: checked here at 100,000 contacts, with
 * long names full of characters that escaping lengthens and long critical
 * replies quoted as evidence.
 */
import { describe, expect, it } from 'vitest';
import { ReportConfig } from '../../../shared/config/schema.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { Analysis } from '../../../shared/domain/analysis-types.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import { reportSubject } from '../../../shared/report/render.ts';
import { renderHtml } from '../../../shared/report/render-html.ts';
import { buildReportView } from '../../../shared/report/report-view.ts';
import { syntheticInput } from '../../bench/synthetic-community.ts';

const GMAIL_CLIP_BYTES = 102 * 1024;
const NOW = new Date('2026-11-25T08:00:00Z');
const CONTACTS = 100_000;
const LONG_CRITICISM = `Wrong & bad <again>: ${'you never test anything, and "it shows" '.repeat(7)}`.slice(0, 300);

function bigAnalysis(): Analysis {
  const input = syntheticInput(CONTACTS, 100_000, NOW);
  input.current = input.current.map((c, k) => ({
    ...c,
    handle: `@${'member'.repeat(5)}_${k}@a-rather-long-instance-name.example`,
    displayName: `Ünïcødé & <Söme> "Name" ${k} ${'🌍'.repeat(8)}`,
    profileUrl: `https://a-rather-long-instance-name.example/@${'member'.repeat(5)}_${k}?ref=${'x'.repeat(40)}`,
  }));
  input.interactions = input.interactions.map((i) => (i.text !== undefined && i.text.startsWith('Wrong') ? { ...i, text: LONG_CRITICISM } : i));
  input.classifiers = { tone: (text) => (text.startsWith('Wrong') || text.includes('bad idea') ? 'negative' : 'positive'), toneClassifier: 'test' };
  return analyse(input);
}

describe('email size at 100,000 contacts', () => {
  it('renders the HTML email under Gmail\'s clipping limit with the default rows per section, while the CSV lists every contact', () => {
    const analysis = bigAnalysis();
    const maxRowsPerSection = ReportConfig.parse({ recipients: ['a@example.com'], sender: 'b@example.com' }).maxRowsPerSection;
    const report = buildReport({ profileId: 'big', locale: 'en', runId: 'r1', generatedAt: NOW.toISOString(), dryRun: false, analysis, trend: [], maxRowsPerSection });
    // The email's HTML alone (renderReport also renders the CSV, text and JSON of everyone, which this test does not need).
    const html = renderHtml(buildReportView(report), reportSubject(report));
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(GMAIL_CLIP_BYTES);
    // The sections hold thousands of contacts each: the email shows a capped number of rows, the CSV everyone.
    const unfollow = analysis.verdicts.filter((v) => v.recommendation === 'unfollow').length;
    expect(unfollow).toBeGreaterThan(10 * maxRowsPerSection);
    expect(html.match(/<tr[\s>]/g)?.length ?? 0).toBeLessThan(unfollow);
    // The CSV attachment is rendered from report.contacts: everyone is there.
    expect(report.contacts).toHaveLength(CONTACTS);
  }, 120_000);
});
