/**
 * Message catalogs of the report. Every locale implements the same `Messages`
 * type, so a missing translation is a compile error, not a blank in an email.
 * Values are plain text; renderers escape them like any other string.
 */
import type { FigureDeltas, ReasonCode, Recommendation } from '../domain/analysis-types.ts';
import type { EvidenceKey } from '../domain/evidence.ts';
import type { AccountState, ApiNetwork, Completeness, FollowDates, InteractionKind, SkippedRead } from '../domain/model.ts';
import type { ReportContact, ReportLocale, TokenNoticeJson } from './report-schema.ts';

export type SectionId = 'unfollow' | 'review' | 'followBack' | 'newFollowers' | 'lostFollowers' | 'topSupporters';
export type FigureKey = keyof FigureDeltas;
/** The networks read from their official exports (the same six as shared/sources/exports/export-types.ts). */
export type ExportNetworkId = 'instagram' | 'threads' | 'facebook' | 'x' | 'linkedin' | 'tiktok';

/** Networks by their proper names (the same in every language); a platform not listed keeps its own id. */
export const NETWORK_NAMES: Readonly<Record<string, string>> = {
  instagram: 'Instagram',
  facebook: 'Facebook',
  x: 'X',
  threads: 'Threads',
  linkedin: 'LinkedIn',
  tiktok: 'TikTok',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
};

/**
 * The permissions (scopes) a token needs for what followback reads, per network: named in the
 * email when one is missing and in the steps to make a new token. From the platforms' docs:
 * Instagram API with Instagram Login (developers.facebook.com/docs/instagram-platform, scopes
 * renamed 2025-01-27), Threads get-started (threads_basic for every call, threads_read_replies for
 * GET replies, threads_manage_mentions for mentions), Pages (pages_read_engagement,
 * pages_read_user_content for comments and their authors), X API v2 (NETWORK-EXPORTS.md §8:
 * mentions, followers, liking users; offline.access for the refresh token).
 */
export const API_PERMISSIONS: Readonly<Record<ApiNetwork, readonly string[]>> = {
  instagram: ['instagram_business_basic', 'instagram_business_manage_comments'],
  threads: ['threads_basic', 'threads_read_replies', 'threads_manage_mentions'],
  facebook: ['pages_show_list', 'pages_read_engagement', 'pages_read_user_content'],
  x: ['tweet.read', 'users.read', 'follows.read', 'like.read', 'offline.access'],
};

/** Where the config keeps a token, as the email names it (names only). `sourceId` alone when the config was not at hand. */
export interface TokenPlace {
  sourceId: string;
  file?: string;
  env?: string;
  secretName?: string;
}

export interface SummaryFacts {
  following: number;
  followers: number;
  mutuals: number;
  engagedShare: string;
  days: number;
  unfollow: number;
  review: number;
  followBack: number;
}

/** A kind of interaction as a noun: `one` ("like", "comment"), `other` ("likes"); `feminine` for Italian agreement ("nessuna risposta", "nessun commento"). */
export interface KindNoun {
  one: string;
  other: string;
  feminine?: true;
}

/** A figure of a sentence: the number, for the plural, and its text in the report's locale. */
export interface Figure {
  n: number;
  text: string;
}

/**
 * What each reason's evidence says, one sentence per reason and shape, figures
 * exact. Kinds are the nouns of what the contact's source sees, in its network's
 * words, in the catalog's order (an empty list: the report predates sources
 * declaring them). Dates and figures come formatted; untrusted parts (keywords,
 * entries, where an account moved) come shortened and are escaped by the renderers.
 */
export interface EvidenceSentences {
  /** `followedFor`: you follow them, since a known date; `unknownFollow`: no follow date, judged on the history the first pull read. */
  neverEngaged(p: { kinds: KindNoun[]; days: Figure; since: string; followedFor: Figure | null; unknownFollow: { tracked: Figure; provisional: boolean } | null }): string;
  dormant(p: { kinds: KindNoun[]; days: Figure; last: string }): string;
  /** `kinds` may be empty: the source shows nothing they do (`network` names it). */
  oneSided(p: { kinds: KindNoun[]; given: Figure; days: Figure; network: string }): string;
  /** `kinds`: the ones among replies, mentions and quotes; `sawLikes`: the source sees likes and reposts, so "never liked or reposted" is a fact. */
  criticOnly(p: { kinds: KindNoun[]; count: Figure; negative: Figure; latest: string; sawLikes: boolean }): string;
  excludedKeyword(p: { keyword: string; field: 'name' | 'bio' }): string;
  /** `script`: ISO 15924 code, when the text was judged by its script. */
  foreignLanguage(p: { language: string; script: string | null; share: string; confidence: string; texts: Figure }): string;
  accountState(p: { state: AccountState; movedTo: string | null }): string;
  noPosts(p: { days: Figure; last: string }): string;
  /** `followedBack`: you already followed them; `on`: when they followed you, if known. */
  newFollower(p: { followedBack: boolean; on: string | null }): string;
  lostFollower(p: { wasMutual: boolean; stillFollowed: boolean }): string;
  topSupporter(p: { rank: Figure; score: string; days: Figure }): string;
  gracePeriod(p: { basis: 'followedAt' | 'firstSeenAt'; days: Figure; since: string; graceDays: Figure }): string;
  allowlisted(entry: string): string;
  snoozed(until: string): string;
  /** A sentence whose reason was carried over from the previous report on stale data. */
  carriedOver(sentence: string): string;
  /** A reason carried over whose facts this run could not rebuild, by its name. */
  carriedOverOnly(reason: string): string;
}

const LIST_FORMATS = new Map<string, Intl.ListFormat>();

/** "like, reply or repost" / "likes, replies and reposts", as the locale lists (formatters made once: a report lists on every row). */
export function listed(locale: string, words: readonly string[], type: 'conjunction' | 'disjunction'): string {
  const key = `${locale} ${type}`;
  let format = LIST_FORMATS.get(key);
  if (format === undefined) {
    format = new Intl.ListFormat(locale, { type });
    LIST_FORMATS.set(key, format);
  }
  return format.format(words);
}

function enCount(f: Figure, one: string, other: string): string {
  return `${f.text} ${f.n === 1 ? one : other}`;
}

const enDays = (f: Figure): string => enCount(f, 'day', 'days');
const itDays = (f: Figure): string => enCount(f, 'giorno', 'giorni');

/** The kinds seen, singular, as a disjunction; "interaction" when the report does not say which. */
function enNouns(kinds: readonly KindNoun[]): string {
  return kinds.length === 0 ? 'interaction' : listed('en-GB', kinds.map((k) => k.one), 'disjunction');
}

/** "Nessun mi piace, risposta o condivisione": the word agrees with the first noun (an unknown list: "nessuna interazione"). */
function itNone(kinds: readonly KindNoun[]): string {
  if (kinds.length === 0) return 'nessuna interazione';
  return `${kinds[0]?.feminine ? 'nessuna' : 'nessun'} ${listed('it-IT', kinds.map((k) => k.one), 'disjunction')}`;
}

/** "senza alcun commento o tag": `alcun`/`alcuna` agree with the first noun like `nessun`. */
function itAny(kinds: readonly KindNoun[]): string {
  if (kinds.length === 0) return 'alcuna interazione';
  return `${kinds[0]?.feminine ? 'alcuna' : 'alcun'} ${listed('it-IT', kinds.map((k) => k.one), 'disjunction')}`;
}

