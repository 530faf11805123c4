/**
 * The classifiers a run uses, built once per process (CLI command, Lambda
 * execution environment): the lexicon tone classifier by default, Amazon
 * Comprehend for profiles that ask for it (one client per region), Amazon
 * Bedrock for profiles that ask for it (one per profile, the lexicon classifier
 * answering what it does not: its cost cap and notices are the profile's), and the
 * language detector, loaded only when some profile needs it (its tables are
 * most of the bundle's size).
 */
import type { ProfileConfig } from '../config/schema.ts';
import type { LanguageDetector, ToneClassifier } from '../ports/classifiers.ts';
import { bedrockToneClassifier, type BedrockToneSettings } from './bedrock/bedrock-client.ts';
import { comprehendToneClassifier, type ComprehendToneSettings } from './comprehend/comprehend-client.ts';
import { loadLanguageDetector } from './language/detect-language.ts';
import { LexiconToneClassifier } from './tone/lexicon-tone-classifier.ts';

export interface RunClassifiers {
  toneClassifierFor(profile: ProfileConfig): ToneClassifier;
  languageDetector?: LanguageDetector;
}

export interface BuildClassifiersOptions {
  /** Comprehend's endpoint and credentials (tests); region comes from each profile's `tone.region`. */
  comprehend?: Omit<ComprehendToneSettings, 'region' | 'languageOf'>;
  /** Bedrock's endpoint and credentials (tests); model, region, cap and prices come from each profile's `tone`. */
  bedrock?: Pick<BedrockToneSettings, 'endpoint' | 'credentials' | 'maxAttempts'>;
  /** A detector to use instead of loading the shipped one (tests). */
  languageDetector?: LanguageDetector;
}

export async function buildClassifiers(profiles: readonly ProfileConfig[], options: BuildClassifiersOptions = {}): Promise<RunClassifiers> {
  const needsLanguage = profiles.some((p) => p.audience.languages.length > 0 || p.tone.classifier === 'comprehend');
  const detector = options.languageDetector ?? (needsLanguage ? await loadLanguageDetector() : undefined);
  const lexicon = new LexiconToneClassifier();
  const byRegion = new Map<string, ToneClassifier>();
  const byProfile = new Map<string, ToneClassifier>();
  return {
    ...(detector !== undefined ? { languageDetector: detector } : {}),
    toneClassifierFor(profile) {
      if (profile.tone.classifier === 'bedrock') {
        let classifier = byProfile.get(profile.id);
        if (classifier === undefined) {
          const t = profile.tone;
          classifier = bedrockToneClassifier(lexicon, {
            ...options.bedrock,
            ...(t.region !== undefined ? { region: t.region } : {}),
            ...(t.modelId !== undefined ? { modelId: t.modelId } : {}),
            ...(t.maxCostUsd !== undefined ? { maxCostUsd: t.maxCostUsd } : {}),
            ...(t.batchSize !== undefined ? { batchSize: t.batchSize } : {}),
            prices: {
              ...(t.usdPer1kInputTokens !== undefined ? { usdPer1kInputTokens: t.usdPer1kInputTokens } : {}),
              ...(t.usdPer1kOutputTokens !== undefined ? { usdPer1kOutputTokens: t.usdPer1kOutputTokens } : {}),
            },
          });
          byProfile.set(profile.id, classifier);
        }
        return classifier;
      }
      if (profile.tone.classifier !== 'comprehend') return lexicon;
      const region = profile.tone.region ?? '';
      let classifier = byRegion.get(region);
      if (classifier === undefined) {
        classifier = comprehendToneClassifier({
          ...options.comprehend,
          ...(profile.tone.region !== undefined ? { region: profile.tone.region } : {}),
          // Comprehend must be told each text's language; an untagged text of unknown language is left out.
          ...(detector !== undefined ? { languageOf: (text: string) => detector.detect(text).lang } : {}),
        });
        byRegion.set(region, classifier);
      }
      return classifier;
    },
  };
}
