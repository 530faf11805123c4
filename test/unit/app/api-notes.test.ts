/**
 * How an API source's note travels from its pull to the report: a pull read over several steps
 * carries one note (spend added up, the latest month, caps and token, every skipped read), and
 * the report step joins each note with where the profile's config keeps the token (names only),
 * so the email can say where a renewed token goes.
 */
import { describe, expect, it } from 'vitest';
import { apiNoteOf, assemblePull } from '../../../shared/app/assemble-pull.ts';
import { apiNotes } from '../../../shared/app/api-notes.ts';
import type { PullOutcome } from '../../../shared/app/merge-pulls.ts';
import { SourceConfig } from '../../../shared/config/schema.ts';
import type { ApiNote, SourcePull } from '../../../shared/domain/model.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { NOW, reportInput } from '../report/analysis-fixture.ts';

const pull = (sourceId: string, platform: string, api?: ApiNote): SourcePull => ({
  sourceId,
  platform,
  takenAt: NOW,
  owner: { id: 'me', handle: 'me' },
  contacts: [],
  interactions: [],
  contactsCompleteness: 'complete',
  interactionsCompleteness: 'complete',
  problems: [],
  requests: 1,
  ...(api !== undefined ? { api } : {}),
});
const ok = (p: SourcePull): PullOutcome => ({ sourceId: p.sourceId, platform: p.platform, ok: true, pull: p });

describe('a pull read over several steps', () => {
  const step1: ApiNote = { network: 'x', ok: true, spentUsd: 0.3, monthSpentUsd: 2.98, maxSpendUsd: 1, maxSpendUsdPerMonth: 10, skipped: ['who liked 4 older posts'], token: { expiresAt: '2026-11-25T10:00:00.000Z' } };
  const step2: ApiNote = { network: 'x', ok: true, spentUsd: 0.12, monthSpentUsd: 3.1, maxSpendUsd: 1, maxSpendUsdPerMonth: 10, skipped: ['who liked 12 older posts', 'who liked 4 older posts'], token: { expiresAt: '2026-11-25T11:00:00.000Z', refreshedAt: NOW } };

  it("adds up what each step spent; the month, caps and token are the latest step's; every skipped read once", () => {
    expect(apiNoteOf([pull('x', 'x', step1), pull('x', 'x'), pull('x', 'x', step2)])).toEqual({
      network: 'x',
      ok: true,
      spentUsd: 0.42,
      monthSpentUsd: 3.1,
      maxSpendUsd: 1,
      maxSpendUsdPerMonth: 10,
      skipped: ['who liked 4 older posts', 'who liked 12 older posts'],
      token: { expiresAt: '2026-11-25T11:00:00.000Z', refreshedAt: NOW },
    });
  });

  it('failed if any step failed; no note without one', () => {
    expect(apiNoteOf([pull('x', 'x', step1), pull('x', 'x', { ...step2, ok: false })])?.ok).toBe(false);
    expect(apiNoteOf([pull('x', 'x'), pull('x', 'x')])).toBeUndefined();
  });

  it('the assembled pull carries it, and a pull without one stays without', () => {
    const source = { sourceId: 'x', platform: 'x', phase: 'complete' as const, parts: [1, 1], requests: 2, items: 2 };
    const assembled = assemblePull(source, [pull('x', 'x', step1), pull('x', 'x', step2)], new Date(NOW), 12);
    expect(assembled.ok && assembled.pull.api?.spentUsd).toBeCloseTo(0.42);
    const plain = assemblePull(source, [pull('x', 'x'), pull('x', 'x')], new Date(NOW), 12);
    expect(plain.ok && 'api' in plain.pull).toBe(false);
  });
});

describe("the report's API sources, with where the config keeps each token", () => {
  const sources = [
    SourceConfig.parse({ type: 'mastodon', instanceUrl: 'https://example.social', accessToken: { env: 'MASTODON_TOKEN' } }),
    SourceConfig.parse({
      type: 'x',
      exports: 'exports/x',
      api: { accessToken: { env: 'X_ACCESS_TOKEN' }, refreshToken: { env: 'X_REFRESH_TOKEN', secretName: 'followback/x-refresh' }, clientId: 'abc' },
    }),
    SourceConfig.parse({ type: 'instagram', id: 'ig-shop', exports: 'exports/ig', api: { accessToken: { env: 'IG_TOKEN', secretName: 'followback/ig' } } }),
    SourceConfig.parse({ type: 'threads', exports: 'exports/threads' }),
  ];
  const igNote: ApiNote = { network: 'instagram', ok: false, skipped: [], token: { problem: 'expired' } };
  const xNote: ApiNote = { network: 'x', ok: true, spentUsd: 0.42, monthSpentUsd: 3.1, maxSpendUsd: 1, maxSpendUsdPerMonth: 10, skipped: [] };

  it('one per pull that read an API, in config order, the token named by its env and secret, never a value', () => {
    const outcomes: PullOutcome[] = [
      ok(pull('ig-shop', 'instagram', igNote)),
      ok(pull('mastodon', 'mastodon')),
      ok(pull('x', 'x', xNote)),
      ok(pull('threads', 'threads')),
    ];
    expect(apiNotes(sources, outcomes)).toEqual([
      { sourceId: 'x', network: 'x', ok: true, spentUsd: 0.42, monthSpentUsd: 3.1, maxSpendUsd: 1, maxSpendUsdPerMonth: 10, skipped: [], tokenRef: { accessToken: { env: 'X_ACCESS_TOKEN' }, refreshToken: { env: 'X_REFRESH_TOKEN', secretName: 'followback/x-refresh' } } },
      { sourceId: 'ig-shop', network: 'instagram', ok: false, skipped: [], token: { problem: 'expired' }, tokenRef: { accessToken: { env: 'IG_TOKEN', secretName: 'followback/ig' } } },
    ]);
  });

  it('a failed pull has no note; a source no longer configured keeps its note without the place', () => {
    expect(apiNotes(sources, [{ sourceId: 'x', platform: 'x', ok: false, problem: 'HTTP 503' }])).toEqual([]);
    expect(apiNotes(sources, [ok(pull('old-ig', 'instagram', igNote))])).toEqual([{ sourceId: 'old-ig', network: 'instagram', ok: false, skipped: [], token: { problem: 'expired' } }]);
  });

  it('reaches the email: the renewal steps name the env var and the secret of that source', () => {
    const apiSources = apiNotes(sources, [ok(pull('ig-shop', 'instagram', igNote))]);
    const { text } = renderReport(buildReport({ ...reportInput(), apiSources }));
    expect(text.replace(/\s+/g, ' ')).toContain('and put it in the environment variable IG_TOKEN (local runs) or in the Secrets Manager secret followback/ig (deployed).');
  });
});
