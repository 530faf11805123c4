/**
 * Social texts carry a lot that belongs to no language: links, @handles,
 * emoji, numbers, hashtag marks. Left in, they feed a detector n-grams of
 * "https", "t.co" or "@marco_v" and push a short Italian reply towards
 * whatever language those look like. So every text is reduced to its words
 * before detection, and its length is measured on what is left.
 */

// Scheme or www links, and bare "domain.tld/path" links as people paste them.
const URL = /\b(?:https?:\/\/|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\/\S*/giu;
// @user, and Mastodon's @user@instance.example; also e-mail addresses.
const HANDLE = /(?:[\w.+-]+)?@[\w.-]+(?:@[\w.-]+)?/gu;
// The word of a hashtag is language (#serverless, #launchday); only the mark goes.
const HASH_MARK = /#(?=[\p{L}\p{N}_])/gu;
const HASHTAG = /#[\p{L}\p{N}_]+/gu;
// Pictographs, skin-tone modifiers, joiners, variation selectors, keycaps and flag letters.
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\u200D\uFE0F\u20E3]/gu;
const DIGITS = /\p{N}+/gu;
const SPACES = /\s+/gu;

function stripNoise(text: string): string {
  return text.normalize('NFC').replace(URL, ' ').replace(HANDLE, ' ');
}

function tidy(text: string): string {
  return text.replace(EMOJI, ' ').replace(DIGITS, ' ').replace(SPACES, ' ').trim();
}

/** The text with links, handles, hashtag marks, emoji and digits removed and spaces collapsed: what the detector reads. */
export function cleanText(text: string): string {
  return tidy(stripNoise(text).replace(HASH_MARK, ''));
}

// Han, kana and Hangul write a word in one to three characters; Thai writes no spaces.
const DENSE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/gu;
const WORD = /\p{L}[\p{L}\p{M}'’-]*/gu;

/**
 * How much language a text holds, measured on its cleaned form. Hashtag words
 * are read by the detector but not counted as evidence: "#TypeScript #AWS
 * #serverless" says nothing about the language its author writes in.
 */
export interface TextAmount {
  /** Letters outside links, handles, hashtags, emoji and digits. */
  letters: number;
  /** Words outside hashtags. */
  words: number;
  /** Words that begin with a capital letter (a text made only of these is a list of names or places). */
  capitalisedWords: number;
  /** Written in a script without spaces between words, or with words of one to three characters. */
  dense: boolean;
  /** Mostly Latin letters, where languages share most letter sequences. */
  latin: boolean;
}

/** The words a text holds as evidence of its language: cleaned as for the detector, hashtags left out. */
export function proseOf(text: string): string {
  return tidy(stripNoise(text).replace(HASHTAG, ' '));
}

export function measureText(text: string): TextAmount {
  const prose = proseOf(text);
  const letters = prose.match(LETTER) ?? [];
  const words = prose.match(WORD) ?? [];
  const latinLetters = letters.filter((l) => LATIN.test(l)).length;
  return {
    letters: letters.length,
    words: words.length,
    capitalisedWords: words.filter((w) => /^\p{Lu}/u.test(w)).length,
    dense: DENSE_SCRIPT.test(prose),
    latin: letters.length > 0 && latinLetters * 2 > letters.length,
  };
}
