/**
 * A strict RFC 4180 reader for tests: records end in CRLF, fields containing
 * a comma, quote, CR or LF must be quoted, quotes inside are doubled. It throws
 * on anything else (a bare quote in an unquoted field, a lone CR or LF outside
 * quotes, text after a closing quote), so a renderer that writes a sloppy CSV fails.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`CSV is not RFC 4180 at offset ${i} (record ${rows.length + 1}): ${why}`);
  };
  if (text === '') return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') fail('quote inside an unquoted field');
        field += text[i];
        i += 1;
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      rows.push(row);
      row = [];
      if (i === text.length) return rows;
      continue;
    }
    if (i >= text.length) fail('the last record does not end in CRLF');
    fail(`unexpected ${JSON.stringify(text[i])} after a field`);
  }
}
