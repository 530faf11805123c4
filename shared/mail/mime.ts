/**
 * Builds the raw RFC 5322 message SES sends with SendRawEmail (and the outbox
 * saves as .eml): multipart/mixed holding multipart/alternative (text, HTML)
 * and the CSV attachment. Nodemailer's MailComposer writes the structure, the
 * Date/Message-ID/MIME headers, quoted-printable and base64 bodies and the
 * attachment headers.
 *
 * Subject, From and To are encoded here, with nodemailer's own RFC 2047
 * encoder and line folder, because its heuristics leave gaps for untrusted text
 * (covered by test/integration/mail/header-safety.test.ts): a long run of ASCII
 * without spaces is emitted as one unfoldable line (a 10 kB profile name gives
 * a 10 kB header line, past RFC 5322's 998), a subject that happens to look
 * like an encoded word (`=?UTF-8?B?SGk=?=`) is passed through, so a reader
 * decodes it into something else, and an ASCII display name becomes a quoted
 * string that cannot fold. Here anything that is not plain short ASCII words
 * becomes base64 encoded words, which fold anywhere and decode back exactly.
 *
 * Line breaks and NUL in a subject or display name are refused (they can only
 * be an injection attempt or a bug upstream: the report's subject builder
 * already flattens them); other control characters become spaces and lone
 * surrogates U+FFFD (`normaliseHeaderText`).
 */
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeWord, foldLines } from 'nodemailer/lib/mime-funcs';

export interface MimeAttachment {
  filename: string;
  /** e.g. `text/csv; charset=utf-8` */
  contentType: string;
  content: string | Uint8Array;
}

/** A bare address (`reports@example.com`), or one with a display name. */
export type MimeAddress = string | { name: string; address: string };

export interface MimeMessageInput {
  from: MimeAddress;
  to: MimeAddress[];
  subject: string;
  text: string;
  html: string;
  attachments?: MimeAttachment[];
  /** The Date header; defaults to now. */
  date?: Date;
  /** Without angle brackets; defaults to a random id at the sender's domain. */
  messageId?: string;
  /** Base of the multipart boundaries; defaults to random. Injectable for byte-stable fixtures. */
  boundary?: string;
}

/** A header value that would let an attacker (or a bad config) write extra headers. */
export class MimeHeaderError extends Error {
  override name = 'MimeHeaderError';
}

