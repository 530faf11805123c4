import { randomBytes } from 'node:crypto';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SES_MAX_MESSAGE_BYTES, SesMailer } from '../../../shared/mail/ses-mailer.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { startSesEmulator } from '../../helpers/ses-emulator.ts';
import type { SesEmulator } from '../../helpers/ses-emulator.ts';
import { analysis, sampleReport, sampleVerdicts, verdict } from '../../unit/report/analysis-fixture.ts';
import { csvRecords } from '../../unit/report/parse-helpers.ts';

const envelope = { from: 'reports@example.com', to: ['owner@example.com', 'team@example.org'] };

/** Records the commands instead of sending them: only for what the emulator cannot show (request fields, the raw size). */
function recordingClient(): { client: SESClient; sent: SendRawEmailCommand[] } {
  const sent: SendRawEmailCommand[] = [];
  const client = { send: async (command: SendRawEmailCommand) => (sent.push(command), { MessageId: 'm-1', $metadata: {} }) } as unknown as SESClient;
  return { client, sent };
}

describe('SesMailer against the local SES emulator', () => {
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

  it('sends one email with the subject, text and HTML parts and the CSV of every contact', async () => {
    const verdicts = sampleVerdicts();
    const rendered = renderReport(sampleReport({ locale: 'it', analysis: analysis({ verdicts }) }));
    const result = await new SesMailer({ client }).deliver(rendered, envelope);

    const emails = await ses.received();
    expect(emails).toHaveLength(1);
    const email = emails[0]!;
    expect(result).toEqual({ kind: 'ses', ref: email.messageId });
    expect(email.subject).toBe(rendered.subject);
    expect(email.subject).toContain('da non seguire più');
    expect(email.destination.to).toEqual(['owner@example.com, team@example.org']);
    expect(email.body.text?.replace(/\r\n/g, '\n')).toBe(rendered.text);
    expect(email.body.html).toBe(rendered.html);

    expect(email.attachments).toHaveLength(1);
    const csv = email.attachments[0]!;
    expect(csv.filename).toBe(`${rendered.baseName}.csv`);
    expect(csv.contentType).toBe('text/csv');
    const rows = csvRecords(Buffer.from(csv.content, 'base64').toString('utf8'));
    expect(rows.map((r) => r['key']).sort()).toEqual(verdicts.map((v) => v.key).sort());
    expect(rows.find((r) => r['key'] === 'demo:troll')?.['display_name']).toBe('"><img src=x onerror=alert(1)>');
  });

  it('too big with every contact: sends the contacts the sections name, and the footer says the attachment holds only them', async () => {
    // The sample's contacts, each in a section, and 3,000 kept quietly (in no section), as most of a million followers are.
    const named = sampleVerdicts();
    const quiet = Array.from({ length: 3000 }, (_, k) => verdict({ id: `quiet-${k}`, relation: 'mutual', recommendation: 'keep', reasons: [] }));
    const rendered = renderReport(sampleReport({ locale: 'it', analysis: analysis({ verdicts: [...named, ...quiet] }) }));
    expect(rendered.sectionsOnly).toBeDefined();
    // A limit the message of every contact is over (as a million contacts are over SES's 10 MB), and the other is not.
    const limit = Buffer.byteLength(rendered.csv) + Buffer.byteLength(rendered.html) / 2;
    await new SesMailer({ client, maxMessageBytes: limit }).deliver(rendered, envelope);

    const email = (await ses.received()).at(-1)!;
    const rows = csvRecords(Buffer.from(email.attachments[0]!.content, 'base64').toString('utf8'));
    expect(rows.map((r) => r['key']).sort()).toEqual(named.map((v) => v.key).sort());
    expect(email.body.html).toContain(`Il CSV allegato elenca i ${named.length} contatti nominati nelle sezioni di questa email`);
    expect(email.body.text?.replace(/\s+/g, ' ')).toContain(`Il CSV allegato elenca i ${named.length} contatti nominati nelle sezioni di questa email, con i loro numeri e motivi: l'elenco di tutti i 3009 è troppo grande per un'email.`);
    expect(email.body.html).not.toContain('Il CSV allegato elenca ogni contatto');
    // The email's rows and counts are those of the whole report.
    expect(email.subject).toBe(rendered.subject);
  });

  it('too big even with only the contacts the sections name: sends the first of each section, as many as fit, and the footer says so', async () => {
    // Every contact in a section, as when a first run at a million followers suggests most of them: there is no
    // smaller list of the sections to fall back to, and a report that cannot go would fail the run every time.
    const unfollow = Array.from({ length: 3000 }, (_, k) => verdict({ id: `silent-${k}`, recommendation: 'unfollow', reasons: ['never_engaged'] }));
    const followBack = Array.from({ length: 40 }, (_, k) => verdict({ id: `fan-${k}`, relation: 'follower', recommendation: 'follow_back', reasons: [], stats: { inboundInWindow: 5, inboundByKind: { like: 5 }, outboundInWindow: 0, inboundTotal: 5, outboundTotal: 0, observedDays: 200, score: 5 } }));
    const report = sampleReport({ locale: 'en', analysis: analysis({ verdicts: [...unfollow, ...followBack] }) });
    const rendered = renderReport(report);
    expect(rendered.sectionsOnly).toBeUndefined();
    expect(report.sections.unfollow.count).toBe(3000);
    expect(report.sections.followBack.keys).toHaveLength(40);
    const whole = Buffer.byteLength(rendered.csv) + Buffer.byteLength(rendered.html);
    const limit = Math.floor(whole / 3);
    const { client: recording, sent } = recordingClient();
    await new SesMailer({ client: recording, maxMessageBytes: limit }).deliver(rendered, envelope);
    expect(sent).toHaveLength(1);
    const raw = Buffer.from(sent[0]!.input.RawMessage!.Data!);
    expect(raw.byteLength).toBeLessThanOrEqual(limit);

    // The same message through the emulator, to read its parts.
    await client.send(new SendRawEmailCommand({ RawMessage: { Data: raw }, Source: envelope.from, Destinations: envelope.to }));
    const email = (await ses.received()).at(-1)!;
    const rows = csvRecords(Buffer.from(email.attachments[0]!.content, 'base64').toString('utf8'));
    const keys = new Set(rows.map((r) => r['key']));
    const silent = rows.filter((r) => String(r['key']).startsWith('demo:silent-')).length;
    // Every follow-back goes (a section smaller than the share each gets goes whole), and the unfollows the
    // email shows first, as many as fit: far more than none, far fewer than all.
    expect(followBack.every((v) => keys.has(v.key))).toBe(true);
    expect(silent).toBeGreaterThan(100);
    expect(silent).toBeLessThan(3000);
    expect(rows.filter((r) => String(r['key']).startsWith('demo:silent-')).map((r) => r['key'])).toEqual(report.sections.unfollow.groups[0]!.keys.slice(0, silent));
    const footer = `The CSV attachment lists ${(silent + 40).toLocaleString('en-US')} of the 3,040 contacts named in this email's sections, the first ${silent.toLocaleString('en-US')} of each at most, with their figures and reasons: the list of all 3,040 is too big to send by email.`;
    expect(email.body.text?.replace(/\s+/g, ' ')).toContain(footer);
    expect(email.body.html?.replace(/\s+/g, ' ')).toContain(footer.replace(/'/g, '&#39;'));
    expect(email.subject).toBe(rendered.subject);
  });

  it('fails with the SES error name and the recipient count, not the credentials', async () => {
    const broken = new SESClient({ region: 'us-east-1', endpoint: `${ses.endpoint}/nowhere`, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }, maxAttempts: 1 });
    const rendered = renderReport(sampleReport());
    const error = await new SesMailer({ client: broken }).deliver(rendered, envelope).catch((e: unknown) => e);
    broken.destroy();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^SES SendRawEmail to 2 recipients failed: \w+/);
    expect((error as Error).message).not.toContain('test-secret');
    expect((error as Error).message).not.toContain('AKIDTEST');
  });

  it('refuses a header-injection attempt before calling SES', async () => {
    const before = (await ses.received()).length;
    const rendered = renderReport(sampleReport());
    await expect(new SesMailer({ client }).deliver(rendered, { from: envelope.from, to: ['a@example.com\r\nBcc: all@example.com'] })).rejects.toThrow(/to\[0\]/);
    expect(await ses.received()).toHaveLength(before);
  });
});

