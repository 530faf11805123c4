/**
 * Issue 10: the CSV of a 100,000-contact report (about 12.6 MB, 17 MB in
 * base64) would push the message past SES's 10 MB. Above 2 MB it rides as a
 * one-entry ZIP, which a standard reader (`unzip`, fflate) opens to exactly
 * the CSV the outbox writes; a small one stays plain.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CSV_ZIP_ABOVE_BYTES, reportMessage } from '../../../shared/mail/report-message.ts';
import { SES_MAX_MESSAGE_BYTES } from '../../../shared/mail/ses-mailer.ts';
import type { RenderedReport } from '../../../shared/ports/mailer.ts';
import { multipartChildren, splitPart } from '../../unit/report/parse-helpers.ts';
import { headerParams } from './header-parser.ts';

const DATE = new Date('2026-11-25T08:00:00Z');
const envelope = { from: 'reports@example.com', to: ['owner@example.com'] };

/** A CSV like the report's: one row per contact, names with commas, quotes and non-ASCII. */
function csvOf(rows: number): string {
  const lines = ['key,platform,handle,display_name,relation,recommendation,reasons'];
  for (let i = 0; i < rows; i++) lines.push(`mastodon:${i},mastodon,'@user${i}@example.social,"Zoë ${i}, the ""best""",follower,unfollow,never_engaged;inactive_account`);
  return `${lines.join('\r\n')}\r\n`;
}

function report(csv: string): RenderedReport {
  return { baseName: 'followback-big-2026-11-25', subject: 'followback · big', html: '<p>report</p>', text: 'report', csv, json: '{}' };
}

function attachmentOf(raw: string): { filename: string | undefined; contentType: string; bytes: Buffer } {
  const [, attachment] = multipartChildren(splitPart(raw));
  if (attachment === undefined) throw new Error('no attachment');
  return {
    filename: headerParams(attachment.headers['content-disposition'] ?? '').params['filename'],
    contentType: headerParams(attachment.headers['content-type'] ?? '').value,
    bytes: Buffer.from(attachment.body.replace(/\r\n/g, ''), 'base64'),
  };
}

describe('the CSV attachment of a big report', () => {
  it('100,000 contacts: zipped, the message fits SES, and the zip opens to exactly the CSV', async () => {
    const csv = csvOf(100_000);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(CSV_ZIP_ABOVE_BYTES);
    const raw = await reportMessage(report(csv), envelope, DATE);
    expect(Buffer.byteLength(raw)).toBeLessThan(SES_MAX_MESSAGE_BYTES);
    const att = attachmentOf(raw);
    expect(att.filename).toBe('followback-big-2026-11-25.csv.zip');
    expect(att.contentType).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(att.bytes));
    expect(Object.keys(entries)).toEqual(['followback-big-2026-11-25.csv']);
    expect(Buffer.from(entries['followback-big-2026-11-25.csv'] ?? new Uint8Array()).toString('utf8')).toBe(csv);
  });

  // Info-ZIP's unzip, where the machine has it: a reader that shares no code with the writer.
  it.skipIf(!existsSync('/usr/bin/unzip'))('Info-ZIP unzip extracts the same CSV and finds the CRC right', async () => {
    const csv = csvOf(60_000);
    const att = attachmentOf(await reportMessage(report(csv), envelope, DATE));
    const dir = await mkdtemp(join(tmpdir(), 'fb-zip-'));
    const file = join(dir, att.filename ?? 'x.zip');
    await writeFile(file, att.bytes);
    expect(execFileSync('/usr/bin/unzip', ['-t', file]).toString()).toMatch(/No errors detected/);
    expect(execFileSync('/usr/bin/unzip', ['-p', file], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8')).toBe(csv);
  });

  it('a CSV up to 2 MB stays a plain text/csv attachment', async () => {
    const csv = csvOf(1_000);
    const att = attachmentOf(await reportMessage(report(csv), envelope, DATE));
    expect(att.filename).toBe('followback-big-2026-11-25.csv');
    expect(att.contentType).toBe('text/csv');
    expect(att.bytes.toString('utf8')).toBe(csv);
  });
});
