/**
 * Builds the raw RFC 5322 message SES sends with SendRawEmail (and the outbox
 * saves as .eml): multipart/mixed holding multipart/alternative (text, HTML)
 * and the CSV attachment. Headers are built only from checked values, so a
 * CR/LF smuggled into an address, subject or file name cannot add headers.
 */
import { randomBytes } from 'node:crypto';
import { encodeBase64Lines, encodeHeaderText, encodeQuotedPrintable } from './mime-encoding.ts';

const CRLF = '\r\n';

export interface MimeAttachment {
  filename: string;
  /** e.g. `text/csv; charset=utf-8` */
  contentType: string;
  content: string | Uint8Array;
}

export interface MimeMessageInput {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: MimeAttachment[];
  /** The Date header; defaults to now. */
  date?: Date;
  /** Without angle brackets; defaults to a random id at the sender's domain. */
  messageId?: string;
  /** Boundary randomness; injectable for byte-stable test fixtures. */
  random?: (bytes: number) => string;
}

/** A header value that would let an attacker (or a bad config) write extra headers. */
export class MimeHeaderError extends Error {
  override name = 'MimeHeaderError';
}

// Addresses come from config (validated there as e-mail addresses); this only guards the header syntax.
const ADDRESS = /^[^\s\x00-\x1f\x7f<>()",;:\\@]+@[A-Za-z0-9.-]+$/;
const FILENAME = /^[A-Za-z0-9._-]{1,200}$/;

export function buildMimeMessage(input: MimeMessageInput): string {
  const from = checkAddress(input.from, 'from');
  if (input.to.length === 0) throw new MimeHeaderError('to: at least one recipient is required');
  const to = input.to.map((a, i) => checkAddress(a, `to[${i}]`));
  const subject = checkHeaderText(input.subject, 'subject');
  const random = input.random ?? ((n: number) => randomBytes(n).toString('hex'));
  const messageId = input.messageId ?? `${Date.now().toString(36)}.${random(12)}@${from.slice(from.lastIndexOf('@') + 1)}`;
  checkHeaderText(messageId, 'messageId');
  if (!/^[^<>\s@]+@[^<>\s@]+$/.test(messageId)) throw new MimeHeaderError('messageId: expected "local@domain" without angle brackets');

  const mixed = `mixed_${random(12)}`;
  const alternative = `alt_${random(12)}`;
  const date = input.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new MimeHeaderError('date: not a valid date');

  const headers = [
    `From: ${from}`,
    `To: ${to.join(`,${CRLF} `)}`,
    `Subject: ${encodeHeaderText(subject, 'Subject'.length)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
  ];

  const parts: string[] = [
    [
      `Content-Type: multipart/alternative; boundary="${alternative}"`,
      '',
      `--${alternative}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      encodeQuotedPrintable(input.text),
      `--${alternative}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      encodeQuotedPrintable(input.html),
      `--${alternative}--`,
    ].join(CRLF),
  ];
  (input.attachments ?? []).forEach((a, i) => {
    if (!FILENAME.test(a.filename)) throw new MimeHeaderError(`attachments[${i}].filename: use letters, digits, ".", "_" and "-" only (max 200)`);
    if (!/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(;\s*[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*$/.test(a.contentType)) {
      throw new MimeHeaderError(`attachments[${i}].contentType: not a plain media type such as "text/csv; charset=utf-8"`);
    }
    parts.push(
      [
        `Content-Type: ${a.contentType}; name="${a.filename}"`,
        `Content-Disposition: attachment; filename="${a.filename}"`,
        'Content-Transfer-Encoding: base64',
        '',
        encodeBase64Lines(a.content),
      ].join(CRLF),
    );
  });

  return [
    ...headers,
    '',
    'This is a multipart message in MIME format.',
    ...parts.flatMap((p) => [`--${mixed}`, p]),
    `--${mixed}--`,
    '',
  ].join(CRLF);
}

function checkHeaderText(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new MimeHeaderError(`${field}: must not contain line breaks or NUL`);
  return value;
}

function checkAddress(value: string, field: string): string {
  checkHeaderText(value, field);
  const address = value.trim();
  if (!ADDRESS.test(address)) throw new MimeHeaderError(`${field}: expected a bare e-mail address such as "reports@example.com"`);
  return address;
}
