/**
 * "Suggested config changes" (issue 19, point 4): the report's
 * `configSuggestions` as plain sentences, in HTML and plain text, with their
 * own English and Italian strings. followback never changes the config: each
 * sentence says what the owner did and which line of the config would stop
 * the asking. Every string goes through `escapeHtml` (the language tag and
 * the figures come from the table and the config: untrusted).
 *
 * Both functions return nothing (an empty string, an empty list) when the
 * report has no suggestion, so the renderers can add them unconditionally.
 */
import type { ConfigSuggestion, SuggestedSetting } from '../domain/suggestions.ts';
import { escapeHtml } from './escape-html.ts';
import { plainText, wrap } from './format.ts';
import type { ReportJson, ReportLocale } from './report-schema.ts';

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const WIDTH = 78;

/** Only the field read here: the report, or a view that carries it. */
export type SuggestionsSource = Pick<ReportJson, 'configSuggestions'>;

interface SuggestionMessages {
  title: string;
  intro: string;
  reason: Record<ConfigSuggestion['reason'], string>;
  /** What the contacts have in common, by setting: "fewer than N interactions from you in the lookback window". */
  below: Record<Exclude<SuggestedSetting, 'audience.languages'>, (to: number) => string>;
  language(kept: number, decided: number, name: string, tag: string): string;
  raise(s: ConfigSuggestion & { to: number; leftOut: number; measured: number }, below: string): string;
  raiseUnknown(s: ConfigSuggestion): string;
  /** The day settings only postpone: said after the raise. */
  onlyLater(to: number): string;
  kept(kept: number, decided: number, reason: string): string;
}

const q = (s: string): string => `"${s}"`;

const MESSAGES: Record<ReportLocale, SuggestionMessages> = {
  en: {
    title: 'Suggested config changes',
    intro: 'From what you decided on earlier suggestions. followback never changes your config: the change is yours to make, or not.',
    reason: {
      never_engaged: 'as never engaging with you',
      dormant: 'as gone quiet',
      one_sided: 'as one-sided',
      critic_only: 'as only criticising',
      out_of_audience: 'as outside your audience',
      inactive_account: 'as inactive accounts',
    },
    below: {
      'policy.oneSidedThreshold': (to) => `fewer than ${to} interactions from you in the lookback window`,
      'policy.minObservationDays': (to) => `been observed for fewer than ${to} days`,
      'policy.dormantDays': (to) => `been quiet for fewer than ${to} days`,
      'policy.inactiveDays': (to) => `not posted for fewer than ${to} days`,
    },
    kept: (kept, decided, reason) => `You kept ${kept} of the last ${decided} accounts suggested ${reason}.`,
    language: (kept, decided, name, tag) =>
      `You kept ${kept} of the last ${decided} accounts suggested as outside your audience because they write in ${name}. To stop being asked, add ${q(tag)} to audience.languages in your config.`,
    raise: (s, below) =>
      `${s.leftOut} of the ${s.measured} you kept had ${below}. To stop being asked about them, raise ${s.setting} from ${s.current ?? '?'} to ${s.to} in your config.`,
    raiseUnknown: (s) => `Their figures do not say by how much; to be asked less, consider raising ${s.setting} (now ${s.current ?? '?'}) in your config.`,
    onlyLater: (to) => `This only waits longer: past ${to} days they are suggested again.`,
  },
  it: {
    title: 'Modifiche alla configurazione suggerite',
    intro: 'Da quello che hai deciso sui suggerimenti precedenti. followback non cambia mai la tua configurazione: la modifica spetta a te, se vuoi farla.',
    reason: {
      never_engaged: 'perché non interagivano mai con te',
      dormant: 'perché non si facevano più sentire',
      one_sided: 'come rapporti a senso unico',
      critic_only: 'perché si limitavano a criticare',
      out_of_audience: 'come fuori dal tuo pubblico',
      inactive_account: 'come account inattivi',
    },
    below: {
      'policy.oneSidedThreshold': (to) => `meno di ${to} interazioni da parte tua nel periodo considerato`,
      'policy.minObservationDays': (to) => `meno di ${to} giorni di osservazione`,
      'policy.dormantDays': (to) => `meno di ${to} giorni di silenzio`,
      'policy.inactiveDays': (to) => `meno di ${to} giorni senza pubblicare`,
    },
    kept: (kept, decided, reason) => `Hai tenuto ${kept} degli ultimi ${decided} account suggeriti ${reason}.`,
    language: (kept, decided, name, tag) =>
      `Hai tenuto ${kept} degli ultimi ${decided} account suggeriti come fuori dal tuo pubblico perché scrivono in ${name}. Per non ricevere più la domanda, aggiungi ${q(tag)} ad audience.languages nella tua configurazione.`,
    raise: (s, below) =>
      `${s.leftOut} dei ${s.measured} che hai tenuto avevano ${below}. Per non ricevere più la domanda su di loro, alza ${s.setting} da ${s.current ?? '?'} a ${s.to} nella tua configurazione.`,
    raiseUnknown: (s) => `I loro dati non dicono di quanto; per ricevere meno domande, valuta di alzare ${s.setting} (ora ${s.current ?? '?'}) nella tua configurazione.`,
    onlyLater: (to) => `Così si aspetta solo di più: oltre i ${to} giorni tornano tra i suggerimenti.`,
  },
};

