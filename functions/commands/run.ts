import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SESClient } from '@aws-sdk/client-ses';
import { LEASE_SECONDS, RunCancelledError, runReport } from '../../shared/app/run-report.ts';
import type { PullSummary, RunReportResult } from '../../shared/app/types.ts';
import { ConfigError, selectProfiles } from '../../shared/config/load-config.ts';
import type { Config, ProfileConfig } from '../../shared/config/schema.ts';
import { OutboxMailer, writeReportFiles } from '../../shared/mail/outbox-mailer.ts';
import { SesMailer } from '../../shared/mail/ses-mailer.ts';
import type { Mailer } from '../../shared/ports/mailer.ts';
import { SourceError } from '../../shared/ports/source.ts';
import { EnvSecretResolver } from '../../shared/secrets/env-secrets.ts';
import { FileSecretWriter } from '../../shared/secrets/secret-writer.ts';
import { terminalLine } from '../../shared/logging/terminal-line.ts';
import { buildClassifiers } from '../../shared/classify/build-classifiers.ts';
import { buildSources } from '../../shared/sources/build-sources.ts';
import { FileSource } from '../../shared/sources/file/file-source.ts';
import { EXIT_BAD_INPUT, EXIT_BUSY, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { DEMO_DECISIONS_URL, demoApiOverrides } from '../../shared/config/demo-config.ts';
import { cliConfig } from './cli-config.ts';
import { progressPrinter } from './progress.ts';
import { localDecisionPage } from './local-decision-page.ts';
import { openStore } from './open-store.ts';

export const RUN_USAGE = `Usage: followback run [options]

Pulls every source of a profile, stores the history, analyses it and delivers the report.

Options:
  --config FILE   config file (default: followback.config.json)
  --profile ID    run only this profile (default: every profile in the config)
  --demo          use the embedded demo community (no config needed)
  --dry-run       everything but delivery: the report files are still written to --out
  --out DIR       where the outbox mailer and dry runs write (default: the config's delivery.dir, or outbox/)
  --now ISO       a fixed clock, e.g. 2026-11-25T08:00:00Z (backfills, tests)
  -h, --help      this help

Exit codes: 0 ok, 1 the run failed, 2 bad input (flags, config, snapshot files),
3 busy: another run of the profile holds its lease (a killed run holds it for up to
${LEASE_SECONDS / 60} minutes); nothing was done, run again after the time printed.`;

interface RunFlags {
  config?: string;
  profile?: string;
  demo: boolean;
  dryRun: boolean;
  out?: string;
  now: Date;
}

export function parseRunFlags(argv: string[], clock: () => Date = () => new Date()): RunFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        profile: { type: 'string' },
        demo: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        out: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${RUN_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.demo && v.config !== undefined) throw new UsageError('--demo and --config are exclusive: --demo uses the embedded sample community');
  let now = clock();
  if (v.now !== undefined) {
    const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(v.now);
    now = new Date(v.now.length === 10 ? `${v.now}T00:00:00Z` : v.now);
    if (!ok || Number.isNaN(now.getTime())) throw new UsageError(`--now "${v.now}" is not an ISO date-time such as 2026-11-25T08:00:00Z`);
  }
  for (const flag of ['config', 'profile', 'out'] as const) {
    if (v[flag] !== undefined && v[flag].trim() === '') throw new UsageError(`--${flag} needs a value`);
  }
  return {
    ...(v.config !== undefined ? { config: v.config } : {}),
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    demo: v.demo,
    dryRun: v['dry-run'],
    ...(v.out !== undefined ? { out: v.out } : {}),
    now,
  };
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  let flags: RunFlags | 'help';
  let config: Config;
  let configDir: string;
  let profiles: ProfileConfig[];
  try {
    flags = parseRunFlags(argv);
    if (flags === 'help') {
      io.stdout(`${RUN_USAGE}\n`);
      return EXIT_OK;
    }
    ({ config, configDir } = await cliConfig(flags, io));
    profiles = selectProfiles(config, flags.profile);
    await checkSnapshotFiles(profiles, configDir, flags.now);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof SourceError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }

  const outDir = resolve(io.cwd, flags.out ?? (config.delivery.type === 'outbox' ? config.delivery.dir : 'outbox'));
  let store;
  try {
    store = await openStore(config.storage, io);
  } catch (err) {
    io.stderr(`followback: cannot open the store: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  }
  // `file` references are relative to the config file's folder.
  const secrets = new EnvSecretResolver(io.env, { configDir });
  // A refreshed API token replaces the old one in its file (an `env` reference cannot be written back).
  const secretWriter = new FileSecretWriter({ configDir });
  const classifiers = await buildClassifiers(profiles);
  // Said once: an existing outbox open to other users is made owner-only (the report files are always 0600).
  const onNotice = (message: string): void => io.stderr(`followback: ${message}\n`);
  const mailer = flags.dryRun ? null : makeMailer(config, outDir, onNotice);
  let failed = false;
  let busy = false;
  try {
    for (const profile of profiles) {
      const progress = progressPrinter(io, profile.id);
      try {
        const result = await runReport(
          { profile, now: flags.now, dryRun: flags.dryRun, ...(io.signal ? { signal: io.signal } : {}) },
          {
            store: store.store,
            sourcesFor: (p) => buildSources(p, { secrets, secretWriter, sessions: store.store, configDir, ...(flags.demo ? { apiOverrides: demoApiOverrides(flags.now) } : {}) }),
            mailer,
            ...classifiers,
            onProgress: progress.onProgress,
            decisionPage: localDecisionPage(io, store.ledger),
            // Messages can quote untrusted text (handles, allowlist entries, server errors): one safe line each.
            log: {
              info: () => {},
              warn: (m) => io.stderr(`warning: ${terminalLine(m)}\n`),
              error: (m, extra) => io.stderr(`error: ${terminalLine(`${m}${extra?.['problem'] ? `: ${String(extra['problem'])}` : ''}`)}\n`),
            },
          },
        );
        progress.done();
        for (const pull of result.pulls ?? []) io.stderr(`${pullLine(pull)}\n`);
        if (result.status === 'busy') busy = true;
        let where = result.delivery?.ref;
        if (flags.dryRun && result.report) {
          const files = await writeReportFiles(outDir, result.report, { onNotice });
          where = files.find((f) => f.endsWith('.html')) ?? outDir;
        } else if (result.delivery?.files) {
          where = result.delivery.files.find((f) => f.endsWith('.html')) ?? where;
        }
        io.stdout(`${summaryLine(result, where, flags.dryRun)}\n`);
        if (flags.demo && result.status === 'completed' && !flags.dryRun) io.stdout(`${DEMO_DECISIONS_HINT}\n`);
      } catch (err) {
        progress.done();
        failed = true;
        if (err instanceof RunCancelledError) {
          io.stderr(`followback: profile ${profile.id}: ${err.message}\n`);
          break;
        }
        io.stderr(`followback: profile ${profile.id}: run failed: ${terminalLine(err instanceof Error ? err.message : String(err))}\n`);
      }
    }
  } finally {
    await store.close();
  }
  return failed ? EXIT_RUN_FAILED : busy ? EXIT_BUSY : EXIT_OK;
}

const MAX_PROBLEMS_SHOWN = 5;

/** One line per source: what the pull read and what it ran into, also when it completed. */
export function pullLine(p: PullSummary): string {
  const completeness =
    p.contactsCompleteness === p.interactionsCompleteness ? p.contactsCompleteness : `contacts ${p.contactsCompleteness}, interactions ${p.interactionsCompleteness}`;
  const head = p.ok
    ? `  ${p.sourceId}: ${completeness}; ${p.contacts} contacts, ${p.interactions} interactions, ${p.requests} requests`
    : `  ${p.sourceId}: failed`;
  const problems = p.problems.slice(0, MAX_PROBLEMS_SHOWN).map((problem) => `\n    problem: ${terminalLine(problem)}`).join('');
  const more = p.problems.length > MAX_PROBLEMS_SHOWN ? `\n    … and ${p.problems.length - MAX_PROBLEMS_SHOWN} more problems (see the report)` : '';
  return `${head}${problems}${more}`;
}

/** A broken snapshot file is bad input: reject it before anything is stored. */
async function checkSnapshotFiles(profiles: ProfileConfig[], configDir: string, now: Date): Promise<void> {
  for (const profile of profiles) {
    for (const source of profile.sources) {
      if (source.type !== 'file') continue;
      await new FileSource({ id: source.id, path: resolve(configDir, source.path) }).pull({ now });
    }
  }
}

function makeMailer(config: Config, outDir: string, onNotice: (message: string) => void): Mailer {
  if (config.delivery.type === 'ses') {
    const d = config.delivery;
    const client = new SESClient({ ...(d.region !== undefined ? { region: d.region } : {}), ...(d.endpoint !== undefined ? { endpoint: d.endpoint } : {}) });
    return new SesMailer({ client, ...(d.configurationSet !== undefined ? { configurationSet: d.configurationSet } : {}) });
  }
  return new OutboxMailer({ dir: outDir, onNotice });
}

/** The demo run's last line: its email carries decision links, and this is how to open them. */
export const DEMO_DECISIONS_HINT = `decide from the email: run "npm run followback -- serve --demo" (the page on ${DEMO_DECISIONS_URL}; stop it before the next run), then open the report and click Keep, Snooze or Unfollow`;

export function summaryLine(result: RunReportResult, where: string | undefined, dryRun: boolean): string {
  if (result.status === 'busy') {
    const until = result.busyUntil !== undefined ? `until ${result.busyUntil}` : `for up to ${LEASE_SECONDS / 60} minutes`;
    return `${result.profileId}: BUSY: another run of this profile holds its lease ${until} (a run that was killed holds it that long); nothing done, run again after that`;
  }
  if (result.status !== 'completed' || !result.figures) return `${result.profileId}: already ran for this trigger; nothing done`;
  const f = result.figures;
  const stale = result.staleSources && result.staleSources.length > 0 ? `; STALE: ${result.staleSources.map((s) => s.sourceId).join(', ')}` : '';
  const writes = result.writes ? `; wrote ${result.writes.items} items` : '';
  const target = where ? `; report: ${where}` : '';
  return `${result.profileId}: ${f.following} following, ${f.followers} followers; ${f.suggestedUnfollows} to unfollow, ${f.suggestedReviews} to review, ${f.suggestedFollowBacks} to follow back; +${f.newFollowers}/-${f.lostFollowers} followers${stale}${writes}${dryRun ? ' (dry run: not delivered)' : ''}${target}`;
}
