import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV, STACK_OUTPUTS } from '../shared/app/env.ts';
import type { Config } from '../shared/config/schema.ts';
import { PLACEHOLDER_SECRET_VALUE } from '../shared/secrets/secrets-manager-resolver.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../shared/store/table-schema.ts';
import { HANDLER_ENTRY } from './bundling.ts';
import { JobAlarms } from './constructs/job-alarms.ts';
import { JobFunction } from './constructs/job-function.ts';
import { ProfileSchedules } from './constructs/profile-schedules.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { stackSettings, warnIfExampleConfig } from './stack-settings.ts';

export interface FollowbackStackProps extends StackProps {
  /** The validated config (the same file the CLI reads). */
  config: Config;
  /** Names the config in errors. */
  configOrigin: string;
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Everything followback runs on in AWS; reads as the list of its parts. */
export class FollowbackStack extends Stack {
  readonly table: Table;
  readonly fn: JobFunction;
  readonly deadLetterQueue: Queue;
  readonly secrets: Secret[];
  readonly schedules: ProfileSchedules;
  readonly alarms: JobAlarms;

  constructor(scope: Construct, id: string, props: FollowbackStackProps) {
    super(scope, id, { description: 'followback: scheduled social-network community report', ...props });
    const settings = stackSettings(props.config, props.configOrigin);
    warnIfExampleConfig(this, props.configOrigin);

    // History is the product: it survives the stack (RETAIN) and can be restored to any second (PITR).
    this.table = new Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.fn = new JobFunction(this, 'JobFunction', {
      entry: `${PROJECT_ROOT}${HANDLER_ENTRY}`,
      projectRoot: PROJECT_ROOT,
      config: props.config,
      memoryMb: settings.deploy.memoryMb,
      timeoutSeconds: settings.deploy.timeoutSeconds,
      logRetention: settings.logRetention,
      deadLetterQueue: this.deadLetterQueue,
      environment: settings.sesConfigurationSet !== undefined ? { [ENV.sesConfigurationSet]: settings.sesConfigurationSet } : {},
    });
    this.fn.bindTable(this.table);

    // Created with a recognisable placeholder; the owner puts the token afterwards (see the README).
    this.secrets = settings.secretNames.map(
      (secretName, i) =>
        new Secret(this, `Secret${i}`, {
          secretName,
          description: `followback platform token (${secretName}); put the real value after deploying`,
          secretStringValue: SecretValue.unsafePlainText(PLACEHOLDER_SECRET_VALUE),
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
    this.fn.bindSecrets(this.secrets);

    // SES authorises the sending identity and the configuration set; in the sandbox (every new account)
    // it also authorises each recipient's identity, so every profile's recipients are listed too.
    // The ARNs are in delivery.region when set: the function sends there (see deps-from-env).
    const sesArn = (resource: string, resourceName: string): string =>
      this.formatArn({ service: 'ses', resource, resourceName, ...(settings.sesRegion !== undefined ? { region: settings.sesRegion } : {}) });
    this.fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'SendReportThroughTheConfiguredIdentity',
        actions: ['ses:SendRawEmail', 'ses:SendEmail'],
        resources: [
          ...[...new Set([settings.deploy.sesIdentity, ...settings.recipients])].map((identity) => sesArn('identity', identity)),
          ...(settings.sesConfigurationSet !== undefined ? [sesArn('configuration-set', settings.sesConfigurationSet)] : []),
        ],
      }),
    );

    this.schedules = new ProfileSchedules(this, 'Schedules', { profiles: props.config.profiles, target: this.fn, deadLetterQueue: this.deadLetterQueue });
    this.alarms = new JobAlarms(this, 'Alarms', {
      fn: this.fn,
      deadLetterQueue: this.deadLetterQueue,
      ...(settings.deploy.alarmEmail !== undefined ? { alarmEmail: settings.deploy.alarmEmail } : {}),
    });

    new CfnOutput(this, STACK_OUTPUTS.functionName, { key: STACK_OUTPUTS.functionName, value: this.fn.functionName, description: 'followback invoke finds the function here' });
    new CfnOutput(this, STACK_OUTPUTS.tableName, { key: STACK_OUTPUTS.tableName, value: this.table.tableName });
    new CfnOutput(this, STACK_OUTPUTS.deadLetterQueueUrl, { key: STACK_OUTPUTS.deadLetterQueueUrl, value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, STACK_OUTPUTS.alarmTopicArn, { key: STACK_OUTPUTS.alarmTopicArn, value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'LogGroupName', { key: 'LogGroupName', value: this.fn.logGroupOfFunction.logGroupName });

    acknowledgeNagFindings(this);
  }
}