// Addresses come from config (validated there as e-mail addresses); this only guards the header syntax.
const ADDRESS = /^[^\s\x00-\x1f\x7f<>()",;:\\@]{1,64}@[A-Za-z0-9.-]{1,253}$/;
const FILENAME = /^[A-Za-z0-9._-]{1,200}$/;
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(;\s*[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*$/;
/** Printable ASCII words separated by single spaces, none longer than fits a folded line, no encoded-word look-alike. */
const PLAIN_SUBJECT = /^(?!.*=\?)[\x21-\x7e]{1,66}( [\x21-\x7e]{1,66})*$/;
/** A display name that needs neither quoting nor encoding (RFC 5322 atoms). */
const PLAIN_NAME = /^[A-Za-z0-9]{1,40}( [A-Za-z0-9]{1,40}){0,5}$/;
/** nodemailer's `maxLength` for one encoded word: short enough that "Subject: " plus a word stays under 78 columns. */
const WORD_LENGTH = 52;

/**
 * What a subject or display name becomes in the header (its decoded text):
 * control characters (C0 but CR/LF/NUL, which are refused, DEL, C1) turn into
 * spaces, and a lone UTF-16 surrogate, which has no UTF-8 form, into U+FFFD.
 */
export function normaliseHeaderText(value: string): string {
  return value
    .replace(/[\u0001-\u001f\u007f-\u009f]/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export async function buildMimeMessage(input: MimeMessageInput): Promise<string> {
  const from = checkAddress(input.from, 'from');
  if (input.to.length === 0) throw new MimeHeaderError('to: at least one recipient is required');
  const to = input.to.map((a, i) => checkAddress(a, `to[${i}]`));
  const subject = checkHeaderText(input.subject, 'subject');
  if (subject === '') throw new MimeHeaderError('subject: must not be empty');
  const messageId = input.messageId ?? `${Date.now().toString(36)}.${randomBytes(12).toString('hex')}@${from.address.slice(from.address.lastIndexOf('@') + 1)}`;
  if (!/^[^<>\s@\x00-\x1f\x7f]{1,200}@[^<>\s@\x00-\x1f\x7f]{1,253}$/.test(messageId)) {
    throw new MimeHeaderError('messageId: expected "local@domain" without angle brackets, spaces or line breaks');
  }
  const date = input.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new MimeHeaderError('date: not a valid date');
  if (input.boundary !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(input.boundary)) {
    throw new MimeHeaderError('boundary: use letters, digits, "_" and "-" only (max 40)');
  }
  const attachments = (input.attachments ?? []).map((a, i) => {
    if (!FILENAME.test(a.filename)) throw new MimeHeaderError(`attachments[${i}].filename: use letters, digits, ".", "_" and "-" only (max 200)`);
    if (!MEDIA_TYPE.test(a.contentType)) {
      throw new MimeHeaderError(`attachments[${i}].contentType: not a plain media type such as "text/csv; charset=utf-8"`);
    }
    return {
      filename: a.filename,
      contentType: a.contentType,
      content: typeof a.content === 'string' ? a.content : Buffer.from(a.content),
      contentTransferEncoding: 'base64',
    };
  });

  const composer = new MailComposer({
    headers: {
      Subject: { prepared: true, foldLines: true, value: PLAIN_SUBJECT.test(subject) ? subject : encodeWord(subject, 'B', WORD_LENGTH) },
    },
    text: input.text,
    html: input.html,
    // Text that needs encoding (accents, long lines) stays readable as quoted-printable rather than base64.
    textEncoding: 'quoted-printable',
    attachments,
    date,
    messageId: `<${messageId}>`,
    ...(input.boundary !== undefined ? { baseBoundary: input.boundary } : {}),
    // SMTP and SES want CRLF line ends everywhere, the rendered text has LF.
    newline: 'windows',
    // Every content is a string built in memory: never let an option read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const composed = (await composer.compile().build()).toString('ascii');
  // nodemailer formats address headers itself: it quotes an ASCII display name, so a long one
  // cannot be folded, and never takes a prepared From/To. These two lines are built from the
  // checked values with its encoder and folder, and go first (header order carries no meaning).
  const addressHeaders = [foldLines(`From: ${addressList([from])}`, 76), foldLines(`To: ${addressList(to)}`, 76)];
  return `${addressHeaders.join('\r\n')}\r\n${composed}`;
}

interface CheckedAddress {
  name?: string;
  address: string;
}

function addressList(addresses: CheckedAddress[]): string {
  return addresses
    .map((a) => {
      if (a.name === undefined) return a.address;
      const phrase = PLAIN_NAME.test(a.name) ? a.name : encodeWord(a.name, 'B', WORD_LENGTH);
      return `${phrase} <${a.address}>`;
    })
    .join(', ');
}

function checkHeaderText(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new MimeHeaderError(`${field}: must not contain line breaks or NUL`);
  return normaliseHeaderText(value);
}

function checkAddress(value: MimeAddress, field: string): CheckedAddress {
  const raw = typeof value === 'string' ? value : value.address;
  if (/[\r\n\0]/.test(raw)) throw new MimeHeaderError(`${field}: must not contain line breaks or NUL`);
  const address = raw.trim();
  if (!ADDRESS.test(address)) throw new MimeHeaderError(`${field}: expected a bare e-mail address such as "reports@example.com"`);
  if (typeof value === 'string' || value.name === '') return { address };
  return { name: checkHeaderText(value.name, `${field}.name`), address };
}
