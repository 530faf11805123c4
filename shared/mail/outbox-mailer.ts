/**
 * Local delivery: the CLI writes the e-mail (.eml, openable in any mail client)
 * and the report (.html, .txt, .json, .csv) to a folder instead of sending it.
 * Owner-only: 0600 files in a 0700 folder (see ./file-set.ts).
 */
import type { DeliveryResult, Envelope, Mailer, RenderedReport } from '../ports/mailer.ts';
import { writeFileSet } from './file-set.ts';
import type { FileSetEntry, FileSetOptions } from './file-set.ts';
import { reportMessage } from './report-message.ts';

export interface OutboxMailerOptions {
  dir: string;
  /** Clock for the .eml Date header. */
  now?: () => Date;
  /** Told (one line) when an existing outbox folder was open to other users and has been made owner-only. */
  onNotice?: (message: string) => void;
}

export class OutboxMailer implements Mailer {
  readonly #dir: string;
  readonly #now: () => Date;
  readonly #fileSet: FileSetOptions;

  constructor(options: OutboxMailerOptions) {
    this.#dir = options.dir;
    this.#now = options.now ?? (() => new Date());
    this.#fileSet = options.onNotice ? { onNotice: options.onNotice } : {};
  }

  async deliver(report: RenderedReport, envelope: Envelope): Promise<DeliveryResult> {
    // Built before touching the disk: a bad envelope fails without leaving files.
    const eml = await reportMessage(report, envelope, this.#now());
    const files = await writeFileSet(this.#dir, report.baseName, [{ ext: '.eml', content: eml }, ...reportEntries(report)], this.#fileSet);
    return { kind: 'outbox', ref: this.#dir, files };
  }
}

/** The report files without the e-mail, for dry runs. Returns the paths written. */
export function writeReportFiles(dir: string, report: RenderedReport, options: FileSetOptions = {}): Promise<string[]> {
  return writeFileSet(dir, report.baseName, reportEntries(report), options);
}

function reportEntries(report: RenderedReport): FileSetEntry[] {
  return [
    { ext: '.html', content: report.html },
    { ext: '.txt', content: report.text },
    { ext: '.json', content: report.json },
    { ext: '.csv', content: report.csv },
  ];
}
