/** A rendered report as one raw e-mail: the same message SES sends and the outbox saves. */
import type { Envelope, RenderedReport } from '../ports/mailer.ts';
import { buildMimeMessage } from './mime.ts';

export function reportMessage(report: RenderedReport, envelope: Envelope, date: Date): Promise<string> {
  return buildMimeMessage({
    from: envelope.from,
    to: envelope.to,
    subject: report.subject,
    text: report.text,
    html: report.html,
    attachments: [{ filename: `${report.baseName}.csv`, contentType: 'text/csv; charset=utf-8', content: report.csv }],
    date,
  });
}
