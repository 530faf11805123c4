/**
 * The reminder to download a new export (issue 16, point 4): an export source
 * whose newest export read is older than its exportReminderDays, or that has
 * none yet, is in the report JSON (`exportReminders`) and in a calm note near
 * the top of the HTML and the text part, in both locales, with that network's
 * steps. Mastodon, Bluesky, demo and file sources never get one.
 */
import { describe, expect, it } from 'vitest';
import { exportAges } from '../../../shared/app/export-ages.ts';
import type { PullOutcome } from '../../../shared/app/merge-pulls.ts';
import { SourceConfig } from '../../../shared/config/schema.ts';
import type { SourcePull } from '../../../shared/domain/model.ts';
import type { SourceState } from '../../../shared/ports/store.ts';
import { exportRemindersOf, type ExportSourceAge } from '../../../shared/report/build-report.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { ReportJson, reportJsonSchema } from '../../../shared/report/report-schema.ts';
import { NOW, sampleReport } from './analysis-fixture.ts';

const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.parse(NOW) - days * DAY).toISOString();

const AGES: ExportSourceAge[] = [
  { sourceId: 'instagram', platform: 'instagram', newestExportAt: ago(40), reminderDays: 30 },
  { sourceId: 'fb-page', platform: 'facebook', reminderDays: 30 },
  { sourceId: 'x', platform: 'x', newestExportAt: ago(3), reminderDays: 30 },
];

