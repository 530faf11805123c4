/**
 * out_of_audience on short texts in scripts other than Latin (issue 15,
 * point 7). A bio of thirty characters in Japanese, Chinese or Korean is
 * several sentences, and a script no audience language writes says "outside"
 * by itself; a name, a bilingual contact or an audience that writes that
 * script stays in. The bios were written for these tests; each has an English
 * version, which is where the letter weights of script.ts were read from.
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { audienceClassifier, MIN_FOREIGN_SCRIPT_CHARS, MIN_KNOWN_CHARS, type AudienceClassifier } from '../../../shared/classify/audience.ts';
import { loadLanguageDetector } from '../../../shared/classify/language/detect-language.ts';
import { measureScripts } from '../../../shared/classify/language/script.ts';
import { Audience } from '../../../shared/config/schema.ts';
import { EVIDENCE_SCHEMAS } from '../../../shared/domain/evidence.ts';
import type { LanguageDetector, LanguageGuess } from '../../../shared/ports/classifiers.ts';
import { contact } from '../domain/builders.ts';

const enIt = Audience.parse({ languages: ['en', 'it'] });
const audienceOf = (...languages: string[]) => Audience.parse({ languages });
const italianReply = 'Grazie mille, il tuo articolo sul caching mi ha aiutato tantissimo!';

/** One realistic short bio per script, with the name that alone must stay unknown. */
const BIOS = [
  { lang: 'ja', script: 'Jpan', bio: '東京在住のソフトウェアエンジニアです。猫と写真が好きです。', english: 'Software engineer living in Tokyo. I like cats and photography.', name: '山田太郎' },
  { lang: 'zh', script: 'Hani', bio: '在上海做软件开发，喜欢咖啡、跑步和摄影。周末去爬山。', english: 'Software development in Shanghai; I like coffee, running and photography. Hiking at weekends.', name: '王小明' },
  { lang: 'ko', script: 'Kore', bio: '서울에 사는 개발자입니다. 커피와 고양이를 좋아해요.', english: 'I am a developer living in Seoul. I like coffee and cats.', name: '김민준' },
  { lang: 'ar', script: 'Arab', bio: 'مهندس برمجيات من القاهرة، أحب القهوة.', english: 'Software engineer from Cairo, I love coffee.', name: 'محمد عبد الله' },
  { lang: 'he', script: 'Hebr', bio: 'מתכנתת מתל אביב, אוהבת קפה וחתולים.', english: 'Programmer from Tel Aviv, loves coffee and cats.', name: 'יוסי כהן' },
  { lang: 'el', script: 'Grek', bio: 'Καθηγήτρια μαθηματικών στην Αθήνα.', english: 'Mathematics teacher in Athens.', name: 'Γιώργος Παπαδόπουλος' },
  { lang: 'ru', script: 'Cyrl', bio: 'Учитель истории, люблю книги и чай.', english: 'History teacher, I love books and tea.', name: 'Александр Иванов' },
  { lang: 'th', script: 'Thai', bio: 'ครูสอนภาษาอังกฤษ ชอบกาแฟและแมว', english: 'English teacher, likes coffee and cats.', name: 'สมชาย ใจดี' },
] as const;

let judge: AudienceClassifier;
beforeAll(async () => {
  judge = audienceClassifier(await loadLanguageDetector());
});

const alone = (text: string, audience: Audience) => judge(contact('a', { bio: text }), [{ text }], audience);

describe.each(BIOS)('a short bio in $lang ($script)', ({ lang, script, bio, name }) => {
  it('is short: about 30 characters, under 40 letters', () => {
    expect(bio.length).toBeGreaterThanOrEqual(25);
    expect(bio.length).toBeLessThanOrEqual(37);
    expect(measureScripts(bio).letters).toBeLessThan(MIN_KNOWN_CHARS);
  });

  it('is out of an it/en audience, the script named in the evidence', () => {
    const evidence = alone(bio, enIt);
    expect(evidence).toMatchObject({ language: lang, languageShare: 1, textsRead: 1, script });
    expect(EVIDENCE_SCHEMAS.out_of_audience.safeParse(evidence).success).toBe(true);
  });

  it('is in for an audience that includes its language', () => {
    expect(alone(bio, audienceOf('en', 'it', lang))).toBeNull();
    expect(alone(bio, audienceOf(lang))).toBeNull();
  });

  it('a name alone stays unknown', () => {
    expect(alone(name, enIt)).toBeNull();
  });

  it('with a reply in an audience language the contact is bilingual: in', () => {
    expect(judge(contact('a', { bio }), [{ text: bio }, { text: italianReply }], enIt)).toBeNull();
  });

  it('emoji, numbers, links, handles and hashtags around a name add nothing', () => {
    const padded = `${name} 🚀✨ 2024 https://example.com/profile @someone #${lang}dev #opensource`;
    expect(alone(padded, enIt)).toBeNull();
  });
});

