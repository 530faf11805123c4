import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescribeStacksCommand, DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { executionArnOf, invokeCommand, manualFiring, type InvokeClients } from '../../functions/commands/invoke.ts';
import { ExecutionAlreadyExistsError, type DescribedExecution } from '../../functions/commands/step-functions-api.ts';
import { testConfigInput } from './stack-fixture.ts';

const summary = {
  status: 'completed',
  profileId: 'ada',
  trigger: 'manual',
  runKey: 'manual:ada:req-1',
  dryRun: true,
  at: '2026-11-25T08:00:00.000Z',
  runId: '20261125T080000-abcd1234',
  figures: { following: 310, followers: 1020, suggestedUnfollows: 12, suggestedReviews: 30, suggestedFollowBacks: 5, newFollowers: 3, lostFollowers: 1, mutuals: 200 },
  staleSources: [{ sourceId: 'bluesky', problems: ['HTTP 401'] }],
  itemsWritten: 77,
};

/** Fake SDK clients that record what they were asked. */
const MACHINE = 'arn:aws:states:eu-south-1:123456789012:stateMachine:FiringLoop-abc';

function fakeClients(
  options: {
    outputs?: { OutputKey: string; OutputValue: string }[];
    stackError?: Error;
    response?: Partial<InvokeCommandOutput>;
    /** What DescribeExecution answers, call after call (the last one repeats). */
    statuses?: Partial<DescribedExecution>[];
    startError?: Error;
  } = {},
) {
  const calls: {
    stack?: string;
    invoke?: { FunctionName?: string; InvocationType?: string; payload: unknown };
    region?: string;
    start?: { stateMachineArn: string; name: string; input: unknown };
    described: string[];
  } = { described: [] };
  const make = (region: string | undefined): InvokeClients => {
    calls.region = region;
    return {
      cloudFormation: {
        async send(command: DescribeStacksCommand): Promise<DescribeStacksCommandOutput> {
          calls.stack = command.input.StackName;
          if (options.stackError) throw options.stackError;
          const outputs = options.outputs ?? [
            { OutputKey: 'JobFunctionName', OutputValue: 'Followback-JobFunction-abc' },
            { OutputKey: 'FiringStateMachineArn', OutputValue: MACHINE },
          ];
          return { $metadata: {}, Stacks: [{ StackName: command.input.StackName ?? '', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: outputs }] };
        },
      },
      lambda: {
        async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
          calls.invoke = { FunctionName: command.input.FunctionName, InvocationType: command.input.InvocationType, payload: JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array)) };
          return { $metadata: {}, StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(summary)) as InvokeCommandOutput['Payload'], ...options.response };
        },
      },
      stepFunctions: {
        async startExecution(request) {
          calls.start = { ...request, input: JSON.parse(request.input) };
          if (options.startError) throw options.startError;
          return { executionArn: executionArnOf(request.stateMachineArn, request.name) };
        },
        async describeExecution(executionArn) {
          const statuses = options.statuses ?? [{ status: 'RUNNING' }, { status: 'SUCCEEDED', output: JSON.stringify(summary) }];
          const next = statuses[Math.min(calls.described.length, statuses.length - 1)] ?? {};
          calls.described.push(executionArn);
          return { executionArn, status: 'SUCCEEDED', ...next };
        },
      },
    };
  };
  return { make, calls };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: dir } };
}

const dir = mkdtempSync(join(tmpdir(), 'followback-invoke-'));
writeFileSync(join(dir, 'followback.config.json'), JSON.stringify(testConfigInput()));
const payloadOf = (text: string) => new TextEncoder().encode(text) as InvokeCommandOutput['Payload'];

