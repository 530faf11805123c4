import { describe, expect, it } from 'vitest';
import { findSyntaxError, lineAndColumn, parseJson } from '../../../shared/json/json-syntax.ts';

describe('JSON syntax errors are located', () => {
  it.each([
    ['{"a":1,}', 7, 'expected a double-quoted property name, found character "}"'],
    ['{"a" 1}', 5, 'expected ":" after a property name, found character "1"'],
    ['[1,2', 4, 'expected "," or "]" after an array element, found end of file'],
    ['[1,]', 3, 'expected a value after "," (trailing commas are not allowed), found character "]"'],
    ['{"a":tru}', 5, 'expected a value (object, array, string, number, true, false or null), found character "t"'],
    ['{"a":"x\ny"}', 7, 'unescaped control character (such as a line break) inside a string'],
    ['{"a":"\\q"}', 6, 'bad escape "\\q" in a string'],
    ['{"a":"abc', 9, 'unterminated string, found end of file'],
    ['{"a":01}', 6, 'expected "," or "}" after a property value, found character "1"'],
    ['{} {}', 3, 'expected end of file after the JSON value, found character "{"'],
    ["{'a':1}", 1, 'expected a double-quoted property name, found character "\'"'],
  ])('%j fails at offset %i', (text, offset, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findSyntaxError(text)).toEqual({ offset, reason });
  });

  it.each(['{}', '[]', '0', '-1.5e+3', '"\\u00e9\\n"', ' {"a":[true,false,null,{"b":"c"}]} ', '[[[]]]'])('%j is valid', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findSyntaxError(text)).toBeNull();
  });

  it('turns offsets into 1-based lines and columns', () => {
    expect(lineAndColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });

  it('parses valid text and reports the line of an error on a later line', () => {
    expect(parseJson('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJson('{\n "a": 1\n "b": 2\n}')).toEqual({ ok: false, line: 3, column: 2, reason: 'expected "," or "}" after a property value, found character "\\""' });
  });
});
