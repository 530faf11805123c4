/**
 * The firing as the stack deploys it: schedule -> gate -> loop (pull, wait,
 * report). The definitions are read back from the synthesized template,
 * their CloudFormation references replaced by placeholder ARNs, and checked
 * with asl-validator (the Amazon States Language's JSON schema and rules).
 */
import { createRequire } from 'node:module';
import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { BUSY_ERROR, EXECUTION_EXISTS_ERROR, NOT_RETRIED_ERRORS } from '../../infra/constructs/firing-state-machine.ts';
import { STATE_MACHINE_OUTPUT } from '../../infra/followback-stack.ts';
import { FIRING_STATE_MACHINE_OUTPUT } from '../../functions/commands/invoke.ts';
import { synthStack, testConfig, testConfigInput } from './stack-fixture.ts';
import { parseConfig } from '../../shared/config/load-config.ts';

type AslValidator = (definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  InputPath?: string;
  ResultPath?: string;
  Parameters?: Record<string, unknown>;
  SecondsPath?: string;
  Choices?: { Variable: string; BooleanEquals?: boolean; Next: string }[];
  Default?: string;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  ErrorPath?: string;
  CausePath?: string;
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
}

const { stack, template } = synthStack();
const resources = template.toJSON()['Resources'] as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const idOf = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const loopId = idOf(stack.firing.loop);
const gateId = idOf(stack.firing.gate);
const pullId = idOf(stack.pullStep);
const reportId = idOf(stack.reportStep);

/** A placeholder for each CloudFormation reference, shaped like what it stands for (ASL checks Resource ARNs). */
function placeholder(ref: unknown): string {
  const r = ref as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (r.Ref === 'AWS::Partition') return 'aws';
  if (r.Ref === 'AWS::Region') return 'eu-south-1';
  if (r.Ref === 'AWS::AccountId') return '123456789012';
  if (r.Ref !== undefined) return `arn:aws:states:eu-south-1:123456789012:stateMachine:${r.Ref}`;
  if (r['Fn::GetAtt'] !== undefined) return `arn:aws:lambda:eu-south-1:123456789012:function:${r['Fn::GetAtt'][0]}`;
  throw new Error(`unexpected reference in a definition: ${JSON.stringify(ref)}`);
}

function definitionOf(logicalId: string): Definition {
  const body = resources[logicalId]?.Properties['DefinitionString'] as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : placeholder(part))).join(body['Fn::Join'][0]);
  return JSON.parse(text) as Definition;
}

const loop = definitionOf(loopId);
const gate = definitionOf(gateId);
const state = (d: Definition, name: string): State => {
  const found = d.States[name];
  expect(found, `state "${name}"`).toBeDefined();
  return found as State;
};

