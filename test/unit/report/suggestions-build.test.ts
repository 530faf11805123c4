/** buildReport carries what the app part worked out from the owner's decisions: copied, and absent when empty. */
import { describe, expect, it } from 'vitest';
import type { ConfigSuggestion, DecisionTally } from '../../../shared/domain/suggestions.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { sampleReport } from './analysis-fixture.ts';

const suggestion: ConfigSuggestion = { reason: 'one_sided', setting: 'policy.oneSidedThreshold', change: 'raise', current: 5, to: 9, decided: 10, kept: 9, snoozed: 0, acted: 1, measured: 9, leftOut: 7 };
const tally: DecisionTally = { reason: 'one_sided', decided: 10, kept: 9, snoozed: 0, acted: 1 };

describe('buildReport: configSuggestions and decisionTallies', () => {
  it('are carried into the JSON (a copy), which still parses', () => {
    const suggestions = [suggestion];
    const report = sampleReport({ configSuggestions: suggestions, decisionTallies: [tally] });
    expect(report.configSuggestions).toEqual([suggestion]);
    expect(report.configSuggestions?.[0]).not.toBe(suggestion);
    expect(report.decisionTallies).toEqual([tally]);
    expect(ReportJson.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('are absent when there is nothing (older consumers see the report they know)', () => {
    for (const report of [sampleReport(), sampleReport({ configSuggestions: [], decisionTallies: [] })]) {
      expect('configSuggestions' in report).toBe(false);
      expect('decisionTallies' in report).toBe(false);
    }
  });
});

describe('the email shows the suggestions', () => {
  it('in the HTML and the text part, in the report language, and not at all without them', async () => {
    const { renderReport } = await import('../../../shared/report/render.ts');
    const en = renderReport(sampleReport({ configSuggestions: [suggestion], decisionTallies: [tally] }));
    const flat = (t: string): string => t.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(flat(en.html)).toContain('oneSidedThreshold');
    expect(en.text.replace(/\s+/g, ' ')).toContain('oneSidedThreshold');
    const it_ = renderReport(sampleReport({ locale: 'it', configSuggestions: [suggestion], decisionTallies: [tally] }));
    expect(flat(it_.html)).toContain('oneSidedThreshold');
    const none = renderReport(sampleReport());
    expect(none.html).not.toContain('oneSidedThreshold');
    expect(none.text).not.toContain('oneSidedThreshold');
  });
});
