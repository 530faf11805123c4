/**
 * Ports of the two judgements that need more than counting: the tone of a
 * text (filter 3, `critic_only`) and the language of a text (filter 2,
 * `out_of_audience`). The analysis stays pure: the app layer asks these
 * classifiers before analyse() and hands it the answers as plain data.
 */

export type Tone = 'negative' | 'neutral' | 'positive';

/** One text to classify. `id` is the interaction id; `lang` is the platform's language tag when it gave one. */
export interface ToneText {
  id: string;
  text: string;
  lang?: string;
}

/**
 * Classifies many texts at once (a remote classifier batches them). The answer
 * maps each id to its tone; an id left out is "not known" and counts as neither
 * criticism nor support.
 */
export interface ToneClassifier {
  /** `lexicon` (local, offline) or `comprehend` (Amazon Comprehend). Shown in the report. */
  readonly name: string;
  classify(texts: readonly ToneText[], signal?: AbortSignal): Promise<Map<string, Tone>>;
  /** Running totals of a paid classifier (calls, texts, billing units, dollars), so each run can log its own cost. */
  meter?(): ToneMeter;
  /**
   * What the last classify() call had to do otherwise, one sentence each, for
   * the run's report: a remote classifier that let the local one judge some
   * replies (cost cap reached, a failure, an answer it could not use). Empty
   * when nothing needs saying. These are not failures: every reply got a tone.
   */
  notices?(): string[];
}

export interface ToneMeter {
  calls: number;
  textsSent: number;
  units: number;
  costUsd: number;
}

/** What a detector says of one text: an ISO 639-1 code, or `unknown` when the text is too short or too mixed to tell. */
export interface LanguageGuess {
  lang: string | 'unknown';
  /** 0..1; 0 for `unknown`. */
  confidence: number;
}

export interface LanguageDetector {
  readonly name: string;
  detect(text: string): LanguageGuess;
}
