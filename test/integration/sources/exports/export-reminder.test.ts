/**
 * The export reminder end to end, short of the store: real Instagram ZIPs in a
 * temp exports folder, read by the export source, its pull's `exportAge` turned
 * into the report's `exportReminders` (shared/app/export-ages.ts), rendered
 * into the email. A 40-day-old export asks for a new one with Instagram's
 * steps; a fresh one does not; an empty folder says no export was read yet; a
 * pull that fails still reminds from the last export read (the stored cursor).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAges } from '../../../../shared/app/export-ages.ts';
import type { PullOutcome } from '../../../../shared/app/merge-pulls.ts';
import { SourceConfig } from '../../../../shared/config/schema.ts';
import { SourcePull } from '../../../../shared/domain/model.ts';
import type { SourceState } from '../../../../shared/ports/store.ts';
import { SourceError } from '../../../../shared/ports/source.ts';
import { buildReport } from '../../../../shared/report/build-report.ts';
import { renderReport } from '../../../../shared/report/render.ts';
import { ReportJson } from '../../../../shared/report/report-schema.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';
import { analysis, reportInput } from '../../../unit/report/analysis-fixture.ts';
import { instagramEntries, instagramHtmlEntries, writeZip } from './export-source-fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fb-export-reminder-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
const freshDir = async (): Promise<string> => {
  const dir = join(root, `exports-${++n}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

const OCT = instagramEntries({
  day: '2026-10-16',
  followers: [['ada', '2025-01-10T10:00:00Z']],
  following: [['ada', '2025-01-09T10:00:00Z']],
});
const NOW = '2026-11-25T08:00:00.000Z';
const CONFIG = SourceConfig.parse({ type: 'instagram', exports: 'exports/instagram' });

/** One run of the source, as the report step sees it: the outcome, then the email. */
async function runOver(dir: string, opts: { cursor?: string; stored?: SourceState[]; locale?: 'en' | 'it' } = {}) {
  const source = new ExportSource({ id: 'instagram', network: 'instagram', dir, reminderDays: 30 });
  let outcome: PullOutcome;
  try {
    const pull = SourcePull.parse(await source.pull({ now: new Date(NOW), ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}) }));
    outcome = { sourceId: 'instagram', platform: 'instagram', ok: true, pull };
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    outcome = { sourceId: 'instagram', platform: 'instagram', ok: false, problem: err.message };
  }
  const report = buildReport(
    reportInput({
      locale: opts.locale ?? 'en',
      generatedAt: NOW,
      analysis: analysis({ now: NOW }),
      exportSources: exportAges([CONFIG], [outcome], opts.stored ?? []),
      sourceProblems: outcome.ok ? [{ sourceId: 'instagram', platform: 'instagram', problems: outcome.pull.problems }] : [],
    }),
  );
  return { outcome, report, ...renderReport(report) };
}

const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('the reminder to download a new export', () => {
  it('a 40-day-old export: the email asks for a new one, with the days since and the steps, once', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'instagram-me.brand-2026-10-16-Ab3dE.zip'), OCT);
    const { outcome, report, html, text } = await runOver(dir);
    expect(outcome.ok).toBe(true);
    expect(report.exportReminders).toEqual([{ sourceId: 'instagram', platform: 'instagram', newestExportAt: '2026-10-16T00:00:00.000Z', daysSince: 40, reminderDays: 30 }]);
    expect(ReportJson.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(html).toContain('Instagram: the newest export read is from 16 Oct 2026, 40 days ago.');
    expect(flat(text)).toContain('How: Accounts Center → Your information and permissions → Download your information → Download to device; Format JSON, Date range All time, with "Followers and following" and "Your activity". Then file it with followback import.');
    // Said once: no problem line repeats it among the notices.
    expect(flat(text).match(/Download your information/g)).toHaveLength(1);
    expect(html.match(/Download your information/g)).toHaveLength(1);
  });

  it('the next run, with no new export, still reminds from the last one read (and says no new export)', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'instagram-me.brand-2026-10-16-Ab3dE.zip'), OCT);
    const { outcome, report, text } = await runOver(dir, { cursor: '2026-10-16T00:00:00.000Z' });
    expect(outcome.ok && outcome.pull.problems).toEqual(['no new Instagram export since 2026-10-16']);
    expect(report.exportReminders).toMatchObject([{ daysSince: 40 }]);
    expect(flat(text)).toContain('Instagram: the newest export read is from 16 Oct 2026, 40 days ago.');
  });

  it('a fresh export: no reminder', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'instagram-me.brand-2026-11-20-Ab3dE.zip'), instagramEntries({ day: '2026-11-20', followers: [], following: [['ada', '2025-01-09T10:00:00Z']] }));
    const { report, html } = await runOver(dir);
    expect(report.exportReminders).toBeUndefined();
    expect(html).not.toContain('Time for a fresh export');
  });

  it('an empty folder: no export read yet, in Italian too', async () => {
    const { report, html, text } = await runOver(await freshDir(), { locale: 'it' });
    expect(report.exportReminders).toEqual([{ sourceId: 'instagram', platform: 'instagram', reminderDays: 30 }]);
    expect(html).toContain('È ora di un nuovo export');
    expect(flat(text)).toContain('Instagram: ancora nessun export letto. Come: Centro gestione account');
  });

  it('a pull that fails (an HTML export dropped in) still reminds from the stored cursor', async () => {
    const dir = await freshDir();
    await writeZip(join(dir, 'instagram-html.zip'), instagramHtmlEntries('2026-11-24'));
    const stored: SourceState = {
      sourceId: 'instagram',
      platform: 'instagram',
      cursor: '2026-10-16T00:00:00.000Z',
      trackingSince: '2026-10-16T08:00:00.000Z',
      historySince: '2026-10-16T08:00:00.000Z',
      lastContacts: 'complete',
      lastInteractions: 'complete',
      problems: [],
    };
    const { outcome, report } = await runOver(dir, { cursor: stored.cursor, stored: [stored] });
    expect(outcome.ok).toBe(false);
    expect(report.exportReminders).toMatchObject([{ newestExportAt: '2026-10-16T00:00:00.000Z', daysSince: 40 }]);
  });
});
