/**
 * `followback deploy` (issue 18, point 6) against fakes: the AWS calls behind
 * deploy/aws-ports.ts and the process runner that would run the CDK. Nothing
 * is deployed and no AWS endpoint is called; the config checks are the real
 * ones (loadConfigFile, then infra/stack-settings.ts).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECISION_URL_OUTPUT as INFRA_DECISION_URL_OUTPUT } from '../../../infra/constructs/decision-endpoint.ts';
import { stackSettings } from '../../../infra/stack-settings.ts';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { CDK_TOOLKIT_STACK, defaultDeployDeps, deployCommand, type DeployDeps } from '../../../functions/commands/deploy.ts';
import { NoCredentialsError, NoRegionError, secretStateFromStages, type DeployAws, type DescribedStack, type SecretState, type VerificationStatus } from '../../../functions/commands/deploy/aws-ports.ts';
import { cdkFailureKind } from '../../../functions/commands/deploy/cdk.ts';
import type { RunRequest, RunResult } from '../../../functions/commands/deploy/process-runner.ts';
import { findProjectRoot } from '../../../functions/commands/deploy/project-root.ts';
import { DECISION_URL_OUTPUT, renderWhatIsLeft, secretReferences } from '../../../functions/commands/deploy/whats-left.ts';
import { loadConfigFile } from '../../../shared/config/load-config.ts';
import { PLACEHOLDER_SECRET_VALUE } from '../../../shared/secrets/secrets-manager-resolver.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PROJECT = '/srv/followback';
const DECISION_URL = 'https://abcdefghijklmnop.lambda-url.eu-west-1.on.aws/';

/** A config a person would deploy: one profile, Mastodon and Bluesky tokens in Secrets Manager, SES from example.org. */
function deployableConfig(overrides: { decisionsUrl?: string; sender?: string; deploy?: unknown } = {}): unknown {
  return {
    profiles: [
      {
        id: 'ada',
        sources: [
          { type: 'mastodon', id: 'mastodon', instanceUrl: 'https://mastodon.example', accessToken: { env: 'MASTODON_TOKEN', secretName: 'followback/ada/mastodon' } },
          { type: 'bluesky', id: 'bluesky', serviceUrl: 'https://bsky.example', handle: 'ada.bsky.example', appPassword: { secretName: 'followback/ada/bluesky' } },
        ],
        report: {
          recipients: ['ada@example.net'],
          sender: overrides.sender ?? 'followback@example.org',
          ...(overrides.decisionsUrl !== undefined ? { decisionsUrl: overrides.decisionsUrl } : {}),
        },
      },
    ],
    delivery: { type: 'ses' },
    deploy: overrides.deploy ?? { stackName: 'FollowbackAda', sesIdentity: 'example.org' },
  };
}

async function configFile(value: unknown, name = 'followback.config.json'): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-deploy-'));
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return { dir, path };
}

interface FakeAwsState {
  region?: string | 'none';
  credentials?: boolean;
  toolkit?: 'present' | 'absent' | Error;
  stack?: DescribedStack | Error;
  identities?: Record<string, VerificationStatus> | Error;
  sandbox?: boolean | Error;
  secrets?: Record<string, SecretState | Error>;
}

