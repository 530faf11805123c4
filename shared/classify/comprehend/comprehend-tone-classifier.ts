/**
 * Tone of replies by Amazon Comprehend's sentiment analysis
 * (BatchDetectSentiment: up to 25 texts of one language a call).
 *
 * It costs money per text, so it sends as little as it can: texts in a language
 * Comprehend does not read are left out (not guessed), identical texts are sent
 * once, and long texts are cut to Comprehend's size limit. An id left out of the
 * answer is "tone not known", which the analysis counts as neither criticism nor
 * support.
 */
import { BatchDetectSentimentCommand, type BatchDetectSentimentCommandOutput, type ComprehendClient } from '@aws-sdk/client-comprehend';
import { z } from 'zod';
import type { Tone, ToneClassifier, ToneMeter, ToneText } from '../../ports/classifiers.ts';
import { characterCount, costUsd, unitsFor } from './cost.ts';
import { type SentimentLanguage, sentimentLanguageOf } from './languages.ts';
import { MAX_TEXT_BYTES, truncateUtf8 } from './utf8-truncate.ts';

/** BatchDetectSentiment takes at most 25 documents (BatchSizeLimitExceededException beyond). */
export const MAX_BATCH_SIZE = 25;
export const OPERATION = 'BatchDetectSentiment';

export interface ComprehendToneOptions {
  /**
   * Detects a text's language when the platform gave no tag. `unknown` (too
   * short, too mixed) leaves the text out: Comprehend is told the language and
   * a wrong one gives a confident wrong tone.
   */
  languageOf?: (text: string) => string | 'unknown';
  /**
   * The language assumed for an untagged text when there is no `languageOf`
   * (e.g. the audience's one language). Without either, untagged texts are left out.
   */
  defaultLanguage?: string;
  /** Texts per call, 1..25. */
  batchSize?: number;
  /** UTF-8 bytes a text is cut to; defaults to Comprehend's limit. */
  maxTextBytes?: number;
}

/** What the classifier sent and what it costs, summed over every classify() call; for the run's log. */
export interface ComprehendUsage {
  /** BatchDetectSentiment calls answered. */
  calls: number;
  /** HTTP attempts behind those calls (more than `calls` when throttling was retried). */
  attempts: number;
  /** Texts sent (after dropping duplicates). */
  textsSent: number;
  /** Characters of the texts sent, as sent (after truncation). */
  characters: number;
  /** Billing units: per text max(3, ceil(characters / 100)). */
  units: number;
  /** Texts not sent because the same text (same language) was already in the request. */
  duplicates: number;
  /** Texts left out: language unknown or not one Comprehend's sentiment reads. */
  skippedLanguage: number;
  /** Texts left out: empty or only white space (Comprehend rejects them). */
  skippedEmpty: number;
  /** Texts cut to the byte limit. */
  truncated: number;
  /** Texts Comprehend answered with an error (ErrorList) or an answer of the wrong shape, left out. */
  itemErrors: number;
  /** True when the abort signal stopped the work before every batch was sent. */
  stopped: boolean;
}

