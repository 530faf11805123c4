/** The decision page as deployed: a throttled Function URL, its own key secret, least privilege, logged, nag-clean. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { CfnElement } from 'aws-cdk-lib';
import { DECISION_ACT_TABLE_ACTIONS, DECISION_ACT_TIMEOUT_SECONDS, DECISION_RESERVED_CONCURRENCY, DECISION_TIMEOUT_SECONDS, DECISION_URL_OUTPUT } from '../../infra/constructs/decision-endpoint.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import { DECISION_KEYS_SECRET_ENV, parseKeyring } from '../../shared/decide/keyring.ts';
import { synthStack, testConfigInput } from './stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('decision endpoint', () => {
  const { app, stack, template } = synthStack();
  const resources = template.toJSON()['Resources'] as Record<string, Resource>;
  const decideFnId = stack.getLogicalId(stack.decisions.fn.node.defaultChild as import('aws-cdk-lib').CfnElement);

  it('is a Function URL without IAM auth (the signed link is the capability), throttled by reserved concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [decideFnId, 'Arn'] } });
    expect(resources[decideFnId]?.Properties['ReservedConcurrentExecutions']).toBe(DECISION_RESERVED_CONCURRENCY);
    expect(template.toJSON()['Outputs'][DECISION_URL_OUTPUT]).toBeDefined();
  });

  it('generates its signing keys in a secret the page reads as a keyring', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{"current":"k1"}', GenerateStringKey: 'k1', ExcludePunctuation: true, PasswordLength: 64 },
    });
    // What Secrets Manager will generate has this shape: the page accepts it.
    // (64 characters drawn like Secrets Manager's generator: letters and digits, no punctuation.)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const generated = Array.from(randomBytes(64), (b) => alphabet[b % alphabet.length]).join('');
    expect(parseKeyring(JSON.stringify({ current: 'k1', k1: generated }), 'generated').currentKid).toBe('k1');
  });

  it('with acting off (every profile), may only get (one or a batch), put and delete items on the table and read its key secret, within 10 s', () => {
    expect(resources[decideFnId]?.Properties['Timeout']).toBe(DECISION_TIMEOUT_SECONDS);
    const roleId = stack.getLogicalId(stack.decisions.fn.role?.node.defaultChild as import('aws-cdk-lib').CfnElement);
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties['Roles']).includes(roleId),
    );
    const statements = policies.flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(
      ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort(),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
  });

  it("the key secret's resource policy denies reading it to everyone but the page and the two functions that sign links", () => {
    const keysId = stack.getLogicalId(stack.decisions.signingKeys.node.defaultChild as CfnElement);
    const roleArn = (fn: { role?: unknown }) => ({ 'Fn::GetAtt': [stack.getLogicalId((fn.role as { node: { defaultChild: CfnElement } }).node.defaultChild), 'Arn'] });
    const onKeys = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy')).filter((p) => JSON.stringify(p['Properties']['SecretId']) === JSON.stringify({ Ref: keysId }));
    expect(onKeys).toHaveLength(1);
    const statements = (onKeys[0]?.['Properties'] as { ResourcePolicy: { Statement: unknown[] } }).ResourcePolicy.Statement;
    expect(statements).toEqual([
      {
        Sid: 'OnlyThePageAndTheSignersReadTheKeys',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalArn': [roleArn(stack.decisions.fn), roleArn(stack.fn), roleArn(stack.reportStep)] } },
      },
    ]);
    // The three readers also hold the identity grant; no other role of the stack does.
    const readers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.some((st) => JSON.stringify(st.Resource).includes(keysId) && [st.Action].flat().includes('secretsmanager:GetSecretValue')))
      .flatMap((r) => r.Properties['Roles'] as unknown[]);
    expect(readers).toEqual(expect.arrayContaining([stack.decisions.fn, stack.fn, stack.reportStep].map((fn) => ({ Ref: stack.getLogicalId((fn.role as unknown as { node: { defaultChild: CfnElement } }).node.defaultChild) }))));
    expect(readers).toHaveLength(3);
  });

  it('the report functions can sign links: they read the key secret and know its name', () => {
    for (const fn of [stack.fn, stack.reportStep]) {
      const props = resources[stack.getLogicalId(fn.node.defaultChild as import('aws-cdk-lib').CfnElement)]?.Properties as { Environment: { Variables: Record<string, unknown> } };
      expect(Object.keys(props.Environment.Variables)).toContain(DECISION_KEYS_SECRET_ENV);
    }
    expect(Object.keys(resources[decideFnId]?.Properties['Environment'] as object)).toBeDefined();
  });

  it('logs to its own log group with retention (the access log)', () => {
    const logConfig = resources[decideFnId]?.Properties['LoggingConfig'] as { LogGroup: unknown };
    expect(logConfig.LogGroup).toBeDefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('leaves no cdk-nag finding unacknowledged; the key secret rotation finding carries its reason', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const mine = report.violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('/Decisions/')));
    expect(mine.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

/** The statements of the IAM policies attached to a function's role. */
function roleStatements(resources: Record<string, Resource>, roleId: string): { Action: string | string[]; Resource: unknown }[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties['Roles']).includes(roleId))
    .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
}

