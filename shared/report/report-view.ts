/**
 * What the email says, in the report's language, before any markup. The HTML
 * and the plain-text part are both drawn from this view, so they carry the same
 * content. Strings here are plain text (untrusted parts included): renderers escape.
 */
import { REASON_CODES } from '../domain/analysis-types.ts';
import { AccountState, type InteractionKind } from '../domain/model.ts';
import { capList, daysBetween, formatterFor, truncate } from './format.ts';
import type { DeltaDirection, Formatter } from './format.ts';
import { API_PERMISSIONS, NETWORK_NAMES, listed, messagesFor } from './i18n.ts';
import type { ExportNetworkId, Figure, FigureKey, KindNoun, Messages, SectionId, TokenPlace } from './i18n.ts';
import { safeHttpUrl } from './escape-html.ts';
import type { DecisionLinks } from './decision-links.ts';
import { decidedView, decisionRowLinks, linksWarning } from './decision-view.ts';
import { trendChartView, type TrendChartView } from './trend-chart.ts';
import { actionsView, type ActionsView } from './actions-taken.ts';
import type { ApiSourceJson, ReportContact, ReportJson, TokenNoticeJson } from './report-schema.ts';

export interface FigureView {
  key: FigureKey;
  label: string;
  value: string;
  delta: { text: string; direction: DeltaDirection; tone: DeltaTone } | null;
}

/** Whether a change is good news: more lost followers is an arrow up, and bad. */
export type DeltaTone = 'good' | 'bad' | 'neutral';

export interface RowView {
  key: string;
  name: string;
  handle: string;
  platform: string;
  relation: string;
  /** Validated http(s) URL, or null when the profile URL is missing or unsafe. */
  href: string | null;
  reasons: string;
  facts: string[];
  /** How many of the first facts are the sentences that explain the reasons (the rest: the window's figures, a stale note). */
  because?: number;
  /** An example of what they wrote (a critical reply, or a top supporter's latest), already shortened. */
  quote: string | null;
  /**
   * The quoted reply, when the evidence names it: the label the owner can give it from the email
   * ("this is not criticism" under a criticism, "this is criticism" under a supporter's reply).
   */
  quoteReply?: QuotedReply;
  /** The signed link that labels `quoteReply`, shown beside the quote (decision-view.ts). */
  quoteLink?: LinkView;
  /** Signed decision links (keep, snooze, unfollow / follow back), when the profile has a decision page. */
  actions?: LinkView[];
}

/** A quoted reply the owner can label: which one (its id and instant on the contact's source) and which way. */
export interface QuotedReply {
  label: 'not_criticism' | 'criticism';
  interactionId: string;
  at: string;
}

/** A link the owner clicks to decide: a validated http(s) URL. */
export interface LinkView {
  label: string;
  href: string;
}

export interface GroupView {
  /** Set for the reason groups of the unfollow section. */
  title: string | null;
  intro: string | null;
  rows: RowView[];
  /** "…and N more" when rows were cut, else null. */
  more: string | null;
  /** "Unfollow all N in this group", when the profile has a decision page. */
  bulk?: LinkView | null;
}

export interface SectionView {
  id: SectionId;
  title: string;
  intro: string;
  count: number;
  groups: GroupView[];
  /** Shown instead of groups when the section is empty. */
  empty: string | null;
}

export interface StaleView {
  title: string;
  sources: { line: string; problems: string[] }[];
  /** "…and N more" when the email's size budget left entries out, else absent or null. */
  more?: string | null;
}

/** The calm note near the top: export sources due for a new export, each with its network's steps. */
export interface ExportReminderView {
  title: string;
  items: { line: string; how: string | null }[];
  /** "…and N more" when the email's size budget left entries out, else null. */
  more: string | null;
}

/** API tokens to renew, near the top: `urgent` when one has a problem (not only a coming expiry). */
export interface TokenNoticesView {
  title: string;
  urgent: boolean;
  items: { line: string; how: string }[];
  /** "…and N more" when the email's size budget left entries out, else null. */
  more: string | null;
}

/** One source that read an official API: spend against the caps and the token, and what the budget skipped. */
export interface ApiLineView {
  line: string;
  skipped: string | null;
}

export interface TrendView {
  title: string;
  header: string[];
  rows: string[][];
}

/** The per-source "what it could see" table, and a note under it for each source whose removals stop at review. */
export interface SightView extends TrendView {
  notes: string[];
  /** One line per source that read an official API this run (absent when none did). */
  api?: ApiLineView[];
}

