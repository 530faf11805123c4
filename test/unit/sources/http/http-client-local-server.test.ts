import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient, HttpError } from '../../../../shared/sources/http/http-client.ts';

/** Each path fails its first N requests in a given way, then answers `{ ok: true }`. */
type Failure = 'drop-before-headers' | 'drop-mid-body' | 'truncated-json';

let server: Server;
let baseUrl: string;
const plans = new Map<string, Failure[]>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const failure = plans.get(path)?.shift();
    if (failure === 'drop-before-headers') {
      req.socket.destroy();
      return;
    }
    if (failure === 'drop-mid-body') {
      const body = JSON.stringify({ ok: true, padding: 'x'.repeat(200) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.slice(0, 20));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    if (failure === 'truncated-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok": tr');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function http(maxRetries = 3): { client: HttpClient; waits: number[] } {
  const waits: number[] = [];
  const client = new HttpClient({ baseUrl, sourceId: 'local', maxRetries, sleep: async (ms) => void waits.push(ms), random: () => 0, timeoutMs: 5000 });
  return { client, waits };
}

const Ok = z.object({ ok: z.literal(true) });

describe('HttpClient against a real local server', () => {
  it('retries a connection the server drops before answering', async () => {
    plans.set('/dropped', ['drop-before-headers', 'drop-before-headers']);
    const { client, waits } = http();
    const res = await client.getJson('/dropped', Ok);
    expect(res.data.ok).toBe(true);
    expect(hits.get('/dropped')).toBe(3);
    expect(client.requests).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('retries a connection dropped in the middle of the body', async () => {
    plans.set('/cut', ['drop-mid-body']);
    const { client } = http();
    await expect(client.getJson('/cut', Ok)).resolves.toMatchObject({ status: 200, data: { ok: true } });
    expect(hits.get('/cut')).toBe(2);
  });

  it('retries a body that ends before the JSON does', async () => {
    plans.set('/truncated', ['truncated-json']);
    const { client } = http();
    await expect(client.getJson('/truncated', Ok)).resolves.toMatchObject({ data: { ok: true } });
    expect(hits.get('/truncated')).toBe(2);
  });

  it('reports a retryable HttpError naming the endpoint when every attempt is dropped', async () => {
    plans.set('/always-dropped', ['drop-before-headers', 'drop-before-headers']);
    const { client } = http(1);
    const err = await client.getJson('/always-dropped', Ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).retryable).toBe(true);
    expect((err as HttpError).message).toMatch(/^GET \/always-dropped: network error: .*gave up after 2 attempts/);
  });
});
