/**
 * Bluesky through the Lambda handler, wired as in AWS: the app password comes
 * from Secrets Manager (the real resolver over a client that answers one
 * secret name), the DynamoDB store is the session store, the report goes out
 * through the SES emulator. A scheduled firing signs in and stores the session
 * sealed; the next week's firing, after a cold start, reuses it.
 */
import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type JobDeps } from '../../../functions/handler/create-handler.ts';
import { SCHEDULE_EVENT_SOURCE } from '../../../shared/app/env.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { Config } from '../../../shared/config/schema.ts';
import { SesMailer } from '../../../shared/mail/ses-mailer.ts';
import { SecretsManagerResolver } from '../../../shared/secrets/secrets-manager-resolver.ts';
import { openSession } from '../../../shared/sources/bluesky/session.ts';
import { OWNER, scaledWorld } from '../../fixtures/bluesky/world.ts';
import { FakeBlueskyServer } from '../../helpers/bluesky-server.ts';
import { LOCAL_CREDENTIALS, startRig, type HandlerRig } from './handler-fixture.ts';

const SECRET_NAME = 'followback/ada/bluesky';
const SESSION_KEY = `bluesky:bsky:${OWNER.handle}`;
const CREATE = 'com.atproto.server.createSession';
const scheduled = (scheduledTime: string) => ({ source: SCHEDULE_EVENT_SOURCE, profile: 'ada', scheduledTime });

/** Secrets Manager as the resolver meets it: one secret, anything else is not found. */
function secretsManager(asked: string[]) {
  return new SecretsManagerResolver({
    client: {
      async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
        const id = command.input.SecretId ?? '';
        asked.push(id);
        if (id !== SECRET_NAME) throw Object.assign(new Error(`Secrets Manager can't find the specified secret.`), { name: 'ResourceNotFoundException' });
        return { $metadata: {}, SecretString: OWNER.password };
      },
    },
  });
}

describe('Bluesky through the Lambda handler (Secrets Manager, DynamoDB sessions, SES)', () => {
  let server: FakeBlueskyServer;
  let rig: HandlerRig;
  let config: Config;
  const asked: string[] = [];

  const storedValue = async (): Promise<string | undefined> => {
    const out = await rig.table.doc.send(new GetCommand({ TableName: rig.table.tableName, Key: { pk: `X#${SESSION_KEY}`, sk: 'X' }, ConsistentRead: true }));
    return out.Item?.['value'] as string | undefined;
  };

  beforeAll(async () => {
    server = await FakeBlueskyServer.start({ world: scaledWorld(Date.parse('2026-11-23T06:00:00Z'), { followers: 30, follows: 20, mutual: 8, notifications: 40, likes: 15, reposts: 5, posts: 10 }) });
    config = parseConfig(
      {
        profiles: [
          {
            id: 'ada',
            sources: [{ type: 'bluesky', id: 'bsky', serviceUrl: server.url, plcUrl: server.url, handle: OWNER.handle, appPassword: { secretName: SECRET_NAME } }],
            report: { recipients: ['ada@example.org'], sender: 'reports@example.com' },
          },
        ],
        delivery: { type: 'ses' },
        deploy: { sesIdentity: 'example.com' },
      },
      'bluesky handler test config',
    );
    rig = await startRig({ config, secrets: secretsManager(asked) });
  });

  afterAll(async () => {
    await rig?.stop();
    await server?.close();
  });

  it('a scheduled firing pulls Bluesky, emails the report, and stores the session sealed', async () => {
    const summary = await rig.handler(scheduled('2026-11-23T06:00:00Z'), { awsRequestId: 'firing-1' });
    expect(summary).toMatchObject({ status: 'completed', trigger: 'schedule', delivery: { kind: 'ses' } });
    expect(summary.staleSources).toEqual([]);
    expect(summary.figures).toMatchObject({ followers: 30, following: 20 });
    expect(asked).toEqual([SECRET_NAME]);
    expect(server.count(CREATE)).toBe(1);
    const emails = await rig.ses.received();
    expect(emails.map((e) => e.destination.to)).toEqual([['ada@example.org']]);

    const value = await storedValue();
    expect(value).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const bearer = server.seen.flatMap((s) => /^Bearer (.+)$/.exec(s.authorization ?? '')?.[1] ?? []);
    expect(bearer.length).toBeGreaterThan(0);
    for (const secret of [...new Set(bearer), OWNER.password, OWNER.did]) expect(value).not.toContain(secret);
    const opened = openSession(value ?? '', OWNER.password, SESSION_KEY);
    expect(opened.ok).toBe(true);
    if (opened.ok) expect(JSON.parse(opened.text)).toMatchObject({ did: OWNER.did, accessJwt: bearer.at(-1) });
  });

  it('the next firing, in a new execution environment, reuses the stored session: no sign-in', async () => {
    server.resetCounts();
    const sesClient = new SESClient({ endpoint: rig.ses.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    try {
      // A cold start: everything built again; only the table (and the secret) carry over.
      const cold = createHandler(async (): Promise<JobDeps> => ({
        config,
        configDir: process.cwd(),
        store: rig.table.store,
        secrets: secretsManager(asked),
        mailer: new SesMailer({ client: sesClient }),
        logger: new Logger({ serviceName: 'followback', logLevel: 'SILENT' }),
      }));
      const summary = await cold(scheduled('2026-11-30T06:00:00Z'), { awsRequestId: 'firing-2' });
      expect(summary.status).toBe('completed');
      expect(summary.staleSources).toEqual([]);
      expect(server.count(CREATE)).toBe(0);
      expect(server.totalRequests).toBeGreaterThan(0);
      expect(await rig.ses.received()).toHaveLength(2);
    } finally {
      sesClient.destroy();
    }
  });
});
