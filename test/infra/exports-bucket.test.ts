/** The exports bucket (issue 16): settings, lifecycle, who reads it (and nobody writes), its output and env var, cdk-nag. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENV, STACK_OUTPUTS } from '../../shared/app/env.ts';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { ConfigInput } from '../../shared/config/schema.ts';
import { EXPORTS_EPHEMERAL_STORAGE_MB } from '../../shared/ports/export-inbox.ts';
import { synthStack, testConfigInput } from './stack-fixture.ts';

/** The test config with export sources: ada reads Instagram and Facebook (retention 400 days), bob X (default 730). */
function exportsConfig() {
  const input: ConfigInput = testConfigInput();
  const [ada, bob] = input.profiles as unknown as [Record<string, unknown> & { sources: unknown[] }, Record<string, unknown> & { sources: unknown[] }];
  ada.sources.push({ type: 'instagram', id: 'instagram', exports: 'exports/instagram' }, { type: 'facebook', id: 'fb', exports: 'exports/facebook' });
  ada['policy'] = { retentionDays: 400 };
  bob.sources.push({ type: 'x', id: 'x', exports: 'exports/x' });
  return parseConfig(input, 'test config');
}

function resourcesOf(template: Template, type: string): [string, { Properties: Record<string, unknown> }][] {
  return Object.entries(template.findResources(type)) as [string, { Properties: Record<string, unknown> }][];
}

describe('exports bucket', () => {
  const { app, stack, template } = synthStack(exportsConfig());
  const bucketId = stack.getLogicalId(stack.exports.bucket.node.defaultChild as import('aws-cdk-lib').CfnElement);

  it('is encrypted (SSE-S3), private, ACL-less, unversioned and retained like the table', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: Match.absent(),
      },
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it("expires each profile's exports after its retentionDays, anything else after the longest", () => {
    const [[, bucket]] = resourcesOf(template, 'AWS::S3::Bucket') as [[string, { Properties: { LifecycleConfiguration: { Rules: Record<string, unknown>[] } } }]];
    const rules = bucket.Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      { Id: 'ExpireExportsOf-ada', Prefix: 'exports/ada/', ExpirationInDays: 400, Status: 'Enabled' },
      { Id: 'ExpireExportsOf-bob', Prefix: 'exports/bob/', ExpirationInDays: 730, Status: 'Enabled' },
      { Id: 'ExpireAnyOtherObject', ExpirationInDays: 730, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
    ]);
  });

  it('refuses every request without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets only the functions that pull list and read the export sources prefixes, and nobody write', () => {
    const policies = resourcesOf(template, 'AWS::IAM::Policy');
    const mentioning = policies.filter(([, p]) => JSON.stringify(p.Properties).includes(bucketId));
    // The single-run function and the pull step, each in its own policy; not the report step, not the decision page.
    expect(mentioning.map(([id]) => id).sort()).toEqual([stack.getLogicalId(stack.exportsReadPolicies[0]?.node.defaultChild as import('aws-cdk-lib').CfnElement), stack.getLogicalId(stack.exportsReadPolicies[1]?.node.defaultChild as import('aws-cdk-lib').CfnElement)].sort());
    const prefixes = ['exports/ada/instagram/', 'exports/ada/fb/', 'exports/bob/x/'];
    for (const [, policy] of mentioning) {
      const statements = (policy.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] }).Statement;
      expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
      expect(statements.find((s) => s.Action === 's3:ListBucket')).toMatchObject({ Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] }, Condition: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } });
      expect(statements.find((s) => s.Action === 's3:GetObject')?.Resource).toEqual(prefixes.map((p) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${p}*`]] })));
    }
    // No statement anywhere in the stack allows a write to it.
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toMatch(/s3:(PutObject|DeleteObject|\*)"(?![^}]*SecureTransport)/);
    const roles = [stack.fn, stack.pullStep].map((f) => f.role?.node.defaultChild as import('aws-cdk-lib').CfnElement);
    const attached = mentioning.flatMap(([, p]) => (p.Properties['Roles'] as { Ref: string }[]).map((r) => r.Ref));
    expect(attached.sort()).toEqual(roles.map((r) => stack.getLogicalId(r)).sort());
  });

  it('gives the functions that pull the bucket name and room in /tmp; the report step neither', () => {
    const fns = resourcesOf(template, 'AWS::Lambda::Function');
    const byId = new Map(fns);
    const idOf = (f: import('aws-cdk-lib').aws_lambda.Function) => stack.getLogicalId(f.node.defaultChild as import('aws-cdk-lib').CfnElement);
    for (const f of [stack.fn, stack.pullStep]) {
      const props = byId.get(idOf(f))?.Properties as { Environment: { Variables: Record<string, unknown> }; EphemeralStorage?: { Size: number } };
      expect(props.Environment.Variables[ENV.exportsBucket]).toEqual({ Ref: bucketId });
      expect(props.EphemeralStorage).toEqual({ Size: EXPORTS_EPHEMERAL_STORAGE_MB });
    }
    const report = byId.get(idOf(stack.reportStep))?.Properties as { Environment: { Variables: Record<string, unknown> }; EphemeralStorage?: unknown };
    expect(report.Environment.Variables[ENV.exportsBucket]).toBeUndefined();
    expect(report.EphemeralStorage).toBeUndefined();
  });

  it('publishes the bucket name for followback import --deployed', () => {
    template.hasOutput(STACK_OUTPUTS.exportsBucketName, { Value: { Ref: bucketId } });
  });

  it('is cdk-nag clean, with the object wildcard acknowledged on the read policies alone', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('without export sources: the bucket and its output stay, nobody is granted, no variable, default /tmp', () => {
    const { stack: bare, template: t } = synthStack();
    t.resourceCountIs('AWS::S3::Bucket', 1);
    expect(bare.exportsReadPolicies).toEqual([]);
    const id = bare.getLogicalId(bare.exports.bucket.node.defaultChild as import('aws-cdk-lib').CfnElement);
    const policies = resourcesOf(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties).includes(id));
    expect(policies).toEqual([]);
    for (const [, fn] of resourcesOf(t, 'AWS::Lambda::Function')) {
      expect((fn.Properties['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[ENV.exportsBucket]).toBeUndefined();
      expect(fn.Properties['EphemeralStorage']).toBeUndefined();
    }
  });
});