describe('names and labels on the edge stay unknown', () => {
  it.each([
    ['a Japanese name with its reading', '山田花子（やまだ はなこ）'],
    ['a Chinese name and a job title', '王小明，软件工程师'],
    ['a four-part Arabic name', 'محمد بن عبد الله الأحمد'],
    ['a full Thai name', 'ประยุทธ์ จันทร์โอชา'],
    ['a Korean greeting', '감사합니다'],
  ])('%s: %s', (_what, text) => {
    expect(measureScripts(text).weighted).toBeLessThan(MIN_FOREIGN_SCRIPT_CHARS);
    expect(alone(text, enIt)).toBeNull();
  });
});

describe('bilingual and Latin-script contacts stay in', () => {
  it('an Italian bio with a few Japanese characters', () => {
    expect(alone('Sviluppatrice a Milano, innamorata del Giappone 日本が大好き', enIt)).toBeNull();
  });

  it('a display name in kanji and a bio in Italian', () => {
    const bio = 'Sviluppatore backend a Torino, appassionato di montagna.';
    expect(judge(contact('a', { displayName: '山田太郎', bio }), [{ text: bio }], enIt)).toBeNull();
  });

  it('a Japanese bio with an Italian reply, at any length', () => {
    const texts = [{ text: BIOS[0].bio }, { text: '日本語とイタリア語で書いています。よろしくお願いします。' }, { text: italianReply }];
    expect(judge(contact('a', { bio: BIOS[0].bio }), texts, enIt)).toBeNull();
  });
});

describe('Han, Cyrillic and Arabic are shared by several languages', () => {
  const chinese = BIOS[1].bio;
  const japanese = BIOS[0].bio;

  it('a Japanese audience keeps Japanese in, kana or kanji alone', () => {
    expect(alone(japanese, audienceOf('ja'))).toBeNull();
    expect(alone('東京大学工学部卒業、現在は大阪市内の会社で設計を担当', audienceOf('ja'))).toBeNull();
  });

  it('a Japanese audience judges short Chinese on the general amount (Han is also Japanese writing), longer Chinese is out', () => {
    expect(alone('在上海做软件开发。', audienceOf('ja'))).toBeNull();
    const longer = '在上海做软件开发，喜欢咖啡、跑步和摄影。周末常常去郊外爬山，也喜欢读历史书。';
    expect(alone(longer, audienceOf('ja'))).toMatchObject({ language: 'zh' });
    expect(alone(longer, audienceOf('ja'))).not.toHaveProperty('script');
  });

  it('a Chinese audience sees Japanese (kana) as another script: out', () => {
    expect(alone(japanese, audienceOf('zh'))).toMatchObject({ language: 'ja', script: 'Jpan' });
    expect(alone(chinese, audienceOf('zh'))).toBeNull();
  });

  it('an audience writing Cyrillic or Arabic script judges a neighbour only on the general amount', () => {
    expect(alone(BIOS[6].bio, audienceOf('uk'))).toBeNull();
    expect(alone(BIOS[6].bio, audienceOf('en', 'bg'))).toBeNull();
    const shortArabic = 'مهندس برمجيات من القاهرة.';
    expect(alone(shortArabic, enIt)).toMatchObject({ language: 'ar', script: 'Arab' });
    expect(alone(shortArabic, audienceOf('fa'))).toBeNull();
    expect(alone(BIOS[3].bio, audienceOf('fa'))).toBeNull();
    // 36 Arabic letters weigh 43: enough on the general amount, with the detector's confidence.
    const longer = 'مهندس برمجيات من القاهرة، أحب القهوة والكتب.';
    expect(alone(longer, audienceOf('fa'))).toMatchObject({ language: 'ar' });
    expect(alone(longer, audienceOf('fa'))).not.toHaveProperty('script');
  });
});

