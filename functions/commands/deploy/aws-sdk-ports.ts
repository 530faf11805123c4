/** The AWS SDK behind deploy's interfaces (aws-ports.ts). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetIdentityVerificationAttributesCommand, GetSendQuotaCommand, SESClient } from '@aws-sdk/client-ses';
import { NoCredentialsError, NoRegionError, secretStateFromStages, type DeployAws, type SecretState, type VerificationStatus } from './aws-ports.ts';

/** The sandbox's 24-hour sending quota; production access raises it. */
const SANDBOX_MAX_24_HOUR_SEND = 200;
/** GetIdentityVerificationAttributes takes up to 100 identities a call. */
const IDENTITIES_PER_CALL = 100;

/**
 * `region`: --region, else the SDK's own resolution (AWS_REGION, the AWS profile's region), as the CDK's;
 * `profile`: --aws-profile, else AWS_PROFILE or the default profile.
 */
export function sdkDeployAws(options: { region?: string; profile?: string } = {}): DeployAws {
  const profile = options.profile !== undefined ? { profile: options.profile } : {};
  const fixed = { ...profile, ...(options.region !== undefined ? { region: options.region } : {}) };
  return {
    session: {
      async region() {
        const client = new CloudFormationClient(fixed);
        try {
          return await client.config.region();
        } catch (err) {
          throw new NoRegionError(err instanceof Error ? err.message : String(err));
        } finally {
          client.destroy();
        }
      },
      async credentials() {
        const client = new CloudFormationClient(fixed);
        try {
          await client.config.credentials();
        } catch (err) {
          throw new NoCredentialsError(err instanceof Error ? err.message : String(err));
        } finally {
          client.destroy();
        }
      },
    },
    stacks(r) {
      const client = new CloudFormationClient({ ...profile, region: r });
      return {
        async describe(stackName) {
          try {
            const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
            const stack = out.Stacks?.[0];
            if (stack === undefined) return undefined;
            const outputs: Record<string, string> = {};
            for (const o of stack.Outputs ?? []) if (o.OutputKey !== undefined && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
            return { status: stack.StackStatus ?? 'UNKNOWN', outputs };
          } catch (err) {
            // CloudFormation says "Stack with id X does not exist" as a ValidationError.
            if (err instanceof Error && /does not exist/i.test(err.message)) return undefined;
            throw err;
          }
        },
      };
    },
    ses(r) {
      const client = new SESClient({ ...profile, region: r });
      return {
        async verification(identities) {
          const statuses = new Map<string, VerificationStatus>();
          for (let i = 0; i < identities.length; i += IDENTITIES_PER_CALL) {
            const batch = identities.slice(i, i + IDENTITIES_PER_CALL);
            const out = await client.send(new GetIdentityVerificationAttributesCommand({ Identities: batch }));
            for (const identity of batch) {
              const status = out.VerificationAttributes?.[identity]?.VerificationStatus;
              statuses.set(identity, (status ?? 'NotFound') as VerificationStatus);
            }
          }
          return statuses;
        },
        async inSandbox() {
          const quota = await client.send(new GetSendQuotaCommand({}));
          return quota.Max24HourSend === undefined ? undefined : quota.Max24HourSend <= SANDBOX_MAX_24_HOUR_SEND;
        },
      };
    },
    secrets(r) {
      const client = new SecretsManagerClient({ ...profile, region: r });
      return {
        async state(secretName): Promise<SecretState> {
          try {
            const out = await client.send(new DescribeSecretCommand({ SecretId: secretName }));
            return secretStateFromStages(out.VersionIdsToStages);
          } catch (err) {
            if (err instanceof Error && err.name === 'ResourceNotFoundException') return 'missing';
            throw err;
          }
        },
      };
    },
  };
}