export interface ReportView {
  lang: string;
  configSuggestions?: ReportJson['configSuggestions'];
  title: string;
  summary: string;
  dryRunNote: string | null;
  /** Export sources due for a new export; null when none is (and in reports made before reminders). */
  exportReminders?: ExportReminderView | null;
  /** API tokens to renew, or that expire within a week; null when none (and in reports made before APIs). */
  tokenNotices?: TokenNoticesView | null;
  stale: StaleView | null;
  /** Things to check that are not about one contact (unmatched allowlist entries, classifier failures, pull problems). */
  notices: StaleView | null;
  figuresTitle: string;
  sinceLastRun: string;
  figures: FigureView[];
  trend: TrendView | null;
  /** The last runs as email-safe bars (shared/report/trend-chart.ts); null before a second run. */
  trendChart: TrendChartView | null;
  /** What was done on the owner's behalf since the last report; null when nothing was attempted. */
  actionsTaken: ActionsView | null;
  sections: SectionView[];
  /** What each source could and could not see; null for reports made before sources declared it. */
  sight?: SightView | null;
  footer: string[];
  /** What the owner decided (from the email or the CLI) since the last report. */
  decided?: { title: string; lines: string[]; more?: string | null } | null;
}

/**
 * How much of the report the email shows, below the report's own
 * maxRowsPerSection: set by the size budget (shared/report/render.ts) when the
 * full view would make the HTML too big for Gmail. Everything left out is
 * counted in a "…and N more" line; the CSV carries every contact.
 */
export interface ViewLimits {
  /** Rows shown per section (the unfollow section shares its rows across its groups). */
  rows?: Partial<Record<SectionId, number>>;
  /** Entries shown per list that is not about contacts: stale sources and their problems, notices, actions taken, decisions made. */
  items?: number;
  /** The CSV attachment holds only these many contacts, those named in a section (./render.ts sectionsOnly): the footer says so. */
  csvRows?: number;
  /**
   * Set when even the contacts the sections name are too many for email: the attachment holds the first this
   * many of each section (`csvRows` in all, of `csvNamed` named).
   */
  csvPerSection?: number;
  csvNamed?: number;
}

const HEADLINE_FIGURES: FigureKey[] = [
  'following',
  'followers',
  'mutuals',
  'engagedFollowingShare',
  'engagedFollowerShare',
  'inboundInWindow',
  'suggestedUnfollows',
  'suggestedReviews',
  'suggestedFollowBacks',
  'newFollowers',
  'lostFollowers',
  'outboundInWindow',
];
const SHARE_FIGURES = new Set<FigureKey>(['engagedFollowingShare', 'engagedFollowerShare']);

/** +1: a rise is good news; -1: a rise is bad news; 0: neither (how many you follow, how many suggestions). */
const FIGURE_POLARITY: Partial<Record<FigureKey, 1 | -1>> = {
  followers: 1,
  mutuals: 1,
  engagedFollowingShare: 1,
  engagedFollowerShare: 1,
  engagedFollowing: 1,
  engagedFollowers: 1,
  inboundInWindow: 1,
  newFollowers: 1,
  lostFollowers: -1,
};

export function deltaTone(key: FigureKey, direction: DeltaDirection): DeltaTone {
  const polarity = FIGURE_POLARITY[key];
  if (polarity === undefined || direction === 'flat') return 'neutral';
  return (direction === 'up') === (polarity === 1) ? 'good' : 'bad';
}
const TREND_ROWS = 6;
const QUOTE_CHARS = 280;
const NAME_CHARS = 120;
/** Evidence keys that hold something the contact wrote (and the id of that reply): shown as a quote, not as a fact. */
const QUOTE_KEY = /^(example|exampleReply|quote|text|exampleId)$/;
/** Of those, the ones holding the words themselves. */
const QUOTE_TEXT_KEY = /^(example|exampleReply|quote|text)$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const KINDS: InteractionKind[] = ['like', 'repost', 'reply', 'quote', 'mention', 'follow'];
/** Evidence keys naming the kinds a judgement rests on: said once per row (judgedOn), not per reason. */
const KIND_KEYS = new Set(['kindsSeen', 'kindsHidden']);

/** Plural kind names, listed: "likes, replies"; an empty list says so. */
/** Kinds in the source's network words ("comments, tags" on Instagram), in the catalog's order. */
function kindList(kinds: readonly string[], m: Messages, platform: string): string {
  const names = KINDS.filter((k) => kinds.includes(k)).map((k) => kindWord(k, platform, m));
  return names.length === 0 ? m.noKinds : names.join(', ');
}

function sightView(report: ReportJson, m: Messages, f: Formatter, items: number): SightView | null {
  const sources = report.meta.sources ?? [];
  const api = apiLinesView(report.apiSources ?? [], m, f, items);
  if (sources.length === 0 && api.length === 0) return null;
  const c = m.sightColumns;
  return {
    title: m.sightTitle,
    header: [c.source, c.inbound, c.outbound, c.hidden, c.followDates],
    rows: sources.map((s) => [sourceLabel(s.sourceId, s.platform), kindList(s.inbound, m, s.platform), kindList(s.outbound, m, s.platform), kindList(s.inboundHidden, m, s.platform), m.followDates[s.followDates]]),
    notes: sources.filter((s) => s.reviewOnly).map((s) => m.sightReviewOnly(sourceLabel(s.sourceId, s.platform))),
    ...(api.length > 0 ? { api } : {}),
  };
}

