/**
 * The CDK deploy `followback deploy` runs, and what its failures mean.
 *
 * The CDK app (infra/app.ts, run by cdk.json) reads the config named by the
 * `config` context value, so the command is
 *
 *   npx cdk deploy <stackName> -c config=<absolute config path>
 *
 * run in the followback folder (where cdk.json is), with the region pinned in
 * the environment to the one deploy checks afterwards.
 */

export interface CdkDeployOptions {
  /** The followback folder (cdk.json, infra/app.ts, node_modules/aws-cdk). */
  projectRoot: string;
  /** Absolute path of the config file. */
  configPath: string;
  stackName: string;
  /** Resolved region (pinned so the CDK deploys where deploy's checks look); undefined: the CDK resolves it. */
  region?: string;
  /** --aws-profile */
  awsProfile?: string;
  /** --yes: no confirmation prompt for IAM / security group changes. */
  yes: boolean;
}

export interface CdkDeployPlan {
  command: string;
  args: string[];
  cwd: string;
  /** What deploy sets in the environment it passes on (everything else is the caller's environment as it is). */
  envChanges: Record<string, string>;
}

export function cdkDeployPlan(options: CdkDeployOptions): CdkDeployPlan {
  const envChanges: Record<string, string> = {
    // The CDK CLI sends usage telemetry to AWS unless told not to; followback keeps its tools quiet (as DynamoDB Local).
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // The CDK app loads the AWS SDK, whose Node 20 notice would sit in the middle of the deploy's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (options.awsProfile !== undefined) envChanges['AWS_PROFILE'] = options.awsProfile;
  if (options.region !== undefined) {
    envChanges['AWS_REGION'] = options.region;
    envChanges['AWS_DEFAULT_REGION'] = options.region;
  }
  return {
    command: 'npx',
    args: ['cdk', 'deploy', options.stackName, '-c', `config=${options.configPath}`, ...(options.yes ? ['--require-approval', 'never'] : [])],
    cwd: options.projectRoot,
    envChanges,
  };
}

/** The environment the CDK runs with: the caller's, plus the plan's changes. */
export function cdkEnv(base: Readonly<Record<string, string | undefined>>, plan: CdkDeployPlan): Record<string, string | undefined> {
  return { ...base, ...plan.envChanges };
}

/** The command as a person would type it, quoted for a POSIX shell. */
export function shellLine(plan: CdkDeployPlan): string {
  const env = Object.entries(plan.envChanges).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [...env, plan.command, ...plan.args.map(shellQuote)].join(' ');
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export type CdkFailureKind = 'not-bootstrapped' | 'no-credentials' | 'no-terminal';

/** The CDK's own words for the failures deploy explains (aws-cdk 2.11xx). */
const FAILURES: { kind: CdkFailureKind; pattern: RegExp }[] = [
  {
    kind: 'not-bootstrapped',
    pattern:
      /Has the environment been bootstrapped\?|Is (?:this account|account \S+) bootstrapped\?|the toolkit stack must be deployed to the environment|requires bootstrap stack version|"cdk bootstrap" is required/i,
  },
  {
    kind: 'no-credentials',
    pattern:
      /no credentials have been configured|Unable to resolve AWS account to use|Could not load credentials from any providers|ExpiredToken|security token included in the request is (?:expired|invalid)|InvalidClientTokenId|Token is expired|SSO session .*(?:expired|invalid)/i,
  },
  { kind: 'no-terminal', pattern: /terminal \(TTY\) is not attached/i },
];

/** Recognises a failed CDK run's reason from its output (the end of its stderr). */
export function cdkFailureKind(output: string): CdkFailureKind | undefined {
  return FAILURES.find((f) => f.pattern.test(output))?.kind;
}
