/**
 * Turns one run's `Analysis` into the report JSON: the sections the email
 * shows, in display order, and every verdict for the CSV. Pure: no I/O, no clock.
 */
import { REASON_CODES } from '../domain/analysis-types.ts';
import type { Analysis, ContactVerdict, Figures, ReasonCode } from '../domain/analysis-types.ts';
import { REPORT_SCHEMA_VERSION, UNFOLLOW_REASON_ORDER } from './report-schema.ts';
import type { ActionTakenJson } from './actions-taken.ts';
import type { ConfigSuggestion, DecisionTally } from '../domain/suggestions.ts';
import type { ApiSourceJson, ExportReminderJson, ListSection, NoticeJson, OwnerDecisionJson, ReportContact, ReportJson, ReportLocale, TokenNoticeJson, UnfollowGroup } from './report-schema.ts';

export interface ReportInput {
  profileId: string;
  profileName?: string;
  locale: ReportLocale;
  runId: string;
  generatedAt: string;
  dryRun: boolean;
  analysis: Analysis;
  /**
   * Empty `analysis.verdicts` while their report copies are made, each verdict let go once copied: the run's
   * report step does not need them after, and a million verdicts and their copies do not fit side by side in
   * a 1 GB function. Off by default (the analysis is left as it was given).
   */
  consumeVerdicts?: boolean;
  /** Previous runs, newest first. */
  trend: { at: string; figures: Figures }[];
  maxRowsPerSection: number;
  /** Problems of complete pulls, and of the tone classifier: shown as notices. */
  sourceProblems?: { sourceId: string; platform: string; problems: string[] }[];
  classifierProblems?: string[];
  /** The tone classifier answered, but in part by the local one (a cost cap, a failure) or without the owner's labels. */
  classifierNotices?: string[];
  /** The previous report was delivered but not stored: its changes show again in this one. */
  previousUnstored?: { at: string; reason: string };
  /** What the owner decided since the previous report (stored decisions and confirmed actions newer than it). */
  decisionsSince?: OwnerDecisionJson[];
  /** Confirmed actions attempted since the previous report (the apply engine's audit), oldest first. */
  actions?: ActionTakenJson[];
  /** Every export source of the profile and its newest export read so far: the due ones become `exportReminders`. */
  exportSources?: ExportSourceAge[];
  /** Every source that read an official API this run, with where its config keeps the token (shared/app/api-notes.ts). */
  apiSources?: ApiSourceJson[];
  /** What the owner did with earlier suggestions, per reason, and the config changes it suggests (shared/app/decision-suggestions.ts). */
  decisionTallies?: DecisionTally[];
  configSuggestions?: ConfigSuggestion[];
}

/** One export source's newest export read so far (this run's, or the last one read), and its `exportReminderDays`. */
export interface ExportSourceAge {
  sourceId: string;
  platform: string;
  /** Absent when no export was ever read. */
  newestExportAt?: string;
  reminderDays: number;
}

const DAY_MS = 86_400_000;