/** A network's name, with the source id when it differs ("Instagram (ig-shop)"), shortened like any stored name. */
function apiLabel(sourceId: string, network: string): string {
  const name = networkName(network);
  return truncate(sourceId === network ? name : `${name} (${sourceId})`, NAME_CHARS);
}

/** The platform's proper name ("Instagram"); a platform no catalog knows keeps its id. */
function networkName(platform: string): string {
  return Object.hasOwn(NETWORK_NAMES, platform) ? (NETWORK_NAMES[platform] ?? platform) : platform;
}

const MAX_SKIPPED = 5;

function apiLinesView(sources: readonly ApiSourceJson[], m: Messages, f: Formatter, items: number): ApiLineView[] {
  const { shown: listed, more: left } = capList(sources, items, m);
  const lines = listed.map((s): ApiLineView => {
    const money = (usd: number | undefined): string | null => (usd !== undefined ? f.usd(usd) : null);
    const spend = m.apiSpend({ run: money(s.spentUsd), month: money(s.monthSpentUsd), runCap: money(s.maxSpendUsd), monthCap: money(s.maxSpendUsdPerMonth) });
    // X's access tokens last two hours and are refreshed every run: their expiry says nothing to the owner.
    const token = s.network !== 'x' && s.token?.expiresAt !== undefined && s.token.problem === undefined
      ? m.apiTokenUntil({ date: f.date(s.token.expiresAt), refreshed: s.token.refreshedAt !== undefined ? f.date(s.token.refreshedAt) : null })
      : null;
    const { shown, more } = capList(s.skipped, MAX_SKIPPED, m);
    const caps = { run: money(s.maxSpendUsd), month: money(s.maxSpendUsdPerMonth) };
    const skipped = [...shown.map((x) => (typeof x === 'string' ? truncate(x, QUOTE_CHARS) : m.skippedRead(x, caps))), ...(more !== null ? [more] : [])];
    return { line: m.apiLine({ network: apiLabel(s.sourceId, s.network), ok: s.ok, spend, token }), skipped: skipped.length > 0 ? m.apiSkipped(skipped.join('; ')) : null };
  });
  return left !== null ? [...lines, { line: left, skipped: null }] : lines;
}

/**
 * Whether followback refreshes a source's token itself (docs/api-tokens.md): Instagram and Threads
 * tokens, and X's with a refresh token, when they are kept where followback can write (a file or
 * a Secrets Manager secret: an environment variable cannot be changed); a Page token never. When
 * the config was not at hand, what the network allows.
 */
function refreshes(n: TokenNoticeJson, source: ApiSourceJson | undefined): boolean {
  if (n.network === 'facebook') return false;
  const ref = source?.tokenRef;
  if (ref === undefined) return true;
  const writable = (r: { file?: string | undefined; secretName?: string | undefined }): boolean => r.file !== undefined || r.secretName !== undefined;
  return n.network === 'x' ? ref.refreshToken !== undefined && writable(ref.refreshToken) : writable(ref.accessToken);
}
const NAME_OF_PATH = 200;

function tokenNoticesView(report: ReportJson, m: Messages, f: Formatter, items: number): TokenNoticesView | null {
  const notices = report.tokenNotices ?? [];
  if (notices.length === 0) return null;
  const { shown, more } = capList(notices, items, m);
  const list = new Intl.ListFormat(m.intlLocale, { type: 'conjunction' });
  return {
    title: m.tokenTitle,
    urgent: notices.some((n) => n.kind !== 'expires_soon'),
    more,
    items: shown.map((n) => {
      const source = report.apiSources?.find((s) => s.sourceId === n.sourceId);
      const place = (ref: { file?: string | undefined; env?: string | undefined; secretName?: string | undefined } | undefined): TokenPlace => ({
        sourceId: truncate(n.sourceId, NAME_CHARS),
        ...(ref?.file !== undefined ? { file: truncate(ref.file, NAME_OF_PATH) } : {}),
        ...(ref?.env !== undefined ? { env: truncate(ref.env, NAME_CHARS) } : {}),
        ...(ref?.secretName !== undefined ? { secretName: truncate(ref.secretName, NAME_OF_PATH) } : {}),
      });
      const permissions = list.format(API_PERMISSIONS[n.network]);
      const refresh = source?.tokenRef?.refreshToken;
      return {
        line: m.tokenLine({
          network: apiLabel(n.sourceId, n.network),
          kind: n.kind,
          date: n.expiresAt !== undefined ? f.date(n.expiresAt) : null,
          refreshes: refreshes(n, source),
          permissions,
        }),
        how: m.tokenHow({ api: n.network, where: m.tokenWhere(place(source?.tokenRef?.accessToken)), refreshWhere: refresh !== undefined ? m.tokenWhere(place(refresh)) : null, permissions }),
      };
    }),
  };
}

const LIST_SECTIONS = ['review', 'followBack', 'newFollowers', 'lostFollowers', 'topSupporters'] as const satisfies readonly Exclude<SectionId, 'unfollow'>[];

