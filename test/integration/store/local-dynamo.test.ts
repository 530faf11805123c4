import { describe, it, expect } from 'vitest';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { JAVA_MISSING_MESSAGE, makeLocalClient, startLocalDynamo } from '../../../shared/store/local-dynamo.ts';
import { createTable } from '../../../shared/store/table-schema.ts';

describe('startLocalDynamo', () => {
  it('keeps data in dataDir across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'followback-ddb-'));
    const dataDir = join(dir, 'nested', 'db');
    try {
      const first = await startLocalDynamo({ dataDir, startTimeoutMs: 60_000 });
      try {
        const client = makeLocalClient(first.endpoint);
        await createTable(client, 'followback');
        await new DynamoStore({ client, tableName: 'followback' }).put('session-key', 'kept');
        client.destroy();
      } finally {
        await first.stop();
      }
      expect(await readdir(dataDir)).not.toHaveLength(0);

      const second = await startLocalDynamo({ dataDir, startTimeoutMs: 60_000 });
      try {
        const client = makeLocalClient(second.endpoint);
        expect(await new DynamoStore({ client, tableName: 'followback' }).get('session-key')).toBe('kept');
        client.destroy();
      } finally {
        await second.stop();
      }
      // Stopped means stopped: nothing answers on the old endpoint.
      const client = makeLocalClient(second.endpoint);
      await expect(new DynamoStore({ client, tableName: 'followback' }).get('session-key')).rejects.toThrow();
      client.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('without java on the PATH it says how to install it', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(startLocalDynamo()).rejects.toThrow(JAVA_MISSING_MESSAGE);
    } finally {
      process.env['PATH'] = path;
    }
  });
});
