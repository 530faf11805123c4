/**
 * The single DynamoDB table of followback: key design and table lifecycle.
 *
 * Key attributes: `pk` (partition, S) and `sk` (sort, S). No secondary index:
 * every read is a Query on one partition.
 *
 *   entity            pk                          sk                                  access pattern
 *   ----------------  --------------------------  ----------------------------------  -----------------------------------------
 *   contact           P#<profile>                 C#<sourceId>#<contactId>            loadProfileState: begins_with C#
 *   source state      P#<profile>                 S#<sourceId>                        loadProfileState: begins_with S#
 *   run record        P#<profile>                 R#<run at, UTC ISO>#<runId>         listRuns / lastRun: begins_with R#, newest first
 *   owner decision    P#<profile>                 D#<contact>                         loadProfileState: begins_with D#
 *   run claim         P#<profile>                 L#<runKey>                          claimRun: conditional put; TTL `expiresAt`
 *   action request    P#<profile>                 ACT#<actionId>                      confirmed actions (dynamo-action-store.ts)
 *   action audit      P#<profile>                 AUD#<at, UTC ISO>#<actionId>#<n>    listAudits(since): sk range
 *   interaction       P#<profile>#I#<yyyy-mm>     <at, UTC ISO>#<sourceId>#<id>       loadInteractions(since): one query per month bucket
 *   source session    X#<key>                     X                                   SessionStore get/put (secret: never logged)
 *
 * Why month buckets for interactions: a busy profile gathers hundreds of
 * thousands of them; one partition per month keeps partitions small and lets
 * `since` skip whole months. The sort key starts with the UTC instant, so a
 * bucket reads back oldest first.
 *
 * Sessions live outside the profile partition so loading a profile never reads
 * a secret by accident.
 *
 * TTL attribute: `expiresAt` (epoch seconds) on interactions (at + retentionDays),
 * on run claims (lease end, or 35 days after completion), and on what a firing
 * stages between its steps (state, parts, the `F#<firingKey>` index in the
 * profile partition; see dynamo-firing-store.ts).
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** Name of the TTL attribute (epoch seconds). The CDK stack enables TTL on it. */
export const TTL_ATTRIBUTE = 'expiresAt';
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

export const SK_PREFIX = {
  contact: 'C#',
  source: 'S#',
  run: 'R#',
  decision: 'D#',
  claim: 'L#',
} as const;

/** The same instant always gives the same text, whatever offset it was written with. */
export function utcInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO instant: ${JSON.stringify(iso)}`);
  return new Date(ms).toISOString();
}

export const keys = {
  profile: (profileId: string): string => `P#${profileId}`,
  contact: (sourceId: string, contactId: string): string => `${SK_PREFIX.contact}${sourceId}#${contactId}`,
  source: (sourceId: string): string => `${SK_PREFIX.source}${sourceId}`,
  run: (at: string, runId: string): string => `${SK_PREFIX.run}${utcInstant(at)}#${runId}`,
  decision: (contact: string): string => `${SK_PREFIX.decision}${contact}`,
  claim: (runKey: string): string => `${SK_PREFIX.claim}${runKey}`,
  /** `yyyy-mm` of an instant, in UTC. */
  month: (iso: string): string => utcInstant(iso).slice(0, 7),
  interactionBucket: (profileId: string, month: string): string => `P#${profileId}#I#${month}`,
  interaction: (at: string, sourceId: string, interactionId: string): string =>
    `${utcInstant(at)}#${sourceId}#${interactionId}`,
  session: (key: string): string => `X#${key}`,
  sessionSort: 'X',
} as const;

/** Every `yyyy-mm` from the month of `from` to the month of `to`, inclusive, in order. */
export function monthsBetween(from: string, to: string): string[] {
  const start = new Date(utcInstant(from));
  const end = new Date(utcInstant(to));
  const months: string[] = [];
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  while (year < end.getUTCFullYear() || (year === end.getUTCFullYear() && month <= end.getUTCMonth())) {
    months.push(`${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}`);
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return months;
}

/**
 * Creates the table (on-demand billing) and enables TTL on `expiresAt`.
 * Idempotent: an existing table is fine. Used by local runs and tests; in AWS
 * the CDK stack owns the table.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: SORT_KEY, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: SORT_KEY, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) {
      throw new Error(`could not create DynamoDB table ${tableName}: ${errorMessage(err)}`, { cause: err });
    }
  }
  await waitForStatus(client, tableName, 'ACTIVE');
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (err) {
    // Enabling TTL twice is a ValidationException ("already enabled"); an emulator may not support it at all.
    // Either way the table works: TTL only trims old items.
    if (!/already enabled|TimeToLive is already|not supported/i.test(errorMessage(err))) {
      throw new Error(`could not enable TTL on ${tableName}.${TTL_ATTRIBUTE}: ${errorMessage(err)}`, { cause: err });
    }
  }
}

/** Deletes the table; a missing table is fine. */
export async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return;
    throw new Error(`could not delete DynamoDB table ${tableName}: ${errorMessage(err)}`, { cause: err });
  }
  await waitForStatus(client, tableName, 'GONE');
}

/**
 * Polls DescribeTable. The SDK waiters wait at least a second between checks;
 * DynamoDB Local answers at once, and tests create many tables.
 */
async function waitForStatus(client: DynamoDBClient, tableName: string, wanted: 'ACTIVE' | 'GONE', timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    let status: string;
    try {
      const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
      status = out.Table?.TableStatus ?? 'UNKNOWN';
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      status = 'GONE';
    }
    if (status === wanted) return;
    if (Date.now() > deadline) throw new Error(`DynamoDB table ${tableName} is ${status}, not ${wanted}, after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, delay));
    delay = Math.min(delay * 2, 2000);
  }
}

/** True when the table exists (any status). */
export async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
