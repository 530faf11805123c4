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
    let raw = Buffer.from(await reportMessage(report, envelope, date), 'utf8');
    const full = raw.byteLength;
    // Every contact zipped is too big past a few hundred thousand (a million: 17 MB): the contacts the
    // email's sections name still go, and the footer says the attachment holds only them.
    if (full > this.#maxBytes && report.sectionsOnly) raw = Buffer.from(await reportMessage(report.sectionsOnly(), envelope, date), 'utf8');
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
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}
