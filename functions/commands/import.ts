/**
 * `followback import FILE... --profile ID --source SOURCE`: checks an export
 * (ZIP, its parts, or its unpacked folder) with the source's network parser,
 * prints what it holds in a few lines, and files it in the source's `exports`
 * folder, where the next run reads it. A broken, HTML or other network's
 * export is refused (exit 2) with a message naming the file, and nothing is
 * stored. (Deployed stacks read exports from an S3 bucket; filing there is not
 * this command's job yet: it files in the local folder only.)
 */
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ExportSourceConfig, SourceConfig } from '../../shared/config/schema.ts';
import { htmlExportMessage, looksLikeHtmlExport, openExport } from '../../shared/sources/exports/archive.ts';
import { fileExport } from '../../shared/sources/exports/export-inbox.ts';
import { ExportError, type ExportNetwork, type ExportSnapshot } from '../../shared/sources/exports/export-types.ts';
import { aNetwork, EXPORT_PARSERS, isExportNetwork, NETWORK_NAMES, recognisedNetworks } from '../../shared/sources/exports/parsers.ts';
import { snapshotToPull } from '../../shared/sources/exports/snapshot-to-pull.ts';
import { cliConfig } from './cli-config.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { profileOf, readCommandInput } from './command-setup.ts';

export const IMPORT_USAGE = `Usage: followback import FILE... --source SOURCE [options]

Checks an export downloaded from Instagram, Threads, Facebook, X, LinkedIn or
TikTok and files it in the source's "exports" folder, where the next run reads
it. FILE is the ZIP as downloaded, all the ZIP parts of one large export, or
the unpacked folder. A broken, HTML or wrong network's export is refused and
nothing is stored.

Options:
  --source ID     the profile's export source to file it for (its "id" in the config)
  --profile ID    the profile (needed when the config has several)
  --config FILE   config file (default: followback.config.json)
  -h, --help      this help

Exit codes: 0 filed (or already there), 1 could not be written, 2 bad input or a broken/wrong export.`;

interface ImportFlags {
  files: string[];
  source: string;
  profile?: string;
  config?: string;
}

export function parseImportFlags(argv: string[]): ImportFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        source: { type: 'string' },
        profile: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${IMPORT_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const files = parsed.positionals.filter((p) => p.trim() !== '');
  if (files.length === 0) throw new UsageError(`which export? e.g. followback import instagram-you-2026-11-02-abc.zip --source instagram\n\n${IMPORT_USAGE}`);
  if (v.source === undefined || v.source === '') throw new UsageError(`--source is needed: the id of the export source to file it for\n\n${IMPORT_USAGE}`);
  return { files, source: v.source, ...(v.profile !== undefined ? { profile: v.profile } : {}), ...(v.config !== undefined ? { config: v.config } : {}) };
}

function isExportSource(config: SourceConfig): config is ExportSourceConfig {
  return isExportNetwork(config.type);
}

/** What the export holds, in a few lines. */
export function describeExport(label: string, snapshot: ExportSnapshot, sourceId: string): string[] {
  const pull = snapshotToPull(snapshot, { sourceId, label });
  const list = (name: string, l: ExportSnapshot['followers']): string | undefined =>
    l === null ? undefined : `${l.ties.length} ${name}${l.complete ? '' : ' (INCOMPLETE: nothing is concluded from it)'}`;
  const lists = [list('followers', snapshot.followers), list('following', snapshot.following), list(snapshot.network === 'linkedin' ? 'connections' : 'friends', snapshot.mutuals)].filter(
    (s): s is string => s !== undefined,
  );
  const incomplete = [snapshot.followers, snapshot.following, snapshot.mutuals].filter((l) => l !== null && !l.complete);
  // What turning it into contacts found (names matching several contacts, lists missing), beyond the parser's own notes.
  const known = new Set([...snapshot.warnings, ...incomplete.map((l) => l?.problem ?? '')]);
  const found = pull.problems.map((p) => (p.startsWith(`${label}: `) ? p.slice(label.length + 2) : p)).filter((p) => !known.has(p));
  const owner = snapshot.owner?.handle ?? snapshot.owner?.displayName;
  const lines = [
    `${label}: ${aNetwork(snapshot.network)} export (${snapshot.era}), exported on ${snapshot.exportedAt.slice(0, 10)}${owner !== undefined ? ` for ${owner}` : ''}`,
    `  lists: ${lists.length > 0 ? lists.join(', ') : 'none'} -> ${pull.contacts.length} contacts, ${pull.contactsCompleteness === 'complete' ? 'complete' : 'partial (no lost followers will be concluded from it)'}`,
    `  interactions: ${snapshot.interactions.length} (${pull.interactions.length} about contacts)`,
    `  files read: ${snapshot.filesRead.length > 0 ? snapshot.filesRead.join(', ') : 'none'}`,
    ...incomplete.map((l) => `  ! ${l?.problem ?? 'a list is incomplete'}`),
    ...found.map((p) => `  ! ${p}`),
    ...snapshot.warnings.slice(0, 5).map((w) => `  note: ${w}`),
    ...(snapshot.warnings.length > 5 ? [`  note: and ${snapshot.warnings.length - 5} more`] : []),
  ];
  return lines;
}

