/**
 * A small learned second opinion for criticism the lexicon cannot see: dry
 * understatement, pointed remarks and unmarked sarcasm carry no cue word, but
 * they share word pairs and letter sequences with criticism the project has
 * labelled ("could have been", "si vede", "anymore", "classico guru").
 *
 * It is a logistic regression over word unigrams, word bigrams, words in the
 * scope of a negation ("not … helpful"), character 4- and 5-grams, and named
 * features the scorer adds (cue polarity, irony markers, questions, quotes,
 * laughter next to blame, …: see toneMetaFeatures in score-tone.ts), negative
 * against everything else, per language. It is trained offline with a fixed
 * seed (Adagrad, L2, a few epochs over a seeded shuffle). Features are hashed
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
  /** The intercept (log-odds of criticism before any feature). */
  prior: number;
  /** One log-odds weight per bucket; 0 for a bucket no training text reached. */
  weights: Float64Array | Int8Array;
  /** Int8 weights are stored in these steps. */
  scale: number;
}

export const LEARNED_BITS = 15;
/** Weights are stored as int8 in steps of the largest weight / 127, rounded up to 1e-5 (no weight is clipped). */
function quantumOf(weights: ArrayLike<number>, scale: number): number {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs((weights[i] ?? 0) * scale));
  return max === 0 ? 1e-5 : Math.ceil((max / 127) * 1e5) / 1e5;
}
/**
 * Training: L2 strength (applied to a weight each time its feature is seen),
 * Adagrad step, epochs, and the seed of the shuffle. Chosen by 10-fold CV on
 * the training corpora (the fresh folds' mean negative F1): L2 0.01-0.1,
 * step 0.05-0.2, 12-60 epochs, letter sequences of 3-4, 4-5, 5 and none were
 * tried; the differences were within about 0.02 of F1.
 */
const L2 = 0.05;
const STEP = 0.05;
const EPOCHS = 30;
const SEED = 19;
/** A word this many tokens after a negator (and before punctuation) also counts as a negated word. */
const NEGATION_SCOPE = 3;
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
const NEGATED_PREFIX = { it: fnvString(FNV_START, 'it~'), en: fnvString(FNV_START, 'en~') } as const;
const EDGE_PREFIX = { it: fnvString(FNV_START, 'it|'), en: fnvString(FNV_START, 'en|') } as const;
const META_SHARED = fnvString(FNV_START, '*!');
const META_PREFIX = { it: fnvString(FNV_START, 'it!'), en: fnvString(FNV_START, 'en!') } as const;
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
export function learnedBucketsOfTokens(
  tokens: readonly Token[],
  lang: LearnedLang,
  bits: number,
  extra: readonly string[] = [],
  negators?: ReadonlySet<string>,
): { buckets: Int32Array; count: number } {
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
  const negatedPrefix = NEGATED_PREFIX[lang];
  let negatedLeft = 0;
  let words = 0;
  let n = 0;
  chars[n++] = SPACE;
  for (const t of tokens) {
    const s = t.text;
    if (n < MAX_CHARS) {
      for (let i = 0; i < s.length && n < MAX_CHARS; i++) chars[n++] = s.charCodeAt(i);
      chars[n++] = SPACE;
    }
    if (t.kind === 'punct') negatedLeft = 0;
    // Punctuation other than ? ! . says little about tone as a word.
    if (t.kind === 'punct' && !/[?!.]/.test(s)) continue;
    if (negators !== undefined && t.kind === 'word') {
      if (negators.has(s)) {
        negatedLeft = NEGATION_SCOPE;
      } else if (negatedLeft > 0) {
        push(fnvString(negatedPrefix, s));
        negatedLeft--;
      }
    }
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
  // Where a reply starts and ends says a lot about irony: "Wow, …", "Certo, …", "… Innovativo.", "… Right on schedule."
  let first = -1;
  let last = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.kind === 'punct') continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first >= 0) push(fnvString(EDGE_PREFIX[lang], `^${tokens[first]?.text ?? ''}`));
  if (last >= 0) push(fnvString(EDGE_PREFIX[lang], `${tokens[last]?.text ?? ''}$`));
  const metaPrefix = META_PREFIX[lang];
  // Named features count per language and, to learn from both halves of the data, once more for both.
  for (const name of extra) {
    push(fnvString(metaPrefix, name));
    push(fnvString(META_SHARED, name));
  }
  return { buckets: out, count };
}

