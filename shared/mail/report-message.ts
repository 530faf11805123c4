/** A rendered report as one raw e-mail: the same message SES sends and the outbox saves. */
import { strToU8, zipSync } from 'fflate';
import type { Envelope, RenderedReport } from '../ports/mailer.ts';
import { csvBytesOf } from '../report/csv-bytes.ts';
import { buildMimeMessage, type MimeAttachment } from './mime.ts';

/**
 * Above this size the CSV rides zipped. SES takes at most 10 MB of raw message
 * and Gmail 25 MB; an attachment grows by a third in base64. A CSV of 100,000
 * contacts is about 12.6 MB: 17 MB as sent plain, about 3 MB zipped. Windows,
 * macOS and every spreadsheet host open a .zip without extra software.
 */
export const CSV_ZIP_ABOVE_BYTES = 2 * 1024 * 1024;

export function reportMessage(report: RenderedReport, envelope: Envelope, date: Date): Promise<string> {
  return buildMimeMessage({
    from: envelope.from,
    to: envelope.to,
    subject: report.subject,
    text: report.text,
    html: report.html,
    attachments: [csvAttachment(report.baseName, csvBytesOf(report), date)],
    date,
  });
}

/** The CSV (text, or its UTF-8 bytes) as it is, or zipped (one entry, `<baseName>.csv`, deflated) when it is big. */
export function csvAttachment(baseName: string, csv: string | Uint8Array, date: Date): MimeAttachment {
  const filename = `${baseName}.csv`;
  const bytes = typeof csv === 'string' ? strToU8(csv) : csv;
  if (bytes.byteLength <= CSV_ZIP_ABOVE_BYTES) return { filename, contentType: 'text/csv; charset=utf-8', content: bytes };
  const zipped = zipSync({ [filename]: [bytes, { level: 6, mtime: date }] });
  return { filename: `${filename}.zip`, contentType: 'application/zip', content: zipped };
}
