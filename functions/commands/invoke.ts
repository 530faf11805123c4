import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { STACK_OUTPUTS } from '../../shared/app/env.ts';
import { ConfigError, loadConfigFile } from '../../shared/config/load-config.ts';
import { RunSummary } from '../handler/summary.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED } from './cli-io.ts';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ExecutionAlreadyExistsError, sdkStepFunctionsApi, type DescribedExecution, type StepFunctionsApi } from './step-functions-api.ts';

/** The stack output with the firing state machine's ARN (infra/followback-stack.ts publishes it under this key). */
export const FIRING_STATE_MACHINE_OUTPUT = STACK_OUTPUTS.firingStateMachineArn;

export const INVOKE_USAGE = `Usage: followback invoke --profile ID [options]

Starts a firing of the profile now, as the schedule would: a Step Functions
execution (pull steps, rate-limit waits, report), found through the stack's
"${FIRING_STATE_MACHINE_OUTPUT}" output. Waits for it and prints its summary.

Options:
  --profile ID    the profile to run (required)
  --dry-run       everything but the email
  --now ISO       the run's clock, e.g. 2026-11-25T08:00:00Z (repeat it: same execution, not a second one)
  --no-wait       print the execution's ARN and return at once
  --direct        run the whole firing in one invocation of the single-run function instead
                  (found through "${STACK_OUTPUTS.functionName}"; up to its timeout, for small accounts)
  --config FILE   config that names the stack (default: followback.config.json)
  --stack NAME    stack name (instead of reading the config)
  --region NAME   AWS region (default: your AWS profile's)
  --json          print the JSON summary instead of text
  -h, --help      this help

Exit codes: 0 ok, 1 the run or the AWS call failed, 2 bad input.`;

export interface InvokeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Relative --config paths resolve against it (default: the process's). */
  cwd?: string;
}

/** The two calls the command makes; the SDK clients satisfy it, tests pass fakes. */
export interface InvokeClients {
  cloudFormation: { send(command: DescribeStacksCommand): Promise<DescribeStacksCommandOutput> };
  lambda: { send(command: InvokeCommand): Promise<InvokeCommandOutput> };
  stepFunctions: StepFunctionsApi;
}

