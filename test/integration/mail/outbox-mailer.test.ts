import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSet } from '../../../shared/mail/file-set.ts';
import { OutboxMailer, writeReportFiles } from '../../../shared/mail/outbox-mailer.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { sampleReport } from '../../unit/report/analysis-fixture.ts';
import { csvRecords, decodeQuotedPrintable, multipartChildren, splitPart } from '../../unit/report/parse-helpers.ts';

const envelope = { from: 'reports@example.com', to: ['owner@example.com'] };

describe('OutboxMailer', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'followback-outbox-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the folder and writes the .eml, .html, .txt, .json and .csv of the report', async () => {
    const dir = join(root, 'nested', 'outbox');
    const report = sampleReport();
    const rendered = renderReport(report);
    const result = await new OutboxMailer({ dir, now: () => new Date('2026-11-25T08:00:00Z') }).deliver(rendered, envelope);

    const names = ['.eml', '.html', '.txt', '.json', '.csv'].map((ext) => `followback-demo-2026-11-25${ext}`);
    expect(result).toEqual({ kind: 'outbox', ref: dir, files: names.map((n) => join(dir, n)) });
    expect((await readdir(dir)).sort()).toEqual([...names].sort());
    expect(await readFile(join(dir, names[1]!), 'utf8')).toBe(rendered.html);
    expect(await readFile(join(dir, names[2]!), 'utf8')).toBe(rendered.text);
    expect(ReportJson.parse(JSON.parse(await readFile(join(dir, names[3]!), 'utf8')))).toEqual(report);
    expect(csvRecords(await readFile(join(dir, names[4]!), 'utf8')).map((r) => r['key'])).toEqual(report.contacts.map((c) => c.key));
  });

  it('saves an .eml a mail client can open: the same parts the SES mailer sends', async () => {
    const rendered = renderReport(sampleReport());
    const { files } = await new OutboxMailer({ dir: root, now: () => new Date('2026-11-25T08:00:00Z') }).deliver(rendered, envelope);
    const eml = splitPart(await readFile(files!.find((f) => f.endsWith('.eml'))!, 'utf8'));
    expect(eml.headers['to']).toBe('owner@example.com');
    expect(eml.headers['date']).toBe('Wed, 25 Nov 2026 08:00:00 +0000');
    const [alternative, csv] = multipartChildren(eml);
    const [text, html] = multipartChildren(alternative!);
    expect(decodeQuotedPrintable(text!.body)).toBe(rendered.text);
    expect(decodeQuotedPrintable(html!.body)).toBe(rendered.html);
    expect(Buffer.from(csv!.body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(rendered.csv);
  });

  it('never overwrites an earlier report of the same day: it adds -2, -3', async () => {
    const mailer = new OutboxMailer({ dir: root });
    const rendered = renderReport(sampleReport());
    await mailer.deliver(rendered, envelope);
    const second = await mailer.deliver(rendered, envelope);
    const third = await writeReportFiles(root, rendered);
    expect(second.files?.every((f) => f.includes('followback-demo-2026-11-25-2.'))).toBe(true);
    expect(third.map((f) => f.slice(root.length + 1)).sort()).toEqual(
      ['.csv', '.html', '.json', '.txt'].map((ext) => `followback-demo-2026-11-25-3${ext}`),
    );
    expect(await readdir(root)).toHaveLength(5 + 5 + 4);
  });

  it('writes only the report files for a dry run, no .eml', async () => {
    const files = await writeReportFiles(root, renderReport(sampleReport({ dryRun: true })));
    expect(files.map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.html', '.txt', '.json', '.csv']);
    expect(await readdir(root)).toHaveLength(4);
  });

  it('leaves no file behind when the envelope is bad', async () => {
    const error = await new OutboxMailer({ dir: root }).deliver(renderReport(sampleReport()), { from: 'reports@example.com', to: ['x@example.com\nBcc: y@example.com'] }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/to\[0\]/);
    expect(await readdir(root)).toEqual([]);
  });

  it('removes the files it already wrote when a later one fails', async () => {
    // The second entry's temp file lands in a folder that does not exist, so its write fails after the first succeeded.
    const error = await writeFileSet(root, 'followback-demo-2026-11-25', [
      { ext: '.html', content: '<p>ok</p>' },
      { ext: '/missing/x.csv', content: 'a,b\r\n' },
    ]).catch((e: unknown) => e);
    expect(String(error)).toMatch(/could not write followback-demo-2026-11-25/);
    expect(await readdir(root)).toEqual([]);
  });
});
