/**
 * A small learned second opinion for criticism the lexicon cannot see: dry
 * understatement, pointed remarks and unmarked sarcasm carry no cue word, but
 * they share word pairs and letter sequences with criticism the project has
 * labelled ("could have been", "si vede", "anymore", "classico guru").
 *
 * It is a naive Bayes over word unigrams, word bigrams and character 4- and
 * 5-grams, negative against everything else, per language. Features are hashed
 * into a fixed number of buckets and each bucket keeps one log-odds weight, so
 * the table is a few kilobytes, ships inside the Lambda bundle, and is the same
 * for the same training data: `learned-table.generated.ts` is written by
 * `npx tsx shared/classify/tone/build-learned-table.ts` from the repository's
 * tone fixtures, and a unit test fails when it is stale. Nothing is downloaded.
 *
 * This runs on every reply, next to the lexicon, so the features are read from
 * the tokens the scorer already has, hashed in place (no feature strings), and
 * de-duplicated with a reused stamp array instead of a Set per text.
 */
import { tokenize, type Token } from './tokenize.ts';

export type LearnedLang = 'it' | 'en';

export interface LearnedExample {
  lang: LearnedLang;
  negative: boolean;
  text: string;
}

export interface LearnedToneModel {
  bits: number;
  /** log P(negative) - log P(other) in the training data. */
  prior: number;
  /** One log-odds weight per bucket; 0 for a bucket no training text reached. */
  weights: Float64Array | Int8Array;
  /** Int8 weights are stored in these steps. */
  scale: number;
}

export const LEARNED_BITS = 15;
/** Laplace smoothing of the bucket counts. */
const ALPHA = 0.5;
/** Weights are stored as int8 in steps of 0.1 (so within ±12.7), which is finer than the model's own noise. */
const QUANTUM = 0.1;
/** Letter sequences of 4 and 5 characters: long enough to carry a stem ("ennes", "aged "), few enough to stay fast. */
const GRAM_MIN = 4;
const GRAM_MAX = 5;
/** Letters read per text for letter sequences; replies are short, and a long one is judged by its start. */
const MAX_CHARS = 400;

const FNV_START = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 32;

function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME) >>> 0;
  return h;
}

const WORD_PREFIX = { it: fnvString(FNV_START, 'it:'), en: fnvString(FNV_START, 'en:') } as const;
const CHAR_PREFIX = { it: fnvString(FNV_START, 'it#'), en: fnvString(FNV_START, 'en#') } as const;

/** Reused scratch space: the letters of the current text, its word hashes, and one stamp per bucket. */
const chars = new Uint16Array(MAX_CHARS + 2);
let wordHashes = new Uint32Array(64);
let out = new Int32Array(1024);
const stamps = new Map<number, { marks: Uint32Array; stamp: number }>();

function stampsFor(bits: number): { marks: Uint32Array; stamp: number } {
  let s = stamps.get(bits);
  if (s === undefined) {
    s = { marks: new Uint32Array(1 << bits), stamp: 0 };
    stamps.set(bits, s);
  }
  s.stamp++;
  if (s.stamp === 0xffffffff) {
    s.marks.fill(0);
    s.stamp = 1;
  }
  return s;
}

/**
 * The distinct buckets of the features of one tokenized text, written into a
 * shared buffer (valid until the next call): words and word pairs as the
 * tokenizer reads them, and letter sequences of the tokens joined by spaces.
 * Two features in one bucket count once, in training and in scoring alike.
 */
