/**
 * Writing a secret back where it was read from: a refreshed API token (Instagram and Threads every
 * week or so; X at every refresh, since X's refresh tokens rotate) must replace the old one, or the
 * next run would use a token that has expired or that X no longer accepts.
 *
 * Two adapters, one per place a run reads its secrets from:
 *  - deployed (the Lambda reads Secrets Manager): `PutSecretValue` on the reference's `secretName`
 *    (./secrets-manager-writer.ts); the stack grants it on the API token secrets only;
 *  - local (the CLI reads files and the environment): the reference's `file`, replaced atomically,
 *    readable by its owner only (./file-secrets.ts).
 * An `env` reference cannot be written back: followback cannot change its caller's environment.
 *
 * Messages name the variable, the file or the secret, never the value.
 */
import type { SecretRef } from '../config/schema.ts';
import { secretFilePath, writeSecretFile } from './file-secrets.ts';

/** Where a new value of a reference would be written, or why it cannot be. */
export type SecretWriteTarget = { writable: true; where: string } | { writable: false; reason: string };

export interface SecretWriter {
  /** Where `ref`'s new value would go in this run's environment (no I/O). */
  target(ref: SecretRef): SecretWriteTarget;
  /** Replaces the secret's value; throws (naming the place, never the value) when it cannot. */
  write(ref: SecretRef, value: string): Promise<void>;
}

/** Why an `env` reference is not refreshed (the same words whichever network). */
export function envNotWritable(variable: string): string {
  return `the token is read from $${variable}, which followback cannot update: use a file or Secrets Manager reference so it is refreshed`;
}

/**
 * Local runs: a `file` reference (relative to the config file's folder) is rewritten atomically,
 * mode 0600. The resolver reads a reference's file before its variable, so a reference with both
 * is written to the file it was read from.
 */
export class FileSecretWriter implements SecretWriter {
  constructor(private readonly options: { configDir: string }) {}

  target(ref: SecretRef): SecretWriteTarget {
    if (ref.file !== undefined) return { writable: true, where: `the file ${secretFilePath(this.options.configDir, ref.file)}` };
    if (ref.env !== undefined) return { writable: false, reason: envNotWritable(ref.env) };
    return { writable: false, reason: `the secret "${ref.secretName ?? '?'}" is in Secrets Manager, which a local run does not write: add "file": "secrets/NAME" to the reference so it is refreshed locally` };
  }

  async write(ref: SecretRef, value: string): Promise<void> {
    const target = this.target(ref);
    if (!target.writable || ref.file === undefined) throw new Error(target.writable ? 'no file to write' : target.reason);
    await writeSecretFile(secretFilePath(this.options.configDir, ref.file), value);
  }
}
