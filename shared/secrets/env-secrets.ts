import type { SecretRef } from '../config/schema.ts';
import type { SecretResolver } from '../ports/secrets.ts';
import { readSecretFile, secretFilePath } from './file-secrets.ts';

export interface LocalSecretOptions {
  /** The config file's folder: `file` references are relative to it. Without it a `file` reference is refused. */
  configDir?: string;
}

/**
 * Local runs: secrets come from a file named in the config (`file`, readable by its owner only)
 * or an environment variable (`env`). When a reference has both, the file wins: it is the one
 * local kind a refreshed token can be written back to (./secret-writer.ts).
 */
export class EnvSecretResolver implements SecretResolver {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly options: LocalSecretOptions = {},
  ) {}

  async resolve(ref: SecretRef): Promise<string> {
    if (ref.file !== undefined && this.options.configDir !== undefined) {
      return readSecretFile(secretFilePath(this.options.configDir, ref.file));
    }
    if (ref.env === undefined && ref.file !== undefined) {
      throw new Error(`the secret reference {"file":"${ref.file}"} cannot be read by this command (it does not know the config file's folder); add "env": "VAR_NAME" to the reference`);
    }
    if (ref.env === undefined) {
      throw new Error(`secret "${ref.secretName ?? '?'}" is a Secrets Manager reference; locally, add "env": "VAR_NAME" (or "file": "secrets/NAME") to the reference`);
    }
    const value = this.env[ref.env];
    if (value === undefined || value.trim() === '') {
      throw new Error(`environment variable ${ref.env} is not set (it should hold the secret)`);
    }
    return value.trim();
  }
}
