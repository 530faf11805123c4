/**
 * The six export sources in the config: `{ type, id, exports }`, strict, `exportReminderDays`
 * default 30; built as export sources whose folder is relative to the config file.
 */
import { describe, expect, it } from 'vitest';
import { ProfileConfig, SourceConfig } from '../../../../shared/config/schema.ts';
import { buildSources } from '../../../../shared/sources/build-sources.ts';
import { EXPORT_NETWORKS } from '../../../../shared/sources/exports/export-types.ts';
import { ExportSource } from '../../../../shared/sources/exports/export-source.ts';

describe('export sources in the config', () => {
  it.each(EXPORT_NETWORKS)('%s: id defaults to the type, exportReminderDays to 30', (type) => {
    expect(SourceConfig.parse({ type, exports: `exports/${type}` })).toEqual({ type, id: type, exports: `exports/${type}`, exportReminderDays: 30 });
  });

  it('is strict: an unknown key, an empty folder or a bad reminder is refused', () => {
    expect(SourceConfig.safeParse({ type: 'instagram', exports: 'e', path: 'x' }).success).toBe(false);
    expect(SourceConfig.safeParse({ type: 'instagram', exports: '' }).success).toBe(false);
    expect(SourceConfig.safeParse({ type: 'instagram' }).success).toBe(false);
    expect(SourceConfig.safeParse({ type: 'x', exports: 'e', exportReminderDays: 0 }).success).toBe(false);
    expect(SourceConfig.parse({ type: 'tiktok', id: 'tt', exports: 'e', exportReminderDays: 7 })).toMatchObject({ id: 'tt', exportReminderDays: 7 });
  });

  it('builds an export source of that network, its folder relative to the config file', async () => {
    const profile = ProfileConfig.parse({
      id: 'me',
      sources: [
        { type: 'instagram', exports: 'exports/instagram' },
        { type: 'facebook', id: 'fb', exports: '/abs/fb' },
      ],
      report: { recipients: ['me@example.com'], sender: 'fb@example.com' },
    });
    const sources = await buildSources(profile, { configDir: '/home/me/followback', secrets: { resolve: async () => '' }, sessions: { get: async () => undefined, put: async () => {} } });
    expect(sources.map((s) => [s.id, s.platform, s instanceof ExportSource])).toEqual([
      ['instagram', 'instagram', true],
      ['fb', 'facebook', true],
    ]);
    const pull = await sources[0]?.pull({ now: new Date('2026-11-05T00:00:00Z') });
    expect(pull?.problems[0]).toMatch(/^no Instagram export in \/home\/me\/followback\/exports\/instagram \(the folder does not exist yet\)/);
  });
});
