/**
 * vitest globalSetup: one in-memory DynamoDB Local for the whole test run (the
 * JVM takes seconds to start). It is spawned here but not awaited: it warms up
 * while test files load, and `freshTable()` (./dynamo.ts) waits until it
 * answers. Each test file makes its own tables on it.
 */
import type { TestProject } from 'vitest/node';
import { spawnLocalDynamo } from '../../shared/store/local-dynamo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of the shared DynamoDB Local; call `waitForDynamo` (or use freshTable) before the first request. */
    dynamoEndpoint: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const dynamo = await spawnLocalDynamo({ startTimeoutMs: 60_000 });
  // Tests see the failure through freshTable(); this keeps the emulator's own output visible once. A run whose
  // tests never needed it (a unit file or two) stops it before it answered: that is no failure to report.
  let stopping = false;
  dynamo.ready.catch((err: unknown) => {
    if (!stopping) console.error(`DynamoDB Local did not start: ${err instanceof Error ? err.message : String(err)}`);
  });
  provide('dynamoEndpoint', dynamo.endpoint);
  return () => {
    stopping = true;
    return dynamo.stop();
  };
}
