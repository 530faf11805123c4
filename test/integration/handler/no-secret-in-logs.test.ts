import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { SecretResolver } from '../../../shared/ports/secrets.ts';
import { startRig, type HandlerRig } from './handler-fixture.ts';

const TOKEN = 'tok-SUPERSECRET-4f9a1c';

describe('secrets and the logs', () => {
  let server: Server;
  let rig: HandlerRig;
  const lines: string[] = [];

  beforeAll(async () => {
    // A Mastodon that refuses the token: the failure is logged, the token must not be.
    server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'The access token is invalid' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const config = parseConfig(
      {
        profiles: [
          {
            id: 'ada',
            sources: [
              { type: 'mastodon', id: 'mastodon', instanceUrl: `http://127.0.0.1:${port}`, accessToken: { secretName: 'followback/ada/mastodon' }, maxPages: 1 },
              { type: 'demo', id: 'demo', size: 20 },
            ],
            report: { recipients: ['ada@example.org'], sender: 'reports@example.com' },
          },
        ],
        delivery: { type: 'ses' },
      },
      'test',
    );
    const secrets: SecretResolver = { resolve: async () => TOKEN };
    // Powertools writes INFO to stdout and WARN/ERROR to stderr: both are the log.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    }
    rig = await startRig({ config, secrets, logger: new Logger({ serviceName: 'followback', logLevel: 'DEBUG' }) });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await rig.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a run whose source rejects its token logs the failure and never the token', async () => {
    const summary = await rig.handler({ profile: 'ada', dryRun: true }, { awsRequestId: 'r1' });
    expect(summary.status).toBe('completed');
    expect(summary.staleSources?.map((s) => s.sourceId)).toContain('mastodon');
    const text = lines.join('');
    expect(text).toContain('source failed');
    expect(text).toContain('"profile":"ada"');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('SUPERSECRET');
  });

  it('masks credential-named fields even if a caller logs them by mistake', async () => {
    const { toLog } = await import('../../../shared/logging/logger.ts');
    const log = toLog(new Logger({ serviceName: 'followback' }));
    log.info('oops', { accessToken: TOKEN, nested: { appPassword: TOKEN, secretName: 'followback/ada/mastodon' } });
    const last = lines.at(-1) ?? '';
    expect(last).not.toContain(TOKEN);
    expect(last).toContain('[redacted]');
    expect(last).toContain('followback/ada/mastodon');
  });
});