const report = (locale: 'en' | 'it' = 'en', exportSources: ExportSourceAge[] = AGES) => sampleReport({ locale, exportSources });
/** The text part, its line wrapping undone. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('which export sources are due', () => {
  it('older than the reminder days, or none read yet; a recent one is not', () => {
    expect(exportRemindersOf(AGES, NOW)).toEqual([
      { sourceId: 'instagram', platform: 'instagram', newestExportAt: ago(40), daysSince: 40, reminderDays: 30 },
      { sourceId: 'fb-page', platform: 'facebook', reminderDays: 30 },
    ]);
  });

  it('"older than" is strict: exactly the reminder days is not due yet, a minute more is', () => {
    const at = (ms: number): ExportSourceAge[] => [{ sourceId: 'ig', platform: 'instagram', newestExportAt: new Date(Date.parse(NOW) - ms).toISOString(), reminderDays: 30 }];
    expect(exportRemindersOf(at(30 * DAY), NOW)).toEqual([]);
    expect(exportRemindersOf(at(30 * DAY + 60_000), NOW)).toMatchObject([{ daysSince: 30 }]);
    expect(exportRemindersOf([{ sourceId: 'ig', platform: 'instagram', newestExportAt: ago(8), reminderDays: 7 }], NOW)).toMatchObject([{ daysSince: 8, reminderDays: 7 }]);
  });

  it('an export dated after the run (a backfill) is not due', () => {
    expect(exportRemindersOf([{ sourceId: 'ig', platform: 'instagram', newestExportAt: ago(-2), reminderDays: 30 }], NOW)).toEqual([]);
  });
});

describe('the report JSON', () => {
  it('carries exportReminders, and still parses against its schema', () => {
    const r = report();
    expect(r.exportReminders).toEqual(exportRemindersOf(AGES, NOW));
    expect(ReportJson.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(JSON.stringify(reportJsonSchema())).toContain('exportReminders');
  });

  it('leaves the field out when nothing is due, and renders no note', () => {
    const r = report('en', [{ sourceId: 'x', platform: 'x', newestExportAt: ago(3), reminderDays: 30 }]);
    expect(r.exportReminders).toBeUndefined();
    expect(sampleReport().exportReminders).toBeUndefined();
    const { html, text } = renderReport(r);
    expect(html).not.toContain('Time for a fresh export');
    expect(text).not.toContain('Time for a fresh export');
  });
});

describe('the email', () => {
  it('a calm note near the top of the HTML (en): days since, the steps, before the figures', () => {
    const { html } = renderReport(report('en'));
    expect(html).toContain('Time for a fresh export');
    expect(html).toContain('Instagram: the newest export read is from 16 Oct 2026, 40 days ago.');
    expect(html).toContain('How: Accounts Center → Your information and permissions → Download your information → Download to device; Format JSON, Date range All time, with &quot;Followers and following&quot; and &quot;Your activity&quot;. Then file it with followback import.');
    expect(html).toContain('Facebook (fb-page): no export read yet.');
    expect(html).toContain('&quot;Friends and followers&quot;');
    expect(html).not.toContain('X: the newest export');
    expect(html.indexOf('Time for a fresh export')).toBeLessThan(html.indexOf('Headline figures'));
    expect(html.indexOf('Your community report')).toBeLessThan(html.indexOf('Time for a fresh export'));
    // Calm: not the amber warning banner of stale data.
    const note = html.slice(html.lastIndexOf('<tr>', html.indexOf('Time for a fresh export')), html.indexOf('Headline figures'));
    expect(note).not.toContain('⚠');
    expect(note).not.toContain('#fef7e0');
  });

  it('the same in the text part (en)', () => {
    const { text } = renderReport(report('en'));
    const t = flat(text);
    expect(t).toContain('Time for a fresh export - Instagram: the newest export read is from 16 Oct 2026, 40 days ago. How: Accounts Center → Your information');
    expect(t).toContain('Date range All time, with "Followers and following" and "Your activity". Then file it with followback import.');
    expect(t).toContain('- Facebook (fb-page): no export read yet. How: Accounts Center');
    expect(text.indexOf('Time for a fresh export')).toBeLessThan(text.indexOf('Headline figures'));
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(78);
  });

  it('in Italian', () => {
    const { html, text } = renderReport(report('it'));
    expect(html).toContain('È ora di un nuovo export');
    expect(html).toContain("Instagram: l&#39;export più recente letto è del 16 ott 2026, 40 giorni fa.");
    expect(html).toContain('Facebook (fb-page): ancora nessun export letto.');
    const t = flat(text);
    expect(t).toContain('Come: Centro gestione account → Le tue informazioni e autorizzazioni → Scarica le tue informazioni');
    expect(t).toContain('formato JSON, intervallo di date "Sempre" (All time), con "Follower e persone seguite" e "La tua attività". Poi aggiungilo con followback import.');
  });

  it('each network has its own steps, in both locales', () => {
    const every: ExportSourceAge[] = (['instagram', 'threads', 'facebook', 'x', 'linkedin', 'tiktok'] as const).map((platform) => ({ sourceId: platform, platform, reminderDays: 30 }));
    const en = flat(renderReport(report('en', every)).text);
    expect(en).toContain('Threads: no export read yet. How: Accounts Center → Your information and permissions → Download your information → your Threads profile');
    expect(en).toContain('X: no export read yet. How: Settings → Your account → Download an archive of your data.');
    expect(en).toContain('LinkedIn: no export read yet. How: Settings → Data privacy → Get a copy of your data');
    expect(en).toContain('TikTok: no export read yet. How: Settings → Account → Download your data; File format JSON, All data.');
    const it = flat(renderReport(report('it', every)).text);
    expect(it).toContain('X: ancora nessun export letto. Come: Impostazioni → Il tuo account → Scarica un archivio dei tuoi dati.');
    expect(it).toContain('TikTok: ancora nessun export letto. Come: Impostazioni → Account → Scarica i tuoi dati; formato file JSON');
  });

  it('a platform no catalog knows (a report from a later version) shows its line without steps', () => {
    const { text } = renderReport(report('en', [{ sourceId: 'myspace', platform: 'myspace', reminderDays: 30 }]));
    expect(flat(text)).toContain('- myspace: no export read yet.');
    expect(text).not.toContain('How: ');
  });

  it('source ids from the config are shortened and escaped like any untrusted name', () => {
    const { html } = renderReport(report('en', [{ sourceId: `<b>${'i'.repeat(300)}`, platform: 'instagram', reminderDays: 30 }]));
    expect(html).toContain('Instagram (&lt;b&gt;iii');
    expect(html).not.toContain('i'.repeat(200));
  });
});

describe('which sources get one (shared/app/export-ages.ts)', () => {
  const configs = [
    { type: 'instagram', id: 'ig', exports: 'exports/ig', exportReminderDays: 14 },
    { type: 'x', exports: 'exports/x' },
    { type: 'linkedin', exports: 'exports/li' },
    { type: 'mastodon', id: 'masto', instanceUrl: 'https://example.social', accessToken: { env: 'T' } },
    { type: 'bluesky', id: 'bsky', handle: 'ada.example.com', appPassword: { env: 'P' } },
    { type: 'demo' },
    { type: 'file', id: 'file', path: 'snap.json' },
  ].map((c) => SourceConfig.parse(c));
  const pull = (sourceId: string, platform: string, extra: Partial<SourcePull> = {}): PullOutcome => ({
    sourceId,
    platform,
    ok: true,
    pull: { sourceId, platform, takenAt: NOW, owner: { id: 'me', handle: 'me' }, contacts: [], interactions: [], contactsCompleteness: 'complete', interactionsCompleteness: 'complete', problems: [], requests: 0, ...extra },
  });
  const stored = (sourceId: string, cursor: string): SourceState => ({ sourceId, platform: 'x', cursor, trackingSince: NOW, historySince: NOW, lastContacts: 'complete', lastInteractions: 'complete', problems: [] });

  it('export sources only: the pull says its newest export; a failed pull falls back on the stored cursor (the last export read)', () => {
    const outcomes: PullOutcome[] = [
      pull('ig', 'instagram', { exportAge: { newestExportAt: ago(20), reminderDays: 14 } }),
      { sourceId: 'x', platform: 'x', ok: false, problem: 'x-archive.zip: cannot be read' },
      { sourceId: 'linkedin', platform: 'linkedin', ok: false, problem: 'broken' },
      // A pull of another type carrying the field (it never should) is still not an export source.
      pull('masto', 'mastodon', { exportAge: { reminderDays: 30 } }),
      pull('bsky', 'bluesky'),
      pull('demo', 'demo'),
      pull('file', 'file'),
    ];
    const ages = exportAges(configs, outcomes, [stored('x', ago(50)), stored('masto', 'opaque-cursor')]);
    expect(ages).toEqual([
      { sourceId: 'ig', platform: 'instagram', newestExportAt: ago(20), reminderDays: 14 },
      { sourceId: 'x', platform: 'x', newestExportAt: ago(50), reminderDays: 30 },
      { sourceId: 'linkedin', platform: 'linkedin', reminderDays: 30 },
    ]);
    expect(exportRemindersOf(ages, NOW).map((r) => r.sourceId)).toEqual(['ig', 'x', 'linkedin']);
  });

  it('X read through its API gets no reminder: the API reads the lists; Instagram with its API still does (its API has no lists)', () => {
    const withApi = [
      SourceConfig.parse({ type: 'x', id: 'x-api', exports: 'exports/x', api: { accessToken: { env: 'X_TOKEN' } } }),
      SourceConfig.parse({ type: 'instagram', id: 'ig-api', exports: 'exports/ig', api: { accessToken: { env: 'IG_TOKEN' } } }),
    ];
    const ages = exportAges(withApi, [pull('x-api', 'x'), pull('ig-api', 'instagram')], []);
    expect(ages).toEqual([{ sourceId: 'ig-api', platform: 'instagram', reminderDays: 30 }]);
    expect(exportRemindersOf(ages, NOW).map((r) => r.sourceId)).toEqual(['ig-api']);
  });

  it('a source not pulled this run, or a stored cursor that is no date, says nothing made up', () => {
    expect(exportAges(configs, [], [])).toEqual([]);
    expect(exportAges(configs, [{ sourceId: 'x', platform: 'x', ok: false, problem: 'p' }], [stored('x', 'not-a-date')])).toEqual([{ sourceId: 'x', platform: 'x', reminderDays: 30 }]);
  });
});
