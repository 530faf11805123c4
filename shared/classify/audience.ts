/**
 * Filter 2, "not your audience": the judgement behind `out_of_audience`.
 *
 * Two kinds of evidence, both checkable by the owner in seconds:
 *  - an exclude keyword in the contact's display name or bio ("crypto", "forex");
 *  - a language that is clearly not one the owner serves, on enough text.
 *
 * It errs on the side of keeping people, because a wrong "out" costs a
 * relationship:
 *  - text too short or too mixed to tell is "unknown", never "out";
 *  - any meaningful share of text in an audience language means "in" (a
 *    bilingual contact belongs);
 *  - an audience keyword in the name or bio means "in" for language (a German
 *    web developer who writes in German is still in a web developer's field);
 *  - languages the contact declares on the platform that include an audience
 *    language mean "in".
 * Exclude keywords win over audience keywords: they are the owner's explicit
 * word, and spam bios stuff popular topics on purpose.
 */
import type { Audience } from '../config/schema.ts';
import type { ContactText, TrackedContact } from '../domain/analysis-types.ts';
import type { EvidenceOf } from '../domain/evidence.ts';
import type { LanguageDetector } from '../ports/classifiers.ts';
import { languageProfile, shareOf } from './language/language-profile.ts';

/** Below this many letters of text in a recognised language, nothing is concluded about language. */
export const MIN_KNOWN_CHARS = 40;
/** The foreign language must hold at least this share of the recognised text... */
export const MIN_DOMINANT_SHARE = 0.8;
/** ...and the audience's languages less than this share (else the contact is bilingual: in). */
export const MAX_AUDIENCE_SHARE = 0.1;
/** Mean detector confidence (over its texts) the foreign language needs. */
export const MIN_CONFIDENCE = 0.6;

export type AudienceClassifier = (contact: TrackedContact, texts: readonly ContactText[], audience: Audience) => EvidenceOf<'out_of_audience'> | null;

/** Lower case, accents folded, so "Accessibilità" matches "accessibilita" and "CRYPTO" matches "crypto". */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A keyword matches at the start of a word (so "crypto" finds "#crypto" and
 * "cryptotrader" but not "encrypted"); spaces inside a keyword match any run of
 * spaces, and case and accents are ignored.
 */
export function keywordMatcher(keyword: string): (text: string) => boolean {
  const words = foldText(keyword).trim().split(/\s+/).filter((w) => w !== '').map(escapeRegExp);
  if (words.length === 0) return () => false;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('\\s+')}`, 'u');
  return (text) => pattern.test(foldText(text));
}

/** The primary subtag of a BCP-47 tag: "pt-BR" -> "pt". */
export function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

export function audienceClassifier(detector: LanguageDetector): AudienceClassifier {
  const matchers = new Map<string, (text: string) => boolean>();
  const matcherFor = (keyword: string): ((text: string) => boolean) => {
    let m = matchers.get(keyword);
    if (m === undefined) matchers.set(keyword, (m = keywordMatcher(keyword)));
    return m;
  };

  return (contact, texts, audience) => {
    for (const keyword of audience.excludeKeywords) {
      const matches = matcherFor(keyword);
      if (matches(contact.displayName)) return { excludedKeyword: keyword, field: 'name' };
      if (matches(contact.bio)) return { excludedKeyword: keyword, field: 'bio' };
    }

    const served = new Set(audience.languages.map(primaryLanguage));
    if (served.size === 0) return null;
    if (audience.keywords.some((k) => matcherFor(k)(contact.displayName) || matcherFor(k)(contact.bio))) return null;
    if ((contact.languages ?? []).some((l) => served.has(primaryLanguage(l)))) return null;

    const profile = languageProfile(texts, detector);
    const knownChars = profile.totalChars - profile.unknownChars;
    if (knownChars < MIN_KNOWN_CHARS) return null;
    if (shareOf(profile, [...served]).chars / knownChars >= MAX_AUDIENCE_SHARE) return null;
    const top = profile.languages.find((l) => !served.has(l.lang));
    if (top === undefined) return null;
    const share = top.chars / knownChars;
    const confidence = top.meanConfidence;
    if (share < MIN_DOMINANT_SHARE || confidence < MIN_CONFIDENCE) return null;
    return {
      language: top.lang,
      confidence: round2(confidence),
      languageShare: round2(share),
      textsRead: profile.samples,
    };
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
