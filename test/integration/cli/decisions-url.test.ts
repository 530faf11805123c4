/** A bad report.decisionsUrl stops the CLI before anything runs (exit 2, the field and profile named). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeJson } from './cli-harness.ts';

const MESSAGE = 'must be https:// (http is allowed only for 127.0.0.1, ::1 or localhost)';

describe('followback run with an http decisionsUrl', () => {
  it('a config with an http decisionsUrl makes the CLI exit 2 with that message', async () => {
    const dir = await tempDir('fb-decisions-url-');
    const config = await writeJson(join(dir, 'followback.config.json'), { profiles: [{ id: 'me', sources: [{ type: 'demo' }], report: { recipients: ['me@example.com'], sender: 'fb@example.com', decisionsUrl: 'http://decide.example.org/decide' } }], delivery: { type: 'outbox', dir: 'out' } });
    const run = await cli(['run', '--config', config, '--dry-run'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`profiles[0].report.decisionsUrl: ${MESSAGE}`);
  });
});
