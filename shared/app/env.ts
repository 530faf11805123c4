/**
 * Environment variables the stack sets on the function and the handler reads
 * at its composition root (never deeper). One list, so the two cannot drift.
 */
export const ENV = {
  /** The DynamoDB table the stack created. */
  tableName: 'FOLLOWBACK_TABLE_NAME',
  /** The validated config bundled next to the handler (relative to the task root). */
  configPath: 'FOLLOWBACK_CONFIG_PATH',
  /** Optional SES configuration set (from `delivery.configurationSet`). */
  sesConfigurationSet: 'FOLLOWBACK_SES_CONFIGURATION_SET',
  /** The exports bucket (set on the functions that pull): export sources read `exports/<profile>/<source>/` there. */
  exportsBucket: 'FOLLOWBACK_EXPORTS_BUCKET',
} as const;

/** File name of the config shipped inside the function bundle. */
export const BUNDLED_CONFIG_FILE = 'followback.config.json';

/** CloudFormation output keys that `followback invoke` reads. */
export const STACK_OUTPUTS = {
  functionName: 'JobFunctionName',
  tableName: 'TableName',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  alarmTopicArn: 'AlarmTopicArn',
  /** The Step Functions state machine a firing runs on (`followback invoke` starts an execution of it). */
  firingStateMachineArn: 'FiringStateMachineArn',
  /** The S3 bucket `followback import --deployed` files exports in. */
  exportsBucketName: 'ExportsBucketName',
} as const;

/** `source` of the events the Scheduler sends, so the handler tells them from manual ones. */
export const SCHEDULE_EVENT_SOURCE = 'followback.schedule';
