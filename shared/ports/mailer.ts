/** A rendered report, ready to deliver in any form. */
export interface RenderedReport {
  /** File-name stem, e.g. `followback-demo-2026-11-25`. */
  baseName: string;
  subject: string;
  html: string;
  text: string;
  csv: string;
  /** The JSON report, serialised. */
  json: string;
}

export interface Envelope {
  from: string;
  to: string[];
}

export interface DeliveryResult {
  kind: 'outbox' | 'ses';
  /** Outbox folder path, or SES MessageId. */
  ref: string;
  files?: string[];
}

export interface Mailer {
  deliver(report: RenderedReport, envelope: Envelope): Promise<DeliveryResult>;
}
