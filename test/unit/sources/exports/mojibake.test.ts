import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fixMojibake, isMojibake, parseMetaJson, repairJson } from '../../../../shared/sources/exports/mojibake.ts';

/** What Meta writes: each UTF-8 byte of `t` as its own code unit (`\u00XX`). */
const mojibake = (t: string): string => String.fromCharCode(...new TextEncoder().encode(t));

/** Any well-formed string (every code point, astral ones as surrogate pairs, no lone surrogates). */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
/** Any sequence of code units ≤ 0xFF (what a JSON string of `\u00XX` escapes can hold). */
const latin1Units = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 });
/** Any sequence of UTF-16 code units, lone surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

describe('fixMojibake: examples', () => {
  it('repairs what Meta writes', () => {
    expect(fixMojibake('Jos\u00c3\u00a9')).toBe('José');
    expect(fixMojibake('Ana Kova\u00c4\u008d')).toBe('Ana Kovač');
    expect(fixMojibake('\u00e2\u0080\u009cquoted\u00e2\u0080\u009d')).toBe('“quoted”');
    expect(fixMojibake(mojibake('日本語のテキスト'))).toBe('日本語のテキスト');
  });

  it('repairs emoji and astral characters (4-byte UTF-8)', () => {
    expect(fixMojibake('\u00f0\u009f\u0098\u008d')).toBe('😍');
    expect(fixMojibake(mojibake('ciao 👋🏽 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👨‍👩‍👧'))).toBe('ciao 👋🏽 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👨‍👩‍👧');
  });

  it('keeps what is not mojibake', () => {
    expect(fixMojibake('plain ascii')).toBe('plain ascii');
    expect(fixMojibake('')).toBe('');
    // é alone (0xE9) is not valid UTF-8: genuine Latin-1 text stays.
    expect(fixMojibake('café')).toBe('café');
    expect(fixMojibake('naïve résumé')).toBe('naïve résumé');
    // Already repaired (a code unit above 0xFF): unchanged, so repair is idempotent.
    expect(fixMojibake('Kovač')).toBe('Kovač');
    expect(fixMojibake('José 😍')).toBe('José 😍');
    expect(isMojibake('José')).toBe(false);
    expect(isMojibake('Jos\u00c3\u00a9')).toBe(true);
  });

  it('the accepted edge: Latin-1-only text that is valid UTF-8 when re-read is "repaired" (never raw in a Meta export)', () => {
    // Documented in mojibake.ts: apply only to Meta exports, where every non-ASCII character is escaped byte by byte.
    expect(fixMojibake('Ã©')).toBe('é');
  });

  it('keeps a leading byte-order mark as U+FEFF', () => {
    expect(fixMojibake(mojibake('\ufeffJosé'))).toBe('\ufeffJosé');
  });
});

describe('fixMojibake: properties', () => {
  test.prop([anyText])('any string is recovered from its mojibake', (t) => {
    expect(fixMojibake(mojibake(t))).toBe(t);
  });

  test.prop([anyUnits.filter((s) => [...s].some((ch) => ch.charCodeAt(0) > 0xff || (ch.codePointAt(0) ?? 0) > 0xff))])(
    'a string holding a code unit above 0xFF is not mojibake and round-trips unchanged (lone surrogates too)',
    (s) => {
      expect(fixMojibake(s)).toBe(s);
    },
  );

  test.prop([fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[\u0080-\u00ff]/g, 'x'))])('pure ASCII round-trips unchanged', (s) => {
    expect(fixMojibake(s)).toBe(s);
  });

  test.prop([latin1Units])('a Latin-1 string is either kept, or is exactly the mojibake of what it is repaired to', (s) => {
    const fixed = fixMojibake(s);
    if (fixed !== s) expect(mojibake(fixed)).toBe(s);
  });

  test.prop([anyText])('repair is idempotent', (t) => {
    const once = fixMojibake(mojibake(t));
    expect(fixMojibake(once)).toBe(once);
  });

  test.prop([fc.array(fc.constantFrom('😍', '👋🏽', '𝔘', '🇮🇹', '👨‍👩‍👧', '中', 'é', 'a'), { maxLength: 12 }).map((xs) => xs.join(''))])(
    'emoji and astral characters survive, repaired or already right',
    (t) => {
      expect(fixMojibake(mojibake(t))).toBe(t);
      // Already-right text is left alone (é alone is not valid UTF-8, the rest are above 0xFF).
      expect(fixMojibake(t)).toBe(t);
    },
  );
});

describe('repairJson', () => {
  it('repairs strings and object keys, recursively, and leaves other values', () => {
    const value = {
      'Nome utente \u00c3\u00a8': 'Jos\u00c3\u00a9',
      list: [{ title: 'Ana Kova\u00c4\u008d', timestamp: 1523363572, flag: true, none: null }],
      label_values: [{ label: 'Nom d\u00e2\u0080\u0099utilisateur', value: 'fran\u00c3\u00a7ois' }],
    };
    expect(repairJson(value)).toEqual({
      'Nome utente è': 'José',
      list: [{ title: 'Ana Kovač', timestamp: 1523363572, flag: true, none: null }],
      label_values: [{ label: 'Nom d’utilisateur', value: 'françois' }],
    });
  });

  it('keeps a "__proto__" key as a key (never sets the prototype)', () => {
    const repaired = repairJson(JSON.parse('{"__proto__": {"polluted": "yes"}, "a": "b"}') as unknown) as Record<string, unknown>;
    expect(Object.getPrototypeOf(repaired)).toBe(Object.prototype);
    expect(Object.keys(repaired)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('parseMetaJson parses and repairs a file as Meta writes it (escapes in the text)', () => {
    const text = '{"relationships_following":[{"title":"jos\\u00c3\\u00a9","string_list_data":[{"value":"\\u00f0\\u009f\\u0098\\u008d"}]}]}';
    expect(parseMetaJson(text)).toEqual({ relationships_following: [{ title: 'josé', string_list_data: [{ value: '😍' }] }] });
  });

  test.prop([fc.jsonValue({ maxDepth: 3 })])('any JSON value: repairJson of its mojibake (strings and keys) gives it back', (v) => {
    const mangle = (x: unknown): unknown =>
      typeof x === 'string'
        ? mojibake(x)
        : Array.isArray(x)
          ? x.map(mangle)
          : x !== null && typeof x === 'object'
            ? Object.fromEntries(Object.entries(x).map(([k, inner]) => [mojibake(k), mangle(inner)]))
            : x;
    expect(repairJson(mangle(v))).toStrictEqual(v);
  });
});