describe('SesMailer request', () => {
  it('sends the raw message to every recipient through the configuration set', async () => {
    const { client, sent } = recordingClient();
    const result = await new SesMailer({ client, configurationSet: 'followback' }).deliver(renderReport(sampleReport()), envelope);
    expect(result).toEqual({ kind: 'ses', ref: 'm-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input.Destinations).toEqual(envelope.to);
    expect(sent[0]!.input.Source).toBe(envelope.from);
    expect(sent[0]!.input.ConfigurationSetName).toBe('followback');
    expect(Buffer.from(sent[0]!.input.RawMessage!.Data!).toString('utf8')).toMatch(/^From: reports@example\.com\r\n/);
  });

  it('refuses a message larger than SES accepts, without calling SES', async () => {
    const { client, sent } = recordingClient();
    // Random text: zipping (shared/mail/report-message.ts) cannot shrink it under the limit.
    const rendered = { ...renderReport(sampleReport()), csv: randomBytes(SES_MAX_MESSAGE_BYTES).toString('base64') };
    await expect(new SesMailer({ client }).deliver(rendered, { from: envelope.from, to: ['one@example.com'] })).rejects.toThrow(
      /SES SendRawEmail to 1 recipient not attempted: the message is 1\d\.\d MB/,
    );
    expect(sent).toHaveLength(0);
  });

  it('refuses, naming both sizes, when even the contacts of the sections are too many', async () => {
    const { client, sent } = recordingClient();
    const quiet = Array.from({ length: 200 }, (_, k) => verdict({ id: `quiet-${k}`, relation: 'mutual', recommendation: 'keep', reasons: [] }));
    const rendered = renderReport(sampleReport({ analysis: analysis({ verdicts: [...sampleVerdicts(), ...quiet] }) }));
    await expect(new SesMailer({ client, maxMessageBytes: 1000 }).deliver(rendered, { from: envelope.from, to: ['one@example.com'] })).rejects.toThrow(
      /not attempted: the message is \d+\.\d MB with only the contacts in the email's sections \(\d+\.\d MB with all\) and SES accepts at most 0\.0 MB/,
    );
    expect(sent).toHaveLength(0);
  });
});
