/**
 * The largest report email we can think of, for the size tests: 100,000
 * contacts, hostile long names, handles, ids and profile URLs full of
 * characters that escaping lengthens, long critical replies quoted as
 * evidence, signed decision links under every row with a real keyring and a
 * long decision page URL, the 12-run trend chart, actions taken, decisions
 * made, notices, in either language and with any row cap.
 */
import { ReportConfig } from '../../../shared/config/schema.ts';
import { keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { decisionLinks } from '../../../shared/decide/links.ts';
import type { DecisionLinks } from '../../../shared/report/decision-links.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { Analysis, Figures } from '../../../shared/domain/analysis-types.ts';
import { buildMimeMessage } from '../../../shared/mail/mime.ts';
import { buildReport } from '../../../shared/report/build-report.ts';
import type { OwnerDecisionJson, ReportJson, ReportLocale } from '../../../shared/report/report-schema.ts';
import type { ActionTakenJson } from '../../../shared/report/actions-taken.ts';
import { syntheticInput } from '../../bench/synthetic-community.ts';

export const NOW = new Date('2026-11-25T08:00:00Z');
export const CONTACTS = 100_000;
/** The schema's bounds for report.maxRowsPerSection: its default and its maximum. */
export const DEFAULT_ROWS = ReportConfig.parse({ recipients: ['a@example.com'], sender: 'b@example.com' }).maxRowsPerSection;
export const MAX_ROWS = (ReportConfig.shape.maxRowsPerSection.unwrap() as unknown as { maxValue: number }).maxValue;

const LONG_CRITICISM = `Wrong & bad <again>: ${'you never test anything, and "it shows" — «évidemment» 🙄 '.repeat(8)}`;
/** A Lambda function URL is about this long; a custom domain with a path can be longer. */
const DECISIONS_URL = 'https://abcdefghijklmnopqrstuvwxyz234567.lambda-url.eu-south-1.on.aws/decide/followback-profile';
const PROFILE_ID = 'a-profile-id-as-long-as-a-slug-may-be-40';

let cached: Analysis | undefined;

/** 100,000 contacts with hostile text everywhere it can be; analysed once per test file. */
export function worstAnalysis(): Analysis {
  if (cached) return cached;
  const input = syntheticInput(CONTACTS, 100_000, NOW);
  // Ids as long as a Bluesky DID and more: they end up in every contact key, so in every signed link.
  const id = (plain: string): string => `did:plc:${plain.padStart(40, 'z')}`;
  input.current = input.current.map((c, k) => ({
    ...c,
    id: id(c.id),
    handle: `@${'member'.repeat(8)}_${k}@a-rather-long-instance-name.example`,
    displayName: `Ünïcødé & <Söme> "Name" ${k} ${'🌍&<'.repeat(30)}`,
    profileUrl: `https://a-rather-long-instance-name.example/@${'member'.repeat(5)}_${k}?ref=${'x'.repeat(200)}&a="<b>"`,
  }));
  input.previous = input.previous.map((c) => ({ ...c, id: id(c.id) }));
  input.interactions = input.interactions.map((i) => ({
    ...i,
    contactId: id(i.contactId),
    ...(i.text !== undefined && i.text.startsWith('Wrong') ? { text: LONG_CRITICISM } : {}),
  }));
  input.classifiers = { tone: (text) => (text.startsWith('Wrong') || text.includes('bad idea') ? 'negative' : 'positive'), toneClassifier: 'test' };
  cached = analyse(input);
  return cached;
}

/** Eleven earlier weekly runs: with this one, the chart's full 12. */
function trend(figures: Figures): { at: string; figures: Figures }[] {
  return Array.from({ length: 11 }, (_, i) => ({
    at: new Date(NOW.getTime() - (i + 1) * 7 * 86_400_000).toISOString(),
    figures: { ...figures, followers: figures.followers - 1000 * (i + 1), following: figures.following + 777 * (i + 1), engagedFollowerShare: Math.max(0, figures.engagedFollowerShare - 0.01 * i) },
  }));
}

function decisions(analysis: Analysis): OwnerDecisionJson[] {
  return analysis.verdicts.slice(0, 40).map((v, i) => ({
    contact: v.key,
    handle: v.handle,
    decision: (['keep', 'snooze', 'unfollow', 'follow_back'] as const)[i % 4] ?? 'keep',
    ...(i % 4 === 1 ? { until: '2027-01-01T00:00:00.000Z' } : {}),
    at: new Date(NOW.getTime() - (i + 1) * 3_600_000).toISOString(),
  }));
}

function actions(analysis: Analysis): ActionTakenJson[] {
  return analysis.verdicts.slice(40, 70).map((v, i) => ({
    id: `act-${i}-${'x'.repeat(20)}`,
    at: new Date(NOW.getTime() - (i + 1) * 3_600_000).toISOString(),
    action: i % 2 === 0 ? 'unfollow' : 'follow',
    contact: v.key,
    handle: v.handle,
    outcome: (['done', 'skipped', 'failed'] as const)[i % 3] ?? 'done',
    confirmedBy: 'link',
    reason: `The server said <no> & ${'again '.repeat(20)}`,
  }));
}

let base: ReportJson | undefined;

/** Built once (sorting 100,000 contacts takes seconds); the language and the row cap are only read when rendering. */
export function worstReport(locale: ReportLocale, maxRowsPerSection: number): ReportJson {
  base ??= buildWorst();
  return { ...base, meta: { ...base.meta, locale, maxRowsPerSection } };
}

function buildWorst(): ReportJson {
  const analysis = worstAnalysis();
  return buildReport({
    locale: 'en',
    maxRowsPerSection: DEFAULT_ROWS,
    profileId: PROFILE_ID,
    profileName: `Ünïcødé <profile> & "name" ${'🌍'.repeat(40)}`,
    runId: `run-${'0'.repeat(30)}`,
    generatedAt: NOW.toISOString(),
    dryRun: false,
    analysis,
    trend: trend(analysis.figures),
    sourceProblems: [{ sourceId: 'other-source', platform: 'mastodon', problems: Array.from({ length: 12 }, (_, i) => `skipped record ${i}: <bad> & ${'wrong '.repeat(40)}`) }],
    classifierProblems: [`The classifier failed: ${'<timeout> & '.repeat(40)}`],
    decisionsSince: decisions(analysis),
    actions: actions(analysis),
  });
}

/** Signed links as the decision page's deployment makes them: a fresh random key, the stack's URL. */
export const WORST_KEYRING = keyringOf(newKeyringJson('k20261125'));

export function worstLinks(): DecisionLinks {
  return decisionLinks({ baseUrl: DECISIONS_URL, keyring: WORST_KEYRING, profileId: PROFILE_ID, now: NOW });
}

/**
 * The HTML part as it travels: the body of the text/html part of the message
 * the mailer sends (quoted-printable), between its headers and the next boundary.
 */
export async function encodedHtmlPart(html: string, text: string): Promise<{ encoding: string; bytes: number }> {
  const raw = await buildMimeMessage({ from: 'b@example.com', to: ['a@example.com'], subject: 'size', text, html, boundary: 'sizeboundary', date: NOW });
  const start = raw.search(/Content-Type: text\/html[^\r]*\r\n/);
  if (start < 0) throw new Error('no text/html part in the message');
  const headersEnd = raw.indexOf('\r\n\r\n', start);
  const encoding = /Content-Transfer-Encoding: ([^\r]+)/.exec(raw.slice(start, headersEnd))?.[1] ?? '7bit';
  const end = raw.indexOf('\r\n----_', headersEnd);
  return { encoding, bytes: Buffer.byteLength(raw.slice(headersEnd + 4, end < 0 ? undefined : end), 'ascii') };
}
