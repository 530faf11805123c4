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
    String.raw`(?<url>https?:\/\/\S+|www\.\S+)`,
    String.raw`(?<mention>[@][\w.]+)`,
    // Emoticons before words: ":D" and "xD" would otherwise read as letters.
    String.raw`(?<emoticon>[:;=8][\-']?[)(\]\[dpo/\\|*3]|<3|\bx[dD]\b|\^_\^|:'\()`,
    String.raw`(?<word>[#]?[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*'?)`,
    String.raw`(?<emoji>\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?(?:\u200D\p{Extended_Pictographic}\uFE0F?)*)`,
    String.raw`(?<punct>[!?]+|\.{2,}|…|[.,;:()"])`,
  ].join('|'),
  'gu',
);

const STRETCH_RE = /(\p{L})\1{2,}/u;

export function tokenize(input: string): Token[] {
  const text = input.replace(/[’‘`´]/g, "'");
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN_RE)) {
    const g = match.groups ?? {};
    if (g.url !== undefined || g.mention !== undefined) continue;
    if (g.emoticon !== undefined) {
      tokens.push({ kind: 'emoticon', text: g.emoticon.toLowerCase(), caps: false, stretched: false });
    } else if (g.word !== undefined) {
      pushWord(tokens, g.word.replace(/^#/, ''));
    } else if (g.emoji !== undefined) {
      tokens.push({ kind: 'emoji', text: g.emoji.replace(/[\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, ''), caps: false, stretched: false });
    } else if (g.punct !== undefined) {
      tokens.push({ kind: 'punct', text: g.punct === '…' ? '...' : g.punct, caps: false, stretched: false });
    }
  }
  return tokens;
}

function pushWord(tokens: Token[], raw: string): void {
  const caps = raw.length >= 2 && /\p{Lu}/u.test(raw) && raw === raw.toUpperCase() && /\p{L}{2}/u.test(raw);
  const lower = raw.toLowerCase();
  const apostrophe = lower.indexOf("'");
  if (apostrophe > 0 && apostrophe < lower.length - 1 && ELISIONS.has(lower.slice(0, apostrophe))) {
    tokens.push({ kind: 'word', text: lower.slice(0, apostrophe + 1), caps, stretched: false });
    pushWord(tokens, raw.slice(apostrophe + 1));
    return;
  }
  tokens.push({ kind: 'word', text: lower, caps, stretched: STRETCH_RE.test(lower) });
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