export function learnedBucketsOfTokens(tokens: readonly Token[], lang: LearnedLang, bits: number): { buckets: Int32Array; count: number } {
  const mask = (1 << bits) - 1;
  const seen = stampsFor(bits);
  const marks = seen.marks;
  const stamp = seen.stamp;
  let count = 0;
  const push = (h: number): void => {
    const b = h & mask;
    if (marks[b] === stamp) return;
    marks[b] = stamp;
    if (count === out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[count++] = b;
  };

  if (wordHashes.length < tokens.length) wordHashes = new Uint32Array(tokens.length * 2);
  const wordPrefix = WORD_PREFIX[lang];
  let words = 0;
  let n = 0;
  chars[n++] = SPACE;
  for (const t of tokens) {
    const s = t.text;
    if (n < MAX_CHARS) {
      for (let i = 0; i < s.length && n < MAX_CHARS; i++) chars[n++] = s.charCodeAt(i);
      chars[n++] = SPACE;
    }
    // Punctuation other than ? ! . says little about tone as a word.
    if (t.kind === 'punct' && !/[?!.]/.test(s)) continue;
    const h = fnvString(wordPrefix, s);
    push(h);
    if (words > 0) push(fnvString(Math.imul((wordHashes[words - 1] ?? 0) ^ SPACE, FNV_PRIME) >>> 0, s));
    wordHashes[words++] = h;
  }

  const charPrefix = CHAR_PREFIX[lang];
  for (let i = 0; i + GRAM_MIN <= n; i++) {
    let h = charPrefix;
    for (let j = 0; j < GRAM_MAX && i + j < n; j++) {
      h = Math.imul(h ^ (chars[i + j] ?? 0), FNV_PRIME) >>> 0;
      if (j + 1 >= GRAM_MIN) push(h);
    }
  }
  return { buckets: out, count };
}

/** The buckets of a raw text (for training and tests); scoring passes the tokens it already has. */
export function learnedBuckets(text: string, lang: LearnedLang, bits: number): number[] {
  const { buckets, count } = learnedBucketsOfTokens(tokenize(text), lang, bits);
  return Array.from(buckets.subarray(0, count));
}

export function trainLearnedTone(examples: readonly LearnedExample[], bits = LEARNED_BITS): LearnedToneModel {
  const size = 1 << bits;
  const negative = new Float64Array(size);
  const other = new Float64Array(size);
  let negativeTotal = 0;
  let otherTotal = 0;
  let negativeTexts = 0;
  for (const e of examples) {
    const counts = e.negative ? negative : other;
    if (e.negative) negativeTexts++;
    for (const b of learnedBuckets(e.text, e.lang, bits)) {
      counts[b] = (counts[b] ?? 0) + 1;
      if (e.negative) negativeTotal++;
      else otherTotal++;
    }
  }
  const weights = new Float64Array(size);
  for (let b = 0; b < size; b++) {
    const n = negative[b] ?? 0;
    const o = other[b] ?? 0;
    if (n + o === 0) continue;
    weights[b] = Math.log((n + ALPHA) / (negativeTotal + ALPHA * size)) - Math.log((o + ALPHA) / (otherTotal + ALPHA * size));
  }
  const otherTexts = examples.length - negativeTexts;
  const prior = negativeTexts > 0 && otherTexts > 0 ? Math.log(negativeTexts / otherTexts) : 0;
  return { bits, prior, weights, scale: 1 };
}

/** How much more the text looks like the labelled criticism than like the rest, in nats. */
export function learnedLogOdds(model: LearnedToneModel, text: string, lang: LearnedLang): number {
  return learnedLogOddsOfTokens(model, tokenize(text), lang);
}

export function learnedLogOddsOfTokens(model: LearnedToneModel, tokens: readonly Token[], lang: LearnedLang): number {
  const { buckets, count } = learnedBucketsOfTokens(tokens, lang, model.bits);
  const w = model.weights;
  let sum = model.prior / model.scale;
  for (let i = 0; i < count; i++) sum += w[buckets[i] ?? 0] ?? 0;
  return sum * model.scale;
}

export function encodeLearnedModel(model: LearnedToneModel): { bits: number; prior: number; weights: string } {
  const q = new Int8Array(model.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(((model.weights[i] ?? 0) * model.scale) / QUANTUM)));
  return { bits: model.bits, prior: Number(model.prior.toFixed(6)), weights: Buffer.from(q.buffer).toString('base64') };
}

export function decodeLearnedModel(table: { bits: number; prior: number; weights: string }): LearnedToneModel {
  const bytes = Uint8Array.from(atob(table.weights), (c) => c.charCodeAt(0));
  if (bytes.length !== 1 << table.bits) throw new Error(`learned tone table: expected ${1 << table.bits} weights, found ${bytes.length}`);
  return { bits: table.bits, prior: table.prior, weights: new Int8Array(bytes.buffer), scale: QUANTUM };
}
