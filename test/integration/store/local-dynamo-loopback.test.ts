/**
 * DynamoDB Local is reachable from this machine only: every socket its JVM
 * listens on is bound to loopback. Proven by reading the kernel's socket
 * tables (/proc/net/tcp, /proc/net/tcp6) and the JVM's file descriptors, never
 * by sending anything to a non-loopback address (not even this machine's own).
 */
import { readdir, readFile, readlink, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamoReady } from '../../helpers/dynamo.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { JAVA_COMPILER_MISSING_MESSAGE, freePort, makeLocalClient, startLocalDynamo } from '../../../shared/store/local-dynamo.ts';
import { createTable } from '../../../shared/store/table-schema.ts';

interface ListeningSocket {
  address: string;
  port: number;
  inode: number;
  loopback: boolean;
}

const LISTEN = '0A';

/** Every listening TCP socket of the machine, from /proc/net/tcp and /proc/net/tcp6. */
async function listeningSockets(): Promise<ListeningSocket[]> {
  const sockets: ListeningSocket[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== LISTEN) continue;
      const [hexAddress, hexPort] = fields[1]!.split(':') as [string, string];
      const bytes = addressBytes(hexAddress);
      expect(bytes.length).toBe(v6 ? 16 : 4);
      sockets.push({ address: formatAddress(bytes), port: parseInt(hexPort, 16), inode: Number(fields[9]), loopback: isLoopback(bytes) });
    }
  }
  return sockets;
}

/** The kernel prints an address as 32-bit words in host byte order (the port is big-endian already). */
function addressBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes = (hex.slice(word, word + 8).match(/../g) ?? []).map((b) => parseInt(b, 16));
    bytes.push(...(endianness() === 'LE' ? wordBytes.reverse() : wordBytes));
  }
  return bytes;
}

function isLoopback(bytes: number[]): boolean {
  if (bytes.length === 4) return bytes[0] === 127; // 127.0.0.0/8
  const zeros = (from: number, to: number): boolean => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 15) && bytes[15] === 1) return true; // ::1
  return zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff && bytes[12] === 127; // ::ffff:127.x.x.x
}

function formatAddress(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `[${groups.join(':')}]`;
}

/** Inodes of the sockets a process holds open (its /proc/<pid>/fd links read `socket:[inode]`). */
async function socketInodes(pid: number): Promise<Set<number>> {
  const inodes = new Set<number>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(Number(match[1]));
  }
  return inodes;
}

/** The process (one of ours: others' fds are unreadable) that holds the socket listening on `port`. */
async function listenerPid(port: number): Promise<number> {
  const inodes = new Set((await listeningSockets()).filter((s) => s.port === port).map((s) => s.inode));
  expect(inodes.size, `nothing listens on port ${port}`).toBeGreaterThan(0);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const held = await socketInodes(Number(entry)).catch(() => new Set<number>());
    if ([...inodes].some((i) => held.has(i))) return Number(entry);
  }
  throw new Error(`no process of ours holds the socket listening on port ${port}`);
}

/** Every socket the process listens on, with the port the endpoint names among them, all on loopback. */
async function expectLoopbackOnly(pid: number, endpoint: string): Promise<ListeningSocket[]> {
  const port = Number(new URL(endpoint).port);
  const held = await socketInodes(pid);
  const mine = (await listeningSockets()).filter((s) => held.has(s.inode));
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.map((s) => s.port)).toContain(port);
  expect(mine.filter((s) => !s.loopback).map((s) => `${s.address}:${s.port}`)).toEqual([]);
  // Nobody else listens on that port on another address either.
  const onPort = (await listeningSockets()).filter((s) => s.port === port);
  expect(onPort.filter((s) => !s.loopback).map((s) => `${s.address}:${s.port}`)).toEqual([]);
  return mine;
}

describe('DynamoDB Local listens on loopback only', () => {
  it('startLocalDynamo: every socket its JVM listens on is on 127.0.0.1, and it runs without telemetry', async () => {
    const dynamo = await startLocalDynamo({ startTimeoutMs: 60_000 });
    try {
      const port = Number(new URL(dynamo.endpoint).port);
      const pid = await listenerPid(port);
      expect((await readFile(`/proc/${pid}/comm`, 'utf8')).trim()).toBe('java');
      const sockets = await expectLoopbackOnly(pid, dynamo.endpoint);
      expect(sockets.map((s) => `${s.address}:${s.port}`)).toContain(`127.0.0.1:${port}`);
      expect((dynamo as { pid?: number }).pid).toBe(pid);

      // No telemetry to AWS: the switch on the JVM's command line and the variable in its environment.
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      expect(argv).toContain('-disableTelemetry');
      expect((await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0')).toContain('DDB_LOCAL_TELEMETRY=0');

      // And it is the real thing: it stores and answers on 127.0.0.1.
      const client = makeLocalClient(dynamo.endpoint);
      await createTable(client, 'followback');
      await new DynamoStore({ client, tableName: 'followback' }).put('k', 'v');
      expect(await new DynamoStore({ client, tableName: 'followback' }).get('k')).toBe('v');
      client.destroy();
    } finally {
      await dynamo.stop();
    }
  }, 120_000);

  it("the test run's shared emulator (globalSetup, spawnLocalDynamo) listens on loopback only", async () => {
    const endpoint = await dynamoReady();
    expect(new URL(endpoint).hostname).toBe('127.0.0.1');
    await expectLoopbackOnly(await listenerPid(Number(new URL(endpoint).port)), endpoint);
  }, 90_000);

  it('fails clearly when it cannot bind 127.0.0.1 (port taken), and never falls back to another address', async () => {
    const port = await freePort();
    // It hangs up at once: the emulator's readiness probe must not wait on it.
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const error = await startLocalDynamo({ port, startTimeoutMs: 60_000 }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/LoopbackDynamoDB: DynamoDB Local did not start/);
      // Only our blocker listens on the port: no JVM socket on any address.
      const onPort = (await listeningSockets()).filter((s) => s.port === port);
      expect(onPort.map((s) => `${s.address}:${s.port}`)).toEqual([`127.0.0.1:${port}`]);
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  }, 90_000);

  it('refuses to start, saying why, with a Java that cannot compile the loopback launcher (no jdk.compiler)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'followback-fake-java-'));
    const path = process.env['PATH'];
    try {
      // A Java 17 whose module list lacks jdk.compiler (a jlinked JRE). It would "start" anything it is given.
      await writeFile(join(dir, 'java'), '#!/bin/sh\nprintf "java.base@17.0.15\\njava.logging@17.0.15\\n"\n');
      await chmod(join(dir, 'java'), 0o700);
      process.env['PATH'] = dir;
      const error = await startLocalDynamo({ startTimeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(String(error)).toContain(JAVA_COMPILER_MISSING_MESSAGE);
    } finally {
      process.env['PATH'] = path;
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
