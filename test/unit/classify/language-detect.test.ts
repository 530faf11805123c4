import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadLanguageDetector } from '../../../shared/classify/language/detect-language.ts';
import { cleanText } from '../../../shared/classify/language/clean-text.ts';
import type { LanguageDetector } from '../../../shared/ports/classifiers.ts';

let detector: LanguageDetector;
beforeAll(async () => {
  detector = await loadLanguageDetector();
});

describe('language detection: abstains rather than guess', () => {
  it.each(['Photographer', 'Bravo!', 'Merci !', 'ok', 'lol 😂'])('a one-word text is unknown: %s', (text) => {
    expect(detector.detect(text)).toEqual({ lang: 'unknown', confidence: 0 });
  });

  it.each([
    'https://example.com/p/12345',
    '@anna_b @marco_v@mastodon.social',
    '🔥🔥🔥 👍🏽 🇮🇹',
    '💯 https://t.co/abc123 @luca_rossi 2024',
    '',
    '   ',
  ])('links, handles, emoji and digits alone are unknown: %j', (text) => {
    expect(detector.detect(text).lang).toBe('unknown');
  });

  it('a bio of hashtags only is unknown: the tags say nothing of the language its author writes', () => {
    expect(detector.detect('#TypeScript #AWS #serverless #opensource').lang).toBe('unknown');
  });

  it('a short list of names or places is unknown', () => {
    expect(detector.detect('Berlin | Milano | NYC').lang).toBe('unknown');
    expect(detector.detect('Marco Rossi').lang).toBe('unknown');
  });
});

describe('language detection: clear sentences', () => {
  it.each([
    ['it', 'Sono d’accordo, ma il problema è che nessuno legge la documentazione'],
    ['it', 'Grazie mille per la condivisione, davvero utile!'],
    ['en', 'Thanks so much for sharing this, it really made my day!'],
    ['en', 'Dad of two, coffee addict, building things on the web since 2009'],
    ['de', 'Da bin ich anderer Meinung, das skaliert einfach nicht'],
    ['de', 'Kann jemand ein gutes Buch über verteilte Systeme empfehlen?'],
    ['ru', 'Спасибо, что поделились, очень полезно!'],
  ])('%s: %s', (lang, text) => {
    const guess = detector.detect(text);
    expect(guess.lang).toBe(lang);
    expect(guess.confidence).toBeGreaterThan(0);
    expect(guess.confidence).toBeLessThanOrEqual(1);
  });

  it('links, handles, emoji and an English hashtag do not turn an Italian reply English', () => {
    const text = '@devops_team@fosstodon.org Finalmente il deploy funziona 🎉🚀 https://github.com/acme/release-notes #serverless';
    expect(detector.detect(text).lang).toBe('it');
  });

  it('a long bio is stronger evidence than a two-word reply', () => {
    const short = detector.detect('Buona giornata');
    const long = detector.detect('Sviluppatore backend a Milano, scrivo di cloud e di città, e ogni tanto di montagna e di cucina');
    expect(short.lang).toBe('it');
    expect(long.lang).toBe('it');
    expect(long.confidence).toBeGreaterThan(short.confidence);
  });

  it('any text gets an answer of the promised shape, never an exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        const guess = detector.detect(text);
        expect(guess.confidence).toBeGreaterThanOrEqual(0);
        expect(guess.confidence).toBeLessThanOrEqual(1);
        if (guess.lang === 'unknown') expect(guess.confidence).toBe(0);
        else expect(guess.lang).toMatch(/^[a-z]{2}$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cleanText', () => {
  it('keeps the words and drops links, handles, the hashtag mark, emoji and digits', () => {
    expect(cleanText('Ciao @anna@mastodon.social! 🎉 Nuovo post: https://example.it/x?a=1 #serverless 2024 www.foo.com example.org/path'))
      .toBe('Ciao ! Nuovo post: serverless');
  });
});