export function buildReport(input: ReportInput): ReportJson {
  const { analysis } = input;
  const contacts = reportContactsOf(analysis.verdicts, input.consumeVerdicts === true).sort(byHandle);

  const unfollowGroups = groupUnfollows(contacts.filter((c) => c.recommendation === 'unfollow'));
  const windowMs = Date.parse(analysis.now) - Date.parse(analysis.windowStart);
  const exportReminders = exportRemindersOf(input.exportSources ?? [], analysis.now);
  const apiSources = input.apiSources ?? [];
  const tokenNotices = tokenNoticesOf(apiSources, analysis.now);

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    meta: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      profileId: input.profileId,
      ...(input.profileName !== undefined ? { profileName: input.profileName } : {}),
      runId: input.runId,
      generatedAt: input.generatedAt,
      windowStart: analysis.windowStart,
      windowEnd: analysis.now,
      lookbackDays: Number.isFinite(windowMs) ? Math.max(0, Math.round(windowMs / DAY_MS)) : 0,
      locale: input.locale,
      dryRun: input.dryRun,
      maxRowsPerSection: Math.max(1, Math.floor(input.maxRowsPerSection)),
      ...(analysis.sources !== undefined
        ? { sources: analysis.sources.map((s) => ({ ...s, inbound: [...s.inbound], outbound: [...s.outbound], inboundHidden: [...s.inboundHidden] })) }
        : {}),
    },
    figures: { ...analysis.figures },
    deltas: analysis.deltas ? { ...analysis.deltas } : null,
    trend: [...input.trend].sort((a, b) => b.at.localeCompare(a.at)).map((t) => ({ at: t.at, figures: { ...t.figures } })),
    staleSources: analysis.staleSources.map((s) => ({ ...s, problems: [...s.problems] })),
    notices: noticesOf(input),
    ...(exportReminders.length > 0 ? { exportReminders } : {}),
    ...(apiSources.length > 0 ? { apiSources: apiSources.map(copyApiSource) } : {}),
    ...(tokenNotices.length > 0 ? { tokenNotices } : {}),
    sections: {
      unfollow: { count: unfollowGroups.reduce((n, g) => n + g.count, 0), groups: unfollowGroups },
      review: listSection(contacts.filter((c) => c.recommendation === 'review'), criticsFirst),
      followBack: listSection(contacts.filter((c) => c.recommendation === 'follow_back'), mostEngagedFirst),
      newFollowers: listSection(contacts.filter((c) => c.reasons.includes('new_follower')), mostEngagedFirst),
      lostFollowers: listSection(contacts.filter((c) => c.reasons.includes('lost_follower')), byHandle),
      topSupporters: listSection(contacts.filter((c) => c.reasons.includes('top_supporter')), mostEngagedFirst),
    },
    contacts,
    ...(input.actions !== undefined && input.actions.length > 0 ? { actions: [...input.actions] } : {}),
    ...(input.decisionsSince !== undefined && input.decisionsSince.length > 0
      ? { ownerDecisions: [...input.decisionsSince].sort((a, b) => a.at.localeCompare(b.at) || a.contact.localeCompare(b.contact)) }
      : {}),
    ...(input.decisionTallies !== undefined && input.decisionTallies.length > 0 ? { decisionTallies: input.decisionTallies.map((t) => ({ ...t })) } : {}),
    ...(input.configSuggestions !== undefined && input.configSuggestions.length > 0 ? { configSuggestions: input.configSuggestions.map((s) => ({ ...s })) } : {}),
  };
}

/**
 * The export sources due for a new export: the newest export read is older
 * than the source's reminder days (strictly, by the clock), or none was ever
 * read. An export dated after the run (a backfill) counts as 0 days old.
 */
export function exportRemindersOf(sources: readonly ExportSourceAge[], now: string): ExportReminderJson[] {
  const nowMs = Date.parse(now);
  return sources.flatMap((s): ExportReminderJson[] => {
    const base = { sourceId: s.sourceId, platform: s.platform, reminderDays: s.reminderDays };
    const at = s.newestExportAt !== undefined ? Date.parse(s.newestExportAt) : Number.NaN;
    if (Number.isNaN(at)) return [base];
    const ageMs = Math.max(0, nowMs - at);
    if (!(ageMs > s.reminderDays * DAY_MS)) return [];
    return [{ ...base, newestExportAt: new Date(at).toISOString(), daysSince: Math.floor(ageMs / DAY_MS) }];
  });
}

/** A token expiring within this many days (and with no problem yet) gets a reminder. */
export const TOKEN_REMINDER_DAYS = 7;

/**
 * The API tokens the owner must renew, or soon may have to: a token with a
 * problem (expired, refused, refresh failed, a permission missing); one whose
 * expiry has passed though the read said nothing (counted as expired); and one
 * that expires within TOKEN_REMINDER_DAYS (inclusive) with no problem yet. X
 * with a refresh token is left out of the last two: its access tokens last two
 * hours and followback refreshes them before each read, so their expiry says
 * nothing the owner must act on (without one, or when the config was not at
 * hand to say, the date counts as for the others).
 */
