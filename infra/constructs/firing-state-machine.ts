import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  Wait,
  WaitTime,
  type RetryProps,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke, type LambdaInvokeJsonPathProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface FiringStateMachineProps {
  pullStep: IFunction;
  reportStep: IFunction;
  /** The longest `policy.maxPullHours` of any profile: the execution may not outlive it by more than the report's time. */
  maxPullHours: number;
  logRetention: RetentionDays;
}

/** Errors the steps throw that no retry can fix (a bad firing input): straight to the failure. */
export const NOT_RETRIED_ERRORS = ['InvalidFiringError'] as const;
/** Another run holds the profile's lease (at most 15 minutes): wait it out rather than fail the firing. */
export const BUSY_ERROR = 'ProfileBusyError';
/** How the Step Functions SDK integration names StartExecution's refusal of a name already used (ServiceName.ErrorName + "Exception"). */
export const EXECUTION_EXISTS_ERROR = 'Sfn.ExecutionAlreadyExistsException';
/** Time the report step has after the last pull, on top of maxPullHours, before the execution times out. */
export const REPORT_ALLOWANCE = Duration.hours(1);

const BUSY_RETRY: RetryProps = { errors: [BUSY_ERROR], interval: Duration.minutes(2), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.minutes(15), jitterStrategy: JitterType.FULL };
const TRANSIENT_RETRY: RetryProps = { errors: [Errors.ALL], interval: Duration.seconds(20), backoffRate: 2, maxAttempts: 3, maxDelay: Duration.minutes(5), jitterStrategy: JitterType.FULL };

/**
 * One firing of one profile, as Step Functions runs it:
 *
 *   Start ─► Pull ─► all pulled? ── yes ─► Report ─► Delivered
 *              ▲           │ no
 *              └── Wait ◄──┘  (the rate limit's reset, `$.pull.waitSeconds`; no Lambda is billed while waiting)
 *
 * Every state carries only the firing (ids, clock, key) and the last pull's
 * counts; cursors and data live in the table. Both tasks retry transient
 * failures with backoff and wait out a busy profile; anything else ends in
 * `Failed`, which the ExecutionsFailed alarm reports.
 *
 * The Scheduler does not start this machine directly but `gate`, whose only
 * job is to start it under a name made from the firing (see `FiringGate`).
 */
export class FiringStateMachine extends Construct {
  readonly loop: StateMachine;
  readonly gate: StateMachine;
  readonly loopLogs: LogGroup;
  readonly gateLogs: LogGroup;

  constructor(scope: Construct, id: string, props: FiringStateMachineProps) {
    super(scope, id);

    const failed = new Fail(this, 'Failed', { comment: 'A step failed every retry: the ExecutionsFailed alarm tells the owner', errorPath: '$.error.Error', causePath: '$.error.Cause' });

    // The execution input is the FiringInput; each step gets it back with the execution's id and start
    // (the same for every step and retry of this execution: the holder of the profile's claims).
    const start = new Pass(this, 'Start', {
      parameters: {
        firing: {
          profile: JsonPath.stringAt('$.profile'),
          now: JsonPath.stringAt('$.now'),
          firingKey: JsonPath.stringAt('$.firingKey'),
          dryRun: JsonPath.stringAt('$.dryRun'),
          executionId: JsonPath.executionId,
          startedAt: JsonPath.executionStartTime,
        },
      },
    });

    const pull = new InvokeExactFunction(this, 'Pull', {
      comment: 'Pull every source for a bounded time; cursors are saved in the table',
      lambdaFunction: props.pullStep,
      // No payload: with payloadResponseOnly the task's input (here `$.firing`) is the event.
      inputPath: '$.firing',
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultPath: '$.pull',
    });

    const wait = new Wait(this, 'Wait for the rate limit', { time: WaitTime.secondsPath('$.pull.waitSeconds') });

    // The report step's own output (a small run summary) is the execution's output: `followback invoke` prints it.
    const report = new InvokeExactFunction(this, 'Report', {
      comment: 'Analyse, render, deliver once, store',
      lambdaFunction: props.reportStep,
      // No payload: with payloadResponseOnly the task's input (here `$.firing`) is the event.
      inputPath: '$.firing',
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });

    for (const task of [pull, report]) {
      task.addRetry({ errors: [...NOT_RETRIED_ERRORS], maxAttempts: 0 });
      task.addRetry(BUSY_RETRY);
      task.addRetry(TRANSIENT_RETRY);
      task.addCatch(failed, { errors: [Errors.ALL], resultPath: '$.error' });
    }

    const definition = start
      .next(pull)
      .next(
        new Choice(this, 'All pulled?')
          .when(Condition.booleanEquals('$.pull.done', true), report.next(new Succeed(this, 'Delivered')))
          .otherwise(wait.next(pull)),
      );

    this.loopLogs = logGroup(this, 'LoopLogs', props.logRetention);
    this.loop = new StateMachine(this, 'Loop', {
      comment: 'followback: one firing of one profile (pull until complete, then report)',
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      // Past maxPullHours the pull step itself says done; this is the backstop if it never does.
      timeout: Duration.minutes(Math.ceil(props.maxPullHours * 60)).plus(REPORT_ALLOWANCE),
      tracingEnabled: true,
      logs: { destination: this.loopLogs, level: LogLevel.ALL, includeExecutionData: true },
    });

    this.gateLogs = logGroup(this, 'GateLogs', props.logRetention);
    this.gate = new StateMachine(this, 'Gate', {
      comment: 'followback: starts a scheduled firing once, under a name made from its scheduled time',
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(firingGate(this, this.loop)),
      timeout: Duration.minutes(15),
      tracingEnabled: true,
      logs: { destination: this.gateLogs, level: LogLevel.ALL, includeExecutionData: true },
    });
  }
}

