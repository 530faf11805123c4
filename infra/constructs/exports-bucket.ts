import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema.ts';
import { exportsPrefix, EXPORTS_KEY_ROOT } from '../../shared/ports/export-inbox.ts';

/** The prefix of every export source of the config, `exports/<profile>/<source>/` (see shared/ports/export-inbox.ts). */
export function exportSourcePrefixes(config: Config): string[] {
  return config.profiles.flatMap((p) => p.sources.filter((s) => 'exports' in s).map((s) => exportsPrefix(p.id, s.id)));
}

export interface ExportsBucketProps {
  config: Config;
}

/**
 * Where the owner files the closed networks' exports (`followback import --deployed`) and the pulls read them.
 * The exports hold third parties' names and the owner's activity, so:
 *  - SSE-S3 (AES-256, S3-managed keys): encrypted at rest with nothing to grant. A customer-managed KMS key
 *    would add kms:Decrypt/GenerateDataKey grants for the readers and the uploader and a monthly cost, and
 *    buy key-level audit that the table (AWS-managed encryption) does not have either.
 *  - all public access blocked, ACLs disabled (bucket owner enforced), TLS only (a Deny on aws:SecureTransport).
 *  - no versioning: an export is written once (the upload never overwrites: If-None-Match) and never edited, and
 *    expiry must really delete it; with versioning an expired export would live on as a noncurrent version.
 *  - expiry: each profile's exports after its `retentionDays` (the history's own retention), anything else
 *    (a profile since removed from the config) after the longest of them. Overlapping rules: S3 applies the
 *    shorter expiration, so each profile keeps its own.
 *  - RETAIN, like the table: deleting the stack does not delete what the owner uploaded.
 */
export class ExportsBucket extends Construct {
  readonly bucket: Bucket;
  /** Where each export source reads (`exports/<profile>/<source>/`); empty when the config has none. */
  readonly prefixes: readonly string[];

  constructor(scope: Construct, id: string, props: ExportsBucketProps) {
    super(scope, id);
    this.prefixes = exportSourcePrefixes(props.config);
    const retentions = props.config.profiles.map((p) => p.policy.retentionDays);
    const longest = Math.max(...retentions);
    const lifecycleRules: LifecycleRule[] = [
      ...props.config.profiles.map(
        (p): LifecycleRule => ({
          id: `ExpireExportsOf-${p.id}`,
          prefix: `${EXPORTS_KEY_ROOT}${p.id}/`,
          expiration: Duration.days(p.policy.retentionDays),
        }),
      ),
      { id: 'ExpireAnyOtherObject', expiration: Duration.days(longest), abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ];
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: they would need a second bucket that itself has none (AwsSolutions-S1 again), and the accesses they would record are already known: the only writer is the owner (followback import with their own credentials, which prints what it uploaded) and the only readers are the pull functions, which log every export they read by name. CloudTrail S3 data events on this bucket give an audit trail if one is wanted.',
    });
  }

  /**
   * cdk-nag finds the object wildcard of the read grant (`<bucket>/exports/<profile>/<source>/*`), one finding per
   * prefix: acknowledged on the read policy alone, prefix by prefix.
   */
  acknowledgeObjectWildcards(policy: Policy): void {
    const stack = Stack.of(this);
    const logicalId = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)) as string;
    for (const prefix of this.prefixes) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
        reason: `The pull reads whichever exports the owner filed under ${prefix} (their names are the downloads' own, unknown at deploy time), so s3:GetObject names the prefix with a trailing *: only GetObject, only this export source's prefix, never a write.`,
      });
    }
  }

  /** Read access (ListBucket on the prefixes, GetObject under them) for a function that pulls: nothing else, and no write. */
  readStatements(): PolicyStatement[] {
    if (this.prefixes.length === 0) return [];
    return [
      new PolicyStatement({
        sid: 'ListTheExportSourcesPrefixes',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': this.prefixes.map((p) => `${p}*`) } },
      }),
      new PolicyStatement({
        sid: 'ReadTheExportsUnderThem',
        actions: ['s3:GetObject'],
        resources: this.prefixes.map((p) => this.bucket.arnForObjects(`${p}*`)),
      }),
    ];
  }
}
