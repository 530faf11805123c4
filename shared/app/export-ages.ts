/**
 * The newest export each export source of the profile has read so far, for
 * the report's reminder to download a new one (shared/report/build-report.ts,
 * `exportReminders`). Sources of other types (Mastodon, Bluesky, demo, file)
 * never get one, whatever their pulls carry; nor does X read through its API.
 *
 * A pull that went through says it itself (`SourcePull.exportAge`: this run's
 * export, or the last one read). A failed pull says nothing, so the stored
 * cursor stands in for it: an export source's cursor is the export date of the
 * last export it read (shared/sources/exports/export-source.ts).
 */
import type { SourceConfig } from '../config/schema.ts';
import type { SourceState } from '../ports/store.ts';
import type { ExportSourceAge } from '../report/build-report.ts';
import { EXPORT_NETWORKS } from '../sources/exports/export-types.ts';
import type { PullOutcome } from './merge-pulls.ts';

export function exportAges(sources: readonly SourceConfig[], outcomes: readonly PullOutcome[], stored: readonly SourceState[]): ExportSourceAge[] {
  return sources.flatMap((source): ExportSourceAge[] => {
    if (!(EXPORT_NETWORKS as readonly string[]).includes(source.type) || !('exportReminderDays' in source)) return [];
    // X read through its API needs no archive: the API reads the lists itself (every `listsEveryDays`) as
    // well as the engagement; an archive only adds follow dates and older history (docs/api-x.md).
    if (source.type === 'x' && source.api !== undefined) return [];
    const outcome = outcomes.find((o) => o.sourceId === source.id);
    // Not pulled this run (not among the outcomes): nothing to say about it.
    if (outcome === undefined) return [];
    const age = outcome.ok ? outcome.pull.exportAge : undefined;
    const newestExportAt = age !== undefined ? age.newestExportAt : instant(stored.find((s) => s.sourceId === source.id)?.cursor);
    return [
      {
        sourceId: source.id,
        platform: source.type,
        ...(newestExportAt !== undefined ? { newestExportAt } : {}),
        reminderDays: age?.reminderDays ?? source.exportReminderDays,
      },
    ];
  });
}

function instant(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const ms = Date.parse(cursor);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
