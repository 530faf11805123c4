/**
 * `followback import FILE... --profile ID --source SOURCE`: checks an export
 * (ZIP, its parts, or its unpacked folder) with the source's network parser,
 * prints what it holds in a few lines, and files it in the source's `exports`
 * folder, where the next run reads it. A broken, HTML or other network's
 * export is refused (exit 2) with a message naming the file, and nothing is
 * stored. With `--deployed` (or `--bucket NAME`) it files the export in the
 * deployed stack's exports bucket instead, under `exports/<profile>/<source>/`,
 * where the scheduled runs read it; the bucket is found in the stack's
 * outputs as `followback invoke` finds the state machine. It uploads with the
 * owner's own AWS credentials (the functions can only read the bucket).
 */
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STACK_OUTPUTS } from '../../shared/app/env.ts';
import { EXPORT_DOWNLOAD_LIMIT_BYTES, exportsPrefix } from '../../shared/ports/export-inbox.ts';
import { fileExportInBucket, tooBig, type S3WriteClient } from '../../shared/sources/exports/s3-export-inbox.ts';
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
  --deployed      file it in the deployed stack's exports bucket (found through the
                  stack's "${STACK_OUTPUTS.exportsBucketName}" output), under exports/<profile>/<source>/
  --bucket NAME   the same, naming the bucket (no stack lookup)
  --stack NAME    the stack (default: the config's deploy.stackName, else Followback)
  --region NAME   AWS region (default: your AWS profile's)
  -h, --help      this help

Filing in the bucket takes ZIPs (as downloaded, or their parts; not an unpacked
folder), up to ${Math.round(EXPORT_DOWNLOAD_LIMIT_BYTES / 1024 ** 3)} GB in all: what a deployed run can download.

Exit codes: 0 filed (or already there), 1 could not be written, 2 bad input or a broken/wrong export.`;

interface ImportFlags {
  files: string[];
  source: string;
  profile?: string;
  config?: string;
  /** File in the deployed stack's exports bucket (set by --deployed or --bucket). */
  deployed: boolean;
  bucket?: string;
  stack?: string;
  region?: string;
}

/** The AWS calls `import --deployed` makes; tests pass clients pointed at local servers. */
export interface ImportClients {
  s3: S3WriteClient;
  cloudFormation: { send(command: DescribeStacksCommand): Promise<DescribeStacksCommandOutput> };
}
export type MakeImportClients = (region: string | undefined) => ImportClients;

const defaultImportClients: MakeImportClients = (region) => ({
  // The bucket lives in the stack's region, which may not be the AWS profile's default: follow S3's redirect.
  s3: new S3Client({ ...(region !== undefined ? { region } : {}), followRegionRedirects: true }),
  cloudFormation: new CloudFormationClient(region !== undefined ? { region } : {}),
});

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
        deployed: { type: 'boolean', default: false },
        bucket: { type: 'string' },
        stack: { type: 'string' },
        region: { type: 'string' },
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
  for (const flag of ['bucket', 'stack', 'region'] as const) {
    if (v[flag] !== undefined && v[flag].trim() === '') throw new UsageError(`--${flag} needs a value`);
  }
  if (v.bucket !== undefined && v.stack !== undefined) throw new UsageError('--bucket names the bucket; --stack is for finding it: give one of them');
  const deployed = v.deployed || v.bucket !== undefined;
  if (!deployed && (v.stack !== undefined || v.region !== undefined)) throw new UsageError('--stack and --region are for --deployed');
  return {
    files,
    source: v.source,
    deployed,
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.config !== undefined ? { config: v.config } : {}),
    ...(v.bucket !== undefined ? { bucket: v.bucket } : {}),
    ...(v.stack !== undefined ? { stack: v.stack } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
  };
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

export async function importCommand(argv: string[], io: CliIo, makeClients: MakeImportClients = defaultImportClients): Promise<number> {
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
    if (flags.deployed && kinds.includes('folder')) throw new UsageError(`${flags.files.join(', ')}: the exports bucket takes the ZIP as downloaded (or its parts), not an unpacked folder`);
    return { profile, source, paths, dir: resolve(configDir, source.exports), flags, config };
  });
  if (typeof input === 'number') return input;
  const { profile, source, paths, dir, flags, config } = input;

  // What a deployed run can download (shared/ports/export-inbox.ts): refused before anything is read or sent.
  if (flags.deployed) {
    const total = (await Promise.all(paths.map((p) => stat(p)))).reduce((sum, s) => sum + s.size, 0);
    if (total > EXPORT_DOWNLOAD_LIMIT_BYTES) {
      io.stderr(`followback: ${tooBig(flags.files.join(', '), total, EXPORT_DOWNLOAD_LIMIT_BYTES)}\nnothing was stored.\n`);
      return EXIT_BAD_INPUT;
    }
  }

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

  if (flags.deployed) return fileDeployed(flags, config.deploy?.stackName ?? 'Followback', profile.id, source.id, paths, io, makeClients);

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

/** Files the checked export in the deployed exports bucket (found in the stack outputs unless --bucket names it). */
async function fileDeployed(flags: ImportFlags, configStack: string, profileId: string, sourceId: string, paths: readonly string[], io: CliIo, makeClients: MakeImportClients): Promise<number> {
  const clients = makeClients(flags.region);
  const where = flags.region !== undefined ? ` in ${flags.region}` : '';
  let bucket = flags.bucket;
  if (bucket === undefined) {
    const stackName = flags.stack ?? configStack;
    try {
      const out = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      bucket = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === STACK_OUTPUTS.exportsBucketName)?.OutputValue;
      if (bucket === undefined) {
        io.stderr(`followback: stack ${stackName}${where} has no "${STACK_OUTPUTS.exportsBucketName}" output (deployed before it had an exports bucket: redeploy it); nothing was stored.\n`);
        return EXIT_RUN_FAILED;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      io.stderr(
        /does not exist/i.test(message)
          ? `followback: stack ${stackName} not found${where}; deploy it (npx cdk deploy) or pass --stack NAME / --region NAME / --bucket NAME; nothing was stored.\n`
          : `followback: cannot read stack ${stackName}${where}: ${message}; nothing was stored.\n`,
      );
      return EXIT_RUN_FAILED;
    }
  }
  const prefix = exportsPrefix(profileId, sourceId);
  try {
    const filed = await fileExportInBucket(clients.s3, bucket, prefix, paths);
    const names = filed.keys.map((k) => k.slice(prefix.length)).join(', ');
    io.stdout(
      filed.alreadyThere
        ? `${profileId}/${sourceId}: already filed as ${names} in s3://${bucket}/${prefix}; nothing uploaded\n`
        : `${profileId}/${sourceId}: filed as ${names} in s3://${bucket}/${prefix}; the next deployed run reads it\n`,
    );
    return EXIT_OK;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    io.stderr(`followback: cannot file the export in s3://${bucket}/${prefix}: ${e.name !== undefined && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}\nnothing was stored.\n`);
    return EXIT_RUN_FAILED;
  }
}
