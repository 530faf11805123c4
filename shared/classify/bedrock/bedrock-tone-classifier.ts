/**
 * Tone of replies by a small model on Amazon Bedrock (the Converse API), for
 * deployments that want better judgement of sarcasm, backhanded compliments and
 * praise in negative words than the local classifier gives.
 *
 * It never leaves a reply without a tone the local classifier could give:
 *  - replies go in batches (`batchSize` a request, numbered); a batch whose
 *    answer is not the strict JSON asked for goes to the local classifier, and
 *    so does each reply a valid answer left unlabelled;
 *  - each request's cost is estimated before it is sent; a request that would
 *    take the run past `maxCostUsd` is not sent, and the local classifier judges
 *    the rest of the run's replies;
 *  - a failed request (throttling after the SDK's retries, access denied, the
 *    model not enabled or not ready, any other error) sends the rest of the
 *    run's replies to the local classifier too.
 * Every fallback is counted and said in `notices()`, for the run's report.
 */
import { ConverseCommand, type BedrockRuntimeClient, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { Tone, ToneClassifier, ToneMeter, ToneText } from '../../ports/classifiers.ts';
import { costUsd, DEFAULT_MAX_COST_USD, DEFAULT_MODEL_ID, DEFAULT_PRICES, estimateTokens, type TokenPrices } from './cost.ts';
import { maxAnswerTokens, parseAnswer, SYSTEM_PROMPT, userMessage } from './prompt.ts';

export const DEFAULT_BATCH_SIZE = 25;
export const MAX_BATCH_SIZE = 100;
/** A reply is cut to this many characters: a critic's point is made well before, and the cost stays bounded. */
export const DEFAULT_MAX_TEXT_CHARS = 1_000;

export interface BedrockToneOptions {
  /** Model or cross-Region inference profile id; default Amazon Nova Micro. */
  modelId?: string;
  /** Replies per request, 1..100. */
  batchSize?: number;
  /** The most one classify() call (one run of one profile) may spend, by the estimate, in US dollars. */
  maxCostUsd?: number;
  /** Prices per 1,000 tokens; default Nova Micro's. */
  prices?: Partial<TokenPrices>;
  /** Characters a reply is cut to. */
  maxTextChars?: number;
}

/** Why the rest of a run went to the local classifier. */
export type StopReason = 'cost_cap' | 'failure';

/** What one classify() call did: how many replies each classifier judged, what it cost, why it stopped. */
export interface BedrockRunReport {
  modelId: string;
  /** Distinct replies to judge. */
  replies: number;
  /** Replies the model labelled. */
  byModel: number;
  /** Replies the local classifier judged (every fallback below). */
  byLocal: number;
  /** Requests answered. */
  requests: number;
  /** Batches whose answer was refused (not the strict JSON), and the replies in them. */
  malformedBatches: number;
  malformedReplies: number;
  /** Replies a valid answer left unlabelled. */
  unlabelled: number;
  inputTokens: number;
  outputTokens: number;
  /** The estimate of this run's bill, from the tokens the service reported. */
  costUsd: number;
  maxCostUsd: number;
  /** Set when the run stopped asking the model: why, the error when it failed, and how many replies were left to the local classifier. */
  stopped?: { reason: StopReason; detail: string; remaining: number };
}

/** A failed Converse call as a log can keep it: the error's name, HTTP status, attempts; never a reply's text. */
export class BedrockCallError extends Error {
  override readonly name = 'BedrockCallError';
  constructor(
    message: string,
    readonly errorName: string,
    readonly httpStatus: number | undefined,
    readonly attempts: number | undefined,
  ) {
    super(message);
  }
}

interface Pending {
  /** The text as sent (cut). */
  sent: string;
  ids: string[];
  item: ToneText;
}

export class BedrockToneClassifier implements ToneClassifier {
  readonly name = 'bedrock';
  readonly modelId: string;
  private readonly batchSize: number;
  private readonly maxCostUsd: number;
  private readonly prices: TokenPrices;
  private readonly maxTextChars: number;
  private readonly totals = { calls: 0, textsSent: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private last: BedrockRunReport | undefined;

  constructor(
    private readonly client: BedrockRuntimeClient,
    /** The local classifier that answers whatever the model does not. */
    private readonly fallback: ToneClassifier,
    options: BedrockToneOptions = {},
  ) {
    this.modelId = options.modelId ?? DEFAULT_MODEL_ID;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new Error(`Bedrock tone classifier: batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    const cap = options.maxCostUsd ?? DEFAULT_MAX_COST_USD;
    if (!Number.isFinite(cap) || cap < 0) throw new Error(`Bedrock tone classifier: maxCostUsd must be a number ≥ 0, got ${cap}`);
    this.maxCostUsd = cap;
    this.prices = { ...DEFAULT_PRICES, ...options.prices };
    this.maxTextChars = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  }

  /** What the last classify() call did (one run), or undefined before the first. */
  get lastRun(): BedrockRunReport | undefined {
    return this.last === undefined ? undefined : { ...this.last, ...(this.last.stopped ? { stopped: { ...this.last.stopped } } : {}) };
  }

  /** Running totals across runs (a warm Lambda keeps the classifier): requests, replies sent, tokens, dollars. */
  meter(): ToneMeter {
    return { calls: this.totals.calls, textsSent: this.totals.textsSent, units: this.totals.inputTokens + this.totals.outputTokens, costUsd: this.totals.costUsd };
  }

  /** The estimated cost of one request of these replies, before sending it. */
  estimateRequestUsd(replies: readonly string[]): number {
    return costUsd(estimateTokens(SYSTEM_PROMPT) + estimateTokens(userMessage(replies)), maxAnswerTokens(replies.length), this.prices);
  }

  /** What the last run's report should say: the model's share, and every fallback with its reason. Empty when the model judged everything. */
  notices(): string[] {
    const run = this.last;
    if (run === undefined || run.byLocal === 0) return [];
    const who = `Bedrock (${run.modelId})`;
    const out: string[] = [];
    if (run.stopped?.reason === 'cost_cap') {
      out.push(`${who} reached this run's cost cap of $${run.maxCostUsd} (estimated $${round(run.costUsd)} spent): the local classifier judged the other ${run.stopped.remaining} of ${run.replies} replies.`);
    } else if (run.stopped?.reason === 'failure') {
      out.push(`${who} failed, ${run.stopped.detail}: the local classifier judged the other ${run.stopped.remaining} of ${run.replies} replies this run.`);
    }
    if (run.malformedBatches > 0) {
      out.push(`${who} answered ${run.malformedBatches} batch(es) with something other than the JSON asked for: the local classifier judged those ${run.malformedReplies} replies.`);
    }
    if (run.unlabelled > 0) out.push(`${who} left ${run.unlabelled} replies unlabelled: the local classifier judged them.`);
    return out;
  }

  async classify(texts: readonly ToneText[], signal?: AbortSignal): Promise<Map<string, Tone>> {
    const pending = this.group(texts);
    const run: BedrockRunReport = {
      modelId: this.modelId,
      replies: pending.length,
      byModel: 0,
      byLocal: 0,
      requests: 0,
      malformedBatches: 0,
      malformedReplies: 0,
      unlabelled: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      maxCostUsd: this.maxCostUsd,
    };
    this.last = run;
    const answer = new Map<string, Tone>();
    const local: Pending[] = [];

    for (let start = 0; start < pending.length; start += this.batchSize) {
      const batch = pending.slice(start, start + this.batchSize);
      if (run.stopped !== undefined) {
        local.push(...batch);
        continue;
      }
      const replies = batch.map((p) => p.sent);
      const estimate = this.estimateRequestUsd(replies);
      if (run.costUsd + estimate > this.maxCostUsd) {
        run.stopped = { reason: 'cost_cap', detail: `the next request (estimated $${round(estimate)}) would pass $${this.maxCostUsd}`, remaining: pending.length - start };
        local.push(...batch);
        continue;
      }
      let output: ConverseCommandOutput;
      try {
        output = await this.client.send(
          new ConverseCommand({
            modelId: this.modelId,
            system: [{ text: SYSTEM_PROMPT }],
            messages: [{ role: 'user', content: [{ text: userMessage(replies) }] }],
            inferenceConfig: { maxTokens: maxAnswerTokens(replies.length), temperature: 0 },
          }),
          signal ? { abortSignal: signal } : {},
        );
      } catch (error) {
        // Stopping keeps what was answered; the caller throws the abort away.
        if (signal?.aborted) return answer;
        const failure = callError(error, this.modelId);
        run.stopped = { reason: 'failure', detail: failure.message, remaining: pending.length - start };
        local.push(...batch);
        continue;
      }
      this.record(run, replies, output, estimate);
      const text = answerText(output);
      const parsed = output.stopReason === 'end_turn' || output.stopReason === 'stop_sequence' || output.stopReason === undefined ? parseAnswer(text ?? '', batch.length) : { ok: false as const, problem: `the model stopped: ${output.stopReason}` };
      if (!parsed.ok) {
        run.malformedBatches += 1;
        run.malformedReplies += batch.length;
        local.push(...batch);
        continue;
      }
      batch.forEach((p, i) => {
        const tone = parsed.tones.get(i);
        if (tone === undefined) {
          run.unlabelled += 1;
          local.push(p);
          return;
        }
        run.byModel += 1;
        for (const id of p.ids) answer.set(id, tone);
      });
    }

    if (local.length > 0) {
      // The local classifier reads the original text (and its language tag), not the cut one.
      const localTones = await this.fallback.classify(
        local.map((p) => p.item),
        signal,
      );
      for (const p of local) {
        const tone = localTones.get(p.item.id);
        if (tone === undefined) continue;
        for (const id of p.ids) answer.set(id, tone);
      }
      run.byLocal = local.length;
    }
    return answer;
  }

  /** Distinct texts in the order they came, each with every id that carries it; empty texts are left out (tone not known). */
  private group(texts: readonly ToneText[]): Pending[] {
    const byText = new Map<string, Pending>();
    for (const item of texts) {
      if (item.text.trim() === '') continue;
      const known = byText.get(item.text);
      if (known !== undefined) {
        known.ids.push(item.id);
        continue;
      }
      byText.set(item.text, { sent: cut(item.text, this.maxTextChars), ids: [item.id], item });
    }
    return [...byText.values()];
  }

  private record(run: BedrockRunReport, replies: readonly string[], output: ConverseCommandOutput, estimate: number): void {
    const input = output.usage?.inputTokens;
    const outputTokens = output.usage?.outputTokens;
    // Without the service's count, the estimate stands in (it overestimates).
    const cost = input !== undefined && outputTokens !== undefined ? costUsd(input, outputTokens, this.prices) : estimate;
    run.requests += 1;
    run.inputTokens += input ?? 0;
    run.outputTokens += outputTokens ?? 0;
    run.costUsd += cost;
    this.totals.calls += 1;
    this.totals.textsSent += replies.length;
    this.totals.inputTokens += input ?? 0;
    this.totals.outputTokens += outputTokens ?? 0;
    this.totals.costUsd += cost;
  }
}

/** The text blocks of the model's message, joined. */
function answerText(output: ConverseCommandOutput): string | undefined {
  const content = output.output?.message?.content;
  if (content === undefined) return undefined;
  const texts = content.flatMap((block) => (typeof block.text === 'string' ? [block.text] : []));
  return texts.length === 0 ? undefined : texts.join('');
}

/** At most `max` code points, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

function round(usd: number): string {
  return usd.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

/** The SDK's error as a sentence: name, HTTP status, attempts, and what it means for the owner. Never the service's message (it may echo input). */
export function callError(error: unknown, modelId: string): BedrockCallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const errorName = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const details = [status !== undefined ? `HTTP ${status}` : undefined, attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : undefined].filter((d) => d !== undefined);
  const meaning = MEANINGS[errorName];
  return new BedrockCallError(`${errorName}${details.length > 0 ? ` (${details.join(', ')})` : ''}${meaning !== undefined ? `: ${meaning.replace('{model}', modelId)}` : ''}`, errorName, status, attempts);
}

const MEANINGS: Record<string, string> = {
  ThrottlingException: 'Bedrock kept throttling the requests',
  ModelNotReadyException: 'the model {model} was not ready',
  AccessDeniedException: 'the function may not invoke {model} (IAM), or the model is not enabled for this account',
  ValidationException: 'Bedrock refused the request (is {model} a model id that Converse serves in this Region?)',
  ResourceNotFoundException: 'Bedrock does not know the model {model} in this Region',
  ServiceUnavailableException: 'Bedrock was unavailable',
  InternalServerException: 'Bedrock had an internal error',
  ModelTimeoutException: 'the model took too long',
  ModelErrorException: 'the model failed on the request',
  TimeoutError: 'no answer in time',
};