export function tokenNoticesOf(sources: readonly ApiSourceJson[], now: string): TokenNoticeJson[] {
  const nowMs = Date.parse(now);
  // A token that fails now first, then the ones that expire soon; otherwise in the order of the sources.
  const notices = sources.flatMap((s): TokenNoticeJson[] => {
    const token = s.token;
    if (token === undefined) return [];
    const expiresMs = token.expiresAt !== undefined ? Date.parse(token.expiresAt) : Number.NaN;
    const base = { sourceId: s.sourceId, network: s.network, ...(token.expiresAt !== undefined && !Number.isNaN(expiresMs) ? { expiresAt: new Date(expiresMs).toISOString() } : {}) };
    if (token.problem !== undefined) return [{ ...base, kind: token.problem }];
    if ((s.network === 'x' && s.tokenRef?.refreshToken !== undefined) || Number.isNaN(expiresMs)) return [];
    if (expiresMs <= nowMs) return [{ ...base, kind: 'expired' }];
    const leftMs = expiresMs - nowMs;
    if (leftMs > TOKEN_REMINDER_DAYS * DAY_MS) return [];
    return [{ ...base, kind: 'expires_soon', daysLeft: Math.floor(leftMs / DAY_MS) }];
  });
  return [...notices.filter((n) => n.kind !== 'expires_soon'), ...notices.filter((n) => n.kind === 'expires_soon')];
}

function copyApiSource(s: ApiSourceJson): ApiSourceJson {
  return {
    ...s,
    skipped: s.skipped.map((x) => (typeof x === 'string' ? x : { ...x })),
    ...(s.token !== undefined ? { token: { ...s.token } } : {}),
    ...(s.tokenRef !== undefined ? { tokenRef: { accessToken: { ...s.tokenRef.accessToken }, ...(s.tokenRef.refreshToken !== undefined ? { refreshToken: { ...s.tokenRef.refreshToken } } : {}) } } : {}),
  };
}

/** The reason a suggested unfollow is filed under: the first one in the fixed order. */
export function primaryUnfollowReason(reasons: readonly ReasonCode[]): ReasonCode | undefined {
  return UNFOLLOW_REASON_ORDER.find((r) => reasons.includes(r)) ?? REASON_CODES.find((r) => reasons.includes(r));
}

function groupUnfollows(unfollows: ReportContact[]): UnfollowGroup[] {
  const byReason = new Map<ReasonCode, ReportContact[]>();
  for (const c of unfollows) {
    // An unfollow without a reason would break "every recommendation carries its reasons"; file it where it is visible.
    const reason = primaryUnfollowReason(c.reasons) ?? 'never_engaged';
    const members = byReason.get(reason);
    if (members === undefined) byReason.set(reason, [c]);
    else members.push(c); // pushed, not copied: a copy per contact made this quadratic (6 s of CPU at 100,000 contacts, 38 s at 250,000)
  }
  const order: ReasonCode[] = [...UNFOLLOW_REASON_ORDER, ...REASON_CODES.filter((r) => !(UNFOLLOW_REASON_ORDER as readonly string[]).includes(r))];
  return order.flatMap((reason) => {
    const members = byReason.get(reason);
    if (!members) return [];
    const keys = [...members].sort(leastEngagedFirst).map((c) => c.key);
    return [{ reason, count: keys.length, keys }];
  });
}

function listSection(members: ReportContact[], order: (a: ReportContact, b: ReportContact) => number): ListSection {
  const keys = [...members].sort(order).map((c) => c.key);
  return { count: keys.length, keys };
}

/** One collator for every comparison: `localeCompare` with a locale builds one per call (most of a sort's time at 1M contacts). */
const EN = new Intl.Collator('en');

function byHandle(a: ReportContact, b: ReportContact): number {
  return EN.compare(a.handle, b.handle) || EN.compare(a.key, b.key);
}

/** Strongest candidates for removal first: least engagement, then followed the longest. */
function leastEngagedFirst(a: ReportContact, b: ReportContact): number {
  return (
    a.stats.inboundTotal - b.stats.inboundTotal ||
    a.stats.score - b.stats.score ||
    (b.stats.followedForDays ?? 0) - (a.stats.followedForDays ?? 0) ||
    byHandle(a, b)
  );
}

/**
 * Review: those judged on the tone of their replies first. Ranked by engagement alone they came last (a
 * critic engages), past the rows the email shows, so the owner never saw the quoted criticism to confirm
 * or to correct with "this is not criticism".
 */
function criticsFirst(a: ReportContact, b: ReportContact): number {
  const critic = (c: ReportContact): number => (c.reasons.includes('critic_only') ? 0 : 1);
  return critic(a) - critic(b) || leastEngagedFirst(a, b);
}

