import type { SecretRef } from '../config/schema.ts';
import type { SecretResolver } from '../ports/secrets.ts';

/** Local runs: secrets come from environment variables named in the config. */
export class EnvSecretResolver implements SecretResolver {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  async resolve(ref: SecretRef): Promise<string> {
    if (ref.env === undefined) {
      throw new Error(`secret "${ref.secretName ?? '?'}" is a Secrets Manager reference; locally, add "env": "VAR_NAME" to the reference and set that variable`);
    }
    const value = this.env[ref.env];
    if (value === undefined || value.trim() === '') {
      throw new Error(`environment variable ${ref.env} is not set (it should hold the secret)`);
    }
    return value.trim();
  }
}
