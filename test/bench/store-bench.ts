/**
 * How long the store takes to write and read back a busy profile's history.
 * Run: `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true npx tsx test/bench/store-bench.ts [count]`
 * (starts its own in-memory DynamoDB Local).
 */
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { makeLocalClient, startLocalDynamo } from '../../shared/store/local-dynamo.ts';
import { createTable } from '../../shared/store/table-schema.ts';

const count = Number(process.argv[2] ?? 20_000);
const dynamo = await startLocalDynamo({ startTimeoutMs: 60_000 });
try {
  const client = makeLocalClient(dynamo.endpoint);
  await createTable(client, 'bench');
  const store = new DynamoStore({ client, tableName: 'bench', clock: () => new Date('2026-11-25T00:00:00Z') });
  const start = Date.parse('2025-11-25T00:00:00Z');
  const interactions = Array.from({ length: count }, (_, i) => ({
    id: `n${i}`,
    contactId: `c${i % 500}`,
    kind: 'like' as const,
    direction: 'inbound' as const,
    at: new Date(start + i * 60_000 * 20).toISOString(),
    sourceId: 'mastodon',
  }));
  const run = {
    profileId: 'bench', runId: 'r1', at: '2026-11-25T00:00:00Z', startedAt: '2026-11-25T00:00:00Z', finishedAt: '2026-11-25T00:00:00Z', dryRun: true,
    figures: { following: 0, followers: 0, mutuals: 0, engagedFollowingShare: 0, engagedFollowerShare: 0, engagedFollowing: 0, engagedFollowers: 0, suggestedUnfollows: 0, suggestedReviews: 0, suggestedFollowBacks: 0, newFollowers: 0, lostFollowers: 0, inboundInWindow: 0, outboundInWindow: 0 },
    sources: [], writes: { contactsWritten: 0, contactsRemoved: 0, interactionsWritten: 0, sourcesWritten: 0, items: 0 },
  };
  let t = performance.now();
  const stats = await store.applyRun('bench', { contacts: [], removedContactKeys: [], interactions, sources: [], run }, 730);
  console.log(`wrote ${stats.interactionsWritten} interactions (${stats.items} items) in ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  const back = await store.loadInteractions('bench', '2025-01-01T00:00:00Z');
  console.log(`read back ${back.length} interactions in ${Math.round(performance.now() - t)} ms`);
  client.destroy();
} finally {
  await dynamo.stop();
}
