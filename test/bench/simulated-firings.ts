/**
 * Runs one simulated big firing (./million-followers.ts for Mastodon,
 * ./bluesky-million.ts for Bluesky) for `npm run bench`: a DynamoDB Local of
 * its own, a table, and the script in a process of its own with the pull
 * function's heap limit (the stack's default 1 GB function: 512 MB), its
 * progress passed on, its one JSON line parsed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { heapLimitMb } from '../../infra/bundling.ts';
import { makeLocalClient, startLocalDynamo } from '../../shared/store/local-dynamo.ts';
import { createTable } from '../../shared/store/table-schema.ts';
import { PULL_MEMORY_MB } from './million-firing.ts';

/** What both scripts print (the fields the bench reports). */
export interface SimulatedFiring {
  followers: number;
  latencyMs: number;
  pullSteps: number;
  longestStepMinutes: number;
  requests: number;
  minimumRequests: number;
  throttled: number;
  pullHours: number;
  rateLimitBoundHours: number;
  overBoundPercent: number;
  latencyBoundHours?: number;
  realSeconds: number;
  peakRssMb: number;
  heapLimitMb: number;
  largestStagedItemBytes: number;
  stagedItems: number;
  stagedBytes: number;
  /** The repeat firing's staging: its bytes, and the contacts it staged whole and as unchanged (fingerprinted). */
  repeatStagedBytes: number;
  repeatStagedWhole: number;
  repeatStagedUnchanged: number;
  repeatCostUsd: number;
  reportStepSeconds: number;
  reportStepBasis: string;
  repeatCostBreakdownUsd: Record<string, number>;
  dynamo: Record<string, number>;
  requestsByRoute?: Record<string, number>;
}

/** `reportSeconds`: the report step's billed seconds at `followers` contacts, when the bench measured them (else its bound). */
export async function simulateFiring(script: 'million-followers.ts' | 'bluesky-million.ts', followers: number, latencyMs: number, log: (line: string) => void, reportSeconds?: number): Promise<SimulatedFiring> {
  const dynamo = await startLocalDynamo({ startTimeoutMs: 60_000 });
  try {
    const client = makeLocalClient(dynamo.endpoint);
    await createTable(client, 'million');
    client.destroy();
    const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
    const args = [`--max-old-space-size=${heapLimitMb(PULL_MEMORY_MB)}`, '--import', 'tsx', path, '--endpoint', dynamo.endpoint, '--table', 'million', '--followers', String(followers), '--latency-ms', String(latencyMs), ...(reportSeconds !== undefined ? ['--report-seconds', reportSeconds.toFixed(1)] : [])];
    const child = execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, env: process.env });
    child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trimEnd()));
    const stdout = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}`))));
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as SimulatedFiring;
  } finally {
    await dynamo.stop();
  }
}
