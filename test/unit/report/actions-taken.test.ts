import { describe, expect, it } from 'vitest';
import { actionsTaken } from '../../../shared/report/actions-taken.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { parseHtml } from '../../helpers/parse-html.ts';
import { sampleReport } from './analysis-fixture.ts';

const HOSTILE = '<img src=x onerror=alert(1)>@evil';
const audits = actionsTaken([
  { actionId: '20261124-aaaaaa', profileId: 'demo', contactKey: 'mastodon:1', handle: HOSTILE, at: '2026-11-24T10:00:00.000Z', what: 'unfollow', outcome: 'done', platformAnswer: { status: 200, summary: 'following=false' }, confirmation: { kind: 'link', ref: 'jti' } },
  { actionId: '20261124-bbbbbb', profileId: 'demo', contactKey: 'mastodon:2', handle: '@kept@x.example', at: '2026-11-24T09:00:00.000Z', what: 'unfollow', outcome: 'skipped', reason: 'allowlisted (@kept@x.example)', confirmation: { kind: 'cli', ref: 'me@host' } },
]);

describe('actions since the last report', () => {
  it('are in the report JSON, oldest first, valid against the schema', () => {
    const report = sampleReport({ actions: audits });
    expect(ReportJson.parse(JSON.parse(JSON.stringify(report))).actions?.map((a) => a.id)).toEqual(['20261124-bbbbbb', '20261124-aaaaaa']);
  });

  it('show in the email and the text part with outcome, reason, answer and how to undo, handles as text', () => {
    const plain = parseHtml(renderReport(sampleReport({ actions: [] })).html).elements.length;
    const rendered = renderReport(sampleReport({ actions: audits }));
    const { elements } = parseHtml(rendered.html);
    expect(elements.some((e) => e.tagName === 'img')).toBe(false);
    expect(elements.length).toBeGreaterThan(plain);
    expect(rendered.html).toContain('Actions since the last report (2)');
    expect(rendered.html).toContain('skipped (20261124-bbbbbb)');
    expect(rendered.html).toContain('allowlisted (@kept@x.example)');
    expect(rendered.html).toContain('200 following=false');
    expect(rendered.text).toContain('ACTIONS SINCE THE LAST REPORT (2)');
    expect(rendered.text).toContain('followback undo ID');
  });

  it('are absent when nothing was attempted', () => {
    const report = sampleReport();
    expect(report.actions).toBeUndefined();
    expect(renderReport(report).html).not.toContain('Actions since the last report');
  });
});
