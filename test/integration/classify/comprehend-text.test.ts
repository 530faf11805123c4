/**
 * What the Comprehend classifier does to a text before sending it: the cut to
 * the byte limit, the billed size, and the language a platform tag maps to.
 * (Pure functions; they sit next to the classifier's integration test.)
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { characterCount, unitsFor } from '../../../shared/classify/comprehend/cost.ts';
import { sentimentLanguageOf } from '../../../shared/classify/comprehend/languages.ts';
import { MAX_TEXT_BYTES, truncateUtf8 } from '../../../shared/classify/comprehend/utf8-truncate.ts';

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 3000 }),
  fc.string({ unit: 'binary', maxLength: 3000 }),
  // Lone surrogates, as a broken client may send.
  fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)), maxLength: 3000 }),
);

describe('truncateUtf8', () => {
  test.prop([anyText, fc.integer({ min: 1, max: 6000 })])('fits the byte budget, encodes cleanly and keeps a prefix of the text', (text, budget) => {
    const out = truncateUtf8(text, budget);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(budget);
    // Well-formed: a round trip through UTF-8 changes nothing.
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
    const clean = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    expect(clean.startsWith(out)).toBe(true);
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 4000 })])('never cuts a text that already fits, and cuts as little as a grapheme allows', (text) => {
    const out = truncateUtf8(text);
    if (Buffer.byteLength(text) <= MAX_TEXT_BYTES) expect(out).toBe(text);
    else expect(MAX_TEXT_BYTES - Buffer.byteLength(out)).toBeLessThan(Math.max(...[...new Intl.Segmenter().segment(text)].map((s) => Buffer.byteLength(s.segment))));
  });

  it('keeps a family emoji whole or leaves it out', () => {
    const family = '👨‍👩‍👧'; // 18 bytes
    expect(truncateUtf8(`ab${family}`, 19)).toBe('ab');
    expect(truncateUtf8(`ab${family}`, 20)).toBe(`ab${family}`);
  });

  it('cuts a grapheme larger than the budget (stacked combining marks) between code points', () => {
    const zalgo = `a${'\u0301'.repeat(5000)}`;
    const out = truncateUtf8(zalgo, 100);
    expect(Buffer.byteLength(out)).toBe(99);
    expect(out.startsWith('a\u0301')).toBe(true);
  });
});

describe('billing units', () => {
  it('counts characters as code points, an emoji as one', () => {
    expect(characterCount('👎é a')).toBe(4);
  });

  it.each([
    ['', 3],
    ['x', 3],
    ['x'.repeat(300), 3],
    ['x'.repeat(301), 4],
    ['x'.repeat(1000), 10],
    ['👎'.repeat(401), 5],
  ])('bills %#: max(3, ceil(characters / 100)) = %i units', (text, units) => {
    expect(unitsFor(text)).toBe(units);
  });
});

describe('language tags', () => {
  it.each([
    ['en', 'en'],
    ['EN-us', 'en'],
    ['en_GB', 'en'],
    ['pt-BR', 'pt'],
    ['zh', 'zh'],
    ['zh-CN', 'zh'],
    ['zh-Hans', 'zh'],
    ['zh-TW', 'zh-TW'],
    ['zh-Hant', 'zh-TW'],
    ['zh-HK', 'zh-TW'],
    ['zh-Hant-TW', 'zh-TW'],
    ['ja', 'ja'],
    ['nl', 'unsupported'],
    ['ru', 'unsupported'],
    ['yue', 'unsupported'],
    ['', undefined],
    ['english', undefined],
    ['??', undefined],
  ])('%s → %s', (tag, expected) => {
    expect(sentimentLanguageOf(tag)).toBe(expected);
  });
});