/** An Italian article or preposition before a date or figure, elided before a vowel sound: "l'8 lug", "dell'11", "all'80%". */
function itBefore(word: 'il' | 'del' | 'dal' | 'al', text: string): string {
  const vowel = /^(8|11|8\d)(?![\d.])/.test(text) || /^(8\d\d)(?!\d)/.test(text);
  if (!vowel) return `${word} ${text}`;
  return `${{ il: 'l', del: 'dell', dal: 'dall', al: 'all' }[word]}'${text}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Writing systems the audience check judges by (shared/domain/evidence.ts), named in each language. */
const SCRIPTS_EN: Readonly<Record<string, string>> = { Hani: 'Chinese characters', Jpan: 'Japanese script', Kore: 'Korean script', Thai: 'Thai script', Cyrl: 'Cyrillic script', Grek: 'Greek script', Arab: 'Arabic script', Hebr: 'Hebrew script' };
const SCRIPTS_IT: Readonly<Record<string, string>> = { Hani: 'caratteri cinesi', Jpan: 'caratteri giapponesi', Kore: 'caratteri coreani', Thai: 'caratteri thailandesi', Cyrl: 'caratteri cirillici', Grek: 'caratteri greci', Arab: 'caratteri arabi', Hebr: 'caratteri ebraici' };

const enBecause: EvidenceSentences = {
  neverEngaged: ({ kinds, days, since, followedFor, unknownFollow }) => {
    const tracked = unknownFollow === null ? '' : unknownFollow.tracked.n === 0 ? ', and followback started tracking them today' : `, and followback has tracked them for ${enDays(unknownFollow.tracked)}`;
    return (
      `No ${enNouns(kinds)} in the ${enDays(days)} ${unknownFollow !== null ? 'of history read' : 'followback has watched'} (since ${since})` +
      (followedFor !== null ? `; you have followed them for ${enDays(followedFor)}` : '') +
      (unknownFollow !== null ? `; the follow date is unknown${tracked}${unknownFollow.provisional ? ', so review rather than unfollow for now' : ''}` : '') +
      '.'
    );
  },
  dormant: ({ kinds, days, last }) => `No ${enNouns(kinds)} for ${enDays(days)}; the last was on ${last}.`,
  oneSided: ({ kinds, given, days, network }) =>
    `You interacted with them ${given.n === 1 ? 'once' : `${given.text} times`} in the last ${enDays(days)}, and got ${kinds.length === 0 ? `nothing back that ${network} shows` : `no ${enNouns(kinds)} back`}.`,
  criticOnly: ({ kinds, count, negative, latest, sawLikes }) => {
    const likes = sawLikes ? ', and they never liked or reposted' : '';
    if (count.n === 1) return `Their only ${enNouns(kinds)}, on ${latest}, was negative${likes}.`;
    const nouns = listed('en-GB', kinds.map((k) => k.other), 'conjunction');
    return `${negative.text} of their ${count.text} ${nouns} ${negative.n === 1 ? 'was' : 'were'} negative${likes}; the latest negative one is from ${latest}.`;
  },
  excludedKeyword: ({ keyword, field }) => `Their ${field === 'name' ? 'name' : 'bio'} mentions “${keyword}”, one of the topics you excluded.`,
  foreignLanguage: ({ language, script, share, confidence, texts }) =>
    `Writes in ${language}${script !== null ? `, in ${SCRIPTS_EN[script] ?? `${script} script`}` : ''}: ${share} of their text read (${texts.n === 1 ? 'one text, the bio or a reply' : `${texts.text} texts, bio and replies`}), with ${confidence} confidence.`,
  accountState: ({ state, movedTo }) => {
    switch (state) {
      case 'moved':
        return movedTo !== null ? `The account has moved to ${movedTo}.` : 'The account has moved elsewhere.';
      case 'suspended':
        return 'The account has been suspended.';
      case 'deleted':
        return 'The account has been deleted.';
      case 'deactivated':
        return 'The account has been deactivated; it may come back.';
      case 'active':
        return 'The account is active.';
    }
  },
  noPosts: ({ days, last }) => `No post for ${enDays(days)}; the last was on ${last}.`,
  newFollower: ({ followedBack, on }) =>
    followedBack ? `Followed you back ${on !== null ? `on ${on}` : 'since the last report'}: you already followed them.` : `Started following you ${on !== null ? `on ${on}` : 'since the last report'}.`,
  lostFollower: ({ wasMutual, stillFollowed }) =>
    `Stopped following you since the last report${wasMutual ? (stillFollowed ? ', though you still follow them' : '; you followed each other, and you no longer follow them either') : stillFollowed ? '; you follow them' : ''}.`,
  topSupporter: ({ rank, score, days }) => `Number ${rank.text} among the people who engaged with you most in the last ${enDays(days)} (engagement score ${score}).`,
  gracePeriod: ({ basis, days, since, graceDays }) => {
    const ago = days.n === 0 ? 'today' : `${enDays(days)} ago`;
    return basis === 'followedAt'
      ? `You followed them ${ago}, on ${since}; followback waits ${enDays(graceDays)} before judging.`
      : `followback first saw them ${ago}, on ${since}, and waits ${enDays(graceDays)} before judging.`;
  },
  allowlisted: (entry) => `On your keep list as “${entry}”, so never suggested for removal.`,
  snoozed: (until) => `Snoozed until ${until}: no removal suggested before then.`,
  carriedOver: (sentence) => `${sentence.replace(/\.$/, '')} (carried over from the previous report).`,
  carriedOverOnly: (reason) => `“${reason}” is carried over from the previous report: this run could not read enough to check it again.`,
};

const itBecause: EvidenceSentences = {
  neverEngaged: ({ kinds, days, since, followedFor, unknownFollow }) => {
    const tracked = unknownFollow === null ? '' : unknownFollow.tracked.n === 0 ? ', e followback ha iniziato a osservarlo oggi' : `, e followback lo osserva da ${itDays(unknownFollow.tracked)}`;
    return (
      capitalise(itNone(kinds)) +
      (unknownFollow !== null ? ` nei ${itDays(days)} di storico letti` : ` in ${itDays(days)} di osservazione`) +
      ` (${itBefore('dal', since)})` +
      (followedFor !== null ? `; lo segui da ${itDays(followedFor)}` : '') +
      (unknownFollow !== null ? `; la data del follow non è nota${tracked}${unknownFollow.provisional ? ', quindi per ora da valutare e non da togliere' : ''}` : '') +
      '.'
    );
  },
  dormant: ({ kinds, days, last }) => `${capitalise(itNone(kinds))} da ${itDays(days)}; l'ultima interazione è ${itBefore('del', last)}.`,
  oneSided: ({ kinds, given, days, network }) =>
    `Negli ultimi ${itDays(days)} hai interagito con loro ${given.n === 1 ? 'una volta' : `${given.text} volte`}` +
    (kinds.length === 0 ? `, e ${network} non mostra nulla da parte loro.` : `, senza ricevere in cambio ${itAny(kinds)}.`),
  criticOnly: ({ kinds, count, negative, latest, sawLikes }) => {
    const likes = sawLikes ? ', e non ha mai messo mi piace né condiviso' : '';
    const first = kinds[0];
    if (count.n === 1) {
      const f = first?.feminine === true;
      return `${f ? 'La sua unica' : 'Il suo unico'} ${listed('it-IT', kinds.map((k) => k.one), 'disjunction')}, ${itBefore('del', latest)}, era ${f ? 'negativa' : 'negativo'}${likes}.`;
    }
    // A list of mixed genders agrees in the masculine.
    const f = kinds.length > 0 && kinds.every((k) => k.feminine === true);
    const nouns = listed('it-IT', kinds.map((k) => k.other), 'conjunction');
    const adjective = negative.n === 1 ? (f ? 'era negativa' : 'era negativo') : f ? 'erano negative' : 'erano negativi';
    return `${negative.text} ${f ? 'delle sue' : 'dei suoi'} ${count.text} ${nouns} ${adjective}${likes}; ${f ? 'la più recente' : 'il più recente'} è ${itBefore('del', latest)}.`;
  },
  excludedKeyword: ({ keyword, field }) => `${field === 'name' ? 'Il nome' : 'La bio'} contiene “${keyword}”, uno dei temi che hai escluso.`,
  foreignLanguage: ({ language, script, share, confidence, texts }) =>
    `Scrive in ${language}${script !== null ? `, in ${SCRIPTS_IT[script] ?? `scrittura ${script}`}` : ''}: ${itBefore('il', share)} del suo testo letto (${texts.n === 1 ? 'un solo testo, la bio o una risposta' : `${texts.text} testi, bio e risposte`}), con un'affidabilità ${itBefore('del', confidence)}.`,
  accountState: ({ state, movedTo }) => {
    switch (state) {
      case 'moved':
        return movedTo !== null ? `L'account si è spostato su ${movedTo}.` : "L'account si è spostato altrove.";
      case 'suspended':
        return "L'account è stato sospeso.";
      case 'deleted':
        return "L'account è stato eliminato.";
      case 'deactivated':
        return "L'account è stato disattivato; potrebbe tornare.";
      case 'active':
        return "L'account è attivo.";
    }
  },
  noPosts: ({ days, last }) => `Nessun post da ${itDays(days)}; l'ultimo è ${itBefore('del', last)}.`,
  newFollower: ({ followedBack, on }) =>
    `${followedBack ? 'Ha ricambiato il tuo follow' : 'Ha iniziato a seguirti'} ${on !== null ? itBefore('il', on) : "dopo l'ultimo rapporto"}.`,
  lostFollower: ({ wasMutual, stillFollowed }) =>
    `Ha smesso di seguirti dopo l'ultimo rapporto${wasMutual ? (stillFollowed ? ', mentre tu lo segui ancora' : '; vi seguivate a vicenda, e ora nemmeno tu lo segui più') : stillFollowed ? '; tu lo segui' : ''}.`,
  topSupporter: ({ rank, score, days }) => `${capitalise(itBefore('al', `${rank.text}°`))} posto tra chi ha interagito di più con te negli ultimi ${itDays(days)} (punteggio di interazione ${score}).`,
  gracePeriod: ({ basis, days, since, graceDays }) => {
    const how = days.n === 0 ? 'da oggi' : `da ${itDays(days)}`;
    return basis === 'followedAt'
      ? `Lo segui ${how} (${itBefore('dal', since)}); followback aspetta ${itDays(graceDays)} prima di giudicare.`
      : `followback lo vede ${how} (${itBefore('dal', since)}) e aspetta ${itDays(graceDays)} prima di giudicare.`;
  },
  allowlisted: (entry) => `Nella tua lista da tenere come “${entry}”, quindi non ti verrà mai suggerito di toglierlo.`,
  snoozed: (until) => `Rimandato fino ${itBefore('al', until)}: nessun suggerimento di toglierlo prima di allora.`,
  carriedOver: (sentence) => `${sentence.replace(/\.$/, '')} (ripreso dal rapporto precedente).`,
  carriedOverOnly: (reason) => `“${reason}” è ripreso dal rapporto precedente: questa esecuzione non ha letto abbastanza per ricontrollarlo.`,
};

