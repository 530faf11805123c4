/**
 * The decision page in AWS: a small function behind a Lambda Function URL.
 *
 * - Auth NONE on the URL: the signed, single-use, expiring token in each link is
 *   the capability (HMAC-SHA256 with keys in Secrets Manager); GET never acts.
 * - Throttling: reserved concurrency caps what a flood of requests can cost or do.
 * - IAM: GetItem/PutItem/DeleteItem on the table (used-link ids, decisions,
 *   confirmed actions), BatchGetItem (a link's contacts, read in one call), read of
 *   the signing-key secret; nothing else.
 *   When some profile has `act.enabled`, the page carries out what it records through
 *   the act engine, so it also gets Query and UpdateItem (the engine's re-checks and its
 *   conditional claims), read of the network token secrets (and a place in their
 *   resource policy), and a longer timeout for the paced actions.
 * - Access logs: the function logs each request (method, path, status, source IP,
 *   user agent; never the token) to its own log group with retention.
 * - The signing keys: a secret generated on deploy (`{"current":"k1","k1":"<random>"}`);
 *   rotate by putting a new value that adds a key and makes it current while the old
 *   one stays listed for 14 days (the link lifetime). Like the network tokens, its
 *   resource policy denies GetSecretValue to every principal but the page and the
 *   functions that sign links (`allowSigning`): an administrator's identity policy
 *   cannot read the keys, only put new ones.
 */
import { CfnOutput, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { FunctionUrlAuthType, InvokeMode, type CfnFunction, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../shared/app/env.ts';
import type { Config } from '../../shared/config/schema.ts';
import { DECISION_KEYS_SECRET_ENV } from '../../shared/decide/keyring.ts';
import { alsoReadsTheTokens, JobFunction } from './job-function.ts';

/**
 * Exactly the calls the decision page makes (shared/decide/handler.ts through DynamoStore.putDecision and
 * DynamoDecisionLedger; BatchGetItem is `findContacts`, a link's contacts in one read).
 */
export const DECISION_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] as const;
/**
 * With acting on, what the act engine adds (shared/app/apply-actions.ts through DynamoActionStore,
 * DynamoDecisionLedger, DynamoStore.loadProfileState / loadInteractions): Query for the pending
 * requests, the profile state and the recent interactions; UpdateItem for the conditional
 * status moves. The acting lease and the hourly window (the cap and the pacing shared by the
 * page and apply) are conditional Put/Update/Delete/Get of their own items, inside this list.
 * Conditions ride on Put/Update (no transactions, so no ConditionCheckItem); the template test
 * checks this list against the commands the adapters send.
 */
export const DECISION_ACT_TABLE_ACTIONS = [...DECISION_TABLE_ACTIONS, 'dynamodb:Query', 'dynamodb:UpdateItem'] as const;
export const DECISION_TIMEOUT_SECONDS = 10;
/** Acting: a few paced actions per POST (the rest wait for the next apply), and the answer. */
export const DECISION_ACT_TIMEOUT_SECONDS = 60;
/** Concurrent executions at most: one owner clicking, plus mail scanners opening every link. */
export const DECISION_RESERVED_CONCURRENCY = 5;
export const DECISION_URL_OUTPUT = 'DecisionPageUrl';
/** The decision page's Lambda entry, relative to the repository root. */
export const DECIDE_ENTRY = 'functions/decide.ts';

export interface DecisionEndpointProps {
  entry: string;
  projectRoot: string;
  config: Config;
  table: ITable;
  logRetention: RetentionDays;
  /** The network token secrets: read by the page only when some profile has `act.enabled`. */
  tokenSecrets?: ISecret[];
}

/** Whether the deployed page carries out confirmations itself (some profile opted in). */
export function pageActs(config: Config): boolean {
  return config.profiles.some((p) => p.act.enabled);
}

export class DecisionEndpoint extends Construct {
  readonly fn: JobFunction;
  readonly url: FunctionUrl;
  readonly signingKeys: Secret;
  /** The role ARNs the key secret's resource policy lets read it: the page's, then each signer's. */
  private readonly keyReaders: string[] = [];

  constructor(scope: Construct, id: string, props: DecisionEndpointProps) {
    super(scope, id);
    this.signingKeys = new Secret(this, 'SigningKeys', {
      description: 'followback: keys that sign the decision links in the report (keep the previous key listed 14 days after a rotation)',
      generateSecretString: { secretStringTemplate: JSON.stringify({ current: 'k1' }), generateStringKey: 'k1', excludePunctuation: true, passwordLength: 64 },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // One statement naming every reader (a Deny per reader would deny each to the others); lazy, as signers are added later.
    this.signingKeys.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyThePageAndTheSignersReadTheKeys',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        conditions: { StringNotEquals: { 'aws:PrincipalArn': Lazy.any({ produce: () => (this.keyReaders.length === 1 ? this.keyReaders[0] : [...this.keyReaders]) }) } },
      }),
    );
    this.fn = new JobFunction(this, 'Function', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      config: props.config,
      memoryMb: 256,
      timeoutSeconds: pageActs(props.config) ? DECISION_ACT_TIMEOUT_SECONDS : DECISION_TIMEOUT_SECONDS,
      logRetention: props.logRetention,
      description: 'followback: the decision page behind the report links (GET shows, POST decides once)',
      classifiesTone: false,
      environment: { [ENV.tableName]: props.table.tableName, [DECISION_KEYS_SECRET_ENV]: this.signingKeys.secretName },
    });
    (this.fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = DECISION_RESERVED_CONCURRENCY;
    const acts = pageActs(props.config);
    props.table.grant(this.fn, ...(acts ? DECISION_ACT_TABLE_ACTIONS : DECISION_TABLE_ACTIONS));
    this.readsTheKeys(this.fn);
    if (acts) alsoReadsTheTokens(props.tokenSecrets ?? [], this.fn);
    this.url = this.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    new CfnOutput(this, 'Url', { key: DECISION_URL_OUTPUT, value: this.url.url, description: 'The decision page: put it in each profile\'s report.decisionsUrl and deploy again' });
  }

  /** Lets a report function sign links: reads the keys, and learns where they are. */
  allowSigning(fn: JobFunction & IGrantable): void {
    this.readsTheKeys(fn);
    fn.addEnvironment(DECISION_KEYS_SECRET_ENV, this.signingKeys.secretName);
  }

  /** The identity grant and the resource policy's exception together. */
  private readsTheKeys(fn: JobFunction): void {
    const arn = fn.role?.roleArn;
    if (arn === undefined) throw new Error(`${fn.node.path} has no role to read the signing keys with`);
    this.keyReaders.push(arn);
    this.signingKeys.grantRead(fn);
  }
}

/** The cdk-nag findings of the decision page, each on the narrowest construct, with the reason. */
export function acknowledgeDecisionEndpointFindings(endpoint: DecisionEndpoint): void {
  Validations.of(endpoint.signingKeys).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The signing keys are rotated by the owner with put-secret-value (add a new key, make it current, keep the old one listed for the 14-day link lifetime, then drop it; see docs/deciding-and-acting.md): an automatic single-value rotation would invalidate every link already sent.',
  });
}
