import { GetSecretValueCommand, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import type { SecretRef } from '../config/schema.ts';
import type { SecretResolver } from '../ports/secrets.ts';

/**
 * What the stack stores in a secret it creates, until the owner puts the real
 * token. A generated random value would look valid and fail later at the
 * network with a confusing "unauthorised"; this one is recognised and named.
 */
export const PLACEHOLDER_SECRET_VALUE = 'followback:put-the-token-here';

/** The one call the resolver makes; `SecretsManagerClient` satisfies it. */
export interface SecretsManagerLike {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/**
 * In AWS, secrets come from Secrets Manager. Values are cached for
 * SECRET_CACHE_TTL_MS, so warm runs close together make no call, yet a token
 * the owner rotates (put-secret-value) is picked up by a warm execution
 * environment within minutes, not only at the next cold start.
 * Errors name the secret and what to do, never the value.
 */
export const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;

export interface SecretsManagerResolverOptions {
  client: SecretsManagerLike;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** How long a read value is reused; default SECRET_CACHE_TTL_MS. */
  ttlMs?: number;
}

export class SecretsManagerResolver implements SecretResolver {
  private readonly client: SecretsManagerLike;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { value: Promise<string>; expiresAt: number }>();

  constructor(options: SecretsManagerResolverOptions) {
    this.client = options.client;
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? SECRET_CACHE_TTL_MS;
  }

  resolve(ref: SecretRef): Promise<string> {
    const name = ref.secretName;
    if (name === undefined) {
      return Promise.reject(
        new Error(
          `the secret reference ${describeLocalRef(ref)} has no "secretName": in AWS, tokens come from Secrets Manager; add "secretName" to the reference in the config and redeploy`,
        ),
      );
    }
    const now = this.now();
    const cached = this.cache.get(name);
    if (cached !== undefined && now < cached.expiresAt) return cached.value;
    const entry = { value: this.fetch(name), expiresAt: now + this.ttlMs };
    this.cache.set(name, entry);
    // A failure is not cached: the owner may put the value and the next run should see it.
    entry.value.catch(() => {
      if (this.cache.get(name) === entry) this.cache.delete(name);
    });
    return entry.value;
  }

  /**
   * A value this process has just written (a refreshed token, ./secrets-manager-writer.ts): a warm
   * execution environment must not serve the old one from its cache, above all X's rotated refresh
   * token, which X refuses once it has been used.
   */
  remember(name: string, value: string): void {
    this.cache.set(name, { value: Promise.resolve(value), expiresAt: this.now() + this.ttlMs });
  }

  private async fetch(name: string): Promise<string> {
    let output: GetSecretValueCommandOutput;
    try {
      output = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
    } catch (err) {
      throw new Error(describeFailure(name, err));
    }
    const value = output.SecretString?.trim();
    if (value === undefined || value === '') {
      throw new Error(`secret "${name}" has no text value: put the token with "aws secretsmanager put-secret-value --secret-id ${name} --secret-string <token>"`);
    }
    if (value === PLACEHOLDER_SECRET_VALUE) {
      throw new Error(`secret "${name}" still holds the placeholder the stack created: put the token with "aws secretsmanager put-secret-value --secret-id ${name} --secret-string <token>"`);
    }
    return value;
  }
}

function describeFailure(name: string, err: unknown): string {
  const code = err instanceof Error ? err.name : 'UnknownError';
  switch (code) {
    case 'ResourceNotFoundException':
      return `secret "${name}" was not found (or has no current value): deploy the stack, then put the token with "aws secretsmanager put-secret-value --secret-id ${name} --secret-string <token>"`;
    case 'AccessDeniedException':
      return `not allowed to read secret "${name}": the stack grants read access only to the secrets named in the bundled config; redeploy after changing the config`;
    case 'DecryptionFailure':
      return `secret "${name}" cannot be decrypted with its KMS key (DecryptionFailure)`;
    default:
      // The SDK's message never contains the secret value, but it is kept out anyway: the code is enough.
      return `cannot read secret "${name}" (${code})`;
  }
}

/** `{"env":"IG_TOKEN"}` / `{"file":"secrets/ig"}`: the local parts of a reference, for messages (never a value). */
function describeLocalRef(ref: SecretRef): string {
  const parts: Record<string, string> = {};
  if (ref.env !== undefined) parts['env'] = ref.env;
  if (ref.file !== undefined) parts['file'] = ref.file;
  return Object.keys(parts).length === 0 ? '{"env":"?"}' : JSON.stringify(parts);
}
