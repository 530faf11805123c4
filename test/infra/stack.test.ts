import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, STACK_OUTPUTS } from '../../shared/app/env.ts';
import { PLACEHOLDER_SECRET_VALUE } from '../../shared/secrets/secrets-manager-resolver.ts';
import { TTL_ATTRIBUTE } from '../../shared/store/table-schema.ts';
import { TABLE_ACTIONS } from '../../infra/constructs/job-function.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import { synthStack, testConfig, testConfigInput } from './stack-fixture.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

const { stack, template } = synthStack();
const resources = template.toJSON()['Resources'] as Resources;
const logicalId = (type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};
const tableId = logicalId('AWS::DynamoDB::Table');
const idOf = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
// The single-run function (manual runs); the firing's steps have their own tests in state-machine.test.ts.
const functionId = idOf(stack.fn);
const queueId = logicalId('AWS::SQS::Queue');
const topicId = logicalId('AWS::SNS::Topic');
const logGroupId = stack.getLogicalId(stack.fn.logGroupOfFunction.node.defaultChild as CfnElement);

/** Every statement of every IAM policy in the template, with the roles it is attached to. */
function statements(): { roles: unknown; Action: string | string[]; Resource: unknown; Effect: string }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => {
    const props = p['Properties'] as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown; Effect: string }[] }; Roles: unknown };
    return props.PolicyDocument.Statement.map((s) => ({ ...s, roles: props.Roles }));
  });
}
const actionsOf = (s: { Action: string | string[] }): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const roleOf = (id: string): string => (resources[id]?.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const functionRole = roleOf(functionId);
const pullRole = roleOf(idOf(stack.pullStep));
const reportRole = roleOf(idOf(stack.reportStep));
const decideRole = roleOf(idOf(stack.decisions.fn));
const signingKeysId = stack.getLogicalId(stack.decisions.signingKeys.node.defaultChild as CfnElement);

describe('the table', () => {
  it('is on-demand, with point-in-time recovery, TTL on the store attribute, and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('survives the deletion or replacement of the stack', () => {
    expect(resources[tableId]?.DeletionPolicy).toBe('Retain');
    expect(resources[tableId]?.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('the job function', () => {
  it('is pinned to nodejs24.x on ARM_64, sized from the deploy config', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 300,
      Handler: 'index.handler',
    });
  });

  it('gets the table name, the bundled config path and the SES configuration set through the shared env names', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [ENV.tableName]: { Ref: tableId },
          [ENV.configPath]: 'followback.config.json',
          [ENV.sesConfigurationSet]: 'followback-events',
          NODE_OPTIONS: '--enable-source-maps --max-old-space-size=256',
        },
      },
    });
  });

  it('gives every function a V8 heap limit of half its memory (the report step: 2 GB, 1 GB of heap)', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { MemorySize: number; Environment: { Variables: Record<string, unknown> } } }[];
    expect(functions.length).toBeGreaterThanOrEqual(3);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables['NODE_OPTIONS']).toBe(`--enable-source-maps --max-old-space-size=${fn.Properties.MemorySize / 2}`);
    }
    expect(functions.map((f) => f.Properties.MemorySize)).toContain(2048);
  });

  it('logs to an explicit log group with the configured retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
  });

  it('sends failed asynchronous invocations to the dead-letter queue after two retries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, FunctionName: { Ref: functionId } });
  });

  it('is one of four functions: the two steps of a firing and the decision page (no log-retention or other helper Lambdas)', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
  });

  it('is published as a stack output for followback invoke', () => {
    template.hasOutput(STACK_OUTPUTS.functionName, { Value: { Ref: functionId } });
    template.hasOutput(STACK_OUTPUTS.tableName, { Value: { Ref: tableId } });
  });
});

