/**
 * Filter 2, out_of_audience: exclude keywords, and a clearly different
 * language on enough text. Unknown is never "out". The detector here is a
 * stand-in that reads a `[xx]` marker, so these tests pin the rule itself;
 * language-detect.test.ts checks the real detector.
 */
import { describe, expect, it } from 'vitest';
import { audienceClassifier, keywordMatcher } from '../../../shared/classify/audience.ts';
import { Audience } from '../../../shared/config/schema.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { LanguageDetector } from '../../../shared/ports/classifiers.ts';
import { contact, daysAgo, follower, inbound, input, policy, verdictOf } from '../domain/builders.ts';

const marker: LanguageDetector = {
  name: 'marker',
  detect: (text) => {
    const m = /^\[([a-z]{2})\]/.exec(text);
    return m?.[1] !== undefined ? { lang: m[1], confidence: 0.95 } : { lang: 'unknown', confidence: 0 };
  },
};
const classify = audienceClassifier(marker);
const audience = Audience.parse({ languages: ['en', 'it'], keywords: ['typescript'], excludeKeywords: ['crypto', 'buy likes'] });
const german = '[de] Ich poste über Fußball und Bier, jeden Tag.';

describe('exclude keywords', () => {
  it('match at the start of a word, ignoring case, accents and hashtags', () => {
    expect(keywordMatcher('crypto')('Daily #CRYPTO signals')).toBe(true);
    expect(keywordMatcher('crypto')('cryptotrader and proud')).toBe(true);
    expect(keywordMatcher('crypto')('I work on encrypted messaging')).toBe(false);
    expect(keywordMatcher('accessibilità')('Appassionata di ACCESSIBILITA')).toBe(true);
    expect(keywordMatcher('buy likes')('Buy   likes, cheap')).toBe(true);
  });

  it('in the bio or the display name give out_of_audience with the keyword and where it was', () => {
    expect(classify(contact('a', { bio: 'Crypto signals 🚀' }), [], audience)).toEqual({ excludedKeyword: 'crypto', field: 'bio' });
    expect(classify(contact('b', { displayName: 'Buy Likes Shop' }), [], audience)).toEqual({ excludedKeyword: 'buy likes', field: 'name' });
  });

  it('win over audience keywords (spam bios stuff popular topics)', () => {
    expect(classify(contact('a', { bio: 'TypeScript and crypto giveaways' }), [], audience)).toMatchObject({ excludedKeyword: 'crypto' });
  });
});

describe('language', () => {
  it('a clearly different language on enough text is out, with language, confidence and share', () => {
    const texts = [{ text: german }, { text: '[de] Heute wieder ein tolles Spiel gesehen!' }];
    expect(classify(contact('a', { bio: german }), texts, audience)).toEqual({ language: 'de', confidence: 0.95, languageShare: 1, textsRead: 2 });
  });

  it('text too short to tell is never out', () => {
    expect(classify(contact('a'), [{ text: '[de] Hallo!' }], audience)).toBeNull();
  });

  it('unknown text is never out', () => {
    expect(classify(contact('a'), [{ text: 'lol 😂😂 https://x.example' }, { text: '🚀🚀🚀 !!!' }], audience)).toBeNull();
  });

  it('a contact who also writes in an audience language is in', () => {
    const texts = [{ text: german }, { text: '[de] Noch ein langer Text auf Deutsch über Fußball.' }, { text: '[en] Thanks, great thread about CSS grid!' }];
    expect(classify(contact('a'), texts, audience)).toBeNull();
  });

  it('an audience keyword in the bio keeps a foreign-language contact in', () => {
    expect(classify(contact('a', { bio: 'TypeScript Entwickler aus Berlin' }), [{ text: german }, { text: german }], audience)).toBeNull();
  });

  it('declared languages that include an audience language keep the contact in', () => {
    expect(classify(contact('a', { languages: ['de', 'en'] }), [{ text: german }, { text: german }], audience)).toBeNull();
  });

  it("the platform's language tag is trusted over detection", () => {
    const texts = [{ text: 'Ein ganz normaler Satz ohne Marker, aber lang genug.', lang: 'de-AT' }];
    expect(classify(contact('a'), texts, audience)).toMatchObject({ language: 'de', confidence: 1 });
  });

  it('with no audience languages configured, language never puts anyone out', () => {
    expect(classify(contact('a'), [{ text: german }, { text: german }], Audience.parse({ excludeKeywords: ['crypto'] }))).toBeNull();
  });
});

