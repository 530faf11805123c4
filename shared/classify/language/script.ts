/**
 * Writing systems, and how much language one letter of each carries.
 *
 * The audience rule (`out_of_audience`) wants a sentence or two of evidence
 * before it says anything about a contact's language, and it used to count
 * that evidence in letters. A letter is not the same amount of language in
 * every script: a Chinese word is one or two characters, an Italian or
 * English word five letters. So evidence is counted in Latin-letter
 * equivalents: each letter weighs what it stands for in Latin letters.
 *
 * The weights come from how long the same thing is in each script. On the
 * bios the unit tests use (test/unit/classify/audience-scripts.test.ts: each
 * written in its script and in English, letters only) one character stood for
 * Han 3.5, Hangul 2.0, Hebrew 1.4, Arabic 1.2, Thai 1.2 (its vowel and tone
 * marks are marks, not letters, and are not counted), Cyrillic 1.1 and Greek
 * 0.9 Latin letters, and a Japanese sentence (a third kanji, two thirds kana)
 * 1.9 per character. The weights follow those ratios rounded to plain values
 * (Cyrillic and Greek, alphabets that write their vowels, weigh 1 like
 * Latin), except Han, held at 2.5 rather than 3.5: a short run of Han alone is
 * most often a proper noun (a name, a school, a company) and is shared by
 * Chinese and Japanese. A weight too high would judge a contact on less text
 * than the rule means to, and a wrong "out" costs a relationship.
 */
import { proseOf } from './clean-text.ts';

/**
 * ISO 15924 codes, except that Han is split by what surrounds it: `Jpan` is
 * Japanese writing (kana, and the kanji of a text that has kana), `Kore` is
 * Korean writing (Hangul, and the hanja of a text that has Hangul), `Hani` is
 * Han with neither (Chinese, or a Japanese name or label in kanji alone).
 * `Zyyy` is every other script.
 */
export type WritingSystem = 'Latn' | 'Cyrl' | 'Grek' | 'Arab' | 'Hebr' | 'Thai' | 'Hani' | 'Jpan' | 'Kore' | 'Zyyy';

/** Latin-letter equivalents of one letter. Scripts not listed (Latin, Cyrillic, Greek, Devanagari...) weigh 1. */
export const LETTER_WEIGHT = {
  /** Chinese words are 1.5-2 characters; a Latin word is ~5 letters. Held low: see above. */
  Han: 2.5,
  /** A kana is one mora, one or two Latin letters (か ka, し shi, ん n). */
  Kana: 1.5,
  /** A Hangul block is a syllable of two to four letters (한 = h-a-n). */
  Hangul: 2,
  /** No spaces, vowel and tone marks not counted as letters. */
  Thai: 1.2,
  /** Abjads: short vowels are not written. */
  Arabic: 1.2,
  Hebrew: 1.2,
} as const;

const LETTER = /\p{L}/gu;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const GREEK = /\p{Script=Greek}/u;
const ARABIC = /\p{Script=Arabic}/u;
const HEBREW = /\p{Script=Hebrew}/u;
const THAI = /\p{Script=Thai}/u;
const HAN = /\p{Script=Han}/u;
// Script_Extensions, so the prolonged sound mark ー (Common script, used only with kana) counts as kana.
const KANA = /[\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/u;
const HANGUL = /\p{Script=Hangul}/u;

/** How much language a text holds, by writing system. */
export interface ScriptAmount {
  /** Letters, as `measureText` counts them. */
  letters: number;
  /** Latin-letter equivalents of those letters. */
  weighted: number;
  /** Latin-letter equivalents per writing system (systems without letters left out). */
  bySystem: Partial<Record<WritingSystem, number>>;
}

export function measureScripts(text: string): ScriptAmount {
  const letters = proseOf(text).match(LETTER) ?? [];
  let han = 0;
  let kana = 0;
  let hangul = 0;
  const bySystem: Partial<Record<WritingSystem, number>> = {};
  const add = (system: WritingSystem, amount: number): void => {
    if (amount > 0) bySystem[system] = (bySystem[system] ?? 0) + amount;
  };
  for (const letter of letters) {
    if (LATIN.test(letter)) add('Latn', 1);
    else if (HAN.test(letter)) han += 1;
    else if (KANA.test(letter)) kana += 1;
    else if (HANGUL.test(letter)) hangul += 1;
    else if (CYRILLIC.test(letter)) add('Cyrl', 1);
    else if (GREEK.test(letter)) add('Grek', 1);
    else if (ARABIC.test(letter)) add('Arab', LETTER_WEIGHT.Arabic);
    else if (HEBREW.test(letter)) add('Hebr', LETTER_WEIGHT.Hebrew);
    else if (THAI.test(letter)) add('Thai', LETTER_WEIGHT.Thai);
    else add('Zyyy', 1);
  }
  // Kana marks Japanese, Hangul Korean: the Han beside them is kanji or hanja. Han alone stays ambiguous.
  const hanSystem: WritingSystem = kana > 0 ? 'Jpan' : hangul > 0 ? 'Kore' : 'Hani';
  add(hanSystem, han * LETTER_WEIGHT.Han);
  add('Jpan', kana * LETTER_WEIGHT.Kana);
  add('Kore', hangul * LETTER_WEIGHT.Hangul);
  const weighted = Object.values(bySystem).reduce((sum, w) => sum + w, 0);
  return { letters: letters.length, weighted, bySystem };
}

/**
 * The languages (ISO 639-1) that write each system the audience rule treats
 * as telling: a text in one of these systems, when no audience language
 * writes it, is outside the audience by its script alone. Latin is never
 * telling (every language borrows it: names, brands, tech words) and neither
 * are scripts not modelled here (`Zyyy`). A language listed nowhere is taken
 * to write none of these systems.
 */
export const WRITERS: Readonly<Record<Exclude<WritingSystem, 'Latn' | 'Zyyy'>, readonly string[]>> = {
  Cyrl: ['ru', 'uk', 'be', 'bg', 'mk', 'sr', 'sh', 'bs', 'kk', 'ky', 'tg', 'mn', 'tt', 'ba', 'cv', 'ce', 'os', 'av', 'ab', 'kv', 'cu', 'uz', 'az', 'tk', 'ro'],
  Grek: ['el'],
  Arab: ['ar', 'fa', 'ur', 'ps', 'ku', 'sd', 'ug', 'ks', 'pa', 'az', 'ms', 'uz', 'kk', 'ky', 'tk', 'so', 'ha'],
  Hebr: ['he', 'iw', 'yi', 'ji'],
  Thai: ['th'],
  Hani: ['zh', 'ja', 'ko'],
  Jpan: ['ja'],
  Kore: ['ko'],
};

/**
 * True when no language of `audience` (ISO 639-1 primary tags) writes
 * `system`, so text in it is outside the audience by its script alone. An
 * audience code that is not two letters is not modelled: then no system is
 * foreign (the rule falls back to counting every letter as today).
 */
export function isForeignScript(system: WritingSystem, audience: ReadonlySet<string>): boolean {
  if (system === 'Latn' || system === 'Zyyy') return false;
  for (const lang of audience) if (!/^[a-z]{2}$/.test(lang)) return false;
  return !WRITERS[system].some((lang) => audience.has(lang));
}
