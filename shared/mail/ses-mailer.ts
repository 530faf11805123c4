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
}

export class SesMailer implements Mailer {
  readonly #client: SESClient;
  readonly #configurationSet: string | undefined;
  readonly #now: () => Date;

  constructor(options: SesMailerOptions) {
    this.#client = options.client;
    this.#configurationSet = options.configurationSet;
    this.#now = options.now ?? (() => new Date());
  }

  async deliver(report: RenderedReport, envelope: Envelope): Promise<DeliveryResult> {
    const raw = Buffer.from(await reportMessage(report, envelope, this.#now()), 'utf8');
    const recipients = `${envelope.to.length} recipient${envelope.to.length === 1 ? '' : 's'}`;
    if (raw.byteLength > SES_MAX_MESSAGE_BYTES) {
      throw new Error(
        `SES SendRawEmail to ${recipients} not attempted: the message is ${(raw.byteLength / 1048576).toFixed(1)} MB and SES accepts at most 10 MB (the CSV attachment is too big even zipped: deliver to the outbox)`,
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
