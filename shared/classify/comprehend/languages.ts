/**
 * The languages Amazon Comprehend's sentiment analysis accepts ("Sentiment:
 * all supported languages" in docs.aws.amazon.com/comprehend/latest/dg/supported-languages.html),
 * and how a platform's language tag maps onto them.
 */
import type { LanguageCode } from '@aws-sdk/client-comprehend';

export const SENTIMENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW'] as const satisfies readonly LanguageCode[];
export type SentimentLanguage = (typeof SENTIMENT_LANGUAGES)[number];

const SUPPORTED = new Set<string>(SENTIMENT_LANGUAGES);

/** Regions and scripts written in traditional Chinese characters: Comprehend's `zh-TW` model reads them. */
const TRADITIONAL_CHINESE = new Set(['tw', 'hk', 'mo', 'hant']);

/** A BCP-47-ish tag: a primary language subtag and optional subtags (`pt-BR`, `zh-Hant-TW`, `en_US`). */
const TAG = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{1,8}))*$/;

/**
 * The Comprehend language for a tag, `unsupported` for a well-formed tag of
 * another language, `undefined` when the tag is not a language tag at all
 * (then the text's language is not known from the tag).
 */
export function sentimentLanguageOf(tag: string): SentimentLanguage | 'unsupported' | undefined {
  const trimmed = tag.trim();
  const match = TAG.exec(trimmed);
  if (!match) return undefined;
  const parts = trimmed.toLowerCase().split(/[-_]/);
  const primary = parts[0] ?? '';
  if (primary === 'zh') return parts.slice(1).some((p) => TRADITIONAL_CHINESE.has(p)) ? 'zh-TW' : 'zh';
  return SUPPORTED.has(primary) ? (primary as SentimentLanguage) : 'unsupported';
}

export function isSentimentLanguage(code: string): code is SentimentLanguage {
  return SUPPORTED.has(code);
}
