/**
 * Filter 2, "not your audience": the judgement behind `out_of_audience`.
 *
 * Two kinds of evidence, both checkable by the owner in seconds:
 *  - an exclude keyword in the contact's display name or bio ("crypto", "forex");
 *  - a language that is clearly not one the owner serves, on enough text.
 *
 * "Enough text" is counted in Latin-letter equivalents (script.ts): a Han
 * character weighs 2.5 letters, a Hangul block 2, a kana 1.5, a Thai, Arabic
 * or Hebrew letter 1.2, any other letter 1, so Latin script is judged exactly
 * on letters. Two amounts:
 *  - 40, in general: enough for the detector to tell neighbouring languages
 *    apart (Italian from Spanish, Chinese from Japanese) and for its
 *    confidence to count;
 *  - 24, when at least 80 % of the recognised text is in writing systems no
 *    audience language uses (Hangul, kana, Han, Thai, Cyrillic, Greek, Arabic,
 *    Hebrew for an it/en audience). Then the script itself says "outside the
 *    audience", whichever of its languages the text is in, so the detector's
 *    confidence (how far its language leads same-script neighbours, and how
 *    long the text is) is not needed, though the detector must still name
 *    each text's language; what is left to establish is that the text is
 *    prose, not a name or a label: about five words, longer than a full name
 *    in any of these scripts. Latin is never such a script (every
 *    language borrows it), and Han counts as Japanese writing in a text with
 *    kana and as Korean in a text with Hangul: a Japanese audience keeps
 *    Japanese in, and sees Chinese judged on the general amount.
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
import { isForeignScript, type WritingSystem } from './language/script.ts';

/**
 * Below this much text in recognised languages other than the audience's
 * (Latin-letter equivalents: letters, in Latin script), nothing is concluded
 * about language.
 */
export const MIN_KNOWN_CHARS = 40;
/**
 * The same when the text is in writing systems no audience language uses:
 * about five words, 8 Han characters, 12 Hangul blocks, 16 kana, 20 Thai,
 * Arabic or Hebrew letters, 24 Cyrillic or Greek ones. Longer than a name: a
 * Japanese name with its kana reading weighs 19, a Chinese name and job title
 * 20, a four-part Arabic name 23 (audience-scripts.test.ts).
 */
export const MIN_FOREIGN_SCRIPT_CHARS = 24;
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
    const known = { chars: profile.totalChars - profile.unknownChars, weighted: profile.totalWeighted - profile.unknownWeighted };
    const ours = shareOf(profile, [...served]);
    // Only text outside the audience's languages is evidence of being outside (so adding audience text never turns "in" to "out").
    if (known.weighted - ours.weighted < MIN_FOREIGN_SCRIPT_CHARS) return null;
    // Shares are read in letters and in weighted letters, and the reading that keeps the contact is the one used:
    // a bilingual contact stays bilingual however dense either script is. In Latin script both readings are the same.
    if (Math.max(ours.chars / known.chars, ours.weighted / known.weighted) >= MAX_AUDIENCE_SHARE) return null;
    const top = profile.languages.find((l) => !served.has(l.lang));
    if (top === undefined) return null;
    const share = Math.min(top.chars / known.chars, top.weighted / known.weighted);
    if (share < MIN_DOMINANT_SHARE) return null;
    const confidence = top.meanConfidence;
    const script = foreignScriptOf(top.bySystem, served);
    const byScript = script !== undefined && script.weighted >= MIN_FOREIGN_SCRIPT_CHARS && script.weighted / known.weighted >= MIN_DOMINANT_SHARE;
    if (!byScript && (known.weighted - ours.weighted < MIN_KNOWN_CHARS || confidence < MIN_CONFIDENCE)) return null;
    return {
      language: top.lang,
      confidence: round2(confidence),
      languageShare: round2(share),
      textsRead: profile.samples,
      ...(byScript ? { script: script.system } : {}),
    };
  };
}

/** The writing systems of `bySystem` no audience language uses: their weighted letters, and the largest of them. */
function foreignScriptOf(bySystem: Partial<Record<WritingSystem, number>>, served: ReadonlySet<string>): { system: WritingSystem; weighted: number } | undefined {
  let weighted = 0;
  let largest: { system: WritingSystem; weighted: number } | undefined;
  for (const [system, w] of Object.entries(bySystem) as [WritingSystem, number][]) {
    if (!isForeignScript(system, served)) continue;
    weighted += w;
    if (largest === undefined || w > largest.weighted) largest = { system, weighted: w };
  }
  return largest === undefined ? undefined : { system: largest.system, weighted };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
