import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../../shared/report/i18n.ts';
import { renderReport, reportBaseName, reportSubject } from '../../../shared/report/render.ts';
import { analysis, sampleReport, staleSource } from './analysis-fixture.ts';

describe('locales', () => {
  for (const locale of ['en', 'it'] as const) {
    it(`renders every section, the banner and the trend in ${locale}`, () => {
      const m = CATALOGS[locale];
      const out = renderReport(sampleReport({ locale, analysis: analysis({ staleSources: [staleSource()] }) }));
      for (const id of ['unfollow', 'review', 'followBack', 'newFollowers', 'lostFollowers', 'topSupporters'] as const) {
        expect(out.html, `${locale} ${id}`).toContain(m.sections[id].title.replace(/'/g, '&#39;'));
        expect(out.text.toUpperCase(), `${locale} ${id}`).toContain(m.sections[id].title.toUpperCase());
      }
      expect(out.html).toContain(`<html lang="${locale}">`);
      expect(out.html).toContain(m.trendTitle);
      expect(out.text).toContain(m.staleTitle);
      for (const reason of ['inactive_account', 'never_engaged', 'dormant', 'critic_only', 'out_of_audience'] as const) {
        expect(out.html).toContain(m.reasons[reason].replace(/'/g, '&#39;'));
      }
    });
  }

  it('formats dates and decimals the Italian way in Italian', () => {
    const out = renderReport(sampleReport({ locale: 'it' }));
    expect(out.text.replace(/\s+/g, ' ')).toContain("l'ultima interazione è dell'8 lug 2026");
    expect(out.text).toContain('▲ +2,5 pp');
    expect(out.text).toContain('Segui 120 account e 95 ti seguono');
    const en = renderReport(sampleReport({ locale: 'en' }));
    expect(en.text).toContain('8 Jul 2026');
  });

  it('writes the subject with the counts in both languages', () => {
    expect(reportSubject(sampleReport({ locale: 'en' }))).toBe('followback · Demo Community: 5 to unfollow, 1 to follow back');
    expect(reportSubject(sampleReport({ locale: 'it' }))).toBe('followback · Demo Community: 5 da non seguire più, 1 da ricambiare');
    expect(reportSubject(sampleReport({ locale: 'en', dryRun: true }))).toMatch(/^\[dry run\] /);
  });

  it('keeps a profile name with line breaks on one subject line', () => {
    expect(reportSubject(sampleReport({ profileName: 'Evil\r\nBcc: victim@example.com' }))).toBe('followback · Evil Bcc: victim@example.com: 5 to unfollow, 1 to follow back');
  });

  it('names files after the profile and the UTC day of the report', () => {
    expect(reportBaseName(sampleReport({ generatedAt: '2026-11-25T23:30:00-02:00' }))).toBe('followback-demo-2026-11-26');
  });

  it('has the same message keys in every catalog', () => {
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(CATALOGS.it)).toEqual(keys(CATALOGS.en));
    expect(keys(CATALOGS.it.evidence)).toEqual(keys(CATALOGS.en.evidence));
  });
});
