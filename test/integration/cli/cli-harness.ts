import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../functions/commands/cli-io.ts';
import { main } from '../../../functions/cli.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `followback <argv>` would from `cwd`. */
export async function cli(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd, isTty: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeJson(path: string, value: unknown): Promise<string> {
  await writeFile(path, JSON.stringify(value, null, 2));
  return path;
}

/** The JSON report a run left in the outbox, validated against the documented schema. */
export async function readReport(outDir: string, date: string): Promise<ReportJson> {
  const files = await readdir(outDir);
  const name = files.find((f) => f.endsWith(`-${date}.json`));
  if (!name) throw new Error(`no report for ${date} in ${outDir}: ${files.join(', ')}`);
  return ReportJson.parse(JSON.parse(await readFile(join(outDir, name), 'utf8')));
}
