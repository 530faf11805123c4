import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface JobAlarmsProps {
  fn: IFunction;
  deadLetterQueue: IQueue;
  /** State machines whose failed or timed-out executions are alarms (the firing loop, its gate). */
  stateMachines?: { id: string; stateMachine: IStateMachine; what: string }[];
  /** Subscribed to the topic when set (AWS mails a confirmation link first). */
  alarmEmail?: string;
}

/**
 * A weekly job fails quietly unless someone is told: one alarm on function
 * errors, one on anything waiting in the dead-letter queue, one per state
 * machine on executions that failed or timed out, all to one topic.
 */
export class JobAlarms extends Construct {
  readonly topic: Topic;
  readonly functionErrors: Alarm;
  readonly deadLetters: Alarm;
  readonly executionsFailed: Alarm[];

  constructor(scope: Construct, id: string, props: JobAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'followback alarms', enforceSSL: true });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.functionErrors = this.onAny('FunctionErrors', 'followback: the job function failed (see its log group)', props.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }));
    this.deadLetters = this.onAny(
      'DeadLetters',
      'followback: a scheduled run could not be delivered or failed every retry (messages in the DLQ)',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    );
    this.executionsFailed = (props.stateMachines ?? []).map(({ id, stateMachine, what }) =>
      this.onAny(
        `${id}ExecutionsFailed`,
        `followback: ${what} failed or timed out (open the execution in the Step Functions console)`,
        // A stopped (aborted) execution is someone's decision, not a failure.
        new MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
            timedOut: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
          },
          period: Duration.minutes(5),
          label: 'executions failed or timed out',
        }),
      ),
    );
  }

  /** An alarm on the first occurrence (>= 1 in 5 minutes), notifying the topic; no data is not a breach. */
  private onAny(id: string, description: string, metric: IMetric): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}
