import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV, STACK_OUTPUTS } from '../shared/app/env.ts';
import type { Config } from '../shared/config/schema.ts';
import { EXPORTS_EPHEMERAL_STORAGE_MB } from '../shared/ports/export-inbox.ts';
import { PLACEHOLDER_SECRET_VALUE } from '../shared/secrets/secrets-manager-resolver.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../shared/store/table-schema.ts';
import { HANDLER_ENTRY, PULL_STEP_ENTRY, REPORT_STEP_ENTRY, REPORT_STEP_MIN_MEMORY_MB } from './bundling.ts';
import { acknowledgeDecisionEndpointFindings, DECIDE_ENTRY, DecisionEndpoint } from './constructs/decision-endpoint.ts';
import { ExportsBucket } from './constructs/exports-bucket.ts';
import { JobAlarms } from './constructs/job-alarms.ts';
import { FiringStateMachine } from './constructs/firing-state-machine.ts';
import { JobFunction, onlyTheseFunctionsReadTheTokens } from './constructs/job-function.ts';
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

/** CloudFormation output with the firing state machine's ARN (read by `followback invoke`). */
export const STATE_MACHINE_OUTPUT = STACK_OUTPUTS.firingStateMachineArn;
/** Lambda's maximum: the report analyses the whole observed history of the profile in one go. */
export const REPORT_STEP_TIMEOUT_SECONDS = 900;

function sesEnvironment(configurationSet: string | undefined): Record<string, string> {
  return configurationSet !== undefined ? { [ENV.sesConfigurationSet]: configurationSet } : {};
}

/** Everything followback runs on in AWS; reads as the list of its parts. */
export class FollowbackStack extends Stack {
  readonly table: Table;
  /** The whole run in one invocation: kept for manual `aws lambda invoke` runs of small accounts. */
  readonly fn: JobFunction;
  readonly pullStep: JobFunction;
  readonly reportStep: JobFunction;
  readonly firing: FiringStateMachine;
  readonly deadLetterQueue: Queue;
  readonly secrets: Secret[];
  readonly schedules: ProfileSchedules;
  readonly alarms: JobAlarms;
  readonly decisions: DecisionEndpoint;
  readonly exports: ExportsBucket;
  /** The read grants on the exports bucket (single-run function, pull step); undefined without export sources. */
  readonly exportsReadPolicies: Policy[];

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