export function buildReportView(report: ReportJson, links?: DecisionLinks, limits: ViewLimits = {}): ReportView {
  const m = messagesFor(report.meta.locale);
  const items = limits.items ?? Infinity;
  const decide = decisionRowLinks(report, links);
  const f = formatterFor(m);
  const days = report.meta.lookbackDays || daysBetween(report.meta.windowStart, report.meta.windowEnd);
  const maxOf = (id: SectionId): number => Math.max(0, Math.min(report.meta.maxRowsPerSection, limits.rows?.[id] ?? Infinity));
  const unfollow = report.sections.unfollow;
  const budgets = shareRows(unfollow.groups.map((g) => g.keys.length), maxOf('unfollow'));
  // Only the contacts a row shows are looked up: a map of every contact (a million, and the email is re-rendered
  // until it fits its budget) was made for a few hundred rows.
  const shownKeys = new Set<string>();
  unfollow.groups.forEach((g, i) => {
    for (const key of g.keys.slice(0, budgets[i] ?? 0)) shownKeys.add(key);
  });
  for (const id of LIST_SECTIONS) for (const key of report.sections[id].keys.slice(0, maxOf(id))) shownKeys.add(key);
  const byKey = new Map<string, ReportContact>();
  for (const c of report.contacts) if (shownKeys.has(c.key)) byKey.set(c.key, c);
  const row = (key: string): RowView[] => {
    const c = byKey.get(key);
    return c ? [rowView(c, m, f, days)] : [];
  };

  const listSection = (id: Exclude<SectionId, 'unfollow'>): SectionView => {
    const s = report.sections[id];
    const shown = s.keys.slice(0, maxOf(id));
    return {
      id,
      ...m.sections[id],
      count: s.count,
      // A section cut to no rows by the size budget keeps its group, for the "…and N more" line.
      groups: s.keys.length === 0 ? [] : [{ title: null, intro: null, rows: decide.rows(id, shown.flatMap(row)), more: moreText(m, s.keys.length - shown.length) }],
      empty: s.keys.length === 0 ? m.none : null,
    };
  };

  const unfollowView: SectionView = {
    id: 'unfollow',
    ...m.sections.unfollow,
    count: unfollow.count,
    groups: unfollow.groups.map((g, i) => {
      const shown = g.keys.slice(0, budgets[i] ?? 0);
      return {
        title: `${m.reasons[g.reason]} (${f.number(g.count)})`,
        intro: m.unfollowGroupIntro[g.reason] ?? null,
        rows: decide.rows('unfollow', shown.flatMap(row)),
        more: moreText(m, g.keys.length - shown.length),
        bulk: decide.bulk(shown, g.keys.length),
      };
    }),
    empty: unfollow.count === 0 ? m.none : null,
  };

  const fig = report.figures;
  const sections = [unfollowView, listSection('review'), listSection('followBack'), listSection('newFollowers'), listSection('lostFollowers'), listSection('topSupporters')];
  const warning = linksWarning(report, links, sections, f);
  return {
    lang: m.lang,
    ...(report.configSuggestions !== undefined ? { configSuggestions: report.configSuggestions } : {}),
    title: m.title,
    summary: m.summary({
      following: fig.following,
      followers: fig.followers,
      mutuals: fig.mutuals,
      engagedShare: f.percent(fig.engagedFollowingShare),
      days,
      unfollow: fig.suggestedUnfollows,
      review: fig.suggestedReviews,
      followBack: fig.suggestedFollowBacks,
    }),
    dryRunNote: report.meta.dryRun ? m.dryRunNote : null,
    exportReminders: exportRemindersView(report, m, f, items),
    tokenNotices: tokenNoticesView(report, m, f, items),
    stale: staleView(report, m, f, items),
    notices: noticesView(report, m, f, items),
    figuresTitle: m.figuresTitle,
    sinceLastRun: m.sinceLastRun,
    figures: HEADLINE_FIGURES.map((key) => ({
      key,
      label: m.figures[key],
      value: SHARE_FIGURES.has(key) ? f.percent(fig[key]) : f.number(fig[key]),
      delta: report.deltas ? withTone(key, f.delta(report.deltas[key], SHARE_FIGURES.has(key))) : null,
    })),
    trend: trendView(report, m, f),
    trendChart: trendChartView(report, f),
    actionsTaken: actionsView(report, f, items),
    sections,
    sight: sightView(report, m, f, items),
    footer: [
      ...(warning !== null ? [warning] : []),
      ...m.footer({
        runId: truncate(report.meta.runId, NAME_CHARS),
        windowStart: f.date(report.meta.windowStart),
        windowEnd: f.date(report.meta.windowEnd),
        ...(limits.csvRows !== undefined
          ? {
              csv: {
                rows: f.number(limits.csvRows),
                total: f.number(report.contacts.length),
                ...(limits.csvPerSection !== undefined && limits.csvNamed !== undefined ? { perSection: f.number(limits.csvPerSection), named: f.number(limits.csvNamed) } : {}),
              },
            }
          : {}),
      }),
    ],
    decided: decidedView(report, f, items),
  };
}

