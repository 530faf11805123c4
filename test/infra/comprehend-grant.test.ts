/**
 * The function may call Amazon Comprehend only when a profile chose it as its
 * tone classifier, only the two sentiment actions, and cdk-nag stays clean.
 */
import { type CfnElement, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { COMPREHEND_ACTIONS } from '../../infra/constructs/job-function.ts';
import { COMPREHEND_WILDCARD_FINDING } from '../../infra/nag-acknowledgements.ts';
import { stackSettings } from '../../infra/stack-settings.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { Config, ConfigInput } from '../../shared/config/schema.ts';
import { synthStack, testConfig, testConfigInput } from './stack-fixture.ts';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

/** Every IAM statement of every identity policy in the template, with the logical id of its policy. */
function statements(template: Template): { policy: string; statement: Statement }[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }>;
  return Object.entries(policies).flatMap(([policy, p]) => p.Properties.PolicyDocument.Statement.map((statement) => ({ policy, statement })));
}

function actionsOf(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

function comprehendStatements(template: Template): { policy: string; statement: Statement }[] {
  return statements(template).filter(({ statement }) => actionsOf(statement).some((a) => a.toLowerCase().startsWith('comprehend:')));
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

// A synth takes seconds, more on a busy machine.
describe('Comprehend grant', { timeout: 120_000 }, () => {
  it('is absent when every profile uses the lexicon classifier', () => {
    const { stack, template } = synthStack(testConfig());
    expect(comprehendStatements(template)).toEqual([]);
    expect(stack.fn.comprehendPolicy).toBeUndefined();
  });

  it('allows exactly the two sentiment actions, on "*", in the configured region and the function\'s own, to the functions that classify (not the pull step)', () => {
    // ada asks for eu-west-1, bob for the function's own region.
    const { stack, template } = synthStack(withTone([{ classifier: 'comprehend', region: 'eu-west-1' }, { classifier: 'comprehend' }]));
    const found = comprehendStatements(template);
    // The single-run function and the report step classify; the pull step only reads the networks.
    expect(found).toHaveLength(2);
    expect(stack.pullStep.comprehendPolicy).toBeUndefined();
    for (const fn of [stack.fn, stack.reportStep]) {
      const policy = stack.getLogicalId(fn.comprehendPolicy!.node.defaultChild as CfnElement);
      const { statement } = found.find((f) => f.policy === policy)!;
      expect(actionsOf(statement).sort()).toEqual([...COMPREHEND_ACTIONS].sort());
      expect(statement.Resource).toBe('*');
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', { Ref: 'AWS::Region' }] } });

      // On the function's role, in a policy of its own that the function waits for.
      const roleId = stack.getLogicalId(fn.role!.node.defaultChild as CfnElement);
      expect((template.toJSON() as { Resources: Record<string, { Properties: { Roles?: unknown } }> }).Resources[policy]?.Properties.Roles).toEqual([{ Ref: roleId }]);
      const fnId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
      expect(template.toJSON().Resources[fnId].DependsOn).toContain(policy);
    }
  });

  it('is there when only one of the profiles uses Comprehend, in that profile\'s region only', () => {
    const { template } = synthStack(withTone([undefined, { classifier: 'comprehend', region: 'us-east-1' }]));
    const found = comprehendStatements(template);
    expect(found).toHaveLength(2);
    for (const { statement } of found) expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['us-east-1'] } });
  });

  it('leaves cdk-nag clean with the lexicon config and with a Comprehend profile', () => {
    expect(nagFindings(synthStack(testConfig()).app)).toEqual([]);
    expect(nagFindings(synthStack(withTone([{ classifier: 'comprehend' }])).app)).toEqual([]);
  });

  it('acknowledges only the wildcard resource of the Comprehend policy, and nag would flag it otherwise (the check is live)', () => {
    const { app, stack } = synthStack(withTone([{ classifier: 'comprehend' }]));
    const policy = stack.fn.comprehendPolicy!;
    const acks = policy.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(acks).toHaveLength(1);
    expect(Object.keys(acks[0]!.data as Record<string, string>).map((k) => k.replace(/^annotation::/i, ''))).toEqual([COMPREHEND_WILDCARD_FINDING]);

    (policy.node as unknown as { _metadata: unknown[] })._metadata = [];
    const findings = new AwsSolutionsChecks(app).validateScope(app).violations;
    expect(findings.map((v) => v.ruleName)).toEqual([COMPREHEND_WILDCARD_FINDING]);
    expect(findings.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual([expect.stringContaining('JobFunctionComprehendSentiment')]);
  });

  it('refuses a tone.region that is not an AWS region, naming the profile', () => {
    const config = withTone([{ classifier: 'comprehend', region: 'Frankfurt' }]);
    expect(() => stackSettings(config, 'followback.config.json')).toThrow(/profiles\[0\]\.tone\.region: "Frankfurt" is not an AWS region/);
  });
});