/** The language's name in the report's language ("Spanish", "spagnolo"), or the tag itself when unknown. */
function languageName(tag: string, locale: ReportLocale): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag);
    return name !== undefined && name !== '' ? name : tag;
  } catch {
    return tag; // not a well-formed tag: say it as it is
  }
}

/**
 * The report's locale, or a view's `lang` (any other value reads as English): so the
 * renderers, which hold the view, can pass `view.lang`.
 */
export type SuggestionsLocale = ReportLocale | (string & {});

function localeOf(locale: SuggestionsLocale): ReportLocale {
  return locale === 'it' ? 'it' : 'en';
}

/** One sentence per suggestion, in the report's order. */
export function suggestionSentences(report: SuggestionsSource, requested: SuggestionsLocale): string[] {
  const locale = localeOf(requested);
  const m = MESSAGES[locale];
  return (report.configSuggestions ?? []).map((s) => {
    if (s.change === 'add') {
      const tag = plainText(s.language ?? '');
      return m.language(s.kept, s.decided, plainText(languageName(tag, locale)), tag);
    }
    const lead = m.kept(s.kept, s.decided, m.reason[s.reason]);
    if (s.setting !== 'audience.languages' && s.to !== undefined && s.leftOut !== undefined && s.measured !== undefined) {
      const later = s.setting === 'policy.oneSidedThreshold' ? '' : ` ${m.onlyLater(s.to)}`;
      return `${lead} ${m.raise({ ...s, to: s.to, leftOut: s.leftOut, measured: s.measured }, m.below[s.setting](s.to))}${later}`;
    }
    return `${lead} ${m.raiseUnknown(s)}`;
  });
}

export function suggestionsHtml(report: SuggestionsSource, locale: SuggestionsLocale): string {
  const sentences = suggestionSentences(report, locale);
  if (sentences.length === 0) return '';
  const m = MESSAGES[localeOf(locale)];
  const items = sentences.map((line) => `<p style="margin:6px 0 0 0;font-size:14px;line-height:20px;color:#202124;">${escapeHtml(line)}</p>`).join('');
  return (
    `<tr><td style="padding:16px 24px;border-top:1px solid #e8eaed;${FONT}">` +
    `<h2 style="margin:0 0 4px 0;font-size:17px;line-height:24px;color:#202124;${FONT}">${escapeHtml(m.title)}</h2>` +
    `<p style="margin:0;font-size:13px;line-height:18px;color:#5f6368;">${escapeHtml(m.intro)}</p>${items}` +
    `</td></tr>`
  );
}

/** Lines of the plain-text part (wrapped for ~78 columns), followed by a blank line; none without suggestions. */
export function suggestionsText(report: SuggestionsSource, locale: SuggestionsLocale): string[] {
  const sentences = suggestionSentences(report, locale);
  if (sentences.length === 0) return [];
  const m = MESSAGES[localeOf(locale)];
  return [m.title.toUpperCase(), ...wrap(m.intro, WIDTH), ...sentences.flatMap((s) => wrap(s, WIDTH, '  * ', '    ')), ''];
}