/**
 * Splits the unfollow section's row budget across its reason groups round-robin,
 * so a huge first group cannot hide the others while the section stays within max.
 */
export function shareRows(sizes: number[], max: number): number[] {
  const budgets = sizes.map(() => 0);
  let left = max;
  while (left > 0 && budgets.some((b, i) => b < (sizes[i] ?? 0))) {
    for (let i = 0; i < sizes.length && left > 0; i++) {
      if ((budgets[i] ?? 0) < (sizes[i] ?? 0)) {
        budgets[i] = (budgets[i] ?? 0) + 1;
        left--;
      }
    }
  }
  return budgets;
}

function moreText(m: Messages, hidden: number): string | null {
  return hidden > 0 ? m.andMore(hidden) : null;
}

/** A pull can report thousands of skipped records: the email shows the first few, the JSON has them all. */
const MAX_NOTICE_PROBLEMS = 5;

function staleView(report: ReportJson, m: Messages, f: Formatter, items: number): StaleView | null {
  if (report.staleSources.length === 0) return null;
  const { shown, more } = capList(report.staleSources, items, m);
  return {
    title: m.staleTitle,
    more,
    sources: shown.map((s) => ({
      line: m.staleSource({
        source: sourceLabel(s.sourceId, s.platform),
        contacts: m.completeness[s.contacts],
        interactions: m.completeness[s.interactions],
        since: s.lastCompleteAt === undefined ? null : f.date(s.lastCompleteAt),
      }),
      problems: capProblems(s.problems, items, m),
    })),
  };
}

/** A source's problems, shortened and capped; the count of the others as the last line. */
function capProblems(problems: readonly string[], items: number, m: Messages): string[] {
  const { shown, more } = capList(problems, Math.min(items, MAX_NOTICE_PROBLEMS), m);
  return [...shown.map((p) => truncate(p, QUOTE_CHARS)), ...(more !== null ? [more] : [])];
}

/** Source ids and platforms come from stored data: shortened and cleaned like any other untrusted name. */
function sourceLabel(sourceId: string, platform: string): string {
  return truncate(sourceId === platform ? sourceId : `${sourceId} (${platform})`, NAME_CHARS);
}

function isExportNetwork(platform: string, m: Messages): platform is ExportNetworkId {
  return Object.hasOwn(m.exportNetworks, platform);
}

function exportRemindersView(report: ReportJson, m: Messages, f: Formatter, items: number): ExportReminderView | null {
  const due = report.exportReminders ?? [];
  if (due.length === 0) return null;
  const { shown, more } = capList(due, items, m);
  return {
    title: m.exportReminderTitle,
    more,
    items: shown.map((r) => {
      const network = isExportNetwork(r.platform, m) ? m.exportNetworks[r.platform] : null;
      const name = network?.name ?? r.platform;
      const label = truncate(r.sourceId === r.platform ? name : `${name} (${r.sourceId})`, NAME_CHARS);
      return {
        line: r.newestExportAt !== undefined ? m.exportReminderDue({ network: label, date: f.date(r.newestExportAt), days: r.daysSince ?? daysBetween(r.newestExportAt, report.meta.generatedAt) }) : m.exportReminderNone(label),
        how: network !== null ? m.exportReminderHow(network.steps) : null,
      };
    }),
  };
}

function noticesView(report: ReportJson, m: Messages, f: Formatter, items: number): StaleView | null {
  if (report.notices.length === 0) return null;
  const { shown, more } = capList(report.notices, items, m);
  return {
    title: m.noticesTitle,
    more,
    sources: shown.map((n) => {
      switch (n.kind) {
        case 'unmatched_decision':
          return { line: m.unmatchedDecision({ decision: n.decision, entry: truncate(n.entry, NAME_CHARS), closest: n.closest !== undefined ? truncate(n.closest, NAME_CHARS) : null }), problems: [] };
        case 'previous_run_unstored':
          return { line: m.previousUnstored(f.date(n.at)), problems: [truncate(n.reason, QUOTE_CHARS)] };
        case 'classifier_failed':
          return { line: m.classifierFailed(truncate(n.detail, QUOTE_CHARS)), problems: [] };
        case 'classifier_fallback':
          return { line: m.classifierFallback(truncate(n.detail, QUOTE_CHARS)), problems: [] };
        case 'source_problems':
          return {
            line: m.sourceProblems(sourceLabel(n.sourceId, n.platform)),
            problems: capProblems(n.problems, items, m),
          };
      }
    }),
  };
}

function trendView(report: ReportJson, m: Messages, f: Formatter): TrendView | null {
  if (report.trend.length === 0) return null;
  const c = m.trendColumns;
  const points = [{ at: report.meta.generatedAt, figures: report.figures, current: true }, ...report.trend.map((t) => ({ ...t, current: false }))];
  return {
    title: m.trendTitle,
    header: [c.at, c.following, c.followers, c.engaged, c.unfollow, c.newFollowers, c.lostFollowers],
    rows: points.slice(0, TREND_ROWS).map((p) => [
      p.current ? `${f.date(p.at)} (${m.thisRun})` : f.date(p.at),
      f.number(p.figures.following),
      f.number(p.figures.followers),
      f.percent(p.figures.engagedFollowingShare),
      f.number(p.figures.suggestedUnfollows),
      f.number(p.figures.newFollowers),
      f.number(p.figures.lostFollowers),
    ]),
  };
}