export interface Messages {
  /** `lang` attribute of the HTML and the Intl locale for dates and numbers. */
  lang: string;
  intlLocale: string;
  title: string;
  subject(p: { profile: string; unfollow: number; followBack: number; dryRun: boolean }): string;
  summary(p: SummaryFacts): string;
  dryRunNote: string;
  figuresTitle: string;
  figures: Record<FigureKey, string>;
  sinceLastRun: string;
  trendTitle: string;
  trendColumns: { at: string; following: string; followers: string; engaged: string; unfollow: string; newFollowers: string; lostFollowers: string };
  thisRun: string;
  sections: Record<SectionId, { title: string; intro: string }>;
  unfollowGroupIntro: Partial<Record<ReasonCode, string>>;
  none: string;
  andMore(n: number): string;
  /** For lists the CSV does not carry (notices, actions, decisions): left out only to keep the email under Gmail's clipping size. */
  andMoreHere(n: number): string;
  staleTitle: string;
  staleSource(p: { source: string; contacts: string; interactions: string; since: string | null }): string;
  problem: string;
  noticesTitle: string;
  unmatchedDecision(p: { decision: 'allowlist' | 'snooze'; entry: string; closest: string | null }): string;
  classifierFailed(detail: string): string;
  classifierFallback(detail: string): string;
  previousUnstored(date: string): string;
  sourceProblems(source: string): string;
  completeness: Record<Completeness, string>;
  reasons: Record<ReasonCode, string>;
  recommendations: Record<Recommendation, string>;
  relations: Record<ReportContact['relation'], string>;
  states: Record<ReportContact['state'], string>;
  /** Each kind as a noun, once and many times ("a like", "likes"). */
  kinds: Record<InteractionKind, KindNoun>;
  /** Any interaction at all: the silence of a report made before sources declared the kinds they see. */
  anyKind: KindNoun;
  reasonsLabel: string;
  inWindow(p: { days: number; inbound: number; outbound: number; byKind: string }): string;
  lastInbound(date: string): string;
  noInbound: string;
  lastOutbound(date: string): string;
  followedFor(days: Figure): string;
  lastPost(date: string): string;
  staleContact: string;
  /** Each reason's evidence as one sentence a person reads in one go (see EvidenceSentences). */
  because: EvidenceSentences;
  /** The kinds a judgement of silence rests on, and the ones the source cannot see (plural kind names, already listed). */
  judgedOn(p: { seen: string; hidden: string | null; source: string }): string;
  /** What the source cannot show, when the row's sentences already named the kinds it sees. */
  notShown(p: { hidden: string; source: string }): string;
  /** An empty list of kinds. */
  noKinds: string;
  /** Each network's own words for the kinds, where they differ from `kinds` (Instagram's comments and tags). */
  networkKinds: Readonly<Record<string, Partial<Record<InteractionKind, KindNoun>>>>;
  /** What a source cannot show, as who did it ("liked"; "chi ha messo mi piace"), and each network's own verbs. */
  hiddenWho: Record<InteractionKind, string>;
  networkHiddenWho: Readonly<Record<string, Partial<Record<InteractionKind, string>>>>;
  /** The listed verbs as the object of "does not show" ("who liked or commented"). */
  whoOf(verbs: string): string;
  /** One line per source that read an official API, under the table of what each source could see. */
  apiLine(p: { network: string; ok: boolean; spend: string | null; token: string | null }): string;
  /** Spend against the caps, amounts already formatted; null when nothing is known. */
  apiSpend(p: { run: string | null; month: string | null; runCap: string | null; monthCap: string | null }): string | null;
  apiTokenUntil(p: { date: string; refreshed: string | null }): string;
  apiSkipped(list: string): string;
  /** One read the budget skipped; `caps`: the source's caps, already formatted (null when unknown). */
  skippedRead(item: SkippedRead, caps: { run: string | null; month: string | null }): string;
  /** The notice near the top when an API token must be renewed, or expires within a week. */
  tokenTitle: string;
  /** `network`: its name, with the source id when it differs; `refreshes`: followback refreshes this token itself (docs/api-tokens.md). */
  tokenLine(p: { network: string; kind: TokenNoticeJson['kind']; date: string | null; refreshes: boolean; permissions: string }): string;
  /** The steps to make a new token on `api`, and where to put it (`where` from tokenWhere, its preposition included). */
  tokenHow(p: { api: ApiNetwork; where: string; refreshWhere: string | null; permissions: string }): string;
  /** "in the environment variable IG_TOKEN" / "nella variabile d'ambiente IG_TOKEN". */
  tokenWhere(place: TokenPlace): string;
  /** The per-source "what it could see" table. */
  sightTitle: string;
  sightColumns: { source: string; inbound: string; outbound: string; hidden: string; followDates: string };
  followDates: Record<FollowDates, string>;
  /** Under the table, for a source whose removals stop at review. */
  sightReviewOnly(source: string): string;
  /** The note near the top when an export source is due for a new export. */
  exportReminderTitle: string;
  /** `network`: the network's name, with the source id when it differs; `date` formatted; `days` whole days since. */
  exportReminderDue(p: { network: string; date: string; days: number }): string;
  exportReminderNone(network: string): string;
  /** The network's steps to download a new export, then how to hand it over. */
  exportReminderHow(steps: string): string;
  /** Per network: its name and the short steps to download an export followback reads. */
  exportNetworks: Record<ExportNetworkId, { name: string; steps: string }>;
  /** Labels of evidence facts the analysis is known to produce; others are shown with their own key. */
  evidence: Record<EvidenceKey, string>;
  yes: string;
  no: string;
  /**
   * `csv`: the attachment holds only the contacts named in the email's sections (`rows`, formatted), not all
   * `total`: every contact would make the message bigger than email carries (shared/mail/ses-mailer.ts). With
   * `perSection`, even those are too many: it holds the first `perSection` of each section, `rows` of `named`.
   */
  footer(p: { runId: string; windowStart: string; windowEnd: string; csv?: { rows: string; total: string; perSection?: string; named?: string } }): string[];
  /** First in the footer when the email carries decision links: each link acts for whoever holds the email. */
  linksWarning(p: { days: number; until: string }): string;
}

