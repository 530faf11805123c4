/** Delivers the report through Amazon SES SendRawEmail, so the CSV can ride as an attachment. */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { SESClient } from '@aws-sdk/client-ses';
import type { DeliveryResult, Envelope, Mailer, RenderedReport } from '../ports/mailer.ts';
import { reportMessage } from './report-message.ts';

/** SES refuses raw messages over 10 MB (after encoding). */
export const SES_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface SesMailerOptions {
  client: SESClient;
  configurationSet?: string;
  /** Clock for the Date header. */
  now?: () => Date;
  /** The largest raw message sent (SES's limit by default; a test sets less). */
  maxMessageBytes?: number;
}

export class SesMailer implements Mailer {
  readonly #client: SESClient;
  readonly #configurationSet: string | undefined;
  readonly #now: () => Date;
  readonly #maxBytes: number;

  constructor(options: SesMailerOptions) {
    this.#client = options.client;
    this.#configurationSet = options.configurationSet;
    this.#now = options.now ?? (() => new Date());
    this.#maxBytes = options.maxMessageBytes ?? SES_MAX_MESSAGE_BYTES;
  }

  async deliver(report: RenderedReport, envelope: Envelope): Promise<DeliveryResult> {
    const date = this.#now();
    const message = async (r: RenderedReport): Promise<Buffer> => Buffer.from(await reportMessage(r, envelope, date), 'utf8');
    let raw = await message(report);
    const full = raw.byteLength;
    // Every contact zipped is too big past a few hundred thousand (a million: 17 MB): the contacts the
    // email's sections name still go, and the footer says the attachment holds only them.
    let rows = report.csvContacts;
    if (full > this.#maxBytes && report.sectionsOnly) {
      const sections = report.sectionsOnly();
      raw = await message(sections);
      rows = sections.csvContacts;
    }
    // A million followers most of whom are in a section (a first run suggesting 300,000 unfollows): even those
    // are too many. The first contacts of each section go, as many as fit, and the footer says how many. A
    // report that could not go at all would fail the run, every run, and never be stored.
    if (raw.byteLength > this.#maxBytes && report.sectionsUpTo && rows !== undefined && rows > 0) {
      const fitted = await this.#upTo(report.sectionsUpTo, message, raw.byteLength, rows);
      if (fitted !== undefined) raw = fitted;
    }
    const recipients = `${envelope.to.length} recipient${envelope.to.length === 1 ? '' : 's'}`;
    if (raw.byteLength > this.#maxBytes) {
      const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
      throw new Error(
        `SES SendRawEmail to ${recipients} not attempted: the message is ${mb(raw.byteLength)}${raw.byteLength !== full ? ` with only the contacts in the email's sections (${mb(full)} with all)` : ''} and SES accepts at most ${mb(this.#maxBytes)} (the CSV attachment is too big even zipped: deliver to the outbox)`,
      );
    }
    let messageId: string | undefined;
    try {
      const out = await this.#client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: raw },
          Source: envelope.from,
          Destinations: envelope.to,
          ...(this.#configurationSet !== undefined ? { ConfigurationSetName: this.#configurationSet } : {}),
        }),
      );
      messageId = out.MessageId;
    } catch (err) {
      // SDK errors carry a name (MessageRejected, Throttling, ...) and HTTP metadata, never credentials.
      const name = err instanceof Error ? err.name : 'UnknownError';
      const status = httpStatus(err);
      throw new Error(`SES SendRawEmail to ${recipients} failed: ${name}${status !== undefined ? ` (HTTP ${status})` : ''}`, { cause: err });
    }
    if (!messageId) throw new Error(`SES SendRawEmail to ${recipients} returned no MessageId`);
    return { kind: 'ses', ref: messageId };
  }

  /**
   * The message with as many of the sections' contacts as fit: a first guess from the bytes a row took in the
   * message that was too big (`bytes` for `rows`), then 20 % fewer until it fits. Undefined when not even the
   * message without a row fits.
   */
  async #upTo(upTo: (maxRows: number) => RenderedReport, message: (r: RenderedReport) => Promise<Buffer>, bytes: number, rows: number): Promise<Buffer | undefined> {
    const bare = await message(upTo(0));
    if (bare.byteLength > this.#maxBytes) return undefined;
    const perRow = Math.max(1, (bytes - bare.byteLength) / rows);
    let target = Math.min(rows - 1, Math.floor(((this.#maxBytes - bare.byteLength) * 0.95) / perRow));
    while (target > 0) {
      const raw = await message(upTo(target));
      if (raw.byteLength <= this.#maxBytes) return raw;
      target = Math.floor(target * 0.8);
    }
    return bare;
  }
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}
