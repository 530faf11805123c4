/**
 * How each source's read of a network's official API went this run, for the
 * report (shared/report/build-report.ts, `apiSources` and `tokenNotices`): the
 * pull's `api` note (spend, skipped reads, the token's state) and, from the
 * profile's source config, where the token is kept, so the email can say
 * where to put a renewed one. Names only (a file path, an environment variable,
 * a Secrets Manager secret): the config never holds a token's value, and nothing here
 * reads one.
 *
 * A pull that failed carries no note, and none is made up: the failure shows
 * among the stale sources with its reason. Sources not pulled this run (not
 * among the outcomes) say nothing.
 */
import type { SecretRef, SourceConfig } from '../config/schema.ts';
import type { ApiSourceJson, SecretNameJson } from '../report/report-schema.ts';
import type { PullOutcome } from './merge-pulls.ts';

export function apiNotes(sources: readonly SourceConfig[], outcomes: readonly PullOutcome[]): ApiSourceJson[] {
  // In the order of the configured sources; an outcome of a source no longer configured still shows (without the token's place).
  const order = new Map(sources.map((s, i) => [s.id, i]));
  const withNote = outcomes.flatMap((o) => (o.ok && o.pull.api !== undefined ? [{ outcome: o, note: o.pull.api }] : []));
  withNote.sort((a, b) => (order.get(a.outcome.sourceId) ?? Infinity) - (order.get(b.outcome.sourceId) ?? Infinity));
  return withNote.map(({ outcome, note }): ApiSourceJson => {
    const config = sources.find((s) => s.id === outcome.sourceId);
    const api: { accessToken: SecretRef; refreshToken?: SecretRef | undefined } | undefined = config !== undefined && 'api' in config ? config.api : undefined;
    return {
      sourceId: outcome.sourceId,
      network: note.network,
      ok: note.ok,
      ...(note.spentUsd !== undefined ? { spentUsd: note.spentUsd } : {}),
      ...(note.monthSpentUsd !== undefined ? { monthSpentUsd: note.monthSpentUsd } : {}),
      ...(note.maxSpendUsd !== undefined ? { maxSpendUsd: note.maxSpendUsd } : {}),
      ...(note.maxSpendUsdPerMonth !== undefined ? { maxSpendUsdPerMonth: note.maxSpendUsdPerMonth } : {}),
      skipped: note.skipped.map((x) => (typeof x === 'string' ? x : { ...x })),
      ...(note.token !== undefined ? { token: { ...note.token } } : {}),
      ...(api !== undefined
        ? {
            tokenRef: {
              accessToken: nameOf(api.accessToken),
              ...(api.refreshToken !== undefined ? { refreshToken: nameOf(api.refreshToken) } : {}),
            },
          }
        : {}),
    };
  });
}

/** The secret's names, copied field by field so nothing else a reference might carry reaches the report. */
function nameOf(secret: SecretRef): SecretNameJson {
  const ref: { env?: string | undefined; secretName?: string | undefined; file?: string | undefined } = secret;
  return {
    ...(ref.file !== undefined ? { file: ref.file } : {}),
    ...(ref.env !== undefined ? { env: ref.env } : {}),
    ...(ref.secretName !== undefined ? { secretName: ref.secretName } : {}),
  };
}
