/** What a command needs from the process, so tests can run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** True when stderr is a terminal (progress redraws in place). */
  isTty: boolean;
  /** Aborted on Ctrl-C: a run stops pulling and stores nothing. */
  signal?: AbortSignal;
  /**
   * Standard input, for the commands that ask questions (`init`) or read a value (`secrets set`);
   * `process.stdin` in the CLI. Absent: nothing can be read, every answer must come from a flag. On a
   * terminal `isTTY` is true and `setRawMode` lets a password be typed without being echoed.
   */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/** Bad input (flags, config, snapshot files): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** Another run of the profile holds its lease (maybe a killed one): nothing was done, try again after it expires. */
export const EXIT_BUSY = 3;
