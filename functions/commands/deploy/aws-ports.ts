/**
 * What `followback deploy` asks AWS, as four small interfaces: the SDK
 * implementations are in aws-sdk-ports.ts, the tests pass fakes. None of them
 * ever reads a secret's value.
 */

/** The credentials and region the deployment would use (the AWS SDK's default chain, as the CDK's). */
export interface AwsSession {
  /** The region (--region, AWS_REGION, the AWS profile's); throws NoRegionError when there is none. Reads local settings only. */
  region(): Promise<string>;
  /** Throws NoCredentialsError when the SDK's chain finds no credentials. */
  credentials(): Promise<void>;
}

export class NoCredentialsError extends Error {
  override readonly name = 'NoCredentialsError';
}

export class NoRegionError extends Error {
  override readonly name = 'NoRegionError';
}

export interface DescribedStack {
  status: string;
  outputs: Record<string, string>;
}

/** CloudFormation DescribeStacks: the stack, or `undefined` when it does not exist. */
export interface StackReader {
  describe(stackName: string): Promise<DescribedStack | undefined>;
}

/** SES's verification status of an identity; `NotFound` when SES does not know it. */
export type VerificationStatus = 'Success' | 'Pending' | 'Failed' | 'TemporaryFailure' | 'NotStarted' | 'NotFound';

/** SES (v1 GetIdentityVerificationAttributes, GetSendQuota) in one region. */
export interface SesIdentities {
  verification(identities: string[]): Promise<Map<string, VerificationStatus>>;
  /** True while the account is in the SES sandbox (a 24-hour quota of 200); undefined when unknown. */
  inSandbox(): Promise<boolean | undefined>;
}

/**
 * Whether a secret holds a value of the owner's: `missing` (no such secret),
 * `placeholder` (only the version the stack created it with: no value was
 * ever put), `set` (a value was put after that).
 *
 * Judged from DescribeSecret's version stages, never from the value: the
 * stack's resource policy lets only its functions call GetSecretValue on a
 * token secret (infra/constructs/job-function.ts), so the owner could not read
 * it anyway, and a denied read would only leave an AccessDenied in CloudTrail.
 */
export type SecretState = 'missing' | 'placeholder' | 'set';

export interface SecretsPresence {
  state(secretName: string): Promise<SecretState>;
}

export interface DeployAws {
  session: AwsSession;
  /** The clients of one region (the deployment's; SES may name its own). */
  stacks(region: string): StackReader;
  ses(region: string): SesIdentities;
  secrets(region: string): SecretsPresence;
}

/** DescribeSecret's `VersionIdsToStages` → the state: one version holding AWSCURRENT alone is the one the stack created. */
export function secretStateFromStages(stages: Record<string, string[]> | undefined): SecretState {
  const versions = Object.values(stages ?? {});
  if (versions.length === 0) return 'placeholder';
  const previous = versions.some((labels) => labels.includes('AWSPREVIOUS'));
  return versions.length === 1 && !previous ? 'placeholder' : 'set';
}