describe('the firing loop state machine', () => {
  it('is a valid Amazon States Language definition (asl-validator)', () => {
    const result = aslValidator(loop, { checkPaths: true, checkArn: true });
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('would be refused by asl-validator if broken (the check is live)', () => {
    const broken = structuredClone(loop);
    state(broken, 'Pull').Next = 'No such state';
    expect(aslValidator(broken, { checkPaths: true, checkArn: true }).isValid).toBe(false);
  });

  it('is a Standard state machine with ALL-level logging to a log group with retention, and X-Ray tracing', () => {
    const props = resources[loopId]?.Properties as Record<string, unknown>;
    expect(props['StateMachineType']).toBe('STANDARD');
    expect(props['TracingConfiguration']).toEqual({ Enabled: true });
    expect(props['LoggingConfiguration']).toMatchObject({ Level: 'ALL', Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [idOf(stack.firing.loopLogs), 'Arn'] } } }] });
    expect(resources[idOf(stack.firing.loopLogs)]?.Properties).toMatchObject({ RetentionInDays: 14, LogGroupName: expect.stringMatching(/^\/aws\/vendedlogs\/states\//) });
  });

  it('gives each step only the firing (profile, clock, key, dry run) and the execution it belongs to', () => {
    expect(loop.StartAt).toBe('Start');
    expect(state(loop, 'Start').Parameters).toEqual({
      firing: { 'profile.$': '$.profile', 'now.$': '$.now', 'firingKey.$': '$.firingKey', 'dryRun.$': '$.dryRun', 'executionId.$': '$$.Execution.Id', 'startedAt.$': '$$.Execution.StartTime' },
    });
    for (const name of ['Pull', 'Report']) {
      expect(state(loop, name).InputPath).toBe('$.firing');
      expect(state(loop, name).Parameters).toBeUndefined();
    }
  });

  it('pulls, then asks "all pulled?" on $.pull.done: yes goes to the report, no waits the SecondsPath the step asked for and pulls again', () => {
    const pull = state(loop, 'Pull');
    expect(pull.Resource).toBe(`arn:aws:lambda:eu-south-1:123456789012:function:${pullId}`);
    expect(pull.ResultPath).toBe('$.pull');
    expect(pull.Next).toBe('All pulled?');
    const choice = state(loop, 'All pulled?');
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([{ Variable: '$.pull.done', BooleanEquals: true, Next: 'Report' }]);
    const wait = state(loop, choice.Default as string);
    expect(wait).toMatchObject({ Type: 'Wait', SecondsPath: '$.pull.waitSeconds', Next: 'Pull' });
    expect(wait).not.toHaveProperty('Seconds');
    const report = state(loop, 'Report');
    expect(report.Resource).toBe(`arn:aws:lambda:eu-south-1:123456789012:function:${reportId}`);
    // The report's own output is the execution's output (what `followback invoke` prints).
    expect(report.ResultPath).toBeUndefined();
    expect(state(loop, report.Next as string).Type).toBe('Succeed');
  });

  it('retries both steps with exponential backoff: Lambda service errors, a busy profile, then any failure; never a bad firing', () => {
    for (const name of ['Pull', 'Report']) {
      const retry = state(loop, name).Retry ?? [];
      const errors = retry.map((r) => r.ErrorEquals);
      expect(errors[0]).toContain('Lambda.ServiceException');
      const invalid = retry.find((r) => r.ErrorEquals.includes(NOT_RETRIED_ERRORS[0]));
      expect(invalid?.MaxAttempts).toBe(0);
      const busy = retry.find((r) => r.ErrorEquals.includes(BUSY_ERROR));
      expect(busy).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
      expect((busy?.IntervalSeconds ?? 0) * 2 ** ((busy?.MaxAttempts ?? 1) - 1)).toBeGreaterThanOrEqual(15 * 60); // outlasts a 15-minute lease
      // States.ALL must be last and alone (ASL); the bad-firing retrier comes before it, so it wins.
      const last = retry[retry.length - 1] as Retrier;
      expect(last.ErrorEquals).toEqual(['States.ALL']);
      expect(last.BackoffRate).toBeGreaterThan(1);
      expect(last.MaxAttempts).toBeGreaterThan(0);
      expect(retry.indexOf(invalid as Retrier)).toBeLessThan(retry.length - 1);
    }
  });

  it('catches what retries could not fix into a Fail state carrying the error and its cause', () => {
    for (const name of ['Pull', 'Report']) {
      expect(state(loop, name).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }]);
    }
    expect(state(loop, 'Failed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  it('times out after the longest maxPullHours plus an hour for the report', () => {
    expect(loop.TimeoutSeconds).toBe(7 * 3600);
    const input = testConfigInput();
    input.profiles[1]!.policy = { maxPullHours: 12 };
    const { stack: longer, template: t } = synthStack(parseConfig(input, 'longer pulls'));
    const props = t.toJSON()['Resources'][longer.getLogicalId(longer.firing.loop.node.defaultChild as CfnElement)].Properties as { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
    expect(JSON.stringify(props.DefinitionString)).toContain(`\\"TimeoutSeconds\\":${13 * 3600}`);
  });

  it('may invoke exactly its two step functions and nothing else', () => {
    const roleId = stack.getLogicalId(stack.firing.loop.role.node.defaultChild as CfnElement);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p['Properties']['Roles']) === JSON.stringify([{ Ref: roleId }]));
    const statements = policies.flatMap((p) => (p['Properties'] as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }).PolicyDocument.Statement);
    const invokes = statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [pullId, 'Arn'] }, { 'Fn::GetAtt': [reportId, 'Arn'] }]);
    const others = statements.filter((s) => !invokes.includes(s)).flatMap((s) => [s.Action].flat());
    expect(others.every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
  });

  it('is published as a stack output under the name followback invoke reads', () => {
    expect(FIRING_STATE_MACHINE_OUTPUT).toBe(STATE_MACHINE_OUTPUT);
    template.hasOutput(STATE_MACHINE_OUTPUT, { Value: { Ref: loopId } });
  });
});

describe('the steps', () => {
  it('give the pull step the deploy timeout (its budget is that less a minute to save cursors) and the report step 15 minutes and at least 2 GB', () => {
    expect(resources[pullId]?.Properties).toMatchObject({ Timeout: 300, MemorySize: 512, Handler: 'index.handler', Runtime: 'nodejs24.x' });
    expect(resources[reportId]?.Properties).toMatchObject({ Timeout: 900, MemorySize: 2048, Handler: 'index.handler', Runtime: 'nodejs24.x' });
  });

  it('are invoked synchronously by the state machine, so they have no asynchronous retries or dead-letter queue of their own', () => {
    for (const id of [pullId, reportId]) expect(resources[id]?.Properties).not.toHaveProperty('DeadLetterConfig');
    const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).map((c) => (c['Properties'] as { FunctionName: unknown }).FunctionName);
    expect(invokeConfigs).not.toContainEqual({ Ref: pullId });
    expect(invokeConfigs).not.toContainEqual({ Ref: reportId });
  });
});

