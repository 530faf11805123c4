import { PutSecretValueCommand, type PutSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import type { SecretRef } from '../config/schema.ts';
import type { SecretWriter, SecretWriteTarget } from './secret-writer.ts';

/** The one call the writer makes; `SecretsManagerClient` satisfies it. */
export interface SecretsManagerPutLike {
  send(command: PutSecretValueCommand): Promise<PutSecretValueCommandOutput>;
}

export interface SecretsManagerWriterOptions {
  client: SecretsManagerPutLike;
  /** The resolver of the same run: told the new value, so its cache does not serve the old one. */
  resolver?: { remember(name: string, value: string): void };
}

/**
 * Deployed: a refreshed token becomes the new current version of the reference's own secret
 * (`PutSecretValue` with that `SecretId` only; Secrets Manager moves AWSCURRENT to it and the old
 * version to AWSPREVIOUS). The stack grants the action on the API token secrets alone.
 */
export class SecretsManagerSecretWriter implements SecretWriter {
  constructor(private readonly options: SecretsManagerWriterOptions) {}

  target(ref: SecretRef): SecretWriteTarget {
    if (ref.secretName !== undefined) return { writable: true, where: `the Secrets Manager secret "${ref.secretName}"` };
    return { writable: false, reason: `the reference has no "secretName": in AWS a refreshed token is kept in Secrets Manager; add "secretName" to the reference and redeploy` };
  }

  async write(ref: SecretRef, value: string): Promise<void> {
    const name = ref.secretName;
    if (name === undefined) throw new Error((this.target(ref) as { reason: string }).reason);
    const text = value.trim();
    if (text === '') throw new Error(`refusing to put an empty value in secret "${name}"`);
    try {
      await this.options.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: text }));
    } catch (err) {
      throw new Error(describeFailure(name, err));
    }
    this.options.resolver?.remember(name, text);
  }
}

function describeFailure(name: string, err: unknown): string {
  const code = err instanceof Error ? err.name : 'UnknownError';
  switch (code) {
    case 'AccessDeniedException':
      return `not allowed to write secret "${name}": the stack grants secretsmanager:PutSecretValue only on the API token secrets named in the bundled config; redeploy after changing the config`;
    case 'ResourceNotFoundException':
      return `secret "${name}" was not found: deploy the stack (it creates the secret)`;
    default:
      // The SDK's message never holds the value, but the code is enough and safer.
      return `cannot write secret "${name}" (${code})`;
  }
}
