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
  /**
   * The same report with a CSV of only the contacts its sections name, and a footer saying so: for a
   * mailer whose message would be too big with every contact (SES: 10 MB; a million contacts zip to 17 MB).
   * Absent when every contact is in a section (it would be the same CSV) or when this is that variant.
   */
  sectionsOnly?: () => RenderedReport;
  /**
   * The same report with a CSV of at most `maxRows` of the contacts its sections name, the same number from
   * each section (the first the email shows), and a footer saying so: for when even `sectionsOnly` is too big
   * (a million followers, most of them in a section). Present on the report as first rendered.
   */
  sectionsUpTo?: (maxRows: number) => RenderedReport;
  /** How many contacts its CSV lists (set by the renderer; absent on a report made by hand). */
  csvContacts?: number;
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
