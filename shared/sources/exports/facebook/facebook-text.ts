/**
 * The free text of a Facebook export, read in English and Italian:
 *
 *  - notification lines (`logged_information/notifications/notifications.json`):
 *    "Mario Rossi commented on your post." / "Mario Rossi ha commentato il tuo post."
 *    — someone engaging with the owner (inbound), the name at the start;
 *  - the titles of the owner's own comments and reactions
 *    (`comments_and_reactions/comments.json`, `likes_and_reactions_N.json`):
 *    "Me commented on Bob's post." / "Io ha commentato il post di Bob." — the target
 *    named inside (outbound).
 *
 * Names are kept as written (spaces, accents, apostrophes); nothing is guessed:
 * a line that matches no phrasing returns null and the parser counts it.
 */

export type InboundKind = 'reply' | 'like' | 'repost' | 'mention';

export interface NotificationReading {
  kind: InboundKind;
  /** One or more display names ("Bob Smith and Ann Lee reacted …" names two; "and 3 others" are not named). */
  names: string[];
}

const Q = `["“”„«»]?`;
/** "your post", "your photo", "a comment on your post": what belongs to the owner (English). */
const YOUR = String.raw`(?:your|one of your|a comment on your|a reply to your)\b`;
/** "il tuo post", "la tua foto", "un tuo commento" (Italian). */
const TUO = String.raw`(?:il|la|al|alla|a|ad|un|una|a\s+un|a\s+una|i|le|ai|alle)\s+(?:tuo|tua|tuoi|tue)\b`;

const NOTIFICATION_PATTERNS: ReadonlyArray<readonly [RegExp, InboundKind]> = [
  // English
  [new RegExp(String.raw`^(.+?)\s+(?:also\s+)?(?:commented|posted a comment)\s+on\s+${YOUR}`, 'iu'), 'reply'],
  [new RegExp(String.raw`^(.+?)\s+(?:replied|responded)\s+to\s+${YOUR}`, 'iu'), 'reply'],
  [new RegExp(String.raw`^(.+?)\s+reacted(?:\s+\S+)?\s+to\s+${YOUR}`, 'iu'), 'like'],
  [new RegExp(String.raw`^(.+?)\s+(?:likes?|liked|loves?|loved)\s+${YOUR}`, 'iu'), 'like'],
  [new RegExp(String.raw`^(.+?)\s+(?:shared|reshared)\s+${YOUR}`, 'iu'), 'repost'],
  [new RegExp(String.raw`^(.+?)\s+(?:mentioned|tagged)\s+you\b`, 'iu'), 'mention'],
  // Italian
  [new RegExp(String.raw`^(.+?)\s+(?:ha|hanno)\s+(?:anche\s+)?commentato\s+${TUO}`, 'iu'), 'reply'],
  [new RegExp(String.raw`^(.+?)\s+(?:ha|hanno)\s+risposto\s+${TUO}`, 'iu'), 'reply'],
  [new RegExp(String.raw`^(.+?)\s+(?:ha|hanno)\s+reagito(?:\s+con\s+\S+)?\s+${TUO}`, 'iu'), 'like'],
  [new RegExp(String.raw`^(.+?)\s+(?:ha|hanno)\s+messo\s+${Q}Mi\s+piace${Q}\s+${TUO}`, 'iu'), 'like'],
  [new RegExp(String.raw`^A\s+(.+?)\s+(?:piace|piacciono)\s+${TUO}`, 'iu'), 'like'],
  [new RegExp(String.raw`^(.+?)\s+(?:ha|hanno)\s+condiviso\s+${TUO}`, 'iu'), 'repost'],
  [new RegExp(String.raw`^(.+?)\s+ti\s+(?:ha|hanno)\s+(?:menzionat|taggat)[oaie]\b`, 'iu'), 'mention'],
];

/** "and 3 others", "and one other", "e altre 3 persone", "e un'altra persona", "e altri 2". */
const OTHERS = /\s+(?:and\s+(?:\d+|one|two|three)\s+others?|e\s+(?:altr[ei]\s+\d+(?:\s+persone)?|un['’]altra\s+persona|un\s+altro|altre\s+persone))\s*$/iu;
const JOIN = /\s*,\s*|\s+and\s+|\s+e\s+/iu;

/** Removes control and bidi characters and collapses spaces; names keep their accents and apostrophes. */
export function cleanName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

function splitActors(actors: string): string[] {
  const withoutOthers = actors.replace(OTHERS, '');
  return withoutOthers
    .split(JOIN)
    .map(cleanName)
    .filter((n) => n !== '');
}

/** Reads one notification line; null when it is not someone engaging with the owner. */
export function readNotification(text: string): NotificationReading | null {
  const line = cleanName(text);
  for (const [pattern, kind] of NOTIFICATION_PATTERNS) {
    const m = pattern.exec(line);
    const actors = m?.[1];
    if (actors === undefined) continue;
    const names = splitActors(actors);
    if (names.length === 0) return null;
    return { kind, names };
  }
  return null;
}

const OBJECT_EN = String.raw`(?:post|photo|video|comment|reply|status|link|reel|album|life event|story|note|event|live video|memory|cover photo|profile picture|activity)`;
const OBJECT_IT = String.raw`(?:post|foto|video|commento|risposta|stato|link|reel|album|storia|nota|evento|immagine)`;
const ARTICLE_IT = String.raw`(?:il|lo|la|l['’]|i|gli|le|al|allo|alla|all['’]|ai|agli|alle|a\s+un|a\s+una|a\s+uno|un|una|uno)`;

const TITLE_PATTERNS: readonly RegExp[] = [
  // "Me commented on Bob's post.", "Sam Rivera reacted to Dan O'Brien's photo.", "Me likes James's video."
  new RegExp(String.raw`^.+?\s+(?:commented\s+on|replied\s+to|responded\s+to|reacted\s+to|likes|liked|loves|loved)\s+(.+?)['’]s?\s+${OBJECT_EN}\b`, 'iu'),
  // "Mario Rossi ha commentato il post di Bob.", "Mario Rossi ha messo "Mi piace" alla foto di Anna Bianchi."
  new RegExp(String.raw`^.+?\s+(?:ha|hanno)\s+(?:commentato|risposto|reagito|messo\s+${Q}Mi\s+piace${Q})\s+${ARTICLE_IT}\s*${OBJECT_IT}\s+di\s+(.+?)$`, 'iu'),
  // "A Mario Rossi piace il post di Bob."
  new RegExp(String.raw`^A\s+.+?\s+piace\s+${ARTICLE_IT}\s*${OBJECT_IT}\s+di\s+(.+?)$`, 'iu'),
];

/** Where an Italian target ends: "di Bob nel gruppo X", "di Bob: …". */
const TARGET_TAIL = /(?:\s*[:(].*|\s+(?:nel|nella|nei|nelle|in|su|sul|sulla)\s+.*)$/iu;

/** The person whose content the owner commented on or reacted to, from the record's title; null when the title names nobody. */
export function readActivityTitle(title: string): string | null {
  const line = cleanName(title).replace(/[.!]+$/u, '');
  for (const pattern of TITLE_PATTERNS) {
    const m = pattern.exec(line);
    const raw = m?.[1];
    if (raw === undefined) continue;
    const name = cleanName(raw.replace(TARGET_TAIL, ''));
    if (name === '' || /^(?:his|her|their|its|your|my|a|an|the)$/iu.test(name)) return null;
    return name;
  }
  return null;
}
