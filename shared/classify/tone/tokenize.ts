/**
 * Splits a short social-media reply into the pieces the tone scorer reads:
 * words (lower-cased, with a note of ALL CAPS and of stretched letters),
 * emoji, emoticons and punctuation. URLs and @mentions are dropped, because a
 * handle like "@happydev" says nothing about the tone of the reply.
 */

export type TokenKind = 'word' | 'emoji' | 'emoticon' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Lower-cased text; for punctuation the run itself ("!!!", "?!", "..."). */
  text: string;
  /** The word was written in capitals (two letters or more). */
  caps: boolean;
  /** The word had a letter repeated three times or more ("sooo"). */
  stretched: boolean;
}

// Italian elisions are split so "l'hai" reads as "l'" + "hai" and "d'accordo" as "d'" + "accordo";
// English contractions ("don't", "you're") stay whole because their first half is not in this set.
const ELISIONS = new Set([
  'l', 'd', 'dell', 'nell', 'all', 'dall', 'sull', 'coll', 'un', 'c', 'm', 't', 's', 'v', 'n',
  'quest', 'quell', 'com', 'dov', 'cos', 'tutt', 'nessun', 'bell', 'sant', 'ch', 'qual', 'po',
]);

const TOKEN_RE = new RegExp(
  [
    String.raw`(https?:\/\/\S+|www\.\S+)`,
    String.raw`([@][\w.]+)`,
    // Emoticons before words: ":D" and "xD" would otherwise read as letters.
    String.raw`([:;=8][\-']?[)(\]\[dpo/\\|*3]|<3|\bx[dD]\b|\^_\^|:'\()`,
    String.raw`([#]?[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*'?)`,
    String.raw`(\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?(?:\u200D\p{Extended_Pictographic}\uFE0F?)*)`,
    String.raw`([!?]+|\.{2,}|…|[.,;:()"])`,
  ].join('|'),
  'gu',
);

/** A letter written three times in a row ("sooo"); a plain loop, as this runs on every word. */
function isStretched(word: string): boolean {
  for (let i = 0; i + 2 < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === word.charCodeAt(i + 1) && c === word.charCodeAt(i + 2) && (c > 0x7f || (c >= 97 && c <= 122))) return true;
  }
  return false;
}

export function tokenize(input: string): Token[] {
  const text = /[’‘`´]/.test(input) ? input.replace(/[’‘`´]/g, "'") : input;
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  // Numbered groups, in the order of TOKEN_RE: 1 url, 2 mention, 3 emoticon, 4 word, 5 emoji, 6 punct.
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const [, , , emoticon, word, emoji, punct] = m;
    if (emoticon !== undefined) {
      tokens.push({ kind: 'emoticon', text: emoticon.toLowerCase(), caps: false, stretched: false });
    } else if (word !== undefined) {
      pushWord(tokens, word.charCodeAt(0) === 35 ? word.slice(1) : word);
    } else if (emoji !== undefined) {
      tokens.push({ kind: 'emoji', text: emoji.replace(/[\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, ''), caps: false, stretched: false });
    } else if (punct !== undefined) {
      tokens.push({ kind: 'punct', text: punct === '…' ? '...' : punct, caps: false, stretched: false });
    }
  }
  return tokens;
}

function pushWord(tokens: Token[], raw: string): void {
  const lower = raw.toLowerCase();
  // Capitals only count on words of two letters or more: "I" and "A" are not shouting.
  const caps = lower !== raw && raw.length >= 2 && raw === raw.toUpperCase() && /\p{L}{2}/u.test(raw);
  const apostrophe = lower.indexOf("'");
  if (apostrophe > 0 && apostrophe < lower.length - 1 && ELISIONS.has(lower.slice(0, apostrophe))) {
    tokens.push({ kind: 'word', text: lower.slice(0, apostrophe + 1), caps, stretched: false });
    pushWord(tokens, raw.slice(apostrophe + 1));
    return;
  }
  tokens.push({ kind: 'word', text: lower, caps, stretched: isStretched(lower) });
}

/**
 * The spellings to look a stretched word up under: "sooo" -> "soo", "so";
 * "bellissimooo" -> "bellissimoo", "bellissimo" (Italian keeps real double letters).
 */
export function unstretch(word: string): string[] {
  const two = word.replace(/(\p{L})\1{2,}/gu, '$1$1');
  const one = word.replace(/(\p{L})\1{2,}/gu, '$1');
  return two === one ? [one] : [two, one];
}
