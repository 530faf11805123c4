/**
 * JSON parsing that says where a file is broken. Node 20's `JSON.parse` names a
 * position only for some errors (and never a line), so on failure the text is
 * scanned again by a small validator that finds the first bad character.
 */

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

export function parseJson(text: string): JsonParseResult {
  // Editors on Windows like to prepend a byte-order mark; it is not an error worth rejecting a file for.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const offsetShift = body.length === text.length ? 0 : 1;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    const found = findSyntaxError(body) ?? { offset: body.length, reason: err instanceof Error ? err.message : 'not valid JSON' };
    return { ok: false, ...lineAndColumn(text, found.offset + offsetShift), reason: found.reason };
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** The first syntax error of `text`, or null when it is valid JSON. */
export function findSyntaxError(text: string): { offset: number; reason: string } | null {
  let i = 0;

  const describe = (at: number): string => (at >= text.length ? 'end of file' : `character ${JSON.stringify(text[at])}`);
  const fail = (expected: string): never => {
    throw new SyntaxAt(i, `expected ${expected}, found ${describe(i)}`);
  };
  const skipWhitespace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };

  const parseString = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) throw new SyntaxAt(i, 'unterminated string, found end of file');
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return;
      }
      if (ch < 0x20) throw new SyntaxAt(i, 'unescaped control character (such as a line break) inside a string');
      if (ch === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new SyntaxAt(i, 'bad \\u escape in a string (needs 4 hex digits)');
          i += 6;
        } else if (next !== undefined && ESCAPES.has(next)) {
          i += 2;
        } else {
          throw new SyntaxAt(i, `bad escape "\\${next ?? ''}" in a string`);
        }
        continue;
      }
      i++;
    }
  };

  const parseValue = (): void => {
    skipWhitespace();
    const ch = text[i];
    if (ch === '{') return parseObject();
    if (ch === '[') return parseArray();
    if (ch === '"') return parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match) fail('a number');
      i += (match as RegExpExecArray)[0].length;
      return;
    }
    for (const literal of LITERALS) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail('a value (object, array, string, number, true, false or null)');
  };

  const parseArray = (): void => {
    i++;
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      parseValue();
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        skipWhitespace();
        if (text[i] === ']') fail('a value after "," (trailing commas are not allowed)');
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail('"," or "]" after an array element');
    }
  };

  const parseObject = (): void => {
    i++;
    skipWhitespace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') fail('a double-quoted property name');
      parseString();
      skipWhitespace();
      if (text[i] !== ':') fail('":" after a property name');
      i++;
      parseValue();
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail('"," or "}" after a property value');
    }
  };

  try {
    parseValue();
    skipWhitespace();
    if (i < text.length) fail('end of file after the JSON value');
    return null;
  } catch (err) {
    if (err instanceof SyntaxAt) return { offset: err.offset, reason: err.reason };
    // A pathologically deep file overflows the stack; JSON.parse's own message is the best left.
    return null;
  }
}
