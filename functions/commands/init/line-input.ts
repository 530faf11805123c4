/**
 * Reading answers from standard input, one line at a time: a terminal (the person types), a pipe
 * or a test's scripted stream. A secret (an app password, a token) is read in raw mode on a
 * terminal, so what is typed is never echoed; in raw mode the terminal sends Ctrl-C as a character
 * instead of a signal, so it is caught here and stops the command like the signal would.
 */
import { StringDecoder } from 'node:string_decoder';
import type { CliIo } from '../cli-io.ts';

export type Stdin = NonNullable<CliIo['stdin']>;

/** Standard input ended before the answer came. */
export class InputEndedError extends Error {
  override readonly name = 'InputEndedError';
}

/** Ctrl-C (the signal, or the character in raw mode): the command stops and writes nothing. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('stopped by Ctrl-C');
  }
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

export class LineInput {
  private buffer = '';
  private ended = false;
  private waiter: (() => void) | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private readonly onData = (chunk: Buffer | string): void => {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.wake();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };
  private readonly onAbort = (): void => this.wake();

  constructor(
    private readonly stdin: Stdin,
    private readonly signal?: AbortSignal,
  ) {
    stdin.on('data', this.onData);
    stdin.on('end', this.onEnd);
    stdin.on('close', this.onEnd);
    signal?.addEventListener('abort', this.onAbort);
  }

  get isTty(): boolean {
    return this.stdin.isTTY === true && typeof this.stdin.setRawMode === 'function';
  }

  /**
   * The next line (without its line break). `cancel` gives up waiting without taking a line, so a
   * line typed later is still there for the next question.
   */
  async line(cancel?: AbortSignal): Promise<string> {
    for (;;) {
      this.checkInterrupt();
      if (cancel?.aborted) throw cancel.reason instanceof Error ? cancel.reason : new Error('cancelled');
      const i = this.buffer.indexOf('\n');
      if (i >= 0) {
        const line = this.buffer.slice(0, i).replace(/\r$/, '');
        this.buffer = this.buffer.slice(i + 1);
        if (line.includes(CTRL_C)) throw new InterruptedError();
        return line;
      }
      if (this.ended) {
        if (this.buffer !== '') {
          const rest = this.buffer;
          this.buffer = '';
          return rest;
        }
        throw new InputEndedError('standard input ended');
      }
      await this.wait(cancel);
    }
  }

  /** A secret: on a terminal read in raw mode (nothing echoed, Backspace works); elsewhere one line. */
  async secret(): Promise<string> {
    if (!this.isTty) return this.line();
    const stdin = this.stdin;
    stdin.setRawMode?.(true);
    try {
      let value = '';
      for (;;) {
        this.checkInterrupt();
        while (this.buffer.length > 0) {
          const ch = this.buffer[0] ?? '';
          this.buffer = this.buffer.slice(1);
          if (ch === '\r' || ch === '\n') {
            // A CR LF pair from a paste: the LF belongs to this line too.
            if (ch === '\r' && this.buffer.startsWith('\n')) this.buffer = this.buffer.slice(1);
            return value;
          }
          if (ch === CTRL_C) throw new InterruptedError();
          if (ch === CTRL_D) {
            if (value === '') throw new InputEndedError('standard input ended');
            return value;
          }
          if (BACKSPACE.has(ch)) value = [...value].slice(0, -1).join('');
          else if (ch >= ' ') value += ch;
        }
        if (this.ended) {
          if (value !== '') return value;
          throw new InputEndedError('standard input ended');
        }
        await this.wait();
      }
    } finally {
      stdin.setRawMode?.(false);
    }
  }

  /** Everything left on standard input (a value piped in: `followback secrets set mastodon < token.txt`). */
  async rest(): Promise<string> {
    while (!this.ended) {
      this.checkInterrupt();
      await this.wait();
    }
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  /** Stops listening; the stream is paused so the process can exit. */
  close(): void {
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('close', this.onEnd);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.stdin.pause();
    this.wake();
  }

  private checkInterrupt(): void {
    if (this.signal?.aborted) throw new InterruptedError();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private wait(cancel?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        cancel?.removeEventListener('abort', done);
        resolve();
      };
      this.waiter = done;
      cancel?.addEventListener('abort', done, { once: true });
    });
  }
}
