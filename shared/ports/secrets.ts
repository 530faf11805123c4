import type { SecretRef } from '../config/schema.ts';

/** Resolves a secret reference; errors name the reference (env var / secret name), never the value. */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}
