/**
 * Performance figures of the job's hot paths, printed (not asserted):
 *   npm run bench
 * - the demo source pulling ~1,000 contacts with 180 days of history;
 * - the analysis of 10,000 contacts x 200,000 interactions;
 * - rendering the demo report (JSON, HTML, text, CSV);
 * - two whole runs of the demo a week apart against an in-memory DynamoDB Local.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport } from '../../shared/app/run-report.ts';
import { demoConfig } from '../../shared/config/demo-config.ts';
import { analyse } from '../../shared/domain/analyse.ts';
import type { AnalysisInput, TrackedContact } from '../../shared/domain/analysis-types.ts';
import { OutboxMailer } from '../../shared/mail/outbox-mailer.ts';
import { DemoSource } from '../../shared/sources/demo/demo-source.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { makeLocalClient, startLocalDynamo } from '../../shared/store/local-dynamo.ts';
import { createTable } from '../../shared/store/table-schema.ts';
import { Policy, Audience } from '../../shared/config/schema.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up: measure the work, not the JIT
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}
const ms = (n: number): string => `${n.toFixed(0)} ms`;

const now = new Date('2026-11-25T08:00:00Z');
const demo = new DemoSource({ id: 'demo', seed: 42, size: 1000 });
const pull = await demo.pull({ now });
console.log(`demo pull: ${pull.contacts.length} contacts, ${pull.interactions.length} interactions: ${ms(await time(5, () => demo.pull({ now })))} (median of 5)`);

const N = 10_000;
const M = 200_000;
const kinds = ['like', 'repost', 'reply', 'quote', 'mention'] as const;
const current: TrackedContact[] = Array.from({ length: N }, (_, k) => ({
  id: `c${k}`,
  handle: `@c${k}@bench.social`,
  displayName: `Contact ${k}`,
  bio: '',
  relation: k % 3 === 0 ? 'follower' : k % 3 === 1 ? 'following' : 'mutual',
  state: 'active',
  sourceId: 's',
  platform: 'mastodon',
  firstSeenAt: '2025-01-01T00:00:00.000Z',
  lastSeenAt: now.toISOString(),
}));
const input: AnalysisInput = {
  now: now.toISOString(),
  policy: Policy.parse({}),
  audience: Audience.parse({}),
  decisions: { allowlist: [], snoozed: [] },
  sources: [{ sourceId: 's', platform: 'mastodon', contacts: 'complete', interactions: 'complete', historySince: '2025-01-01T00:00:00.000Z', previousContactsComplete: true, problems: [] }],
  current,
  previous: current.slice(0, N - 500),
  interactions: Array.from({ length: M }, (_, k) => ({
    id: `i${k}`,
    sourceId: 's',
    contactId: `c${(k * 7919) % N}`,
    kind: kinds[k % 5] ?? 'like',
    direction: k % 4 === 0 ? 'outbound' : 'inbound',
    at: new Date(now.getTime() - ((k % 2100) / 3) * 86_400_000).toISOString(),
  })),
};
console.log(`analysis: ${N} contacts x ${M} interactions: ${ms(await time(3, () => analyse(input)))} (median of 3)`);

const dynamo = await startLocalDynamo({ startTimeoutMs: 60_000 });
try {
  const client = makeLocalClient(dynamo.endpoint);
  await createTable(client, 'bench');
  const store = new DynamoStore({ client, tableName: 'bench' });
  const outbox = await mkdtemp(join(tmpdir(), 'fb-bench-'));
  const profile = demoConfig().profiles[0];
  if (!profile) throw new Error('demo config has no profile');
  const deps = { store, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 42, size: 1000 })], mailer: new OutboxMailer({ dir: outbox }) };
  for (const at of ['2026-11-18T08:00:00Z', '2026-11-25T08:00:00Z']) {
    const t = performance.now();
    const result = await runReport({ profile, now: new Date(at), dryRun: false }, deps);
    console.log(`demo run at ${at}: ${ms(performance.now() - t)} wall, wrote ${result.writes?.items ?? 0} items, ${result.contacts ?? 0} verdicts`);
  }
  client.destroy();
} finally {
  await dynamo.stop();
}