function rowView(c: ReportContact, m: Messages, f: Formatter, days: number): RowView {
  const s = c.stats;
  const byKind = KINDS.filter((k) => (s.inboundByKind[k] ?? 0) > 0)
    .map((k) => `${kindWord(k, c.platform, m)} ${f.number(s.inboundByKind[k] ?? 0)}`)
    .join(', ');
  const activity = [
    s.lastInboundAt !== undefined ? m.lastInbound(f.date(s.lastInboundAt)) : m.noInbound,
    ...(s.lastOutboundAt !== undefined ? [m.lastOutbound(f.date(s.lastOutboundAt))] : []),
    ...(s.followedForDays !== undefined ? [m.followedFor(figure(Math.floor(s.followedForDays), f))] : []),
    ...(c.lastPostAt !== undefined ? [m.lastPost(f.date(c.lastPostAt))] : []),
    ...(c.state !== 'active' ? [m.states[c.state]] : []),
  ];
  // Why first (a sentence per reason), then the figures of the window.
  const because = evidenceFacts(c, m, f, days);
  const facts = [
    ...because,
    `${m.inWindow({ days, inbound: s.inboundInWindow, outbound: s.outboundInWindow, byKind })}; ${activity.join('; ')}`,
    ...(c.stale ? [m.staleContact] : []),
  ];
  return {
    key: c.key,
    name: truncate(c.displayName.trim() || c.handle, NAME_CHARS),
    handle: truncate(c.handle, NAME_CHARS),
    platform: truncate(c.platform, NAME_CHARS),
    relation: m.relations[c.relation],
    href: safeHttpUrl(c.profileUrl),
    reasons: c.reasons.map((r) => m.reasons[r]).join(' · '),
    facts,
    because: because.length,
    ...exampleQuote(c),
  };
}

/**
 * One sentence per reason, in the order of REASON_CODES, then the kinds the
 * judgements rest on. Evidence whose shape no sentence reads (a report from
 * another version) falls back to its labelled facts, so nothing is hidden.
 */
function evidenceFacts(c: ReportContact, m: Messages, f: Formatter, days: number): string[] {
  const out: string[] = [];
  for (const reason of REASON_CODES) {
    const facts = c.evidence[reason];
    if (!facts) continue;
    const sentence = reasonSentence(c, reason, m, f, days);
    if (sentence !== null) {
      out.push(sentence);
      continue;
    }
    const parts = Object.entries(facts)
      .filter(([key]) => !QUOTE_KEY.test(key) && !KIND_KEYS.has(key))
      .map(([key, value]: [string, unknown]) => `${labelOf(key, m)}: ${formatValue(key, value as string | number | boolean, m, f)}`);
    if (parts.length > 0) out.push(`${m.reasons[reason]}: ${parts.join(', ')}`);
  }
  const judged = judgedOnFact(c, m);
  return judged !== null ? [...out, judged] : out;
}

/**
 * The kinds the row's judgements of silence rest on, once: the first reason
 * that names them (they come from the same source). When a sentence of the row
 * already named the kinds seen (no like, comment or tag...), only what the
 * source cannot show is left to say, and nothing when it shows everything.
 */
function judgedOnFact(c: ReportContact, m: Messages): string | null {
  for (const reason of ['never_engaged', 'dormant', 'one_sided', 'critic_only'] as const) {
    const facts = c.evidence[reason];
    if (facts === undefined || !('kindsSeen' in facts) || facts.kindsSeen === undefined) continue;
    const has = (list: readonly string[] | undefined, k: InteractionKind): boolean => list !== undefined && list.includes(k);
    const seen = KINDS.filter((k) => has(facts.kindsSeen, k)).map((k) => kindWord(k, c.platform, m));
    const hiddenKinds = KINDS.filter((k) => has(facts.kindsHidden, k));
    const hidden = hiddenKinds.length > 0 ? m.whoOf(listFormat(hiddenKinds.map((k) => m.networkHiddenWho[c.platform]?.[k] ?? m.hiddenWho[k]), m, 'disjunction')) : null;
    const source = truncate(networkName(c.platform), NAME_CHARS);
    if (sentencesNameKinds(c, KINDS.filter((k) => has(facts.kindsSeen, k)))) return hidden !== null ? m.notShown({ hidden, source }) : null;
    return m.judgedOn({ seen: seen.length > 0 ? listFormat(seen, m, 'conjunction') : m.noKinds, hidden, source });
  }
  return null;
}

/**
 * Whether the row's sentences already name every kind its source sees: never
 * engaged, dormant and one-sided list them all (when it sees any); only
 * criticism names replies, mentions and quotes, and likes and reposts when it
 * says they never gave one.
 */
