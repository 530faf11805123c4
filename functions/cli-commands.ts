/**
 * The CLI's commands: name, one-line summary (`followback --help`), examples
 * (`followback <command> --help`), and how to load it. A command's module is
 * imported only when it runs or its help is asked for, so `--help` and
 * `--version` answer at once.
 *
 * To add a command: one entry here (the help test checks that each has a
 * summary, a usage and examples), and a section in docs/cli.md.
 */
import type { CliIo } from './commands/cli-io.ts';

export interface LoadedCommand {
  /** The command's usage text, starting `Usage: followback <name>`. */
  usage: string;
  run: (argv: string[], io: CliIo) => Promise<number>;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Shell lines, each optionally followed by `  # what it does`. */
  examples: string[];
  load: () => Promise<LoadedCommand>;
}

export const VALIDATE_USAGE = `Usage: followback validate [--config FILE]

Checks a config file against the schema and prints each profile: its sources,
recipients and schedule. Nothing is pulled, stored or sent.

Options:
  --config FILE   config file (default: followback.config.json)
  -h, --help      this help

Exit codes: 0 valid, 2 invalid (every bad field is listed with its path).`;

export const COMMANDS: readonly CliCommand[] = [
  {
    name: 'init',
    summary: 'guided setup: connect your networks, write followback.config.json',
    examples: [
      'followback init  # asks, connects each network, checks it works, writes the config',
      'followback init --networks mastodon --mastodon-instance https://mastodon.social --recipient you@example.com',
      'followback init --yes --networks bluesky --bluesky-handle ada.bsky.social --bluesky-app-password-file ~/bsky.txt --recipient you@example.com  # nothing asked',
    ],
    load: async () => {
      const m = await import('./commands/init.ts');
      return { usage: m.INIT_USAGE, run: (argv, io) => m.initCommand(argv, io) };
    },
  },
  {
    name: 'run',
    summary: 'pull, store, analyse and deliver the report',
    examples: [
      'followback run --demo  # the sample community, no config needed',
      'followback run  # every profile of followback.config.json',
      'followback run --profile ada --dry-run --out preview/  # a preview: nothing delivered, nothing stored',
      'followback run --config ~/followback/config.json --now 2026-11-25T08:00:00Z',
    ],
    load: async () => {
      const m = await import('./commands/run.ts');
      return { usage: m.RUN_USAGE, run: (argv, io) => m.runCommand(argv, io) };
    },
  },
  {
    name: 'validate',
    summary: 'check a config file and print its profiles',
    examples: ['followback validate', 'followback validate --config path/to/followback.config.json'],
    load: async () => {
      const m = await import('./commands/validate.ts');
      return { usage: VALIDATE_USAGE, run: (argv, io) => m.validateCommand(argv, io) };
    },
  },
  {
    name: 'keep',
    summary: 'keep a contact for ever or until a date',
    examples: [
      'followback keep @ada@example.social',
      'followback keep ada.bsky.social --until 2027-03-01 --note "on sabbatical"',
      'followback keep --list',
      'followback keep --forget @ada@example.social  # undo a keep',
    ],
    load: async () => {
      const m = await import('./commands/keep.ts');
      return { usage: m.KEEP_USAGE, run: (argv, io) => m.keepCommand(argv, io) };
    },
  },
  {
    name: 'label',
    summary: 'teach the tone classifier: this reply is (not) criticism',
    examples: [
      'followback label --not-criticism "questo post spacca, mi hai steso 😂"  # the text as the report quotes it',
      'followback label --criticism mastodon:109876543210 --profile ada  # by sourceId:interactionId',
      'followback label --list',
      'followback label --remove t:3f2a9c0d1e4b5a69  # an id as --list prints it',
    ],
    load: async () => {
      const m = await import('./commands/label.ts');
      return { usage: m.LABEL_USAGE, run: (argv, io) => m.labelCommand(argv, io) };
    },
  },
  {
    name: 'forget',
    summary: 'delete everything stored about a contact',
    examples: ['followback forget @ada@example.social', 'followback forget mastodon:109876543210 --profile ada  # by the CSV "key"'],
    load: async () => {
      const m = await import('./commands/forget.ts');
      return { usage: m.FORGET_USAGE, run: (argv, io) => m.forgetCommand(argv, io) };
    },
  },
  {
    name: 'serve',
    summary: 'the decision page (the email\'s links) on 127.0.0.1',
    examples: ['followback serve --demo  # opens the links of the demo\'s email (npm start)', 'followback serve --port 8787'],
    load: async () => {
      const m = await import('./commands/serve.ts');
      return { usage: m.SERVE_USAGE, run: (argv, io) => m.serveCommand(argv, io) };
    },
  },
  {
    name: 'import',
    summary: 'check a network\'s export and file it for its source',
    examples: [
      'followback import ~/Downloads/instagram-you-2026-11-02-AbCd.zip --source instagram',
      'followback import facebook-part1.zip facebook-part2.zip --source facebook --profile ada',
      'followback import ~/Downloads/instagram-you-2026-11-02-AbCd.zip --source instagram --deployed  # into the stack\'s bucket',
    ],
    load: async () => {
      const m = await import('./commands/import.ts');
      return { usage: m.IMPORT_USAGE, run: (argv, io) => m.importCommand(argv, io) };
    },
  },
  {
    name: 'apply',
    summary: 'carry out confirmed unfollows/follow-backs',
    examples: [
      'followback apply --profile ada  # what would be done; nothing is sent',
      'followback apply --profile ada --confirm  # carry out what the decision page confirmed',
      'followback apply --unfollow @spam@example.social --confirm',
    ],
    load: async () => {
      const m = await import('./commands/apply.ts');
      return { usage: m.APPLY_USAGE, run: (argv, io) => m.applyCommand(argv, io) };
    },
  },
  {
    name: 'undo',
    summary: 'reverse one action carried out',
    examples: ['followback undo 20261123-3f9a1c', 'followback undo 20261123-3f9a1c --profile ada'],
    load: async () => {
      const m = await import('./commands/apply.ts');
      return { usage: m.UNDO_USAGE, run: (argv, io) => m.undoCommand(argv, io) };
    },
  },
  {
    name: 'deploy',
    summary: 'deploy to AWS with the CDK, then say what is left to do',
    examples: [
      'followback deploy --dry-run  # check the config, print the cdk command',
      'followback deploy',
      'followback deploy --config prod.config.json --aws-profile work --region eu-west-1',
    ],
    load: async () => {
      const m = await import('./commands/deploy.ts');
      return { usage: m.DEPLOY_USAGE, run: (argv, io) => m.deployCommand(argv, io) };
    },
  },
  {
    name: 'secrets',
    summary: 'put a source\'s token in the deployed stack\'s secret',
    examples: [
      'followback secrets set mastodon  # asks for the token (not shown as you type)',
      'followback secrets set bluesky --profile ada --region eu-west-1 < app-password.txt',
    ],
    load: async () => {
      const m = await import('./commands/secrets.ts');
      return { usage: m.SECRETS_USAGE, run: (argv, io) => m.secretsCommand(argv, io) };
    },
  },
  {
    name: 'invoke',
    summary: 'run the deployed job by hand',
    examples: ['followback invoke --profile ada --dry-run', 'followback invoke --profile ada --no-wait  # print the execution and return', 'followback invoke --profile ada --direct --region eu-west-1'],
    load: async () => {
      const m = await import('./commands/invoke.ts');
      return { usage: m.INVOKE_USAGE, run: (argv, io) => m.invokeCommand(argv, { stdout: io.stdout, stderr: io.stderr }) };
    },
  },
];
