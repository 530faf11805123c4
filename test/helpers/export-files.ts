/**
 * `ExportFiles` for tests: an export built in memory from a record of
 * path -> text, or read from a fixture folder (every file under it, '/'-separated
 * paths relative to the folder). Both behave like the archive layer's: a missing
 * entry or one larger than `maxBytes` is an ExportError naming it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { ExportError, type ExportFiles } from '../../shared/sources/exports/export-types.ts';

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Extra fields the archive layer's opened export carries (its wrapper folder, e.g. `instagram-river.otter-2026-08-11-AbCd`). */
export interface MemoryExportOptions {
  label?: string;
  wrapper?: string;
}

export type MemoryExportFiles = ExportFiles & { readonly wrapper?: string; readonly reads: string[] };

/** An export from path -> text. `reads` records every entry read, in order. */
export function memoryExportFiles(entries: Readonly<Record<string, string>>, options: MemoryExportOptions = {}): MemoryExportFiles {
  const reads: string[] = [];
  const files: MemoryExportFiles = {
    label: options.label ?? 'memory-export',
    ...(options.wrapper !== undefined ? { wrapper: options.wrapper } : {}),
    reads,
    paths: () => Object.keys(entries),
    readText: async (path: string, maxBytes = DEFAULT_MAX_BYTES) => {
      const text = entries[path];
      if (text === undefined) throw new ExportError(`${files.label}: no entry ${path}`);
      if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new ExportError(`${files.label}: ${path} is larger than ${maxBytes} bytes`);
      reads.push(path);
      return text;
    },
    close: async () => {},
  };
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * A fixture folder as an export. `SOURCE.md` (the fixture's provenance note) is
 * left out unless `keepSourceNote` is set.
 */
export function fixtureExportFiles(dir: string, options: MemoryExportOptions & { keepSourceNote?: boolean } = {}): MemoryExportFiles {
  const entries: Record<string, string> = {};
  for (const full of walk(dir)) {
    const path = relative(dir, full).split(sep).join('/');
    if (path === 'SOURCE.md' && options.keepSourceNote !== true) continue;
    entries[path] = readFileSync(full, 'utf8');
  }
  return memoryExportFiles(entries, { label: options.label ?? basename(dir), ...(options.wrapper !== undefined ? { wrapper: options.wrapper } : {}) });
}