/** The buckets of a raw text (for training and tests); scoring passes the tokens it already has. */
export function learnedBuckets(text: string, lang: LearnedLang, bits: number): number[] {
  const { buckets, count } = learnedBucketsOfTokens(tokenize(text), lang, bits);
  return Array.from(buckets.subarray(0, count));
}

/** The features of one training text, as bucket numbers. */
export type Featurize = (text: string, lang: LearnedLang, bits: number) => number[];

/** A small deterministic generator (mulberry32) for the training shuffle. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Logistic regression, negative against the rest, on binary hashed features:
 * Adagrad over a seeded shuffle, L2 on the weights (not the intercept), the
 * classes weighted so that criticism and the rest count the same in total.
 * The same data gives the same model, bit for bit.
 */
export function trainLearnedTone(examples: readonly LearnedExample[], bits = LEARNED_BITS, featurize: Featurize = learnedBuckets): LearnedToneModel {
  const size = 1 << bits;
  const weights = new Float64Array(size);
  const squared = new Float64Array(size);
  const rows = examples.map((e) => ({ buckets: featurize(e.text, e.lang, bits), y: e.negative ? 1 : 0 }));
  const positives = rows.filter((r) => r.y === 1).length;
  const negatives = rows.length - positives;
  if (positives === 0 || negatives === 0) return { bits, prior: positives > 0 ? 2 : -2, weights, scale: 1 };
  const classWeight = [rows.length / (2 * negatives), rows.length / (2 * positives)] as const;
  let bias = Math.log(positives / negatives);
  let biasSquared = 0;
  const random = seeded(SEED);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const row = rows[index] as { buckets: number[]; y: number };
      let z = bias;
      for (const b of row.buckets) z += weights[b] ?? 0;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - row.y) * (classWeight[row.y] ?? 1);
      biasSquared += g * g;
      bias -= (STEP * g) / Math.sqrt(biasSquared + 1e-8);
      for (const b of row.buckets) {
        const w = weights[b] ?? 0;
        const gb = g + L2 * w;
        squared[b] = (squared[b] ?? 0) + gb * gb;
        weights[b] = w - (STEP * gb) / Math.sqrt((squared[b] ?? 0) + 1e-8);
      }
    }
  }
  return { bits, prior: bias, weights, scale: 1 };
}

/** How much more the text looks like the labelled criticism than like the rest, in nats (n-gram features only). */
export function learnedLogOdds(model: LearnedToneModel, text: string, lang: LearnedLang): number {
  return learnedLogOddsOfTokens(model, tokenize(text), lang);
}

export function learnedLogOddsOfTokens(model: LearnedToneModel, tokens: readonly Token[], lang: LearnedLang, extra: readonly string[] = [], negators?: ReadonlySet<string>): number {
  const { buckets, count } = learnedBucketsOfTokens(tokens, lang, model.bits, extra, negators);
  return learnedLogOddsOfBuckets(model, buckets, count);
}

export function learnedLogOddsOfBuckets(model: LearnedToneModel, buckets: ArrayLike<number>, count = buckets.length): number {
  const w = model.weights;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += w[buckets[i] ?? 0] ?? 0;
  return model.prior + sum * model.scale;
}

export function encodeLearnedModel(model: LearnedToneModel): { bits: number; prior: number; quantum: number; weights: string } {
  const quantum = quantumOf(model.weights, model.scale);
  const q = new Int8Array(model.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(((model.weights[i] ?? 0) * model.scale) / quantum)));
  return { bits: model.bits, prior: Number(model.prior.toFixed(6)), quantum, weights: Buffer.from(q.buffer).toString('base64') };
}

export function decodeLearnedModel(table: { bits: number; prior: number; quantum?: number; weights: string }): LearnedToneModel {
  const bytes = Uint8Array.from(atob(table.weights), (c) => c.charCodeAt(0));
  if (bytes.length !== 1 << table.bits) throw new Error(`learned tone table: expected ${1 << table.bits} weights, found ${bytes.length}`);
  return { bits: table.bits, prior: table.prior, weights: new Int8Array(bytes.buffer), scale: table.quantum ?? 0.1 };
}
