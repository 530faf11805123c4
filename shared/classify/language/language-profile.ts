/**
 * The languages one contact writes in, summed over their bio and the texts
 * of theirs the pull kept. Pure: no I/O, the detector is passed in. The
 * audience rule (`out_of_audience`) reads this profile; it should call a
 * contact out only when a clearly different language dominates enough of
 * their text and no audience language appears meaningfully, which is why
 * the profile keeps characters (how much was written) apart from samples
 * (how many texts), and unknown texts apart from known ones.
 */
import type { LanguageDetector } from '../../ports/classifiers.ts';
import { normaliseLanguageTag } from './iso-639.ts';
import { measureScripts, type WritingSystem } from './script.ts';

/** One text of the contact: a bio or a post; `lang` is the platform's tag when it gave one (Mastodon's status.language). */
export interface LanguageSample {
  text: string;
  lang?: string;
}

/** One language in a contact's texts. */
export interface LanguageShare {
  /** ISO 639-1. */
  lang: string;
  /** Texts assigned to this language. */
  samples: number;
  /** Letters in those texts, links, handles, hashtags, emoji and digits left out. */
  chars: number;
  /** This language's part of all letters the contact wrote, unknown texts included (0..1). */
  share: number;
  /** Mean of the detector's confidence over these texts; a platform tag counts as 1. */
  meanConfidence: number;
  /** How many of these texts the platform tagged (trusted over detection). */
  tagged: number;
  /** The same letters in Latin-letter equivalents (a Han character weighs more than a Latin letter: script.ts). */
  weighted: number;
  /** `weighted`, by writing system. */
  bySystem: Partial<Record<WritingSystem, number>>;
}

export interface LanguageProfile {
  /** Languages met, the most written first (by letters, then by texts, then by code). */
  languages: LanguageShare[];
  /** Texts read. */
  samples: number;
  /** Texts neither tagged nor detectable (too short, too mixed). */
  unknownSamples: number;
  /** unknownSamples / samples; 0 with no samples. */
  unknownShare: number;
  /** Letters across all texts, unknown ones included. */
  totalChars: number;
  /** Letters in unknown texts. */
  unknownChars: number;
  /** totalChars in Latin-letter equivalents. */
  totalWeighted: number;
  /** unknownChars in Latin-letter equivalents. */
  unknownWeighted: number;
}

/**
 * Sums a contact's texts by language. A platform tag wins over detection when
 * it is a language code (`pt-BR` counts as `pt`); otherwise the detector
 * decides, and its `unknown` stays unknown: a short or mixed text is never
 * evidence of a language.
 */
export function languageProfile(samples: readonly LanguageSample[], detector: LanguageDetector): LanguageProfile {
  const byLang = new Map<string, { samples: number; chars: number; confidence: number; tagged: number; weighted: number; bySystem: Partial<Record<WritingSystem, number>> }>();
  let totalChars = 0;
  let unknownChars = 0;
  let unknownSamples = 0;
  let totalWeighted = 0;
  let unknownWeighted = 0;

  for (const sample of samples) {
    const amount = measureScripts(sample.text);
    const chars = amount.letters;
    totalChars += chars;
    totalWeighted += amount.weighted;
    const tag = normaliseLanguageTag(sample.lang);
    const guess = tag !== undefined ? { lang: tag, confidence: 1 } : detector.detect(sample.text);
    if (guess.lang === 'unknown') {
      unknownSamples += 1;
      unknownChars += chars;
      unknownWeighted += amount.weighted;
      continue;
    }
    const entry = byLang.get(guess.lang) ?? { samples: 0, chars: 0, confidence: 0, tagged: 0, weighted: 0, bySystem: {} };
    entry.samples += 1;
    entry.chars += chars;
    entry.confidence += guess.confidence;
    entry.weighted += amount.weighted;
    for (const [system, w] of Object.entries(amount.bySystem) as [WritingSystem, number][]) entry.bySystem[system] = (entry.bySystem[system] ?? 0) + w;
    if (tag !== undefined) entry.tagged += 1;
    byLang.set(guess.lang, entry);
  }

  const languages = [...byLang.entries()]
    .map(([lang, e]): LanguageShare => ({
      lang,
      samples: e.samples,
      chars: e.chars,
      share: totalChars === 0 ? 0 : e.chars / totalChars,
      meanConfidence: e.confidence / e.samples,
      tagged: e.tagged,
      weighted: e.weighted,
      bySystem: e.bySystem,
    }))
    .sort((a, b) => b.chars - a.chars || b.samples - a.samples || (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : 0));

  return {
    languages,
    samples: samples.length,
    unknownSamples,
    unknownShare: samples.length === 0 ? 0 : unknownSamples / samples.length,
    totalChars,
    unknownChars,
    totalWeighted,
    unknownWeighted,
  };
}

/** The most written language, if any text was assigned one. */
export function dominantLanguage(profile: LanguageProfile): LanguageShare | undefined {
  return profile.languages[0];
}

/** What the contact wrote in any of `langs` (ISO 639-1, or tags such as `pt-BR`): texts, letters (also weighted) and share of all letters. */
export function shareOf(profile: LanguageProfile, langs: readonly string[]): { samples: number; chars: number; weighted: number; share: number } {
  const wanted = new Set(langs.map((l) => normaliseLanguageTag(l)).filter((l): l is string => l !== undefined));
  let samples = 0;
  let chars = 0;
  let weighted = 0;
  for (const l of profile.languages) {
    if (!wanted.has(l.lang)) continue;
    samples += l.samples;
    chars += l.chars;
    weighted += l.weighted;
  }
  return { samples, chars, weighted, share: profile.totalChars === 0 ? 0 : chars / profile.totalChars };
}
