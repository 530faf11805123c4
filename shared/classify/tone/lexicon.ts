/**
 * The shape of one language's tone lexicon, and the helpers that turn the
 * readable tables in lexicon-en.ts / lexicon-it.ts into fast lookups.
 * Valences run from -4 (abuse) to +4 (warm praise), as in AFINN.
 */
import { tokenize } from './tokenize.ts';

export type ToneLang = 'it' | 'en';

/** A cue found by a regular expression on the whole (lower-cased) text. */
export interface TonePattern {
  re: RegExp;
  /** Added to the score when the pattern matches. */
  weight: number;
  /** `sarcasm` also turns the praise in the text into blame ("Great job breaking the API"). */
  kind: 'sarcasm' | 'attack' | 'support';
  cue: string;
}

export interface ToneLexicon {
  lang: ToneLang;
  words: ReadonlyMap<string, number>;
  /** Keyed by first word; each entry a word sequence and its valence. Checked before single words. */
  phrases: ReadonlyMap<string, readonly Phrase[]>;
  negators: ReadonlySet<string>;
  /** > 0 intensifies the next cue ("very"), < 0 softens it ("a bit"). */
  boosters: ReadonlyMap<string, number>;
  /** Words that start a clause weighing more than the one before ("but", "però"). */
  contrast: ReadonlySet<string>;
  /** Frequent function words, to tell the language of an untagged text. */
  stopwords: ReadonlySet<string>;
  patterns: readonly TonePattern[];
  /** Chat spellings read as the word they stand for ("nn" -> "non", "grz" -> "grazie"). */
  aliases: ReadonlyMap<string, string>;
  /** Word beginnings that carry a tone in every form ("disappoint-", "delud-"), keyed by their first 4 letters. */
  stems: ReadonlyMap<string, readonly Stem[]>;
}

export interface Stem {
  stem: string;
  valence: number;
}

export interface Phrase {
  words: readonly string[];
  valence: number;
  text: string;
}

export interface LexiconTables {
  lang: ToneLang;
  words: Record<string, number>;
  phrases: Record<string, number>;
  negators: readonly string[];
  boosters: Record<string, number>;
  contrast: readonly string[];
  stopwords: readonly string[];
  patterns: readonly TonePattern[];
  aliases?: Record<string, string>;
  stems?: Record<string, number>;
}

export function buildLexicon(tables: LexiconTables, expandWord: (word: string, valence: number, into: Map<string, number>) => void): ToneLexicon {
  const words = new Map<string, number>();
  for (const [word, valence] of Object.entries(tables.words)) expandWord(word, valence, words);
  // Explicit entries win over generated forms.
  for (const [word, valence] of Object.entries(tables.words)) words.set(word, valence);

  const phrases = new Map<string, Phrase[]>();
  for (const [text, valence] of Object.entries(tables.phrases)) {
    const seq = tokenize(text)
      .filter((t) => t.kind === 'word' || t.kind === 'emoji')
      .map((t) => tables.aliases?.[t.text] ?? t.text);
    const first = seq[0];
    if (first === undefined) continue;
    const list = phrases.get(first) ?? [];
    list.push({ words: seq, valence, text });
    phrases.set(first, list);
  }
  // Longest phrase first, so "non vedo l'ora" wins over "non vedo".
  for (const list of phrases.values()) list.sort((a, b) => b.words.length - a.words.length);

  return {
    lang: tables.lang,
    words,
    phrases,
    negators: new Set(tables.negators),
    boosters: new Map(Object.entries(tables.boosters)),
    contrast: new Set(tables.contrast),
    stopwords: new Set(tables.stopwords),
    patterns: tables.patterns,
    aliases: new Map(Object.entries(tables.aliases ?? {})),
    stems: indexStems(Object.entries(tables.stems ?? {}).map(([stem, valence]) => ({ stem, valence }))),
  };
}

function indexStems(stems: readonly Stem[]): Map<string, Stem[]> {
  const index = new Map<string, Stem[]>();
  for (const s of stems) {
    const key = s.stem.slice(0, 4);
    index.set(key, [...(index.get(key) ?? []), s].sort((a, b) => b.stem.length - a.stem.length));
  }
  return index;
}

/** The valence of the longest stem that begins `word`, if any. */
export function stemValence(lexicon: ToneLexicon, word: string): Stem | undefined {
  if (word.length < 5) return undefined;
  return lexicon.stems.get(word.slice(0, 4))?.find((s) => word.startsWith(s.stem));
}

/** Both lexicons at once, for a text whose language is neither Italian nor English nor clear. */
export function mergeLexicons(a: ToneLexicon, b: ToneLexicon): ToneLexicon {
  const phrases = new Map<string, Phrase[]>([...a.phrases].map(([k, v]) => [k, [...v]]));
  for (const [first, list] of b.phrases) {
    phrases.set(first, [...(phrases.get(first) ?? []), ...list].sort((x, y) => y.words.length - x.words.length));
  }
  return {
    lang: a.lang,
    words: new Map([...b.words, ...a.words]),
    phrases,
    negators: new Set([...a.negators, ...b.negators]),
    boosters: new Map([...b.boosters, ...a.boosters]),
    contrast: new Set([...a.contrast, ...b.contrast]),
    stopwords: new Set([...a.stopwords, ...b.stopwords]),
    patterns: [...a.patterns, ...b.patterns],
    aliases: new Map([...b.aliases, ...a.aliases]),
    stems: indexStems([...[...b.stems.values()].flat(), ...[...a.stems.values()].flat()]),
  };
}
