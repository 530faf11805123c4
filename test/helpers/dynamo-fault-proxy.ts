/**
 * A pass-through HTTP proxy in front of DynamoDB Local that can make chosen
 * operations fail the way DynamoDB does when it is throttled or down (HTTP 500,
 * `InternalServerError`), so a CLI or handler run meets a real failing store
 * through its real client. Listens on 127.0.0.1 only.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoFaultProxy {
  endpoint: string;
  /** Operations (e.g. `BatchWriteItem`, `PutItem`) answered with a 500 until `heal()`. */
  fail(...operations: string[]): void;
  heal(): void;
  /** Requests answered with a failure so far, per operation. */
  failures(): Record<string, number>;
  close(): Promise<void>;
}

export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  const upstream = new URL(target);
  const failing = new Set<string>();
  const failed: Record<string, number> = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      if (failing.has(operation)) {
        failed[operation] = (failed[operation] ?? 0) + 1;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fault-proxy' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error (injected by the test)' }));
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', (err) => {
        res.writeHead(502);
        res.end(err.message);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    fail: (...operations) => operations.forEach((o) => failing.add(o)),
    heal: () => failing.clear(),
    failures: () => ({ ...failed }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
