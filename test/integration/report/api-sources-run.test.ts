/**
 * Issue 17: the API note of a pull reaches the email through the real run (DynamoDB Local, the
 * outbox), with where the profile's config keeps each token. An X source whose API read spent
 * money and skipped a read, and an Instagram source whose token expired: the sources section
 * shows the spend, the top of the email the renewal steps naming the env var and the secret
 * from the config. The config's names reach the email; no token value is anywhere in it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../../shared/app/run-report.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { ProfileConfig } from '../../../shared/config/schema.ts';
import type { ApiNote, SourcePull } from '../../../shared/domain/model.ts';
import { OutboxMailer } from '../../../shared/mail/outbox-mailer.ts';
import type { Source } from '../../../shared/ports/source.ts';
import { ReportJson } from '../../../shared/report/report-schema.ts';
import { parseHtml, textOf } from '../../helpers/parse-html.ts';
import { freshTable } from '../../helpers/dynamo.ts';

const NOW = '2026-11-25T08:00:00.000Z';

function source(id: string, platform: string, api: ApiNote): Source {
  return {
    id,
    platform,
    pull: async (): Promise<SourcePull> => ({
      sourceId: id,
      platform,
      takenAt: NOW,
      owner: { id: 'me', handle: 'me' },
      contacts: [
        { id: `${platform}-ada`, handle: 'ada', displayName: 'Ada', bio: '', relation: 'mutual', state: 'active' },
        { id: `${platform}-sam`, handle: 'sam', displayName: 'Sam', bio: '', relation: 'following', state: 'active' },
      ],
      interactions: [],
      contactsCompleteness: 'complete',
      interactionsCompleteness: 'complete',
      problems: [],
      requests: 3,
      api,
    }),
  };
}

describe('API notes through the real run', () => {
  let report: ReportJson;
  let text = '';
  let page = '';

  beforeAll(async () => {
    const table = await freshTable();
    const config = parseConfig(
      {
        profiles: [
          {
            id: 'ada',
            sources: [
              { type: 'x', exports: 'exports/x', api: { accessToken: { env: 'X_ACCESS_TOKEN' }, refreshToken: { file: 'secrets/x-refresh' }, clientId: 'client-1' } },
              { type: 'instagram', exports: 'exports/ig', api: { accessToken: { env: 'IG_TOKEN', secretName: 'followback/ada/instagram' } } },
            ],
            report: { recipients: ['you@example.com'], sender: 'fb@example.com' },
          },
        ],
      },
      'api notes test',
    );
    const profile = config.profiles[0] as ProfileConfig;
    const outDir = await mkdtemp(join(tmpdir(), 'fb-api-notes-'));
    const sources = [
      source('x', 'x', { network: 'x', ok: true, spentUsd: 0.42, monthSpentUsd: 3.1, maxSpendUsd: 1, maxSpendUsdPerMonth: 10, skipped: ['who liked 12 older posts'], token: { expiresAt: '2026-11-25T10:00:00.000Z', refreshedAt: NOW } }),
      source('instagram', 'instagram', { network: 'instagram', ok: false, skipped: [], token: { problem: 'expired' } }),
    ];
    const result = await runReport({ profile, now: new Date(NOW), dryRun: false }, { store: table.store, sourcesFor: () => sources, mailer: new OutboxMailer({ dir: outDir }) });
    report = ReportJson.parse(JSON.parse(result.report?.json ?? 'null'));
    text = (result.report?.text ?? '').replace(/\s+/g, ' ');
    const parsed = parseHtml(result.report?.html ?? '');
    expect(parsed.errors).toEqual([]);
    page = textOf(parsed.document).replace(/\s+/g, ' ');
  }, 120_000);

  it('the report JSON carries each API source with its token place, and the notice', () => {
    expect(report.apiSources?.map((s) => [s.sourceId, s.tokenRef])).toEqual([
      ['x', { accessToken: { env: 'X_ACCESS_TOKEN' }, refreshToken: { file: 'secrets/x-refresh' } }],
      ['instagram', { accessToken: { env: 'IG_TOKEN', secretName: 'followback/ada/instagram' } }],
    ]);
    expect(report.tokenNotices).toEqual([{ sourceId: 'instagram', network: 'instagram', kind: 'expired' }]);
  });

  it("X's spend and what the budget skipped, in the text and the HTML", () => {
    for (const body of [text, page]) {
      expect(body).toContain('X API: $0.42 this run, $3.10 this month (caps $1.00 / $10.00).');
      expect(body).toContain('skipped to stay within budget: who liked 12 older posts');
      expect(body).toContain('Instagram API: not read this run, so nothing only it shows was judged.');
    }
  });

  it('the expired Instagram token: the steps, and where the config keeps it', () => {
    for (const body of [text, page]) {
      expect(body).toContain('The Instagram token has expired, so followback could not read the Instagram API this run.');
      expect(body).toContain('and put it in the environment variable IG_TOKEN (local runs) or in the Secrets Manager secret followback/ada/instagram (deployed).');
    }
  });
});
