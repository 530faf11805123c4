/** The process runner `followback deploy` runs the CDK with: stderr passed on as it comes and its end kept, the exit code. */
import { describe, expect, it } from 'vitest';
import { spawnRunner } from '../../../functions/commands/deploy/process-runner.ts';

describe('spawnRunner', () => {
  it("passes stderr on, keeps its end, gives the exit code; runs in the given folder with the given environment", async () => {
    const seen: string[] = [];
    const result = await spawnRunner({
      command: process.execPath,
      args: ['-e', "process.stderr.write(process.cwd() + ' ' + process.env.FOLLOWBACK_RUNNER_TEST); process.exit(3)"],
      cwd: '/',
      env: { FOLLOWBACK_RUNNER_TEST: 'pinned' },
      onStderr: (t) => seen.push(t),
    });
    expect(result).toEqual({ code: 3, stderrTail: '/ pinned' });
    expect(seen.join('')).toBe('/ pinned');
  });

  it('a command that cannot start is a failure with the reason', async () => {
    const result = await spawnRunner({ command: '/nonexistent/npx', args: [], cwd: '/', env: {}, onStderr: () => undefined });
    expect(result.code).toBe(1);
    expect(result.stderrTail).toContain('ENOENT');
  });
});
