/**
 * `followback deploy`: checks the config (what `followback validate` checks,
 * then what a deployment needs: infra/stack-settings.ts, the checks the CDK
 * app itself makes), deploys the stack with the AWS CDK
 * (`npx cdk deploy <stack> -c config=<file>` in the followback folder), then
 * prints what is left to do: the SES identity not verified yet, the token
 * secrets still empty, the decision page's URL to put in the config.
 *
 * AWS is reached through the small interfaces of deploy/aws-ports.ts and the
 * CDK through a process runner, both injected (the tests pass fakes).
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../shared/config/load-config.ts';
import type { Config } from '../../shared/config/schema.ts';
import { COMMANDS } from '../cli-commands.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { NoCredentialsError, NoRegionError, type DeployAws } from './deploy/aws-ports.ts';
import { sdkDeployAws } from './deploy/aws-sdk-ports.ts';
import { cdkDeployPlan, cdkEnv, cdkFailureKind, shellLine, shellQuote, type CdkDeployPlan } from './deploy/cdk.ts';
import { spawnRunner, type ProcessRunner } from './deploy/process-runner.ts';
import { findProjectRoot, type ProjectRoot } from './deploy/project-root.ts';
import { gatherDeployState, renderWhatIsLeft } from './deploy/whats-left.ts';

export const DEFAULT_CONFIG_FILE = 'followback.config.json';
const EXAMPLE_CONFIG_FILE = 'followback.config.example.json';
/** The stack `cdk bootstrap` creates (the CDK's default name; cdk.json does not change it). */
export const CDK_TOOLKIT_STACK = 'CDKToolkit';

export const DEPLOY_USAGE = `Usage: followback deploy [options]

Deploys followback to your AWS account with the AWS CDK, then tells you what is
left to do. In order:
  1. checks the config, as followback validate does, and what a deployment needs
     (a "deploy" section, every sender under deploy.sesIdentity, a "secretName"
     in every token reference);
  2. runs npx cdk deploy STACK -c config=FILE in the followback folder (it asks
     before adding IAM permissions, unless --yes);
  3. prints what is left: the SES identity not verified yet, token secrets still
     empty (by name; never a value), the decision page's URL to put in the config.
Run it again after changing the config: the functions carry it.

Needs AWS credentials (aws configure, aws sso login, or --aws-profile NAME), a
region, and once per account and region: npx cdk bootstrap. Runs from a clone
after npm ci (the CDK app and the CDK are a clone's).

Options:
  --config FILE        config file (default: followback.config.json)
  --dry-run            check the config and print the cdk command, without running it
  --region NAME        AWS region (default: your AWS profile's, or AWS_REGION)
  --aws-profile NAME   AWS credentials profile (sets AWS_PROFILE for the CDK too)
  --yes                no confirmation for IAM changes (cdk --require-approval never)
  -h, --help           this help

Exit codes: 0 deployed (or, with --dry-run, the command printed), 1 the
deployment or an AWS check failed (no credentials, not bootstrapped, ...),
2 bad input (flags, config).`;

interface DeployFlags {
  config?: string;
  dryRun: boolean;
  region?: string;
  awsProfile?: string;
  yes: boolean;
}

export interface DeployDeps {
  aws: (options: { region?: string; profile?: string }) => DeployAws;
  run: ProcessRunner;
  projectRoot: () => Promise<ProjectRoot>;
  /** The deployment's own checks of the config; throws ConfigError listing every problem. */
  stackChecks: (config: Config, origin: string) => Promise<void>;
  /** The CLI has `followback secrets set` (the hint for empty secrets uses it). */
  secretsCommand: boolean;
}

/** The stack's own checks (infra/stack-settings.ts), loaded only here: they come with aws-cdk-lib. */
async function stackSettingsChecks(config: Config, origin: string): Promise<void> {
  const { stackSettings } = await import('../../infra/stack-settings.ts');
  stackSettings(config, origin);
}

