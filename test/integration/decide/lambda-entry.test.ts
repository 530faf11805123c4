/**
 * The decision page's Lambda entry (functions/decide.ts) as deployed, with its
 * real adapters: DynamoDB Local for the table, and a Secrets Manager on
 * 127.0.0.1 that speaks the service's JSON protocol to the real SDK client.
 * What the entry point owns: keys read fresh per request, only the page's path,
 * a per-client rate limit, a failed start retried, failures as pages (never a
 * bare 502), one access line per request, never the token in the log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDecideHandler, decideDepsFromEnv, type DecideLambda } from '../../../functions/decide.ts';
import { BUNDLED_CONFIG_FILE, ENV } from '../../../shared/app/env.ts';
import { ClientRateLimit } from '../../../shared/decide/client-rate-limit.ts';
import type { DecideLog } from '../../../shared/decide/handler.ts';
import { DECISION_KEYS_SECRET_ENV, keyringOf, newKeyringJson, rotateKeyring, type KeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import { SAMPLED_PER_MINUTE } from '../../../shared/decide/sampled-log.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { changes, contact } from '../store/fixtures.ts';
import { tempDir } from '../cli/cli-harness.ts';

const SECRET_NAME = 'followback/decision-keys';
const PAGE_URL = 'https://abcdefghij.lambda-url.eu-west-1.on.aws/';

/** Secrets Manager's GetSecretValue over its JSON protocol, on 127.0.0.1; the value can change or fail between requests. */
async function fakeSecretsManager(): Promise<{ endpoint: string; reads: () => number; set(value: string | 'fail'): void; close(): Promise<void> }> {
  let value: string | 'fail' = '';
  let reads = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'local' }).end(JSON.stringify(body));
      if (target !== 'secretsmanager.GetSecretValue') return send(400, { __type: 'InvalidRequestException', message: `not served here: ${target}` });
      reads++;
      if (value === 'fail') return send(500, { __type: 'InternalServiceError', message: 'the fake service is down' });
      if (input.SecretId !== SECRET_NAME) return send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      return send(200, { ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SECRET_NAME}-AbCdEf`, Name: SECRET_NAME, SecretString: value, VersionId: `v${reads}`, CreatedDate: 1_700_000_000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    reads: () => reads,
    set: (v) => void (value = v),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function event(options: { path?: string; query?: Record<string, string>; method?: string; body?: string; headers?: Record<string, string>; sourceIp?: string } = {}): LambdaFunctionURLEvent {
  const method = options.method ?? 'GET';
  const rawPath = options.path ?? '/';
  const query = options.query ?? {};
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: 'abcdefghij.lambda-url.eu-west-1.on.aws', 'user-agent': 'test-agent/1.0', ...(options.headers ?? {}) },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghij',
      domainName: 'abcdefghij.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abcdefghij',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '203.0.113.7', userAgent: 'test-agent/1.0' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
  } as LambdaFunctionURLEvent;
}

function recorder() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const log: DecideLog = {
    info: (message, extra) => void lines.push({ level: 'info', message, extra: extra ?? {} }),
    warn: (message, extra) => void lines.push({ level: 'warn', message, extra: extra ?? {} }),
    error: (message, extra) => void lines.push({ level: 'error', message, extra: extra ?? {} }),
  };
  return { log, lines };
}

describe('the decision page Lambda entry', () => {
  let table: FreshTable;
  let secrets: Awaited<ReturnType<typeof fakeSecretsManager>>;
  let dir: string;
  let secretsManager: SecretsManagerClient;
  const k1 = newKeyringJson('k1');
  const both: KeyringJson = rotateKeyring(k1, 'k2');
  const onlyK2: KeyringJson = { current: 'k2', keys: { k2: both.keys['k2'] ?? '' } };

  const configOf = (decisionsUrl: string) => ({ profiles: [{ id: 'ada', sources: [{ type: 'demo' }], report: { recipients: ['ada@example.org'], sender: 'fb@example.org', decisionsUrl } }] });
  const linkWith = (keys: KeyringJson, contactKeys: string[] = ['mastodon:c1']) => decisionLinks({ baseUrl: PAGE_URL, keyring: keyringOf(keys), profileId: 'ada', now: new Date() }).linkFor('keep', contactKeys);
  const tokenOf = (link: string) => new URL(link).searchParams.get('t') ?? '';

  function lambda(options: { rateLimit?: ClientRateLimit } = {}): { handler: DecideLambda; lines: ReturnType<typeof recorder>['lines'] } {
    const { log, lines } = recorder();
    const handler = createDecideHandler({
      log,
      rateLimit: options.rateLimit ?? new ClientRateLimit({ perMinute: 6_000, burst: 1_000 }),
      load: (io) =>
        decideDepsFromEnv({ ...io, env: { [ENV.tableName]: table.tableName, [DECISION_KEYS_SECRET_ENV]: SECRET_NAME }, bundleDir: dir, clients: { dynamo: table.client, secretsManager } }),
    });
    return { handler, lines };
  }
  const get = (handler: DecideLambda, link: string, extra: Parameters<typeof event>[0] = {}): Promise<APIGatewayProxyStructuredResultV2> =>
    handler(event({ path: new URL(link).pathname, query: { t: tokenOf(link) }, ...extra }), { getRemainingTimeInMillis: () => 10_000 });

  beforeAll(async () => {
    table = await freshTable();
    await table.store.applyRun('ada', changes({ contacts: [contact('c1', { reasons: ['never_engaged'] })] }), 730);
    secrets = await fakeSecretsManager();
    secretsManager = new SecretsManagerClient({ endpoint: secrets.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    dir = await tempDir('fb-decide-lambda-');
  });

  beforeEach(async () => {
    await writeFile(join(dir, BUNDLED_CONFIG_FILE), JSON.stringify(configOf(PAGE_URL)));
    secrets.set(JSON.stringify(both));
  });

  afterAll(async () => {
    secretsManager?.destroy();
    await secrets?.close();
  });

  it('reads the keys on every request: a key removed from the secret is refused at the very next request', async () => {
    const { handler } = lambda();
    const oldLink = linkWith(k1);
    const before = secrets.reads();
    expect((await get(handler, oldLink)).statusCode).toBe(200);
    expect((await get(handler, oldLink)).statusCode).toBe(200);
    expect(secrets.reads() - before).toBe(2);
    secrets.set(JSON.stringify(onlyK2));
    const refused = await get(handler, oldLink);
    expect(refused.statusCode).toBe(400);
    expect(secrets.reads() - before).toBe(3);
    // Links of the key still listed keep working.
    expect((await get(handler, linkWith(onlyK2))).statusCode).toBe(200);
  });

  it('answers only at the path of the configured decisionsUrl: a Function URL at /, and nothing else', async () => {
    const { handler } = lambda();
    const link = linkWith(both);
    expect((await get(handler, link)).statusCode).toBe(200);
    for (const path of ['/favicon.ico', '//evil.example', '//evil.example/', '/decide', '/./', '/%2F']) {
      const answer = await handler(event({ path, query: { t: tokenOf(link) } }));
      expect(answer.statusCode, path).toBe(404);
      expect(answer.body).toBe('not found\n');
    }
  });

  it('a decisionsUrl under a path (a custom domain in front) moves the page there', async () => {
    await writeFile(join(dir, BUNDLED_CONFIG_FILE), JSON.stringify(configOf('https://decide.example.org/fb/decide')));
    const { handler } = lambda();
    const link = linkWith(both);
    expect((await handler(event({ path: '/fb/decide', query: { t: tokenOf(link) } }))).statusCode).toBe(200);
    expect((await handler(event({ path: '/', query: { t: tokenOf(link) } }))).statusCode).toBe(404);
  });

  it('a failed start is not kept: that request gets a plain 503 page, the next one starts again', async () => {
    await rm(join(dir, BUNDLED_CONFIG_FILE));
    const { handler, lines } = lambda();
    const link = linkWith(both);
    const failed = await get(handler, link);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(failed.headers?.['retry-after']).toBe('60');
    expect(failed.body).toContain('Not available right now');
    // Nothing of the failure reaches the browser.
    expect(failed.body).not.toMatch(/ENOENT|followback\.config|\/tmp\//);
    expect(lines.find((l) => l.message === 'decision page could not start')?.extra['problem']).toMatch(/followback\.config\.json/);
    await writeFile(join(dir, BUNDLED_CONFIG_FILE), JSON.stringify(configOf(PAGE_URL)));
    expect((await get(handler, link)).statusCode).toBe(200);
  });

  it('anything the handler throws becomes a 500 page (never a bare 502), logged without the token', async () => {
    const { handler, lines } = lambda();
    const link = linkWith(both);
    secrets.set('fail');
    const failed = await get(handler, link);
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toContain('Something went wrong');
    expect(failed.body).not.toMatch(/fake service|secret/i);
    const logged = lines.find((l) => l.message === 'decision page failed');
    expect(logged?.extra).toMatchObject({ method: 'GET', path: '/' });
    expect(JSON.stringify(lines)).not.toContain(tokenOf(link));
    // The keys are read per request: once the service is back, so is the page.
    secrets.set(JSON.stringify(both));
    expect((await get(handler, link)).statusCode).toBe(200);
  });

  it('an unreadable stored contact shows as an unknown contact, the page still answers 200', async () => {
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'P#ada', sk: 'C#mastodon#broken', entity: 'contact', id: 'broken', handle: 'broken@x', relation: 'friend', sourceId: 'mastodon', platform: 'mastodon', firstSeenAt: 'yesterday', lastSeenAt: '2026-11-01T00:00:00Z' },
      }),
    );
    const { handler, lines } = lambda();
    const page = await get(handler, linkWith(both, ['mastodon:c1', 'mastodon:broken']));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('mastodon:broken');
    expect(page.body).toContain('Person c1');
    expect(lines.find((l) => l.message === 'stored contact unreadable; shown as unknown')?.extra['contact']).toBe('mastodon:broken');
  });

  it('limits each client to its rate before anything is read: 429 with Retry-After; another client is served', async () => {
    const { handler } = lambda({ rateLimit: new ClientRateLimit({ perMinute: 30, burst: 3 }) });
    const link = linkWith(both);
    for (let i = 0; i < 3; i++) expect((await get(handler, link, { sourceIp: '198.51.100.9' })).statusCode).toBe(200);
    const reads = secrets.reads();
    const limited = await get(handler, link, { sourceIp: '198.51.100.9' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('2');
    expect(secrets.reads()).toBe(reads);
    expect((await get(handler, link, { sourceIp: '203.0.113.50' })).statusCode).toBe(200);
  });

  it('logs one access line per request (method, path, status, source IP, user agent), never the token; refused links are sampled', async () => {
    const { handler, lines } = lambda();
    const link = linkWith(both);
    await get(handler, link);
    await handler(event({ path: '/favicon.ico' }));
    const access = lines.filter((l) => l.message === 'decision page request');
    expect(access.map((l) => l.extra)).toEqual([
      { method: 'GET', path: '/', status: 200, sourceIp: '203.0.113.7', userAgent: 'test-agent/1.0' },
      { method: 'GET', path: '/favicon.ico', status: 404, sourceIp: '203.0.113.7', userAgent: 'test-agent/1.0' },
    ]);
    // A flood of forged links: each one answered, its refusal logged only up to the sample.
    const forged = tokenOf(link).slice(0, -2) + (tokenOf(link).endsWith('AA') ? 'BB' : 'AA');
    for (let i = 0; i < SAMPLED_PER_MINUTE + 15; i++) expect((await handler(event({ query: { t: forged } }))).statusCode).toBe(400);
    expect(lines.filter((l) => l.level === 'warn' && l.message !== 'stored contact unreadable; shown as unknown')).toHaveLength(SAMPLED_PER_MINUTE);
    expect(lines.filter((l) => l.message === 'decision page request')).toHaveLength(2 + SAMPLED_PER_MINUTE + 15);
    expect(JSON.stringify(lines)).not.toContain(tokenOf(link));
    expect(JSON.stringify(lines)).not.toContain(forged);
  });
});