function sentencesNameKinds(c: ReportContact, kindsSeen: readonly InteractionKind[]): boolean {
  const named = new Set<string>();
  for (const reason of ['never_engaged', 'dormant', 'one_sided'] as const) {
    const e = c.evidence[reason];
    if (e !== undefined && 'kindsSeen' in e && e.kindsSeen !== undefined) e.kindsSeen.forEach((k) => named.add(k));
  }
  const critic = c.evidence.critic_only;
  if (critic !== undefined && 'count' in critic) {
    CRITIC_KINDS.forEach((k) => named.add(k));
    if (critic.kindsSeen === undefined || (critic.kindsSeen.includes('like') && critic.kindsSeen.includes('repost'))) ['like', 'repost'].forEach((k) => named.add(k));
  }
  return kindsSeen.length > 0 && kindsSeen.every((k) => named.has(k));
}

/** A kind as the contact's network calls it (Instagram's "comments"), or the catalog's word. */
function kindWord(kind: InteractionKind, platform: string, m: Messages): string {
  return kindNoun(kind, platform, m).other;
}

function kindNoun(kind: InteractionKind, platform: string, m: Messages): KindNoun {
  return (Object.hasOwn(m.networkKinds, platform) ? m.networkKinds[platform]?.[kind] : undefined) ?? m.kinds[kind];
}

/** The kinds a judgement rests on, as nouns of the contact's network, in the catalog's order; empty when the evidence predates kindsSeen. */
function seenNouns(kindsSeen: readonly string[] | undefined, platform: string, m: Messages, among: readonly InteractionKind[] = KINDS): KindNoun[] {
  // Not declared (a report made before sources declared what they see): the silence was judged over every kind, said as "interaction".
  if (kindsSeen === undefined) return [m.anyKind];
  return among.filter((k) => kindsSeen.includes(k)).map((k) => kindNoun(k, platform, m));
}

/** "comments and tags", "liked, commented or tagged you": a list as a sentence says it. */
function listFormat(items: readonly string[], m: Messages, type: 'conjunction' | 'disjunction'): string {
  return listed(m.intlLocale, items, type);
}

/** The catalog names every evidence key (a missing one is a type error); the fallback only serves data from an older version. */
function labelOf(key: string, m: Messages): string {
  return (m.evidence as Record<string, string | undefined>)[key] ?? humanise(key);
}

/** A figure for a sentence: the number (for the plural) and its text in the report's locale. */
function figure(n: number, f: Formatter): Figure {
  return { n, text: f.number(n) };
}

const CRITIC_KINDS: readonly InteractionKind[] = ['reply', 'mention', 'quote'];

/**
 * A reason's evidence as one sentence; null only for a shape this version does
 * not know (shown as labelled facts). `days`: the report's lookback window.
 */
function reasonSentence(c: ReportContact, reason: (typeof REASON_CODES)[number], m: Messages, f: Formatter, days: number): string | null {
  const b = m.because;
  const facts = c.evidence[reason];
  if (facts === undefined) return null;
  if ('carriedOver' in facts && facts.carriedOver === true && Object.keys(facts).length === 1) return b.carriedOverOnly(m.reasons[reason]);
  const sentence = freshSentence(c, reason, m, f, days);
  if (sentence === null) return null;
  return 'carriedOver' in facts && facts.carriedOver === true ? b.carriedOver(sentence) : sentence;
}

