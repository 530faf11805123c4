import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LEARNED_TABLE_PATH, renderLearnedTable } from '../../../shared/classify/tone/build-learned-table.ts';
import { decodeLearnedModel, encodeLearnedModel, learnedLogOdds, trainLearnedTone } from '../../../shared/classify/tone/learned.ts';
import { scoreTone } from '../../../shared/classify/tone/score-tone.ts';

describe('learned part of the tone classifier', () => {
  it('ships a table that matches the tone fixtures it is trained on (regenerate with build-learned-table.ts)', () => {
    expect(readFileSync(LEARNED_TABLE_PATH, 'utf8')).toBe(renderLearnedTable());
  });

  it('calls dry criticism with no cue word negative, and says the learned part did it', () => {
    const s = scoreTone('Nobody uses that anymore, grandpa 😂', 'en');
    expect(s.tone).toBe('negative');
    expect(s.cues.some((c) => c.startsWith('learned:'))).toBe(true);
    expect(scoreTone('Sei il classico guru che non ha mai messo una riga di codice in produzione', 'it').tone).toBe('negative');
  });

  it('does not overrule replies the rules find clearly positive', () => {
    expect(scoreTone('Great write-up, thanks for sharing! Bookmarked.', 'en').tone).toBe('positive');
    expect(scoreTone('Grazie mille, spiegazione chiarissima 🙏', 'it').tone).toBe('positive');
  });

  it('leaves plain neutral questions and logistics neutral', () => {
    expect(scoreTone('What version of Node are you running this on?', 'en').tone).toBe('neutral');
    expect(scoreTone('Il link alle slide è nel primo commento', 'it').tone).toBe('neutral');
  });

  it('stays out when the language is unclear, since its features are per language', () => {
    expect(scoreTone('👍').learned).toBe(0);
  });

  it('trains the same table from the same data, and learns which side a feature is on', () => {
    const data = [
      { lang: 'en' as const, negative: true, text: 'what a pointless rewrite' },
      { lang: 'en' as const, negative: false, text: 'what a lovely rewrite' },
      { lang: 'en' as const, negative: false, text: 'thanks for the rewrite' },
    ];
    expect(encodeLearnedModel(trainLearnedTone(data, 10))).toEqual(encodeLearnedModel(trainLearnedTone(data, 10)));
    const model = decodeLearnedModel(encodeLearnedModel(trainLearnedTone(data, 10)));
    expect(learnedLogOdds(model, 'pointless', 'en')).toBeGreaterThan(learnedLogOdds(model, 'lovely', 'en'));
  });

  it('rejects a table whose size does not match its bits', () => {
    expect(() => decodeLearnedModel({ bits: 4, prior: 0, weights: 'AAAA' })).toThrow(/expected 16 weights, found 3/);
  });
});