describe('followback invoke --direct (one invocation of the single-run function)', () => {
  it('finds the function through the stack named in the config and invokes it synchronously with the profile and dry-run flag', async () => {
    const fake = fakeClients();
    const t = io();
    const code = await invokeCommand(['--direct', '--profile', 'ada', '--dry-run', '--region', 'eu-south-1'], t.io, fake.make);
    expect(code).toBe(0);
    expect(fake.calls.stack).toBe('FollowbackTest');
    expect(fake.calls.region).toBe('eu-south-1');
    expect(fake.calls.invoke).toEqual({ FunctionName: 'Followback-JobFunction-abc', InvocationType: 'RequestResponse', payload: { profile: 'ada', dryRun: true } });
    const printed = t.out.join('');
    expect(printed).toContain('ada: completed, run 20261125T080000-abcd1234');
    expect(printed).toContain('310 following, 1020 followers; 12 to unfollow, 30 to review, 5 to follow back; +3/-1 followers');
    expect(printed).toContain('STALE bluesky: HTTP 401');
    expect(printed).toContain('not delivered (dry run)');
  });

  it('passes --now through, and --stack skips the config', async () => {
    const fake = fakeClients();
    const t = io();
    expect(await invokeCommand(['--direct', '--profile', 'zed', '--stack', 'Other', '--now', '2026-11-25T08:00:00Z'], t.io, fake.make)).toBe(0);
    expect(fake.calls.stack).toBe('Other');
    expect(fake.calls.invoke?.payload).toEqual({ profile: 'zed', dryRun: false, now: '2026-11-25T08:00:00Z' });
  });

  it('prints the raw summary with --json', async () => {
    const t = io();
    expect(await invokeCommand(['--direct', '--profile', 'ada', '--json'], t.io, fakeClients().make)).toBe(0);
    expect(JSON.parse(t.out.join(''))).toMatchObject({ runId: summary.runId, figures: { followers: 1020 } });
  });

  it.each([
    [[], /--profile ID is required/],
    [['--profile', 'ada', '--bogus'], /Unknown option '--bogus'/],
    [['--profile', 'ada', '--now', 'tomorrow'], /--now "tomorrow" is not an ISO date-time/],
    [['--profile', 'ada', '--stack', 'S', '--config', 'x.json'], /exclusive/],
    [['--profile', 'nobody'], /unknown profile "nobody"; .* has: ada, bob/],
    [['--profile', 'ada', '--config', 'missing.json'], /missing\.json: config file not found/],
    [['--profile', 'ada', '--direct', '--no-wait'], /--direct runs the function and always waits/],
  ])('refuses bad input %j with exit code 2 and no AWS call', async (argv, message) => {
    const fake = fakeClients();
    const t = io();
    expect(await invokeCommand(argv, t.io, fake.make)).toBe(2);
    expect(t.err.join('')).toMatch(message);
    expect(fake.calls.stack).toBeUndefined();
  });

  it('says how to find the stack when it does not exist', async () => {
    const t = io();
    const fake = fakeClients({ stackError: Object.assign(new Error('Stack with id FollowbackTest does not exist'), { name: 'ValidationError' }) });
    expect(await invokeCommand(['--direct', '--profile', 'ada'], t.io, fake.make)).toBe(1);
    expect(t.err.join('')).toMatch(/stack FollowbackTest not found; deploy it .* --stack NAME \/ --region NAME/);
  });

  it('fails clearly when the stack has no function output', async () => {
    const t = io();
    expect(await invokeCommand(['--direct', '--profile', 'ada'], t.io, fakeClients({ outputs: [] }).make)).toBe(1);
    expect(t.err.join('')).toContain('has no "JobFunctionName" output');
  });

  it('reports a refused event as bad input (exit 2) with the function\'s message', async () => {
    const t = io();
    const fake = fakeClients({ response: { FunctionError: 'Unhandled', Payload: payloadOf(JSON.stringify({ errorType: 'InvalidEventError', errorMessage: 'invalid event: event.profile "x" is not in the deployed config' })) } });
    expect(await invokeCommand(['--direct', '--profile', 'ada'], t.io, fake.make)).toBe(2);
    expect(t.err.join('')).toContain('the function failed: InvalidEventError: invalid event: event.profile "x"');
  });

  it('reports a failed run with exit code 1', async () => {
    const t = io();
    const fake = fakeClients({ response: { FunctionError: 'Unhandled', Payload: payloadOf(JSON.stringify({ errorType: 'Error', errorMessage: 'DynamoDB throttled' })) } });
    expect(await invokeCommand(['--direct', '--profile', 'ada'], t.io, fake.make)).toBe(1);
    expect(t.err.join('')).toContain('Error: DynamoDB throttled');
  });

  it('rejects a response that is not a run summary, naming the field', async () => {
    const t = io();
    const fake = fakeClients({ response: { Payload: payloadOf(JSON.stringify({ status: 'weird', profileId: 'ada' })) } });
    expect(await invokeCommand(['--direct', '--profile', 'ada'], t.io, fake.make)).toBe(1);
    expect(t.err.join('')).toMatch(/unexpected response from Followback-JobFunction-abc \(status: /);
  });

  it('tells a duplicate and a busy profile apart', async () => {
    for (const [status, text] of [
      ['duplicate', 'already ran for this trigger'],
      ['busy', 'another run of this profile is in progress'],
    ] as const) {
      const t = io();
      const fake = fakeClients({ response: { Payload: payloadOf(JSON.stringify({ status, profileId: 'ada', trigger: 'manual', runKey: 'k', dryRun: false, at: summary.at })) } });
      expect(await invokeCommand(['--direct', '--profile', 'ada'], t.io, fake.make)).toBe(0);
      expect(t.out.join('')).toContain(text);
    }
  });
});

const noSleep = { sleep: async () => {}, pollMs: 1 };

describe('followback invoke (a Step Functions execution, as the schedule starts)', () => {
  it('starts an execution of the firing state machine named in the stack outputs, waits for it to end and prints its summary', async () => {
    const fake = fakeClients();
    const t = io();
    const code = await invokeCommand(['--profile', 'ada', '--dry-run'], t.io, fake.make, noSleep);
    expect(code).toBe(0);
    expect(fake.calls.invoke).toBeUndefined();
    expect(fake.calls.start?.stateMachineArn).toBe(MACHINE);
    expect(fake.calls.start?.input).toMatchObject({ profile: 'ada', dryRun: true, firingKey: expect.stringMatching(/^manual:ada:/) });
    // Polled until it was no longer running.
    expect(fake.calls.described).toHaveLength(2);
    expect(t.err.join('')).toContain(`started ${executionArnOf(MACHINE, fake.calls.start?.name ?? '')}`);
    expect(t.out.join('')).toContain('ada: completed, run 20261125T080000-abcd1234');
  });

  it('prints only the execution ARN with --no-wait, and does not follow it', async () => {
    const fake = fakeClients();
    const t = io();
    expect(await invokeCommand(['--profile', 'ada', '--no-wait'], t.io, fake.make, noSleep)).toBe(0);
    expect(t.out.join('')).toBe(`${executionArnOf(MACHINE, fake.calls.start?.name ?? '')}\n`);
    expect(fake.calls.described).toEqual([]);
  });

  it('names a real run with --now after that instant, so repeating it finds the same execution instead of starting a second', async () => {
    const first = fakeClients();
    await invokeCommand(['--profile', 'ada', '--now', '2026-11-25T09:00:00+01:00', '--no-wait'], io().io, first.make, noSleep);
    expect(first.calls.start?.name).toBe('manual-ada-2026-11-25T080000.000Z');
    expect(first.calls.start?.input).toEqual({ profile: 'ada', now: '2026-11-25T08:00:00.000Z', firingKey: 'manual:ada:2026-11-25T08:00:00.000Z', dryRun: false });

    const again = fakeClients({ startError: new ExecutionAlreadyExistsError('Execution Already Exists') });
    const t = io();
    expect(await invokeCommand(['--profile', 'ada', '--now', '2026-11-25T08:00:00Z'], t.io, again.make, noSleep)).toBe(0);
    expect(t.err.join('')).toContain('already has its execution; not starting a second one');
    expect(again.calls.described[0]).toBe(executionArnOf(MACHINE, 'manual-ada-2026-11-25T080000.000Z'));
    expect(t.out.join('')).toContain('ada: completed');
  });

  it('gives dry runs and runs without --now a fresh name each time, valid for Step Functions', () => {
    const names = [manualFiring({ profile: 'ada', dryRun: true, now: '2026-11-25T08:00:00Z' }), manualFiring({ profile: 'ada', dryRun: true, now: '2026-11-25T08:00:00Z' }), manualFiring({ profile: 'ada', dryRun: false })].map((f) => f.name);
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
    }
  });

  it('reports a failed execution with its error and cause, exit 1; a refused firing is bad input, exit 2', async () => {
    const t = io();
    const failed = fakeClients({ statuses: [{ status: 'FAILED', error: 'Error', cause: 'DynamoDB throttled' }] });
    expect(await invokeCommand(['--profile', 'ada'], t.io, failed.make, noSleep)).toBe(1);
    expect(t.err.join('')).toContain('the execution failed: Error: DynamoDB throttled');
    const timedOut = fakeClients({ statuses: [{ status: 'TIMED_OUT' }] });
    const t2 = io();
    expect(await invokeCommand(['--profile', 'ada'], t2.io, timedOut.make, noSleep)).toBe(1);
    expect(t2.err.join('')).toContain('the execution timed out');
    const invalid = fakeClients({ statuses: [{ status: 'FAILED', error: 'InvalidFiringError', cause: 'event.profile "ada" is not in the deployed config' }] });
    expect(await invokeCommand(['--profile', 'ada'], io().io, invalid.make, noSleep)).toBe(2);
  });

  it('says to redeploy or use --direct when the stack predates the state machine', async () => {
    const t = io();
    const fake = fakeClients({ outputs: [{ OutputKey: 'JobFunctionName', OutputValue: 'fn' }] });
    expect(await invokeCommand(['--profile', 'ada'], t.io, fake.make, noSleep)).toBe(1);
    expect(t.err.join('')).toMatch(/has no "FiringStateMachineArn" output .*redeploy it, or pass --direct/);
    expect(fake.calls.start).toBeUndefined();
  });

  it('fails clearly when Step Functions refuses to start the execution', async () => {
    const t = io();
    const fake = fakeClients({ startError: new Error('AccessDeniedException: not authorized to perform states:StartExecution') });
    expect(await invokeCommand(['--profile', 'ada'], t.io, fake.make, noSleep)).toBe(1);
    expect(t.err.join('')).toContain(`cannot start an execution of ${MACHINE}: AccessDeniedException`);
  });
});
