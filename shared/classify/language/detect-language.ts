/**
 * Which language a short social text is written in (filter 2,
 * `out_of_audience`). Built on eld (Efficient Language Detector, pure
 * JavaScript, its n-gram tables bundled in the package: no download at run
 * time, no wasm, runs the same on Node 20 and 24). Chosen by measurement:
 * `npx tsx test/eval/compare-language-detectors.ts` (figures in docs/how-contacts-are-judged.md).
 *
 * A wrong language is much worse than `unknown`: it can put a contact outside
 * the audience. So the detector abstains whenever the text gives too little
 * to go on, and every threshold below was measured on
 * test/fixtures/language/tuning.tsv, never on the held-out corpus.
 *
 * Candidates are not restricted to a list of "social" languages
 * (SOCIAL_LANGUAGES, in iso-639.ts): on the tuning corpus that 30-language
 * subset fixed no wrong answer (it turned one `unknown` into English), and a
 * restricted model must force a text in any other language (Croatian,
 * Slovak...) into one of its own, a wrong language by construction.
 */
import type { LanguageDetector, LanguageGuess } from '../../ports/classifiers.ts';
import { cleanText, measureText, type TextAmount } from './clean-text.ts';

export { SOCIAL_LANGUAGES } from './iso-639.ts';

/** The part of eld this detector uses (any of its static entries: eld/extrasmall, eld/small, ...). */
export interface EldEngine {
  detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean };
}

/** The gates, exported so the evaluation commands can print what they ran with. */
export const LANGUAGE_GATES = {
  /**
   * A single word is a name, a greeting or an interjection shared by many
   * languages ("Bravo", "Merci", "ok"): unknown. Two words are enough for
   * "Buona giornata" or "Thank you", which eld gets right.
   */
  minWords: 2,
  /** Letters in space-separated scripts: "ok ok" or "lol xD" is not language. */
  minLetters: 8,
  /** Letters in Han, kana, Hangul or Thai, where one or two characters make a word. */
  minDenseLetters: 6,
  /**
   * Up to this many words all capitalised is a list of names or places
   * ("Berlin | Milano | NYC", "Marco Rossi"): unknown.
   */
  maxNameListWords: 3,
  /**
   * In Latin script languages share most letter sequences, and when eld's
   * best score leads the runner-up by less than this fraction it was wrong
   * more often than right on the tuning corpus (Italian read as French,
   * Spanish as Portuguese). Cyrillic, Greek, Arabic, Hebrew, kana... are told
   * apart by letters of their own, where eld's scores stay close even when it
   * is right (Russian vs Ukrainian: 0.2-3 % apart, all correct), so only
   * eld's own reliability check applies there.
   */
  minLatinMargin: 0.04,
  /** Letters (space-separated scripts) at which a text counts as full evidence for `confidence`. */
  fullEvidenceLetters: 40,
  /** The same for dense scripts. */
  fullEvidenceDenseLetters: 15,
} as const;

const UNKNOWN: LanguageGuess = { lang: 'unknown', confidence: 0 };

export class EldLanguageDetector implements LanguageDetector {
  constructor(
    private readonly engine: EldEngine,
    readonly name: string = 'eld',
  ) {}

  detect(text: string): LanguageGuess {
    const amount = measureText(text);
    if (!enoughText(amount)) return UNKNOWN;
    const result = this.engine.detect(cleanText(text));
    if (!result.language || !result.isReliable()) return UNKNOWN;
    const margin = leadOverRunnerUp(result.getScores());
    if (amount.latin && margin < LANGUAGE_GATES.minLatinMargin) return UNKNOWN;
    return { lang: result.language, confidence: confidence(amount, margin) };
  }
}

function enoughText(amount: TextAmount): boolean {
  const g = LANGUAGE_GATES;
  if (amount.dense) return amount.letters >= g.minDenseLetters;
  if (amount.words < g.minWords || amount.letters < g.minLetters) return false;
  const nameList = amount.words <= g.maxNameListWords && amount.capitalisedWords === amount.words;
  return !nameList;
}

/** (best - second) / best over eld's scores; 1 when only one language scored. */
function leadOverRunnerUp(scores: Record<string, number>): number {
  const [best = 0, second = 0] = Object.values(scores).sort((a, b) => b - a);
  return best > 0 ? (best - second) / best : 0;
}

/**
 * 0..1, for weighting texts in a profile: how much text there was (a two-word
 * reply is weaker evidence than a bio), scaled down a little when eld's lead
 * over the runner-up was narrow. Not a probability.
 */
function confidence(amount: TextAmount, margin: number): number {
  const full = amount.dense ? LANGUAGE_GATES.fullEvidenceDenseLetters : LANGUAGE_GATES.fullEvidenceLetters;
  const evidence = Math.min(1, amount.letters / full);
  const separation = 0.6 + 0.4 * Math.min(1, margin / 0.15);
  return Math.round(evidence * separation * 100) / 100;
}

/**
 * The shipped detector: eld's `small` tables (1.6 MB minified; see
 * docs/how-contacts-are-judged.md for why not extrasmall or large). Imported on first use, so a run whose
 * profiles configure no audience languages never loads them.
 */
export async function loadLanguageDetector(): Promise<LanguageDetector> {
  const { eld } = await import('eld/small');
  return new EldLanguageDetector(eld, 'eld-small');
}
