/**
 * Comprehend refuses a document of 5,000 UTF-8 bytes or more (the API
 * reference: "Each document must contain fewer than 5,000 bytes of UTF-8
 * encoded characters"; newer pages say "5 KB"; the stricter reading costs
 * nothing). A long reply is cut, never split inside a character.
 */
export const MAX_TEXT_BYTES = 4_999;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Lone UTF-16 surrogates have no UTF-8 form: they become U+FFFD, as TextEncoder
 * would encode them, so the byte count below is the count on the wire.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * The longest prefix of `text` whose UTF-8 form fits in `maxBytes`, cut at a
 * grapheme boundary (an emoji with its modifiers stays whole or goes whole);
 * only a single grapheme larger than the budget (a "Zalgo" pile of combining
 * marks) is cut between its code points.
 */
export function truncateUtf8(text: string, maxBytes: number = MAX_TEXT_BYTES): string {
  const clean = wellFormed(text);
  if (Buffer.byteLength(clean, 'utf8') <= maxBytes) return clean;
  let used = 0;
  let out = '';
  for (const { segment } of segmenter.segment(clean)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (used + size > maxBytes) {
      if (out === '') return byCodePoints(segment, maxBytes);
      break;
    }
    out += segment;
    used += size;
  }
  return out;
}

function byCodePoints(text: string, maxBytes: number): string {
  let used = 0;
  let out = '';
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > maxBytes) break;
    out += ch;
    used += size;
  }
  return out;
}
