/**
 * The command's help and version (issue 18, point 2): `followback --help`
 * lists every command, `followback <command> --help` (or `help <command>`)
 * prints its usage and examples, `--version` is package.json's, and
 * docs/cli.md has a section for every command. Exit codes as before: help
 * asked for is 0, no command or an unknown one is 2.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../functions/cli-commands.ts';
import { main, VERSION } from '../../../functions/cli.ts';
import type { CliIo } from '../../../functions/commands/cli-io.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: ROOT, isTty: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('followback --version', () => {
  it("prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    for (const flag of ['--version', '-v']) expect(await cli([flag])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('followback --help', () => {
  it('lists every command with its summary, the exit codes and examples (exit 0)', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const out = await cli(argv);
      expect(out.code).toBe(0);
      for (const c of COMMANDS) expect(out.stdout).toMatch(new RegExp(`^ {2}${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      expect(out.stdout).toContain('Exit codes: 0 ok, 1 failed');
      expect(out.stdout).toContain('followback run --demo');
    }
  });

  it('no command: the same overview, exit 2 (as before)', async () => {
    const out = await cli([]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('Usage: followback <command> [options]');
  });

  it('an unknown command, or help for one: exit 2', async () => {
    const unknown = await cli(['rn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "rn"');
    const helpUnknown = await cli(['help', 'rn']);
    expect(helpUnknown.code).toBe(2);
    expect(helpUnknown.stderr).toContain('no command "rn"');
  });
});

describe.each(COMMANDS.map((c) => [c.name, c] as const))('followback %s --help', (name, command) => {
  it('prints the usage, then examples that use only the options the usage lists (exit 0, nothing run)', async () => {
    const out = await cli([name, '--help']);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.startsWith(`Usage: followback ${name}`)).toBe(true);
    const [usage, examples] = out.stdout.split('\n\nExamples:\n');
    expect(examples).toBeDefined();
    expect(command.examples.length).toBeGreaterThan(0);
    for (const example of command.examples) {
      const line = example.split('  # ')[0] as string;
      expect(examples).toContain(`  ${line}\n`);
      expect(line.startsWith(`followback ${name}`)).toBe(true);
      for (const flag of line.match(/(?<=\s)--[a-z-]+/g) ?? []) expect(usage, `${name}: ${flag}`).toContain(flag);
    }
  });

  it('-h anywhere among the arguments, and help <command>, print the same', async () => {
    const expected = (await cli([name, '--help'])).stdout;
    expect((await cli([name, '--config', 'x.json', '-h'])).stdout).toBe(expected);
    expect((await cli(['help', name])).stdout).toBe(expected);
  });
});

describe('docs/cli.md', () => {
  const doc = readFileSync(resolve(ROOT, 'docs', 'cli.md'), 'utf8');

  it('has a section for every command', () => {
    for (const c of COMMANDS) expect(doc, c.name).toMatch(new RegExp(`^## \`followback ${c.name}\``, 'm'));
  });

  it('says how to deploy in three commands', () => {
    expect(doc).toMatch(/^## Deploy in three commands$/m);
  });
});