describe('the schedules', () => {
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((r) => r['Properties'] as Record<string, unknown> & { Target: Record<string, unknown> & { Input: string } });
  const forProfile = (id: string) => {
    const found = schedules.find((s) => (JSON.parse(s.Target.Input) as { profile: string }).profile === id);
    expect(found, `schedule of ${id}`).toBeDefined();
    return found as (typeof schedules)[number];
  };

  it('exist once per profile', () => {
    expect(schedules).toHaveLength(testConfig().profiles.length);
  });

  it('take the expression, the time zone and the enabled flag from the profile', () => {
    expect(forProfile('ada')).toMatchObject({ ScheduleExpression: 'cron(0 7 ? * MON *)', ScheduleExpressionTimezone: 'Europe/Rome', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(forProfile('bob')).toMatchObject({ ScheduleExpression: 'rate(1 day)', ScheduleExpressionTimezone: 'UTC', State: 'DISABLED' });
  });

  it('deliver the profile and the scheduled time to the firing gate state machine, with a retry policy and a dead-letter queue', () => {
    const ada = forProfile('ada');
    expect(JSON.parse(ada.Target.Input)).toEqual({ profile: 'ada', scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(ada.Target).toMatchObject({
      Arn: { Ref: idOf(stack.firing.gate) },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
  });

  it('invoke no function: the state machine invokes exactly its two steps, not their versions or aliases', () => {
    const invokes = statements().filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invokes.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [idOf(stack.pullStep), 'Arn'] }, { 'Fn::GetAtt': [idOf(stack.reportStep), 'Arn'] }]);
  });
});

describe('the secrets', () => {
  // The network tokens; the decision page's signing keys are a secret of their own (below).
  const secrets = Object.entries(template.findResources('AWS::SecretsManager::Secret')).filter(([id]) => id !== signingKeysId);

  it("besides the tokens, hold the decision links' signing keys, generated on deploy and readable by the page and the report functions only", () => {
    expect(resources[signingKeysId]?.Properties).toHaveProperty('GenerateSecretString');
    const reads = statements().filter((st) => JSON.stringify(st.Resource).includes(signingKeysId));
    expect(new Set(reads.map((st) => JSON.stringify(st.roles)))).toEqual(new Set([[{ Ref: decideRole }], [{ Ref: functionRole }], [{ Ref: reportRole }]].map((r) => JSON.stringify(r))));
    for (const st of reads) expect(actionsOf(st).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  it('exist once per secretName referenced by the config, holding a recognisable placeholder', () => {
    const names = secrets.map(([, s]) => (s['Properties'] as { Name: string }).Name).sort();
    expect(names).toEqual(['followback/ada/bluesky', 'followback/ada/mastodon']);
    for (const [, s] of secrets) {
      expect(s['Properties']).toMatchObject({ SecretString: PLACEHOLDER_SECRET_VALUE });
      expect(s['Properties']).not.toHaveProperty('GenerateSecretString');
      expect(s['DeletionPolicy']).toBe('Retain');
    }
  });

  it('are readable by the functions that pull only (the single-run function and the pull step), each by its own ARN; the decision page reads them only when a profile has act.enabled (decision-endpoint.test.ts)', () => {
    const reads = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')) && !JSON.stringify(s.Resource).includes(signingKeysId));
    expect(reads.map((s) => s.Resource)).toEqual(expect.arrayContaining(secrets.map(([id]) => ({ Ref: id }))));
    expect(new Set(reads.map((s) => JSON.stringify(s.roles)))).toEqual(new Set([JSON.stringify([{ Ref: functionRole }]), JSON.stringify([{ Ref: pullRole }])]));
    for (const s of reads) {
      expect(actionsOf(s).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
  });

  it('carry a resource policy that denies reading the value to every other principal', () => {
    // (The decision page's signing keys carry their own, naming the page and the signers: decision-endpoint.test.ts.)
    const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy')).filter((p) => JSON.stringify(p['Properties']['SecretId']) !== JSON.stringify({ Ref: signingKeysId }));
    expect(policies.map((p) => (p['Properties'] as { SecretId: unknown }).SecretId)).toEqual(expect.arrayContaining(secrets.map(([id]) => ({ Ref: id }))));
    expect(policies).toHaveLength(secrets.length);
    for (const p of policies) {
      const statement = (p['Properties'] as { ResourcePolicy: { Statement: Record<string, unknown>[] } }).ResourcePolicy.Statement;
      expect(statement).toEqual([
        {
          Sid: 'OnlyTheJobFunctionsReadTheToken',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [functionRole, 'Arn'] }, { 'Fn::GetAtt': [pullRole, 'Arn'] }] } },
        },
      ]);
    }
  });
});

describe('permissions', () => {
  /** The SES statement's resources, each rendered as a plain ARN string (Fn::Join of its parts). */
  const sesResources = (t: typeof template): string[] => {
    const ses = Object.values(t.findResources('AWS::IAM::Policy'))
      .flatMap((p) => (p['Properties'] as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }).PolicyDocument.Statement)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
    // The same statement for the two functions that deliver: the single-run one and the report step.
    expect(ses).toHaveLength(2);
    expect(ses[1]).toEqual(ses[0]);
    expect(actionsOf(ses[0] as { Action: string[] }).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const render = (part: unknown): string =>
      typeof part === 'string' ? part : `{${Object.values(part as Record<string, unknown>)[0] as string}}`;
    return (ses[0]?.Resource as { 'Fn::Join': [string, unknown[]] }[]).map((r) => r['Fn::Join'][1].map(render).join(''));
  };

  it("let the function send email only through the configured SES identity, to the profiles' recipients (sandbox), with the configuration set", () => {
    const arn = (resource: string) => `arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:${resource}`;
    expect(sesResources(template).sort()).toEqual(
      [
        arn('identity/mail.example.com'),
        // In the SES sandbox each recipient is authorised as an identity too: every profile's recipients.
        arn('identity/ada@example.org'),
        arn('identity/bob@example.org'),
        arn('configuration-set/followback-events'),
      ].sort(),
    );
  });

  it('grant SES in delivery.region when the config sets one, and list a recipient shared by profiles once', () => {
    const input = testConfigInput({ delivery: { type: 'ses', region: 'eu-west-1' } });
    for (const profile of input.profiles) profile.report.recipients = ['team@example.org', 'ada@example.org'];
    const { template: regional } = synthStack(parseConfig(input, 'regional'));
    const arn = (resource: string) => `arn:{AWS::Partition}:ses:eu-west-1:{AWS::AccountId}:${resource}`;
    expect(sesResources(regional).sort()).toEqual([arn('identity/ada@example.org'), arn('identity/mail.example.com'), arn('identity/team@example.org')].sort());
  });

  it('never grant anything on every resource, but the log delivery and X-Ray calls of the state machines (which have no resource type)', () => {
    const machineRoles = [stack.firing.loop, stack.firing.gate].map((m) => JSON.stringify([{ Ref: stack.getLogicalId(m.role.node.defaultChild as CfnElement) }]));
    for (const s of statements()) {
      if (s.Resource === '*' && machineRoles.includes(JSON.stringify(s.roles)) && actionsOf(s).every((a) => /^(logs:\w+LogDeliver(y|ies)|logs:(Put|Describe)ResourcePolic(y|ies)|logs:DescribeLogGroups|xray:\w+)$/.test(a))) continue;
      expect(JSON.stringify(s.Resource), JSON.stringify(s)).not.toMatch(/"\*"|:\*"/);
    }
  });

  it('give the function exactly the item operations the store calls (no scans, no table admin)', () => {
    const dynamo = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    // The same grant for the three functions: the store's own calls, each on its own role.
    const actions = [...new Set(dynamo.filter((st) => JSON.stringify(st.roles) !== JSON.stringify([{ Ref: decideRole }])).flatMap(actionsOf))];
    // shared/store/dynamo-store.ts sends Get, Query, Put, Update, Delete, BatchWrite and BatchGet (a pull's known
    // accounts, loadContacts) commands, nothing else.
    expect([...actions].sort()).toEqual(
      ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
    expect([...TABLE_ACTIONS].sort()).toEqual([...actions].sort());
    expect(dynamo.map((s) => s.roles)).toEqual([[{ Ref: functionRole }], [{ Ref: pullRole }], [{ Ref: reportRole }], [{ Ref: decideRole }]]);
    // With acting off (this config), the decision page reads and writes single items (used links, decisions,
    // confirmed actions) and reads a link's contacts in one batch get; with act.enabled it adds Query and
    // UpdateItem (decision-endpoint.test.ts).
    const page = dynamo.find((st) => JSON.stringify(st.roles) === JSON.stringify([{ Ref: decideRole }]));
    expect(actionsOf(page ?? { Action: [] }).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
  });

  it('attach no AWS managed policy to the function role', () => {
    template.hasResourceProperties('AWS::IAM::Role', Match.objectLike({ AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }) }));
    expect(resources[functionRole]?.Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('alarms', () => {
  it('watch function errors and the dead-letter queue depth, and notify the SNS topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Threshold: 1,
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: topicId }],
    });
    // And one per state machine on failed or timed-out executions (state-machine.test.ts).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  it('mail the alarm address when one is configured', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org', TopicArn: { Ref: topicId } });
  });

  it('have no subscription when no alarm address is configured', () => {
    const { template: quiet } = synthStack(testConfig({ deploy: { stackName: 'Quiet', sesIdentity: 'mail.example.com' } }));
    quiet.resourceCountIs('AWS::SNS::Subscription', 0);
    quiet.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted and refuses non-TLS access', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

it('names the stack after deploy.stackName', () => {
  expect(stack.stackName).toBe('FollowbackTest');
});