describe('out_of_audience in the analysis', () => {
  const classifiers = { audience: classify };

  it('a follower with an excluded keyword who likes everything gets no_follow_back and is not a top supporter', () => {
    const likes = Array.from({ length: 40 }, (_, k) => inbound('spam', daysAgo(k + 1)));
    const { verdicts } = analyse(
      input({ policy: policy({ topSupporters: 5 }), audience, current: [follower('spam', { bio: 'Crypto signals, 100x daily' }), follower('fan')], interactions: [...likes, inbound('fan', daysAgo(2))], classifiers }),
    );
    const spam = verdictOf(verdicts, 'spam');
    expect(spam.recommendation).toBe('no_follow_back');
    expect(spam.reasons).toContain('out_of_audience');
    expect(spam.reasons).not.toContain('top_supporter');
    expect(verdictOf(verdicts, 'fan').reasons).toContain('top_supporter');
  });

  it('an allowlisted or snoozed contact is never flagged out_of_audience', () => {
    const current = [contact('mum', { bio: 'crypto fan' }), contact('pal', { bio: 'crypto fan' })];
    const decisions = { allowlist: ['mum@example.social'], snoozed: [{ contact: 'pal@example.social', until: daysAgo(-30) }] };
    const { verdicts } = analyse(input({ audience, decisions, current, interactions: [inbound('mum', daysAgo(1)), inbound('pal', daysAgo(1))], classifiers }));
    expect(verdictOf(verdicts, 'mum').reasons).toEqual(['allowlisted']);
    expect(verdictOf(verdicts, 'pal').reasons).toEqual(['snoozed']);
  });

  it("reads the contact's own replies with their platform language tags", () => {
    const replies = [0, 1].map((k) => inbound('de', daysAgo(k + 1), 'reply', { text: 'Ein ganz normaler Satz, lang genug zum Erkennen.', lang: 'de' }));
    const v = verdictOf(analyse(input({ audience, current: [contact('de')], interactions: replies, classifiers })).verdicts, 'de');
    expect(v.evidence.out_of_audience).toMatchObject({ language: 'de', textsRead: 2 });
    expect(v.recommendation).toBe('review');
  });
});

describe('with the shipped language detector', () => {
  const real = async () => audienceClassifier(await (await import('../../../shared/classify/language/detect-language.ts')).loadLanguageDetector());
  const enIt = Audience.parse({ languages: ['en', 'it'] });

  it('a one-word bio is never out_of_audience, in any language', async () => {
    const judge = await real();
    for (const bio of ['Fotograf', 'Développeuse', 'Ingeniero', 'エンジニア', 'Berlin', '🚀']) {
      expect(judge(contact('a', { bio }), [{ text: bio }], enIt), bio).toBeNull();
    }
  });

  it('a contact whose posts mix the audience language with another is not out', async () => {
    const judge = await real();
    const texts = [
      { text: 'Ich arbeite seit zehn Jahren als Entwicklerin in einer kleinen Agentur in Hamburg.' },
      { text: 'Heute habe ich endlich den neuen Server eingerichtet, alles läuft.' },
      { text: 'Thanks a lot for the write-up, I shared it with my whole team!' },
    ];
    expect(judge(contact('a'), texts, enIt)).toBeNull();
  });

  it('a contact who writes only German, at length, is out with the language named', async () => {
    const judge = await real();
    const bio = 'Ich poste über Fußball, Bier und das Wetter in Bayern. Keine Werbung, bitte.';
    const texts = [{ text: bio }, { text: 'Was für ein Spiel gestern Abend, ich konnte kaum schlafen danach!' }];
    expect(judge(contact('a', { bio }), texts, enIt)).toMatchObject({ language: 'de', textsRead: 2 });
  });
});