/** The four ports, answering from `state`; `calls` lists what was asked, in order. */
function fakeAws(state: FakeAwsState): { aws: DeployAws; calls: string[]; options: { region?: string; profile?: string }[] } {
  const calls: string[] = [];
  const options: { region?: string; profile?: string }[] = [];
  const answer = <T>(value: T | Error): T => {
    if (value instanceof Error) throw value;
    return value;
  };
  const aws: DeployAws = {
    session: {
      async region() {
        calls.push('region');
        if (state.region === 'none') throw new NoRegionError('Region is missing');
        return state.region ?? 'eu-west-1';
      },
      async credentials() {
        calls.push('credentials');
        if (state.credentials === false) throw new NoCredentialsError('Could not load credentials from any providers');
      },
    },
    stacks: (region) => ({
      async describe(name) {
        calls.push(`describe ${name} ${region}`);
        if (name === CDK_TOOLKIT_STACK) {
          const toolkit = answer(state.toolkit ?? 'present');
          return toolkit === 'present' ? { status: 'UPDATE_COMPLETE', outputs: {} } : undefined;
        }
        return answer(state.stack ?? { status: 'CREATE_COMPLETE', outputs: { [DECISION_URL_OUTPUT]: DECISION_URL } });
      },
    }),
    ses: (region) => ({
      async verification(identities) {
        calls.push(`ses verification ${region} ${identities.join(',')}`);
        const known = answer(state.identities ?? {});
        return new Map(identities.map((i) => [i, known[i] ?? 'NotFound']));
      },
      async inSandbox() {
        calls.push(`ses sandbox ${region}`);
        return answer(state.sandbox ?? false);
      },
    }),
    secrets: (region) => ({
      async state(name) {
        calls.push(`secret ${name} ${region}`);
        return answer(state.secrets?.[name] ?? 'set');
      },
    }),
  };
  return { aws, calls, options };
}

interface Harness {
  deps: DeployDeps;
  runs: RunRequest[];
  calls: string[];
  awsOptions: { region?: string; profile?: string }[];
}

function harness(state: FakeAwsState = {}, result: RunResult = { code: 0, stderrTail: '' }, root: Awaited<ReturnType<DeployDeps['projectRoot']>> = { ok: true, root: PROJECT }): Harness {
  const fake = fakeAws(state);
  const runs: RunRequest[] = [];
  return {
    runs,
    calls: fake.calls,
    awsOptions: fake.options,
    deps: {
      aws: (options) => {
        fake.options.push(options);
        return fake.aws;
      },
      run: async (request) => {
        runs.push(request);
        return result;
      },
      projectRoot: async () => root,
      stackChecks: defaultDeployDeps.stackChecks,
      secretsCommand: false,
    },
  };
}

const ENV = { PATH: '/usr/bin:/bin', HOME: '/home/ada' };

async function deploy(argv: string[], cwd: string, h: Harness): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: ENV, cwd, isTty: false };
  const code = await deployCommand(argv, io, h.deps);
  return { code, stdout, stderr };
}

