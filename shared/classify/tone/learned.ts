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
 */
import { tokenize } from './tokenize.ts';

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
const ALPHA = 1;
/** Weights are stored as int8 in steps of 0.1 (so within ±12.7), which is finer than the model's own noise. */
const QUANTUM = 0.1;

/**
 * The buckets of the features of one text, each distinct feature once: words
 * and word pairs as the tokenizer reads them (`it:si vede`), and letter
 * sequences of the raw text (`it#ede `). Hashing runs on the characters in
 * place, because this runs on every reply.
 */
export function learnedBuckets(text: string, lang: LearnedLang, bits: number): number[] {
  const mask = (1 << bits) - 1;
  const out: number[] = [];
  const seen = new Set<string>();
  const words = tokenize(text)
    .filter((t) => t.kind !== 'punct' || /[?!.]/.test(t.text))
    .map((t) => t.text);
  const wordPrefix = fnv(FNV_START, `${lang}:`, 0, lang.length + 1);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (!seen.has(w)) {
      seen.add(w);
      out.push(fnv(wordPrefix, w, 0, w.length) & mask);
    }
    if (i + 1 < words.length) {
      const pair = `${w} ${words[i + 1] ?? ''}`;
      if (!seen.has(pair)) {
        seen.add(pair);
        out.push(fnv(wordPrefix, pair, 0, pair.length) & mask);
      }
    }
  }
  const plain = ` ${text.toLowerCase().replace(/https?:\/\/\S+|@[\w.]+/g, '').replace(/\s+/g, ' ').trim()} `;
  const charPrefix = fnv(FNV_START, `${lang}#`, 0, lang.length + 1);
  // Repeated letter sequences count once; told apart by their full 32-bit hash, not a new string each.
  const grams = new Set<number>();
  for (let n = 4; n <= 5; n++) {
    for (let i = 0; i + n <= plain.length; i++) {
      const h = fnv(charPrefix, plain, i, i + n);
      if (grams.has(h)) continue;
      grams.add(h);
      out.push(h & mask);
    }
  }
  return out;
}

const FNV_START = 0x811c9dc5;

/** FNV-1a over s[from..to), continuing from `h`: tiny, fast and the same on every machine. */
function fnv(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
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
  let sum = model.prior / model.scale;
  for (const b of learnedBuckets(text, lang, model.bits)) sum += model.weights[b] ?? 0;
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
