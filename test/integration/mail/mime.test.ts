import { describe, expect, it } from 'vitest';
import { buildMimeMessage, MimeHeaderError } from '../../../shared/mail/mime.ts';
import { encodeHeaderText, encodeQuotedPrintable } from '../../../shared/mail/mime-encoding.ts';
import { decodeEncodedWords, decodeQuotedPrintable, multipartChildren, splitPart } from '../../unit/report/parse-helpers.ts';

const base = {
  from: 'reports@example.com',
  to: ['owner@example.com', 'team@example.org'],
  subject: 'followback · demo: 3 to unfollow, 1 to follow back',
  text: 'Plain part: café, naïve, 100% sure = yes.\nSecond line.',
  html: `<p>HTML part with a long line ${'x'.repeat(300)} and é</p>`,
  attachments: [{ filename: 'followback-demo-2026-11-25.csv', contentType: 'text/csv; charset=utf-8', content: 'key,handle\r\ndemo:1,"Zoë, the ""best"""\r\n' }],
  date: new Date('2026-11-25T08:00:00Z'),
};

describe('MIME message', () => {
  const raw = buildMimeMessage(base);
  const message = splitPart(raw);

  it('has the RFC 5322 headers: From, To, Subject, Date, Message-ID, MIME-Version', () => {
    expect(message.headers['from']).toBe('reports@example.com');
    expect(message.headers['to']).toBe('owner@example.com, team@example.org');
    expect(decodeEncodedWords(message.headers['subject'] ?? '')).toBe(base.subject);
    expect(message.headers['date']).toBe('Wed, 25 Nov 2026 08:00:00 +0000');
    expect(message.headers['message-id']).toMatch(/^<[^<>@\s]+@example\.com>$/);
    expect(message.headers['mime-version']).toBe('1.0');
    expect(message.headers['content-type']).toMatch(/^multipart\/mixed; boundary="/);
  });

  it('nests text and HTML in multipart/alternative, then the CSV as a base64 attachment', () => {
    const [alternative, attachment, ...rest] = multipartChildren(message);
    expect(rest).toHaveLength(0);
    const [text, html] = multipartChildren(alternative!);
    expect(text?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text?.headers['content-transfer-encoding']).toBe('quoted-printable');
    expect(decodeQuotedPrintable(text!.body)).toBe(base.text);
    expect(html?.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(decodeQuotedPrintable(html!.body)).toBe(base.html);
    expect(attachment?.headers['content-disposition']).toBe('attachment; filename="followback-demo-2026-11-25.csv"');
    expect(attachment?.headers['content-type']).toBe('text/csv; charset=utf-8; name="followback-demo-2026-11-25.csv"');
    expect(attachment?.headers['content-transfer-encoding']).toBe('base64');
    expect(Buffer.from(attachment!.body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(base.attachments[0]!.content);
  });

  it('uses CRLF line ends only and keeps every line within 78 characters', () => {
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
    expect(raw).toMatch(/^[\x00-\x7F]*$/);
  });

  it('encodes a non-ASCII subject as RFC 2047 words that decode back exactly', () => {
    const subject = 'followback · profilo: 42 da non seguire più, 7 da ricambiare — ciao 👋 '.repeat(2).trim();
    const encoded = encodeHeaderText(subject, 'Subject'.length);
    expect(encoded).toMatch(/^=\?UTF-8\?B\?/);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78 - 9);
    expect(decodeEncodedWords(encoded.replace(/\r\n /g, ' '))).toBe(subject);
  });

  it('quoted-printable round-trips and escapes "=", trailing spaces and a leading dot', () => {
    const text = 'a = b  \n.hidden\n' + 'é'.repeat(100);
    const qp = encodeQuotedPrintable(text);
    expect(qp).toContain('a =3D b =20');
    expect(qp).toContain('\r\n=2Ehidden');
    for (const line of qp.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQuotedPrintable(qp)).toBe(text);
  });

  it('rejects line breaks in the subject or addresses, which would inject headers', () => {
    expect(() => buildMimeMessage({ ...base, subject: 'Hi\r\nBcc: everyone@example.com' })).toThrow(/subject: must not contain line breaks/);
    expect(() => buildMimeMessage({ ...base, to: ['owner@example.com', 'x@example.com\nBcc: y@example.com'] })).toThrow(/to\[1\]/);
    expect(() => buildMimeMessage({ ...base, from: 'Evil <evil@example.com>' })).toThrow(MimeHeaderError);
    expect(() => buildMimeMessage({ ...base, to: [] })).toThrow(/at least one recipient/);
    expect(() => buildMimeMessage({ ...base, attachments: [{ ...base.attachments[0]!, filename: 'a"; x=".csv' }] })).toThrow(/attachments\[0\]\.filename/);
  });
});