    // The closed networks' exports, filed by the owner (followback import --deployed), read by the pulls.
    this.exports = new ExportsBucket(this, 'Exports', { config: props.config });
    // Exports are downloaded to /tmp to be read (see shared/sources/exports/s3-export-inbox.ts).
    const exportsTmp = this.exports.prefixes.length > 0 ? { ephemeralStorageMb: EXPORTS_EPHEMERAL_STORAGE_MB } : {};

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
      environment: sesEnvironment(settings.sesConfigurationSet),
      ...exportsTmp,
    });
    this.fn.bindTable(this.table);

    // The steps of a firing (see infra/constructs/firing-state-machine.ts). The pull step stops itself a
    // minute before its timeout to save its cursors; the report step analyses the whole history at once,
    // so it gets the longest timeout and at least 2 GB (memory also buys CPU).
    const common = { projectRoot: PROJECT_ROOT, config: props.config, logRetention: settings.logRetention, environment: sesEnvironment(settings.sesConfigurationSet) };
    this.pullStep = new JobFunction(this, 'PullStep', {
      ...common,
      entry: `${PROJECT_ROOT}${PULL_STEP_ENTRY}`,
      memoryMb: settings.deploy.memoryMb,
      timeoutSeconds: settings.deploy.timeoutSeconds,
      description: 'followback: one bounded pull pass of a firing (cursors saved in the table)',
      classifiesTone: false,
      ...exportsTmp,
    });
    this.reportStep = new JobFunction(this, 'ReportStep', {
      ...common,
      entry: `${PROJECT_ROOT}${REPORT_STEP_ENTRY}`,
      memoryMb: Math.max(settings.deploy.memoryMb, REPORT_STEP_MIN_MEMORY_MB),
      timeoutSeconds: REPORT_STEP_TIMEOUT_SECONDS,
      description: 'followback: analyses, renders, delivers and stores the report of a firing',
    });
    this.pullStep.bindTable(this.table);
    this.reportStep.bindTable(this.table);
    // Only the functions that pull read the exports (the report step works from the stored pulls); nobody here writes.
    this.exportsReadPolicies = [this.fn.readExports(this.exports), this.pullStep.readExports(this.exports)].filter((p): p is Policy => p !== undefined);

    // Created with a recognisable placeholder; the owner puts the token afterwards (followback secrets set; docs/deploying-and-costs.md).
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
    this.pullStep.bindSecrets(this.secrets);
    // The API tokens a pull refreshes are written back by the functions that pull, to those secrets only.
    const refreshed = this.secrets.filter((_, i) => settings.writableSecretNames.includes(settings.secretNames[i] ?? ''));
    this.fn.bindTokenWrites(refreshed);
    this.pullStep.bindTokenWrites(refreshed);
    onlyTheseFunctionsReadTheTokens(this.secrets, [this.fn, this.pullStep]);

    // SES authorises the sending identity and the configuration set; in the sandbox (every new account)
    // it also authorises each recipient's identity, so every profile's recipients are listed too.
    // The ARNs are in delivery.region when set: the function sends there (see deps-from-env).
    const sesArn = (resource: string, resourceName: string): string =>
      this.formatArn({ service: 'ses', resource, resourceName, ...(settings.sesRegion !== undefined ? { region: settings.sesRegion } : {}) });
    for (const sender of [this.fn, this.reportStep]) {
      sender.addToRolePolicy(
        new PolicyStatement({
          sid: 'SendReportThroughTheConfiguredIdentity',
          actions: ['ses:SendRawEmail', 'ses:SendEmail'],
          resources: [
            ...[...new Set([settings.deploy.sesIdentity, ...settings.recipients])].map((identity) => sesArn('identity', identity)),
            ...(settings.sesConfigurationSet !== undefined ? [sesArn('configuration-set', settings.sesConfigurationSet)] : []),
          ],
        }),
      );
    }

    this.firing = new FiringStateMachine(this, 'Firing', {
      pullStep: this.pullStep,
      reportStep: this.reportStep,
      maxPullHours: Math.max(...props.config.profiles.map((p) => p.policy.maxPullHours)),
      logRetention: settings.logRetention,
    });
    this.schedules = new ProfileSchedules(this, 'Schedules', { profiles: props.config.profiles, target: this.firing.gate, deadLetterQueue: this.deadLetterQueue });
    this.alarms = new JobAlarms(this, 'Alarms', {
      fn: this.fn,
      deadLetterQueue: this.deadLetterQueue,
      stateMachines: [
        { id: 'Firing', stateMachine: this.firing.loop, what: 'a firing (pull steps and report)' },
        { id: 'Gate', stateMachine: this.firing.gate, what: 'starting a scheduled firing' },
      ],
      ...(settings.deploy.alarmEmail !== undefined ? { alarmEmail: settings.deploy.alarmEmail } : {}),
    });

    new CfnOutput(this, STACK_OUTPUTS.functionName, { key: STACK_OUTPUTS.functionName, value: this.fn.functionName, description: 'followback invoke finds the function here' });
    new CfnOutput(this, STACK_OUTPUTS.tableName, { key: STACK_OUTPUTS.tableName, value: this.table.tableName });
    new CfnOutput(this, STACK_OUTPUTS.deadLetterQueueUrl, { key: STACK_OUTPUTS.deadLetterQueueUrl, value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, STACK_OUTPUTS.alarmTopicArn, { key: STACK_OUTPUTS.alarmTopicArn, value: this.alarms.topic.topicArn });
    new CfnOutput(this, STATE_MACHINE_OUTPUT, { key: STATE_MACHINE_OUTPUT, value: this.firing.loop.stateMachineArn, description: 'followback invoke starts its executions here' });
    new CfnOutput(this, STACK_OUTPUTS.exportsBucketName, { key: STACK_OUTPUTS.exportsBucketName, value: this.exports.bucket.bucketName, description: 'followback import --deployed files exports here' });
    new CfnOutput(this, 'LogGroupName', { key: 'LogGroupName', value: this.fn.logGroupOfFunction.logGroupName });

    // The page behind the report's decision links; the report functions sign the links with its keys.
    this.decisions = new DecisionEndpoint(this, 'Decisions', { entry: `${PROJECT_ROOT}${DECIDE_ENTRY}`, projectRoot: PROJECT_ROOT, config: props.config, table: this.table, logRetention: settings.logRetention, tokenSecrets: this.secrets });
    for (const signer of [this.fn, this.reportStep]) this.decisions.allowSigning(signer);

    acknowledgeNagFindings(this);
    acknowledgeDecisionEndpointFindings(this.decisions);
  }
}
