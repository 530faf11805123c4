/**
 * Tone of emoji and emoticons as they are used in replies, not as the
 * Unicode names suggest: 😂 is mostly laughter with someone, 💀 is "I'm dead
 * (laughing)", 🙄 and 🤡 are contempt. 👏 is read in context by the scorer
 * (praise after praise, sarcasm after blame), so its own weight is small.
 */

export const EMOJI_VALENCE: ReadonlyMap<string, number> = new Map<string, number>([
  // warmth and praise
  ['❤', 3], ['♥', 3], ['🧡', 3], ['💛', 3], ['💚', 3], ['💙', 3], ['💜', 3], ['🖤', 2], ['🤍', 3], ['💖', 3],
  ['💕', 3], ['💗', 3], ['😍', 3], ['🥰', 3], ['😘', 2.5], ['🤩', 3], ['😊', 2], ['☺', 2], ['🙂', 1], ['😀', 2],
  ['😃', 2], ['😄', 2], ['😁', 2], ['😆', 1.5], ['😂', 1], ['🤣', 1], ['😅', 0.5], ['😎', 1.5], ['🥳', 3],
  ['🎉', 2.5], ['🎊', 2.5], ['🙌', 2.5], ['🙏', 2], ['👍', 2], ['👌', 2], ['💪', 2], ['🔥', 2], ['✨', 1.5],
  ['⭐', 1.5], ['🌟', 2], ['💯', 2], ['🏆', 2], ['🥇', 2], ['🚀', 1.5], ['✅', 1], ['🫶', 3], ['🤗', 2.5],
  ['👏', 1], ['🤝', 1.5], ['😻', 3], ['🤘', 1.5], ['💎', 2], ['🥹', 2], ['😇', 1.5], ['🍾', 2],
  // contempt, anger, disappointment
  ['🙄', -2.5], ['🤡', -3], ['😒', -2.5], ['😑', -1.5], ['😐', -1], ['🙃', -1], ['😤', -2], ['😠', -3],
  ['😡', -3], ['🤬', -3.5], ['👎', -2.5], ['🖕', -4], ['💩', -3], ['🤮', -3.5], ['🤢', -3], ['😞', -2],
  ['😔', -1.5], ['😢', -1.5], ['😭', -1], ['😩', -1.5], ['😫', -1.5], ['🤦', -2], ['🤷', -0.5], ['😬', -1],
  ['😕', -1.5], ['🫠', -1], ['😓', -1], ['🥱', -2], ['🗑', -2.5], ['🚮', -2.5], ['❌', -1], ['🚩', -2.5],
  ['💀', 0], ['🤔', -0.3], ['🧐', -0.5], ['😏', -0.5], ['🫤', -1.5], ['😶', -0.5], ['👀', 0],
]);

export const EMOTICON_VALENCE: ReadonlyMap<string, number> = new Map<string, number>([
  [':)', 2], [':-)', 2], ['=)', 2], [':]', 1.5], [':d', 2.5], [':-d', 2.5], ['=d', 2.5], ['xd', 1], [';)', 1],
  [';-)', 1], [':p', 0.5], [':-p', 0.5], ['<3', 3], ['^_^', 2], [':*', 2],
  [':(', -2], [':-(', -2], ['=(', -2], [":'(", -1.5], [':/', -1], [':-/', -1], [':\\', -1], [':|', -0.5], [':-|', -0.5],
  [':o', 0], [':-o', 0],
]);

/** Emoji that mark sarcasm when the rest of the reply blames ("Genius 👏👏" after a jab). */
export const CLAP = '👏';
/** Emoji that on their own say "I don't buy this": they turn praise in the same reply into irony. */
export const IRONY_EMOJI: ReadonlySet<string> = new Set(['🙄', '🤡', '😒', '🙃']);