/** Opens, recognises and parses the export for `network`; an ExportError says what is wrong, naming the file. */
export async function checkExport(paths: readonly string[], network: ExportNetwork): Promise<{ label: string; snapshot: ExportSnapshot }> {
  const files = await openExport(paths);
  try {
    const networks = recognisedNetworks(files);
    if (!networks.includes(network)) {
      if (looksLikeHtmlExport(files)) throw new ExportError(htmlExportMessage(files.label, network));
      const other = networks[0];
      throw new ExportError(
        other !== undefined
          ? `${files.label} is ${aNetwork(other)} export, but this source reads ${NETWORK_NAMES[network]} exports: import it with --source set to a ${other} source`
          : `${files.label} is not ${aNetwork(network)} export: none of its files is one followback knows`,
      );
    }
    const snapshot = await EXPORT_PARSERS[network].parse(files);
    return { label: files.label, snapshot };
  } finally {
    await files.close();
  }
}

export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const input = await readCommandInput(io, IMPORT_USAGE, async () => {
    const flags = parseImportFlags(argv);
    if (flags === 'help') return 'help';
    const { config, configDir } = await cliConfig({ demo: false, ...(flags.config !== undefined ? { config: flags.config } : {}) }, io);
    const profile = profileOf(config, flags.profile);
    const source = profile.sources.find((s) => s.id === flags.source);
    if (source === undefined) {
      const exportSources = profile.sources.filter(isExportSource).map((s) => `${s.id} (${s.type})`);
      throw new UsageError(
        `profile ${profile.id} has no source "${flags.source}"${exportSources.length > 0 ? `; its export sources: ${exportSources.join(', ')}` : '; add one such as { "type": "instagram", "id": "instagram", "exports": "exports/instagram" }'}`,
      );
    }
    if (!isExportSource(source)) throw new UsageError(`source "${source.id}" is a ${source.type} source; exports are filed for an instagram, threads, facebook, x, linkedin or tiktok source`);
    const paths = flags.files.map((f) => resolve(io.cwd, f));
    const kinds = await Promise.all(paths.map((p) => stat(p).then((s) => (s.isDirectory() ? 'folder' : 'file')).catch(() => 'missing')));
    const missing = flags.files.filter((_, i) => kinds[i] === 'missing');
    if (missing.length > 0) throw new UsageError(`${missing.join(', ')}: no such file or folder`);
    if (paths.length > 1 && kinds.includes('folder')) throw new UsageError('give one unpacked folder, or the ZIP parts of one export; not several folders or folders with ZIPs');
    return { profile, source, paths, dir: resolve(configDir, source.exports) };
  });
  if (typeof input === 'number') return input;
  const { profile, source, paths, dir } = input;

  let checked: { label: string; snapshot: ExportSnapshot };
  try {
    checked = await checkExport(paths, source.type);
  } catch (err) {
    if (err instanceof ExportError) {
      io.stderr(`followback: ${err.message}\nnothing was stored.\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`followback: ${paths.join(', ')} cannot be read: ${err instanceof Error ? err.message : String(err)}\nnothing was stored.\n`);
    return EXIT_BAD_INPUT;
  }
  for (const line of describeExport(checked.label, checked.snapshot, source.id)) io.stdout(`${line}\n`);

  try {
    const filed = await fileExport(dir, paths);
    io.stdout(
      filed.alreadyThere
        ? `${profile.id}/${source.id}: already filed as ${filed.names.join(', ')} in ${dir}; nothing copied\n`
        : `${profile.id}/${source.id}: filed as ${filed.names.join(', ')} in ${dir}; the next run reads it\n`,
    );
    return EXIT_OK;
  } catch (err) {
    io.stderr(`followback: cannot file the export in ${dir}: ${err instanceof Error ? err.message : String(err)}\nnothing was stored.\n`);
    return EXIT_RUN_FAILED;
  }
}
