/**
 * The embedded store's files are the owner's alone, whatever the umask: the
 * data folder 0700 (missing parents too), the database file DynamoDB Local
 * creates in it 0600, and a folder left open by an older version tightened.
 */
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { makeLocalClient, makePrivateDir, startLocalDynamo } from '../../../shared/store/local-dynamo.ts';
import { createTable } from '../../../shared/store/table-schema.ts';

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('the embedded store keeps its files private', () => {
  let root: string;
  let umask: number;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'followback-private-'));
    // The loosest umask there is: whatever is private below is private because the code made it so.
    umask = process.umask(0);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(root, { recursive: true, force: true });
  });

  it('creates the data folder 0700 and its database file 0600; tightens an old open folder and file, saying so once', async () => {
    const dataDir = join(root, 'nested', 'db');
    const first = await startLocalDynamo({ dataDir, startTimeoutMs: 60_000 });
    try {
      const client = makeLocalClient(first.endpoint);
      await createTable(client, 'followback');
      await new DynamoStore({ client, tableName: 'followback' }).put('session-key', 'kept');
      client.destroy();
    } finally {
      await first.stop();
    }
    expect(await modeOf(join(root, 'nested'))).toBe(0o700);
    expect(await modeOf(dataDir)).toBe(0o700);
    const files = await readdir(dataDir);
    expect(files).toContain('shared-local-instance.db');
    for (const file of files) expect({ file, mode: (await modeOf(join(dataDir, file))).toString(8) }).toEqual({ file, mode: '600' });

    // A data folder from before (or loosened by hand): made owner-only again on the next start, with one notice.
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'shared-local-instance.db'), 0o644);
    const notices: string[] = [];
    const second = await startLocalDynamo({ dataDir, startTimeoutMs: 60_000, onNotice: (m) => notices.push(m) });
    try {
      const client = makeLocalClient(second.endpoint);
      expect(await new DynamoStore({ client, tableName: 'followback' }).get('session-key')).toBe('kept');
      client.destroy();
    } finally {
      await second.stop();
    }
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, 'shared-local-instance.db'))).toBe(0o600);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(dataDir);
    expect(notices[0]).toMatch(/0700 \(was 0755\).*shared-local-instance\.db \(was 0644\)/);

    // Once: nothing left to tighten, nothing said.
    await makePrivateDir(dataDir, (m) => notices.push(m));
    expect(notices).toHaveLength(1);
  }, 180_000);

  it('leaves the folders above the data folder as they are', async () => {
    const parent = join(root, 'shared-parent');
    await makePrivateDir(join(parent, 'db'));
    await chmod(parent, 0o755);
    await makePrivateDir(join(parent, 'db'));
    expect(await modeOf(parent)).toBe(0o755);
    expect(await modeOf(join(parent, 'db'))).toBe(0o700);
  });
});
