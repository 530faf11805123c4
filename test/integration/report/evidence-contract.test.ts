/**
 * Issue 9, point 2: evidence is one contract from the rules to the email. The
 * real demo community goes through the real run (DynamoDB Local, the shipped
 * classifiers) twice a week apart; every reason's evidence must validate
 * against its schema (the report JSON is strict), every fact key must have a
 * label in both locales, and every fact line of every row the email shows must
 * appear in its HTML and its text part.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'parse5';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../../shared/app/run-report.ts';
import { buildClassifiers } from '../../../shared/classify/build-classifiers.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { ProfileConfig } from '../../../shared/config/schema.ts';
import { REASON_CODES } from '../../../shared/domain/analysis-types.ts';
import { EVIDENCE_SCHEMAS } from '../../../shared/domain/evidence.ts';
import { OutboxMailer } from '../../../shared/mail/outbox-mailer.ts';
import { messagesFor } from '../../../shared/report/i18n.ts';
import { fitEmail, renderReport, reportSubject } from '../../../shared/report/render.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { DEMO_ALLOWLIST, DEMO_AUDIENCE, DemoSource } from '../../../shared/sources/demo/demo-source.ts';
import { freshTable } from '../../helpers/dynamo.ts';

/** All text of an HTML document, as a reader sees it (entities decoded), whitespace collapsed. */
function htmlText(html: string): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    const n = node as { nodeName?: string; value?: string; childNodes?: unknown[] };
    if (n.nodeName === '#text' && typeof n.value === 'string') out.push(n.value);
    for (const child of n.childNodes ?? []) walk(child);
  };
  walk(parse(html));
  return out.join(' ').replace(/\s+/g, ' ');
}
const squash = (text: string): string => text.replace(/\s+/g, ' ');

describe('evidence: one typed contract from the rules to the email (real demo run)', () => {
  const reports: ReportJson[] = [];

  beforeAll(async () => {
    const table = await freshTable();
    const config = parseConfig(
      {
        profiles: [
          {
            id: 'demo',
            sources: [{ type: 'demo', id: 'demo', seed: 42, size: 600 }],
            allowlist: DEMO_ALLOWLIST,
            snoozed: [{ contact: 'demo:placeholder', until: '2027-01-01' }],
            audience: DEMO_AUDIENCE,
            report: { recipients: ['you@example.com'], sender: 'fb@example.com', maxRowsPerSection: 1000 },
          },
        ],
      },
      'evidence contract test',
    );
    const profile = config.profiles[0] as ProfileConfig;
    const classifiers = await buildClassifiers([profile]);
    const outDir = await mkdtemp(join(tmpdir(), 'fb-evidence-'));
    const deps = { store: table.store, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 42, size: 600 })], mailer: new OutboxMailer({ dir: outDir }), ...classifiers };
    for (const at of ['2026-11-23T08:00:00Z', '2026-11-30T08:00:00Z']) {
      const result = await runReport({ profile, now: new Date(at), dryRun: false }, deps);
      reports.push(ReportJson.parse(JSON.parse(result.report?.json ?? 'null')));
    }
  }, 180_000);

  it('the run produces evidence for every reason code but snoozed, each valid against its own schema', () => {
    const seen = new Set<string>();
    for (const report of reports) {
      for (const c of report.contacts) {
        for (const [code, facts] of Object.entries(c.evidence)) {
          seen.add(code);
          const schema = EVIDENCE_SCHEMAS[code as keyof typeof EVIDENCE_SCHEMAS];
          if (!('carriedOver' in facts && Object.keys(facts).length === 1)) expect(schema.safeParse(facts).error, `${c.key} ${code}`).toBeUndefined();
        }
      }
    }
    expect([...seen].sort()).toEqual(REASON_CODES.filter((c) => c !== 'snoozed').sort());
  });

  it('every evidence key the run emits has a label in English and in Italian', () => {
    const en = messagesFor('en').evidence as Record<string, string | undefined>;
    const itLabels = messagesFor('it').evidence as Record<string, string | undefined>;
    for (const report of reports) {
      for (const c of report.contacts) {
        for (const facts of Object.values(c.evidence)) {
          for (const key of Object.keys(facts)) {
            expect(en[key], `en label for ${key}`).toEqual(expect.any(String));
            expect(itLabels[key], `it label for ${key}`).toEqual(expect.any(String));
          }
        }
      }
    }
  });

  it.each(['en', 'it'] as const)('every fact of every row the email shows appears in its HTML and its text part (%s)', (locale) => {
    for (const json of reports) {
      const report = { ...json, meta: { ...json.meta, locale } };
      // The rows the email shows: as many as fit its byte budget (the CSV carries the rest).
      const { view } = fitEmail(report, reportSubject(report));
      const rendered = renderReport(report);
      const html = htmlText(rendered.html);
      const text = squash(rendered.text);
      const rows = view.sections.flatMap((s) => s.groups.flatMap((g) => g.rows));
      expect(rows.length).toBeGreaterThan(50);
      for (const row of rows) {
        for (const fact of row.facts) {
          expect(html, `${row.key}: ${fact}`).toContain(squash(fact));
          expect(text, `${row.key}: ${fact}`).toContain(squash(fact));
        }
        if (row.quote !== null) expect(html).toContain(squash(row.quote));
      }
    }
  });
});
