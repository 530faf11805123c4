import { Duration, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULE_EVENT_SOURCE } from '../../shared/app/env.ts';
import type { ProfileConfig } from '../../shared/config/schema.ts';

export interface ProfileSchedulesProps {
  profiles: ProfileConfig[];
  target: IFunction;
  deadLetterQueue: IQueue;
}

/** How hard the Scheduler tries to hand a firing to Lambda before it goes to the DLQ. */
export const SCHEDULE_RETRY = { attempts: 3, maxEventAge: Duration.hours(6) } as const;

/**
 * One EventBridge Scheduler schedule per profile. The payload carries the
 * profile and the scheduled time: the handler uses the time both as the run's
 * clock and as the idempotency key, because the Scheduler delivers at least once.
 */
export class ProfileSchedules extends Construct {
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: ProfileSchedulesProps) {
    super(scope, id);
    this.schedules = props.profiles.map(
      (profile) =>
        new Schedule(this, profile.id, {
          description: `followback report for profile ${profile.id}`,
          schedule: ScheduleExpression.expression(profile.schedule.expression, TimeZone.of(profile.schedule.timezone)),
          enabled: profile.schedule.enabled,
          timeWindow: TimeWindow.off(),
          target: new InvokeUnqualifiedFunction(props.target, {
            input: ScheduleTargetInput.fromObject({
              source: SCHEDULE_EVENT_SOURCE,
              profile: profile.id,
              scheduledTime: ContextAttribute.scheduledTime,
            }),
            retryAttempts: SCHEDULE_RETRY.attempts,
            maxEventAge: SCHEDULE_RETRY.maxEventAge,
            deadLetterQueue: props.deadLetterQueue,
          }),
        }),
    );
  }
}

/**
 * The stock target grants `lambda:InvokeFunction` on the function and on
 * `<arn>:*` (every version and alias). The schedules only invoke $LATEST, so
 * the Scheduler's role gets exactly the function's ARN.
 */
class InvokeUnqualifiedFunction extends LambdaInvoke {
  private readonly target: IFunction;

  constructor(target: IFunction, props: ScheduleTargetBaseProps) {
    super(target, props);
    this.target = target;
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }));
  }
}
