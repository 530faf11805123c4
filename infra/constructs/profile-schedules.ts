import { Duration, TimeZone } from 'aws-cdk-lib';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ProfileConfig } from '../../shared/config/schema.ts';

export interface ProfileSchedulesProps {
  profiles: ProfileConfig[];
  /** The firing gate: it starts the firing's execution under a name made from the scheduled time. */
  target: IStateMachine;
  deadLetterQueue: IQueue;
}

/** How hard the Scheduler tries to start a firing before it goes to the DLQ. */
export const SCHEDULE_RETRY = { attempts: 3, maxEventAge: Duration.hours(6) } as const;

/**
 * One EventBridge Scheduler schedule per profile, each starting the firing
 * gate with the profile and the scheduled time. The Scheduler delivers at
 * least once; the scheduled time is what a repeat has in common, so it becomes
 * the firing's clock, its run key and its execution name.
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
          // The stock target grants states:StartExecution on this state machine alone.
          target: new StepFunctionsStartExecution(props.target, {
            input: ScheduleTargetInput.fromObject({ profile: profile.id, scheduledTime: ContextAttribute.scheduledTime }),
            retryAttempts: SCHEDULE_RETRY.attempts,
            maxEventAge: SCHEDULE_RETRY.maxEventAge,
            deadLetterQueue: props.deadLetterQueue,
          }),
        }),
    );
  }
}
