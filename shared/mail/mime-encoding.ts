/** Byte-level encodings of MIME (RFC 2045 quoted-printable and base64, RFC 2047 encoded words). */

const CRLF = '\r\n';
const QP_LINE = 76;
const BASE64_LINE = 76;
/** Bytes per encoded word: 39 bytes are 52 base64 chars, so "Subject: " plus one word stays within 78 columns. */
const WORD_BYTES = 39;

/**
 * Quoted-printable of UTF-8 text. Line breaks become CRLF hard breaks; long
 * lines get soft breaks (`=` CRLF) so no line passes 76 characters.
 */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines.map(encodeQpLine).join(CRLF);
}

function encodeQpLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  const tokens: string[] = [];
  bytes.forEach((b, i) => {
    const last = i === bytes.length - 1;
    const printable = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
    // A dot alone at the start of a line can end an SMTP DATA block on some relays.
    const dotAtStart = b === 46 && i === 0;
    tokens.push(printable && !dotAtStart ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
  });
  const out: string[] = [];
  let current = '';
  for (const token of tokens) {
    // Keep room for the trailing '=' of a soft break; never split an =XX escape.
    if (current.length + token.length > QP_LINE - 1) {
      out.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  out.push(current);
  return out.join(CRLF);
}

export function encodeBase64Lines(content: string | Uint8Array): string {
  const b64 = Buffer.from(typeof content === 'string' ? Buffer.from(content, 'utf8') : content).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += BASE64_LINE) lines.push(b64.slice(i, i + BASE64_LINE));
  return lines.join(CRLF);
}

/**
 * A header value: printable ASCII stays as it is, folded at spaces; anything else
 * becomes RFC 2047 `=?UTF-8?B?...?=` words, split on character boundaries.
 */
export function encodeHeaderText(value: string, nameLength: number): string {
  if (/^[\x20-\x7E]*$/.test(value)) return foldAscii(value, nameLength);
  const words: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > WORD_BYTES && chunk.length > 0) {
      words.push(encodedWord(chunk.join('')));
      chunk = [];
      size = 0;
    }
    chunk.push(ch);
    size += n;
  }
  if (chunk.length > 0) words.push(encodedWord(chunk.join('')));
  // Whitespace between adjacent encoded words is ignored by decoders, so folding is lossless.
  return words.join(`${CRLF} `);
}

function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function foldAscii(value: string, nameLength: number): string {
  const lines: string[] = [];
  let current = '';
  let limit = 78 - nameLength - 2;
  for (const word of value.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > limit) {
      lines.push(current);
      current = word;
      limit = 77;
    } else {
      current = current === '' && lines.length === 0 ? word : `${current} ${word}`;
    }
  }
  lines.push(current);
  return lines.join(`${CRLF} `);
}