/**
 * Why a gate: Step Functions refuses a second StartExecution with a name it has
 * seen (for 90 days: ExecutionAlreadyExists, or the same execution back when
 * the first is still running with the same input), so the name must be the
 * firing's identity. The Scheduler can only put context attributes into the
 * request, unchanged: `<aws.scheduler.scheduled-time>` names the firing but
 * holds colons, which execution names forbid, and
 * `<aws.scheduler.execution-id>` is new for each attempt (the Scheduler's
 * docs: "assigns for each attempted invocation"), so it would not refuse a
 * retried delivery. The gate receives `{profile, scheduledTime}`, drops the
 * colons with intrinsic functions (`ada-2026-11-25T080000Z`), and starts the
 * loop under that name; a repeat ends here as "Already started".
 */
function firingGate(scope: Construct, loop: StateMachine) {
  const time = JsonPath.stringAt('$.scheduledTime');
  const part = (i: number): string => JsonPath.arrayGetItem(JsonPath.stringSplit(time, ':'), i);
  const name = new Pass(scope, 'Name the firing', {
    parameters: {
      name: JsonPath.format('{}-{}{}{}', JsonPath.stringAt('$.profile'), part(0), part(1), part(2)),
      firing: {
        profile: JsonPath.stringAt('$.profile'),
        now: time,
        firingKey: JsonPath.format('schedule:{}:{}', JsonPath.stringAt('$.profile'), time),
        dryRun: false,
      },
    },
  });
  const startLoop = new CallAwsService(scope, 'Start the firing', {
    service: 'sfn',
    action: 'startExecution',
    iamResources: [loop.stateMachineArn],
    iamAction: 'states:StartExecution',
    parameters: {
      StateMachineArn: loop.stateMachineArn,
      Name: JsonPath.stringAt('$.name'),
      Input: JsonPath.jsonToString(JsonPath.objectAt('$.firing')),
    },
    resultSelector: { executionArn: JsonPath.stringAt('$.ExecutionArn') },
  });
  // Retriers are scanned before catchers and States.TaskFailed matches the refusal too: never retry it.
  startLoop.addRetry({ errors: [EXECUTION_EXISTS_ERROR], maxAttempts: 0 });
  startLoop.addRetry({ errors: ['Sfn.ExecutionLimitExceededException', 'Sfn.SfnException', Errors.TASKS_FAILED], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 4, jitterStrategy: JitterType.FULL });
  startLoop.addCatch(new Succeed(scope, 'Already started', { comment: 'A repeated delivery of a firing that already has its execution: refused by name' }), { errors: [EXECUTION_EXISTS_ERROR] });
  startLoop.addCatch(new Fail(scope, 'Could not start', { errorPath: '$.Error', causePath: '$.Cause' }), { errors: [Errors.ALL] });
  return name.next(startLoop).next(new Succeed(scope, 'Started'));
}

function logGroup(scope: Construct, id: string, retention: RetentionDays): LogGroup {
  // AWS advises /aws/vendedlogs/ for Step Functions log groups: delivery to other names grows the account's
  // CloudWatch Logs resource policy, which has a size limit.
  return new LogGroup(scope, id, { logGroupName: `/aws/vendedlogs/states/${Stack.of(scope).stackName}-${id}`, retention, removalPolicy: RemovalPolicy.DESTROY });
}

/**
 * The stock task grants `lambda:InvokeFunction` on the function and on
 * `<arn>:*` (every version and alias); the tasks invoke $LATEST only, so the
 * state machine's role gets exactly the function's ARN.
 */
class InvokeExactFunction extends LambdaInvoke {
  protected override readonly taskPolicies: PolicyStatement[];

  constructor(scope: Construct, id: string, props: LambdaInvokeJsonPathProps) {
    super(scope, id, props);
    this.taskPolicies = [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.lambdaFunction.functionArn] })];
  }
}
