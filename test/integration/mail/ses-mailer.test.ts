import { randomBytes } from 'node:crypto';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SES_MAX_MESSAGE_BYTES, SesMailer } from '../../../shared/mail/ses-mailer.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { startSesEmulator } from '../../helpers/ses-emulator.ts';
import type { SesEmulator } from '../../helpers/ses-emulator.ts';
import { analysis, sampleReport, sampleVerdicts } from '../../unit/report/analysis-fixture.ts';
import { csvRecords } from '../../unit/report/parse-helpers.ts';

const envelope = { from: 'reports@example.com', to: ['owner@example.com', 'team@example.org'] };

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
  /** Records the commands instead of sending them: only for what the emulator cannot show (request fields). */
  function recordingClient(): { client: SESClient; sent: SendRawEmailCommand[] } {
    const sent: SendRawEmailCommand[] = [];
    const client = { send: async (command: SendRawEmailCommand) => (sent.push(command), { MessageId: 'm-1', $metadata: {} }) } as unknown as SESClient;
    return { client, sent };
  }

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
});