/** A whole-call failure. The message names the operation and the error, never a text or a credential. */
export class ComprehendCallError extends Error {
  override readonly name = 'ComprehendCallError';
  constructor(
    message: string,
    readonly operation: string,
    readonly errorName: string,
    readonly httpStatus: number | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

const SENTIMENT_TONE = {
  NEGATIVE: 'negative',
  POSITIVE: 'positive',
  NEUTRAL: 'neutral',
  // Praise and blame in one reply is not criticism alone.
  MIXED: 'neutral',
} as const satisfies Record<string, Tone>;

const ResultItem = z.object({
  Index: z.number().int().nonnegative(),
  Sentiment: z.enum(['NEGATIVE', 'POSITIVE', 'NEUTRAL', 'MIXED']),
});
const ErrorItem = z.object({ Index: z.number().int().nonnegative().optional() });

/** Texts of one language ready to send: the text as sent, and every id that carries it. */
type Pending = Map<string, string[]>;

export class ComprehendToneClassifier implements ToneClassifier {
  readonly name = 'comprehend';
  private readonly languageOf: ((text: string) => string | 'unknown') | undefined;
  private readonly defaultLanguage: SentimentLanguage | undefined;
  private readonly batchSize: number;
  private readonly maxTextBytes: number;
  private readonly counts: ComprehendUsage = {
    calls: 0,
    attempts: 0,
    textsSent: 0,
    characters: 0,
    units: 0,
    duplicates: 0,
    skippedLanguage: 0,
    skippedEmpty: 0,
    truncated: 0,
    itemErrors: 0,
    stopped: false,
  };

  constructor(
    private readonly client: ComprehendClient,
    options: ComprehendToneOptions = {},
  ) {
    this.languageOf = options.languageOf;
    if (options.defaultLanguage !== undefined) {
      const lang = sentimentLanguageOf(options.defaultLanguage);
      if (lang === undefined || lang === 'unsupported') {
        throw new Error(`Comprehend tone classifier: defaultLanguage "${options.defaultLanguage}" is not a language Comprehend's sentiment analysis reads (en, es, fr, de, it, pt, ar, hi, ja, ko, zh, zh-TW)`);
      }
      this.defaultLanguage = lang;
    }
    const batchSize = options.batchSize ?? MAX_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new Error(`Comprehend tone classifier: batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    const maxTextBytes = options.maxTextBytes ?? MAX_TEXT_BYTES;
    if (!Number.isInteger(maxTextBytes) || maxTextBytes < 1 || maxTextBytes > MAX_TEXT_BYTES) {
      throw new Error(`Comprehend tone classifier: maxTextBytes must be an integer from 1 to ${MAX_TEXT_BYTES} (Comprehend refuses longer texts), got ${maxTextBytes}`);
    }
    this.maxTextBytes = maxTextBytes;
  }

  /** A copy of the running totals. */
  get usage(): ComprehendUsage {
    return { ...this.counts };
  }

  /** The sentiment bill of what was sent so far, in US dollars, at `usdPerUnit`. */
  estimatedCostUsd(usdPerUnit?: number): number {
    return costUsd(this.counts.units, usdPerUnit);
  }

  meter(): ToneMeter {
    return { calls: this.counts.calls, textsSent: this.counts.textsSent, units: this.counts.units, costUsd: this.estimatedCostUsd() };
  }

  async classify(texts: readonly ToneText[], signal?: AbortSignal): Promise<Map<string, Tone>> {
    const answer = new Map<string, Tone>();
    for (const [language, pending] of this.group(texts)) {
      const entries = [...pending];
      for (let start = 0; start < entries.length; start += this.batchSize) {
        // Stopping keeps what was answered: an id left out is "not known", never a guess.
        if (signal?.aborted) {
          this.counts.stopped = true;
          return answer;
        }
        const batch = entries.slice(start, start + this.batchSize);
        const output = await this.send(language, batch.map(([text]) => text), signal);
        if (output === undefined) {
          this.counts.stopped = true;
          return answer;
        }
        this.record(batch, output, answer);
      }
    }
    return answer;
  }

  /** Texts by language, deduplicated, in the order they came (so batches are stable). */
  private group(texts: readonly ToneText[]): Map<SentimentLanguage, Pending> {
    const groups = new Map<SentimentLanguage, Pending>();
    for (const item of texts) {
      const language = this.languageFor(item);
      if (language === undefined) {
        this.counts.skippedLanguage += 1;
        continue;
      }
      const sent = truncateUtf8(item.text, this.maxTextBytes);
      if (sent.trim() === '') {
        this.counts.skippedEmpty += 1;
        continue;
      }
      let pending = groups.get(language);
      if (pending === undefined) {
        pending = new Map();
        groups.set(language, pending);
      }
      const ids = pending.get(sent);
      if (ids !== undefined) {
        ids.push(item.id);
        this.counts.duplicates += 1;
        continue;
      }
      if (sent.length < item.text.length) this.counts.truncated += 1;
      pending.set(sent, [item.id]);
    }
    return groups;
  }

  private languageFor(item: ToneText): SentimentLanguage | undefined {
    if (item.lang !== undefined) {
      const fromTag = sentimentLanguageOf(item.lang);
      if (fromTag === 'unsupported') return undefined;
      if (fromTag !== undefined) return fromTag;
    }
    if (this.languageOf !== undefined) {
      const guess = this.languageOf(item.text);
      if (guess === 'unknown') return undefined;
      const detected = sentimentLanguageOf(guess);
      return detected === 'unsupported' ? undefined : detected;
    }
    return this.defaultLanguage;
  }

  /** One call; `undefined` when the abort signal cut it short. */
  private async send(language: SentimentLanguage, textList: string[], signal: AbortSignal | undefined): Promise<BatchDetectSentimentCommandOutput | undefined> {
    try {
      return await this.client.send(new BatchDetectSentimentCommand({ TextList: textList, LanguageCode: language }), signal ? { abortSignal: signal } : {});
    } catch (error) {
      if (signal?.aborted) return undefined;
      throw callError(error, language, textList);
    }
  }

  private record(batch: [string, string[]][], output: BatchDetectSentimentCommandOutput, answer: Map<string, Tone>): void {
    this.counts.calls += 1;
    this.counts.attempts += output.$metadata.attempts ?? 1;
    for (const [text] of batch) {
      this.counts.textsSent += 1;
      this.counts.characters += characterCount(text);
      this.counts.units += unitsFor(text);
    }
    // A text the service reports as failed stays unknown even if a result for it came too.
    const failed = new Set<number>();
    for (const raw of output.ErrorList ?? []) {
      const item = ErrorItem.safeParse(raw);
      if (item.success && item.data.Index !== undefined) failed.add(item.data.Index);
    }
    const answered = new Set<number>();
    for (const raw of output.ResultList ?? []) {
      const item = ResultItem.safeParse(raw);
      if (!item.success || failed.has(item.data.Index) || answered.has(item.data.Index)) continue;
      const entry = batch[item.data.Index];
      if (entry === undefined) continue;
      answered.add(item.data.Index);
      const tone = SENTIMENT_TONE[item.data.Sentiment];
      for (const id of entry[1]) answer.set(id, tone);
    }
    // Errors, answers of the wrong shape and texts the service skipped in silence are all "not known".
    this.counts.itemErrors += batch.length - answered.size;
  }
}

/**
 * The SDK error as a message a log can keep: operation, error name, HTTP
 * status, request id and the service's message. The message is the service's
 * words, but a service may echo input, so any text of the batch is masked.
 */
function callError(error: unknown, language: string, textList: readonly string[]): ComprehendCallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  };
  const errorName = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const attempts = e.$metadata?.attempts;
  const message = typeof e.message === 'string' ? e.message : String(error);
  // The SDK's parse error quotes the start of the body, which is not the service's words: leave it out.
  const said =
    errorName === 'SyntaxError' || message.includes('Deserialization error')
      ? 'the answer was not the JSON Comprehend sends (an outage or proxy page?)'
      : maskTexts(message, textList);
  const details = [
    status !== undefined ? `HTTP ${status}` : undefined,
    attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : undefined,
    requestId !== undefined ? `request id ${requestId}` : undefined,
  ].filter((d) => d !== undefined);
  return new ComprehendCallError(
    `Amazon Comprehend ${OPERATION} failed for a batch of ${textList.length} ${language} text(s): ${errorName}${details.length > 0 ? ` (${details.join(', ')})` : ''}: ${said}`,
    OPERATION,
    errorName,
    status,
    requestId,
  );
}

const MAX_MESSAGE = 300;

function maskTexts(message: string, textList: readonly string[]): string {
  let out = message.replace(/\s+/g, ' ').trim();
  for (const text of textList) {
    // Short texts ("ok", "no") would mask ordinary words of the message; they reveal nothing on their own.
    const probe = text.trim();
    if (probe.length >= 8) out = out.split(probe).join('[text]');
    const head = probe.slice(0, 40);
    if (head.length >= 16) out = out.split(head).join('[text]');
  }
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}