export const defaultDeployDeps: DeployDeps = {
  aws: (options) => sdkDeployAws(options),
  run: spawnRunner,
  projectRoot: () => findProjectRoot(),
  stackChecks: stackSettingsChecks,
  secretsCommand: COMMANDS.some((c) => c.name === 'secrets'),
};

export function parseDeployFlags(argv: string[]): DeployFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        config: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        region: { type: 'string' },
        'aws-profile': { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${DEPLOY_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  for (const [flag, value] of [['--config', v.config], ['--region', v.region], ['--aws-profile', v['aws-profile']]] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} needs a value`);
  }
  if (v.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(v.region)) throw new UsageError(`--region "${v.region}" is not an AWS region such as eu-west-1`);
  return {
    ...(v.config !== undefined ? { config: v.config } : {}),
    dryRun: v['dry-run'],
    ...(v.region !== undefined ? { region: v.region } : {}),
    ...(v['aws-profile'] !== undefined ? { awsProfile: v['aws-profile'] } : {}),
    yes: v.yes,
  };
}

export async function deployCommand(argv: string[], io: CliIo, deps: DeployDeps = defaultDeployDeps): Promise<number> {
  const fail = (code: number, message: string): number => {
    io.stderr(`followback: ${message}\n`);
    return code;
  };

  // 1. Flags and config (as validate reads it): bad input, exit 2, nothing run.
  let flags: DeployFlags;
  let config: Config;
  let configPath: string;
  try {
    const parsed = parseDeployFlags(argv);
    if (parsed === 'help') {
      io.stdout(`${DEPLOY_USAGE}\n`);
      return EXIT_OK;
    }
    flags = parsed;
    configPath = resolve(io.cwd, flags.config ?? DEFAULT_CONFIG_FILE);
    try {
      config = await loadConfigFile(configPath);
    } catch (err) {
      if (flags.config === undefined && err instanceof ConfigError && err.message.endsWith('config file not found')) {
        throw new UsageError(`no ${DEFAULT_CONFIG_FILE} here: pass --config FILE, or write one (copy ${EXAMPLE_CONFIG_FILE}, then followback validate)`);
      }
      throw err;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) return fail(EXIT_BAD_INPUT, err.message);
    throw err;
  }

  // 2. The folder to run the CDK in (its CDK app also holds the deployment's own checks of the config).
  const root = await deps.projectRoot();
  if (!root.ok) return fail(EXIT_RUN_FAILED, root.reason);
  try {
    await deps.stackChecks(config, configPath);
    if (basename(configPath) === EXAMPLE_CONFIG_FILE && !flags.dryRun) {
      throw new UsageError(`${configPath} is the example config (it sends from example.com and creates "ada"'s secrets): copy it to ${DEFAULT_CONFIG_FILE}, make it yours, then deploy that`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) return fail(EXIT_BAD_INPUT, err.message);
    throw err;
  }
  const stackName = config.deploy?.stackName ?? 'Followback';
  const profiles = config.profiles.length;
  io.stdout(`${configPath}: valid (${profiles} profile${profiles === 1 ? '' : 's'}); stack ${stackName}\n`);

  // 3. The region (pinned for the CDK, so it deploys where the checks afterwards look).
  const aws = deps.aws({ ...(flags.region !== undefined ? { region: flags.region } : {}), ...(flags.awsProfile !== undefined ? { profile: flags.awsProfile } : {}) });
  let region: string | undefined;
  try {
    region = await aws.session.region();
  } catch (err) {
    if (!(err instanceof NoRegionError)) throw err;
    if (!flags.dryRun) return fail(EXIT_RUN_FAILED, noRegionMessage());
  }
  const plan = cdkDeployPlan({
    projectRoot: root.root,
    configPath,
    stackName,
    ...(region !== undefined ? { region } : {}),
    ...(flags.awsProfile !== undefined ? { awsProfile: flags.awsProfile } : {}),
    yes: flags.yes,
  });

  if (flags.dryRun) {
    io.stdout(`would run, in ${root.root}:\n  ${shellLine(plan)}\n`);
    if (region === undefined) io.stdout(`(a deploy would stop here: ${noRegionMessage()})\n`);
    if (basename(configPath) === EXAMPLE_CONFIG_FILE) io.stdout(`(${EXAMPLE_CONFIG_FILE} is the example: deploy refuses it; copy it to ${DEFAULT_CONFIG_FILE} first)\n`);
    io.stdout('dry run: nothing was run\n');
    return EXIT_OK;
  }
  const deployRegion = region as string;

  // 4. Before the CDK spends a minute synthesizing: credentials, and the CDK's bootstrap stack.
  try {
    await aws.session.credentials();
  } catch (err) {
    if (err instanceof NoCredentialsError) return fail(EXIT_RUN_FAILED, noCredentialsMessage(err.message));
    throw err;
  }
  try {
    const toolkit = await aws.stacks(deployRegion).describe(CDK_TOOLKIT_STACK);
    if (toolkit === undefined) return fail(EXIT_RUN_FAILED, notBootstrappedMessage(plan, deployRegion));
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (cdkFailureKind(message) === 'no-credentials') return fail(EXIT_RUN_FAILED, noCredentialsMessage(message));
    // Anything else (no permission to describe it, say): the CDK checks the bootstrap itself and says so.
  }

  // 5. The deployment.
  io.stderr(`deploying ${stackName} to ${deployRegion}, in ${root.root}:\n  ${shellLine(plan)}\n`);
  const result = await deps.run({ command: plan.command, args: plan.args, cwd: plan.cwd, env: cdkEnv(io.env, plan), onStderr: io.stderr });
  if (result.code !== 0) {
    const kind = cdkFailureKind(result.stderrTail);
    if (kind === 'not-bootstrapped') return fail(EXIT_RUN_FAILED, notBootstrappedMessage(plan, deployRegion));
    if (kind === 'no-credentials') return fail(EXIT_RUN_FAILED, noCredentialsMessage('the CDK found none that work'));
    if (kind === 'no-terminal') return fail(EXIT_RUN_FAILED, 'the CDK wants you to confirm IAM or security changes, and there is no terminal to ask in: run it in a terminal, or pass --yes');
    return fail(EXIT_RUN_FAILED, `the deployment failed (cdk exited with ${result.code}); its output above says why`);
  }

  // 6. What is left to do.
  const state = await gatherDeployState({ config, stackName, region: deployRegion, aws });
  const left = renderWhatIsLeft(state, { configPath, secretsCommand: deps.secretsCommand });
  io.stdout(`\nDeployed ${stackName} to ${deployRegion}.\n${left.text}`);
  return EXIT_OK;
}

function noRegionMessage(): string {
  return 'no AWS region: pass --region NAME (e.g. --region eu-west-1), set AWS_REGION, or give your AWS profile one (aws configure set region eu-west-1)';
}

function noCredentialsMessage(detail: string): string {
  return `no AWS credentials (${detail}): run aws configure (or aws sso login), or pass --aws-profile NAME, then followback deploy again`;
}

function notBootstrappedMessage(plan: CdkDeployPlan, region: string): string {
  const env = ['AWS_PROFILE', 'AWS_REGION'].filter((k) => plan.envChanges[k] !== undefined).map((k) => `${k}=${shellQuote(plan.envChanges[k] as string)} `).join('');
  return (
    `the AWS CDK is not bootstrapped in this account's ${region} (its ${CDK_TOOLKIT_STACK} stack is missing or too old). Once per account and region, run\n` +
    `  cd ${shellQuote(plan.cwd)} && ${env}npx cdk bootstrap\n` +
    'then followback deploy again'
  );
}
