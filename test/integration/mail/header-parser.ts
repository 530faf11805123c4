/**
 * A strict reader of a message's header block, independent of nodemailer, so
 * tests check what a mail client would see: every header line, each field
 * unfolded, and RFC 2047 encoded words decoded (B and Q, UTF-8).
 */

export interface HeaderField {
  name: string;
  /** Unfolded value (CRLF before folding whitespace removed), still encoded. */
  raw: string;
}

export interface ParsedHeaders {
  /** The physical lines of the header block, without their CRLF. */
  lines: string[];
  fields: HeaderField[];
  /** Fields named `name` (any case). */
  all(name: string): HeaderField[];
}

/** Splits the header block off a raw message. Throws on anything a strict reader would reject. */
export function parseHeaderBlock(raw: string): ParsedHeaders {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error('no blank line after the headers');
  const block = raw.slice(0, end);
  if (/\r(?!\n)|(?<!\r)\n/.test(block)) throw new Error('a bare CR or LF in the headers');
  const lines = block.split('\r\n');
  const fields: HeaderField[] = [];
  for (const [i, line] of lines.entries()) {
    if (/^[ \t]/.test(line)) {
      const last = fields.at(-1);
      if (!last) throw new Error(`line ${i} continues no header: ${JSON.stringify(line.slice(0, 80))}`);
      last.raw += line;
      continue;
    }
    const match = /^([\x21-\x39\x3b-\x7e]+):[ \t]?(.*)$/.exec(line);
    if (!match) throw new Error(`line ${i} is not a header: ${JSON.stringify(line.slice(0, 80))}`);
    fields.push({ name: match[1] ?? '', raw: match[2] ?? '' });
  }
  return { lines, fields, all: (name) => fields.filter((f) => f.name.toLowerCase() === name.toLowerCase()) };
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/** RFC 2047: decodes encoded words; whitespace between two adjacent encoded words is dropped. */
export function decodeHeaderText(value: string): string {
  let out = '';
  let last = 0;
  let previousWasWord = false;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    if (!(previousWasWord && /^[ \t]*$/.test(between))) out += between;
    const [, charset = '', encoding = '', text = ''] = match;
    if (!/^utf-8(\*.*)?$/i.test(charset)) throw new Error(`unexpected charset ${charset}`);
    out += encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQ(text);
    last = (match.index ?? 0) + match[0].length;
    previousWasWord = true;
  }
  return out + value.slice(last);
}

function decodeQ(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The mailboxes of an address header: display name (decoded) and address. */
export function parseMailboxes(value: string): { name: string; address: string }[] {
  // Names are either plain atoms or encoded words, never quoted strings with commas: the builder's contract.
  return value.split(/,\s*/).map((part) => {
    const angle = /^(.*?)\s*<([^<>]+)>$/.exec(part.trim());
    if (!angle) return { name: '', address: part.trim() };
    return { name: decodeHeaderText(angle[1] ?? ''), address: angle[2] ?? '' };
  });
}

/** Parameters of a structured header such as Content-Type (quoted or not). */
export function headerParams(value: string): { value: string; params: Record<string, string> } {
  const [head = '', ...rest] = value.split(/;\s*/);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return { value: head, params };
}
