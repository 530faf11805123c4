/**
 * Issue 19, point 1: subtle criticism and praise in negative words. The
 * examples here were written for this test; none comes from a held-out corpus.
 */
import { describe, expect, it } from 'vitest';
import { learnedBuckets, learnedBucketsOfTokens, learnedLogOddsOfBuckets, trainLearnedTone, decodeLearnedModel, encodeLearnedModel } from '../../../shared/classify/tone/learned.ts';
import { learnedOverrules, learnedVetoes, scoreTone, toneFeatureBuckets } from '../../../shared/classify/tone/score-tone.ts';
import { tokenize } from '../../../shared/classify/tone/tokenize.ts';

const tone = (text: string, lang?: string) => scoreTone(text, lang).tone;

describe('subtle criticism with no insult word is negative', () => {
  it.each([
    ['it', 'Eh certo, come no, i clienti leggono sempre il changelog.'],
    ['it', 'Bravo, hai scoperto che il fuoco brucia.'],
    ['it', 'Magari prima studia come funziona il DOM, poi ne riparliamo.'],
    ['it', 'Senza offesa, ma questo lo spiegano alla prima lezione di qualsiasi corso.'],
    ['en', 'No offence but my first-year students know this already.'],
    ['en', 'You do realise keyboard users exist, right?'],
    ['en', 'Oh wow, a landing page with a hero image. Groundbreaking.'],
  ])('%s: %s', (lang, text) => {
    expect(tone(text, lang)).toBe('negative');
  });
});

describe('praise in negative words and slang is not criticism', () => {
  it.each([
    ['en', 'This plugin slaps, installing it on every project'],
    ['en', "Sick animation, how'd you do the easing?"],
    ['en', "I'm dead 💀 this is every sprint planning ever"],
    ['en', 'No cap, clearest explanation of promises out there'],
    ['it', 'Mi uccidi 💀 è proprio il mio capo'],
    ['it', 'Questo tool spacca, grazie!'],
  ])('%s: %s', (lang, text) => {
    expect(tone(text, lang)).not.toBe('negative');
  });
});

describe('the learned model reads more than words', () => {
  it('gives the scorer named features: irony words, laughter next to blame, the rules\' own verdict', () => {
    const plain = learnedBuckets('this slaps', 'en', 15);
    const full = toneFeatureBuckets('this slaps', 'en', 15);
    // The scorer adds its features (polarity, length, the rules' verdict) to the n-grams.
    expect(full.length).toBeGreaterThan(plain.length);
    for (const b of plain) expect(full).toContain(b);
  });

  it('marks the words a negation reaches, so "not helpful" differs from "helpful"', () => {
    const read = (text: string, negators?: ReadonlySet<string>): number[] => {
      const { buckets, count } = learnedBucketsOfTokens(tokenize(text), 'en', 15, [], negators);
      return Array.from(buckets.subarray(0, count)).sort((x, y) => x - y);
    };
    const negators = new Set(['not']);
    // One feature more: "helpful" read as negated.
    expect(read('not helpful', negators).length).toBe(read('not helpful').length + 1);
    // A comma closes the negation's reach.
    expect(read('not, helpful', negators)).toEqual(read('not, helpful'));
  });

  it('learns named features like any other: a feature only criticism has pushes towards criticism', () => {
    const data = [
      { lang: 'en' as const, negative: true, text: 'alpha' },
      { lang: 'en' as const, negative: false, text: 'beta' },
      { lang: 'en' as const, negative: false, text: 'gamma' },
    ];
    const featurize = (text: string, lang: 'it' | 'en', bits: number): number[] => {
      const { buckets, count } = learnedBucketsOfTokens(tokenize(text), lang, bits, text === 'alpha' ? ['irony:pos'] : []);
      return Array.from(buckets.subarray(0, count));
    };
    const model = trainLearnedTone(data, 12, featurize);
    const withIrony = learnedBucketsOfTokens(tokenize('delta'), 'en', 12, ['irony:pos']);
    const a = learnedLogOddsOfBuckets(model, withIrony.buckets, withIrony.count);
    const without = learnedBucketsOfTokens(tokenize('delta'), 'en', 12, []);
    const b = learnedLogOddsOfBuckets(model, without.buckets, without.count);
    expect(a).toBeGreaterThan(b);
  });

  it('is trained the same way twice (fixed seed) and survives the int8 table', () => {
    const data = [
      { lang: 'it' as const, negative: true, text: 'certo, come no' },
      { lang: 'it' as const, negative: false, text: 'certo, arrivo' },
      { lang: 'it' as const, negative: false, text: 'grazie mille' },
    ];
    const one = encodeLearnedModel(trainLearnedTone(data, 10));
    expect(encodeLearnedModel(trainLearnedTone(data, 10))).toEqual(one);
    const float = trainLearnedTone(data, 10);
    const decoded = decodeLearnedModel(one);
    const buckets = learnedBuckets('come no', 'it', 10);
    expect(learnedLogOddsOfBuckets(decoded, buckets)).toBeCloseTo(learnedLogOddsOfBuckets(float, buckets), 1);
  });
});

describe('how the rules and the learned model decide together', () => {
  it('the model may turn a reply the rules do not find clearly positive into criticism', () => {
    expect(learnedOverrules(0, 2, false)).toBe(true);
    expect(learnedOverrules(0, -3, false)).toBe(false);
    expect(learnedOverrules(0, 2, true)).toBe(false);
  });

  it('the model may clear a mildly negative verdict of the rules, never strong abuse', () => {
    expect(learnedVetoes(-1.5, -3, false)).toBe(true);
    expect(learnedVetoes(-8, -3, false)).toBe(false);
    expect(learnedVetoes(-1.5, 1, false)).toBe(false);
    expect(learnedVetoes(-1.5, -3, true)).toBe(false);
  });

  it('says so in the cues when it clears the rules', () => {
    const s = scoreTone('Mi uccidi 💀 è proprio il mio capo', 'it');
    if (s.raw < -1) expect(s.cues.some((c) => c.startsWith('learned:not criticism'))).toBe(true);
  });

  it('direct insults stay negative', () => {
    expect(tone('Garbage benchmarks and a useless conclusion.', 'en')).toBe('negative');
    expect(tone('Articolo inutile, pieno di errori.', 'it')).toBe('negative');
  });
});
