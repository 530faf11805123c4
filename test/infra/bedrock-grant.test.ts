/**
 * The function may call Amazon Bedrock only when a profile chose it as its tone
 * classifier, only bedrock:InvokeModel, only on the configured model (and its
 * inference profile), and cdk-nag stays clean.
 */
import { type CfnElement, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { BEDROCK_ACTIONS } from '../../infra/constructs/job-function.ts';
import { bedrockProfileModelFinding } from '../../infra/nag-acknowledgements.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { Config, ConfigInput } from '../../shared/config/schema.ts';
import { synthStack, testConfig, testConfigInput } from './stack-fixture.ts';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

function statements(template: Template): { policy: string; statement: Statement }[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }>;
  return Object.entries(policies).flatMap(([policy, p]) => p.Properties.PolicyDocument.Statement.map((statement) => ({ policy, statement })));
}

function actionsOf(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

function bedrockStatements(template: Template): { policy: string; statement: Statement }[] {
  return statements(template).filter(({ statement }) => actionsOf(statement).some((a) => a.toLowerCase().startsWith('bedrock:')));
}

function withTone(tones: (ConfigInput['profiles'][number]['tone'] | undefined)[]): Config {
  const input = testConfigInput();
  input.profiles.forEach((p, i) => {
    const tone = tones[i];
    if (tone !== undefined) p.tone = tone;
  });
  return parseConfig(input, 'test config');
}

function nagFindings(app: IConstruct): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };

// A synth takes seconds, more on a busy machine.
describe('Bedrock grant', { timeout: 120_000 }, () => {
  it('is absent when no profile uses Bedrock', () => {
    const { stack, template } = synthStack(testConfig());
    expect(bedrockStatements(template)).toEqual([]);
    expect(stack.fn.bedrockPolicy).toBeUndefined();
    expect(synthStack(withTone([{ classifier: 'comprehend' }])).stack.fn.bedrockPolicy).toBeUndefined();
  });

  it('allows exactly bedrock:InvokeModel on the default model\'s foundation-model ARN in the function\'s region, to the functions that classify (not the pull step)', () => {
    const { stack, template } = synthStack(withTone([{ classifier: 'bedrock' }]));
    expect(BEDROCK_ACTIONS).toEqual(['bedrock:InvokeModel']);
    expect(stack.pullStep.bedrockPolicy).toBeUndefined();
    const found = bedrockStatements(template);
    expect(found).toHaveLength(2);
    for (const fn of [stack.fn, stack.reportStep]) {
      const policy = stack.getLogicalId(fn.bedrockPolicy!.node.defaultChild as CfnElement);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyName: Match.anyValue(),
        Roles: [{ Ref: stack.getLogicalId(fn.role!.node.defaultChild as CfnElement) }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ClassifyReplyToneWithBedrock',
              Effect: 'Allow',
              Action: 'bedrock:InvokeModel',
              Resource: { 'Fn::Join': ['', ['arn:', partition, ':bedrock:', region, '::foundation-model/amazon.nova-micro-v1:0']] },
            },
          ],
        },
      });
      expect(found.filter((f) => f.policy === policy)).toHaveLength(1);
      // The function waits for its grant.
      const fnId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
      expect(template.toJSON().Resources[fnId].DependsOn).toContain(policy);
    }
  });

  it('names the configured model and region, no wildcard', () => {
    const { stack, template } = synthStack(withTone([{ classifier: 'bedrock', modelId: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'eu-central-1' }]));
    const policy = stack.getLogicalId(stack.fn.bedrockPolicy!.node.defaultChild as CfnElement);
    expect(template.toJSON().Resources[policy].Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ClassifyReplyToneWithBedrock',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: { 'Fn::Join': ['', ['arn:', partition, ':bedrock:eu-central-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0']] },
      },
    ]);
  });

  it('a cross-Region profile id: the profile\'s ARN, and the model behind it only through that profile', () => {
    const { stack, template } = synthStack(withTone([{ classifier: 'bedrock', modelId: 'eu.amazon.nova-micro-v1:0', region: 'eu-west-1' }]));
    const policy = stack.getLogicalId(stack.fn.bedrockPolicy!.node.defaultChild as CfnElement);
    const profileArn = { 'Fn::Join': ['', ['arn:', partition, ':bedrock:eu-west-1:', account, ':inference-profile/eu.amazon.nova-micro-v1:0']] };
    expect(template.toJSON().Resources[policy].Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ClassifyReplyToneWithBedrock', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: profileArn },
      {
        Sid: 'BedrockModelThroughProfile1',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: { 'Fn::Join': ['', ['arn:', partition, ':bedrock:*::foundation-model/amazon.nova-micro-v1:0']] },
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
      },
    ]);
  });

  it('two profiles with two models: both, nothing else', () => {
    const { stack, template } = synthStack(withTone([{ classifier: 'bedrock' }, { classifier: 'bedrock', modelId: 'amazon.nova-lite-v1:0', region: 'us-west-2' }]));
    const policy = stack.getLogicalId(stack.fn.bedrockPolicy!.node.defaultChild as CfnElement);
    expect(template.toJSON().Resources[policy].Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ClassifyReplyToneWithBedrock',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [
          { 'Fn::Join': ['', ['arn:', partition, ':bedrock:', region, '::foundation-model/amazon.nova-micro-v1:0']] },
          { 'Fn::Join': ['', ['arn:', partition, ':bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0']] },
        ],
      },
    ]);
  });

  it('leaves cdk-nag clean with a Bedrock model', () => {
    expect(nagFindings(synthStack(withTone([{ classifier: 'bedrock' }])).app)).toEqual([]);
  });

  it('with a cross-Region profile, acknowledges only the "*" Region of the model behind it, and nag would flag it otherwise (the check is live)', () => {
    const { app, stack } = synthStack(withTone([{ classifier: 'bedrock', modelId: 'us.amazon.nova-micro-v1:0' }]));
    expect(nagFindings(app)).toEqual([]);
    expect(stack.fn.bedrockModelsThroughProfiles).toEqual(['amazon.nova-micro-v1:0']);
    for (const fn of [stack.fn, stack.reportStep]) {
      const acks = fn.bedrockPolicy!.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      expect(acks.flatMap((a) => Object.keys(a.data as Record<string, string>)).map((k) => k.replace(/^annotation::/i, ''))).toEqual([bedrockProfileModelFinding('amazon.nova-micro-v1:0')]);
      (fn.bedrockPolicy!.node as unknown as { _metadata: unknown[] })._metadata = [];
    }
    const findings = new AwsSolutionsChecks(app).validateScope(app).violations;
    expect(findings.map((v) => v.ruleName)).toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/amazon.nova-micro-v1:0]']);
  });
});