function freshSentence(c: ReportContact, reason: (typeof REASON_CODES)[number], m: Messages, f: Formatter, days: number): string | null {
  const b = m.because;
  switch (reason) {
    case 'never_engaged': {
      const e = c.evidence.never_engaged;
      if (e === undefined || !('observedDays' in e)) return null;
      return b.neverEngaged({
        kinds: seenNouns(e.kindsSeen, c.platform, m),
        days: figure(e.observedDays, f),
        since: f.date(e.observedSince),
        followedFor: e.followedForDays !== undefined ? figure(e.followedForDays, f) : null,
        unknownFollow: e.followDateUnknown === true && e.trackedDays !== undefined ? { tracked: figure(e.trackedDays, f), provisional: e.provisional === true } : null,
      });
    }
    case 'dormant': {
      const e = c.evidence.dormant;
      if (e === undefined || !('daysSinceInbound' in e)) return null;
      return b.dormant({ kinds: seenNouns(e.kindsSeen, c.platform, m), days: figure(e.daysSinceInbound, f), last: f.date(e.lastInboundAt) });
    }
    case 'one_sided': {
      const e = c.evidence.one_sided;
      if (e === undefined || !('outboundInWindow' in e)) return null;
      return b.oneSided({ kinds: seenNouns(e.kindsSeen, c.platform, m), given: figure(e.outboundInWindow, f), days: figure(e.lookbackDays, f), network: truncate(networkName(c.platform), NAME_CHARS) });
    }
    case 'critic_only': {
      const e = c.evidence.critic_only;
      if (e === undefined || !('count' in e)) return null;
      // The count is of the replies, mentions and quotes held: named as the ones the source sees.
      const seen = seenNouns(e.kindsSeen ?? CRITIC_KINDS, c.platform, m, CRITIC_KINDS);
      const sawLikes = e.kindsSeen === undefined || (e.kindsSeen.includes('like') && e.kindsSeen.includes('repost'));
      return b.criticOnly({
        kinds: seen.length > 0 ? seen : CRITIC_KINDS.map((k) => kindNoun(k, c.platform, m)),
        count: figure(e.count, f),
        negative: figure(e.negative, f),
        latest: f.date(e.exampleAt),
        sawLikes,
      });
    }
    case 'out_of_audience': {
      const e = c.evidence.out_of_audience;
      if (e === undefined) return null;
      if ('excludedKeyword' in e) return b.excludedKeyword({ keyword: truncate(e.excludedKeyword, NAME_CHARS), field: e.field });
      return b.foreignLanguage({
        language: languageName(e.language, m.intlLocale),
        script: e.script !== undefined ? truncate(e.script, NAME_CHARS) : null,
        share: f.percent(e.languageShare),
        confidence: f.percent(e.confidence),
        texts: figure(e.textsRead, f),
      });
    }
    case 'inactive_account': {
      const e = c.evidence.inactive_account;
      if (e === undefined) return null;
      if ('state' in e) return b.accountState({ state: e.state, movedTo: e.movedTo !== undefined ? truncate(e.movedTo, NAME_CHARS) : null });
      return b.noPosts({ days: figure(e.daysSincePost, f), last: f.date(e.lastPostAt) });
    }
    case 'new_follower': {
      const e = c.evidence.new_follower;
      if (e === undefined) return null;
      return b.newFollower({ followedBack: e.previousRelation === 'following', on: e.followerSince !== undefined ? f.date(e.followerSince) : null });
    }
    case 'lost_follower': {
      const e = c.evidence.lost_follower;
      if (e === undefined) return null;
      return b.lostFollower({ wasMutual: e.previousRelation === 'mutual', stillFollowed: e.stillFollowed });
    }
    case 'top_supporter': {
      const e = c.evidence.top_supporter;
      if (e === undefined) return null;
      return b.topSupporter({ rank: figure(e.rank, f), score: f.number(e.score), days: figure(days, f) });
    }
    case 'grace_period': {
      const e = c.evidence.grace_period;
      if (e === undefined) return null;
      return b.gracePeriod({ basis: e.basis, days: figure(e.daysSince, f), since: f.date(e.since), graceDays: figure(e.graceDays, f) });
    }
    case 'allowlisted': {
      const e = c.evidence.allowlisted;
      return e === undefined ? null : b.allowlisted(truncate(e.entry, NAME_CHARS));
    }
    case 'snoozed': {
      const e = c.evidence.snoozed;
      return e === undefined ? null : b.snoozed(f.date(e.until));
    }
  }
}

/** "de" -> "German" (or "tedesco"), falling back to the code itself. */
function languageName(code: string, locale: string): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' }).of(code);
    return name !== undefined && name !== '' ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** What the row quotes: the first reason's text, and which reply it is when its evidence names it (a label can then name it). */
function exampleQuote(c: ReportContact): { quote: string | null; quoteReply?: QuotedReply } {
  for (const reason of REASON_CODES) {
    const facts: Record<string, unknown> = c.evidence[reason] ?? {};
    for (const [key, value] of Object.entries(facts)) {
      if (!QUOTE_TEXT_KEY.test(key) || typeof value !== 'string' || value.trim() === '') continue;
      const quote = truncate(value, QUOTE_CHARS);
      const id = facts['exampleId'];
      const at = facts['exampleAt'];
      const label = reason === 'critic_only' ? 'not_criticism' : reason === 'top_supporter' ? 'criticism' : null;
      return label !== null && key === 'example' && typeof id === 'string' && id !== '' && typeof at === 'string' ? { quote, quoteReply: { label, interactionId: id, at } } : { quote };
    }
  }
  return { quote: null };
}

function formatValue(key: string, value: string | number | boolean, m: Messages, f: Formatter): string {
  if (typeof value === 'boolean') return value ? m.yes : m.no;
  if (key === 'state' && isAccountState(value)) return m.states[value];
  if (typeof value === 'number') return /share|ratio/i.test(key) && value >= 0 && value <= 1 ? f.percent(value) : f.number(value);
  return ISO_INSTANT.test(value) ? f.date(value) : truncate(value, QUOTE_CHARS);
}

function isAccountState(value: unknown): value is ReportContact['state'] {
  return AccountState.safeParse(value).success;
}

/** `dormantDays` -> `dormant days`: readable enough for evidence keys no catalog knows yet. */
function humanise(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

function withTone(key: FigureKey, delta: { text: string; direction: DeltaDirection }): { text: string; direction: DeltaDirection; tone: DeltaTone } {
  return { ...delta, tone: deltaTone(key, delta.direction) };
}