describe('decision endpoint with acting on (a profile has act.enabled)', () => {
  const input = testConfigInput();
  const [first] = input.profiles;
  if (first === undefined) throw new Error('fixture: a profile');
  first.act = { enabled: true };
  const { app, stack, template } = synthStack(parseConfig(input, 'acting'));
  const resources = template.toJSON()['Resources'] as Record<string, Resource>;
  const id = (c: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const decideFnId = id(stack.decisions.fn);
  const roleId = id(stack.decisions.fn.role as unknown as { node: { defaultChild?: unknown } });

  it("also queries and conditionally updates items (the act engine's re-checks and claims), never scans, and has time for paced actions", () => {
    const actions = roleStatements(resources, roleId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    expect(resources[decideFnId]?.Properties['Timeout']).toBe(DECISION_ACT_TIMEOUT_SECONDS);
  });

  it('grants every DynamoDB call the act engine and the ledger send (the lease, the hourly window, the claims), and nothing more', () => {
    // The commands in the adapters' source: a new one (a transaction, a batch write) must come with its grant.
    const operation: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', Query: 'Query', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem', Scan: 'Scan', TransactWrite: 'TransactWriteItems', TransactGet: 'TransactGetItems' };
    const sent = new Set<string>();
    for (const file of ['shared/store/dynamo-action-store.ts', 'shared/store/dynamo-decision-ledger.ts']) {
      const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      for (const [, name] of source.matchAll(/new (\w+)Command\(/g)) sent.add(`dynamodb:${operation[name ?? ''] ?? `unknown ${name}`}`);
    }
    expect(sent.size).toBeGreaterThan(3);
    expect([...sent].filter((a) => !(DECISION_ACT_TABLE_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it('reads the network token secrets, and their resource policy lets it (besides the functions that pull)', () => {
    const tokens = stack.secrets.map((s) => id(s));
    expect(tokens.length).toBeGreaterThan(0);
    const reads = roleStatements(resources, roleId).filter((s) => tokens.some((t) => JSON.stringify(s.Resource).includes(t)));
    expect(reads.map((s) => s.Resource)).toEqual(expect.arrayContaining(tokens.map((t) => ({ Ref: t }))));
    const roleArn = (fn: { role?: unknown }) => ({ 'Fn::GetAtt': [id(fn.role as { node: { defaultChild?: unknown } }), 'Arn'] });
    const keysId = id(stack.decisions.signingKeys);
    const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy')).filter((p) => JSON.stringify(p['Properties']['SecretId']) !== JSON.stringify({ Ref: keysId }));
    expect(policies).toHaveLength(tokens.length);
    for (const p of policies) {
      const [statement] = (p['Properties'] as { ResourcePolicy: { Statement: { Condition: unknown }[] } }).ResourcePolicy.Statement;
      expect(statement?.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [roleArn(stack.fn), roleArn(stack.pullStep), roleArn(stack.decisions.fn)] } });
    }
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const mine = report.violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('/Decisions/')));
    expect(mine.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