describe('Latin script is judged as before', () => {
  it('a German bio under 40 letters is unknown, and at length is out without a script', () => {
    expect(alone('Ich liebe Fußball und gutes Bier.', enIt)).toBeNull();
    const long = 'Ich poste über Fußball, Bier und das Wetter in Bayern. Keine Werbung, bitte.';
    const evidence = alone(long, enIt);
    expect(evidence).toMatchObject({ language: 'de' });
    expect(evidence).not.toHaveProperty('script');
  });

  it('for a Japanese audience, Latin script never counts as a foreign script', () => {
    expect(alone('Software engineer from Texas, I love dogs.', audienceOf('ja'))).toBeNull();
  });
});

describe('monotonic: adding text in an audience language never turns "in" into "out"', () => {
  // Texts drawn from several scripts; the detector answers from a table filled as texts are drawn.
  const LETTERS: Record<string, string> = {
    Latn: 'abcdefghilmnoprstuvz',
    Cyrl: 'абвгдеклмнопрстуя',
    Grek: 'αβγδεκλμνξοπρστ',
    Han: '東京大学工学部写真猫在住上海软件',
    Kana: 'のですがとはをにエンジニア',
    Hangul: '서울에사는개발자입니다',
    Thai: 'กขคงจฉชซญดตถทนบ',
    Arab: 'ابتثجحخدذرزسشص',
  };
  const LANGS = ['it', 'en', 'de', 'ru', 'ja', 'zh', 'ko', 'el', 'th', 'ar'] as const;
  const textArb = fc.record({
    script: fc.constantFrom(...Object.keys(LETTERS)),
    length: fc.integer({ min: 0, max: 45 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    guess: fc.oneof(
      fc.constant<LanguageGuess>({ lang: 'unknown', confidence: 0 }),
      fc.record({ lang: fc.constantFrom<string>(...LANGS), confidence: fc.double({ min: 0.05, max: 1, noNaN: true }) }),
    ),
    tagged: fc.boolean(),
  });
  type Drawn = { script: string; length: number; seed: number; guess: LanguageGuess; tagged: boolean };

  function build(drawn: readonly Drawn[], offset: number, table: Map<string, LanguageGuess>): { text: string; lang?: string }[] {
    return drawn.map((d, i) => {
      const alphabet = [...(LETTERS[d.script] ?? 'a')];
      const letters = Array.from({ length: d.length }, (_, k) => alphabet[(d.seed + k * 7) % alphabet.length]).join('');
      // Words of five letters; a number (not evidence) keeps each text unique for the table.
      const text = `${letters.replace(/(.{5})/gu, '$1 ')} ${offset + i}`;
      table.set(text, d.guess);
      return d.tagged && d.guess.lang !== 'unknown' ? { text, lang: d.guess.lang } : { text };
    });
  }

  test.prop(
    [
      fc.array(textArb, { maxLength: 6 }),
      fc.array(textArb, { minLength: 1, maxLength: 3 }),
      fc.subarray([...LANGS], { minLength: 1, maxLength: 3 }),
    ],
    { numRuns: 1000 },
  )('for any texts and audience', (theirs, extra, languages) => {
    const table = new Map<string, LanguageGuess>();
    const detector: LanguageDetector = { name: 'table', detect: (text) => table.get(text) ?? { lang: 'unknown', confidence: 0 } };
    const classify = audienceClassifier(detector);
    const audience = Audience.parse({ languages });
    const texts = build(theirs, 0, table);
    // The added texts are in an audience language (detected or tagged), in any script and of any length.
    const served = extra.map((d, i) => ({ ...d, guess: { lang: languages[i % languages.length] ?? 'it', confidence: d.guess.confidence || 0.5 } }));
    const added = build(served, 100, table);
    const before = classify(contact('a'), texts, audience);
    const after = classify(contact('a'), [...texts, ...added], audience);
    if (before === null) expect(after).toBeNull();
  });
});