const BASE_ENV_CHANGES = { CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

describe('followback deploy runs the CDK deploy with the config', () => {
  it('runs npx cdk deploy STACK -c config=FILE in the followback folder, region pinned, nothing else changed in the environment', async () => {
    const { dir, path } = await configFile(deployableConfig());
    const h = harness();
    const out = await deploy([], dir, h);
    expect(out.stderr).not.toMatch(/^followback:/m);
    expect(out.code).toBe(0);
    expect(h.runs).toHaveLength(1);
    const run = h.runs[0] as RunRequest;
    expect({ command: run.command, args: run.args, cwd: run.cwd, env: run.env }).toEqual({
      command: 'npx',
      args: ['cdk', 'deploy', 'FollowbackAda', '-c', `config=${path}`],
      cwd: PROJECT,
      env: { ...ENV, ...BASE_ENV_CHANGES, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' },
    });
    // Credentials and the bootstrap stack are checked before the CDK starts.
    expect(h.calls.slice(0, 3)).toEqual(['region', 'credentials', `describe ${CDK_TOOLKIT_STACK} eu-west-1`]);
    expect(out.stderr).toContain(`npx cdk deploy FollowbackAda -c config=${path}`);
    expect(out.stdout).toContain('Deployed FollowbackAda to eu-west-1.');
  });

  it('--config, --region, --aws-profile and --yes reach the command and its environment', async () => {
    const { dir } = await configFile(deployableConfig(), 'prod.json');
    const h = harness({ region: 'eu-south-1' });
    const out = await deploy(['--config', 'prod.json', '--region', 'eu-south-1', '--aws-profile', 'work', '--yes'], dir, h);
    expect(out.code).toBe(0);
    expect(h.awsOptions).toEqual([{ region: 'eu-south-1', profile: 'work' }]);
    const run = h.runs[0] as RunRequest;
    expect(run.args).toEqual(['cdk', 'deploy', 'FollowbackAda', '-c', `config=${join(dir, 'prod.json')}`, '--require-approval', 'never']);
    expect(run.env).toEqual({ ...ENV, ...BASE_ENV_CHANGES, AWS_PROFILE: 'work', AWS_REGION: 'eu-south-1', AWS_DEFAULT_REGION: 'eu-south-1' });
  });

  it('--dry-run prints the command and runs nothing, asks AWS for nothing but the local region setting', async () => {
    const { dir, path } = await configFile(deployableConfig());
    const h = harness();
    const out = await deploy(['--dry-run'], dir, h);
    expect(out.code).toBe(0);
    expect(h.runs).toEqual([]);
    expect(h.calls).toEqual(['region']);
    expect(out.stdout).toBe(
      `${path}: valid (1 profile); stack FollowbackAda\n` +
        `would run, in ${PROJECT}:\n` +
        `  CDK_DISABLE_CLI_TELEMETRY=true AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 npx cdk deploy FollowbackAda -c config=${path}\n` +
        'dry run: nothing was run\n',
    );
  });

  it('--dry-run quotes a path with spaces, and says when no region is set', async () => {
    const { dir } = await configFile(deployableConfig(), 'my config.json');
    const h = harness({ region: 'none' });
    const out = await deploy(['--dry-run', '--config', 'my config.json'], dir, h);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`npx cdk deploy FollowbackAda -c 'config=${join(dir, 'my config.json')}'`);
    expect(out.stdout).not.toContain('AWS_REGION=');
    expect(out.stdout).toContain('no AWS region: pass --region NAME');
  });
});

describe('followback deploy refuses bad input (exit 2), running nothing', () => {
  it('a config that followback validate refuses: the same message', async () => {
    const bad = deployableConfig() as { profiles: { policy?: unknown }[] };
    (bad.profiles[0] as { policy?: unknown }).policy = { dormantDays: 'soon' };
    const { dir } = await configFile(bad);
    const h = harness();
    const out = await deploy([], dir, h);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/invalid config\n {2}profiles\[0\]\.policy\.dormantDays: /);
    expect(h.runs).toEqual([]);
    expect(h.calls).toEqual([]);
  });

  it('what only a deployment needs: a sender outside deploy.sesIdentity, a token without secretName', async () => {
    const bad = deployableConfig({ sender: 'me@elsewhere.example' }) as { profiles: { sources: { accessToken?: unknown }[] }[] };
    (bad.profiles[0]?.sources[0] as { accessToken?: unknown }).accessToken = { env: 'MASTODON_TOKEN' };
    const { dir } = await configFile(bad);
    const h = harness();
    const out = await deploy(['--dry-run'], dir, h);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('cannot deploy this config');
    expect(out.stderr).toContain('profiles[0].report.sender: "me@elsewhere.example" is not covered by deploy.sesIdentity "example.org"');
    expect(out.stderr).toContain('profiles[0].sources[0]: the secret reference needs "secretName" in AWS');
    expect(h.runs).toEqual([]);
  });

  it('no "deploy" section', async () => {
    const config = deployableConfig() as Record<string, unknown>;
    delete config['deploy'];
    const { dir } = await configFile(config);
    const out = await deploy([], dir, harness());
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('a "deploy" section is needed to deploy');
  });

  it('no config here, unknown flags, a region that is not one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-deploy-'));
    expect((await deploy([], dir, harness())).stderr).toContain('no followback.config.json here');
    const unknown = await deploy(['--stack', 'X'], dir, harness());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--stack'");
    expect((await deploy(['--region', 'Ireland'], dir, harness())).stderr).toContain('"Ireland" is not an AWS region');
  });

  it('the example config is not deployed (it would create "ada"\'s secrets and send from example.com)', async () => {
    const example = await readFile(join(ROOT, 'followback.config.example.json'), 'utf8');
    const { dir } = await configFile(example, 'followback.config.example.json');
    const h = harness();
    const out = await deploy(['--config', 'followback.config.example.json'], dir, h);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('is the example config');
    expect(h.runs).toEqual([]);
  });
});