export interface InvokeOptions {
  /** How often a waiting invoke asks for the execution's status (default 5 s). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type MakeInvokeClients = (region: string | undefined) => InvokeClients;

const defaultClients: MakeInvokeClients = (region) => {
  const cloudFormation = new CloudFormationClient(region !== undefined ? { region } : {});
  return {
    cloudFormation,
    // One attempt: a retried invoke is a second run request (harmless thanks to the run key, but noisy).
    lambda: new LambdaClient({ ...(region !== undefined ? { region } : {}), maxAttempts: 1 }),
    // One attempt for the start: a retried start of the same name is refused anyway, but says so confusingly.
    stepFunctions: sdkStepFunctionsApi(new SFNClient({ ...(region !== undefined ? { region } : {}), maxAttempts: 1 })),
  };
};

interface InvokeFlags {
  profile: string;
  dryRun: boolean;
  now?: string;
  config?: string;
  stack?: string;
  region?: string;
  json: boolean;
  wait: boolean;
  direct: boolean;
}

class BadInput extends Error {}

const IsoInstant = z.iso.datetime({ offset: true });
const LambdaError = z.object({ errorType: z.string().optional(), errorMessage: z.string() });

/** `followback invoke`: finds the deployed function in the stack outputs and runs one profile now. */
export async function invokeCommand(argv: string[], io: InvokeIo, makeClients: MakeInvokeClients = defaultClients, options: InvokeOptions = {}): Promise<number> {
  let flags: InvokeFlags | 'help';
  let stackName: string;
  try {
    flags = parseInvokeFlags(argv);
    if (flags === 'help') {
      io.stdout(`${INVOKE_USAGE}\n`);
      return EXIT_OK;
    }
    stackName = await stackNameFor(flags, io.cwd ?? process.cwd());
  } catch (err) {
    if (err instanceof BadInput || err instanceof ConfigError) {
      io.stderr(`followback: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }

  const clients = makeClients(flags.region);
  const where = flags.region !== undefined ? ` in ${flags.region}` : '';
  const outputKey = flags.direct ? STACK_OUTPUTS.functionName : FIRING_STATE_MACHINE_OUTPUT;
  let target: string;
  try {
    const out = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const output = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === outputKey)?.OutputValue;
    if (output === undefined) {
      const hint = flags.direct ? '' : ' (a stack deployed before firings ran on Step Functions: redeploy it, or pass --direct)';
      io.stderr(`followback: stack ${stackName}${where} has no "${outputKey}" output${hint}; is it a followback stack, and did its deployment finish?\n`);
      return EXIT_RUN_FAILED;
    }
    target = output;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(
      /does not exist/i.test(message)
        ? `followback: stack ${stackName} not found${where}; deploy it (npx cdk deploy) or pass --stack NAME / --region NAME\n`
        : `followback: cannot read stack ${stackName}${where}: ${message}\n`,
    );
    return EXIT_RUN_FAILED;
  }
  if (!flags.direct) return startFiring(target, flags, clients.stepFunctions, io, options);
  const functionName = target;

  const payload = { profile: flags.profile, dryRun: flags.dryRun, ...(flags.now !== undefined ? { now: flags.now } : {}) };
  io.stderr(`invoking ${functionName} with ${JSON.stringify(payload)}\n`);
  let response: InvokeCommandOutput;
  try {
    response = await clients.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  } catch (err) {
    io.stderr(`followback: cannot invoke ${functionName}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  }
  const body = response.Payload !== undefined ? new TextDecoder().decode(response.Payload) : '';

  if (response.FunctionError !== undefined) {
    const failure = LambdaError.safeParse(safeJson(body));
    const type = failure.success ? (failure.data.errorType ?? response.FunctionError) : response.FunctionError;
    const message = failure.success ? failure.data.errorMessage : body.slice(0, 2000);
    io.stderr(`followback: the function failed: ${type}: ${message}\n(logs: the stack's LogGroupName output)\n`);
    return type === 'InvalidEventError' ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
  }
  const summary = RunSummary.safeParse(safeJson(body));
  if (!summary.success) {
    const first = summary.error.issues[0];
    io.stderr(`followback: unexpected response from ${functionName} (${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'not a run summary'})\n`);
    return EXIT_RUN_FAILED;
  }
  io.stdout(flags.json ? `${JSON.stringify(summary.data, null, 2)}\n` : formatSummary(summary.data));
  return EXIT_OK;
}

export function parseInvokeFlags(argv: string[]): InvokeFlags | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        now: { type: 'string' },
        config: { type: 'string' },
        stack: { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-wait': { type: 'boolean', default: false },
        direct: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new BadInput(`${err instanceof Error ? err.message : String(err)}\n\n${INVOKE_USAGE}`);
  }
  if (values.help) return 'help';
  if (values.direct && values['no-wait']) throw new BadInput('--no-wait starts an execution; --direct runs the function and always waits for it');
  if (values.profile === undefined || values.profile.trim() === '') throw new BadInput(`--profile ID is required\n\n${INVOKE_USAGE}`);
  if (values.config !== undefined && values.stack !== undefined) throw new BadInput('--config and --stack are exclusive: --stack names the stack directly');
  for (const flag of ['stack', 'region', 'config'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw new BadInput(`--${flag} needs a value`);
  }
  if (values.now !== undefined && !IsoInstant.safeParse(values.now).success) {
    throw new BadInput(`--now "${values.now}" is not an ISO date-time such as 2026-11-25T08:00:00Z`);
  }
  return {
    profile: values.profile,
    dryRun: values['dry-run'],
    json: values.json,
    wait: !values['no-wait'],
    direct: values.direct,
    ...(values.now !== undefined ? { now: values.now } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
  };
}

/** The stack named by --stack, or by the config's deploy.stackName (checking the profile exists there too). */
async function stackNameFor(flags: InvokeFlags, cwd: string): Promise<string> {
  if (flags.stack !== undefined) return flags.stack;
  const path = resolve(cwd, flags.config ?? 'followback.config.json');
  const config = await loadConfigFile(path).catch((err: unknown) => {
    if (flags.config === undefined && err instanceof ConfigError && err.message.endsWith('config file not found')) {
      throw new BadInput('no followback.config.json here: pass --config FILE (the one you deployed) or --stack NAME');
    }
    throw err;
  });
  if (!config.profiles.some((p) => p.id === flags.profile)) {
    throw new BadInput(`unknown profile "${flags.profile}"; ${path} has: ${config.profiles.map((p) => p.id).join(', ')}`);
  }
  return config.deploy?.stackName ?? 'Followback';
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  const tags = [s.trigger, ...(s.dryRun ? ['dry run'] : [])].join(', ');
  if (s.status === 'duplicate') lines.push(`${s.profileId}: already ran for this trigger (${s.runKey}); nothing done`);
  else if (s.status === 'busy') lines.push(`${s.profileId}: another run of this profile is in progress; nothing done`);
  else lines.push(`${s.profileId}: completed, run ${s.runId ?? '?'} at ${s.at} (${tags})`);
  if (s.figures) {
    const f = s.figures;
    lines.push(
      `  ${f.following} following, ${f.followers} followers; ${f.suggestedUnfollows} to unfollow, ${f.suggestedReviews} to review, ${f.suggestedFollowBacks} to follow back; +${f.newFollowers}/-${f.lostFollowers} followers`,
    );
  }
  for (const stale of s.staleSources ?? []) lines.push(`  STALE ${stale.sourceId}: ${stale.problems.join('; ') || 'incomplete pull'}`);
  if (s.itemsWritten !== undefined) lines.push(`  wrote ${s.itemsWritten} items`);
  if (s.delivery) lines.push(`  delivered: ${s.delivery.kind} ${s.delivery.ref}`);
  else if (s.status === 'completed') lines.push(`  not delivered${s.dryRun ? ' (dry run)' : ''}`);
  return `${lines.join('\n')}\n`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What StartExecution gets: the FiringInput of shared/app/step-contract.ts, and a name Step Functions accepts. */
export function manualFiring(flags: Pick<InvokeFlags, 'profile' | 'dryRun' | 'now'>, clock: () => Date = () => new Date(), random: () => string = () => randomUUID().slice(0, 8)): { name: string; input: { profile: string; now: string; firingKey: string; dryRun: boolean } } {
  const now = flags.now !== undefined ? new Date(flags.now).toISOString() : clock().toISOString();
  const stamp = now.replace(/:/g, '');
  // A real run with --now names its execution after it: repeating it finds that execution (Step Functions
  // refuses the name). A dry run is a preview that may be repeated, and a run without --now is always new.
  const repeatable = flags.now !== undefined && !flags.dryRun;
  const name = `manual-${flags.dryRun ? 'dry-' : ''}${flags.profile}-${stamp}${repeatable ? '' : `-${random()}`}`;
  const firingKey = `manual:${flags.profile}:${flags.now !== undefined ? now : randomUUID()}`;
  return { name, input: { profile: flags.profile, now, firingKey, dryRun: flags.dryRun } };
}

/** The ARN an execution of this state machine has under this name (how a refused name finds the execution it met). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

const InvalidFiring = 'InvalidFiringError';

async function startFiring(stateMachineArn: string, flags: InvokeFlags, sfn: StepFunctionsApi, io: InvokeIo, options: InvokeOptions): Promise<number> {
  const { name, input } = manualFiring(flags);
  let executionArn: string;
  try {
    executionArn = (await sfn.startExecution({ stateMachineArn, name, input: JSON.stringify(input) })).executionArn;
    io.stderr(`started ${executionArn}\n`);
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExistsError)) {
      io.stderr(`followback: cannot start an execution of ${stateMachineArn}: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT_RUN_FAILED;
    }
    executionArn = executionArnOf(stateMachineArn, name);
    io.stderr(`this firing (--now ${input.now}) already has its execution; not starting a second one: ${executionArn}\n`);
  }
  if (!flags.wait) {
    io.stdout(`${executionArn}\n`);
    return EXIT_OK;
  }
  io.stderr('waiting for it to end (Ctrl-C stops waiting, not the execution)\n');
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let described: DescribedExecution;
  try {
    for (;;) {
      described = await sfn.describeExecution(executionArn);
      if (described.status !== 'RUNNING') break;
      await sleep(options.pollMs ?? 5_000);
    }
  } catch (err) {
    io.stderr(`followback: cannot follow ${executionArn}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  }
  if (described.status !== 'SUCCEEDED') {
    const why = [described.error, described.cause].filter((x) => x !== undefined && x !== '').join(': ');
    io.stderr(`followback: the execution ${described.status.toLowerCase().replace('_', ' ')}${why !== '' ? `: ${why}` : ''}\n(${executionArn}; logs: the stack's state machine and step log groups)\n`);
    return described.error === InvalidFiring ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
  }
  const summary = RunSummary.safeParse(safeJson(described.output ?? ''));
  if (!summary.success) {
    io.stderr(`followback: the execution succeeded but its output is not a run summary: ${(described.output ?? '').slice(0, 500)}\n`);
    return EXIT_RUN_FAILED;
  }
  io.stdout(flags.json ? `${JSON.stringify(summary.data, null, 2)}\n` : formatSummary(summary.data));
  return EXIT_OK;
}
