/**
 * Untrusted text (a handle, an allowlist entry, a server's error body) bound for
 * a person's terminal: one line, every control character shown as an escape
 * instead of obeyed (ESC sequences recolour or rewrite the screen, CR and LF
 * forge lines, bidi overrides reverse what follows), lone surrogates as U+FFFD,
 * and cut to a length a terminal can show. JSON logs need none of this:
 * JSON.stringify already escapes them.
 */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const TERMINAL_LINE_MAX = 1000;

export function terminalLine(text: string, max = TERMINAL_LINE_MAX): string {
  const shown = text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(UNSAFE, (ch) => {
      const code = ch.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase()}`;
    });
  const chars = [...shown];
  return chars.length <= max ? shown : `${chars.slice(0, max - 1).join('')}…`;
}