function mostEngagedFirst(a: ReportContact, b: ReportContact): number {
  return b.stats.score - a.stats.score || b.stats.inboundInWindow - a.stats.inboundInWindow || byHandle(a, b);
}

/** Every verdict as a report contact, in the verdicts' order; `consume`: taken from the end of `verdicts`, which is left empty. */
function reportContactsOf(verdicts: ContactVerdict[], consume: boolean): ReportContact[] {
  if (!consume) return verdicts.map((v) => toReportContact(v, false));
  const contacts: ReportContact[] = new Array<ReportContact>(verdicts.length);
  for (let k = verdicts.length - 1; k >= 0; k--) {
    const verdict = verdicts.pop();
    if (verdict !== undefined) contacts[k] = toReportContact(verdict, true);
  }
  return contacts;
}

/** `share`: the verdict is let go after, so its arrays and counts by kind are taken as they are, not copied. */
function toReportContact(v: ContactVerdict, share: boolean): ReportContact {
  const evidence: Record<string, Record<string, string | number | boolean | string[]>> = {};
  for (const code of REASON_CODES) {
    const facts = v.evidence[code];
    if (facts) evidence[code] = definedOnly(facts, share);
  }
  const s = v.stats;
  return {
    key: v.key,
    sourceId: v.sourceId,
    platform: v.platform,
    id: v.id,
    handle: v.handle,
    displayName: v.displayName,
    ...(v.profileUrl !== undefined ? { profileUrl: v.profileUrl } : {}),
    relation: v.relation,
    state: v.state,
    recommendation: v.recommendation,
    reasons: share ? v.reasons : [...v.reasons],
    // Same keys and values as the verdict's typed evidence, minus undefined values.
    evidence: evidence as ReportContact['evidence'],
    stats: {
      inboundInWindow: s.inboundInWindow,
      inboundByKind: share ? s.inboundByKind : { ...s.inboundByKind },
      outboundInWindow: s.outboundInWindow,
      inboundTotal: s.inboundTotal,
      outboundTotal: s.outboundTotal,
      ...(s.lastInboundAt !== undefined ? { lastInboundAt: s.lastInboundAt } : {}),
      ...(s.lastOutboundAt !== undefined ? { lastOutboundAt: s.lastOutboundAt } : {}),
      ...(s.followedForDays !== undefined ? { followedForDays: s.followedForDays } : {}),
      observedDays: s.observedDays,
      score: s.score,
    },
    ...(v.followedAt !== undefined ? { followedAt: v.followedAt } : {}),
    ...(v.lastPostAt !== undefined ? { lastPostAt: v.lastPostAt } : {}),
    stale: v.stale,
  };
}

/** JSON has no `undefined`; dropping it here keeps the object equal to its parsed copy. */
function definedOnly(facts: object, share: boolean): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [k, value] of Object.entries(facts)) if (value !== undefined) out[k] = Array.isArray(value) && !share ? [...(value as string[])] : value;
  return out;
}

function noticesOf(input: ReportInput): NoticeJson[] {
  const stale = new Set(input.analysis.staleSources.map((s) => s.sourceId));
  return [
    ...(input.previousUnstored !== undefined ? [{ kind: 'previous_run_unstored' as const, at: input.previousUnstored.at, reason: input.previousUnstored.reason }] : []),
    ...input.analysis.unmatchedDecisions.map((u): NoticeJson => ({
      kind: 'unmatched_decision',
      decision: u.kind,
      entry: u.entry,
      ...(u.closest !== undefined ? { closest: u.closest } : {}),
    })),
    ...(input.classifierProblems ?? []).map((detail): NoticeJson => ({ kind: 'classifier_failed', detail })),
    ...(input.classifierNotices ?? []).map((detail): NoticeJson => ({ kind: 'classifier_fallback', detail })),
    // A stale source already shows its problems in the stale banner.
    ...(input.sourceProblems ?? [])
      .filter((s) => s.problems.length > 0 && !stale.has(s.sourceId))
      .map((s): NoticeJson => ({ kind: 'source_problems', sourceId: s.sourceId, platform: s.platform, problems: [...s.problems] })),
  ];
}
