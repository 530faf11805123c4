/** Runs a child process for `followback deploy`; tests inject their own runner and assert what it was given. */
import { spawn } from 'node:child_process';

export interface RunRequest {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Each piece of the child's stderr as it comes (shown to the person as it runs). */
  onStderr: (text: string) => void;
}

export interface RunResult {
  /** The exit code; 130 after SIGINT, 1 after another signal or a failure to start. */
  code: number;
  /** The last part of the child's stderr, where the CDK says why it failed. */
  stderrTail: string;
}

export type ProcessRunner = (request: RunRequest) => Promise<RunResult>;

const TAIL_CHARS = 16_000;

/**
 * Spawns without a shell. stdin and stdout stay the terminal's: the CDK asks
 * for confirmation of security-related changes only when its stdout is a
 * terminal. stderr, where the CDK writes its progress and errors, is passed
 * on and its end kept.
 */
export const spawnRunner: ProcessRunner = (request) =>
  new Promise((resolve) => {
    let tail = '';
    const child = spawn(request.command, request.args, { cwd: request.cwd, env: request.env, stdio: ['inherit', 'inherit', 'pipe'] });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      request.onStderr(chunk);
      tail = (tail + chunk).slice(-TAIL_CHARS);
    });
    child.on('error', (err) => resolve({ code: 1, stderrTail: `${tail}\n${err.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : 1), stderrTail: tail }));
  });