const en: Messages = {
  lang: 'en',
  intlLocale: 'en-GB',
  title: 'Your community report',
  subject: ({ profile, unfollow, followBack, dryRun }) =>
    `${dryRun ? '[dry run] ' : ''}followback · ${profile}: ${unfollow} to unfollow, ${followBack} to follow back`,
  summary: (p) =>
    `You follow ${p.following} accounts and ${p.followers} follow you (${p.mutuals} mutual); ${p.engagedShare} of the accounts you follow engaged with you in the last ${p.days} days. ` +
    `Suggested: ${p.unfollow} to unfollow, ${p.review} to review, ${p.followBack} to follow back.`,
  dryRunNote: 'Dry run: this report was not emailed.',
  figuresTitle: 'Headline figures',
  figures: {
    following: 'You follow',
    followers: 'Followers',
    mutuals: 'Mutual',
    engagedFollowingShare: 'Engaged (of those you follow)',
    engagedFollowerShare: 'Engaged (of your followers)',
    engagedFollowing: 'Engaged accounts you follow',
    engagedFollowers: 'Engaged followers',
    suggestedUnfollows: 'To unfollow',
    suggestedReviews: 'To review',
    suggestedFollowBacks: 'To follow back',
    newFollowers: 'New followers',
    lostFollowers: 'Lost followers',
    inboundInWindow: 'Interactions received',
    outboundInWindow: 'Interactions given',
  },
  sinceLastRun: 'since the last report',
  trendTitle: 'Trend',
  trendColumns: {
    at: 'Run',
    following: 'You follow',
    followers: 'Followers',
    engaged: 'Engaged',
    unfollow: 'To unfollow',
    newFollowers: 'New',
    lostFollowers: 'Lost',
  },
  thisRun: 'now',
  sections: {
    unfollow: { title: 'Suggested unfollows', intro: 'Accounts you follow that give nothing back to your community, grouped by the main reason.' },
    review: { title: 'Worth a look', intro: 'Signals are mixed: check these yourself before deciding.' },
    followBack: { title: 'Follow back', intro: 'They follow you and engage with you, but you do not follow them.' },
    newFollowers: { title: 'New followers', intro: 'Started following you since the last report.' },
    lostFollowers: { title: 'Lost followers', intro: 'Stopped following you since the last report.' },
    topSupporters: { title: 'Top supporters', intro: 'The people who engaged with you most in the window. Thank them!' },
  },
  unfollowGroupIntro: {
    inactive_account: 'The account stopped posting, or was suspended, moved or deleted.',
    never_engaged: 'Observed long enough, never a single interaction with you.',
    dormant: 'They used to engage, but have been silent for a long time.',
    critic_only: 'They only ever reply to criticise.',
    one_sided: 'You engage with them; they never give anything back.',
    out_of_audience: 'Their language or topics fall outside your audience.',
  },
  none: 'Nothing here this time.',
  andMore: (n) => `…and ${n} more (see the CSV attachment)`,
  andMoreHere: (n) => `…and ${n} more, left out to keep this email short`,
  staleTitle: 'Some data is stale: nothing was concluded from what is missing.',
  staleSource: ({ source, contacts, interactions, since }) =>
    `${source}: contacts ${contacts}, interactions ${interactions}; ${since === null ? 'never pulled completely' : `last complete pull ${since}`}.`,
  problem: 'Problem',
  noticesTitle: 'Please check',
  unmatchedDecision: ({ decision, entry, closest }) =>
    `${decision === 'allowlist' ? 'Allowlist' : 'Snooze'} entry "${entry}" matches no contact of this profile, so it protects nobody${closest !== null ? `; did you mean ${closest}?` : '.'}`,
  previousUnstored: (date) => `The report of ${date} was emailed, but its changes could not be stored: new and lost followers since then are reported again here.`,
  classifierFailed: (detail) => `Tone could not be judged this run, so no one was called a critic: ${detail}`,
  classifierFallback: (detail) => `Tone was judged, in part by the local classifier: ${detail}`,
  sourceProblems: (source) => `${source}: the pull completed, with these problems:`,
  completeness: { complete: 'complete', partial: 'partial', failed: 'failed' },
  reasons: {
    never_engaged: 'Never engaged',
    dormant: 'Dormant',
    one_sided: 'One-sided',
    critic_only: 'Only criticism',
    out_of_audience: 'Outside your audience',
    inactive_account: 'Inactive account',
    new_follower: 'New follower',
    lost_follower: 'Stopped following you',
    top_supporter: 'Top supporter',
    grace_period: 'Followed recently',
    allowlisted: 'On your keep list',
    snoozed: 'Snoozed',
  },
  recommendations: { unfollow: 'unfollow', review: 'review', keep: 'keep', follow_back: 'follow back', no_follow_back: 'no follow back' },
  relations: { following: 'you follow', follower: 'follows you', mutual: 'mutual', former_follower: 'former follower' },
  states: { active: 'active', moved: 'account moved', suspended: 'account suspended', deleted: 'account deleted', deactivated: 'account deactivated (may come back)' },
  kinds: {
    like: { one: 'like', other: 'likes' },
    repost: { one: 'repost', other: 'reposts' },
    reply: { one: 'reply', other: 'replies' },
    quote: { one: 'quote', other: 'quotes' },
    mention: { one: 'mention', other: 'mentions' },
    follow: { one: 'follow', other: 'follows' },
  },
  anyKind: { one: 'interaction', other: 'interactions' },
  reasonsLabel: 'Why',
  inWindow: ({ days, inbound, outbound, byKind }) =>
    `Last ${days} days: ${inbound} from them${byKind ? ` (${byKind})` : ''}, ${outbound} from you`,
  lastInbound: (date) => `last interaction from them ${date}`,
  noInbound: 'no interaction from them on record',
  lastOutbound: (date) => `your last interaction ${date}`,
  followedFor: (days) => `followed for ${enDays(days)}`,
  lastPost: (date) => `last post ${date}`,
  staleContact: 'source stale: reasons carried over from the previous report',
  because: enBecause,
  judgedOn: ({ seen, hidden, source }) => `Judged on ${seen}${hidden !== null ? `; ${source} does not show ${hidden}, so review rather than unfollow` : ''}.`,
  notShown: ({ hidden, source }) => `${source} does not show ${hidden}, so review rather than unfollow.`,
  noKinds: 'nothing',
  networkKinds: {
    instagram: { reply: { one: 'comment', other: 'comments' }, mention: { one: 'tag', other: 'tags' } },
    facebook: { reply: { one: 'comment', other: 'comments' }, like: { one: 'reaction', other: 'reactions' }, mention: { one: 'tag', other: 'tags' }, repost: { one: 'share', other: 'shares' } },
  },
  hiddenWho: { like: 'liked', repost: 'reposted', reply: 'replied', quote: 'quoted you', mention: 'mentioned you', follow: 'followed you' },
  networkHiddenWho: {
    instagram: { reply: 'commented', mention: 'tagged you' },
    facebook: { like: 'reacted', reply: 'commented', mention: 'tagged you', repost: 'shared' },
  },
  whoOf: (verbs) => `who ${verbs}`,
  apiLine: ({ network, ok, spend, token }) =>
    `${network} API: ${ok ? (spend ?? 'read this run') : `not read this run${spend !== null ? ` (${spend})` : ''}, so nothing only it shows was judged`}${token !== null ? `; ${token}` : ''}.`,
  apiSpend: ({ run, month, runCap, monthCap }) => {
    const spent = [...(run !== null ? [`${run} this run`] : []), ...(month !== null ? [`${month} this month`] : [])].join(', ');
    const caps = runCap !== null && monthCap !== null ? `caps ${runCap} / ${monthCap}` : runCap !== null ? `cap ${runCap} a run` : monthCap !== null ? `cap ${monthCap} a month` : '';
    if (spent === '' && caps === '') return null;
    return spent === '' ? caps : `${spent}${caps !== '' ? ` (${caps})` : ''}`;
  },
  apiTokenUntil: ({ date, refreshed }) => `token valid until ${date}${refreshed !== null ? ` (refreshed ${refreshed})` : ''}`,
  apiSkipped: (list) => `skipped to stay within budget: ${list}`,
  skippedRead: ({ what, posts, cap }, caps) => {
    const why =
      cap === 'month_used_up' ? ` (this month's X budget${caps.month !== null ? ` of ${caps.month}` : ''} is used up)`
      : cap === 'month' ? ` (over this month's X budget${caps.month !== null ? ` of ${caps.month}` : ''})`
      : cap === 'run' ? ` (over budget: this run may spend ${caps.run ?? 'its cap'})`
      : cap === 'retry' ? ' (a connection broke; trying again would go past the budget)'
      : '';
    const n = posts ?? 0;
    const older = `${n} older post${n === 1 ? '' : 's'}`;
    switch (what) {
      case 'everything': return `everything on X this run${why}`;
      case 'mentions': return `your mentions${why}`;
      case 'mentions_rest': return `the rest of your new mentions${why}; the next run goes on`;
      case 'newest_posts': return `your newest posts, so who liked and reposted them${why}`;
      case 'some_newest_posts': return `some of your newest posts, so who liked and reposted them${why}`;
      case 'likers': return `who liked ${older}${why}`;
      case 'reposters': return `who reposted ${older}${why}`;
      case 'followers': return `the follower list${why || ' (due, but over budget)'}`;
      case 'followers_rest': return `the rest of the follower list${why || ' (due, but over budget)'}`;
      case 'following': return `the following list${why || ' (due, but over budget)'}`;
      case 'following_rest': return `the rest of the following list${why || ' (due, but over budget)'}`;
    }
  },
  tokenTitle: 'An API token needs you',
  tokenLine: ({ network, kind, date, refreshes, permissions }) => {
    switch (kind) {
      case 'expired':
        return `The ${network} token has expired${date !== null ? ` (on ${date})` : ''}, so followback could not read the ${network} API this run.`;
      case 'invalid':
        return `The ${network} token no longer works (revoked, password changed or the app removed), so followback could not read the ${network} API this run.`;
      case 'refresh_failed':
        return `followback could not refresh the ${network} token; it keeps using the current one until it expires${date !== null ? ` on ${date}` : ''}. If this line is still here next time, renew it.`;
      case 'missing_permission':
        return `The ${network} token lacks a permission followback needs: it needs ${permissions}.`;
      case 'expires_soon':
        return refreshes
          ? `The ${network} token expires on ${date ?? 'a date soon'}; followback refreshes it on its own when it can. If this line is still here next week, renew it.`
          : `The ${network} token expires on ${date ?? 'a date soon'}, and followback cannot refresh it: renew it before then.`;
    }
  },
  tokenHow: ({ api, where, refreshWhere, permissions }) => {
    switch (api) {
      case 'instagram':
        return `How: open the Meta app dashboard (developers.facebook.com/apps) → your app → Instagram → API setup with Instagram business login, click Generate token next to your account (a long-lived token, 60 days, with ${permissions}), and put it ${where}.`;
      case 'threads':
        return `How: open the Meta app dashboard (developers.facebook.com/apps) → your app → the Threads use case, get a token with ${permissions}, exchange it for a long-lived one (60 days), and put it ${where}.`;
      case 'facebook':
        return `How: get a new Page token. In the Graph API Explorer (developers.facebook.com/tools/explorer) choose your app and ask for ${permissions}, extend the user token to a long-lived one in the Access Token Debugger, get the Page token from /me/accounts (made this way, it does not expire), and put it ${where}.`;
      case 'x':
        return `How: authorise your X app again (OAuth 2.0 with ${permissions}) and put the new access token ${where}${refreshWhere !== null ? ` and the new refresh token ${refreshWhere}` : ''}.`;
    }
  },
  tokenWhere: (p) => {
    const local = p.file !== undefined ? `in the file ${p.file}` : p.env !== undefined ? `in the environment variable ${p.env}` : null;
    const deployed = p.secretName !== undefined ? `in the Secrets Manager secret ${p.secretName}` : null;
    if (local !== null && deployed !== null) return `${local} (local runs) or ${deployed} (deployed)`;
    return local ?? deployed ?? `where api.accessToken of the source "${p.sourceId}" says in your config`;
  },
  sightTitle: 'What each source could see',
  sightColumns: { source: 'Source', inbound: 'From them', outbound: 'From you', hidden: 'Cannot see', followDates: 'Follow dates' },
  followDates: { both: 'both', following: 'whom you follow', followers: 'your followers', none: 'none' },
  sightReviewOnly: (source) => `${source}: silence cannot be confirmed here, so its contacts go to review, never straight to unfollow.`,
  exportReminderTitle: 'Time for a fresh export',
  exportReminderDue: ({ network, date, days }) => `${network}: the newest export read is from ${date}, ${days === 1 ? '1 day' : `${days} days`} ago.`,
  exportReminderNone: (network) => `${network}: no export read yet.`,
  exportReminderHow: (steps) => `How: ${steps}. Then file it with followback import.`,
  exportNetworks: {
    instagram: { name: 'Instagram', steps: 'Accounts Center → Your information and permissions → Download your information → Download to device; Format JSON, Date range All time, with "Followers and following" and "Your activity"' },
    threads: { name: 'Threads', steps: 'Accounts Center → Your information and permissions → Download your information → your Threads profile → Download to device; Format JSON, Date range All time, with "Followers and following" and "Your activity"' },
    facebook: { name: 'Facebook', steps: 'Accounts Center → Your information and permissions → Download your information → Download to device; Format JSON, Date range All time, with "Friends and followers", "Your activity" and "Notifications"' },
    x: { name: 'X', steps: 'Settings → Your account → Download an archive of your data' },
    linkedin: { name: 'LinkedIn', steps: 'Settings → Data privacy → Get a copy of your data ("Connections" is enough)' },
    tiktok: { name: 'TikTok', steps: 'Settings → Account → Download your data; File format JSON, All data' },
  },
  evidence: {
    observedDays: 'days observed',
    observedSince: 'observed since',
    followedForDays: 'days followed',
    followDateUnknown: 'follow date unknown',
    trackedDays: 'days tracked',
    provisional: 'to confirm',
    carriedOver: 'carried over from the previous report',
    lastInboundAt: 'last interaction from them',
    daysSinceInbound: 'days since their last interaction',
    outboundInWindow: 'your interactions',
    lookbackDays: 'days in the window',
    count: 'replies, mentions and quotes',
    negative: 'negative',
    example: 'example',
    exampleAt: 'example from',
    exampleId: 'reply id',
    excludedKeyword: 'excluded topic',
    field: 'found in',
    language: 'language',
    confidence: 'confidence',
    languageShare: 'share of their text',
    textsRead: 'texts read',
    script: 'script',
    state: 'status',
    movedTo: 'moved to',
    lastPostAt: 'last post',
    daysSincePost: 'days since their last post',
    previousRelation: 'before',
    followerSince: 'follows you since',
    stillFollowed: 'you still follow them',
    rank: 'rank',
    score: 'score',
    since: 'since',
    basis: 'based on',
    daysSince: 'days ago',
    graceDays: 'grace days',
    entry: 'entry',
    until: 'until',
    kindsSeen: 'judged on',
    kindsHidden: 'not visible from this source',
  },
  yes: 'yes',
  no: 'no',
  footer: ({ runId, windowStart, windowEnd, csv }) => [
    'followback recommends; you decide. Nothing is unfollowed automatically.',
    csv === undefined
      ? 'The CSV attachment lists every contact with its figures and reasons.'
      : csv.perSection !== undefined
        ? `The CSV attachment lists ${csv.rows} of the ${csv.named ?? csv.rows} contacts named in this email's sections, the first ${csv.perSection} of each at most, with their figures and reasons: the list of all ${csv.total} is too big to send by email.`
        : `The CSV attachment lists the ${csv.rows} contacts named in this email's sections, with their figures and reasons: the list of all ${csv.total} is too big to send by email.`,
    `Window ${windowStart} – ${windowEnd} · run ${runId}`,
  ],
  linksWarning: ({ days, until }) =>
    `Anyone who has this email can use its links to keep, snooze, unfollow or follow back these accounts, so don't forward it. The links expire in ${days === 1 ? '1 day' : `${days} days`}, on ${until}.`,
};