describe('followback deploy explains what stops it (exit 1)', () => {
  it('no AWS credentials: says how to get some, before the CDK starts', async () => {
    const { dir } = await configFile(deployableConfig());
    const h = harness({ credentials: false });
    const out = await deploy([], dir, h);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('followback: no AWS credentials (Could not load credentials from any providers): run aws configure (or aws sso login), or pass --aws-profile NAME');
    expect(h.runs).toEqual([]);
  });

  it('no region', async () => {
    const { dir } = await configFile(deployableConfig());
    const out = await deploy([], dir, harness({ region: 'none' }));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no AWS region: pass --region NAME');
  });

  it('not bootstrapped (no CDKToolkit stack): says npx cdk bootstrap, with the same profile and region, before the CDK starts', async () => {
    const { dir } = await configFile(deployableConfig());
    const h = harness({ toolkit: 'absent', region: 'eu-south-1' });
    const out = await deploy(['--aws-profile', 'work'], dir, h);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("the AWS CDK is not bootstrapped in this account's eu-south-1");
    expect(out.stderr).toContain(`cd ${PROJECT} && AWS_PROFILE=work AWS_REGION=eu-south-1 npx cdk bootstrap\n`);
    expect(h.runs).toEqual([]);
  });

  it('expired credentials found by the bootstrap check', async () => {
    const { dir } = await configFile(deployableConfig());
    const expired = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' });
    const out = await deploy([], dir, harness({ toolkit: expired }));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no AWS credentials');
  });

  it.each([
    [
      'SSM parameter',
      "SSM parameter /cdk-bootstrap/hnb659fds/version not found in aws://123456789012/eu-west-1. Has the environment been bootstrapped? Please run 'cdk bootstrap' (see https://docs.aws.amazon.com/cdk/latest/guide/bootstrapping.html)",
    ],
    ['assets', 'This stack uses assets, so the toolkit stack must be deployed to the environment (Run "cdk bootstrap aws://123456789012/eu-west-1")'],
    ['old bootstrap', "This CDK deployment requires bootstrap stack version '6', found '4' in aws://123456789012/eu-west-1. Please run 'cdk bootstrap'."],
  ])("the CDK's own not-bootstrapped message (%s) becomes npx cdk bootstrap", async (_name, message) => {
    const { dir } = await configFile(deployableConfig());
    // The bootstrap check could not tell (no permission to describe stacks): the CDK finds out.
    const h = harness({ toolkit: Object.assign(new Error('not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }) }, { code: 1, stderrTail: `❌ Deployment failed: ${message}\n` });
    const out = await deploy([], dir, h);
    expect(h.runs).toHaveLength(1);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`cd ${PROJECT} && AWS_REGION=eu-west-1 npx cdk bootstrap\n`);
  });

  it("the CDK's no-credentials and no-terminal messages", async () => {
    const { dir } = await configFile(deployableConfig());
    const noCreds = await deploy([], dir, harness({}, { code: 1, stderrTail: 'Need to perform AWS calls for account 123456789012, but no credentials have been configured' }));
    expect(noCreds.code).toBe(1);
    expect(noCreds.stderr).toContain('no AWS credentials');
    const noTty = await deploy(
      [],
      dir,
      harness({}, { code: 1, stderrTail: '"--require-approval" is enabled and stack includes security-sensitive updates, but terminal (TTY) is not attached so we are unable to get a confirmation from the user' }),
    );
    expect(noTty.stderr).toContain('pass --yes');
  });

  it('any other CDK failure: its output is above, exit 1', async () => {
    const { dir } = await configFile(deployableConfig());
    const out = await deploy([], dir, harness({}, { code: 1, stderrTail: 'UPDATE_ROLLBACK_COMPLETE' }));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('the deployment failed (cdk exited with 1)');
    expect(out.stdout).not.toContain('Deployed');
  });

  it('not from a clone: says where deploy runs', async () => {
    const { dir } = await configFile(deployableConfig());
    const out = await deploy([], dir, harness({}, undefined, { ok: false, reason: 'deploy runs the CDK app of a followback clone' }));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('followback: deploy runs the CDK app of a followback clone');
  });
});

describe('after the deployment: what is left to do', () => {
  it('the SES identity, the sandbox recipients, the secrets still empty (names only), the decision URL to put in the config', async () => {
    const { dir, path } = await configFile(deployableConfig());
    const h = harness({
      identities: { 'example.org': 'Pending' },
      sandbox: true,
      secrets: { 'followback/ada/mastodon': 'placeholder', 'followback/ada/bluesky': 'set' },
    });
    const out = await deploy([], dir, h);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('What is left to do (4):');
    expect(out.stdout).toContain('1. Finish verifying the SES identity example.org in eu-west-1 (SES is waiting): add the DNS records SES shows for example.org');
    expect(out.stdout).toContain('2. Your SES account in eu-west-1 is in the sandbox');
    expect(out.stdout).toContain('aws sesv2 create-email-identity --email-identity ada@example.net --region eu-west-1');
    expect(out.stdout).toMatch(/3\. Put the token in this secret: it still holds the placeholder[^\n]*\n\s+followback\/ada\/mastodon {2}\(ada\/mastodon accessToken\)/);
    expect(out.stdout).not.toMatch(/followback\/ada\/bluesky {2}\(/);
    expect(out.stdout).toContain(`4. Put the decision page in profile ada of ${path}, then run followback deploy again`);
    expect(out.stdout).toContain(`"decisionsUrl": "${DECISION_URL}"`);
    expect(out.stdout).toContain('Already done: 1 secret set.');
    // Presence only: never a value (the fakes have none to give, and the placeholder is never named).
    expect(out.stdout).not.toContain(PLACEHOLDER_SECRET_VALUE);
    expect(h.calls).toContain(`describe FollowbackAda eu-west-1`);
    expect(h.calls).toContain('ses verification eu-west-1 example.org,ada@example.net,example.net');
  });

  it('with followback secrets set in the CLI, the hint is that command for each secret (the value read from stdin, not typed on the command line)', async () => {
    const { dir } = await configFile(deployableConfig());
    const h = harness({ secrets: { 'followback/ada/mastodon': 'placeholder', 'followback/ada/bluesky': 'placeholder' } });
    h.deps.secretsCommand = true;
    const out = await deploy([], dir, h);
    expect(out.stdout).toContain(
      'Put each (it asks for the value, or reads it from a pipe):\n' +
        '       followback secrets set bluesky --region eu-west-1\n' +
        '       followback secrets set mastodon --region eu-west-1\n',
    );
    expect(out.stdout).not.toContain('put-secret-value');
  });

  it('the secrets set hint names --profile when several profiles share the source id, --which when the source has several secrets', () => {
    const place = (profileId: string, sourceId: string, field: string) => ({ profileId, sourceId, field });
    const secrets = [
      { secretName: 'followback/ada/mastodon', uses: [place('ada', 'mastodon', 'accessToken')], state: { ok: true as const, value: 'placeholder' as const } },
      { secretName: 'followback/bob/mastodon', uses: [place('bob', 'mastodon', 'accessToken')], state: { ok: true as const, value: 'set' as const } },
      { secretName: 'followback/ada/x-refresh', uses: [place('ada', 'x', 'api.refreshToken')], state: { ok: true as const, value: 'placeholder' as const } },
      { secretName: 'followback/ada/x', uses: [place('ada', 'x', 'api.accessToken')], state: { ok: true as const, value: 'set' as const } },
    ];
    const left = renderWhatIsLeft(
      {
        region: 'eu-west-1',
        sesRegion: 'eu-west-1',
        identity: 'example.org',
        identityStatus: { ok: true, value: 'Success' },
        unverifiedRecipients: { ok: true, value: [] },
        sandbox: { ok: true, value: false },
        secrets,
        decisionUrl: { ok: true, value: DECISION_URL },
        profiles: [{ id: 'ada', decisionsUrl: DECISION_URL }],
      },
      { configPath: '/home/ada/followback.config.json', secretsCommand: true },
    );
    expect(left.todo).toBe(1);
    expect(left.text).toContain('followback secrets set mastodon --profile ada --region eu-west-1\n');
    expect(left.text).toContain('followback secrets set x --which refreshToken --region eu-west-1\n');
    expect(left.text).toContain('followback/ada/x-refresh  (ada/x api.refreshToken)');
  });

  it('an identity SES does not know: how to create it; a secret that does not exist', async () => {
    const config = deployableConfig() as { delivery: unknown };
    config.delivery = { type: 'ses', region: 'us-east-1' };
    const { dir } = await configFile(config);
    const out = await deploy([], dir, harness({ identities: { 'ada@example.net': 'Success' }, secrets: { 'followback/ada/bluesky': 'missing' } }));
    expect(out.stdout).toContain('Verify the SES identity example.org in us-east-1: SES does not know it yet');
    expect(out.stdout).toContain('aws sesv2 create-email-identity --email-identity example.org --region us-east-1');
    expect(out.stdout).toContain('This secret does not exist in eu-west-1');
    expect(out.stdout).toContain('followback/ada/bluesky  (ada/bluesky appPassword)');
  });

  it('nothing left: says so', async () => {
    const { dir } = await configFile(deployableConfig({ decisionsUrl: DECISION_URL }));
    const out = await deploy([], dir, harness({ identities: { 'example.org': 'Success', 'ada@example.net': 'Success' }, sandbox: true }));
    expect(out.stdout).toContain('Nothing left to do.');
    expect(out.stdout).toContain(`Already done: SES identity example.org verified; 2 secrets set; decision page ${DECISION_URL} in every profile.`);
  });

  it('a check AWS refuses is reported as not checked; the deployment still succeeded (exit 0)', async () => {
    const { dir } = await configFile(deployableConfig({ decisionsUrl: DECISION_URL }));
    const denied = Object.assign(new Error('User is not authorized to perform: ses:GetIdentityVerificationAttributes'), { name: 'AccessDenied' });
    const out = await deploy([], dir, harness({ identities: denied, sandbox: denied, secrets: { 'followback/ada/mastodon': new Error('throttled') } }));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Nothing left to do that could be checked.');
    expect(out.stdout).toContain('Could not check:\n  - the SES identity example.org (User is not authorized');
    expect(out.stdout).toContain('  - the secret followback/ada/mastodon (throttled)');
  });
});

describe('deploy agrees with the stack', () => {
  it('reads the decision page from the output the stack publishes', () => {
    expect(DECISION_URL_OUTPUT).toBe(INFRA_DECISION_URL_OUTPUT);
  });

  it('checks the secrets the stack creates (the example config)', async () => {
    const path = join(ROOT, 'followback.config.example.json');
    const config = await loadConfigFile(path);
    expect(secretReferences(config).map((s) => s.secretName)).toEqual(stackSettings(config, path).secretNames);
  });

  it('a secret is "placeholder" while it has only the version the stack created', () => {
    expect(secretStateFromStages({ v1: ['AWSCURRENT'] })).toBe('placeholder');
    expect(secretStateFromStages({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] })).toBe('set');
    expect(secretStateFromStages({ v2: ['AWSCURRENT', 'AWSPREVIOUS'] })).toBe('set');
  });

  it('the CDK messages it recognises, and not others', () => {
    expect(cdkFailureKind('Is account 123456789012 bootstrapped?')).toBe('not-bootstrapped');
    expect(cdkFailureKind('Unable to resolve AWS account to use. It must be either configured when you define your CDK Stack, or through the environment')).toBe('no-credentials');
    expect(cdkFailureKind('Resource handler returned message: "Invalid request provided"')).toBeUndefined();
  });

  it('finds the followback folder from its own location (this clone)', async () => {
    expect(await findProjectRoot()).toEqual({ ok: true, root: ROOT.replace(/\/$/, '') });
    const elsewhere = await findProjectRoot(tmpdir());
    expect(elsewhere.ok).toBe(false);
  });
});
