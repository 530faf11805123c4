/**
 * One whole run (load from the store, pull, analyse, render, deliver as SES
 * would, store) of the synthetic community against a running DynamoDB Local,
 * in a process of its own so its peak RSS is the run's alone. Prints one JSON
 * line: items written, capacity consumed (ReturnConsumedCapacity on every
 * write and read), peak RSS, wall time.
 *
 *   tsx test/bench/run-once.ts --endpoint URL --table T --contacts N --interactions M --round R
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { parseArgs } from 'node:util';
import { runReport } from '../../shared/app/run-report.ts';
import { buildClassifiers } from '../../shared/classify/build-classifiers.ts';
import { demoConfig } from '../../shared/config/demo-config.ts';
import type { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../shared/mail/ses-mailer.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { makeLocalClient } from '../../shared/store/local-dynamo.ts';
import { meterCapacity } from './capacity-meter.ts';
import { SyntheticSource } from './synthetic-source.ts';

export const FIRST_NOW = new Date('2026-11-25T08:00:00Z');
const HOUR = 3_600_000;

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    table: { type: 'string', default: 'bench' },
    contacts: { type: 'string' },
    interactions: { type: 'string' },
    round: { type: 'string', default: '0' },
  },
});
const contacts = Number(values.contacts);
const interactions = Number(values.interactions);
const round = Number(values.round);
if (values.endpoint === undefined || !Number.isInteger(contacts) || !Number.isInteger(interactions) || !Number.isInteger(round)) {
  throw new Error('run-once: --endpoint, --contacts, --interactions and --round (whole numbers) are required');
}

const client = makeLocalClient(values.endpoint);
const meter = meterCapacity(client);
const store = new DynamoStore({ client, tableName: values.table });
// Delivered as in AWS: SesMailer builds the raw message (CSV zipped when big) and hands it to a client
// that keeps only its size. The outbox would also write the report JSON, which a Lambda never serialises.
let messageBytes = 0;
const ses = {
  send: async (command: { input: { RawMessage?: { Data?: Uint8Array } } }) => {
    messageBytes = command.input.RawMessage?.Data?.byteLength ?? 0;
    return { MessageId: 'bench' };
  },
} as unknown as SESClient;
const base = demoConfig().profiles[0];
if (base === undefined) throw new Error('demo config has no profile');
// The demo profile's audience and tone: the classifiers read the texts as in a real run.
const profile = { ...base, id: 'bench', allowlist: [] };
const classifiers = await buildClassifiers([profile]);
const now = new Date(FIRST_NOW.getTime() + round * HOUR);
// Memory at each step the run logs (source pulled, texts classified, delivered, stored): where the peak comes from.
// CPU time too: on DynamoDB Local the wall time is mostly the emulator's (it reads and writes far slower than
// DynamoDB), while the CPU time is the run's own work, which a Lambda bills as it would here.
const phases: { at: string; ms: number; cpuMs: number; rssMb: number; heapMb: number; externalMb: number; peakSoFarMb: number }[] = [];
const cpuAtStart = process.cpuUsage();
const mark = (at: string): void => {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage(cpuAtStart);
  phases.push({ at, ms: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssMb: Math.round(m.rss / 1048576), heapMb: Math.round(m.heapUsed / 1048576), externalMb: Math.round(m.external / 1048576), peakSoFarMb: Math.round(process.resourceUsage().maxRSS / 1024) });
};
const log = { info: mark, warn: mark, error: mark };
const started = performance.now();
const result = await runReport(
  { profile, now, dryRun: false },
  {
    store,
    sourcesFor: () => [new SyntheticSource({ contacts, interactions, round, firstNow: FIRST_NOW })],
    mailer: new SesMailer({ client: ses }),
    toneClassifierFor: classifiers.toneClassifierFor,
    log,
    ...(classifiers.languageDetector !== undefined ? { languageDetector: classifiers.languageDetector } : {}),
  },
);
const wallMs = performance.now() - started;
const html = result.report?.html ?? '';
process.stdout.write(
  `${JSON.stringify({
    round,
    status: result.status,
    verdicts: result.contacts ?? 0,
    writes: result.writes,
    capacity: meter.totals(),
    wallMs: Math.round(wallMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    htmlBytes: Buffer.byteLength(html, 'utf8'),
    messageBytes,
    phases,
  })}\n`,
);
client.destroy();