const it: Messages = {
  lang: 'it',
  intlLocale: 'it-IT',
  title: 'Il rapporto sulla tua community',
  subject: ({ profile, unfollow, followBack, dryRun }) =>
    `${dryRun ? '[prova] ' : ''}followback · ${profile}: ${unfollow} da non seguire più, ${followBack} da ricambiare`,
  summary: (p) =>
    `Segui ${p.following} account e ${p.followers} ti seguono (${p.mutuals} reciproci); il ${p.engagedShare} degli account che segui ha interagito con te negli ultimi ${p.days} giorni. ` +
    `Suggerimenti: ${p.unfollow} da non seguire più, ${p.review} da valutare, ${p.followBack} da ricambiare.`,
  dryRunNote: 'Prova: questo rapporto non è stato inviato per email.',
  figuresTitle: 'I numeri principali',
  figures: {
    following: 'Segui',
    followers: 'Follower',
    mutuals: 'Reciproci',
    engagedFollowingShare: 'Attivi (tra chi segui)',
    engagedFollowerShare: 'Attivi (tra i follower)',
    engagedFollowing: 'Account seguiti attivi',
    engagedFollowers: 'Follower attivi',
    suggestedUnfollows: 'Da non seguire più',
    suggestedReviews: 'Da valutare',
    suggestedFollowBacks: 'Da ricambiare',
    newFollowers: 'Nuovi follower',
    lostFollowers: 'Follower persi',
    inboundInWindow: 'Interazioni ricevute',
    outboundInWindow: 'Interazioni date',
  },
  sinceLastRun: "dall'ultimo rapporto",
  trendTitle: 'Andamento',
  trendColumns: {
    at: 'Rapporto',
    following: 'Segui',
    followers: 'Follower',
    engaged: 'Attivi',
    unfollow: 'Da non seguire',
    newFollowers: 'Nuovi',
    lostFollowers: 'Persi',
  },
  thisRun: 'ora',
  sections: {
    unfollow: { title: 'Da non seguire più', intro: 'Account che segui e che non danno nulla alla tua community, raggruppati per motivo principale.' },
    review: { title: 'Da valutare', intro: 'Segnali contrastanti: controllali tu prima di decidere.' },
    followBack: { title: 'Da ricambiare', intro: 'Ti seguono e interagiscono con te, ma tu non li segui.' },
    newFollowers: { title: 'Nuovi follower', intro: "Hanno iniziato a seguirti dall'ultimo rapporto." },
    lostFollowers: { title: 'Follower persi', intro: "Hanno smesso di seguirti dall'ultimo rapporto." },
    topSupporters: { title: 'I più vicini', intro: 'Le persone che hanno interagito di più con te nel periodo. Ringraziale!' },
  },
  unfollowGroupIntro: {
    inactive_account: "L'account non pubblica più, oppure è stato sospeso, spostato o eliminato.",
    never_engaged: 'Osservati abbastanza a lungo, mai una sola interazione con te.',
    dormant: 'Interagivano, ma da molto tempo tacciono.',
    critic_only: 'Rispondono solo per criticare.',
    one_sided: 'Tu interagisci con loro; loro non ricambiano mai.',
    out_of_audience: 'Lingua o argomenti fuori dal tuo pubblico.',
  },
  none: 'Niente da segnalare questa volta.',
  andMore: (n) => (n === 1 ? '…e un altro (vedi il CSV allegato)' : `…e altri ${n} (vedi il CSV allegato)`),
  andMoreHere: (n) => (n === 1 ? "…e un altro, omesso per tenere breve l'email" : `…e altri ${n}, omessi per tenere breve l'email`),
  staleTitle: 'Alcuni dati non sono aggiornati: non si è concluso nulla da ciò che manca.',
  staleSource: ({ source, contacts, interactions, since }) =>
    `${source}: lettura dei contatti ${contacts}, lettura delle interazioni ${interactions}; ${since === null ? 'mai letto completamente' : `ultima lettura completa ${since}`}.`,
  problem: 'Problema',
  noticesTitle: 'Da controllare',
  unmatchedDecision: ({ decision, entry, closest }) =>
    `La voce "${entry}" ${decision === 'allowlist' ? 'della lista dei protetti' : 'delle pause'} non corrisponde a nessun contatto di questo profilo, quindi non protegge nessuno${closest !== null ? `; forse intendevi ${closest}?` : '.'}`,
  previousUnstored: (date) => `Il rapporto del ${date} è stato inviato, ma le sue modifiche non sono state salvate: i nuovi follower e quelli persi da allora compaiono di nuovo qui.`,
  classifierFailed: (detail) => `Il tono non è stato valutato in questa esecuzione, quindi nessuno è stato indicato come critico: ${detail}`,
  classifierFallback: (detail) => `Il tono è stato valutato, in parte dal classificatore locale: ${detail}`,
  sourceProblems: (source) => `${source}: lettura completa, con questi problemi:`,
  completeness: { complete: 'completa', partial: 'parziale', failed: 'non riuscita' },
  reasons: {
    never_engaged: 'Mai un’interazione',
    dormant: 'Silenzioso da tempo',
    one_sided: 'A senso unico',
    critic_only: 'Solo critiche',
    out_of_audience: 'Fuori dal tuo pubblico',
    inactive_account: 'Account inattivo',
    new_follower: 'Nuovo follower',
    lost_follower: 'Ha smesso di seguirti',
    top_supporter: 'Tra i più vicini',
    grace_period: 'Seguito da poco',
    allowlisted: 'Nella tua lista da tenere',
    snoozed: 'Rimandato',
  },
  recommendations: { unfollow: 'non seguire più', review: 'valutare', keep: 'tenere', follow_back: 'ricambiare', no_follow_back: 'non ricambiare' },
  relations: { following: 'lo segui', follower: 'ti segue', mutual: 'reciproco', former_follower: 'ex follower' },
  states: { active: 'attivo', moved: 'account spostato', suspended: 'account sospeso', deleted: 'account eliminato', deactivated: 'account disattivato (può tornare)' },
  kinds: {
    like: { one: 'mi piace', other: 'mi piace' },
    repost: { one: 'condivisione', other: 'condivisioni', feminine: true },
    reply: { one: 'risposta', other: 'risposte', feminine: true },
    quote: { one: 'citazione', other: 'citazioni', feminine: true },
    mention: { one: 'menzione', other: 'menzioni', feminine: true },
    follow: { one: 'follow', other: 'follow' },
  },
  anyKind: { one: 'interazione', other: 'interazioni', feminine: true },
  reasonsLabel: 'Perché',
  inWindow: ({ days, inbound, outbound, byKind }) =>
    `Ultimi ${days} giorni: ${inbound} da loro${byKind ? ` (${byKind})` : ''}, ${outbound} da te`,
  lastInbound: (date) => `ultima interazione da loro ${date}`,
  noInbound: 'nessuna interazione da loro registrata',
  lastOutbound: (date) => `tua ultima interazione ${date}`,
  followedFor: (days) => `seguito da ${itDays(days)}`,
  lastPost: (date) => `ultimo post ${date}`,
  staleContact: "fonte non aggiornata: motivi ripresi dal rapporto precedente",
  because: itBecause,
  judgedOn: ({ seen, hidden, source }) => `Valutato su ${seen}${hidden !== null ? `; ${source} non mostra ${hidden}, quindi da valutare e non da togliere` : ''}.`,
  notShown: ({ hidden, source }) => `${source} non mostra ${hidden}, quindi da valutare e non da togliere.`,
  noKinds: 'niente',
  networkKinds: {
    instagram: { reply: { one: 'commento', other: 'commenti' }, mention: { one: 'tag', other: 'tag' } },
    facebook: { reply: { one: 'commento', other: 'commenti' }, like: { one: 'reazione', other: 'reazioni', feminine: true }, mention: { one: 'tag', other: 'tag' }, repost: { one: 'condivisione', other: 'condivisioni', feminine: true } },
    x: { repost: { one: 'repost', other: 'repost' } },
  },
  hiddenWho: {
    like: 'chi ha messo mi piace',
    repost: 'chi ha condiviso',
    reply: 'chi ha risposto',
    quote: 'chi ti ha citato',
    mention: 'chi ti ha menzionato',
    follow: 'chi ti ha seguito',
  },
  networkHiddenWho: {
    instagram: { reply: 'chi ha commentato', mention: 'chi ti ha taggato' },
    facebook: { like: 'chi ha reagito', reply: 'chi ha commentato', mention: 'chi ti ha taggato' },
    x: { repost: 'chi ha fatto repost' },
  },
  whoOf: (verbs) => verbs,
  apiLine: ({ network, ok, spend, token }) =>
    `API di ${network}: ${ok ? (spend ?? 'letta in questa esecuzione') : `non letta in questa esecuzione${spend !== null ? ` (${spend})` : ''}, quindi nulla di ciò che mostra solo lei è stato valutato`}${token !== null ? `; ${token}` : ''}.`,
  apiSpend: ({ run, month, runCap, monthCap }) => {
    const spent = [...(run !== null ? [`${run} in questa esecuzione`] : []), ...(month !== null ? [`${month} questo mese`] : [])].join(', ');
    const caps = runCap !== null && monthCap !== null ? `limiti ${runCap} / ${monthCap}` : runCap !== null ? `limite ${runCap} a esecuzione` : monthCap !== null ? `limite ${monthCap} al mese` : '';
    if (spent === '' && caps === '') return null;
    return spent === '' ? caps : `${spent}${caps !== '' ? ` (${caps})` : ''}`;
  },
  apiTokenUntil: ({ date, refreshed }) => `token valido fino al ${date}${refreshed !== null ? ` (rinnovato il ${refreshed})` : ''}`,
  apiSkipped: (list) => `saltato per restare nel budget: ${list}`,
  skippedRead: ({ what, posts, cap }, caps) => {
    const why =
      cap === 'month_used_up' ? ` (il budget mensile per X${caps.month !== null ? ` di ${caps.month}` : ''} è esaurito)`
      : cap === 'month' ? ` (oltre il budget mensile per X${caps.month !== null ? ` di ${caps.month}` : ''})`
      : cap === 'run' ? ` (oltre il budget: questa esecuzione può spendere ${caps.run ?? 'il suo limite'})`
      : cap === 'retry' ? ' (una connessione si è interrotta; riprovare avrebbe superato il budget)'
      : '';
    const n = posts ?? 0;
    const older = n === 1 ? '1 post meno recente' : `${n} post meno recenti`;
    switch (what) {
      case 'everything': return `tutto su X in questa esecuzione${why}`;
      case 'mentions': return `le tue menzioni${why}`;
      case 'mentions_rest': return `il resto delle nuove menzioni${why}; la prossima esecuzione continua`;
      case 'newest_posts': return `i tuoi post più recenti, e quindi chi li ha apprezzati e condivisi${why}`;
      case 'some_newest_posts': return `alcuni dei tuoi post più recenti, e quindi chi li ha apprezzati e condivisi${why}`;
      case 'likers': return `chi ha messo mi piace a ${older}${why}`;
      case 'reposters': return `chi ha condiviso ${older}${why}`;
      case 'followers': return `l'elenco dei follower${why || ' (previsto, ma oltre il budget)'}`;
      case 'followers_rest': return `il resto dell'elenco dei follower${why || ' (previsto, ma oltre il budget)'}`;
      case 'following': return `l'elenco degli account seguiti${why || ' (previsto, ma oltre il budget)'}`;
      case 'following_rest': return `il resto dell'elenco degli account seguiti${why || ' (previsto, ma oltre il budget)'}`;
    }
  },
  tokenTitle: 'Un token API ha bisogno di te',
  tokenLine: ({ network, kind, date, refreshes, permissions }) => {
    switch (kind) {
      case 'expired':
        return `Il token di ${network} è scaduto${date !== null ? ` (il ${date})` : ''}, quindi followback non ha potuto leggere l'API di ${network} in questa esecuzione.`;
      case 'invalid':
        return `Il token di ${network} non funziona più (revocato, password cambiata o app rimossa), quindi followback non ha potuto leggere l'API di ${network} in questa esecuzione.`;
      case 'refresh_failed':
        return `followback non è riuscito a rinnovare il token di ${network}; continua a usare quello attuale finché non scade${date !== null ? `, il ${date}` : ''}. Se questa riga è ancora qui la prossima volta, rinnovalo.`;
      case 'missing_permission':
        return `Al token di ${network} manca un'autorizzazione che serve a followback: servono ${permissions}.`;
      case 'expires_soon':
        return refreshes
          ? `Il token di ${network} scade il ${date ?? 'a breve'}; followback lo rinnova da solo quando può. Se questa riga è ancora qui la settimana prossima, rinnovalo.`
          : `Il token di ${network} scade il ${date ?? 'a breve'} e followback non può rinnovarlo: rinnovalo prima di allora.`;
    }
  },
  tokenHow: ({ api, where, refreshWhere, permissions }) => {
    switch (api) {
      case 'instagram':
        return `Come: apri la dashboard della tua app Meta (developers.facebook.com/apps) → la tua app → Instagram → configurazione dell'API con il login aziendale di Instagram, clicca Genera token accanto al tuo account (un token di lunga durata, 60 giorni, con ${permissions}) e mettilo ${where}.`;
      case 'threads':
        return `Come: apri la dashboard della tua app Meta (developers.facebook.com/apps) → la tua app → il caso d'uso Threads, ottieni un token con ${permissions}, scambialo con uno di lunga durata (60 giorni) e mettilo ${where}.`;
      case 'facebook':
        return `Come: ottieni un nuovo token della Pagina. Nel Graph API Explorer (developers.facebook.com/tools/explorer) scegli la tua app e chiedi ${permissions}, estendi il token utente a uno di lunga durata nel debugger dei token d'accesso, prendi il token della Pagina da /me/accounts (ottenuto così non scade) e mettilo ${where}.`;
      case 'x':
        return `Come: autorizza di nuovo la tua app X (OAuth 2.0 con ${permissions}) e metti il nuovo token d'accesso ${where}${refreshWhere !== null ? ` e il nuovo refresh token ${refreshWhere}` : ''}.`;
    }
  },
  tokenWhere: (p) => {
    const local = p.file !== undefined ? `nel file ${p.file}` : p.env !== undefined ? `nella variabile d'ambiente ${p.env}` : null;
    const deployed = p.secretName !== undefined ? `nel secret di Secrets Manager ${p.secretName}` : null;
    if (local !== null && deployed !== null) return `${local} (in locale) o ${deployed} (nel cloud)`;
    return local ?? deployed ?? `dove indica api.accessToken della fonte "${p.sourceId}" nella tua configurazione`;
  },
  sightTitle: 'Cosa ha potuto vedere ogni fonte',
  sightColumns: { source: 'Fonte', inbound: 'Da loro', outbound: 'Da te', hidden: 'Non vede', followDates: 'Date dei follow' },
  followDates: { both: 'entrambe', following: 'chi segui', followers: 'i tuoi follower', none: 'nessuna' },
  sightReviewOnly: (source) => `${source}: qui il silenzio non si può confermare, quindi i suoi contatti vanno valutati e mai tolti direttamente.`,
  exportReminderTitle: 'È ora di un nuovo export',
  exportReminderDue: ({ network, date, days }) => `${network}: l'export più recente letto è del ${date}, ${days === 1 ? '1 giorno' : `${days} giorni`} fa.`,
  exportReminderNone: (network) => `${network}: ancora nessun export letto.`,
  exportReminderHow: (steps) => `Come: ${steps}. Poi aggiungilo con followback import.`,
  exportNetworks: {
    instagram: { name: 'Instagram', steps: 'Centro gestione account → Le tue informazioni e autorizzazioni → Scarica le tue informazioni → Scarica sul dispositivo; formato JSON, intervallo di date "Sempre" (All time), con "Follower e persone seguite" e "La tua attività"' },
    threads: { name: 'Threads', steps: 'Centro gestione account → Le tue informazioni e autorizzazioni → Scarica le tue informazioni → il profilo Threads → Scarica sul dispositivo; formato JSON, intervallo di date "Sempre" (All time), con "Follower e persone seguite" e "La tua attività"' },
    facebook: { name: 'Facebook', steps: 'Centro gestione account → Le tue informazioni e autorizzazioni → Scarica le tue informazioni → Scarica sul dispositivo; formato JSON, intervallo di date "Sempre" (All time), con "Amici e follower", "La tua attività" e "Notifiche"' },
    x: { name: 'X', steps: 'Impostazioni → Il tuo account → Scarica un archivio dei tuoi dati' },
    linkedin: { name: 'LinkedIn', steps: 'Impostazioni → Privacy dei dati → Ottieni una copia dei tuoi dati (basta "Collegamenti")' },
    tiktok: { name: 'TikTok', steps: 'Impostazioni → Account → Scarica i tuoi dati; formato file JSON, tutti i dati' },
  },
  evidence: {
    observedDays: 'giorni osservati',
    observedSince: 'osservato dal',
    followedForDays: 'giorni di follow',
    followDateUnknown: 'data del follow sconosciuta',
    trackedDays: 'giorni seguito',
    provisional: 'da confermare',
    carriedOver: 'ripreso dal rapporto precedente',
    lastInboundAt: 'ultima interazione da loro',
    daysSinceInbound: 'giorni dalla loro ultima interazione',
    outboundInWindow: 'tue interazioni',
    lookbackDays: 'giorni della finestra',
    count: 'risposte, menzioni e citazioni',
    negative: 'negative',
    example: 'esempio',
    exampleAt: 'esempio del',
    exampleId: 'id della risposta',
    excludedKeyword: 'tema escluso',
    field: 'trovato in',
    language: 'lingua',
    confidence: 'affidabilità',
    languageShare: 'quota del loro testo',
    textsRead: 'testi letti',
    script: 'scrittura',
    state: 'stato',
    movedTo: 'spostato su',
    lastPostAt: 'ultimo post',
    daysSincePost: 'giorni dal loro ultimo post',
    previousRelation: 'prima',
    followerSince: 'ti segue dal',
    stillFollowed: 'lo segui ancora',
    rank: 'posizione',
    score: 'punteggio',
    since: 'dal',
    basis: 'in base a',
    daysSince: 'giorni fa',
    graceDays: 'giorni di tolleranza',
    entry: 'voce',
    until: 'fino al',
    kindsSeen: 'valutato su',
    kindsHidden: 'non visibili da questa fonte',
  },
  yes: 'sì',
  no: 'no',
  footer: ({ runId, windowStart, windowEnd, csv }) => [
    'followback suggerisce, tu decidi: non smette mai di seguire nessuno al posto tuo.',
    csv === undefined
      ? 'Il CSV allegato elenca ogni contatto con i suoi numeri e motivi.'
      : csv.perSection !== undefined
        ? `Il CSV allegato elenca ${csv.rows} dei ${csv.named ?? csv.rows} contatti nominati nelle sezioni di questa email, al massimo i primi ${csv.perSection} di ciascuna, con i loro numeri e motivi: l'elenco di tutti i ${csv.total} è troppo grande per un'email.`
        : `Il CSV allegato elenca i ${csv.rows} contatti nominati nelle sezioni di questa email, con i loro numeri e motivi: l'elenco di tutti i ${csv.total} è troppo grande per un'email.`,
    `Periodo ${windowStart} – ${windowEnd} · esecuzione ${runId}`,
  ],
  linksWarning: ({ days, until }) =>
    `Chiunque abbia questa email può usarne i link per tenere, rimandare, smettere di seguire o seguire questi account: non inoltrarla. I link scadono tra ${days === 1 ? '1 giorno' : `${days} giorni`}, il ${until}.`,
};

export const CATALOGS: Record<ReportLocale, Messages> = { en, it };

export function messagesFor(locale: ReportLocale): Messages {
  return CATALOGS[locale];
}
