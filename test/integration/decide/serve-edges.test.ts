/**
 * `followback serve`'s edges, over real HTTP on 127.0.0.1 with the real ledger
 * on DynamoDB Local: only its own names in Host (a DNS-rebinding page is
 * refused), only its own path, a per-client rate limit, refused links sampled
 * in the log, a failure as a page.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configuredHosts, decisionServer, DECIDE_PATH, hostAllowed } from '../../../functions/commands/serve.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import { ClientRateLimit } from '../../../shared/decide/client-rate-limit.ts';
import type { DecideDeps, DecideLog } from '../../../shared/decide/handler.ts';
import { keyringOf, newKeyringJson, type Keyring } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import { SAMPLED_PER_MINUTE } from '../../../shared/decide/sampled-log.ts';
import { DynamoDecisionLedger } from '../../../shared/store/dynamo-decision-ledger.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { changes, contact } from '../store/fixtures.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the Host header and the request target exactly as given (fetch would not let a test set either). */
function send(port: number, target: string, host: string | undefined, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, setHost: false, headers: host === undefined ? {} : { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('followback serve at its edges', () => {
  let table: FreshTable;
  const keyringJson = newKeyringJson('k1');
  const keyring: Keyring = keyringOf(keyringJson);
  const config = parseConfig(
    { profiles: [{ id: 'ada', sources: [{ type: 'demo' }], report: { recipients: ['ada@example.org'], sender: 'fb@example.org', decisionsUrl: 'https://fb.example.org/decide' } }] },
    'test',
  );
  const servers: Server[] = [];
  let keyringReads = 0;

  beforeAll(async () => {
    table = await freshTable();
    await table.store.applyRun('ada', changes({ contacts: [contact('c1')] }), 730);
  });

  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  async function serve(options: { rateLimit?: ClientRateLimit; keyring?: () => Promise<Keyring> } = {}): Promise<{ port: number; lines: { level: string; message: string }[]; link: string }> {
    const lines: { level: string; message: string }[] = [];
    const log: DecideLog = {
      info: (message) => void lines.push({ level: 'info', message }),
      warn: (message) => void lines.push({ level: 'warn', message }),
      error: (message) => void lines.push({ level: 'error', message }),
    };
    const profiles = new Map(config.profiles.map((p) => [p.id, p]));
    const deps: DecideDeps = {
      keyring:
        options.keyring ??
        (async () => {
          keyringReads++;
          return keyring;
        }),
      profile: (id) => profiles.get(id),
      decisions: table.store,
      ledger: new DynamoDecisionLedger({ client: table.client, tableName: table.tableName }),
      clock: () => new Date(),
      log,
    };
    const server = decisionServer(deps, { hosts: configuredHosts(config), ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}) });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const link = decisionLinks({ baseUrl: `http://127.0.0.1:${port}${DECIDE_PATH}`, keyring, profileId: 'ada', now: new Date() }).linkFor('keep', ['mastodon:c1']);
    return { port, lines, link };
  }
  const targetOf = (link: string) => new URL(link).pathname + new URL(link).search;

  it('serves the page to its own loopback names on its port, and to the host of the configured decisionsUrl', async () => {
    const { port, link } = await serve();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`, 'fb.example.org']) {
      const answer = await send(port, targetOf(link), host);
      expect(answer.status, host).toBe(200);
      expect(answer.body).toContain('Person c1');
    }
  });

  it('refuses any other Host with 421 before anything is read: a DNS-rebinding page cannot use it', async () => {
    const { port, link } = await serve();
    const reads = keyringReads;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`, `fb.example.org:${port}`, '']) {
      const answer = await send(port, targetOf(link), host);
      expect(answer.status, host).toBe(421);
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(answer.body).toMatch(/^this server answers only as 127\.0\.0\.1, localhost or \[::1\]/);
      expect(answer.body).not.toContain('evil');
    }
    // No Host header at all: Node's server refuses an HTTP/1.1 request without one (400) before ours runs.
    expect((await send(port, targetOf(link), undefined)).status).toBe(400);
    expect(keyringReads).toBe(reads);
  });

  it('answers only at its own path: everything else, //host paths and absolute targets included, is 404', async () => {
    const { port, link } = await serve();
    const query = new URL(link).search;
    for (const target of ['/', '/favicon.ico', `/decide/${query}`, `//evil.example/decide${query}`, `//127.0.0.1:${port}/decide${query}`, `http://evil.example/decide${query}`]) {
      const answer = await send(port, target, `127.0.0.1:${port}`);
      expect(answer.status, target).toBe(404);
      expect(answer.body).toBe('not found\n');
    }
  });

  it('limits each client to its rate: 429 with Retry-After', async () => {
    const { port, link } = await serve({ rateLimit: new ClientRateLimit({ perMinute: 30, burst: 2 }) });
    expect((await send(port, targetOf(link), `127.0.0.1:${port}`)).status).toBe(200);
    expect((await send(port, targetOf(link), `127.0.0.1:${port}`)).status).toBe(200);
    const limited = await send(port, targetOf(link), `127.0.0.1:${port}`);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
  });

  it('a flood of bad links is answered, but only the first refusals of the minute are logged', async () => {
    const { port, link, lines } = await serve({ rateLimit: new ClientRateLimit({ perMinute: 6_000, burst: 1_000 }) });
    const forged = `${targetOf(link).slice(0, -2)}${targetOf(link).endsWith('AA') ? 'BB' : 'AA'}`;
    for (let i = 0; i < SAMPLED_PER_MINUTE + 10; i++) expect((await send(port, forged, `127.0.0.1:${port}`)).status).toBe(400);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(SAMPLED_PER_MINUTE);
  });

  it('a failure in the page is a plain 500 page, never a dropped connection', async () => {
    const { port, link, lines } = await serve({
      keyring: async () => {
        throw new Error('keyring unreadable: /home/me/.followback/decision-keys.json');
      },
    });
    const answer = await send(port, targetOf(link), `127.0.0.1:${port}`);
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('Something went wrong');
    expect(answer.body).not.toContain('decision-keys');
    expect(lines.map((l) => l.message)).toContain('decision page failed');
  });
});

describe('the Host check', () => {
  it('is a pure function of the Host header, the port and the configured hosts', () => {
    const configured = new Set(['fb.example.org', 'localhost:9999']);
    expect(hostAllowed('127.0.0.1:8787', 8787, configured)).toBe(true);
    expect(hostAllowed('fb.example.org', 8787, configured)).toBe(true);
    expect(hostAllowed('FB.EXAMPLE.ORG', 8787, configured)).toBe(true);
    // A configured loopback host counts only on this server's port.
    expect(hostAllowed('localhost:9999', 8787, configured)).toBe(false);
    expect(hostAllowed('localhost:9999', 9999, configured)).toBe(true);
    expect(hostAllowed(undefined, 8787, configured)).toBe(false);
    expect(hostAllowed('evil.example', 8787, configured)).toBe(false);
  });
});
