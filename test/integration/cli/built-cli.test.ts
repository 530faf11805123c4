/**
 * The built command (issue 18, point 2): functions/cli.ts bundled by
 * infra/scripts/build-cli.ts runs with plain `node` (no tsx), from a folder
 * outside the repository, and finds what it reads at run time: the DynamoDB
 * Local launcher beside its chunk and the jar in node_modules (a real
 * DynamoDB Local on 127.0.0.1 is started through it), and, for `deploy`, the
 * clone's CDK app and aws-cdk-lib (a dry run only: nothing is deployed).
 *
 * The build goes to node_modules/.cache/followback/ (inside the clone, as
 * dist/ is, so node_modules resolves the same way) and is removed afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../../../infra/scripts/build-cli.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

let built: BuiltCli;
let cwd: string;

beforeAll(async () => {
  const cache = join(ROOT, 'node_modules', '.cache', 'followback');
  await mkdir(cache, { recursive: true });
  built = await buildCli({ outDir: await mkdtemp(join(cache, 'cli-test-')) });
  cwd = await mkdtemp(join(tmpdir(), 'fb-built-cli-'));
}, 120_000);

afterAll(async () => {
  if (built !== undefined) await rm(built.outDir, { recursive: true, force: true });
  if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
});

/** `node <built bin> ...argv` in the temporary folder, with a plain environment (no tsx, no npm). */
function followback(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [built.bin, ...argv],
      { cwd, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, ...env }, timeout: 90_000 },
      (err, stdout, stderr) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

describe('the built followback command', () => {
  it('is one executable JavaScript entry with its chunks, the launcher beside the chunk that reads it, and no tsx', async () => {
    const text = await readFile(built.bin, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(built.files).toContain('cli.js');
    expect(built.files.filter((f) => f.endsWith('LoopbackDynamoDB.java'))).toHaveLength(1);
    for (const file of built.files.filter((f) => f.endsWith('.js'))) {
      expect(await readFile(join(built.outDir, file), 'utf8'), file).not.toMatch(/from\s*["']tsx|import\(["']tsx/);
    }
  });

  it('--version, --help and a command\'s --help, from a folder outside the repository', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await followback(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = await followback(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: followback <command> [options]');
    const deployHelp = await followback(['deploy', '--help']);
    expect(deployHelp.code).toBe(0);
    expect(deployHelp.stdout).toMatch(/^Usage: followback deploy/);
    expect(deployHelp.stdout).toContain('Examples:');
  });

  it('keeps the exit codes: no command 2, unknown command 2, a bad flag 2, a valid config 0', async () => {
    expect((await followback([])).code).toBe(2);
    expect((await followback(['rn'])).code).toBe(2);
    expect((await followback(['run', '--bogus'])).code).toBe(2);
    const valid = await followback(['validate', '--config', join(ROOT, 'followback.config.example.json')]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('valid (1 profile)');
  });

  it('starts DynamoDB Local through the launcher and the jar it finds (keep --list --demo)', async () => {
    const out = await followback(['keep', '--list', '--demo']);
    expect(out.stderr).toContain('on 127.0.0.1 only');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('(config allowlist)');
  }, 120_000);

  it('deploy --dry-run finds the clone and its CDK app, checks the config with the stack\'s checks, runs nothing', async () => {
    const config = JSON.parse(await readFile(join(ROOT, 'followback.config.example.json'), 'utf8')) as Record<string, unknown>;
    const path = join(cwd, 'followback.config.json');
    await writeFile(path, JSON.stringify(config));
    const out = await followback(['deploy', '--dry-run'], { AWS_REGION: 'eu-west-1' });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`would run, in ${ROOT.replace(/\/$/, '')}:\n`);
    expect(out.stdout).toContain(`npx cdk deploy Followback -c config=${path}\n`);
    // The stack's own checks ran (they come with aws-cdk-lib from the clone): a sender outside sesIdentity is refused.
    const profiles = config['profiles'] as { report: { sender: string } }[];
    (profiles[0] as { report: { sender: string } }).report.sender = 'me@elsewhere.example';
    await writeFile(path, JSON.stringify(config));
    const refused = await followback(['deploy', '--dry-run'], { AWS_REGION: 'eu-west-1' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not covered by deploy.sesIdentity');
  }, 60_000);
});
