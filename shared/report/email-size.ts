/**
 * How big the HTML part of the report email may be.
 *
 * Gmail clips a message whose HTML passes about 102 KB: it shows "[Message
 * clipped] View entire message" and hides the rest, the decision links and the
 * footer included. Google documents no figure; the 102 KB comes from senders'
 * tests, which disagree on what is counted: the HTML source as written (most
 * guides), or its bytes after the transfer encoding (quoted-printable or
 * base64), which some tests found clips earlier. See
 * https://github.com/hteumeuleu/email-bugs/issues/41 and
 * https://www.spamresource.com/2022/01/what-is-gmail-clipping-and-what-to-do.html
 *
 * So the budget is checked on the larger of the two: the HTML as it travels,
 * quoted-printable (the mailer's encoding for text parts, shared/mail/mime.ts),
 * which is never smaller than its UTF-8 bytes. And it stays a few KB under
 * 102,000 bytes, whether Gmail's "KB" is 1,000 or 1,024 bytes.
 */

/** Gmail's clipping threshold as usually quoted (102 × 1,000 bytes: the smaller reading). */
export const GMAIL_CLIP_BYTES = 102_000;
/** What the renderer allows the HTML part, quoted-printable: a margin under the clip for what a relay may add. */
export const HTML_BUDGET_BYTES = 96_000;

/** Quoted-printable lines carry at most 76 characters, the soft break "=" included (RFC 2045 §6.7). */
const QP_LINE = 76;

/**
 * Encoders break a long line early, after a space or punctuation in the last
 * third of it (nodemailer looks back 25 of 76 characters), or before a
 * multi-byte character: no soft-wrapped piece is shorter than this.
 */
const QP_SHORTEST_PIECE = 50;

/**
 * An upper bound of the HTML's size once quoted-printable encoded with CRLF
 * line ends: every byte that is not printable ASCII (or is "=") takes three
 * characters, and a long line gets a soft break ("=" CRLF) at the latest every
 * QP_SHORTEST_PIECE encoded characters. Never less than the UTF-8 size.
 */
export function htmlPartBytes(html: string): number {
  let total = 0;
  for (const line of html.split('\n')) {
    let encoded = 0;
    for (const byte of Buffer.from(line, 'utf8')) encoded += byte === 0x3d || byte < 0x20 || byte > 0x7e ? 3 : 1;
    // A trailing space or tab is encoded too: count it as three.
    if (/[ \t]$/.test(line)) encoded += 2;
    const softBreaks = encoded <= QP_LINE ? 0 : Math.ceil(encoded / QP_SHORTEST_PIECE);
    total += encoded + softBreaks * 3 + 2;
  }
  return total;
}
