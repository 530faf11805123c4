#!/usr/bin/env -S npx tsx
/**
 * followback CLI. Thin: parses the command line and hands over to the command
 * (functions/commands/*, listed in cli-commands.ts). Run with tsx from a clone
 * (`npm start`, `npm run followback -- …`), or built into plain JavaScript
 * (`npm run build` → dist/cli.js, the package's `bin`).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import packageJson from '../package.json' with { type: 'json' };
import { COMMANDS, type CliCommand } from './cli-commands.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, type CliIo } from './commands/cli-io.ts';

export const VERSION: string = packageJson.version;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `followback ${VERSION}: which of your social-network ties are a real community.

Usage: followback <command> [options]
       followback <command> --help     the command's options and examples

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`).join('\n')}

Options:
  -h, --help      this help
  -v, --version   print the version

Examples:
  followback run --demo        # the sample community: a report in outbox/, no config needed
  followback init              # your own account: connect your networks, write the config
  followback run               # a report on your own account
  followback deploy --dry-run  # what deploying to AWS would run

Exit codes: 0 ok, 1 failed (a run, the store, an AWS call), 2 bad input (flags,
config), 3 busy (run: another run of the profile holds its lease).

Quick start: followback run --demo. The manual: docs/cli.md.`;
}

/** A command's help: its usage (options, exit codes) and examples. */
export function commandHelp(command: CliCommand, usage: string): string {
  const examples = command.examples.map((e) => {
    const [line, comment] = e.split(/ {2}# /, 2);
    return comment === undefined ? `  ${line}` : `  ${line}\n      ${comment}`;
  });
  return `${usage}\n\nExamples:\n${examples.join('\n')}`;
}

/** `--help` / `-h` among a command's arguments (before a `--`). */
function asksForHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
      io.stdout(`${overview()}\n`);
      return EXIT_BAD_INPUT;
    case '--help':
    case '-h':
      io.stdout(`${overview()}\n`);
      return EXIT_OK;
    case '--version':
    case '-v':
      io.stdout(`${VERSION}\n`);
      return EXIT_OK;
    case 'help': {
      if (rest[0] === undefined) {
        io.stdout(`${overview()}\n`);
        return EXIT_OK;
      }
      const command = findCommand(rest[0]);
      if (command === undefined) {
        io.stderr(`followback: no command "${rest[0]}"\n\n${overview()}\n`);
        return EXIT_BAD_INPUT;
      }
      io.stdout(`${commandHelp(command, (await command.load()).usage)}\n`);
      return EXIT_OK;
    }
  }
  const command = findCommand(name);
  if (command === undefined) {
    io.stderr(`followback: unknown command "${name}"\n\n${overview()}\n`);
    return EXIT_BAD_INPUT;
  }
  const loaded = await command.load();
  if (asksForHelp(rest)) {
    io.stdout(`${commandHelp(command, loaded.usage)}\n`);
    return EXIT_OK;
  }
  return loaded.run(rest, io);
}

/** True when this module is the program node started (directly, through npx, or through an npm bin link). */
function isEntryPoint(): boolean {
  const started = process.argv[1];
  if (started === undefined) return false;
  try {
    // An installed bin is a symlink (…/bin/followback → …/dist/cli.js); the module's URL is the real file's.
    return realpathSync(started) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // The built CLI (dist/) is minified with linked source maps: a bug's stack trace then names the source files.
  process.setSourceMapsEnabled(true);
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
    // A getter: process.stdin is made on first use, and only init and secrets read it.
    get stdin() {
      return process.stdin;
    },
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
