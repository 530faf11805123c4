/**
 * `followback validate` on a hand-written config with API blocks: each source says whether it reads
 * its export alone or its export and API, and a bad api block is named by its path.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../functions/cli.ts';

async function validate(config: unknown): Promise<{ code: number; out: string; err: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-validate-api-'));
  await writeFile(join(dir, 'followback.config.json'), JSON.stringify(config));
  let out = '';
  let err = '';
  const code = await main(['validate'], { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {}, cwd: dir, isTty: false });
  return { code, out, err };
}

const profile = (sources: unknown[]) => ({
  profiles: [{ id: 'ada', sources, report: { recipients: ['a@example.com'], sender: 'f@example.com' } }],
  delivery: { type: 'outbox', dir: 'out' },
});

describe('followback validate with official APIs', () => {
  it('says which sources read their API beside the export', async () => {
    const r = await validate(
      profile([
        { type: 'instagram', exports: 'exports/instagram', api: { accessToken: { file: 'secrets/ig-token' } } },
        { type: 'linkedin', exports: 'exports/linkedin' },
      ]),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('ada: instagram:instagram (export + API), linkedin:linkedin -> a@example.com');
  });

  it('names a bad api block by its path', async () => {
    const r = await validate(profile([{ type: 'x', exports: 'exports/x', api: { accessToken: { env: 'X_TOKEN' }, refreshToken: { env: 'X_REFRESH' } } }]));
    expect(r.code).toBe(2);
    expect(r.err).toContain('profiles[0].sources[0].api.clientId: a refreshToken needs the clientId of your X app');
    const spend = await validate(profile([{ type: 'x', exports: 'exports/x', api: { accessToken: { env: 'X_TOKEN' }, maxSpendUsd: 20, maxSpendUsdPerMonth: 10 } }]));
    expect(spend.err).toContain('profiles[0].sources[0].api.maxSpendUsd: maxSpendUsd (per run) cannot be more than maxSpendUsdPerMonth');
    const page = await validate(profile([{ type: 'facebook', exports: 'exports/facebook', api: { accessToken: { env: 'T' }, pageId: 'my-page' } }]));
    expect(page.err).toContain('profiles[0].sources[0].api.pageId: a numeric Facebook Page id');
  });
});
