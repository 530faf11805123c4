/**
 * The questions of `followback init`, each with its flag. Interactive, a question is asked when
 * its flag did not answer it, and a bad answer (from the flag or typed) is explained and asked
 * again. Unattended (`--yes`, or no standard input), nothing is asked: a missing or bad answer
 * stops the command with exit code 2 (a UsageError naming the flag).
 */
import { UsageError, type CliIo } from '../cli-io.ts';
import { InputEndedError, type LineInput } from './line-input.ts';

/** An answer that does not work: said to the person, who gets another chance (interactive). */
export class AnswerError extends Error {
  override readonly name = 'AnswerError';
}

/** How many times a question is asked before giving up (a script that keeps sending bad lines). */
export const MAX_ATTEMPTS = 5;

export interface Question<T> {
  /** The flag that answers it, e.g. `--recipient` (named in unattended errors). */
  flag: string;
  /** The flag's value, when given. */
  given?: string | undefined;
  /** What is asked, e.g. `Send the report to (email)`. */
  text: string;
  /** Taken on an empty answer (shown in brackets), and unattended when the flag is absent. */
  fallback?: string;
  /** Typed without echo (a password, a token). */
  secret?: boolean;
  /** The fallback is already in `text` (y/N): not shown again in brackets. */
  fallbackShown?: boolean;
  /** Turns the text into the value, or throws AnswerError saying what is wrong. */
  parse: (text: string) => T;
}

export class Prompter {
  constructor(
    private readonly io: CliIo,
    private readonly input: LineInput | undefined,
    /** Questions may be asked (not `--yes`, and standard input is there). */
    readonly interactive: boolean,
  ) {}

  private spoke = false;

  /** Says something to the person (stdout); a leading blank line only once something was said. */
  say(text: string): void {
    this.io.stdout(`${this.spoke ? text : text.replace(/^\n+/, '')}\n`);
    this.spoke = true;
  }

  /** A problem with an answer (stderr). */
  warn(text: string): void {
    this.io.stderr(`${text}\n`);
  }

  /** The answer to `q`: from its flag, or asked (interactive), or its fallback (unattended). */
  async ask<T>(q: Question<T>): Promise<T> {
    if (q.given !== undefined) {
      try {
        return q.parse(q.given);
      } catch (err) {
        if (!(err instanceof AnswerError)) throw err;
        if (!this.interactive) throw new UsageError(`${q.flag}: ${err.message}`);
        this.warn(`${q.flag}: ${err.message}`);
      }
    } else if (!this.interactive) {
      if (q.fallback === undefined) throw new UsageError(`${q.flag} is needed (with --yes or without a terminal nothing is asked)`);
      try {
        return q.parse(q.fallback);
      } catch (err) {
        if (err instanceof AnswerError) throw new UsageError(`${q.flag}: ${err.message}`);
        throw err;
      }
    }
    return this.askTyped(q);
  }

  /** Asks `q` (interactive only), again after each bad answer; `cancel` stops waiting (another source answered). */
  async askTyped<T>(q: Question<T>, cancel?: AbortSignal): Promise<T> {
    const input = this.input;
    if (!this.interactive || input === undefined) throw new UsageError(`${q.flag} is needed (with --yes or without a terminal nothing is asked)`);
    for (let attempt = 1; ; attempt++) {
      const shown = q.fallback !== undefined && q.secret !== true && q.fallbackShown !== true ? ` [${q.fallback === '' ? 'none' : q.fallback}]` : '';
      this.io.stdout(`${q.text}${shown}: `);
      this.spoke = true;
      let text: string;
      try {
        text = (q.secret ? await input.secret() : await input.line(cancel)).trim();
      } catch (err) {
        if (err instanceof InputEndedError) throw new UsageError(`standard input ended before the answer to "${q.text}" (or pass ${q.flag})`);
        throw err;
      } finally {
        if (q.secret) this.io.stdout('\n');
      }
      if (text === '' && q.fallback !== undefined) text = q.fallback;
      try {
        return q.parse(text);
      } catch (err) {
        if (!(err instanceof AnswerError)) throw err;
        this.warn(`  ${err.message}`);
        if (attempt >= MAX_ATTEMPTS) throw new UsageError(`${q.flag}: ${err.message} (${MAX_ATTEMPTS} answers, none usable)`);
      }
    }
  }

  /** A yes/no question; `fallback` when unattended or on an empty answer. */
  async confirm(text: string, fallback: boolean): Promise<boolean> {
    if (!this.interactive) return fallback;
    return this.askTyped({
      flag: '--yes',
      text: `${text} (${fallback ? 'Y/n' : 'y/N'})`,
      fallback: fallback ? 'y' : 'n',
      fallbackShown: true,
      parse: (t) => {
        if (/^(y|yes|s|si|sì)$/i.test(t)) return true;
        if (/^(n|no)$/i.test(t)) return false;
        throw new AnswerError('answer y or n');
      },
    });
  }
}
