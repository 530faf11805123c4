#!/usr/bin/env -S npx tsx
/**
 * followback CLI: `run` (the job), `validate` (a config), `keep`/`forget` (a contact), `invoke` (the deployed function).
 * Thin: parses the command line and hands over to functions/commands/*.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyCommand, undoCommand } from './commands/apply.ts';
import { invokeCommand } from './commands/invoke.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, type CliIo } from './commands/cli-io.ts';
import { forgetCommand } from './commands/forget.ts';
import { importCommand } from './commands/import.ts';
import { keepCommand } from './commands/keep.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { validateCommand } from './commands/validate.ts';

const USAGE = `Usage: followback <command> [options]

Commands:
  run        pull, store, analyse and deliver the report (followback run --help)
  validate   check a config file and print its profiles (followback validate --config FILE)
  keep       keep a contact for ever or until a date (followback keep @ada@example.social --until 2027-03-01)
  forget     delete everything stored about a contact (followback forget @ada@example.social)
  serve      the decision page (the email's links) on 127.0.0.1 (followback serve --port 8787)
  invoke     run the deployed Lambda by hand (followback invoke --profile ID [--dry-run])
  import     check a network's export and file it for its source (followback import instagram-you-2026-11-02.zip --source instagram)
  apply      carry out confirmed unfollows/follow-backs (followback apply --unfollow @ada@example.social --confirm)
  undo       reverse one action carried out (followback undo ACTION_ID)

Quick start: followback run --demo`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest, io);
    case 'validate':
      return validateCommand(rest, io);
    case 'keep':
      return keepCommand(rest, io);
    case 'forget':
      return forgetCommand(rest, io);
    case 'serve':
      return serveCommand(rest, io);
    case 'apply':
      return applyCommand(rest, io);
    case 'undo':
      return undoCommand(rest, io);
    case 'import':
      return importCommand(rest, io);
    case 'invoke':
      return invokeCommand(rest, { stdout: io.stdout, stderr: io.stderr });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    default:
      io.stderr(`followback: unknown command "${command}"\n\n${USAGE}\n`);
      return EXIT_BAD_INPUT;
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isEntryPoint) {
  // The SDK's notice that its 2027 releases need Node 22 would sit in every run's output; the README says it once.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // First Ctrl-C: stop cleanly (nothing half-stored, the profile's lease released). Second: stop now.
  // npx and tsx relay the terminal's SIGINT, so one Ctrl-C can arrive twice: only a later one counts.
  const interrupt = new AbortController();
  let firstInterruptAt = 0;
  process.on('SIGINT', () => {
    if (!interrupt.signal.aborted) {
      firstInterruptAt = Date.now();
      process.stderr.write('\nstopping… (Ctrl-C again to quit at once)\n');
      interrupt.abort();
    } else if (Date.now() - firstInterruptAt > 1500) process.exit(130);
  });
  const io: CliIo = {
    signal: interrupt.signal,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTty: process.stderr.isTTY === true,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`followback: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT_RUN_FAILED;
    },
  );
}
