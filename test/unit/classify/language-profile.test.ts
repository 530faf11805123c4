import { beforeAll, describe, expect, it } from 'vitest';
import { loadLanguageDetector } from '../../../shared/classify/language/detect-language.ts';
import { dominantLanguage, languageProfile, shareOf } from '../../../shared/classify/language/language-profile.ts';
import type { LanguageDetector, LanguageGuess } from '../../../shared/ports/classifiers.ts';

/** Answers from a table, so aggregation is tested apart from detection. */
function tableDetector(answers: Record<string, LanguageGuess>): LanguageDetector {
  return { name: 'table', detect: (text) => answers[text] ?? { lang: 'unknown', confidence: 0 } };
}

describe('languageProfile: aggregation', () => {
  const detector = tableDetector({
    'Sviluppatore a Milano': { lang: 'it', confidence: 0.8 },
    'Grazie mille davvero': { lang: 'it', confidence: 0.6 },
    'Thanks a lot': { lang: 'en', confidence: 0.5 },
  });

  it('counts texts, letters and mean confidence per language, the most written first', () => {
    const profile = languageProfile(
      [{ text: 'Sviluppatore a Milano' }, { text: 'Grazie mille davvero' }, { text: 'Thanks a lot' }, { text: '🔥🔥 lol' }],
      detector,
    );
    expect(profile.samples).toBe(4);
    expect(profile.unknownSamples).toBe(1);
    expect(profile.unknownShare).toBe(0.25);
    // Letters only: "Sviluppatore a Milano" 19 + "Grazie mille davvero" 18 + "Thanks a lot" 10 + "lol" 3.
    expect(profile.totalChars).toBe(50);
    expect(profile.unknownChars).toBe(3);
    expect(profile.languages.map((l) => l.lang)).toEqual(['it', 'en']);
    const [it_, en] = profile.languages;
    expect(it_).toMatchObject({ samples: 2, chars: 37, tagged: 0 });
    expect(it_?.meanConfidence).toBeCloseTo(0.7);
    expect(it_?.share).toBeCloseTo(37 / 50);
    expect(en).toMatchObject({ samples: 1, chars: 10, meanConfidence: 0.5 });
    expect(dominantLanguage(profile)?.lang).toBe('it');
  });

  it('a platform tag wins over detection, and pt-BR counts as pt', () => {
    const profile = languageProfile(
      [{ text: 'Sviluppatore a Milano', lang: 'en' }, { text: 'Thanks a lot', lang: 'pt-BR' }],
      detector,
    );
    expect(profile.languages.map((l) => [l.lang, l.samples, l.tagged, l.meanConfidence])).toEqual([
      ['en', 1, 1, 1],
      ['pt', 1, 1, 1],
    ]);
  });

  it('a tag that is not a language code is ignored and the text detected', () => {
    const profile = languageProfile([{ text: 'Grazie mille davvero', lang: 'und' }, { text: 'Thanks a lot', lang: '' }], detector);
    expect(profile.languages.map((l) => [l.lang, l.tagged])).toEqual([
      ['it', 0],
      ['en', 0],
    ]);
  });

  it('shareOf sums the audience languages, whatever case or region the config gives them in', () => {
    const profile = languageProfile([{ text: 'Sviluppatore a Milano' }, { text: 'Thanks a lot' }], detector);
    expect(shareOf(profile, ['IT', 'pt-BR'])).toEqual({ samples: 1, chars: 19, weighted: 19, share: 19 / 29 });
    expect(shareOf(profile, ['de'])).toEqual({ samples: 0, chars: 0, weighted: 0, share: 0 });
  });

  it('no texts: an empty profile, no division by zero', () => {
    const profile = languageProfile([], detector);
    expect(profile).toEqual({ languages: [], samples: 0, unknownSamples: 0, unknownShare: 0, totalChars: 0, unknownChars: 0, totalWeighted: 0, unknownWeighted: 0 });
    expect(dominantLanguage(profile)).toBeUndefined();
    expect(shareOf(profile, ['it']).share).toBe(0);
  });
});

describe('languageProfile with the shipped detector: a contact who mixes languages', () => {
  let detector: LanguageDetector;
  beforeAll(async () => {
    detector = await loadLanguageDetector();
  });

  it('an Italian bio with English replies keeps Italian visible; one-word replies stay unknown', () => {
    const profile = languageProfile(
      [
        { text: 'Sviluppatore backend a Milano. Caffè, montagna e TypeScript ☕🏔️' },
        { text: 'Totally agree with you here, the docs are a mess and nobody reads them anyway' },
        { text: 'Thanks so much for sharing this, it really made my day!' },
        { text: 'Bravo! 👏' },
        { text: 'Ci vediamo al meetup di giovedì a Bologna!', lang: 'it' },
      ],
      detector,
    );
    expect(profile.languages.map((l) => [l.lang, l.samples])).toEqual([
      ['en', 2],
      ['it', 2],
    ]);
    expect(profile.unknownSamples).toBe(1);
    expect(shareOf(profile, ['it']).share).toBeGreaterThan(0.3);
  });
});