describe('the firing gate (what the schedules start)', () => {
  it('is a valid Amazon States Language definition, logged and traced like the loop', () => {
    const result = aslValidator(gate, { checkPaths: true, checkArn: true });
    expect(result.errorsText()).toBe('');
    expect(resources[gateId]?.Properties).toMatchObject({ StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
  });

  it('names the execution after the profile and the scheduled time without its colons, and keys the firing by the scheduled time', () => {
    const name = state(gate, gate.StartAt);
    const split = "States.StringSplit($.scheduledTime, ':')";
    expect(name.Parameters).toEqual({
      'name.$': `States.Format('{}-{}{}{}', $.profile, States.ArrayGetItem(${split}, 0), States.ArrayGetItem(${split}, 1), States.ArrayGetItem(${split}, 2))`,
      firing: { 'profile.$': '$.profile', 'now.$': '$.scheduledTime', 'firingKey.$': "States.Format('schedule:{}:{}', $.profile, $.scheduledTime)", dryRun: false },
    });
  });

  it('starts the loop under that name, and ends in success when Step Functions refuses the name as already used (a repeated delivery)', () => {
    const start = state(gate, state(gate, gate.StartAt).Next as string);
    expect(start.Resource).toBe('arn:aws:states:::aws-sdk:sfn:startExecution');
    expect(start.Parameters).toEqual({ StateMachineArn: `arn:aws:states:eu-south-1:123456789012:stateMachine:${loopId}`, 'Name.$': '$.name', 'Input.$': 'States.JsonToString($.firing)' });
    // Retriers are scanned before catchers: the refusal must not be retried, and must be caught as a success.
    expect(start.Retry?.[0]).toEqual({ ErrorEquals: [EXECUTION_EXISTS_ERROR], MaxAttempts: 0 });
    const refused = start.Catch?.find((c) => c.ErrorEquals.includes(EXECUTION_EXISTS_ERROR));
    expect(state(gate, refused?.Next as string).Type).toBe('Succeed');
    const other = start.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
    expect(state(gate, other?.Next as string).Type).toBe('Fail');
  });

  it('may start executions of the loop only', () => {
    const roleId = stack.getLogicalId(stack.firing.gate.role.node.defaultChild as CfnElement);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p['Properties']['Roles']) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => (p['Properties'] as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }).PolicyDocument.Statement);
    const starts = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    expect(starts).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: loopId } }]);
  });
});

describe('the schedules', () => {
  it('target the gate state machine, with a role that may only start executions of it (and send to the DLQ)', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((r) => r['Properties'] as { Target: { Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] } } });
    expect(schedules).toHaveLength(testConfig().profiles.length);
    for (const s of schedules) {
      expect(s.Target.Arn).toEqual({ Ref: gateId });
      const roleId = s.Target.RoleArn['Fn::GetAtt'][0];
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p['Properties']['Roles']) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((p) => (p['Properties'] as { PolicyDocument: { Statement: { Action: string; Resource: unknown }[] } }).PolicyDocument.Statement);
      expect(statements.map((st) => [st.Action, st.Resource])).toEqual([
        ['states:StartExecution', { Ref: gateId }],
        ['sqs:SendMessage', { 'Fn::GetAtt': [idOf(stack.deadLetterQueue), 'Arn'] }],
      ]);
    }
  });
});

describe('the alarms on executions', () => {
  it('fire on the first failed or timed-out execution of the loop and of the gate, to the existing topic', () => {
    const topicId = idOf(stack.alarms.topic);
    for (const machine of [loopId, gateId]) {
      const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => JSON.stringify(a['Properties']['Metrics'] ?? []).includes(machine));
      expect(alarm, `alarm on ${machine}`).toBeDefined();
      const props = alarm?.['Properties'] as { Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[]; Threshold: number; AlarmActions: unknown[]; ComparisonOperator: string };
      expect(props.Threshold).toBe(1);
      expect(props.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(props.AlarmActions).toEqual([{ Ref: topicId }]);
      const names = props.Metrics.flatMap((m) => (m.MetricStat ? [`${m.MetricStat.Metric.Namespace}/${m.MetricStat.Metric.MetricName}`] : []));
      expect(names.sort()).toEqual(['AWS/States/ExecutionsFailed', 'AWS/States/ExecutionsTimedOut']);
      expect(props.Metrics.find((m) => m.Expression !== undefined)?.Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
    }
  });
});
