import { describe, expect, it } from 'vitest';
import { buildMimeMessage, MimeHeaderError } from '../../../shared/mail/mime.ts';
import { decodeQuotedPrintable, multipartChildren, splitPart } from '../../unit/report/parse-helpers.ts';
import { decodeHeaderText, headerParams, parseHeaderBlock } from './header-parser.ts';

const base = {
  from: 'reports@example.com',
  to: ['owner@example.com', 'team@example.org'],
  subject: 'followback · demo: 3 to unfollow, 1 to follow back',
  text: 'Plain part: café, naïve, 100% sure = yes.\nSecond line.',
  html: `<p>HTML part with a long line ${'x'.repeat(300)} and é</p>`,
  attachments: [{ filename: 'followback-demo-2026-11-25.csv', contentType: 'text/csv; charset=utf-8', content: 'key,handle\r\ndemo:1,"Zoë, the ""best"""\r\n' }],
  date: new Date('2026-11-25T08:00:00Z'),
};

describe('MIME message (nodemailer MailComposer)', async () => {
  const raw = await buildMimeMessage(base);
  const message = splitPart(raw);

  it('has the RFC 5322 headers: From, To, Subject, Date, Message-ID, MIME-Version', () => {
    expect(message.headers['from']).toBe('reports@example.com');
    expect(message.headers['to']).toBe('owner@example.com, team@example.org');
    expect(decodeHeaderText(message.headers['subject'] ?? '')).toBe(base.subject);
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
    // Quoting a token parameter is optional (RFC 2045); compare the parameters, not the spelling.
    expect(headerParams(attachment?.headers['content-disposition'] ?? '')).toEqual({ value: 'attachment', params: { filename: 'followback-demo-2026-11-25.csv' } });
    expect(headerParams(attachment?.headers['content-type'] ?? '')).toEqual({ value: 'text/csv', params: { charset: 'utf-8', name: 'followback-demo-2026-11-25.csv' } });
    expect(attachment?.headers['content-transfer-encoding']).toBe('base64');
    expect(Buffer.from(attachment!.body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(base.attachments[0]!.content);
  });

  it('uses CRLF line ends only and keeps every line within 78 characters', () => {
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
    expect(raw).toMatch(/^[\x00-\x7F]*$/);
  });

  it('encodes an Italian subject with accents and emoji as RFC 2047 words that decode back exactly, folded within 78 columns', async () => {
    const subject = 'followback · profilo: 42 da non seguire più, 7 da ricambiare — ciao 👋 '.repeat(2).trim();
    const headers = parseHeaderBlock(await buildMimeMessage({ ...base, subject }));
    const [field, ...others] = headers.all('subject');
    expect(others).toHaveLength(0);
    expect(field?.raw).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeHeaderText(field?.raw ?? '')).toBe(subject);
    for (const line of headers.lines) expect(line.length, line).toBeLessThanOrEqual(78);
  });

  it('quoted-printable bodies round-trip "=", trailing spaces and long lines', async () => {
    const text = 'a = b  \n.hidden\n' + 'é'.repeat(100);
    const raw = await buildMimeMessage({ ...base, text });
    const [alternative] = multipartChildren(splitPart(raw));
    const [plain] = multipartChildren(alternative!);
    for (const line of plain!.body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQuotedPrintable(plain!.body)).toBe(text);
  });

  it('is byte-for-byte the same given the same date, Message-ID and boundary', async () => {
    const fixed = { ...base, messageId: 'fixed.1@example.com', boundary: 'fixture' };
    const first = await buildMimeMessage(fixed);
    expect(await buildMimeMessage(fixed)).toBe(first);
    expect(first).toContain('Message-ID: <fixed.1@example.com>\r\n');
    expect(splitPart(first).headers['content-type']).toMatch(/boundary="[^"]*fixture[^"]*"/);
    expect(await buildMimeMessage(base)).not.toBe(await buildMimeMessage(base));
  });

  it('rejects line breaks in the subject or addresses, which would inject headers', async () => {
    await expect(buildMimeMessage({ ...base, subject: 'Hi\r\nBcc: everyone@example.com' })).rejects.toThrow(/subject: must not contain line breaks/);
    await expect(buildMimeMessage({ ...base, to: ['owner@example.com', 'x@example.com\nBcc: y@example.com'] })).rejects.toThrow(/to\[1\]/);
    await expect(buildMimeMessage({ ...base, from: 'Evil <evil@example.com>' })).rejects.toThrow(MimeHeaderError);
    await expect(buildMimeMessage({ ...base, from: { name: 'Evil\r\nBcc: x@example.com', address: 'evil@example.com' } })).rejects.toThrow(/from\.name: must not contain line breaks/);
    await expect(buildMimeMessage({ ...base, to: [] })).rejects.toThrow(/at least one recipient/);
    await expect(buildMimeMessage({ ...base, subject: '' })).rejects.toThrow(/subject: must not be empty/);
    await expect(buildMimeMessage({ ...base, attachments: [{ ...base.attachments[0]!, filename: 'a"; x=".csv' }] })).rejects.toThrow(/attachments\[0\]\.filename/);
  });
});
