/**
 * Decisions become suggestions, on DynamoDB Local: a report run stores the
 * contacts with their reasons; the owner presses Keep, Snooze and Unfollow on
 * the decision page (the real handler, the real DynamoStore and decision
 * ledger), which now records what each contact was suggested for; the next
 * report's app part reads the decisions back and suggests the config change.
 * Decisions stored before the reason was recorded still read, and count for
 * nothing.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { decidedContacts, decisionSuggestions } from '../../../shared/app/decision-suggestions.ts';
import { ProfileConfig } from '../../../shared/config/schema.ts';
import { handleDecision, type DecideDeps } from '../../../shared/decide/handler.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { signToken } from '../../../shared/decide/token.ts';
import type { ContactVerdict, Figures, ReasonCode, TrackedContact } from '../../../shared/domain/analysis-types.ts';
import { FiguresSchema } from '../../../shared/domain/figures-schema.ts';
import type { RunRecord } from '../../../shared/ports/store.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';

const DAY = 86_400_000;
const reportAt = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000);
const decidedAt = new Date(reportAt.getTime() + 3_600_000);
const daysBefore = (d: number): string => new Date(reportAt.getTime() - d * DAY).toISOString();

const profile = ProfileConfig.parse({
  id: 'ada',
  sources: [{ type: 'demo', id: 'masto' }],
  audience: { languages: ['en', 'it'] },
  report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
});

function stored(id: string, reasons: ReasonCode[], extra: Partial<TrackedContact> = {}): TrackedContact & { reasons: ReasonCode[] } {
  return {
    id,
    handle: `${id}@example.social`,
    displayName: id,
    bio: '',
    relation: 'following',
    state: 'active',
    sourceId: 'masto',
    platform: 'demo',
    followedAt: daysBefore(300),
    firstSeenAt: daysBefore(300),
    lastSeenAt: reportAt.toISOString(),
    previousReasons: reasons,
    previousRecommendation: 'review',
    reasons,
    ...extra,
  };
}

const zeroFigures = Object.fromEntries(Object.keys(FiguresSchema.shape).map((k) => [k, 0])) as unknown as Figures;

describe('decisions from the page become suggestions (DynamoDB Local)', () => {
  let table: FreshTable;
  const keyringJson = newKeyringJson('k1');
  const keyring = keyringOf(keyringJson);
  // Ten Spanish speakers suggested as outside the audience, ten one-sided ties (you gave each 6..15 likes).
  const spanish = Array.from({ length: 10 }, (_, i) => `es${i}`);
  const oneSided = Array.from({ length: 10 }, (_, i) => `os${i}`);

  const deps = (): DecideDeps => ({ keyring: async () => keyring, profile: (id) => (id === profile.id ? profile : undefined), decisions: table.store, ledger: table.store.decisionLedger(), clock: () => decidedAt });

  async function press(action: 'keep' | 'snooze' | 'unfollow', ids: string[]): Promise<void> {
    const { token } = signToken({ profile: 'ada', keys: ids.map((id) => `masto:${id}`), action, now: reportAt }, keyring);
    const body = new URLSearchParams({ t: token, ...(action === 'unfollow' ? { confirm: String(ids.length) } : {}) }).toString();
    const res = await handleDecision({ method: 'POST', path: '/decide', query: {}, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, deps());
    expect(res.status, res.body).toBe(200);
  }

  beforeAll(async () => {
    table = await freshTable();
    const at = reportAt.toISOString();
    const run: RunRecord = { profileId: 'ada', runId: 'r1', at, startedAt: at, finishedAt: at, dryRun: false, figures: zeroFigures, sources: [], writes: { contactsWritten: 0, contactsRemoved: 0, interactionsWritten: 0, sourcesWritten: 0, items: 0 } };
    await table.store.applyRun(
      'ada',
      {
        contacts: [...spanish.map((id) => stored(id, ['out_of_audience'], { languages: ['es'] })), ...oneSided.map((id) => stored(id, ['one_sided'], { lifetime: { inbound: 0, outbound: 20 } }))],
        removedContactKeys: [],
        interactions: [],
        sources: [],
        run,
      },
      730,
    );
    await press('keep', spanish.slice(0, 8));
    await press('snooze', spanish.slice(8, 9));
    await press('unfollow', spanish.slice(9));
    await press('keep', oneSided.slice(0, 9));
    await press('unfollow', oneSided.slice(9));
    // A keep stored before the reason was recorded (as `followback keep` or an older page wrote it).
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'P#ada', sk: 'D#masto:old', entity: 'decision', contact: 'masto:old', kind: 'allow', at: daysBefore(40) } }));
  }, 120_000);

  it('the page stores what each contact was suggested for, with its facts, beside the decision', async () => {
    const state = await table.store.loadProfileState('ada');
    expect(state.decisions.find((d) => d.contact === 'masto:es0')).toMatchObject({ kind: 'allow', suggestedFor: { reasons: ['out_of_audience'], recommendation: 'review', facts: { language: 'es', observedDays: 300 } } });
    expect(state.decisions.find((d) => d.contact === 'masto:es8')).toMatchObject({ kind: 'snooze', suggestedFor: { reasons: ['out_of_audience'] } });
    const actions = await table.store.decisionLedger().listConfirmedActions('ada');
    expect(actions.find((a) => a.key === 'masto:es9')).toMatchObject({ action: 'unfollow', status: 'pending', suggestedFor: { reasons: ['out_of_audience'] } });
    // The older decision reads as before.
    expect(state.decisions.find((d) => d.contact === 'masto:old')).toEqual({ contact: 'masto:old', kind: 'allow', at: daysBefore(40) });
  });

  it('the next report suggests adding "es" and raising oneSidedThreshold, with the figures', async () => {
    const state = await table.store.loadProfileState('ada');
    const confirmedActions = await table.store.decisionLedger().listConfirmedActions('ada');
    // This run's verdicts: your likes to the one-sided ties in the window (6..15), the only fact the page cannot record.
    const verdicts = oneSided.map((id, i) => ({ key: `masto:${id}`, stats: { observedDays: 301, outboundInWindow: 6 + i } }) as unknown as ContactVerdict);
    const now = new Date(decidedAt.getTime() + DAY).toISOString();
    const input = { now, policy: profile.policy, audience: profile.audience, decisions: state.decisions, confirmedActions, verdicts, contacts: state.contacts };

    expect(decidedContacts(input)).toHaveLength(20); // the old keep recorded no reason: not counted
    const { configSuggestions, decisionTallies } = decisionSuggestions(input);
    expect(decisionTallies).toEqual([
      { reason: 'one_sided', decided: 10, kept: 9, snoozed: 0, acted: 1 },
      { reason: 'out_of_audience', decided: 10, kept: 8, snoozed: 1, acted: 1 },
    ]);
    expect(configSuggestions).toEqual([
      // Kept outbound counts 6..14: seven of nine below 13.
      { reason: 'one_sided', setting: 'policy.oneSidedThreshold', change: 'raise', current: 5, to: 13, decided: 10, kept: 9, snoozed: 0, acted: 1, measured: 9, leftOut: 7 },
      { reason: 'out_of_audience', setting: 'audience.languages', change: 'add', language: 'es', decided: 10, kept: 8, snoozed: 1, acted: 1 },
    ]);
  });

  it('nothing to suggest while too few decisions are in', async () => {
    const state = await table.store.loadProfileState('ada');
    const few = state.decisions.filter((d) => ['masto:es0', 'masto:es1', 'masto:es2'].includes(d.contact));
    expect(decisionSuggestions({ now: decidedAt.toISOString(), policy: profile.policy, audience: profile.audience, decisions: few, confirmedActions: [], verdicts: [], contacts: state.contacts })).toEqual({
      decisionTallies: [{ reason: 'out_of_audience', decided: 3, kept: 3, snoozed: 0, acted: 0 }],
    });
  });
});

describe('a report run carries the suggestions (the CLI on DynamoDB Local, the demo community)', () => {
  it('keeps recorded with their reason on stored contacts come back as configSuggestions in the report JSON', async () => {
    const { join } = await import('node:path');
    const { cli, readReport, tempDir, writeJson } = await import('../cli/cli-harness.ts');
    const table = await freshTable();
    const dir = await tempDir('fb-suggestions-');
    const raw = { id: 'demo', sources: [{ type: 'demo' }], audience: { languages: ['en'] }, report: { recipients: ['ada@example.com'], sender: 'fb@example.com' } };
    await writeJson(join(dir, 'followback.config.json'), { profiles: [raw], storage: { endpoint: table.endpoint, tableName: table.tableName }, delivery: { type: 'outbox', dir: 'out' } });
    const first = await cli(['run', '--now', '2026-11-23T06:00:00Z'], dir);
    expect(first.code, first.stderr).toBe(0);

    // `followback keep` on a contact the report suggested removing records what it was suggested for.
    const stored = (await table.store.loadProfileState('demo')).contacts;
    const suggestedOne = stored.find((c) => c.previousRecommendation === 'unfollow' || c.previousRecommendation === 'review');
    if (suggestedOne === undefined) throw new Error('the demo community has no suggested contact');
    const keep = await cli(['keep', `${suggestedOne.sourceId}:${suggestedOne.id}`], dir);
    expect(keep.code, keep.stderr).toBe(0);
    const kept = (await table.store.loadProfileState('demo')).decisions.find((d) => d.contact === `${suggestedOne.sourceId}:${suggestedOne.id}`);
    expect(kept?.suggestedFor?.reasons).toEqual(suggestedOne.previousReasons);
    expect(kept?.suggestedFor?.recommendation).toBe(suggestedOne.previousRecommendation);

    // The owner kept eight contacts suggested as outside the audience, all writing Spanish, and unfollowed two.
    const contacts = stored.filter((c) => c !== suggestedOne).slice(0, 10);
    expect(contacts).toHaveLength(10);
    for (const [i, c] of contacts.entries()) {
      const suggestedFor = { reasons: ['out_of_audience' as const], facts: { language: 'es' } };
      const at = `2026-11-2${4 + (i % 3)}T10:00:00.000Z`;
      if (i < 8) await table.store.putDecision('demo', { contact: `${c.sourceId}:${c.id}`, kind: 'allow', at, suggestedFor });
      else await table.store.decisionLedger().putConfirmedAction('demo', { key: `${c.sourceId}:${c.id}`, action: 'unfollow', confirmedAt: at, tokenId: `t${i}`, status: 'pending', suggestedFor });
    }
    const second = await cli(['run', '--now', '2026-11-30T06:00:00Z'], dir);
    expect(second.code, second.stderr).toBe(0);
    const report = await readReport(join(dir, 'out'), '2026-11-30');
    expect(report.configSuggestions?.filter((c) => c.setting === 'audience.languages')).toEqual([{ reason: 'out_of_audience', setting: 'audience.languages', change: 'add', language: 'es', decided: 10, kept: 8, snoozed: 0, acted: 2 }]);
    // The contact kept with `followback keep` counts under its own reasons too.
    const outOfAudience = (suggestedOne.previousReasons ?? []).includes('out_of_audience') ? 1 : 0;
    expect(report.decisionTallies).toContainEqual({ reason: 'out_of_audience', decided: 10 + outOfAudience, kept: 8 + outOfAudience, snoozed: 0, acted: 2 });

    // The owner asks for more before a suggestion (report.suggestions.keptShare 0.9): 8 of 10 kept no longer suggest "es".
    await writeJson(join(dir, 'followback.config.json'), { profiles: [{ ...raw, report: { ...raw.report, suggestions: { keptShare: 0.9 } } }], storage: { endpoint: table.endpoint, tableName: table.tableName }, delivery: { type: 'outbox', dir: 'out' } });
    const third = await cli(['run', '--now', '2026-12-07T06:00:00Z'], dir);
    expect(third.code, third.stderr).toBe(0);
    const stricter = await readReport(join(dir, 'out'), '2026-12-07');
    expect(stricter.configSuggestions?.filter((c) => c.setting === 'audience.languages') ?? []).toEqual([]);
    expect(stricter.decisionTallies).toContainEqual({ reason: 'out_of_audience', decided: 10 + outOfAudience, kept: 8 + outOfAudience, snoozed: 0, acted: 2 });
  }, 180_000);
});
