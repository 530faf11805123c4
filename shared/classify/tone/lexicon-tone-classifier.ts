/**
 * The default tone classifier: lexicons and rules, run in-process. It needs
 * no network and downloads nothing, so it works offline, inside the Lambda
 * bundle, and gives the same answer every time for the same text.
 */
import type { Tone, ToneClassifier, ToneText } from '../../ports/classifiers.ts';
import { scoreTone } from './score-tone.ts';

export class LexiconToneClassifier implements ToneClassifier {
  readonly name = 'lexicon';

  async classify(texts: readonly ToneText[], signal?: AbortSignal): Promise<Map<string, Tone>> {
    const tones = new Map<string, Tone>();
    for (const t of texts) {
      signal?.throwIfAborted();
      tones.set(t.id, scoreTone(t.text, t.lang).tone);
    }
    return tones;
  }
}
